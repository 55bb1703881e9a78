"""Edit > Preferences: a form generated from the settings declarations, one tab a section."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dalle_studio.core.settings import Setting, Settings


class ColorButton(QPushButton):
    """A colour setting: a swatch with its name; a click opens the colour picker."""

    def __init__(self, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._color = QColor()
        self.set_color_name(value)
        self.clicked.connect(self.choose)

    def color_name(self) -> str:
        return self._color.name()

    def set_color_name(self, value: str) -> None:
        color = QColor(value)
        self._color = color if color.isValid() else QColor("#ff3b6b")
        swatch = QPixmap(28, 14)
        swatch.fill(self._color)
        self.setIcon(QIcon(swatch))
        self.setText(self._color.name())

    def choose(self) -> None:
        color = QColorDialog.getColor(self._color, self, "Choose a colour")
        if color.isValid():
            self.set_color_name(color.name())


class PreferencesDialog(QDialog):
    """Shows every visible setting; OK writes the changed ones back through ``settings``."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferences")
        self.settings = settings
        self.editors: dict[str, QWidget] = {}
        self.resize(720, 460)
        tabs = QTabWidget()
        tabs.setUsesScrollButtons(False)
        forms: dict[str, QFormLayout] = {}
        for decl in settings.visible():
            if decl.type not in (bool, int, float, str):
                continue
            if decl.section not in forms:
                page = QWidget()
                forms[decl.section] = QFormLayout(page)
                tabs.addTab(page, decl.section)
            editor = self._editor(decl, settings.get(decl.key))
            editor.setToolTip(decl.description)
            editor.setObjectName(decl.key)
            self.editors[decl.key] = editor
            forms[decl.section].addRow(decl.title, editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)

    @staticmethod
    def _editor(decl: Setting, value: Any) -> QWidget:
        if decl.type is bool:
            box = QCheckBox()
            box.setChecked(value)
            return box
        if decl.type is int:
            spin = QSpinBox()
            spin.setRange(int(decl.minimum if decl.minimum is not None else -(2**31)),
                          int(decl.maximum if decl.maximum is not None else 2**31 - 1))
            spin.setValue(value)
            return spin
        if decl.type is float:
            dspin = QDoubleSpinBox(decimals=2)
            dspin.setRange(decl.minimum if decl.minimum is not None else -1e12,
                           decl.maximum if decl.maximum is not None else 1e12)
            dspin.setValue(value)
            return dspin
        if decl.key.endswith("_color"):
            return ColorButton(value)
        if decl.choices:
            combo = QComboBox()
            for choice, label in decl.choices:
                combo.addItem(label, choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        return QLineEdit(value)

    @staticmethod
    def _value(editor: QWidget) -> Any:
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            return editor.value()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, ColorButton):
            return editor.color_name()
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def _restore_defaults(self) -> None:
        for key, editor in self.editors.items():
            default = self.settings.declaration(key).default
            replacement = self._editor(self.settings.declaration(key), default)
            self._copy_value(replacement, editor)

    def _copy_value(self, source: QWidget, target: QWidget) -> None:
        value = self._value(source)
        if isinstance(target, QCheckBox):
            target.setChecked(value)
        elif isinstance(target, QSpinBox | QDoubleSpinBox):
            target.setValue(value)
        elif isinstance(target, QComboBox):
            target.setCurrentIndex(max(0, target.findData(value)))
        elif isinstance(target, ColorButton):
            target.set_color_name(value)
        elif isinstance(target, QLineEdit):
            target.setText(value)

    def accept(self) -> None:
        for key, editor in self.editors.items():
            self.settings.set(key, self._value(editor))
        super().accept()
