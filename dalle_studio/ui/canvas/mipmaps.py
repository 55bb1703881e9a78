"""Half, quarter and eighth-size copies of the composite, so a reduced view averages pixels instead of skipping
them (bilinear sampling alone shimmers and aliases below 50 %). Kept up to date region by region."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage

from dalle_studio.document import pixels

MAX_LEVELS = 3
MIN_SIDE = 32


def _halve(source: np.ndarray, target: np.ndarray) -> None:
    """``target`` (h, w, 4) = the 2x2 box average of ``source`` (2h, 2w, 4), premultiplied pixels."""
    import cv2  # imported on first use: it costs start-up time

    h, w = target.shape[:2]
    target[...] = cv2.resize(source[: 2 * h, : 2 * w], (w, h), interpolation=cv2.INTER_AREA)


class Mipmaps:
    """``levels[k]`` is the composite reduced by ``2 ** (k + 1)`` (box filter)."""

    def __init__(self) -> None:
        self.levels: list[QImage] = []

    def rebuild(self, base: QImage) -> None:
        self.levels = []
        width, height = base.width(), base.height()
        while len(self.levels) < MAX_LEVELS and min(width, height) // 2 >= MIN_SIDE:
            width, height = width // 2, height // 2
            self.levels.append(QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied))
        self.update(base, base.rect())

    def update(self, base: QImage, rect: QRect) -> None:
        """Recompute the levels' pixels that ``rect`` (in base pixels) covers."""
        source = base
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        for level in self.levels:
            left, top, right, bottom = left // 2, top // 2, right // 2, bottom // 2
            region = QRect(left, top, right - left + 1, bottom - top + 1).intersected(level.rect())
            if region.isEmpty():
                return
            below = pixels.peek(source, QRect(2 * region.left(), 2 * region.top(), 2 * region.width(),
                                              2 * region.height()))
            _halve(below, pixels.view(level, region))
            source = level

    def pick(self, scale: float) -> tuple[QImage | None, int]:
        """The level to draw at ``scale`` (screen pixels per picture pixel) and its reduction factor; (None, 1)
        when the full-size image is right (at 50 % and above)."""
        image, factor = None, 1
        for level in self.levels:
            if scale * factor * 2 > 1.0:
                break
            image, factor = level, factor * 2
        return image, factor
