"""Runs the selection tools' pixel work off the UI thread, one at a time, and turns each result into one undo step.

The newest request wins: starting one cancels the one before (its thread stops at its next check and its result
is dropped), as do Escape on the canvas and opening another picture. The work runs through the task registry on
the program's one executor (``asyncio.to_thread``), so the canvas keeps answering while GrabCut thinks.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent

from dalle_studio.document import pixels
from dalle_studio.document.document import Document
from dalle_studio.document.select_object import Cancelled
from dalle_studio.document.selection import Combine, changed_bounds, combine
from dalle_studio.document.tiles import TilePatch, patch_between
from dalle_studio.jobs.tasks import TaskRegistry


class Picture:
    """The pixels of one picture as the algorithms take them (BGR, alpha), made once and shared by requests."""

    def __init__(self, image: QImage) -> None:
        self._image = image  # a snapshot's copy: never written to, so reading it from a worker is safe
        self.key = image.cacheKey()
        self._lock = threading.Lock()
        self._bgr: np.ndarray | None = None

    @property
    def bgr(self) -> np.ndarray:
        with self._lock:
            if self._bgr is None:
                self._bgr = np.ascontiguousarray(pixels.peek(self._image)[..., :3])  # ARGB32 is B, G, R, A in memory
            return self._bgr

    @property
    def alpha(self) -> np.ndarray:
        return pixels.peek(self._image)[..., 3]


Compute = Callable[[Picture, Callable[[], bool]], np.ndarray]


class SelectionRunner(QObject):
    """Computes selections for ``document`` in the background and applies them (combined as asked)."""

    busy_changed = Signal(bool)
    applied = Signal()  # a result went into the mask (or made no change)
    message = Signal(str)  # something the artist should read (why nothing was selected)

    def __init__(self, document: Document, tasks: TaskRegistry, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._tasks = tasks
        self._picture: Picture | None = None
        self._cancel: threading.Event | None = None
        self._task: asyncio.Task[None] | None = None
        document.image_replaced.connect(self.cancel)
        document.canvas_resized.connect(self.cancel)

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def run(self, compute: Compute, *, mode: Combine, text: str, base: np.ndarray | None = None,
            done: Callable[[], None] | None = None) -> None:
        """Compute a selection with ``compute(picture, cancelled)`` in a worker, then combine it into the mask
        (with ``base`` instead of the current mask when given) as one undo step named ``text``."""
        if self._document.is_empty:
            return
        self.cancel()
        snapshot = self._document.snapshot()
        if self._picture is None or self._picture.key != snapshot.picture.cacheKey():
            self._picture = Picture(snapshot.picture)
        cancel = threading.Event()
        self._cancel = cancel
        self._task = self._tasks.start(self._work(compute, self._picture, snapshot.mask, cancel, snapshot.generation,
                                                  mode, text, base, done), text.lower())
        self.busy_changed.emit(True)

    def cancel(self, *_args: object) -> None:
        """Stop the computation under way, if any; nothing it finds is applied."""
        if self._cancel is not None:
            self._cancel.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        self._cancel = None
        self.busy_changed.emit(False)

    async def _work(self, compute: Compute, picture: Picture, mask: QImage, cancel: threading.Event,
                    generation: int, mode: Combine, text: str, base: np.ndarray | None,
                    done: Callable[[], None] | None) -> None:
        def work() -> tuple[np.ndarray, np.ndarray, TilePatch]:
            selection = compute(picture, cancel.is_set)
            # the new mask and what changes are worked out here too, so the UI thread only copies that region
            current = pixels.peek(mask)  # the request's copy of the mask: the document never writes to it
            new = combine(current if base is None else base, selection, mode)
            bounds = changed_bounds(current, new)
            return selection, new, patch_between(current, new, QRect(*bounds)) if bounds else TilePatch()

        try:
            selection, new, patch = await asyncio.to_thread(work)
        except Cancelled:
            return
        except ValueError as exc:  # the seeds point at nothing: say so, change nothing
            if not cancel.is_set():
                self.message.emit(f"Nothing selected: {exc}.")
            return
        finally:
            if self._cancel is cancel:
                self._task = None
                self._cancel = None
                self.busy_changed.emit(False)
        if cancel.is_set() or self._document.snapshot().generation != generation:
            return
        if self._document.mask.cacheKey() == mask.cacheKey():  # the mask is as it was when asked
            self._document.replace_mask_region(new, patch, text)
        else:  # painted on meanwhile: combine with the mask as it is now
            self._document.apply_selection(selection, mode, text, base=base)
        if done is not None:
            done()
        self.applied.emit()

    def watch_escape(self, widget: QObject) -> None:
        """Escape on ``widget`` cancels a computation under way (before any window shortcut takes the key)."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self.busy):
            event.accept()
            if kind == QEvent.Type.KeyPress:
                self.cancel()
                self.message.emit("Selection cancelled.")
            return kind == QEvent.Type.KeyPress
        return False
