"""Fixtures for library tests: a real library in a temporary folder and small, distinct real images."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from dalle_studio.library import Library


def make_image(seed: int, fmt: str = "PNG", size: tuple[int, int] = (24, 16), mode: str = "RGB") -> bytes:
    """A small picture whose pixels (so bytes and hash) differ for each ``seed``."""
    colour = (seed * 37 % 256, seed * 91 % 256, seed * 13 % 256, 255)[: len(mode)]
    im = Image.new(mode, size, colour)
    im.putpixel((seed % size[0], (seed // size[0]) % size[1]), (255, 255, 255, 128)[: len(mode)])
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "library")
    yield lib
    lib.close()
