"""Reduced views average the picture's pixels (no shimmer), and stay right as the mask is painted."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage

from dalle_studio.document import pixels
from dalle_studio.ui.canvas.mipmaps import Mipmaps


def stripes(width: int = 512, height: int = 256) -> QImage:
    array = np.zeros((height, width, 4), np.uint8)
    array[:, ::2] = 255  # one-pixel stripes: bilinear sampling at 25 % would show only one colour
    return pixels.from_array(array, QImage.Format.Format_ARGB32_Premultiplied)


def test_levels_are_box_averages():
    mips = Mipmaps()
    mips.rebuild(stripes())
    assert [lv.size().toTuple() for lv in mips.levels] == [(256, 128), (128, 64), (64, 32)]
    for level in mips.levels:
        assert (pixels.read(level) == 128).all()


def test_levels_follow_a_changed_region_and_the_zoom_picks_a_level():
    base = stripes()
    mips = Mipmaps()
    mips.rebuild(base)
    pixels.view(base, QRect(0, 0, 64, 64))[...] = 0
    mips.update(base, QRect(0, 0, 64, 64))
    assert (pixels.read(mips.levels[0], QRect(0, 0, 32, 32)) == 0).all()
    assert (pixels.read(mips.levels[0], QRect(32, 0, 224, 128)) == 128).all()
    assert (pixels.read(mips.levels[1], QRect(0, 0, 16, 16)) == 0).all()
    assert mips.pick(1.0) == (None, 1) and mips.pick(0.6) == (None, 1)
    assert mips.pick(0.5)[1] == 2 and mips.pick(0.25)[1] == 4 and mips.pick(0.05)[1] == 8
