"""What providers refused, per provider and model (the self-healing memory), with Forget: shown in the providers
dialog so what the studio stopped sending is visible and can be offered again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from dalle_studio.jobs.refusals import LearnedRefusals, describe


class LearnedRefusalsList(QGroupBox):
    """One line per provider and model ("OpenAI · gpt-image-2: Quality"); Forget offers those again."""

    def __init__(self, refusals: LearnedRefusals, parent: QWidget | None = None) -> None:
        super().__init__("Parameters providers refused (no longer offered nor sent)", parent)
        self.setObjectName("learnedRefusals")
        self.refusals = refusals
        self.list = QListWidget(objectName="learnedRefusalsList")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setMaximumHeight(96)
        self.forget_button = QPushButton("Forget", objectName="forgetLearned")
        self.forget_button.setToolTip("Offer and send these parameters again for the selected models")
        self.forget_button.clicked.connect(self.forget_selected)
        self.forget_all_button = QPushButton("Forget all", objectName="forgetAllLearned")
        self.forget_all_button.clicked.connect(lambda: self.refusals.forget())
        buttons = QVBoxLayout()
        buttons.addWidget(self.forget_button)
        buttons.addWidget(self.forget_all_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        unsubscribe = refusals.settings.subscribe(self._on_setting)
        self.destroyed.connect(lambda *_: unsubscribe())
        self.refresh()

    def _on_setting(self, key: str, _value: object) -> None:
        if key == "api.learned_refusals":  # learned during a run, or forgotten under the model list
            self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for provider, model, params in self.refusals.all():
            item = QListWidgetItem(f"{provider} · {model}: {describe(params)}")
            item.setData(Qt.ItemDataRole.UserRole, (provider, model))
            self.list.addItem(item)
        if not self.list.count():
            placeholder = QListWidgetItem("Nothing refused so far.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(placeholder)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.forget_button.setEnabled(bool(self.list.selectedItems()))
        self.forget_all_button.setEnabled(bool(self.refusals.all()))

    def forget_selected(self) -> None:
        for provider, model in [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]:
            self.refusals.forget(provider, model)
