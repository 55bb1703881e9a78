"""The picture being worked on: its pixels, where it came from, and its undo history.

The document is the one owner of this state; widgets show it and send user input back to it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QColor, QImage, QUndoStack


class Document(QObject):
    """One open picture. ``replace`` starts a new picture; edits go through ``undo_stack``."""

    image_replaced = Signal()  # a different picture is open (history restarted)
    image_changed = Signal()  # pixels of the open picture changed
    path_changed = Signal(object)  # Path | None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._image = QImage()
        self._path: Path | None = None
        self._metadata: dict[str, str] = {}

    @property
    def image(self) -> QImage:
        return self._image

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

    def replace(self, image: QImage, path: Path | None = None, metadata: dict[str, str] | None = None) -> None:
        """Open ``image`` as the document's picture; the history starts anew."""
        if image.isNull():
            raise ValueError("cannot open an empty image")
        self._image = image.convertToFormat(QImage.Format.Format_ARGB32)
        self._path = path
        self._metadata = dict(metadata or {})
        self.undo_stack.clear()
        self.image_replaced.emit()
        self.path_changed.emit(path)


def blank_image(width: int, height: int, color: QColor | None) -> QImage:
    """A new picture of ``width`` x ``height`` filled with ``color``, or fully transparent when it is None."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(color if color is not None else QColor(0, 0, 0, 0))
    return image
