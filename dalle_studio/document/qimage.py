"""Conversions between Pillow RGBA pictures and QImage, with no colour or alpha changes."""

from __future__ import annotations

from PIL import Image
from PySide6.QtGui import QImage


def pil_to_qimage(image: Image.Image) -> QImage:
    """A deep-copied ``QImage.Format_RGBA8888`` of an RGBA Pillow image (straight alpha, as stored in files)."""
    if image.mode != "RGBA":
        image = image.convert("RGBA")
    data = image.tobytes("raw", "RGBA")
    qimage = QImage(data, image.width, image.height, image.width * 4, QImage.Format.Format_RGBA8888)
    return qimage.copy()  # own the pixels: ``data`` goes away


def qimage_to_pil(qimage: QImage) -> Image.Image:
    """An RGBA Pillow image of ``qimage`` in any format."""
    rgba = qimage.convertToFormat(QImage.Format.Format_RGBA8888)
    ptr = rgba.constBits()
    stride = rgba.bytesPerLine()
    raw = bytes(ptr)[: stride * rgba.height()]
    return Image.frombuffer("RGBA", (rgba.width(), rgba.height()), raw, "raw", "RGBA", stride, 1).copy()
