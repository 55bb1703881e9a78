"""The canvas inside the main window: shortcuts, menus, History panel, Send preview, mask files."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from dalle_studio.document import pixels
from dalle_studio.ui.canvas.tool_state import Tool
from dalle_studio.ui.dialogs.shortcuts import ShortcutsDialog

from .conftest import drag
from .helpers import mask, picture


def open_picture(studio, width=400, height=300):
    studio.document.replace(picture(width, height))
    studio.window.canvas.setFocus()


def test_tool_keys_change_the_tool_and_brush(studio, qtbot):
    open_picture(studio)
    canvas = studio.window.canvas
    tools = canvas.tools
    QTest.keyClick(canvas, Qt.Key.Key_E)
    assert tools.tool == Tool.ERASER
    QTest.keyClick(canvas, Qt.Key.Key_X)
    assert tools.tool == Tool.BRUSH
    QTest.keyClick(canvas, Qt.Key.Key_M)
    assert tools.tool == Tool.RECTANGLE
    QTest.keyClick(canvas, Qt.Key.Key_L)
    assert tools.tool == Tool.LASSO
    QTest.keyClick(canvas, Qt.Key.Key_F)
    assert tools.tool == Tool.FRAME
    QTest.keyClick(canvas, Qt.Key.Key_B)
    assert tools.tool == Tool.BRUSH
    size = tools.brush_size
    QTest.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert tools.brush_size > size
    assert studio.canvas.toolbar.size.value() == round(tools.brush_size)
    QTest.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert tools.brush_size == size
    studio.canvas.toolbar.size.setValue(77)
    assert tools.brush_size == 77


def test_typing_in_the_prompt_does_not_switch_tools(studio, qtbot):
    open_picture(studio)
    box = studio.window.findChild(type(studio.window.centralWidget()).__mro__[0], "canvas")
    assert box is not None
    prompt = studio.window.findChild(object, "prompt")
    prompt.setFocus()
    QTest.keyClicks(prompt, "be")
    assert prompt.toPlainText() == "be"
    assert studio.window.canvas.tools.tool == Tool.BRUSH
    assert studio.window.request.prompt == "be"


def test_every_canvas_shortcut_is_listed_in_help(studio):
    rows = dict(ShortcutsDialog(studio.window.shortcut_groups(), studio.window).rows())
    for name in ("Brush", "Eraser", "Rectangle", "Lasso", "Frame", "Swap brush and eraser", "Bigger brush",
                 "Smaller brush", "Invert mask", "Clear mask", "See the original (hold)", "Show mask"):
        assert name in rows, name


def test_hold_o_shows_the_original(studio, qtbot):
    open_picture(studio)
    studio.document.fill_mask(QRect(0, 0, 50, 50))
    canvas = studio.window.canvas
    QTest.keyPress(canvas, Qt.Key.Key_O)
    assert canvas.tools.showing_original
    assert np.array_equal(pixels.read(canvas.shown_image())[10, 10], pixels.read(studio.document.image)[10, 10])
    QTest.keyRelease(canvas, Qt.Key.Key_O)
    assert not canvas.tools.showing_original


def test_ctrl_z_undoes_a_stroke_and_history_goes_back_to_a_step(studio, qtbot):
    open_picture(studio)
    canvas = studio.window.canvas
    canvas.set_zoom(1.0)
    canvas.centerOn(200, 150)
    c = canvas.viewport().rect().center()
    drag(canvas, [c + QPoint(-50, 0), c + QPoint(50, 0)])
    first = mask(studio.document)
    drag(canvas, [c + QPoint(0, -50), c + QPoint(0, 50)])
    studio.document.invert_mask()
    history = studio.canvas.history
    assert history.model().rowCount() == 4  # "Opened picture" and three steps
    QTest.keySequence(studio.window, "Ctrl+Z")
    assert studio.document.undo_stack.index() == 2
    history.setCurrentIndex(history.model().index(1, 0))
    assert np.array_equal(mask(studio.document), first)
    history.setCurrentIndex(history.model().index(0, 0))
    assert (mask(studio.document) == 255).all()


def test_choosing_a_frame_shape_reshapes_the_frame(studio):
    open_picture(studio, 600, 400)
    studio.canvas.toolbar.shape.setCurrentIndex(0)  # square
    frame = studio.document.frame
    assert frame.width() == frame.height()
    studio.canvas.actions.frame_picture.trigger()
    frame = studio.document.frame
    assert frame.width() == frame.height() and frame.contains(studio.document.rect)


def test_the_send_preview_shows_the_frame_and_its_size(studio, qtbot):
    open_picture(studio, 300, 200)
    studio.document.set_frame(QRect(-100, 0, 400, 200))
    preview = studio.canvas.preview
    qtbot.waitUntil(lambda: "beyond the picture" in preview.caption.text())
    assert "400 × 200 px, sent as 400 × 192 px" in preview.caption.text()
    shown = preview.image.pixmap().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    assert shown.width() == 240


def test_mask_files_save_and_load_through_the_actions(studio, tmp_path):
    open_picture(studio)
    studio.document.fill_mask(QRect(10, 20, 30, 40))
    saved = mask(studio.document)
    path = tmp_path / "m.png"
    assert studio.canvas.actions.save_mask(path)
    studio.document.clear_mask()
    assert studio.canvas.actions.load_mask(path)
    assert np.array_equal(mask(studio.document), saved)
    studio.canvas.actions.grow_mask(2)
    assert mask(studio.document)[18, 20] == 0


def test_the_view_menu_zooms_in_steps(studio):
    open_picture(studio)
    canvas = studio.window.canvas
    canvas.set_zoom(1.0)
    actions = {a.objectName(): a for a in studio.window.menus["view"].actions()}
    actions["zoomIn"].trigger()
    assert canvas.zoom == 1.5
    actions["zoomOut"].trigger()
    actions["zoomOut"].trigger()
    assert canvas.zoom == 0.667
    actions["actualSize"].trigger()
    assert canvas.zoom == 1.0


def test_escape_mid_stroke_cancels_the_stroke_not_the_running_job(studio, qtbot):
    """While a job runs, Escape is the window's "Cancel the newest job"; in the middle of a stroke the artist means
    the stroke, as in every painting program: the stroke goes, the job (which may be paid for) goes on."""
    open_picture(studio)
    canvas = studio.window.canvas
    canvas.set_zoom(1.0)
    cancelled_jobs = []
    cancel = studio.workflow_ui.cancel_action
    cancel.triggered.connect(lambda: cancelled_jobs.append(True))
    cancel.setEnabled(True)  # as while a job runs
    vp, c = canvas.viewport(), canvas.viewport().rect().center()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, c)
    QTest.mouseMove(vp, c + QPoint(60, 0))
    QTest.keyClick(canvas, Qt.Key.Key_Escape)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, c + QPoint(60, 0))
    assert (mask(studio.document) == 255).all()  # the stroke is gone
    assert cancelled_jobs == []
    QTest.keyClick(canvas, Qt.Key.Key_Escape)  # no stroke now: Escape cancels the job, as the menu says
    assert cancelled_jobs == [True]
