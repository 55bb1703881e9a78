"""What the canvas shows, read back from the screen, and what it should show according to the document."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QImage

from dalle_studio.document import pixels


def on_screen(canvas, region: QRect) -> np.ndarray:
    """The pixels the canvas view shows over ``region`` (picture pixels, zoom must be 100 %), BGRA."""
    assert abs(canvas.zoom - 1.0) < 1e-9, "compare at 100 %"
    shot = canvas.viewport().grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    origin = canvas.viewportTransform().map(QPointF(region.topLeft()))
    x, y = round(origin.x()), round(origin.y())
    assert min(x, y) >= 0 and x + region.width() <= shot.width() and y + region.height() <= shot.height(), \
        "the region is not all on screen"
    return pixels.read(shot)[y : y + region.height(), x : x + region.width(), :3].astype(int)


def expected(document, tools, region: QRect) -> np.ndarray:
    """The document's picture over ``region`` with its mask tinted as the tools say (computed here, not by the
    canvas): what an honest canvas shows."""
    picture = pixels.read(document.image)[region.top() : region.bottom() + 1,
                                          region.left() : region.right() + 1, :3].astype(float)
    if not tools.mask_visible:
        return picture.round().astype(int)
    assert tools.display == "tinted"
    mask = pixels.read(document.mask)[region.top() : region.bottom() + 1, region.left() : region.right() + 1]
    tint = tools.tint
    weight = (tint.alphaF() * (255 - mask.astype(float)) / 255)[..., None]
    colour = np.array([tint.blue(), tint.green(), tint.red()], float)
    return (picture * (1 - weight) + colour * weight).round().astype(int)


def judged_region(document) -> QRect:
    """The part of the picture inside the frame, without the frame's outline and its size label (top left)."""
    inside = document.frame.intersected(document.rect)
    return inside.adjusted(3, 34, -3, -3)


def mismatch(canvas, document, tools) -> float:
    """The share of judged pixels the canvas shows differently from the document (beyond rounding)."""
    region = judged_region(document)
    difference = np.abs(on_screen(canvas, region) - expected(document, tools, region)).max(axis=2)
    return float((difference > 3).mean())
