"""Tile-based undo data: only the tiles a step changed are kept, compressed, before and after.

A :class:`TileRecorder` watches one image during an edit: call :meth:`TileRecorder.touch` with each region
*before* writing to it, then :meth:`TileRecorder.finish` to get a :class:`TilePatch` that can put the image back
(``undo``) or forward (``redo``) exactly. Flat tiles (most of a mask) are kept as one byte at once; the others are
compressed afterwards by :meth:`TilePatch.compact` (zlib level 1, kept raw when it does not pay), off the UI thread.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage

from dalle_studio.document import pixels

TILE = 64


def _pack(raw: bytes) -> bytes:
    """A flat tile (most of a mask) as one byte, any other raw; :meth:`TilePatch.compact` compresses later."""
    if raw == raw[:1] * len(raw):
        return b"u" + raw[:1]
    return b"r" + raw


def _compress(data: bytes) -> bytes:
    if data[:1] != b"r":
        return data
    packed = zlib.compress(data[1:], 1)
    return b"z" + packed if len(packed) < len(data) - 1 else data


def _unpack(data: bytes, shape: tuple[int, ...]) -> np.ndarray:
    kind = data[:1]
    if kind == b"u":
        return np.full(shape, data[1], np.uint8)
    raw = zlib.decompress(data[1:]) if kind == b"z" else data[1:]
    return np.frombuffer(raw, np.uint8).reshape(shape)


def tile_rect(tx: int, ty: int, image: QImage) -> QRect:
    return QRect(tx * TILE, ty * TILE, TILE, TILE).intersected(image.rect())


def tiles_in(rect: QRect, image: QImage) -> list[tuple[int, int]]:
    """Indices of the tiles of ``image`` that ``rect`` overlaps."""
    rect = rect.intersected(image.rect())
    if rect.isEmpty():
        return []
    return [(tx, ty) for ty in range(rect.top() // TILE, rect.bottom() // TILE + 1)
            for tx in range(rect.left() // TILE, rect.right() // TILE + 1)]


@dataclass(eq=False)  # compared and hashed by identity (kept in weak sets)
class TilePatch:
    """The before and after content of the changed tiles of one image; applies either state exactly."""

    before: dict[tuple[int, int], bytes] = field(default_factory=dict)
    after: dict[tuple[int, int], bytes] = field(default_factory=dict)
    bounds: QRect = field(default_factory=QRect)

    def __bool__(self) -> bool:
        return bool(self.after)

    @property
    def nbytes(self) -> int:
        return sum(map(len, self.before.values())) + sum(map(len, self.after.values()))

    def compact(self) -> None:
        """Compress the raw tiles (zlib releases the GIL: the document runs this on a worker thread; each tile
        is replaced by an equivalent one, so the patch stays usable at every moment)."""
        for tiles in (self.before, self.after):
            for key in list(tiles):
                tiles[key] = _compress(tiles[key])

    def undo(self, image: QImage) -> QRect:
        return self._apply(image, self.before)

    def redo(self, image: QImage) -> QRect:
        return self._apply(image, self.after)

    def _apply(self, image: QImage, tiles: dict[tuple[int, int], bytes]) -> QRect:
        full = pixels.view(image)
        for (tx, ty), data in tiles.items():
            r = tile_rect(tx, ty, image)
            region = full[r.top() : r.bottom() + 1, r.left() : r.right() + 1]
            region[...] = _unpack(data, region.shape)
        return QRect(self.bounds)


class TileRecorder:
    """Remembers the first state of every tile touched during one edit of ``image``."""

    def __init__(self, image: QImage) -> None:
        self._image = image
        self._before: dict[tuple[int, int], np.ndarray] = {}
        self.bounds = QRect()

    def touch(self, rect: QRect) -> None:
        """Call before writing to ``rect``: saves the tiles it overlaps that were not saved yet."""
        tiles = [t for t in tiles_in(rect, self._image) if t not in self._before]
        if tiles:
            full = pixels.view(self._image)
            for tx, ty in tiles:
                r = tile_rect(tx, ty, self._image)
                self._before[(tx, ty)] = full[r.top() : r.bottom() + 1, r.left() : r.right() + 1].copy()
        self.bounds = self.bounds.united(rect.intersected(self._image.rect()))

    def touched(self) -> bool:
        return bool(self._before)

    def restore(self) -> QRect:
        """Put every touched tile back as it was (abandoning the edit)."""
        full = pixels.view(self._image)
        for (tx, ty), before in self._before.items():
            r = tile_rect(tx, ty, self._image)
            full[r.top() : r.bottom() + 1, r.left() : r.right() + 1] = before
        return QRect(self.bounds)

    def finish(self) -> TilePatch:
        """The patch from the first state to the current one, keeping only tiles that really changed."""
        patch = TilePatch(bounds=QRect())
        full = pixels.view(self._image)
        for key, before in self._before.items():
            r = tile_rect(*key, self._image)
            old = before.tobytes()
            new = full[r.top() : r.bottom() + 1, r.left() : r.right() + 1].tobytes()
            if old == new:
                continue
            patch.before[key] = _pack(old)
            patch.after[key] = _pack(new)
            patch.bounds = patch.bounds.united(r)
        self._before.clear()
        return patch


def diff(image: QImage, new: np.ndarray) -> TilePatch:
    """Write ``new`` (the whole image's pixels) into ``image``, returning the patch of the tiles that changed."""
    recorder = TileRecorder(image)
    old = pixels.view(image)
    height, width = old.shape[:2]
    for ty in range(0, height, TILE):
        for tx in range(0, width, TILE):
            a = old[ty : ty + TILE, tx : tx + TILE]
            b = new[ty : ty + TILE, tx : tx + TILE]
            if not np.array_equal(a, b):
                recorder.touch(QRect(tx, ty, a.shape[1], a.shape[0]))
    pixels.view(image)[...] = new
    return recorder.finish()


def patch_between(old: np.ndarray, new: np.ndarray, bounds: QRect) -> TilePatch:
    """The patch taking ``old`` to ``new`` (whole images' pixels that differ only within ``bounds``), built
    without touching any QImage: it can be made on a worker thread and pushed on the UI thread."""
    patch = TilePatch(bounds=QRect())
    height, width = old.shape[:2]
    for ty in range(bounds.top() // TILE, bounds.bottom() // TILE + 1):
        for tx in range(bounds.left() // TILE, bounds.right() // TILE + 1):
            y0, x0 = ty * TILE, tx * TILE
            a = old[y0 : min(height, y0 + TILE), x0 : min(width, x0 + TILE)]
            b = new[y0 : min(height, y0 + TILE), x0 : min(width, x0 + TILE)]
            if np.array_equal(a, b):
                continue
            patch.before[(tx, ty)] = _pack(a.tobytes())
            patch.after[(tx, ty)] = _pack(b.tobytes())
            patch.bounds = patch.bounds.united(QRect(x0, y0, a.shape[1], a.shape[0]))
    return patch
