"""Thumbnails for the gallery: made and loaded on worker threads, kept on disk in the cache folder, and held in
memory only for the most recently shown images. Rows ask for a thumbnail only when they are painted, so only
rows that come into view cost anything."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

from dalle_studio.library import ThumbnailStore


class _Relay(QObject):
    loaded = Signal(str, QImage)
    failed = Signal(str, str)


class _Job(QRunnable):
    def __init__(self, store: ThumbnailStore, sha: str, source: Path, relay: _Relay) -> None:
        super().__init__()
        self.store, self.sha, self.source, self.relay = store, sha, source, relay

    def run(self) -> None:
        try:
            image = QImage(str(self.store.ensure(self.sha, self.source)))
            if image.isNull():
                raise OSError("thumbnail unreadable")
        except Exception as exc:  # missing or damaged file: the gallery shows it as broken
            self.relay.failed.emit(self.sha, str(exc))
            return
        self.relay.loaded.emit(self.sha, image)


class ThumbnailCache(QObject):
    """``pixmap(sha, path)`` answers at once from memory, or returns None and starts loading; ``ready(sha)`` (or
    ``broken(sha)``) follows on the UI thread. The most recent requests are served first, so a fast scroll shows
    where the user stopped, not where they passed. Memory holds at most ``memory_mb`` of pixmaps (least recently
    shown go first); the disk cache holds them all."""

    ready = Signal(str)
    broken = Signal(str)

    def __init__(self, store: ThumbnailStore, *, memory_mb: float = 32, threads: int = 2,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.memory_bytes = int(memory_mb * 1024 * 1024)
        self._bytes = 0
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._pending: set[str] = set()
        self._broken: dict[str, str] = {}
        self._priority = itertools.count()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relay = _Relay(self)
        self._relay.loaded.connect(self._on_loaded)
        self._relay.failed.connect(self._on_failed)

    @property
    def size(self) -> int:
        return self.store.size

    def pixmap(self, sha: str, source: Path) -> QPixmap | None:
        cached = self._pixmaps.get(sha)
        if cached is not None:
            self._pixmaps.move_to_end(sha)
            return cached
        if sha not in self._pending and sha not in self._broken:
            self._pending.add(sha)
            # QThreadPool runs higher priorities first: later requests (rows now in view) jump the queue.
            self._pool.start(_Job(self.store, sha, source, self._relay), min(next(self._priority), 2**31 - 1))
        return None

    def is_broken(self, sha: str) -> bool:
        return sha in self._broken

    def forget(self, sha: str) -> None:
        """Drop what is known about ``sha`` (its file came back or changed)."""
        pixmap = self._pixmaps.pop(sha, None)
        if pixmap is not None:
            self._bytes -= _cost(pixmap)
        self._broken.pop(sha, None)

    def wait_for_done(self, msecs: int = 30000) -> bool:
        """Wait for queued work (tests, shutdown)."""
        return self._pool.waitForDone(msecs)

    def shutdown(self) -> None:
        self._pool.clear()
        self._pool.waitForDone(5000)

    def _on_loaded(self, sha: str, image: QImage) -> None:
        self._pending.discard(sha)
        pixmap = QPixmap.fromImage(image)
        self._pixmaps[sha] = pixmap
        self._bytes += _cost(pixmap)
        while self._bytes > self.memory_bytes and len(self._pixmaps) > 1:
            self._bytes -= _cost(self._pixmaps.popitem(last=False)[1])
        self.ready.emit(sha)

    def _on_failed(self, sha: str, why: str) -> None:
        self._pending.discard(sha)
        self._broken[sha] = why
        self.broken.emit(sha)


def _cost(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth() // 8)
