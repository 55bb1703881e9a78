"""The document's mask: brush strokes, areas and whole-mask operations give exact pixels and undo exactly."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QImage, QPainterPath, QPolygonF

from dalle_studio.document import pixels
from dalle_studio.document.brush import BrushTip
from dalle_studio.document.tiles import TILE

from .helpers import assert_stroke, document, mask, segment_distance


@pytest.fixture(autouse=True)
def _qt(qapp):
    return qapp


def test_new_picture_has_an_empty_mask_and_a_frame_around_it():
    doc = document(200, 150)
    assert doc.mask.format() == QImage.Format.Format_Alpha8
    assert (mask(doc) == 255).all()
    assert doc.frame == QRect(0, 0, 200, 150)
    assert doc.mask_is_empty()


@pytest.mark.parametrize("hardness", [1.0, 0.5, 0.0])
def test_a_stroke_clears_the_mask_under_the_brush_and_nowhere_else(hardness):
    doc = document()
    tip = BrushTip(20, hardness)
    a, b = QPointF(30.3, 40.7), QPointF(150.2, 100.1)
    stroke = doc.begin_stroke(tip)
    for k in range(0, 11):
        stroke.move_to(a + (b - a) * (k / 10))
    stroke.commit()
    assert_stroke(mask(doc), segment_distance(200, 150, a, b), tip.core, tip.outer)
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "Paint mask"


def test_undo_restores_the_mask_exactly_and_redo_repeats_it():
    doc = document()
    first = doc.begin_stroke(BrushTip(30, 0.7))
    first.move_to(QPointF(20, 20))
    first.move_to(QPointF(180, 120))
    first.commit()
    after_first = mask(doc)
    second = doc.begin_stroke(BrushTip(12, 0.3), erase=True)
    second.move_to(QPointF(100, 10))
    second.move_to(QPointF(100, 140))
    second.commit()
    after_second = mask(doc)
    assert not np.array_equal(after_first, after_second)
    doc.undo_stack.undo()
    assert np.array_equal(mask(doc), after_first)
    doc.undo_stack.undo()
    assert (mask(doc) == 255).all()
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert np.array_equal(mask(doc), after_second)


def test_an_aborted_stroke_leaves_no_trace():
    doc = document()
    stroke = doc.begin_stroke(BrushTip(30, 1.0))
    stroke.move_to(QPointF(50, 50))
    stroke.move_to(QPointF(120, 60))
    stroke.abort()
    assert (mask(doc) == 255).all()
    assert doc.undo_stack.count() == 0


def test_a_stroke_announces_only_the_region_it_changed(qtbot):
    doc = document()
    stroke = doc.begin_stroke(BrushTip(10, 1.0))
    with qtbot.waitSignal(doc.mask_changed) as changed:
        stroke.move_to(QPointF(60, 70))
    assert changed.args[0] == QRect(54, 64, 12, 12)
    stroke.commit()


def test_undo_keeps_only_the_changed_tiles():
    doc = document(1024, 1024)
    stroke = doc.begin_stroke(BrushTip(20, 1.0))
    stroke.move_to(QPointF(100, 100))
    stroke.move_to(QPointF(300, 100))
    stroke.commit()
    command = doc.undo_stack.command(0)
    assert command.nbytes < 2 * 8 * TILE * TILE  # a few compressed tiles, not a 1 MB copy


def test_the_eraser_keeps_what_it_touches():
    doc = document()
    doc.mask_all()
    stroke = doc.begin_stroke(BrushTip(20, 1.0), erase=True)
    a, b = QPointF(40, 75), QPointF(160, 75)
    stroke.move_to(a)
    stroke.move_to(b)
    stroke.commit()
    values = 255 - mask(doc)
    tip = BrushTip(20, 1.0)
    assert_stroke(values, segment_distance(200, 150, a, b), tip.core, tip.outer)


def test_rectangle_marks_exactly_its_pixels():
    doc = document()
    doc.fill_mask(QRect(10, 20, 30, 40))
    expected = np.full((150, 200), 255, np.uint8)
    expected[20:60, 10:40] = 0
    assert np.array_equal(mask(doc), expected)
    doc.fill_mask(QRect(20, 30, 5, 5), erase=True)
    expected[30:35, 20:25] = 255
    assert np.array_equal(mask(doc), expected)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert (mask(doc) == 255).all()


def test_lasso_marks_the_inside_of_its_outline():
    doc = document()
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(20, 20), QPointF(120, 20), QPointF(20, 120)]))
    path.closeSubpath()
    doc.fill_mask(path)
    values = mask(doc)
    assert values[30, 30] == 0 and values[21, 100] == 0  # inside the triangle
    assert values[100, 100] == 255 and values[10, 10] == 255  # outside
    assert values[130, 25] == 255
    assert set(np.unique(values[60:62, 78:82])) <= set(range(256))  # antialiased edge allowed


def test_invert_grow_shrink_and_feather_give_the_expected_pixels():
    doc = document()
    doc.fill_mask(QRect(80, 50, 40, 40))
    doc.invert_mask()
    values = mask(doc)
    assert values[60, 90] == 255 and values[10, 10] == 0
    doc.invert_mask()
    doc.grow_mask(5)
    values = mask(doc)
    assert values[70, 75] == 0 and values[70, 74] == 255  # 5 px left of the square's edge at x=80
    assert values[45, 100] == 0 and values[44, 100] == 255
    doc.shrink_mask(10)
    values = mask(doc)
    assert values[70, 85] == 0 and values[70, 84] == 255
    doc.feather_mask(4)
    values = mask(doc)
    row = values[70, 70:100].astype(int)
    assert row[0] == 255 and row[-1] == 0
    assert (np.diff(row) <= 0).all()  # a monotonic ramp across the edge
    assert 100 < values[70, 84] < 160  # about half way on the old edge
    for _ in range(5):
        doc.undo_stack.undo()
    expected = np.full((150, 200), 255, np.uint8)
    expected[50:90, 80:120] = 0
    assert np.array_equal(mask(doc), expected)


def test_a_mask_file_round_trips(tmp_path):
    doc = document()
    stroke = doc.begin_stroke(BrushTip(25, 0.4))
    stroke.move_to(QPointF(30, 30))
    stroke.move_to(QPointF(170, 110))
    stroke.commit()
    saved = mask(doc)
    path = tmp_path / "mask.png"
    assert doc.mask_picture().save(str(path))
    doc.clear_mask()
    doc.set_mask(QImage(str(path)))
    assert np.array_equal(mask(doc), saved)


def test_a_grey_mask_file_marks_white_to_regenerate():
    doc = document(4, 2)
    grey = QImage(4, 2, QImage.Format.Format_Grayscale8)
    pixels.view(grey)[...] = np.array([[0, 255, 0, 255], [128, 0, 0, 0]], np.uint8)
    doc.set_mask(grey)
    assert mask(doc).tolist() == [[255, 0, 255, 0], [127, 255, 255, 255]]
