"""Selections by colour, free of Qt: the magic wand, colour range and the picture's own transparency.

Pictures are (h, w, 3) uint8 arrays in OpenCV's BGR order (what the document's ARGB32 pixels give in memory).
Each function returns a selection: uint8 coverage of the picture's size, 255 = selected.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def magic_wand(bgr: np.ndarray, x: int, y: int, tolerance: int, *, contiguous: bool = True) -> np.ndarray:
    """The pixels whose every channel lies within ``tolerance`` of the clicked pixel's: only the region
    connected to it (8-connected, as Photoshop and Krita) when ``contiguous``, else every such pixel."""
    import cv2  # imported on first use: it costs start-up time

    height, width = bgr.shape[:2]
    if not (0 <= x < width and 0 <= y < height):
        return np.zeros((height, width), np.uint8)
    tolerance = int(max(0, min(255, tolerance)))
    seed = bgr[y, x].astype(np.int16)
    if not contiguous:
        low = np.clip(seed - tolerance, 0, 255).astype(np.uint8)
        high = np.clip(seed + tolerance, 0, 255).astype(np.uint8)
        return cv2.inRange(bgr, low, high)
    filled = np.zeros((height + 2, width + 2), np.uint8)
    flags = 8 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
    spread = (tolerance, tolerance, tolerance)
    cv2.floodFill(np.ascontiguousarray(bgr), filled, (int(x), int(y)), 0, spread, spread, flags)
    return filled[1:-1, 1:-1]  # a view: copying 16 MB would cost a tenth of the budget


def colour_range(bgr: np.ndarray, colours: Sequence[tuple[int, int, int]], fuzziness: float) -> np.ndarray:
    """Soft selection of the pixels near any of ``colours`` (BGR): fully selected within half of ``fuzziness``
    (a distance in CIE Lab, 0-200), fading to nothing at ``fuzziness``. Nothing when no colour is given."""
    import cv2  # imported on first use: it costs start-up time

    height, width = bgr.shape[:2]
    if not colours:
        return np.zeros((height, width), np.uint8)
    lab = cv2.cvtColor(np.ascontiguousarray(bgr), cv2.COLOR_BGR2Lab).astype(np.float32)
    samples = cv2.cvtColor(np.array([list(colours)], np.uint8), cv2.COLOR_BGR2Lab).astype(np.float32)[0]
    nearest = np.full((height, width), np.inf, np.float32)
    for colour in samples:
        d2 = ((lab - colour) ** 2).sum(axis=2)
        np.minimum(nearest, d2, out=nearest)
    fuzz = max(float(fuzziness), 1.0)
    distance = np.sqrt(nearest)
    weight = np.clip((fuzz - distance) / (fuzz / 2), 0.0, 1.0)
    return np.rint(weight * 255).astype(np.uint8)


def from_transparency(alpha: np.ndarray) -> np.ndarray:
    """The transparent part of a picture as a selection (fully transparent = fully selected)."""
    return 255 - alpha


def sample_colour(bgr: np.ndarray, x: int, y: int, radius: int = 1) -> tuple[int, int, int]:
    """The mean colour (BGR) of the (2 radius + 1)² pixels around (x, y), as painting programs' eyedroppers."""
    height, width = bgr.shape[:2]
    patch = bgr[max(0, y - radius) : min(height, y + radius + 1), max(0, x - radius) : min(width, x + radius + 1)]
    mean = patch.reshape(-1, 3).mean(axis=0)
    return round(mean[0]), round(mean[1]), round(mean[2])
