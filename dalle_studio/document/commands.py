"""Undo steps of the document. Each stores only what it changed: tile patches, two rectangles, or a size.

Commands that record an edit already made (a brush stroke, a mask operation) skip their first ``redo``.
They talk to the document through its ``_``-prefixed methods, which this package shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QUndoCommand

from dalle_studio.document.tiles import TilePatch

if TYPE_CHECKING:
    from dalle_studio.document.document import Document


class PatchCommand(QUndoCommand):
    """Changed tiles of the mask and/or the picture, applied already when the command is pushed."""

    def __init__(self, document: Document, text: str, *, mask: TilePatch | None = None,
                 picture: TilePatch | None = None, applied: bool = True) -> None:
        super().__init__(text)
        self._document = document
        self._mask = mask
        self._picture = picture
        self._skip_redo = applied

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in (self._mask, self._picture) if p)

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        if self._mask:
            self._document._mask_region_changed(self._mask.redo(self._document._mask))
        if self._picture:
            self._document._picture_region_changed(self._picture.redo(self._document._image))

    def undo(self) -> None:
        if self._picture:
            self._document._picture_region_changed(self._picture.undo(self._document._image))
        if self._mask:
            self._document._mask_region_changed(self._mask.undo(self._document._mask))


class FrameCommand(QUndoCommand):
    """The frame moved or changed shape."""

    def __init__(self, document: Document, old: QRect, new: QRect, text: str = "Move frame") -> None:
        super().__init__(text)
        self._document = document
        self._old = QRect(old)
        self._new = QRect(new)

    def redo(self) -> None:
        self._document._set_frame(self._new)

    def undo(self) -> None:
        self._document._set_frame(self._old)


class ResizeCanvasCommand(QUndoCommand):
    """The canvas grew to ``bounds`` (in the old picture's coordinates, containing the old picture)."""

    def __init__(self, document: Document, bounds: QRect, text: str = "Grow canvas") -> None:
        super().__init__(text)
        self._document = document
        self._old_size = document.size
        self._bounds = QRect(bounds)

    @property
    def offset(self) -> QPoint:
        """Where the old picture's origin lies in the grown canvas."""
        return QPoint(-self._bounds.left(), -self._bounds.top())

    def redo(self) -> None:
        self._document._resize_canvas(self._bounds)

    def undo(self) -> None:
        offset = self.offset
        self._document._resize_canvas(QRect(offset.x(), offset.y(), self._old_size.width(), self._old_size.height()))
