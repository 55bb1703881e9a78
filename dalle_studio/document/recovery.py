"""The working document's recovery copy: picture, mask, frame, prompt and file path, written atomically to one
folder so that a crash loses at most the last few seconds of painting.

``save`` runs in a worker thread (QImage encoding is reentrant); ``load`` and ``clear`` are quick.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect
from PySide6.QtGui import QImage

from dalle_studio.core.atomic import atomic_write_bytes, atomic_write_text
from dalle_studio.document import mask_ops, pixels

log = logging.getLogger(__name__)
STATE = "state.json"
PICTURE = "picture.png"
MASK = "mask.png"


@dataclass(frozen=True)
class Recovered:
    """What was on the canvas when the app last stopped without closing cleanly."""

    picture: QImage
    mask: QImage
    frame: QRect
    prompt: str
    path: Path | None
    saved_at: float


def _png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG", 90)  # quality 90 = fast zlib level: this is written often
    buffer.close()
    return bytes(data.data())


def save(folder: Path, picture: QImage, mask: QImage, frame: QRect, prompt: str, path: Path | None,
         saved_at: float) -> None:
    """Write the recovery copy (``mask``: the document's Alpha8 mask); the state file goes last, so a copy is
    complete whenever the state names it."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(folder / PICTURE, _png(picture))
    mask_file = pixels.from_array(mask_ops.to_rgba(pixels.read(mask)), QImage.Format.Format_RGBA8888)
    atomic_write_bytes(folder / MASK, _png(mask_file))
    state = {"version": 1, "frame": [frame.x(), frame.y(), frame.width(), frame.height()], "prompt": prompt,
             "path": str(path) if path else None, "saved_at": saved_at,
             "size": [picture.width(), picture.height()]}
    atomic_write_text(folder / STATE, json.dumps(state))


def load(folder: Path) -> Recovered | None:
    """The recovery copy in ``folder``, or None when there is none or it is unusable (then it is logged)."""
    state_file = folder / STATE
    if not state_file.exists():
        return None
    try:
        state = json.loads(state_file.read_text("utf-8"))
        picture = QImage(str(folder / PICTURE))
        mask = QImage(str(folder / MASK))
        if picture.isNull() or mask.isNull() or [picture.width(), picture.height()] != state["size"]:
            raise ValueError("the saved picture or mask is missing or damaged")
        x, y, w, h = (int(v) for v in state["frame"])
        return Recovered(picture.convertToFormat(QImage.Format.Format_ARGB32), mask, QRect(x, y, w, h),
                         str(state.get("prompt", "")), Path(state["path"]) if state.get("path") else None,
                         float(state.get("saved_at", 0)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the recovery copy in %s cannot be used: %s", folder, exc)
        return None


def clear(folder: Path) -> None:
    """Forget the recovery copy (after a clean exit, or once the user declined it)."""
    shutil.rmtree(folder, ignore_errors=True)
