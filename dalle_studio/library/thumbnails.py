"""Thumbnails on disk, in the cache folder: made once per image and size, named by the image's hash so they
survive database rebuilds. Qt-free; the gallery calls :meth:`ThumbnailStore.ensure` from worker threads."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from dalle_studio.core.atomic import atomic_write_bytes
from dalle_studio.core.images import open_image
from dalle_studio.library.pixels import to_rgb


class ThumbnailStore:
    """JPEG thumbnails at most ``size`` pixels on their long side, under ``cache_dir/thumbs/<size>/``."""

    def __init__(self, cache_dir: Path, size: int = 256) -> None:
        self.size = size
        self.folder = Path(cache_dir) / "thumbs" / str(size)

    def path(self, sha: str) -> Path:
        return self.folder / sha[:2] / f"{sha}.jpg"

    def ensure(self, sha: str, source: Path) -> Path:
        """The thumbnail's path, making it from ``source`` first if needed. Raises ``OSError`` (file missing or
        unreadable) or ``PIL.UnidentifiedImageError`` (damaged)."""
        target = self.path(sha)
        if target.exists():
            return target
        atomic_write_bytes(target, self.make(source.read_bytes()))
        return target

    def make(self, data: bytes) -> bytes:
        """Encode a thumbnail of image ``data`` (transparency shown over mid grey, as the canvas shows it)."""
        # JPEG: decoded at reduced scale (far faster); upright, 16-bit and CMYK converted like everywhere else.
        im = open_image(data, "The picture", draft_to=(self.size, self.size)).rgba
        im.thumbnail((self.size, self.size), Image.Resampling.BILINEAR, reducing_gap=2.0)
        out = io.BytesIO()
        to_rgb(im, (128, 128, 128)).save(out, "JPEG", quality=85)
        return out.getvalue()
