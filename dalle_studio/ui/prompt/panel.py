"""The prompt panel: what the artist asks for, of which provider and model, with which parameters, and the
buttons that send it. It holds no state of its own beyond its widgets; the workflow wiring fills it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dalle_studio.api.catalog import ModelChoice, replacement_for
from dalle_studio.jobs.job import JobKind
from dalle_studio.ui.prompt.parameters import ParametersForm

WARNING_STYLE = "color: #c07000;"


class PromptPanel(QWidget):
    """Prompt, provider, model, parameters, cost, and the Edit / Variations / Generate buttons."""

    run_requested = Signal(object)  # JobKind
    provider_changed = Signal(str)
    model_changed = Signal()
    parameters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptPanel")
        self.prompt = QPlainTextEdit()
        self.prompt.setObjectName("prompt")
        self.prompt.setPlaceholderText("Describe what the painted area should become…")
        self.prompt.setTabChangesFocus(True)
        self.history_button = QToolButton(text="Recent", objectName="promptHistory")
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_button.setMenu(QMenu(self.history_button))
        self.history_button.setToolTip("Prompts you used before")
        self.revised = QLabel(objectName="revisedPrompt")
        self.revised.setWordWrap(True)
        self.revised.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.revised.hide()
        self.provider = QComboBox(objectName="provider")
        self.model = QComboBox(objectName="model")
        self.model_note = QLabel(objectName="modelNote")
        self.model_note.setWordWrap(True)
        self.model_note.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.model_note.hide()
        self.parameters = ParametersForm()
        self.cost = QLabel(objectName="cost")
        self.cost.setEnabled(False)
        self.edit_button = QPushButton("Edit", objectName="editButton")
        self.edit_button.setToolTip("Regenerate the painted area from the prompt (Ctrl+Enter)")
        self.vary_button = QPushButton("Variations", objectName="varyButton")
        self.generate_button = QPushButton("Generate", objectName="generateButton")
        self.generate_button.setToolTip("Make new pictures from the prompt alone (Ctrl+Shift+Enter)")
        self.engine_note = QLabel(objectName="engineNote")
        self.engine_note.setWordWrap(True)
        self.engine_note.hide()
        self.hint = self.engine_note  # kept for callers of the first version
        for kind, button in ((JobKind.EDIT, self.edit_button), (JobKind.VARIATION, self.vary_button),
                             (JobKind.GENERATION, self.generate_button)):
            button.clicked.connect(lambda _=False, k=kind: self.run_requested.emit(k))
        self.edit_action = self._shortcut("Edit the painted area", ("Ctrl+Return", "Ctrl+Enter"), JobKind.EDIT)
        self.generate_action = self._shortcut("Generate from the prompt", ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
                                              JobKind.GENERATION)
        self.provider.currentIndexChanged.connect(lambda _i: self.provider_changed.emit(self.current_provider()))
        self.model.currentIndexChanged.connect(lambda _i: self.model_changed.emit())
        self.parameters.changed.connect(self.parameters_changed)

        top = QHBoxLayout()
        top.addWidget(QLabel("Prompt"))
        top.addStretch(1)
        top.addWidget(self.history_button)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Provider", self.provider)
        form.addRow("Model", self.model)
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.vary_button, self.generate_button):
            buttons.addWidget(button)
        self.controls = QVBoxLayout()
        self.prompt.setMinimumHeight(72)
        self.prompt.setMaximumHeight(160)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.prompt)
        layout.addWidget(self.revised)
        layout.addLayout(buttons)
        layout.addWidget(self.engine_note)
        layout.addLayout(form)
        layout.addWidget(self.model_note)
        layout.addWidget(self.parameters)
        layout.addWidget(self.cost)
        layout.addLayout(self.controls)
        layout.addStretch(1)

    def _shortcut(self, text: str, keys: tuple[str, ...], kind: JobKind) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda: self.run_requested.emit(kind))
        self.addAction(action)
        return action

    # -- prompt -----------------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.prompt.toPlainText()

    def set_text(self, text: str) -> None:
        self.prompt.setPlainText(text)

    def recall(self, prompt: str, model: str = "", params: dict | None = None) -> str:
        """Put back a prompt and, where the current provider offers them, its model and parameters. A model the
        provider no longer offers because it was retired is recalled as its replacement; returns what was said
        about it ("" when nothing)."""
        self.set_text(prompt)
        said = ""
        if model:
            index = self._model_index(model)
            if index < 0:
                replacement = replacement_for(model, date.today())
                if replacement is not None and self._model_index(replacement) >= 0:
                    index = self._model_index(replacement)
                    said = f"{model} is retired: recalled with {replacement}."
            if index >= 0:
                self.model.setCurrentIndex(index)
        if params:
            self.parameters.apply(params)
        if said:
            self.set_model_note(said, True)
        return said

    def _model_index(self, model: str) -> int:
        return next((i for i in range(self.model.count()) if self.model.itemData(i).id == model), -1)

    def set_history(self, prompts: list[str]) -> None:
        menu = self.history_button.menu()
        menu.clear()
        for prompt in prompts:
            label = prompt if len(prompt) <= 70 else prompt[:69] + "…"
            menu.addAction(label.replace("&", "&&"), lambda p=prompt: self.set_text(p)).setToolTip(prompt)
        self.history_button.setEnabled(bool(prompts))

    def set_revised_prompt(self, text: str | None) -> None:
        self.revised.setText(f"<i>Revised by the model:</i> {text}" if text else "")
        self.revised.setVisible(bool(text))

    # -- provider and model -----------------------------------------------------------------------------------
    def set_providers(self, names: list[tuple[str, str]], current: str) -> None:
        """``names``: (name, label) pairs; ``current`` is selected without emitting a change."""
        self.provider.blockSignals(True)
        self.provider.clear()
        for name, label in names:
            self.provider.addItem(label, name)
        self.provider.setCurrentIndex(max(0, self.provider.findData(current)))
        self.provider.blockSignals(False)

    def current_provider(self) -> str:
        return self.provider.currentData() or ""

    def set_models(self, choices: list[ModelChoice], current: str | None) -> None:
        self.model.blockSignals(True)
        self.model.clear()
        for choice in choices:
            self.model.addItem(choice.label, choice)
            if choice.shutdown is not None:
                self.model.setItemData(self.model.count() - 1,
                                       f"{choice.id} is deprecated: OpenAI shuts it down on {choice.shutdown}",
                                       Qt.ItemDataRole.ToolTipRole)
        index = next((i for i in range(self.model.count()) if self.model.itemData(i).id == current), 0)
        self.model.setCurrentIndex(index)
        self.model.blockSignals(False)
        self.model_changed.emit()

    def current_model(self) -> ModelChoice | None:
        return self.model.currentData()

    def set_model_note(self, text: str, warning: bool = False) -> None:
        self.model_note.setText(text)
        self.model_note.setStyleSheet(WARNING_STYLE if warning else "")
        self.model_note.setVisible(bool(text))

    def set_engine_note(self, text: str) -> None:
        self.engine_note.setText(text)
        self.engine_note.setVisible(bool(text))

    def set_cost(self, text: str) -> None:
        self.cost.setText(text)
        self.cost.setVisible(bool(text))
