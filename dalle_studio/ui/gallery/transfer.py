"""Pictures leaving the gallery (dragged out, copied): real files in a drag folder, each the PNG an export would
write (the image plus its ``parameters`` and JSON chunks), offered as file URLs so that a file manager, Krita, a chat
window or the canvas gets a file it can keep."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QClipboard, QImage

from dalle_studio.library import ImageRecord
from dalle_studio.library.export import export_image, slug

KEEP_SECONDS = 24 * 3600  # a program may read a dropped file long after the drop (a chat upload, a later paste)


def drag_files(records: Sequence[ImageRecord], folder: Path) -> list[Path]:
    """Write each record as a PNG with its metadata chunks into its own subfolder of ``folder`` (so names from
    prompts never clash), named from its prompt; return the paths. Images whose file is missing are left out."""
    out: list[Path] = []
    for record in records:
        name = slug(record.label, 60) or f"image-{record.id}"
        target = folder / f"{record.id}-{record.sha[:8]}" / f"{name}.png"
        try:
            if not target.exists():
                export_image(record, target, fmt="png")
        except OSError:
            continue
        out.append(target)
    return out


def files_mime(paths: Sequence[Path], image: QImage | None = None) -> QMimeData:
    """Mime data carrying ``paths`` as file URLs (and, when given, ``image`` as picture data for programs that
    paste pixels, not files)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    if image is not None and not image.isNull():
        mime.setImageData(image)
    return mime


def put_on_clipboard(clipboard: QClipboard, paths: Sequence[Path], image: QImage) -> None:
    """``image`` as picture data and ``paths`` as file URLs on the clipboard. Qt keeps clipboard data until the
    process ends, after Python is gone: data made in Python (a QMimeData built here) would then be destroyed through
    a finalised interpreter and crash the app on exit. So Qt makes the data itself, and the URLs join it."""
    clipboard.setImage(image)
    clipboard.mimeData().setUrls([QUrl.fromLocalFile(str(p)) for p in paths])


def sweep(folder: Path, *, older_than: float = KEEP_SECONDS) -> None:
    """Remove drag files older than a day (called at start, off the UI thread)."""
    if not folder.is_dir():
        return
    limit = time.time() - older_than
    for sub in folder.iterdir():
        with contextlib.suppress(OSError):
            if sub.stat().st_mtime < limit:
                for f in sub.iterdir():
                    f.unlink()
                sub.rmdir()
