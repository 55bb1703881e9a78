"""Autosave of the working document: shortly after each change (at most about a second later, however long the
artist keeps painting), a recovery copy is written off the UI thread into this instance's own folder. A clean exit
removes it; the next start offers back the copies of instances that are gone (after a crash), each once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QRect, QTimer
from PySide6.QtGui import QImage

from dalle_studio.core import work
from dalle_studio.document import pixels, recovery
from dalle_studio.document.document import Document
from dalle_studio.jobs.request import RequestModel
from dalle_studio.jobs.tasks import TaskRegistry

log = logging.getLogger(__name__)
DELAY_MS = 200  # changes within this time go into one save; a save starts at most this long after a change


class Autosaver(QObject):
    """Watches ``document`` and keeps this instance's recovery copy under ``root`` up to date."""

    def __init__(self, document: Document, root: Path, tasks: TaskRegistry, parent: QObject | None = None,
                 delay_ms: int = DELAY_MS, request: RequestModel | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.root = root
        self.tasks = tasks
        self.slot = recovery.RecoverySlot(root)
        # what else to keep beside the picture (the jobs under way and their results): set by the workflow's glue
        self.extra: Callable[[], dict[str, Any]] = dict
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.save_now)
        self._saving: asyncio.Task[None] | None = None
        self._dirty = False
        self._stopped = False
        self._picture_version = 0
        self._mask_version = 0
        self._saved_picture_version = -1
        # what changed in the mask since the last save: everything (a new picture or size), or this region
        self._mask_whole, self._mask_region = True, QRect()
        self._claimed: dict[Path, QLockFile] = {}
        document.picture_changed.connect(self._picture_changed)
        document.mask_changed.connect(self._mask_changed)
        for signal in (document.image_replaced, document.canvas_resized):
            signal.connect(self._all_changed)
        document.frame_changed.connect(self.changed)
        self.request = request  # the prompt's home
        if request is not None:
            request.changed.connect(lambda what: self.changed() if what == "prompt" else None)

    def _picture_changed(self, _rect: QRect) -> None:
        self._picture_version += 1
        self.changed()

    def _mask_changed(self, rect: QRect) -> None:
        self._mask_version += 1
        self._mask_region = self._mask_region.united(rect)
        self.changed()

    def _all_changed(self, *_args: object) -> None:
        self._picture_version += 1
        self._mask_version += 1
        self._mask_whole = True
        self.changed()

    def changed(self, *_args: object) -> None:
        """Something worth keeping changed: a save follows within ``delay_ms`` (or right after the one under way).
        The timer is not restarted by further changes, so continuous painting is still saved every moment."""
        if self.document.is_empty or self._stopped:
            return
        self._dirty = True
        if not self._timer.isActive() and not self._busy():
            self._timer.start()

    def _busy(self) -> bool:
        return self._saving is not None and not self._saving.done()

    def save_now(self) -> asyncio.Task[None] | None:
        """Write the copy now (in a worker thread); returns the task, or None when nothing needs saving."""
        if not self._dirty or self.document.is_empty or self._stopped or self._busy():
            return None
        self._dirty = False
        doc = self.document
        picture = QImage(doc.image) if self._picture_version != self._saved_picture_version else None
        mask, mask_patches = _take(doc.mask, self._mask_whole, self._mask_region)
        self._mask_whole, self._mask_region = False, QRect()
        request = recovery.SaveRequest(picture, self._picture_version, mask, mask_patches, self._mask_version,
                                       doc.frame, self.request.prompt if self.request else "", doc.path,
                                       time.time(), self.extra())
        self._saving = self.tasks.start(self._save(request), "saving the recovery copy")
        return self._saving

    async def _save(self, request: recovery.SaveRequest) -> None:
        try:
            await work.run(self.slot.save, request)  # (work.run does not need asyncio to be the one spinning)
            self._saved_picture_version = request.picture_version
        except BaseException:
            self._mask_whole, self._saved_picture_version = True, -1  # the next change's save starts over
            self.slot.forget_written()
            raise
        finally:
            if self._dirty and not self._stopped:
                self._timer.start()  # what changed while this one was written

    def stop(self) -> None:
        """No more writes (the app is closing, or stopped abruptly): what was written stays for recovery."""
        self._timer.stop()
        self._stopped = True
        self.slot.release()

    async def settle(self) -> None:
        """Wait for a write under way (so a clean exit's clear cannot be followed by a late write)."""
        self._timer.stop()
        if self._busy():
            await asyncio.wait({self._saving})

    def stop_and_clear(self) -> None:
        """A clean exit: nothing to recover next time."""
        self._timer.stop()
        self._stopped = True
        self.slot.clear()

    def pending(self) -> recovery.Recovered | None:
        """The newest copy left by an instance that is gone (its lock is now held here, so no other instance offers
        it meanwhile); None when there is none. Unusable copies are discarded. Asking again gives the same copy
        until it has been restored or declined."""
        for folder in list(self._claimed):
            found = recovery.load(folder)
            if found is not None:
                return found
            recovery.discard(folder, self._claimed.pop(folder))
        for folder, lock in recovery.claim_orphans(self.root, self.slot.folder):
            found = recovery.load(folder)
            if found is None:
                recovery.discard(folder, lock)
                continue
            self._claimed[folder] = lock
            for other_folder, other_lock in self._claimed.items():
                if other_folder != folder:
                    other_lock.unlock()  # offered later, one at a time
            self._claimed = {folder: lock}
            return found
        return None

    def decline(self, found: recovery.Recovered) -> None:
        """The user does not want ``found`` back: it is gone for good."""
        if found.folder is not None:
            recovery.discard(found.folder, self._claimed.pop(found.folder, None))

    def restore(self, found: recovery.Recovered) -> None:
        """Put the recovered picture, mask, frame and prompt back into the document, and save them into this
        instance's own copy at once (see :meth:`forget_orphan` for the copy they came from)."""
        doc = self.document
        doc.replace(found.picture, found.path)
        doc.set_mask(found.mask, "Recovered mask")
        if not found.frame.isEmpty():
            doc.set_frame(found.frame, "Recovered frame")
        if self.request is not None:
            self.request.set_prompt(found.prompt)
        self._dirty = True
        self._timer.stop()
        self.save_now()

    async def forget_orphan(self, found: recovery.Recovered) -> None:
        """Once this instance's own copy holds what was restored from ``found`` (and everything else has been read
        from it), that copy goes; if the save failed it stays, for the next start."""
        lock = self._claimed.pop(found.folder, None) if found.folder is not None else None
        try:
            while self._busy() or self._dirty or self._timer.isActive():
                if self._busy():
                    await asyncio.wait({self._saving})
                    if self._saving.exception() is not None:
                        raise self._saving.exception()
                else:
                    self._timer.stop()
                    self.save_now()
        except BaseException:
            if lock is not None:
                lock.unlock()
            raise
        if found.folder is not None:
            recovery.discard(found.folder, lock)


def _take(image: QImage, whole: bool, region: QRect) -> tuple[QImage | None, list[recovery.Patch]]:
    """What a save needs of ``image``: the whole (shared, not copied), or a copy of the region that changed."""
    if whole:
        return QImage(image), []
    region = region.intersected(image.rect())
    if region.isEmpty():
        return None, []
    return None, [(region.x(), region.y(), pixels.read(image, region))]
