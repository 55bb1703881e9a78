"""File > New canvas: a blank picture of a chosen size, filled with a colour or transparent."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QWidget,
)

PRESETS = (
    ("Square 1024 × 1024", 1024, 1024),
    ("Landscape 1536 × 1024", 1536, 1024),
    ("Portrait 1024 × 1536", 1024, 1536),
    ("Square 512 × 512", 512, 512),
    ("Wide 1792 × 1024", 1792, 1024),
    ("HD 1920 × 1088", 1920, 1088),
)
MAX_SIDE = 8192


class NewCanvasDialog(QDialog):
    """Asks for width, height and background; read the answer from :meth:`size` and :meth:`color`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New canvas")
        self.preset = QComboBox()
        for label, w, h in PRESETS:
            self.preset.addItem(label, (w, h))
        self.preset.addItem("Custom", None)
        self.width_box = QSpinBox(minimum=16, maximum=MAX_SIDE, value=1024, suffix=" px", singleStep=16)
        self.height_box = QSpinBox(minimum=16, maximum=MAX_SIDE, value=1024, suffix=" px", singleStep=16)
        self.transparent = QCheckBox("Transparent (to outpaint into)")
        self._color = QColor("white")
        self.color_button = QPushButton()
        self.color_button.clicked.connect(self._pick_color)
        self._show_color()
        background = QHBoxLayout()
        background.addWidget(self.color_button)
        background.addWidget(self.transparent)
        self.transparent.toggled.connect(lambda on: self.color_button.setEnabled(not on))
        form = QFormLayout(self)
        form.addRow("Preset", self.preset)
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        form.addRow("Background", background)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.width_box.valueChanged.connect(self._sync_preset)
        self.height_box.valueChanged.connect(self._sync_preset)

    def _apply_preset(self) -> None:
        value = self.preset.currentData()
        if value:
            self.width_box.setValue(value[0])
            self.height_box.setValue(value[1])

    def _sync_preset(self) -> None:
        current = (self.width_box.value(), self.height_box.value())
        index = next((i for i in range(self.preset.count()) if self.preset.itemData(i) == current), -1)
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(index if index >= 0 else self.preset.count() - 1)
        self.preset.blockSignals(False)

    def _pick_color(self) -> None:
        color = QColorDialog.getColor(self._color, self, "Background colour")
        if color.isValid():
            self._color = color
            self._show_color()

    def _show_color(self) -> None:
        self.color_button.setText(self._color.name())
        text = "black" if self._color.lightness() > 127 else "white"
        self.color_button.setStyleSheet(f"background: {self._color.name()}; color: {text};")
        self.color_button.setCursor(Qt.CursorShape.PointingHandCursor)

    def size(self) -> tuple[int, int]:  # type: ignore[override]
        return self.width_box.value(), self.height_box.value()

    def color(self) -> QColor | None:
        return None if self.transparent.isChecked() else QColor(self._color)

    def set_color(self, color: QColor | None) -> None:
        self.transparent.setChecked(color is None)
        if color is not None:
            self._color = QColor(color)
            self._show_color()
