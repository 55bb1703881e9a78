"""The mask tint is chosen with a colour picker, and the canvas shows the chosen colour."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog

from dalle_studio.ui.dialogs.preferences import ColorButton, PreferencesDialog

from .helpers import solid


def test_the_tint_colour_is_picked_and_shown(studio, qtbot, monkeypatch):
    studio.document.replace(solid(200, 150, QColor("white")))
    studio.document.fill_mask(QRect(0, 0, 200, 150))
    dialog = PreferencesDialog(studio.settings, studio.window)
    qtbot.addWidget(dialog)
    button = dialog.editors["canvas.mask_color"]
    assert isinstance(button, ColorButton)
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#00a000"))  # the platform's dialog
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.text() == "#00a000"
    dialog.accept()
    assert studio.settings.get("canvas.mask_color") == "#00a000"
    canvas = studio.window.canvas
    shown = canvas.viewport().grab().toImage()
    centre = canvas.mapFromScene(100, 75)
    colour = shown.pixelColor(centre)
    assert colour.green() > colour.red() + 60 and colour.green() > colour.blue() + 60, colour.name()
