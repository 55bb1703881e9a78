"""How a new selection joins the mask already there: replace, add, subtract or intersect. Free of Qt.

A *selection* is a uint8 coverage array of the picture's size, 255 = selected (to regenerate), 0 = not, values
between for soft edges. The mask keeps the document's convention (255 = keep, 0 = regenerate), so the area to
regenerate is ``255 - mask``.
"""

from __future__ import annotations

from enum import Enum

import numpy as np


class Combine(Enum):
    REPLACE = "replace"
    ADD = "add"
    SUBTRACT = "subtract"
    INTERSECT = "intersect"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def combine(mask: np.ndarray, selection: np.ndarray, mode: Combine) -> np.ndarray:
    """The new mask when ``selection`` is combined with the area ``mask`` marks to regenerate."""
    if mode is Combine.REPLACE:
        return 255 - selection
    if mode is Combine.ADD:
        return np.minimum(mask, 255 - selection)
    if mode is Combine.SUBTRACT:
        return np.maximum(mask, selection)
    return np.maximum(mask, 255 - selection)  # intersect: regenerate only where both say so


def changed_bounds(old: np.ndarray, new: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x, y, width, height) of the smallest rectangle holding every pixel that differs, or None."""
    differs = old != new
    rows = np.flatnonzero(differs.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(differs[rows[0] : rows[-1] + 1].any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)
