"""Decoding the picture named on the command line while the window appears.

``dalle-studio PICTURE`` should put the picture on screen about as fast as a bare window opens. So the decode starts
before the window is built, on a thread of its own (nothing else exists yet to run it: the asyncio loop and its
executor come later), in two steps: for a large JPEG first a reduced decode (Pillow's draft mode asks libjpeg for a
1/2, 1/4 or 1/8 scale, several times faster than the whole picture), which the canvas shows at the picture's size
until the full decode, the one the document opens, follows.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from dalle_studio.document.image_io import LoadedImage

DRAFT_ABOVE = 4_000_000  # pixels: smaller pictures decode whole about as fast as a draft would
DRAFT_EDGE = 1024  # the draft's longer side is at least this (a window's worth of pixels)


@dataclass(frozen=True)
class Draft:
    """A reduced decode: ``rgba`` (upright, straight alpha, ``size`` pixels) stands for a picture of ``width`` x
    ``height``; :attr:`image` is it as a QImage."""

    rgba: bytes
    size: tuple[int, int]
    width: int
    height: int

    @cached_property
    def image(self) -> QImage:
        """Made on first use, by the UI thread that shows it: the decoding thread never touches Qt, whose types
        are set up lazily while the UI thread is setting up its own."""
        from PySide6.QtGui import QImage

        w, h = self.size
        return QImage(self.rgba, w, h, w * 4, QImage.Format.Format_RGBA8888).copy()  # owns its pixels


class EarlyOpen:
    """The picture at ``path`` decoding on a thread: :attr:`draft` (a reduced decode, or None when the picture is
    small or not a JPEG) and then :attr:`full` (a ``LoadedImage``; raises ``ImageLoadError`` as
    ``load_image_file`` does). Made before Qt and the settings load, it knows only the largest size any user may
    open; whoever opens the result holds it to the user's own limit. This module imports nothing heavy: Pillow
    and the rest load on the thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser().absolute()
        self.draft: Future[Draft | None] = Future()
        self.full: Future[LoadedImage] = Future()
        self._go_on = threading.Event()
        threading.Thread(target=self._decode, name="early-open", daemon=True).start()

    def _decode(self) -> None:
        from dalle_studio.document.image_io import DEFAULT_MAX_PIXELS, load_image_file

        try:
            self.draft.set_result(_draft(self.path, DEFAULT_MAX_PIXELS))
        except Exception:  # a draft is a nicety: the full decode reports what is wrong
            self.draft.set_result(None)
        if self.draft.result() is not None:
            self._go_on.wait(timeout=5)  # the draft on screen first: two cores are all a laptop may spare
        try:
            self.full.set_result(load_image_file(self.path, max_pixels=DEFAULT_MAX_PIXELS))
        except BaseException as exc:  # handed to whoever waits for the picture
            self.full.set_exception(exc)


    def go_on(self) -> None:
        """Start the full decode now (the draft is on screen, or the app has what it needed first)."""
        self._go_on.set()


def _draft(path: Path, max_pixels: int) -> Draft | None:
    from dalle_studio.core.images import open_image, read_header

    data = path.read_bytes()
    header = read_header(data, path.name, max_pixels=max_pixels)
    width, height = header.size  # as shown
    if header.format != "JPEG" or width * height <= DRAFT_ABOVE:
        return None
    scale = max(1, max(width, height) // DRAFT_EDGE)
    reduced = open_image(data, path.name, max_pixels=max_pixels, draft_to=(width // scale, height // scale)).rgba
    factor = width / reduced.width
    return Draft(reduced.tobytes("raw", "RGBA"), reduced.size, round(reduced.width * factor),
                 round(reduced.height * factor))
