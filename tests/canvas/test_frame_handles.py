"""The frame resizes from its edges as well as its corners, grabbed within a margin that stays the same on screen
at any zoom, and snaps to the picture's edges."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRect

from dalle_studio.ui.canvas.tool_state import Tool

from .conftest import drag


def _at(view, x: float, y: float):
    return view.mapFromScene(QPointF(x, y))


@pytest.fixture
def framed(view):
    view.tools.set_tool(Tool.FRAME)
    assert view.tools.frame_shape.free
    view.document.set_frame(QRect(50, 50, 200, 150))
    return view


@pytest.mark.parametrize("zoom", [0.5, 1.0, 4.0])
def test_an_edge_is_grabbed_within_a_few_screen_pixels_at_any_zoom(framed, zoom):
    view = framed
    view.set_zoom(zoom)
    view.centerOn(250, 125)
    start = _at(view, 250, 125)
    start.setX(start.x() + 6)  # 6 screen pixels outside the right edge
    end = start + (_at(view, 270, 125) - _at(view, 250, 125))
    drag(view, [start, end])
    assert view.document.frame == QRect(50, 50, 220, 150)


def test_the_top_edge_moves_only_the_top(framed):
    view = framed
    view.set_zoom(1.0)
    view.centerOn(150, 125)
    drag(view, [_at(view, 150, 50), _at(view, 150, 30)])
    assert view.document.frame == QRect(50, 30, 200, 170)


def test_an_edge_dragged_near_the_pictures_edge_snaps_to_it(framed):
    view = framed
    view.set_zoom(1.0)
    view.centerOn(300, 125)
    drag(view, [_at(view, 250, 125), _at(view, 396, 125)])  # 4 px short of the picture's right edge (400)
    assert view.document.frame == QRect(50, 50, 350, 150)
    drag(view, [_at(view, 150, 120), _at(view, 153, 120)])  # moved to 3 px from the edge: lines up again
    assert view.document.frame.right() == 399
