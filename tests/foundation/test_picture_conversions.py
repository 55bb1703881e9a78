"""Converting whole pictures between Pillow and Qt keeps every pixel exactly, and lets the UI thread run meanwhile.

Results are converted in worker threads while the artist paints. A Qt call keeps the interpreter for as long as it
runs, so a whole-picture ``QImage.copy``, ``convertToFormat`` or ``scaled`` in a worker stops the UI thread for as
long (tens of milliseconds at 4K, the ``ui_stall_4k`` benchmark's stalls). The conversions below must give the
interpreter back often: another thread's longest wait is measured against the conversion's own time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage

from dalle_studio.document import pixels
from dalle_studio.document.qimage import pil_to_qimage, qimage_to_pil
from dalle_studio.jobs import pictures


def random_rgba(width: int, height: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 4), np.uint8)


def test_pillow_to_qt_and_back_keeps_every_pixel_and_its_alpha():
    rgba = random_rgba(53, 37)  # an odd width: rows of other formats are padded
    image = pil_to_qimage(Image.fromarray(rgba, "RGBA"))
    assert image.format() == QImage.Format.Format_ARGB32 and (image.width(), image.height()) == (53, 37)
    assert image.pixelColor(5, 7) == QColor(*(int(v) for v in rgba[7, 5]))  # straight alpha, not premultiplied
    back = qimage_to_pil(image)
    del image  # the Pillow image owns its pixels
    assert back.mode == "RGBA" and np.array_equal(np.asarray(back), rgba)


@pytest.mark.parametrize("mode", ["RGB", "L", "LA", "P"])
def test_other_pillow_modes_arrive_as_their_rgba(mode):
    source = Image.fromarray(random_rgba(19, 11, seed=2), "RGBA").convert(mode)
    assert np.array_equal(pixels.read(pil_to_qimage(source))[..., [2, 1, 0, 3]], np.asarray(source.convert("RGBA")))


def test_other_qt_formats_are_read_as_their_rgba():
    image = QImage(9, 5, QImage.Format.Format_RGB888)
    image.fill(QColor(10, 200, 30))
    assert np.asarray(qimage_to_pil(image))[2, 3].tolist() == [10, 200, 30, 255]


def test_a_thumbnail_keeps_the_aspect_and_the_colours():
    image = QImage(3000, 1000, QImage.Format.Format_ARGB32)
    image.fill(QColor(200, 40, 90, 255))
    thumb = pictures.thumbnail(image)
    assert (thumb.width(), thumb.height()) == (112, 37)
    assert thumb.format() == QImage.Format.Format_ARGB32
    assert thumb.pixelColor(50, 20) == QColor(200, 40, 90, 255)
    small = QImage(40, 30, QImage.Format.Format_RGB32)  # smaller than a thumbnail: not enlarged
    small.fill(QColor(1, 2, 3))
    assert (pictures.thumbnail(small).width(), pictures.thumbnail(small).height()) == (40, 30)
    assert pictures.thumbnail(QImage()).isNull()


def longest_wait_share(convert: Callable[[], object], tries: int = 5) -> float:
    """The longest time another thread waited for the interpreter while ``convert`` ran in a worker, as a share
    of the conversion's time (the best of ``tries``: a busy machine can only make it worse)."""
    shares = []
    for _ in range(tries):
        done = threading.Event()
        took: list[float] = []

        def work(done: threading.Event = done, took: list[float] = took) -> None:
            start = time.perf_counter()
            convert()
            took.append(time.perf_counter() - start)
            done.set()

        worker = threading.Thread(target=work)
        longest, last = 0.0, time.perf_counter()
        worker.start()
        while not done.is_set():  # the UI thread's part: it runs whenever the interpreter lets it
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
            time.sleep(0)
        worker.join()
        shares.append(longest / took[0])
    return min(shares)


@pytest.fixture(scope="module")
def picture_4k() -> tuple[Image.Image, QImage]:
    source = Image.fromarray(random_rgba(3840, 2160), "RGBA")
    return source, pil_to_qimage(source)


def test_a_4k_result_becomes_a_qimage_while_the_ui_thread_keeps_running(picture_4k):
    # In one Qt copy and one conversion, the other thread waited a third to all of the time (0.32-0.97).
    assert longest_wait_share(lambda: pil_to_qimage(picture_4k[0])) < 0.15


def test_a_4k_picture_becomes_a_pillow_image_while_the_ui_thread_keeps_running(picture_4k):
    assert longest_wait_share(lambda: qimage_to_pil(picture_4k[1])) < 0.15  # through Qt: 0.58-0.72


def test_a_4k_result_is_thumbnailed_while_the_ui_thread_keeps_running(picture_4k):
    assert longest_wait_share(lambda: pictures.thumbnail(picture_4k[1])) < 0.15  # QImage.scaled: 1.0


def test_a_composite_is_the_mask_blend_over_the_whole_frame():
    from dalle_studio.document.compose import composite_through_mask

    ours, theirs = random_rgba(64, 48, seed=3), random_rgba(64, 48, seed=4)
    ours[..., 3] = np.maximum(ours[..., 3], 1)  # (colour under no alpha at all is not kept by the blend)
    keep = np.full((48, 64), 255, np.uint8)
    keep[10:30, 20:40] = 0
    keep[9:31, 19:41][keep[9:31, 19:41] == 255] = 128  # a soft edge
    made = pictures.composite(pixels.from_array(theirs, QImage.Format.Format_ARGB32),
                              pixels.from_array(ours, QImage.Format.Format_ARGB32),
                              pixels.from_array(keep, QImage.Format.Format_Alpha8))
    assert np.array_equal(pixels.read(made), composite_through_mask(ours, theirs, keep))
