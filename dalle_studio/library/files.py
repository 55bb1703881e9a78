"""The library's files: each image stored once, named by the SHA-256 of its bytes, with a JSON sidecar of its
metadata beside it so a damaged database can be rebuilt from the folder alone.

Layout under the library folder::

    images/ab/abcdef....png     the image, exactly the bytes received
    images/ab/abcdef....json    its metadata (sidecar), rewritten atomically on every change
    incoming/                   temporary files being written; anything left here after a crash is swept

Every write goes to ``incoming/`` first, is fsynced, then renamed into place (same file system), so a reader or a
crash only ever sees a whole file or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dalle_studio.core.atomic import atomic_write_bytes
from dalle_studio.core.images import ImageOpenError, pixel_limit, read_header

_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
EXTENSIONS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp"}
FILING_MAX_PIXELS = 50_000_000  # the largest result any model makes is ~8.3 MP (3840x2160)


class NotAnImage(ValueError):
    """The bytes are not a PNG, JPEG or WebP image Pillow can read."""


@dataclass(frozen=True)
class ImageInfo:
    format: str  # "png" | "jpeg" | "webp"
    width: int
    height: int


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes) -> ImageInfo:
    """Format and size of an encoded image, read from its header; raises :class:`NotAnImage`."""
    try:
        # A result larger than the user's limit for opening pictures is still kept: it was paid for.
        header = read_header(data, "The image", max_pixels=max(pixel_limit(), FILING_MAX_PIXELS))
    except ImageOpenError as exc:
        raise NotAnImage(f"not a readable image ({exc.reason})") from exc
    fmt = _FORMATS.get(header.format)
    if fmt is None:
        raise NotAnImage("only PNG, JPEG and WebP images are kept in the library")
    width, height = header.size  # as shown: EXIF orientation applied
    return ImageInfo(fmt, width, height)


class ImageFiles:
    """Content-addressed image files and their sidecars under one folder. Safe to use from several threads."""

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self.root = root
        self.durable = durable  # False skips fsync: only for generating throwaway libraries (benchmarks)
        self.images = root / "images"
        self.incoming = root / "incoming"
        self.images.mkdir(parents=True, exist_ok=True)
        self.incoming.mkdir(parents=True, exist_ok=True)

    def path(self, sha: str, fmt: str) -> Path:
        return self.images / sha[:2] / f"{sha}.{fmt}"

    def sidecar(self, sha: str) -> Path:
        return self.images / sha[:2] / f"{sha}.json"

    def find(self, sha: str) -> Path | None:
        """The stored file with this hash, whatever its format, or None."""
        for fmt in ("png", "jpeg", "webp"):
            candidate = self.path(sha, fmt)
            if candidate.exists():
                return candidate
        return None

    def put(self, data: bytes, fmt: str, sha: str | None = None) -> Path:
        """Store ``data`` (idempotent: an existing file with the same hash is kept) and return its path."""
        target = self.path(sha or sha256(data), fmt)
        if not target.exists():
            self._write(target, data)
        return target

    def write_sidecar(self, sha: str, meta: dict[str, Any]) -> None:
        self._write(self.sidecar(sha), json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def read_sidecar(self, sha: str) -> dict[str, Any] | None:
        try:
            meta = json.loads(self.sidecar(sha).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def remove(self, sha: str) -> None:
        for candidate in (*(self.path(sha, f) for f in ("png", "jpeg", "webp")), self.sidecar(sha)):
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()

    def iter_images(self) -> Iterator[tuple[str, Path]]:
        """Every stored image as (sha, path), in no particular order."""
        for bucket in self.images.iterdir() if self.images.exists() else ():
            if not bucket.is_dir():
                continue
            for entry in os.scandir(bucket):
                stem, _, ext = entry.name.partition(".")
                if ext in ("png", "jpeg", "webp") and len(stem) == 64:
                    yield stem, Path(entry.path)

    def iter_unfinished_sidecars(self) -> Iterator[dict[str, Any]]:
        """The sidecars of filings cut off before their image was stored (the sidecar is written first)."""
        for bucket in self.images.iterdir() if self.images.exists() else ():
            if not bucket.is_dir():
                continue
            for entry in os.scandir(bucket):
                stem, _, ext = entry.name.partition(".")
                if ext == "json" and len(stem) == 64 and self.find(stem) is None:
                    meta = self.read_sidecar(stem)
                    if meta is not None:
                        yield meta

    def sweep_incoming(self) -> int:
        """Delete half-written files left by a crash; return how many there were."""
        count = 0
        for entry in os.scandir(self.incoming):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                count += 1
        return count

    def _write(self, target: Path, data: bytes) -> None:
        # Temporary files live in ``incoming`` so that a crash's leftovers are found and swept at the next open.
        atomic_write_bytes(target, data, durable=self.durable, temp_dir=self.incoming)
