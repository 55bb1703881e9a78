"""Round brush dabs for painting the mask: a coverage stamp per dab, placed with sub-pixel accuracy.

Coverage is 1 within the *core* (radius x hardness, at most radius - 0.5) and falls smoothly to 0 at the outer
radius (at least core + 1 px, so a hard brush is still antialiased). A dab at ``(x, y)`` is centred on that point
in picture coordinates, where pixel ``(i, j)`` covers ``[i, i+1) x [j, j+1)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QPointF, QRect

SUBPIXEL = 8  # dab centres are rounded to 1/8 px, so stamps can be cached


@dataclass(frozen=True)
class BrushTip:
    """A round tip: ``size`` is the diameter in picture pixels, ``hardness`` from 0 (soft) to 1 (hard)."""

    size: float
    hardness: float

    @property
    def radius(self) -> float:
        return max(self.size, 1.0) / 2

    @property
    def core(self) -> float:
        """Radius within which a dab covers fully (the mask becomes exactly 0 there)."""
        return max(0.0, min(self.radius * self.hardness, self.radius - 0.5))

    @property
    def outer(self) -> float:
        """Radius beyond which a dab leaves pixels untouched."""
        return max(self.radius, self.core + 1.0)

    @property
    def spacing(self) -> float:
        """Distance between dabs along a stroke: close enough that the core forms a continuous band."""
        return max(0.5, self.size * 0.1)


@lru_cache(maxsize=512)
def _stamp(size: float, hardness: float, qx: int, qy: int) -> tuple[int, int, np.ndarray]:
    tip = BrushTip(size, hardness)
    fx, fy = qx / SUBPIXEL, qy / SUBPIXEL
    reach = tip.outer
    x0, y0 = math.floor(fx - reach), math.floor(fy - reach)
    x1, y1 = math.ceil(fx + reach), math.ceil(fy + reach)
    xs = np.arange(x0, x1, dtype=np.float32) + 0.5 - fx
    ys = np.arange(y0, y1, dtype=np.float32) + 0.5 - fy
    dist = np.sqrt(xs[None, :] ** 2 + ys[:, None] ** 2)
    t = np.clip((dist - tip.core) / (tip.outer - tip.core), 0.0, 1.0)
    coverage = 1.0 - t * t * (3.0 - 2.0 * t)  # smoothstep falloff
    stamp = np.rint(coverage * 255).astype(np.uint8)
    stamp.setflags(write=False)
    return x0, y0, stamp


def dab(tip: BrushTip, center: QPointF) -> tuple[QRect, np.ndarray]:
    """The rectangle a dab at ``center`` covers and its coverage (uint8, 255 = full), in picture coordinates."""
    ix, iy = math.floor(center.x()), math.floor(center.y())
    qx = round((center.x() - ix) * SUBPIXEL)
    qy = round((center.y() - iy) * SUBPIXEL)
    x0, y0, stamp = _stamp(round(tip.size, 2), round(tip.hardness, 3), qx, qy)
    return QRect(ix + x0, iy + y0, stamp.shape[1], stamp.shape[0]), stamp


def dab_centres(start: QPointF, end: QPointF, spacing: float, carry: float) -> tuple[list[QPointF], float]:
    """Dab centres from ``start`` (exclusive) to ``end``, ``spacing`` apart, continuing a stroke whose last dab
    was ``carry`` px before ``start``; returns them and the new carry."""
    dx, dy = end.x() - start.x(), end.y() - start.y()
    length = math.hypot(dx, dy)
    if length == 0:
        return [], carry
    centres = []
    travelled = spacing - carry
    while travelled <= length:
        k = travelled / length
        centres.append(QPointF(start.x() + dx * k, start.y() + dy * k))
        travelled += spacing
    return centres, length - (travelled - spacing)
