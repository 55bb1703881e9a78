"""One brush drag on the mask: dabs go onto the mask as the pointer moves; the whole drag is one undo step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRect

from dalle_studio.document import pixels
from dalle_studio.document.brush import BrushTip, dab, dab_centres
from dalle_studio.document.tiles import TileRecorder

if TYPE_CHECKING:
    from dalle_studio.document.document import Document


class MaskStroke:
    """A drag in progress. ``move_to`` paints up to a point; ``commit`` records it; ``abort`` takes it back.

    Painting sets the mask to ``min(mask, 255 - coverage)`` (``max(mask, coverage)`` when erasing), so
    overlapping dabs never build up beyond what one dab at full coverage gives, and the brush's soft edge stays
    soft along the whole stroke.
    """

    def __init__(self, document: Document, tip: BrushTip, *, erase: bool) -> None:
        self._document = document
        self.tip = tip
        self.erase = erase
        self._recorder = TileRecorder(document._mask)
        self._last: QPointF | None = None
        self._carry = 0.0
        self._open = True
        document._stroke_started(self)

    @property
    def last_point(self) -> QPointF | None:
        return QPointF(self._last) if self._last is not None else None

    @property
    def is_open(self) -> bool:
        return self._open

    def move_to(self, point: QPointF) -> QRect:
        """Paint dabs from the last point to ``point`` (just one dab at the first call); returns the changed
        region, which the document also announces through ``mask_changed``."""
        if not self._open:
            raise RuntimeError("the stroke is finished")
        if self._last is None:
            centres = [QPointF(point)]
            self._carry = 0.0
        else:
            centres, self._carry = dab_centres(self._last, point, self.tip.spacing, self._carry)
        self._last = QPointF(point)
        return self._paint(centres)

    def _paint(self, centres: list[QPointF]) -> QRect:
        dirty = QRect()
        mask = self._document._mask
        bounds = mask.rect()
        for centre in centres:
            rect, stamp = dab(self.tip, centre)
            clipped = rect.intersected(bounds)
            if clipped.isEmpty():
                continue
            self._recorder.touch(clipped)
            region = pixels.view(mask, clipped)
            sx, sy = clipped.left() - rect.left(), clipped.top() - rect.top()
            cover = stamp[sy : sy + clipped.height(), sx : sx + clipped.width()]
            if self.erase:
                np.maximum(region, cover, out=region)
            else:
                np.minimum(region, 255 - cover, out=region)
            dirty = dirty.united(clipped)
        self._document._mask_region_changed(dirty)
        return dirty

    def commit(self, text: str | None = None) -> None:
        """Finish the drag as one undo step (none if it changed nothing)."""
        if not self._open:
            return
        if self._last is not None and self._carry > 1e-6:
            self._paint([self._last])  # the drag ends exactly where the pointer stopped
        self._open = False
        self._document._stroke_ended(self)
        self._document._push_mask_patch(self._recorder, text or ("Erase mask" if self.erase else "Paint mask"))

    def abort(self) -> None:
        """Take back everything this drag painted, leaving no undo step."""
        if not self._open:
            return
        self._open = False
        self._document._stroke_ended(self)
        self._document._mask_region_changed(self._recorder.restore())
