"""Odd pictures opened in the window show their quadrants where they belong, on screen (issue 13, items 6 and 7):
16-bit grey keeps its tones, EXIF orientations 5-8 stand upright, CMYK keeps its colours."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from tests.foundation.test_main_window import wait
from tests.foundation.test_odd_pictures_everywhere import CASES, QUADRANTS, H, W


@pytest.mark.parametrize("case", ["png-16bit-grey", "jpeg-exif-5", "jpeg-exif-6", "jpeg-exif-7", "jpeg-exif-8",
                                  "jpeg-cmyk"])
def test_an_odd_picture_opened_in_the_window_shows_as_it_should(studio, loop, tmp_path, case):
    data, expected = CASES[case]()
    path = tmp_path / f"{case}.{'png' if case.startswith('png') else 'jpg'}"
    path.write_bytes(data)
    assert wait(loop, studio.window.files.open_path(path)) is True
    canvas = studio.window.canvas
    shot = canvas.viewport().grab().toImage()
    for (fx, fy), want in zip(QUADRANTS, expected, strict=True):
        at = canvas.mapFromScene(QPointF(fx * W, fy * H))
        got = QColor(shot.pixel(at.x(), at.y()))
        assert max(abs(got.red() - want[0]), abs(got.green() - want[1]), abs(got.blue() - want[2])) <= 16, (
            f"{case}: on screen at {fx},{fy} {got.getRgb()[:3]} instead of {want[:3]}")
