"""The working document's recovery copies: picture, mask, frame, prompt and file path, one folder per running
instance, so that a crash loses at most the last second of work and two windows never share (or delete) one copy.

Layout: ``root/<instance>/`` holds ``lock`` (a QLockFile held while the instance runs: a lock whose process is gone
is stale), ``state.json`` (written last: it names the picture and mask files of a complete copy) and the raw pixel
files it names. Pixels are written raw, not compressed: a 4096² picture takes a fraction of a second to write, where
PNG or zlib would take seconds; the picture is rewritten only when its pixels changed, the mask on every save.

``save`` runs in a worker thread (reading QImage pixels is reentrant); ``claim_orphans``, ``load`` and ``discard`` are
quick.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QLockFile, QRect
from PySide6.QtGui import QImage

from dalle_studio.core.atomic import atomic_write_bytes, atomic_write_text
from dalle_studio.document import pixels

log = logging.getLogger(__name__)
STATE = "state.json"
LOCK = "lock"
VERSION = 2


@dataclass(frozen=True)
class Recovered:
    """What was on the canvas when an instance last stopped without closing cleanly."""

    picture: QImage
    mask: QImage
    frame: QRect
    prompt: str
    path: Path | None
    saved_at: float
    folder: Path | None = None  # the orphaned copy's folder, discarded once the user has answered
    extra: dict[str, Any] = field(default_factory=dict)  # what other layers keep beside the picture (jobs)


Patch = tuple[int, int, np.ndarray]  # (x, y, pixels): a changed region, copied on the UI thread


@dataclass(frozen=True)
class SaveRequest:
    """One save. The picture comes whole when it changed (shared copy-on-write, written straight from its memory;
    it changes seldom: a new picture, an accepted result). The mask comes whole (a new picture or size) or as the
    regions a brush touched since the last save, so the UI thread copies only those; the worker keeps the rest."""

    picture: QImage | None
    picture_version: int
    mask: QImage | None
    mask_patches: list[Patch]
    mask_version: int
    frame: QRect
    prompt: str
    path: Path | None
    saved_at: float
    extra: dict[str, Any] = field(default_factory=dict)


class RecoverySlot:
    """This instance's recovery folder under ``root``, locked for as long as it lives."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.folder)
        if not self._lock.tryLock(0):
            raise OSError(f"cannot lock the recovery folder {self.folder}")
        self._written: dict[str, str] = {}  # kind -> file name of the copy the state names
        self._mask: np.ndarray | None = None  # the worker's own copy, brought up to date by each save

    def save(self, request: SaveRequest) -> None:
        """Write the copy; the state goes last, so the copy it names is always complete (runs in a worker)."""
        self._mask = _updated(self._mask, request.mask, request.mask_patches)
        names = dict(self._written)
        picture = f"picture-{request.picture_version}.raw"
        if names.get("picture") != picture:
            if request.picture is None:
                raise ValueError("the picture changed but did not come with the save")
            # written from the image's own memory: no copy holds the interpreter while the UI thread paints
            memory = np.ascontiguousarray(pixels.peek(request.picture))  # (a view: 32-bit rows have no padding)
            atomic_write_bytes(self.folder / picture, memoryview(memory).cast("B"))
            names["picture"] = picture
        mask = f"mask-{request.mask_version}.raw"
        if names.get("mask") != mask:
            atomic_write_bytes(self.folder / mask, memoryview(self._mask).cast("B"))
            names["mask"] = mask
        height, width = self._mask.shape
        state = {"version": VERSION, "size": [width, height], "picture": names["picture"], "mask": names["mask"],
                 "frame": [request.frame.x(), request.frame.y(), request.frame.width(), request.frame.height()],
                 "prompt": request.prompt, "path": str(request.path) if request.path else None,
                 "saved_at": request.saved_at, "extra": request.extra}
        atomic_write_text(self.folder / STATE, json.dumps(state))
        self._written = names
        for stale in [*self.folder.glob("picture-*.raw"), *self.folder.glob("mask-*.raw")]:
            if stale.name not in names.values():
                with contextlib.suppress(OSError):
                    stale.unlink()

    def forget_written(self) -> None:
        """The next save writes everything again (one failed: the copies may be ahead of the files)."""
        self._written = {}

    def clear(self) -> None:
        """A clean exit: this instance's copy goes, with its lock."""
        self._lock.unlock()
        shutil.rmtree(self.folder, ignore_errors=True)

    def release(self) -> None:
        """Stop without clearing: what was written stays, for the next instance to offer."""
        self._lock.unlock()


def claim_orphans(root: Path, own: Path | None) -> list[tuple[Path, QLockFile]]:
    """The copies under ``root`` whose instance is gone, newest first, each with its lock now held by the caller
    (so no other instance offers it at the same time). A live instance's copy is never among them."""
    found: list[tuple[float, Path, QLockFile]] = []
    if not root.is_dir():
        return []
    for folder in root.iterdir():
        if not folder.is_dir() or folder == own:
            continue
        lock = _lock(folder)
        if not lock.tryLock(0):
            continue  # its instance is running
        state = folder / STATE
        if not state.exists():
            lock.unlock()
            shutil.rmtree(folder, ignore_errors=True)  # an instance that died before its first save
            continue
        found.append((state.stat().st_mtime, folder, lock))
    found.sort(key=lambda item: item[0], reverse=True)
    return [(folder, lock) for _, folder, lock in found]


def load(folder: Path) -> Recovered | None:
    """The copy in ``folder``, or None when it is unusable (then it is logged)."""
    try:
        state = json.loads((folder / STATE).read_text("utf-8"))
        width, height = (int(v) for v in state["size"])
        picture = _unraw(folder / state["picture"], width, height, QImage.Format.Format_ARGB32, 4)
        mask = _unraw(folder / state["mask"], width, height, QImage.Format.Format_Alpha8, 1)
        x, y, w, h = (int(v) for v in state["frame"])
        return Recovered(picture, mask, QRect(x, y, w, h), str(state.get("prompt", "")),
                         Path(state["path"]) if state.get("path") else None, float(state.get("saved_at", 0)),
                         folder, dict(state.get("extra") or {}))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the recovery copy in %s cannot be used: %s", folder, exc)
        return None


def discard(folder: Path, lock: QLockFile | None = None) -> None:
    """Forget an orphaned copy (restored into this instance's own, or declined)."""
    if lock is not None:
        lock.unlock()
    shutil.rmtree(folder, ignore_errors=True)


def _lock(folder: Path) -> QLockFile:
    lock = QLockFile(str(folder / LOCK))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however long it has run
    return lock


def _updated(current: np.ndarray | None, whole: QImage | None, patches: list[Patch]) -> np.ndarray:
    if whole is not None:
        current = pixels.read(whole)  # reads without detaching the document's image
    if current is None:
        raise ValueError("the first save needs the whole image")
    for x, y, values in patches:
        current[y : y + values.shape[0], x : x + values.shape[1]] = values
    return current


def _unraw(path: Path, width: int, height: int, fmt: QImage.Format, channels: int) -> QImage:
    data = np.frombuffer(path.read_bytes(), np.uint8)
    if data.size != width * height * channels:
        raise ValueError(f"{path.name} is incomplete")
    shape = (height, width, channels) if channels > 1 else (height, width)
    return pixels.from_array(data.reshape(shape), fmt)
