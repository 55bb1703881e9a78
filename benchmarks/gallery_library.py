"""The gallery over a 10,000-image library: how fast it opens and searches, how much memory it takes, and how
fast thumbnails are made.

Figures:
- ``gallery_open_ms``: open the library, build the panel, show it, and paint its first screen with every visible
  thumbnail (disk cache warm, as on any start after the first). Baseline ``gallery_open_empty_ms``: the same with
  an empty library. ``gallery_open_cold_ms``: the same with no thumbnails cached (made from the images).
- ``gallery_search_ms``: median time from a keystroke in the search box to the narrowed grid repainted, over the
  keystrokes of a few searches; ``gallery_search_max_ms`` the worst. Baseline ``search_sql_ms``: the library query
  alone.
- ``gallery_mem_mb``: resident memory growth, in a fresh process, from before the library is opened to after the
  panel has been shown and scrolled from top to bottom, every screen's thumbnails loaded (the baseline is the same
  process with Qt and the modules imported).
- ``thumbs_per_s``: thumbnails made by the gallery's thumbnail cache (2 worker threads) from 1024x1024 PNG results.
  Baselines: ``thumbs_serial_per_s``, the same work in one plain loop; ``png_decode_per_s``, Pillow only decoding
  the same PNGs (the ceiling: decoding holds the GIL).

The 10,000-image library is generated once (small images, not timed) and kept in the system's temp folder.
"""

from __future__ import annotations

import gc
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks._util import RUNS, report_median

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COUNT = 10_000
SIDE = 96
WORDS = ("fox", "cat", "owl", "castle", "harbour", "forest", "neon", "city", "portrait", "sunset", "storm", "robot",
         "garden", "teapot", "mountain", "river", "lantern", "dragon", "violin", "desert", "glacier", "market", "train",
         "bicycle", "library", "ocean", "whale", "comet", "orchard")
STYLES = ("watercolour", "oil painting", "photograph", "pencil sketch", "3d render", "pixel art")
MODELS = ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2")
KINDS = ("generation", "edit", "variation")
SEARCHES = ("fox in", "castle at sunset", "watercolour owl", "neon city rob")


def run(report: Callable[..., None]) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from dalle_studio.library.schema import LATEST

    # Named by schema version: branches with another schema share this machine's temp folder.
    root = Path(tempfile.gettempdir()) / f"dalle-studio-bench-gallery-{COUNT}-schema{LATEST}"
    library_dir = ensure_library(root / "library")
    work = Path(tempfile.mkdtemp(prefix="dalle-studio-bench-"))
    try:
        cold = open_gallery(app, library_dir, work / "cache-cold")
        report("gallery_open_cold_ms", cold, "ms")
        report_median(report, "gallery_open_ms",
                      [open_gallery(app, library_dir, work / "cache-cold") for _ in range(RUNS)], "ms")
        report_median(report, "gallery_open_empty_ms",
                      [open_gallery(app, work / "empty", work / "cache-empty") for _ in range(RUNS)], "ms")
        search_median, search_max, sql = measure_search(app, library_dir, work / "cache-cold")
        report("gallery_search_ms", search_median, "ms")
        report("gallery_search_max_ms", search_max, "ms")
        report("search_sql_ms", sql, "ms")
        report("gallery_mem_mb", memory_in_a_fresh_process(library_dir, work / "cache-cold"), "MB")
        parallel, serial, decode = measure_thumbnails(app, work)
        report("thumbs_per_s", parallel, "/s")
        report("thumbs_serial_per_s", serial, "/s")
        report("png_decode_per_s", decode, "/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- the generated library -----------------------------------------------------------------------------------

def ensure_library(folder: Path) -> Path:
    from dalle_studio.library import Library, NewResult

    if folder.exists():
        with Library(folder) as lib:
            if lib.count() == COUNT:
                return folder
        shutil.rmtree(folder)
    print(f"generating a library of {COUNT} images in {folder} (once) ...", file=sys.stderr, flush=True)
    rng = random.Random(7)
    base = np.random.default_rng(7).integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8)
    start = time.time() - 365 * 86400
    with Library(folder, durable=False) as lib:
        for n in range(COUNT):
            pixels = np.roll(base, n, axis=(0, 1)) ^ np.uint8(n % 251)
            image = Image.fromarray(pixels)
            out = io.BytesIO()
            image.save(out, "PNG", compress_level=1)
            words = rng.sample(WORDS, 3)
            lib.add_result(NewResult(
                image=out.getvalue(), kind=rng.choice(KINDS), model=rng.choice(MODELS),
                prompt=f"a {words[0]} and a {words[1]} near the {words[2]}, {rng.choice(STYLES)}",
                size="1024x1024", quality=rng.choice(("low", "medium", "high")), params={"n": 1, "seed": n},
                created=start + n * 3000.0 + rng.random()))
    return folder


# ---- measurements ----------------------------------------------------------------------------------------------

def build(library_dir: Path, cache_dir: Path):
    from dalle_studio.library import Library, ThumbnailStore
    from dalle_studio.ui.gallery.panel import GalleryPanel
    from dalle_studio.ui.gallery.thumbnails import ThumbnailCache

    library = Library(library_dir)
    thumbnails = ThumbnailCache(ThumbnailStore(cache_dir, size=160))
    panel = GalleryPanel(library, thumbnails)
    panel.resize(1000, 900)
    return library, thumbnails, panel


def close(library, thumbnails, panel) -> None:
    panel.background.wait()
    panel.model.close()
    panel.close()
    panel.deleteLater()
    thumbnails.shutdown()
    library.close()


