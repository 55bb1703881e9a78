"""The picture being worked on: its pixels, its mask, its frame, where it came from, and its undo history.

The document is the one owner of this state; widgets show it and send user input back to it. Every change goes
through ``undo_stack`` and is announced by a signal carrying the changed region, so views repaint only that.

Coordinates are picture pixels. The mask has the picture's size (``Format_Alpha8``: 255 = keep, 0 = regenerate,
values between blend). The frame is the rectangle sent to the model; it may reach beyond the picture.
"""

from __future__ import annotations

import weakref
from concurrent.futures import Future
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QPoint, QRect, QSize, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QUndoStack

from dalle_studio.core import work
from dalle_studio.document import mask_ops, pixels
from dalle_studio.document.brush import BrushTip
from dalle_studio.document.commands import FrameCommand, PatchCommand, ResizeCanvasCommand
from dalle_studio.document.compose import composite_through_mask
from dalle_studio.document.selection import Combine, combine
from dalle_studio.document.snapshot import Snapshot, StaleSnapshotError
from dalle_studio.document.stroke import MaskStroke
from dalle_studio.document.tiles import TilePatch, TileRecorder, diff

KEEP = 255
REGENERATE = 0


class Document(QObject):
    """One open picture. ``replace`` starts a new picture; edits go through ``undo_stack``."""

    image_replaced = Signal()  # a different picture is open (history restarted)
    image_changed = Signal()  # pixels of the open picture changed (see picture_changed for where)
    path_changed = Signal(object)  # Path | None
    picture_changed = Signal(QRect)  # this region of the picture changed
    mask_changed = Signal(QRect)  # this region of the mask changed
    frame_changed = Signal(QRect)  # the new frame
    canvas_resized = Signal(QPoint)  # the canvas changed size; the old origin now lies at this point

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._image = QImage()
        self._mask = QImage()
        self._frame = QRect()
        self._origin = QPoint()  # where the first picture's origin lies now (moves as the canvas grows)
        self._generation = 0  # changes with every replace(): snapshots of older pictures are stale
        self._path: Path | None = None
        self._metadata: dict[str, str] = {}
        self._stroke: MaskStroke | None = None
        self._compacting: list[Future[None]] = []  # undo tiles being compressed off the UI thread
        self._patches: weakref.WeakSet[TilePatch] = weakref.WeakSet()  # the undo data alive, for measuring

    # -- state --------------------------------------------------------------------------------------------
    @property
    def image(self) -> QImage:
        """The picture (``Format_ARGB32``). Treat it as read-only: change it through the document."""
        return self._image

    @property
    def mask(self) -> QImage:
        """The mask (``Format_Alpha8``, 255 = keep, 0 = regenerate). Read-only, like ``image``."""
        return self._mask

    @property
    def frame(self) -> QRect:
        """The region sent to the model, in picture coordinates; may reach beyond the picture."""
        return QRect(self._frame)

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def metadata(self) -> dict[str, str]:
        """Text metadata read from the file (PNG text chunks), e.g. a prompt saved by this or other tools."""
        return dict(self._metadata)

    @property
    def is_empty(self) -> bool:
        return self._image.isNull()

    @property
    def size(self) -> QSize:
        return self._image.size()

    @property
    def rect(self) -> QRect:
        return self._image.rect()

    def mask_is_empty(self) -> bool:
        """True when nothing is marked to regenerate."""
        return self.is_empty or bool((pixels.peek(self._mask) == KEEP).all())

    def replace(self, image: QImage, path: Path | None = None, metadata: dict[str, str] | None = None) -> None:
        """Open ``image`` as the document's picture, with an empty mask and the frame around it; the history
        starts anew."""
        if image.isNull():
            raise ValueError("cannot open an empty image")
        if self._stroke is not None:
            self._stroke.abort()
        self.undo_stack.clear()
        self._image = image.convertToFormat(QImage.Format.Format_ARGB32)
        self._mask = QImage(self._image.size(), QImage.Format.Format_Alpha8)
        self._mask.fill(KEEP)
        self._frame = self._image.rect()
        self._origin = QPoint()
        self._generation += 1
        self._path = path
        self._metadata = dict(metadata or {})
        self.image_replaced.emit()
        self.path_changed.emit(path)

    # -- painting the mask ---------------------------------------------------------------------------------
    def begin_stroke(self, tip: BrushTip, *, erase: bool = False) -> MaskStroke:
        """Start a brush drag: dabs go on the mask at once; ``commit()`` makes the whole drag one undo step."""
        if self.is_empty:
            raise RuntimeError("no picture is open")
        return MaskStroke(self, tip, erase=erase)

    def fill_mask(self, area: QPainterPath | QRect, *, erase: bool = False, text: str | None = None) -> None:
        """Mark ``area`` (a rectangle or any outline, antialiased) to regenerate, or to keep when ``erase``."""
        path = QPainterPath()
        if isinstance(area, QRect):
            path.addRect(area)
        else:
            path = area
        self._end_stroke()
        bounds = path.boundingRect().toAlignedRect().adjusted(-1, -1, 1, 1).intersected(self.rect)
        if bounds.isEmpty():
            return
        coverage = QImage(bounds.size(), QImage.Format.Format_Alpha8)
        coverage.fill(0)
        painter = QPainter(coverage)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(-bounds.left(), -bounds.top())
        painter.fillPath(path, QColor(0, 0, 0, 255))
        painter.end()
        recorder = TileRecorder(self._mask)
        recorder.touch(bounds)
        region = pixels.view(self._mask, bounds)
        cover = pixels.read(coverage)
        region[...] = np.maximum(region, cover) if erase else np.minimum(region, 255 - cover)
        self._mask_region_changed(bounds)
        self._push_mask_patch(recorder, text or ("Unmask area" if erase else "Mask area"))

    def clear_mask(self) -> None:
        """Keep everything (nothing to regenerate)."""
        self._apply_mask_array(np.full((self.size.height(), self.size.width()), KEEP, np.uint8), "Clear mask")

    def mask_all(self) -> None:
        """Regenerate everything."""
        self._apply_mask_array(np.full((self.size.height(), self.size.width()), REGENERATE, np.uint8), "Mask all")

    def invert_mask(self) -> None:
        self._apply_mask_array(mask_ops.invert(pixels.read(self._mask)), "Invert mask")

    def grow_mask(self, px: int) -> None:
        self._apply_mask_array(mask_ops.grow(pixels.read(self._mask), px), f"Grow mask by {px} px")

    def shrink_mask(self, px: int) -> None:
        self._apply_mask_array(mask_ops.shrink(pixels.read(self._mask), px), f"Shrink mask by {px} px")

    def feather_mask(self, px: int) -> None:
        self._apply_mask_array(mask_ops.feather(pixels.read(self._mask), px), f"Feather mask by {px} px")

    def set_mask(self, picture: QImage, text: str = "Load mask") -> None:
        """Use ``picture`` as the mask (its alpha when it has any, else grey with white = regenerate), scaled
        to the picture's size if it differs."""
        if picture.size() != self.size:
            picture = picture.scaled(self.size, mode=pixels.SMOOTH)
        rgba = pixels.read(picture.convertToFormat(QImage.Format.Format_RGBA8888))
        self._apply_mask_array(mask_ops.from_rgba(rgba), text)

    def apply_selection(self, selection: np.ndarray, mode: Combine, text: str, *,
                        base: np.ndarray | None = None) -> None:
        """Combine ``selection`` (uint8, 255 = selected, the picture's size) with the mask as ``mode`` says, as
        one undo step. ``base`` is the mask to combine with instead of the current one (a selection refined
        stroke by stroke replaces its own previous result)."""
        if self.is_empty or selection.shape != (self.size.height(), self.size.width()):
            return
        current = pixels.read(self._mask) if base is None else base
        self._apply_mask_array(combine(current, selection, mode), text)

    def replace_mask_region(self, new: np.ndarray, patch: TilePatch, text: str) -> None:
        """Make the mask ``new`` (a whole mask computed elsewhere) as one undo step, given ``patch``, the tiles
        it changes (made with :func:`tiles.patch_between` from the mask as it is now, e.g. on a worker thread):
        only that region is written here."""
        bounds = patch.bounds.intersected(self.rect)
        if self.is_empty or not patch or new.shape != (self.size.height(), self.size.width()):
            return
        self._end_stroke()
        pixels.view(self._mask, bounds)[...] = new[bounds.top() : bounds.bottom() + 1,
                                                   bounds.left() : bounds.right() + 1]
        self.undo_stack.push(PatchCommand(self, text, mask=patch))
        self._mask_region_changed(bounds)
        self._compact(patch)

    def mask_picture(self) -> QImage:
        """The mask as a picture to save: black, alpha = mask (0 = regenerate), ``Format_RGBA8888``."""
        return pixels.from_array(mask_ops.to_rgba(pixels.read(self._mask)), QImage.Format.Format_RGBA8888)

    # -- frame, canvas and results ------------------------------------------------------------------------
    def set_frame(self, frame: QRect, text: str = "Move frame") -> None:
        """Make ``frame`` the region to send, as one undo step (nothing happens if it is unchanged)."""
        if frame.isEmpty():
            raise ValueError("the frame cannot be empty")
        if frame != self._frame:
            self.undo_stack.push(FrameCommand(self, self._frame, frame, text))

    def grow_canvas(self, bounds: QRect, text: str = "Grow canvas") -> QPoint:
        """Grow the canvas to include ``bounds`` (new area transparent), as one undo step. Returns where the
        old origin lies afterwards: add it to coordinates taken before the growth."""
        self._end_stroke()
        target = self.rect.united(bounds)
        if target == self.rect:
            return QPoint()
        command = ResizeCanvasCommand(self, target, text)
        self.undo_stack.push(command)
        return command.offset

    def snapshot(self, prompt: str = "") -> Snapshot:
        """An immutable copy of what to send (picture, mask, frame, and the ``prompt`` given: its home is the
        request model in ``jobs``); painting can go on meanwhile.
        Costs nothing until the document next changes its pixels (Qt shares them copy-on-write)."""
        return Snapshot(QImage(self._image), QImage(self._mask), QRect(self._frame),
                        prompt, QPoint(self._origin), self._generation)

    def frame_of(self, snapshot: Snapshot) -> QRect:
        """Where ``snapshot``'s frame lies in the picture now (the canvas may have grown since)."""
        return snapshot.frame.translated(self._origin - snapshot.origin)

    def apply_result(self, result: QImage, snapshot: Snapshot, *, through_mask: bool = True, feather: int = 0,
                     text: str = "Apply result") -> QRect:
        """Put a model's ``result`` for ``snapshot`` into the picture as one undo step: scaled to the snapshot's
        frame, composited through its mask (feathered by ``feather`` px) unless ``through_mask`` is False,
        growing the canvas first when the frame reaches beyond it. Returns the changed region.
        Raises :class:`StaleSnapshotError` when another picture was opened since the snapshot."""
        if snapshot.generation != self._generation or self.is_empty:
            raise StaleSnapshotError("the picture this result was made for is no longer open")
        self._end_stroke()
        frame = self.frame_of(snapshot)
        self.undo_stack.beginMacro(text)
        try:
            frame.translate(self.grow_canvas(frame))
            weight = snapshot.send_mask()
            if feather:
                # The blend reaches outwards into the kept picture only: what was marked to regenerate (and
                # anything beyond the picture) takes the result fully, so no seam of half-transparent pixels.
                hard = pixels.read(weight)
                weight = pixels.from_array(np.minimum(hard, mask_ops.feather(hard, feather)), weight.format())
            scaled = result.convertToFormat(QImage.Format.Format_ARGB32).scaled(frame.size(), mode=pixels.SMOOTH)
            recorder = TileRecorder(self._image)
            recorder.touch(frame)
            region = pixels.view(self._image, frame)
            ours = region.copy()
            theirs = pixels.read(scaled)
            keep = pixels.read(weight) if through_mask else np.zeros(theirs.shape[:2], np.uint8)
            region[...] = composite_through_mask(ours, theirs, keep)
            patch = recorder.finish()
            self.undo_stack.push(PatchCommand(self, text, picture=patch))
            self._compact(patch)
        finally:
            self.undo_stack.endMacro()
        self._picture_region_changed(frame)
        return frame

    # -- shared with commands and strokes ------------------------------------------------------------------
    def _stroke_started(self, stroke: MaskStroke) -> None:
        self._end_stroke()
        self._stroke = stroke

    def _stroke_ended(self, stroke: MaskStroke) -> None:
        if self._stroke is stroke:
            self._stroke = None

    def _end_stroke(self) -> None:
        """Commit a drag still in progress before anything that replaces or resizes the mask."""
        if self._stroke is not None:
            self._stroke.commit()

    def _apply_mask_array(self, new: np.ndarray, text: str) -> None:
        if self.is_empty:
            return
        self._end_stroke()
        patch = diff(self._mask, new)
        if patch:
            self.undo_stack.push(PatchCommand(self, text, mask=patch))
            self._mask_region_changed(patch.bounds)
            self._compact(patch)

    def _push_mask_patch(self, recorder: TileRecorder, text: str) -> None:
        """Record an edit already made and announced (region by region) as one undo step."""
        patch = recorder.finish()
        if patch:
            self.undo_stack.push(PatchCommand(self, text, mask=patch))
            self._compact(patch)

    def undo_bytes(self) -> int:
        """Bytes of pixel data the history holds (what undo costs in memory)."""
        return sum(p.nbytes for p in list(self._patches))

    def _compact(self, patch: TilePatch) -> None:
        self._patches.add(patch)
        self._compacting = [f for f in self._compacting if not f.done()]
        self._compacting.append(work.start_ordered(patch.compact))  # the one ordered worker: in step order

    def wait_for_compaction(self) -> None:
        """Block until the undo tiles recorded so far are compressed (for tests and measurements)."""
        for compacting in self._compacting:
            compacting.result()
        self._compacting.clear()

    def _mask_region_changed(self, rect: QRect) -> None:
        if not rect.isEmpty():
            self.mask_changed.emit(QRect(rect))

    def _picture_region_changed(self, rect: QRect) -> None:
        if not rect.isEmpty():
            self.picture_changed.emit(QRect(rect))
            self.image_changed.emit()

    def _set_frame(self, frame: QRect) -> None:
        self._frame = QRect(frame)
        self.frame_changed.emit(QRect(frame))

    def _resize_canvas(self, bounds: QRect) -> None:
        """Make the canvas cover ``bounds`` (current coordinates): new area transparent and kept."""
        image = QImage(bounds.size(), QImage.Format.Format_ARGB32)
        image.fill(0)
        mask = QImage(bounds.size(), QImage.Format.Format_Alpha8)
        mask.fill(KEEP)
        old = self.rect.translated(-bounds.topLeft())
        shared = old.intersected(image.rect())
        source = shared.translated(bounds.topLeft())
        pixels.view(image, shared)[...] = pixels.read(self._image, source)
        pixels.view(mask, shared)[...] = pixels.read(self._mask, source)
        self._image, self._mask = image, mask
        offset = QPoint(-bounds.left(), -bounds.top())
        self._origin += offset
        self._frame.translate(offset)
        self.canvas_resized.emit(offset)
        self.frame_changed.emit(QRect(self._frame))
        self.image_changed.emit()


def blank_image(width: int, height: int, color: QColor | None) -> QImage:
    """A new picture of ``width`` x ``height`` filled with ``color``, or fully transparent when it is None."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(color if color is not None else QColor(0, 0, 0, 0))
    return image


__all__ = ["KEEP", "REGENERATE", "BrushTip", "Document", "MaskStroke", "Snapshot", "StaleSnapshotError",
           "blank_image"]
