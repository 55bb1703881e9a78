"""The prompt panel: what the artist asks for, of which provider and model, with which parameters, and the
buttons that send it. A view of the request model (:mod:`dalle_studio.jobs.request`): its widgets hold no state of
their own; they show the model and write into it, with their signals blocked while they are brought in line."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
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

from dalle_studio.jobs.job import JobKind
from dalle_studio.jobs.request import ModelChoice, RequestModel
from dalle_studio.ui.prompt.parameters import ParametersForm

WARNING_STYLE = "color: #c07000;"


class PromptPanel(QWidget):
    """Prompt, provider, model, parameters, cost, and the Edit / Variations / Generate buttons."""

    run_requested = Signal(object)  # JobKind
    provider_changed = Signal(str)
    model_changed = Signal()
    parameters_changed = Signal()

    def __init__(self, request: RequestModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = request
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
        self.parameters = ParametersForm(request)
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
        self.prompt.textChanged.connect(lambda: request.set_prompt(self.prompt.toPlainText()))
        self.provider.currentIndexChanged.connect(self._provider_chosen)
        self.model.currentIndexChanged.connect(self._model_chosen)
        self.parameters.changed.connect(self.parameters_changed)
        request.changed.connect(self._on_request_changed)

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

    # -- following the request model ----------------------------------------------------------------------------
    def _on_request_changed(self, what: str) -> None:
        if what == "prompt":
            if self.prompt.toPlainText() != self.request.prompt:  # not while the artist types: the cursor stays
                with QSignalBlocker(self.prompt):
                    self.prompt.setPlainText(self.request.prompt)
        elif what == "provider":
            with QSignalBlocker(self.provider):
                self.provider.setCurrentIndex(max(0, self.provider.findData(self.request.provider)))
        elif what == "models":
            self._show_models()
        elif what == "model":
            with QSignalBlocker(self.model):
                self.model.setCurrentIndex(self._model_index(self.request.model.id) if self.request.model else -1)
            self.model_changed.emit()

    def _provider_chosen(self, _index: int) -> None:
        self.request.set_provider(self.current_provider())
        self.provider_changed.emit(self.current_provider())

    def _model_chosen(self, index: int) -> None:
        choice = self.model.itemData(index)
        if choice is not None:
            self.request.set_model(choice.id)

    # -- prompt -----------------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.request.prompt

    def set_text(self, text: str) -> None:
        self.request.set_prompt(text)

    def recall(self, prompt: str, model: str = "", params: dict | None = None) -> str:
        """Put back a recalled prompt, model and parameters (into the request model); returns what was said
        about a retired model ("" when nothing)."""
        said = self.request.recall(prompt, model, params)
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
            menu.addAction(label.replace("&", "&&"), lambda p=prompt: self.request.set_prompt(p)).setToolTip(prompt)
        self.history_button.setEnabled(bool(prompts))

    def set_revised_prompt(self, text: str | None) -> None:
        self.revised.setText(f"<i>Revised by the model:</i> {text}" if text else "")
        self.revised.setVisible(bool(text))

    # -- provider and model -----------------------------------------------------------------------------------
    def set_providers(self, names: list[tuple[str, str]], current: str) -> None:
        """``names``: (name, label) pairs; ``current`` is chosen without counting as the artist's choice."""
        with QSignalBlocker(self.provider):
            self.provider.clear()
            for name, label in names:
                self.provider.addItem(label, name)
        self.request.set_provider(current)
        with QSignalBlocker(self.provider):  # also when the provider stayed the same but the list was rebuilt
            self.provider.setCurrentIndex(max(0, self.provider.findData(self.request.provider)))

    def current_provider(self) -> str:
        return self.provider.currentData() or ""

    def set_models(self, choices: list[ModelChoice], current: str | None) -> None:
        self.request.set_choices(choices, current)

    def _show_models(self) -> None:
        with QSignalBlocker(self.model):
            self.model.clear()
            for choice in self.request.choices:
                self.model.addItem(choice.label, choice)
                if choice.shutdown is not None:
                    self.model.setItemData(self.model.count() - 1,
                                           f"{choice.id} is deprecated: OpenAI shuts it down on {choice.shutdown}",
                                           Qt.ItemDataRole.ToolTipRole)

    def current_model(self) -> ModelChoice | None:
        return self.request.model

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

