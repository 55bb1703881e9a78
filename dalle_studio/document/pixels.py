"""NumPy views of QImage pixels, so the document can read and write regions without copying the whole picture.

A view stays valid only until the image is detached or replaced: take a fresh one for every operation, and never
keep one across calls that may copy the image (``QImage(other)`` shares pixels until the first write).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage

SMOOTH = Qt.TransformationMode.SmoothTransformation

_CHANNELS = {
    QImage.Format.Format_Alpha8: 1,
    QImage.Format.Format_Grayscale8: 1,
    QImage.Format.Format_ARGB32: 4,
    QImage.Format.Format_ARGB32_Premultiplied: 4,
    QImage.Format.Format_RGBA8888: 4,
}


def channels(image: QImage) -> int:
    """Bytes per pixel of ``image``; only the 8-bit formats the document uses are accepted."""
    try:
        return _CHANNELS[image.format()]
    except KeyError:
        raise ValueError(f"unsupported image format {image.format()!r}") from None


def view(image: QImage, rect: QRect | None = None) -> np.ndarray:
    """A writable (h, w) or (h, w, channels) uint8 view of ``image`` (or of ``rect`` within it); detaches it."""
    n = channels(image)
    buffer = np.frombuffer(image.bits(), np.uint8)
    full = buffer.reshape(image.height(), image.bytesPerLine())[:, : image.width() * n]
    full = full.reshape(image.height(), image.width(), n) if n > 1 else full
    if rect is None:
        return full
    return full[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1]


class _Kept:
    """Array data that keeps the image it lies in alive: a view handed to a worker thread must not outlive its
    pixels when the job (and the image) is dropped on the UI thread meanwhile."""

    def __init__(self, buffer: np.ndarray, owner: QImage) -> None:
        self.__array_interface__ = buffer.__array_interface__
        self._buffer, self._owner = buffer, owner


def peek(image: QImage, rect: QRect | None = None) -> np.ndarray:
    """A read-only view of the pixels of ``image`` (or of ``rect``), valid until the image next changes; it holds a
    reference to ``image``, so the pixels live as long as the view."""
    n = channels(image)
    buffer = np.asarray(_Kept(np.frombuffer(image.constBits(), np.uint8), QImage(image)))
    full = buffer.reshape(image.height(), image.bytesPerLine())[:, : image.width() * n]
    full = full.reshape(image.height(), image.width(), n) if n > 1 else full
    if rect is None:
        return full
    return full[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1]


def read(image: QImage, rect: QRect | None = None) -> np.ndarray:
    """A copy of the pixels of ``image`` (or of ``rect``); does not detach a shared image."""
    return peek(image, rect).copy()


def from_array(array: np.ndarray, fmt: QImage.Format) -> QImage:
    """A QImage owning a copy of ``array`` ((h, w) for one channel, (h, w, 4) for four)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = array.shape[:2]
    image = QImage(width, height, fmt)
    view(image)[...] = array
    return image


def clip(rect: QRect, image: QImage) -> QRect:
    """``rect`` clipped to the image's bounds (may be empty)."""
    return rect.intersected(image.rect())
