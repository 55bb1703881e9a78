"""Shared helpers for the canvas tests: pictures, mask arrays and the expected shape of a stroke."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage

from dalle_studio.document import pixels
from dalle_studio.document.document import Document


def picture(width: int = 200, height: int = 150) -> QImage:
    """An opaque picture with a gradient, so every pixel differs from its neighbours."""
    xs = np.arange(width, dtype=np.uint32)[None, :]
    ys = np.arange(height, dtype=np.uint32)[:, None]
    array = np.zeros((height, width, 4), np.uint8)
    array[..., 0] = (xs * 7 + ys) % 256
    array[..., 1] = (ys * 5) % 256
    array[..., 2] = (xs + ys * 3) % 256
    array[..., 3] = 255
    return pixels.from_array(array, QImage.Format.Format_ARGB32)


def document(width: int = 200, height: int = 150) -> Document:
    doc = Document()
    doc.replace(picture(width, height))
    return doc


def mask(doc: Document) -> np.ndarray:
    return pixels.read(doc.mask)


def segment_distance(width: int, height: int, a: QPointF, b: QPointF) -> np.ndarray:
    """Distance of every pixel centre from the segment a-b."""
    px = np.arange(width, dtype=np.float64)[None, :] + 0.5
    py = np.arange(height, dtype=np.float64)[:, None] + 0.5
    ax, ay, bx, by = a.x(), a.y(), b.x(), b.y()
    length2 = (bx - ax) ** 2 + (by - ay) ** 2
    if length2 == 0:
        return np.hypot(px - ax, py - ay)
    t = np.clip(((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length2, 0, 1)
    return np.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)))


def assert_stroke(values: np.ndarray, distance: np.ndarray, core: float, outer: float) -> None:
    """Alpha 0 exactly within the brush's core along the path (allowing the dab spacing's scallop of under a
    pixel), untouched (255) beyond its outer radius."""
    inside = distance <= core - 1.0
    outside = distance >= outer + 0.125  # dab centres are placed to 1/8 px
    assert inside.any() or core < 1
    assert (values[inside] == 0).all(), f"{int((values[inside] != 0).sum())} pixels in the core are not 0"
    assert (values[outside] == 255).all(), f"{int((values[outside] != 255).sum())} pixels beyond the edge changed"


def solid(width: int, height: int, color: QColor) -> QImage:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(color)
    return image
