"""Autosave of the working document: a few seconds after each change, a recovery copy is written off the UI
thread; a clean exit removes it, and the next start offers it back when it is still there (after a crash)."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from dalle_studio.document import recovery
from dalle_studio.document.document import Document
from dalle_studio.jobs.request import RequestModel
from dalle_studio.jobs.tasks import TaskRegistry

log = logging.getLogger(__name__)
DELAY_MS = 3000


class Autosaver(QObject):
    """Watches ``document`` and the prompt (in ``request``) and keeps their recovery copy in ``folder`` up to date."""

    def __init__(self, document: Document, request: RequestModel, folder: Path, tasks: TaskRegistry,
                 parent: QObject | None = None, delay_ms: int = DELAY_MS) -> None:
        super().__init__(parent)
        self.document = document
        self.request = request
        self.folder = folder
        self.tasks = tasks
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.save_now)
        self._saving: asyncio.Task[None] | None = None
        self._dirty = False
        self._stopped = False
        for signal in (document.picture_changed, document.mask_changed, document.frame_changed,
                       document.image_replaced, document.canvas_resized):
            signal.connect(self._changed)
        request.changed.connect(lambda what: self._changed() if what == "prompt" else None)

    def _changed(self, *_args: object) -> None:
        if self.document.is_empty or self._stopped:
            return
        self._dirty = True
        self._timer.start()

    def save_now(self) -> asyncio.Task[None] | None:
        """Write the copy now (in a worker thread); returns the task, or None when nothing needs saving."""
        if not self._dirty or self.document.is_empty or self._stopped:
            return None
        if self._saving is not None and not self._saving.done():
            self._timer.start()  # one write at a time: try again shortly
            return None
        self._dirty = False
        doc = self.document
        snap = doc.snapshot(self.request.prompt)  # shares the pixels: encoding happens in the worker thread
        args = (self.folder, snap.picture, snap.mask, snap.frame, snap.prompt, doc.path, time.time())
        self._saving = self.tasks.start(asyncio.to_thread(recovery.save, *args), "saving the recovery copy")
        return self._saving

    def stop(self) -> None:
        """No more writes (the app is closing); what was written stays for recovery."""
        self._timer.stop()
        self._stopped = True

    async def settle(self) -> None:
        """Wait for a write under way (so a clean exit's clear cannot be followed by a late write)."""
        self._timer.stop()
        if self._saving is not None and not self._saving.done():
            await asyncio.wait({self._saving})

    def stop_and_clear(self) -> None:
        """A clean exit: nothing to recover next time."""
        self._timer.stop()
        recovery.clear(self.folder)

    def pending(self) -> recovery.Recovered | None:
        return recovery.load(self.folder)

    def restore(self, found: recovery.Recovered) -> None:
        """Put the recovered picture, mask and frame back into the document, and the prompt into the request."""
        doc = self.document
        doc.replace(found.picture, found.path)
        doc.set_mask(found.mask, "Recovered mask")
        if not found.frame.isEmpty():
            doc.set_frame(found.frame, "Recovered frame")
        self.request.set_prompt(found.prompt)
