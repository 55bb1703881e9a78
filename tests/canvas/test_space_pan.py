"""Space-drag pans the canvas whatever has the focus, except a text field (where space types)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from .conftest import drag
from .helpers import mask, picture


def test_space_drag_pans_while_another_panel_has_the_focus(studio, qtbot):
    studio.document.replace(picture(1600, 1200))
    canvas = studio.window.canvas
    canvas.set_zoom(1.0)
    history = studio.canvas.history
    history.setFocus()
    qtbot.waitUntil(history.hasFocus)
    centre = canvas.viewport().rect().center()
    QTest.mouseMove(canvas.viewport(), centre)
    before = (canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value())
    QTest.keyPress(QApplication.focusWidget(), Qt.Key.Key_Space)
    drag(canvas, [centre, centre + QPoint(-60, -40), centre + QPoint(-120, -80)])
    QTest.keyRelease(QApplication.focusWidget(), Qt.Key.Key_Space)
    after = (canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value())
    assert after == (before[0] + 120, before[1] + 80), "the drag did not pan"
    assert (mask(studio.document) == 255).all(), "the drag painted instead of panning"
    drag(canvas, [centre, centre + QPoint(30, 0)])  # space let go: the brush paints again
    assert (mask(studio.document) < 255).any()


def test_space_types_in_the_prompt(studio, qtbot):
    studio.document.replace(picture(400, 300))
    canvas = studio.window.canvas
    prompt = studio.window.prompt_panel.prompt
    prompt.setFocus()
    qtbot.waitUntil(prompt.hasFocus)
    QTest.mouseMove(canvas.viewport(), canvas.viewport().rect().center())
    QTest.keyClicks(prompt, "a b")
    assert prompt.toPlainText() == "a b"
    before = mask(studio.document).copy()
    c = canvas.viewport().rect().center()
    drag(canvas, [c, c + QPoint(40, 0)])
    assert not np.array_equal(mask(studio.document), before)  # no pan was left held: the brush paints


def test_the_application_s_events_are_watched_only_while_the_pointer_is_over_the_canvas(studio, qtbot):
    """A filter on the application sees every event of every object; away from the canvas it has nothing to do."""
    studio.document.replace(picture(400, 300))
    canvas = studio.window.canvas
    pan = canvas._space_pan
    seen = []
    real = pan.eventFilter
    pan.eventFilter = lambda watched, event: seen.append(event.type()) or real(watched, event)
    QTest.mouseMove(canvas.viewport(), canvas.viewport().rect().center())
    QApplication.sendEvent(canvas.viewport(), QEvent(QEvent.Type.Leave))  # the pointer goes to another panel
    seen.clear()
    history = studio.canvas.history
    history.setFocus()
    qtbot.waitUntil(history.hasFocus)
    QTest.keyClick(history, Qt.Key.Key_Down)
    studio.window.repaint()
    assert seen == []
    QTest.mouseMove(canvas.viewport(), canvas.viewport().rect().center() + QPoint(5, 5))
    QTest.keyClick(history, Qt.Key.Key_Down)
    assert QEvent.Type.KeyPress in seen  # back over the canvas: its space is watched again
