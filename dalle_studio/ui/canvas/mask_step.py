"""Grow, Shrink and Feather with a slider, previewed live on the canvas: each value is applied to the document
(so the canvas shows exactly what OK keeps), replacing the previous try; Cancel takes it back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QSlider, QSpinBox, QVBoxLayout, QWidget

from dalle_studio.document.document import Document

MAX_PX = 200


class MaskStepDialog(QDialog):
    """Asks how many pixels to ``apply`` (``apply(px)`` pushes one undo step on the document)."""

    def __init__(self, title: str, document: Document, apply: Callable[[int], None], start: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("maskStep")
        self.document = document
        self._apply = apply
        self._tried: int | None = None  # the value whose step is on top of the history now
        self._base = document.undo_stack.index()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(1, MAX_PX)
        self.spin = QSpinBox(suffix=" px")
        self.spin.setRange(1, MAX_PX)
        self.slider.valueChanged.connect(self.spin.setValue)
        self.spin.valueChanged.connect(self.slider.setValue)
        self.spin.valueChanged.connect(lambda _v: self._timer.start())
        self._timer = QTimer(self, singleShot=True, interval=120)  # one try per pause, not per slider pixel
        self._timer.timeout.connect(self.try_value)
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        note = QLabel("Shown on the canvas as you choose; Cancel leaves the mask as it was.")
        note.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.spin.setValue(max(1, min(MAX_PX, start)))
        self._timer.stop()
        self.try_value()

    def value(self) -> int:
        return self.spin.value()

    def try_value(self) -> None:
        """Apply the chosen value in place of the previous try (one step in the history either way)."""
        self._timer.stop()
        value = self.value()
        if value == self._tried:
            return
        self._take_back()
        self._apply(value)
        self._tried = value

    def _take_back(self) -> None:
        stack = self.document.undo_stack
        if self._tried is not None and stack.index() == self._base + 1:
            stack.undo()
        self._tried = None

    def accept(self) -> None:
        self.try_value()  # the value shown is the one kept, even if the pause had not come yet
        super().accept()

    def reject(self) -> None:
        self._timer.stop()
        self._take_back()
        super().reject()
