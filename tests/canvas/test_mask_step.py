"""Grow, Shrink and Feather take a slider and show each value live on the canvas; Cancel takes it back."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor

from .helpers import mask, solid


def test_grow_is_previewed_live_and_cancel_takes_it_back(studio, qtbot):
    doc = studio.document
    doc.replace(solid(200, 150, QColor("#d0d0d0")))  # plain: a shifted pixel cannot pass for a tint
    doc.fill_mask(QRect(80, 60, 20, 20))
    original, base = mask(doc).copy(), doc.undo_stack.index()
    canvas = studio.window.canvas
    canvas.set_zoom(1.0)
    canvas.centerOn(100, 75)

    def shown_tinted(x: int, y: int) -> bool:
        colour = canvas.viewport().grab().toImage().pixelColor(canvas.mapFromScene(x + 0.5, y + 0.5))
        plain = doc.image.pixelColor(x, y)
        return colour != plain

    dialog = studio.canvas.actions.grow_mask()
    assert dialog.isVisible()  # window-modal, open while the canvas repaints
    dialog.spin.setValue(12)
    qtbot.waitUntil(lambda: mask(doc)[70, 105] == 0)  # 5 px right of the square: inside the grown area
    assert shown_tinted(105, 70), "the canvas does not show the grown mask"
    dialog.spin.setValue(3)
    qtbot.waitUntil(lambda: mask(doc)[70, 105] == 255)
    assert doc.undo_stack.index() == base + 1, "each try must replace the previous one"
    dialog.reject()
    assert np.array_equal(mask(doc), original) and doc.undo_stack.index() == base
    assert not shown_tinted(105, 70)

    dialog = studio.canvas.actions.grow_mask()
    dialog.spin.setValue(7)
    dialog.accept()  # at once, before the pause: the value shown is the one kept
    assert mask(doc)[70, 105] == 0 and doc.undo_stack.index() == base + 1
    assert studio.settings.get("canvas.feather_px") == 7