def visible_rows(panel) -> list[int]:
    view = panel.view
    area = view.viewport().rect()
    rows = []
    for row in range(min(panel.model.rowCount(), 400)):
        rect = view.visualRect(panel.model.index(row))
        if rect.intersects(area):
            rows.append(row)
        elif rows:
            break
    return rows


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the Qt event loop until ``condition()`` holds. A real ``exec()`` (as the app runs), not a processEvents
    loop: PySide6 releases the GIL while exec() waits, much less so in processEvents, which would starve the
    thumbnail threads and measure the harness instead of the gallery."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()
    poll = QTimer(interval=2)
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    poll.start()
    loop.exec()
    poll.stop()


def wait_for_thumbnails(app, panel, timeout: float = 30.0) -> None:
    rows = visible_rows(panel)
    app.processEvents()
    wait_until(lambda: all(panel.model.thumbnail(r) is not None for r in rows), timeout)
    panel.view.viewport().repaint()


def open_gallery(app, library_dir: Path, cache_dir: Path) -> float:
    began = time.perf_counter()
    parts = build(library_dir, cache_dir)
    panel = parts[2]
    panel.show()
    app.processEvents()
    wait_for_thumbnails(app, panel)
    elapsed = (time.perf_counter() - began) * 1000
    close(*parts)
    app.processEvents()
    return elapsed


def search_times(app, library_dir: Path, cache_dir: Path) -> tuple[list[float], list[float]]:
    """Milliseconds per keystroke while typing each search: in the gallery (filter and repaint), and in SQL alone."""
    from dalle_studio.library import Query

    library, _, panel = parts = build(library_dir, cache_dir)
    panel.show()
    wait_for_thumbnails(app, panel)
    times, sql_times = [], []
    for text in SEARCHES:
        for end in range(1, len(text) + 1):
            began = time.perf_counter()
            panel.filters.search.setText(text[:end])
            panel.view.viewport().repaint()
            times.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            library.ids(Query(text=text[:end]))
            sql_times.append((time.perf_counter() - began) * 1000)
        panel.filters.search.clear()
        app.processEvents()
    close(*parts)
    return times, sql_times


def measure_search(app, library_dir: Path, cache_dir: Path) -> tuple[float, float, float]:
    times, sql_times = search_times(app, library_dir, cache_dir)
    return statistics.median(times), max(times), statistics.median(sql_times)


def memory_in_a_fresh_process(library_dir: Path, cache_dir: Path) -> float:
    """:func:`scroll_everything` in a new process, so that what earlier measurements allocated and freed does not
    blur the figure."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.gallery_library", "--memory", str(library_dir),
                          str(cache_dir)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    return float(out.stdout.strip().splitlines()[-1])


def scroll_everything(app, library_dir: Path, cache_dir: Path) -> float:
    """Resident memory growth (MB) from before the library is opened to the end of a scroll through all of it."""
    from dalle_studio.ui.gallery.panel import GalleryPanel  # noqa: F401 - imported before the baseline

    gc.collect()
    before = rss_mb()
    _, _, panel = parts = build(library_dir, cache_dir)
    panel.show()
    wait_for_thumbnails(app, panel)
    bar = panel.view.verticalScrollBar()
    step = max(1, panel.view.viewport().height())
    for value in range(0, bar.maximum() + step, step):
        bar.setValue(value)
        wait_for_thumbnails(app, panel)
    growth = rss_mb() - before
    if os.environ.get("GALLERY_BENCH_DEBUG"):
        print(f"records cached {len(panel.model._records)}, pixmaps {len(panel.thumbnails._pixmaps)} "
              f"({panel.thumbnails._bytes / 2**20:.1f} MB)", file=sys.stderr)
    close(*parts)
    return growth


def measure_thumbnails(app, work: Path, count: int = 24) -> tuple[float, float, float]:
    """Thumbnails per second through the gallery's cache (worker threads) and in one plain loop, and how many of the
    source PNGs Pillow merely decodes per second (the floor: PNG decoding holds the GIL, so threads gain little)."""
    from dalle_studio.library import ThumbnailStore
    from dalle_studio.ui.gallery.thumbnails import ThumbnailCache

    folder = work / "results"
    folder.mkdir()
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:1024, 0:1024]
    sources = []
    for n in range(count):  # photo-like: smooth gradients plus grain, as PNG results are
        grad = (np.sin(x / (40 + n)) * 60 + np.cos(y / (55 + n)) * 60 + 128)[..., None]
        pixels = np.clip(grad + rng.normal(0, 12, (1024, 1024, 3)) + [n * 7, 30, 200 - n * 5], 0, 255)
        path = folder / f"{n:064x}.png"
        Image.fromarray(pixels.astype(np.uint8)).save(path, compress_level=1)
        sources.append((f"{n:064x}", path))

    began = time.perf_counter()
    for _, path in sources:
        with Image.open(path) as im:
            im.load()
    decode = count / (time.perf_counter() - began)

    store = ThumbnailStore(work / "thumbs-serial", size=160)
    began = time.perf_counter()
    for sha, path in sources:
        store.ensure(sha, path)
    serial = count / (time.perf_counter() - began)

    cache = ThumbnailCache(ThumbnailStore(work / "thumbs-parallel", size=160))
    done: set[str] = set()
    cache.ready.connect(done.add)
    began = time.perf_counter()
    for sha, path in sources:
        cache.pixmap(sha, path)
    wait_until(lambda: len(done) >= count, timeout=120)
    parallel = count / (time.perf_counter() - began)
    cache.shutdown()
    return parallel, serial, decode


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__" and sys.argv[1:2] == ["--memory"]:
    from PySide6.QtWidgets import QApplication

    _app = QApplication(sys.argv[:1])
    print(f"{scroll_everything(_app, Path(sys.argv[2]), Path(sys.argv[3])):.2f}")
