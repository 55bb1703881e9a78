"""The frame, the snapshot sent to the model, results applied as one step, and the canvas growing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QSize
from PySide6.QtGui import QColor

from dalle_studio.document import pixels
from dalle_studio.document.brush import BrushTip
from dalle_studio.document.frame import FrameShape, FrameSizes, drag_shape, fit_shape
from dalle_studio.document.snapshot import StaleSnapshotError

from .helpers import document, mask, picture, solid


@pytest.fixture(autouse=True)
def _qt(qapp):
    return qapp


def test_frame_changes_are_undoable():
    doc = document()
    doc.set_frame(QRect(10, 10, 64, 64))
    assert doc.frame == QRect(10, 10, 64, 64)
    doc.undo_stack.undo()
    assert doc.frame == QRect(0, 0, 200, 150)


def test_a_frame_beyond_the_picture_gives_a_transparent_border_to_regenerate():
    doc = document(100, 100)
    doc.set_frame(QRect(-20, 0, 140, 100))
    shot = doc.snapshot("sky")
    assert shot.reaches_beyond and shot.prompt == "sky"
    framed = pixels.read(shot.framed_picture())
    assert framed.shape == (100, 140, 4)
    assert (framed[:, :20, 3] == 0).all() and (framed[:, 120:, 3] == 0).all()
    assert np.array_equal(framed[:, 20:120], pixels.read(picture(100, 100)))
    sent = pixels.read(shot.framed_mask())
    assert (sent[:, :20, 3] == 0).all() and (sent[:, 120:, 3] == 0).all()
    assert (sent[:, 20:120, 3] == 255).all()
    assert shot.has_mask()


def test_a_snapshot_does_not_change_when_painting_goes_on():
    doc = document()
    shot = doc.snapshot()
    stroke = doc.begin_stroke(BrushTip(30, 1.0))
    stroke.move_to(QPointF(100, 75))
    stroke.commit()
    assert (pixels.read(shot.mask) == 255).all()
    assert not shot.has_mask()


def test_a_result_is_composited_through_the_mask_as_one_step():
    doc = document(100, 100)
    doc.fill_mask(QRect(0, 0, 50, 100))
    before = pixels.read(doc.image)
    shot = doc.snapshot()
    red = solid(1024, 1024, QColor(255, 0, 0))
    changed = doc.apply_result(red, shot)
    assert changed == QRect(0, 0, 100, 100)
    after = pixels.read(doc.image)
    assert (after[:, :50] == pixels.read(solid(50, 100, QColor(255, 0, 0)))).all()
    assert np.array_equal(after[:, 50:], before[:, 50:])
    assert doc.undo_stack.count() == 2 and doc.undo_stack.undoText() == "Apply result"
    doc.undo_stack.undo()
    assert np.array_equal(pixels.read(doc.image), before)
    doc.undo_stack.redo()
    assert np.array_equal(pixels.read(doc.image), after)


def test_a_result_beyond_the_picture_grows_the_canvas_in_the_same_step():
    doc = document(100, 80)
    doc.set_frame(QRect(-50, 0, 150, 80))
    shot = doc.snapshot()
    before = pixels.read(doc.image)
    doc.apply_result(solid(150, 80, QColor(0, 0, 255)), shot)
    assert doc.size == QSize(150, 80)
    assert doc.frame == QRect(0, 0, 150, 80)
    after = pixels.read(doc.image)
    assert (after[:, :50] == pixels.read(solid(50, 80, QColor(0, 0, 255)))).all()
    assert np.array_equal(after[:, 50:], before)
    assert (mask(doc) == 255).all()
    doc.undo_stack.undo()
    assert doc.size == QSize(100, 80) and doc.frame == QRect(-50, 0, 150, 80)
    assert np.array_equal(pixels.read(doc.image), before)


def test_a_result_lands_where_its_frame_was_even_after_the_canvas_grew():
    doc = document(100, 100)
    doc.set_frame(QRect(0, 0, 50, 50))
    doc.fill_mask(QRect(0, 0, 50, 50))
    shot = doc.snapshot()
    assert doc.grow_canvas(QRect(-10, -20, 10, 20)) == QPoint(10, 20)
    doc.apply_result(solid(50, 50, QColor(0, 255, 0)), shot)
    after = pixels.read(doc.image)
    assert (after[20:70, 10:60] == pixels.read(solid(50, 50, QColor(0, 255, 0)))).all()
    assert (after[:20, :, 3] == 0).all()


def test_a_result_for_a_closed_picture_is_refused():
    doc = document()
    shot = doc.snapshot()
    doc.replace(picture(10, 10))
    with pytest.raises(StaleSnapshotError):
        doc.apply_result(solid(10, 10, QColor(0, 0, 0)), shot)


def test_frame_sizes_give_shapes_and_send_sizes():
    sizes = FrameSizes()
    assert [s.label for s in sizes.shapes()] == ["Square 1024×1024", "Landscape 1536×1024", "Portrait 1024×1536",
                                                  "Free"]
    assert sizes.send_size(QSize(300, 200)) == QSize(1536, 1024)
    assert sizes.send_size(QSize(1000, 601)) == QSize(992, 592)  # free: multiples of 16
    assert FrameSizes(sizes=((1024, 1024),), free=False).send_size(QSize(300, 200)) == QSize(1024, 1024)
    assert sizes.send_size(QSize(5000, 100)).width() <= 3840


def test_frame_shapes_hold_their_aspect():
    square = FrameShape("Square", QSize(1024, 1024))
    assert drag_shape(QPoint(10, 10), QPoint(110, 50), square) == QRect(10, 10, 100, 100)
    assert drag_shape(QPoint(110, 110), QPoint(10, 50), square) == QRect(10, 10, 100, 100)
    wide = fit_shape(QRect(0, 0, 100, 100), FrameShape("Landscape", QSize(1536, 1024)))
    assert abs(wide.width() / wide.height() - 1.5) < 0.02
