"""Painting on the real canvas widget with the mouse: exact mask pixels at every zoom, undo, tools and keys."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dalle_studio.document import pixels
from dalle_studio.ui.canvas.tool_state import Tool

from .conftest import drag
from .helpers import assert_stroke, mask, segment_distance


def polyline_distance(width: int, height: int, points: list[QPointF]) -> np.ndarray:
    return np.minimum.reduce([segment_distance(width, height, a, b) for a, b in itertools.pairwise(points)]
                             + [segment_distance(width, height, points[0], points[0])])


@pytest.mark.parametrize("zoom", [0.25, 1.0, 4.0])
def test_a_drag_clears_the_mask_under_the_stroke_at_any_zoom(view, tools, zoom):
    tools.set_brush_size(24)
    tools.set_hardness(0.75)
    view.set_zoom(zoom)
    view.centerOn(200, 150)
    centre = view.viewport().rect().center()
    reach = {0.25: 40, 1.0: 120, 4.0: 200}[zoom]
    points = [centre + QPoint(-reach + k * reach // 6, (k * 7) % 23 - 11) for k in range(13)]
    scene = drag(view, points)
    values = mask(view.document)
    assert_stroke(values, polyline_distance(400, 300, scene), tools.tip.core, tools.tip.outer)
    assert view.document.undo_stack.count() == 1  # the whole drag is one step
    view.document.undo_stack.undo()
    assert (mask(view.document) == 255).all()
    view.document.undo_stack.redo()
    assert np.array_equal(mask(view.document), values)


def test_right_drag_and_the_eraser_take_the_mask_back(view, tools):
    view.document.mask_all()
    tools.set_brush_size(20)
    tools.set_hardness(1.0)
    view.set_zoom(1.0)
    view.centerOn(200, 150)
    c = view.viewport().rect().center()
    scene = drag(view, [c + QPoint(-100, 0), c + QPoint(0, 0), c + QPoint(100, 0)], Qt.MouseButton.RightButton)
    kept = 255 - mask(view.document)
    assert_stroke(kept, polyline_distance(400, 300, scene), tools.tip.core, tools.tip.outer)
    view.document.undo_stack.undo()
    tools.set_tool(Tool.ERASER)
    drag(view, [c + QPoint(-100, 0), c + QPoint(0, 0), c + QPoint(100, 0)])
    assert np.array_equal(255 - mask(view.document), kept)


def test_shift_click_draws_a_straight_line_from_the_last_stroke(view, tools):
    tools.set_brush_size(10)
    tools.set_hardness(1.0)
    view.set_zoom(1.0)
    view.centerOn(200, 150)
    c = view.viewport().rect().center()
    first = drag(view, [c + QPoint(-150, -100)])
    vp = view.viewport()
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, c + QPoint(150, 100))
    end = view.to_scene(QPointF(c + QPoint(150, 100)))
    assert view.document.undo_stack.count() == 2
    assert_stroke(mask(view.document), segment_distance(400, 300, first[0], end), tools.tip.core, tools.tip.outer)


def test_rectangle_and_lasso_by_mouse(view, tools):
    view.set_zoom(1.0)
    view.centerOn(200, 150)
    tools.set_tool(Tool.RECTANGLE)
    c = view.viewport().rect().center()
    a, _, b = drag(view, [c + QPoint(-50, -40), c + QPoint(0, 0), c + QPoint(30, 20)])
    expected = np.full((300, 400), 255, np.uint8)
    left, top, right, bottom = round(a.x()), round(a.y()), round(b.x()), round(b.y())
    expected[top:bottom, left:right] = 0
    assert np.array_equal(mask(view.document), expected)
    view.document.undo_stack.undo()
    tools.set_tool(Tool.LASSO)
    drag(view, [c + QPoint(-60, -60), c + QPoint(60, -60), c + QPoint(60, 60), c + QPoint(-60, 60)])
    values = mask(view.document)
    inside = view.to_scene(QPointF(c))
    outside = view.to_scene(QPointF(c + QPoint(80, 0)))
    assert values[int(inside.y()), int(inside.x())] == 0
    assert values[int(outside.y()), int(outside.x())] == 255
    assert view.document.undo_stack.undoText() == "Mask lasso"


def test_escape_cancels_a_stroke(view, tools):
    view.set_zoom(1.0)
    c = view.viewport().rect().center()
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, c)
    QTest.mouseMove(vp, c + QPoint(50, 0))
    QTest.keyClick(view, Qt.Key.Key_Escape)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, c + QPoint(50, 0))
    assert (mask(view.document) == 255).all()
    assert not view.document.undo_stack.canUndo()


def test_the_mask_shows_tinted_or_erased_and_hides(view, tools):
    view.document.fill_mask(QRect(10, 10, 20, 20))
    picture = pixels.read(view.document.image)
    shown = pixels.read(view.shown_image())
    assert tools.display == "tinted"
    assert not np.array_equal(shown[15, 15, :3], picture[15, 15, :3])  # tinted
    assert np.array_equal(shown[100, 100], picture[100, 100])  # untouched elsewhere
    tools.toggle_display()
    shown = pixels.read(view.shown_image())
    assert shown[15, 15, 3] == 0  # erased to the checkerboard
    assert np.array_equal(shown[100, 100], picture[100, 100])
    tools.set_showing_original(True)
    assert np.array_equal(pixels.read(view.shown_image())[15, 15], picture[15, 15])
    tools.set_showing_original(False)
    tools.toggle_mask()
    assert np.array_equal(pixels.read(view.shown_image())[15, 15], picture[15, 15])


def test_zoom_keeps_the_point_under_the_cursor(view):
    view.set_zoom(1.0)
    anchor = QPointF(150, 120)
    before = view.to_scene(anchor)
    view.set_zoom(3.0, anchor)
    after = view.to_scene(anchor)
    assert abs(before.x() - after.x()) < 0.5 and abs(before.y() - after.y()) < 0.5
    assert view.zoom == 3.0


def test_space_drag_and_middle_drag_pan_without_painting(view):
    view.set_zoom(2.0)
    c = view.viewport().rect().center()
    before = view.to_scene(QPointF(c))
    drag(view, [c, c + QPoint(-40, 0), c + QPoint(-80, -30)], Qt.MouseButton.MiddleButton)
    after = view.to_scene(QPointF(c))
    assert abs((after.x() - before.x()) - 40) < 1 and abs((after.y() - before.y()) - 15) < 1
    QTest.keyPress(view, Qt.Key.Key_Space)
    drag(view, [c, c + QPoint(80, 0)])
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert abs(view.to_scene(QPointF(c)).x() - before.x()) < 1
    assert (mask(view.document) == 255).all()


def test_the_frame_tool_moves_and_draws_the_frame(view, tools):
    view.set_zoom(1.0)
    view.centerOn(200, 150)
    tools.set_tool(Tool.FRAME)
    c = view.viewport().rect().center()
    drag(view, [c, c + QPoint(-30, 0), c + QPoint(-60, -20)])
    assert view.document.frame == QRect(-60, -20, 400, 300)
    view.document.undo_stack.undo()
    assert view.document.frame == QRect(0, 0, 400, 300)
    start = view.mapFromScene(QPointF(-100, -100))
    drag(view, [start, start + QPoint(40, 10), start + QPoint(80, 30)])  # outside the frame: draw a new one
    assert view.document.frame == QRect(-100, -100, 80, 30)  # free shape
    tools.set_frame_shape(0)  # square: new frames keep that shape
    start = view.mapFromScene(QPointF(100, 100))
    drag(view, [start, start + QPoint(40, 10), start + QPoint(80, 30)])
    assert view.document.frame == QRect(100, 100, 80, 80)
    assert view.document.undo_stack.undoText() == "Draw frame"


def test_a_pinch_zooms_around_the_fingers(view):
    from PySide6.QtGui import QNativeGestureEvent, QPointingDevice

    view.set_zoom(1.0)
    at = QPointF(200, 150)
    before = view.to_scene(at)
    event = QNativeGestureEvent(Qt.NativeGestureType.ZoomNativeGesture, QPointingDevice.primaryPointingDevice(), 2,
                                at, at, view.viewport().mapToGlobal(at), 0.5, QPointF(), 0)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom == 1.5
    after = view.to_scene(at)
    assert abs(after.x() - before.x()) < 0.5 and abs(after.y() - before.y()) < 0.5


def test_dragging_a_frame_corner_resizes_it_from_the_opposite_corner(view, tools):
    view.set_zoom(1.0)
    view.centerOn(200, 150)
    tools.set_tool(Tool.FRAME)
    view.document.set_frame(QRect(100, 100, 100, 50))
    corner = view.mapFromScene(QPointF(200, 150))  # bottom-right
    drag(view, [corner, corner + QPoint(20, 10), corner + QPoint(50, 30)])
    assert view.document.frame == QRect(100, 100, 150, 80)
    assert view.document.undo_stack.undoText() == "Resize frame"
    tools.set_frame_shape(0)  # square
    corner = view.mapFromScene(QPointF(100, 100))  # top-left: the bottom-right corner stays
    drag(view, [corner, corner + QPoint(10, 0), corner + QPoint(20, 0)])
    frame = view.document.frame
    assert frame.bottomRight() == QRect(100, 100, 150, 80).bottomRight()
    assert frame.width() == frame.height()


def test_the_frame_tool_pointer_says_move_or_resize(view, tools):
    view.set_zoom(1.0)
    view.centerOn(200, 150)
    tools.set_tool(Tool.FRAME)
    view.document.set_frame(QRect(100, 100, 100, 50))
    QTest.mouseMove(view.viewport(), view.mapFromScene(QPointF(200, 150)))
    assert view.viewport().cursor().shape() == Qt.CursorShape.SizeFDiagCursor
    QTest.mouseMove(view.viewport(), view.mapFromScene(QPointF(150, 125)))
    assert view.viewport().cursor().shape() == Qt.CursorShape.SizeAllCursor
