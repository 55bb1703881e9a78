"""Conversions between Pillow RGBA pictures and QImage, with no colour or alpha changes.

Both run in worker threads on pictures of up to 4K and more, while the UI thread paints. PySide keeps the
interpreter for the whole of every Qt call, and a Qt call that copies or converts a whole picture (``QImage.copy``,
``convertToFormat``, ``scaled``) into memory the process has not touched yet takes tens of milliseconds at 4K: the
UI thread stands still that long. So whole pictures are copied by Pillow and numpy, which let the interpreter go
while they work, and Qt is asked only for memory (``QImage(w, h, format)``, not touched) and views of it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

from dalle_studio.document import pixels

_BAND_BYTES = 1 << 20  # rows converted per piece: about a megabyte, a millisecond or so of the interpreter's time


def pil_to_qimage(image: Image.Image) -> QImage:
    """An ``ARGB32`` QImage (straight alpha, as stored in files) owning a copy of ``image``'s pixels (converted to
    RGBA first when it is in another mode). Pillow packs rows in ARGB32's memory order (B, G, R, A) a band at a
    time and numpy copies each band in: no one call keeps the interpreter for the whole picture."""
    if image.mode != "RGBA":
        image = image.convert("RGBA")
    width, height = image.size
    qimage = QImage(width, height, QImage.Format.Format_ARGB32)
    target = pixels.view(qimage)
    rows = max(1, _BAND_BYTES // max(1, width * 4))
    for top in range(0, height, rows):
        bottom = min(height, top + rows)
        band = image.crop((0, top, width, bottom)).tobytes("raw", "BGRA")
        target[top:bottom] = np.frombuffer(band, np.uint8).reshape(bottom - top, width, 4)
    return qimage


def qimage_to_pil(qimage: QImage) -> Image.Image:
    """An RGBA Pillow image of ``qimage`` in any format. ARGB32 pictures (the document's) are unpacked by Pillow
    straight from the image's memory; others are converted to ARGB32 first."""
    if qimage.format() != QImage.Format.Format_ARGB32:
        qimage = qimage.convertToFormat(QImage.Format.Format_ARGB32)
    size, stride = (qimage.width(), qimage.height()), qimage.bytesPerLine()
    # (frombuffer with another raw mode decodes into a new image: the result owns its pixels)
    return Image.frombuffer("RGBA", size, pixels.peek(qimage), "raw", "BGRA", stride, 1)
