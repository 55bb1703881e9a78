"""Reading pictures from files, bytes and the clipboard into what the canvas shows: 8-bit RGBA.

The decoding itself is :mod:`dalle_studio.core.images` (the one way every layer opens a picture): upright, sRGB,
straight-alpha RGBA, one pixel limit, one error type. This module names it for the canvas and the file dialogs.
"""

from __future__ import annotations

import os

from dalle_studio.core.images import (
    DEFAULT_MAX_PIXELS,
    ImageOpenError,
    OpenedImage,
    open_image,
    open_image_file,
    to_rgba,
)

OPEN_FILTER = "Pictures (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.gif);;All files (*)"

# The one error type and result of opening a picture, under the names the canvas code has always used.
ImageLoadError = ImageOpenError
LoadedImage = OpenedImage

__all__ = ["DEFAULT_MAX_PIXELS", "OPEN_FILTER", "ImageLoadError", "LoadedImage", "load_image_bytes",
           "load_image_file", "to_rgba"]


def load_image_file(path: str | os.PathLike[str], *, max_pixels: int | None = None) -> LoadedImage:
    """Read the picture at ``path``; raises :class:`ImageLoadError` for every kind of bad file."""
    return open_image_file(path, max_pixels=max_pixels)


def load_image_bytes(data: bytes, source: str = "The picture", *, max_pixels: int | None = None) -> LoadedImage:
    """Decode ``data`` (the bytes of a picture file) named ``source`` in messages."""
    return open_image(data, source, max_pixels=max_pixels)
