"""The prompt panel: what the artist asks for. The generation workflow adds its controls below the prompt."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class PromptPanel(QWidget):
    """The prompt box, plus a slot (``controls``) where the workflow places model, size and run buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptPanel")
        self.prompt = QPlainTextEdit()
        self.prompt.setObjectName("prompt")
        self.prompt.setPlaceholderText("Describe what the painted area should become…")
        self.prompt.setTabChangesFocus(True)
        self.hint = QLabel("Open a picture, paint over the part to change, describe it here.")
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        self.controls = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Prompt"))
        layout.addWidget(self.prompt, 1)
        layout.addLayout(self.controls)
        layout.addWidget(self.hint)

    def text(self) -> str:
        return self.prompt.toPlainText()

    def set_text(self, text: str) -> None:
        self.prompt.setPlainText(text)
