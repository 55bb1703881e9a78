"""How soon a change is safe on disk (issue 12): ``autosave_lag_ms`` is the time from a brush stroke on a 4096²
picture to the recovery copy holding it, fsynced (target < 1000; median of several strokes, with min and max).
``autosave_lag_picture_ms`` is the same after a change of the picture's pixels (an accepted result), which rewrites
the picture too. The baseline, ``autosave_lag_baseline_ms``, is the previous autosave: a save 3 s after the last
change, encoding picture and mask as PNG."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._util import RUNS, report_median

SIDE = 4096
OLD_DELAY_MS = 3000


def _picture():
    import numpy as np
    from PySide6.QtGui import QImage

    from dalle_studio.document import pixels

    rng = np.random.default_rng(1)
    ys, xs = np.mgrid[0:SIDE, 0:SIDE]
    array = np.zeros((SIDE, SIDE, 4), np.uint8)
    array[..., 0] = (xs * 255 // SIDE).astype(np.uint8)
    array[..., 1] = (ys * 255 // SIDE).astype(np.uint8)
    array[..., 2] = ((xs + ys) // 32 % 256).astype(np.uint8)
    array[..., :3] += rng.integers(0, 8, (SIDE, SIDE, 3), dtype=np.uint8)  # photo-like noise
    array[..., 3] = 255
    return pixels.from_array(array, QImage.Format.Format_ARGB32)


def run(report) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from dalle_studio.document.document import Document
    from dalle_studio.jobs.autosave import Autosaver
    from dalle_studio.jobs.tasks import TaskRegistry

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app, already_running=False)
    asyncio.set_event_loop(loop)
    folder = Path(tempfile.mkdtemp(prefix="dalle-studio-autosave-"))
    document = Document()
    document.replace(_picture())
    tasks = TaskRegistry(on_error=lambda name, exc: print(f"{name}: {exc}", file=sys.stderr))
    saver = Autosaver(document, folder / "recovery", tasks)
    written: list[tuple[int, float]] = []
    save = saver.slot.save
    saver.slot.save = lambda request: (save(request), written.append((request.mask_version, time.perf_counter())))

    async def settled() -> None:
        while saver._dirty or saver._busy() or saver._timer.isActive():
            await asyncio.sleep(0.002)

    async def lag(change) -> float:
        await settled()
        await asyncio.sleep(0.05)
        change()
        start = time.perf_counter()  # the change is made (and shown): from here on it must reach the disk
        version = saver._mask_version
        while not any(v >= version and t >= start for v, t in written):
            await asyncio.sleep(0.002)
        return (next(t for v, t in written if v >= version and t >= start) - start) * 1000

    def stroke(i: int):
        return lambda: document.fill_mask(QRect(100 + 40 * i, 200, 30, 30))

    def accept(i: int):
        patch = QImage(256, 256, QImage.Format.Format_ARGB32)
        patch.fill(0xFF102030 + i)
        return lambda: (document.apply_result(patch, document.snapshot(), through_mask=False), stroke(50 + i)())

    document.set_frame(QRect(1024, 1024, 512, 512))  # results are accepted into this frame
    with loop:
        loop.run_until_complete(lag(stroke(0)))  # the first save writes the picture too
        strokes = [loop.run_until_complete(lag(stroke(i))) for i in range(1, RUNS + 1)]
        pictures = [loop.run_until_complete(lag(accept(i))) for i in range(RUNS)]
        loop.run_until_complete(settled())
    saver.stop_and_clear()
    old = _old_save_ms(document, folder / "old")
    report_median(report, "autosave_lag_ms", strokes, "ms")
    report_median(report, "autosave_lag_picture_ms", pictures, "ms")
    report("autosave_lag_baseline_ms", OLD_DELAY_MS + old, "ms")


def _old_save_ms(document, folder: Path) -> float:
    """The previous recovery copy: picture and mask as PNG (Qt, quality 90), written atomically."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    from dalle_studio.core.atomic import atomic_write_bytes
    from dalle_studio.document import mask_ops, pixels

    def png(image: QImage) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG", 90)
        return bytes(data.data())

    start = time.perf_counter()
    atomic_write_bytes(folder / "picture.png", png(document.image))
    mask = pixels.from_array(mask_ops.to_rgba(pixels.read(document.mask)), QImage.Format.Format_RGBA8888)
    atomic_write_bytes(folder / "mask.png", png(mask))
    return (time.perf_counter() - start) * 1000
