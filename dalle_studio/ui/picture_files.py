"""Opening, pasting, dropping, creating and exporting pictures for the main window.

Decoding happens off the UI thread; a file that cannot be opened leaves the open picture untouched and tells
the user why, naming the file.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox, QWidget

from dalle_studio.core import work
from dalle_studio.core.atomic import atomic_write_bytes, umask_file_mode
from dalle_studio.core.settings import Settings
from dalle_studio.document.document import Document, blank_image
from dalle_studio.document.image_io import ImageLoadError, LoadedImage, load_image_bytes, load_image_file
from dalle_studio.document.qimage import pil_to_qimage, qimage_to_pil
from dalle_studio.jobs.tasks import TaskRegistry

if TYPE_CHECKING:
    from dalle_studio.document.early_open import EarlyOpen

log = logging.getLogger(__name__)


class PictureFiles(QObject):
    """The window's file operations; each returns the task doing the work so callers (and tests) can await it."""

    opened = Signal(object)  # Path | None, after a picture replaced the document
    failed = Signal(str)  # the message shown to the user

    def __init__(self, document: Document, settings: Settings, tasks: TaskRegistry, parent: QWidget) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.tasks = tasks
        self.window = parent
        # Asked before the open picture is replaced, with what is about to happen ("open x.png"); False: leave
        # everything as it is. The window puts its question here (MainWindow.confirm_discard).
        self.confirm: Callable[[str], bool] = lambda _doing: True

    # -- opening ------------------------------------------------------------------------------------------
    def open_path(self, path: str | Path, *, confirmed: bool = False) -> asyncio.Task[bool]:
        """Open ``path`` in place of the open picture (asking first, unless ``confirmed``); the task says
        whether it was opened."""
        path = Path(path).expanduser().absolute()  # recent files must work from any working folder
        if not confirmed and not self.confirm(f"open {path.name}"):
            return self._declined()
        return self.tasks.start(self._open(lambda: load_image_file(path, max_pixels=self._max_pixels()), path),
                                f"opening {path.name}")

    def open_early(self, early: EarlyOpen) -> asyncio.Task[bool]:
        """Open the picture named on the command line, whose decode started with the app (see ``early_open``)."""

        def load() -> LoadedImage:
            try:
                loaded = early.full.result()
            except ImageLoadError as exc:
                if exc.kind != "too_large":
                    raise
                # The early decode ran before the settings, at the default limit; the user may allow more.
                return load_image_file(early.path, max_pixels=self._max_pixels())
            width, height = loaded.size
            if width * height > self._max_pixels():  # beyond the user's limit: the usual refusal, in its words
                return load_image_file(early.path, max_pixels=self._max_pixels())
            return loaded

        early.go_on()
        return self.tasks.start(self._open(load, early.path), f"opening {early.path.name}")

    def open_bytes(self, data: bytes, source: str) -> asyncio.Task[bool]:
        if not self.confirm(f"open {source.lower()}"):
            return self._declined()
        return self.tasks.start(self._open(lambda: load_image_bytes(data, source, max_pixels=self._max_pixels()),
                                           None), f"opening {source}")

    def _declined(self) -> asyncio.Task[bool]:
        async def nothing() -> bool:
            return False

        return self.tasks.start(nothing(), "keeping the open picture")

    def open_qimage(self, image: QImage, source: str) -> bool:
        """Open a picture that is already decoded (clipboard, drag from another program)."""
        if not self.confirm(f"open {source.lower()}"):
            return False
        if image.isNull():
            self._fail(f"{source} could not be opened: it holds no picture")
            return False
        self.document.replace(image.convertToFormat(QImage.Format.Format_ARGB32), None)
        self.opened.emit(None)
        return True

    async def _open(self, load, path: Path | None) -> bool:
        def decode() -> tuple[LoadedImage, QImage]:
            loaded = load()
            return loaded, pil_to_qimage(loaded.rgba)

        try:
            loaded, qimage = await work.run(decode)
        except ImageLoadError as exc:
            self._fail(str(exc))
            return False
        self.document.replace(qimage, path, loaded.text)
        if path is not None:
            self._remember(path)
        self.opened.emit(path)
        return True

    def _max_pixels(self) -> int:
        return int(self.settings.get("files.max_megapixels")) * 1_000_000

    def _fail(self, message: str) -> None:
        log.info("%s", message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open picture", message, QMessageBox.StandardButton.Ok,
                          self.window)
        box.setObjectName("openError")
        box.open()  # window-modal, does not block the loop
        self.failed.emit(message)

    def _remember(self, path: Path) -> None:
        recent = [p for p in self.settings.get("files.recent") if p != str(path)]
        recent.insert(0, str(path))
        self.settings.set("files.recent", recent[: self.settings.get("files.recent_max")])
        self.settings.set("files.last_folder", str(path.parent))

    def recent(self) -> list[Path]:
        return [Path(p) for p in self.settings.get("files.recent")]

    def clear_recent(self) -> None:
        self.settings.set("files.recent", [])

    # -- clipboard and drops ------------------------------------------------------------------------------
    def open_mime(self, mime: QMimeData, source: str) -> asyncio.Task[bool] | bool:
        """Open what ``mime`` carries: a local file, or picture data; False when it carries neither."""
        files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if files:
            return self.open_path(files[0])
        for fmt in ("image/png", "image/webp", "image/jpeg", "image/tiff", "image/bmp", "image/gif"):
            if mime.hasFormat(fmt):
                return self.open_bytes(bytes(mime.data(fmt).data()), source)
        if mime.hasImage():
            return self.open_qimage(QImage(mime.imageData()), source)
        return False

    @staticmethod
    def mime_has_picture(mime: QMimeData) -> bool:
        return mime.hasImage() or any(u.isLocalFile() for u in mime.urls()) or mime.hasFormat("image/png")

    # -- new and export -----------------------------------------------------------------------------------
    def new_canvas(self, width: int, height: int, color: QColor | None, *, confirmed: bool = False) -> bool:
        if not confirmed and not self.confirm("start a new canvas"):
            return False
        self.document.replace(blank_image(width, height, color), None)
        self.opened.emit(None)
        return True

    def export_png(self, path: str | Path) -> asyncio.Task[Path]:
        """Write the picture as it is now to ``path`` (PNG, atomic), off the UI thread."""
        image = QImage(self.document.image)  # implicit share: a snapshot of this moment
        target = _png_path(path)

        async def run() -> Path:
            data = await work.run(_encode_png, image)
            await work.run(atomic_write_bytes, target, data, mode=umask_file_mode())
            return target

        return self.tasks.start(run(), f"exporting {target.name}")

    def export_png_now(self, path: str | Path) -> bool:
        """Export and wait for it (before the picture is replaced, so a failed write cannot lose it): False, with
        the reason shown, when it could not be written."""
        target = _png_path(path)
        try:
            atomic_write_bytes(target, _encode_png(QImage(self.document.image)), mode=umask_file_mode())
        except OSError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot export picture",
                              f"{target.name} could not be written: {exc}", QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("exportError")
            box.exec()
            return False
        self.document.undo_stack.setClean()
        return True


def _png_path(path: str | Path) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == ".png" else target.with_suffix(".png")


def _encode_png(image: QImage) -> bytes:
    buffer = io.BytesIO()
    qimage_to_pil(image).save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()
