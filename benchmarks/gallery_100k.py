"""The gallery over a 100,000-image library: opening, searching while typing, memory, and scrolling the grid.

Figures:
- ``gallery_open_100k_ms``: open the library, build the panel, show it and paint its first screen with every visible
  thumbnail (thumbnail cache warm). Baseline ``gallery_open_100k_empty_ms``: the same over an empty library.
- ``gallery_search_100k_ms``: the 95th percentile, over the keystrokes of a few searches, of the time from a
  keystroke in the search box to the narrowed grid repainted; ``gallery_search_100k_median_ms`` its median.
  Baseline ``search_sql_100k_ms``: the library query alone (median).
- ``gallery_mem_100k_mb``: resident memory growth, in a fresh process, from before the library is opened to after
  the panel has been shown, scrolled through its first thousand images and dragged to fifty places across all of
  it (as a scroll bar is dragged), every screen's thumbnails loaded.
- ``gallery_scroll_p99_ms``: the 99th percentile of the time to scroll the full grid by one wheel step and repaint
  it (ScrollPerPixel, 40 px steps through the first screens, then jumps to 200 places across the whole library, as
  when the scroll bar is dragged: records are fetched from SQLite on the way). Baseline
  ``gallery_scroll_empty_p99_ms``: a plain QListView (QStringListModel of as many empty rows, the default
  delegate, the same grid) scrolled the same way in the same run. ``gallery_scroll_median_ms`` and
  ``gallery_scroll_empty_median_ms``: the medians (on a busy machine the 99th percentile mostly measures the
  scheduler).

The library is generated once and kept in the system's temp folder: rows are written in one transaction; their
image files are hard links to a few hundred distinct small PNGs (the gallery reads each row's own file; distinct
content would only cost disk).
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
from benchmarks.gallery_library import (
    KINDS,
    MODELS,
    STYLES,
    WORDS,
    build,
    close,
    open_gallery,
    rss_mb,
    search_times,
    wait_for_thumbnails,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COUNT = 100_000
DISTINCT = 256
SIDE = 64
STEP_PX = 40
SMOOTH_STEPS = 300
JUMPS = 200


def run(report: Callable[..., None]) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from dalle_studio.library.schema import LATEST

    # Named by schema version: branches with another schema share this machine's temp folder.
    root = Path(tempfile.gettempdir()) / f"dalle-studio-bench-gallery-{COUNT}-schema{LATEST}"
    library_dir = ensure_library(root / "library")
    cache = root / "cache"  # kept: the figures are for a warm thumbnail cache, as on every start after the first
    work = Path(tempfile.mkdtemp(prefix="dalle-studio-bench-"))
    try:
        open_gallery(app, library_dir, cache)  # warms the thumbnail cache and the OS's file cache
        report_median(report, "gallery_open_100k_ms",
                      [open_gallery(app, library_dir, cache) for _ in range(RUNS)], "ms")
        report_median(report, "gallery_open_100k_empty_ms",
                      [open_gallery(app, work / "empty", work / "c") for _ in range(RUNS)], "ms")
        p95, median, sql = measure_search(app, library_dir, cache)
        report("gallery_search_100k_ms", p95, "ms")
        report("gallery_search_100k_median_ms", median, "ms")
        report("search_sql_100k_ms", sql, "ms")
        gallery, empty = measure_scroll(app, library_dir, cache)
        report("gallery_scroll_p99_ms", float(np.percentile(gallery, 99)), "ms")
        report("gallery_scroll_empty_p99_ms", float(np.percentile(empty, 99)), "ms")
        report("gallery_scroll_median_ms", statistics.median(gallery), "ms")
        report("gallery_scroll_empty_median_ms", statistics.median(empty), "ms")
        report("gallery_mem_100k_mb", memory_in_a_fresh_process(library_dir, cache), "MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- the generated library -----------------------------------------------------------------------------------

def ensure_library(folder: Path) -> Path:
    from dalle_studio.library import Library

    if folder.exists():
        with Library(folder) as lib:
            if lib.count() == COUNT:
                return folder
        shutil.rmtree(folder)
    print(f"generating a library of {COUNT} images in {folder} (once) ...", file=sys.stderr, flush=True)
    from dalle_studio.library import database as db
    from dalle_studio.library.files import ImageFiles

    files = ImageFiles(folder, durable=False)
    rng = random.Random(11)
    base = np.random.default_rng(11).integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8)
    sources = []
    for n in range(DISTINCT):
        out = io.BytesIO()
        Image.fromarray(np.roll(base, n, axis=(0, 1)) ^ np.uint8(n)).save(out, "PNG", compress_level=1)
        sources.append(files.put(out.getvalue(), "png"))
    start = time.time() - 3 * 365 * 86400
    conn = db.connect(folder / "library.sqlite3", durable=False)
    rows = []
    for n in range(COUNT):
        sha = f"{n:064x}"
        target = files.path(sha, "png")
        target.parent.mkdir(exist_ok=True)
        os.link(sources[n % DISTINCT], target)
        words = rng.sample(WORDS, 3)
        rows.append((sha, "png", rng.choice(KINDS), f"a {words[0]} and a {words[1]} near the {words[2]}, "
                     f"{rng.choice(STYLES)}", rng.choice(MODELS), "1024x1024", rng.choice(("low", "medium", "high")),
                     f'{{"n": 1, "seed": {n}}}', start + n * 900.0, SIDE, SIDE,
                     "\nfavourite-set\n" if n % 97 == 0 else "", int(n % 50 == 0)))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO images (sha, ext, kind, prompt, model, size, quality, params, created, width, "
                     "height, tags, favourite) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return folder


# ---- measurements ----------------------------------------------------------------------------------------------

def measure_search(app, library_dir: Path, cache_dir: Path) -> tuple[float, float, float]:
    times, sql_times = search_times(app, library_dir, cache_dir)
    return float(np.percentile(times, 95)), statistics.median(times), statistics.median(sql_times)


def scroll_positions(maximum: int) -> list[int]:
    """Smooth wheel steps through the first screens, then jumps across the whole grid (a dragged scroll bar)."""
    smooth = [min(maximum, i * STEP_PX) for i in range(1, SMOOTH_STEPS + 1)]
    jumps = [maximum * f // 10_000 for f in random.Random(5).sample(range(1, 10_000), JUMPS)]
    return smooth + jumps


def scroll_frames(app, view, positions: list[int]) -> list[float]:
    bar = view.verticalScrollBar()
    times = []
    for value in positions:
        began = time.perf_counter()
        bar.setValue(value)
        view.viewport().repaint()
        times.append((time.perf_counter() - began) * 1000)
        app.processEvents()  # thumbnails that arrived, as between frames
    return times


def measure_scroll(app, library_dir: Path, cache_dir: Path) -> tuple[list[float], list[float]]:
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView

    _, _, panel = parts = build(library_dir, cache_dir)
    panel.show()
    wait_for_thumbnails(app, panel)
    positions = scroll_positions(panel.view.verticalScrollBar().maximum())
    gallery = scroll_frames(app, panel.view, positions)
    grid, size = panel.view.gridSize(), panel.view.size()
    close(*parts)

    model = QStringListModel([""] * COUNT)
    plain = QListView()
    plain.setViewMode(QListView.ViewMode.IconMode)
    plain.setUniformItemSizes(True)
    plain.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    plain.setGridSize(grid)
    plain.setModel(model)
    plain.resize(size)
    plain.show()
    app.processEvents()
    empty = scroll_frames(app, plain, scroll_positions(plain.verticalScrollBar().maximum()))
    plain.close()
    plain.deleteLater()
    return gallery, empty


def memory_in_a_fresh_process(library_dir: Path, cache_dir: Path) -> float:
    out = subprocess.run([sys.executable, "-m", "benchmarks.gallery_100k", "--memory", str(library_dir),
                          str(cache_dir)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    return float(out.stdout.strip().splitlines()[-1])


def scroll_and_measure_memory(app, library_dir: Path, cache_dir: Path) -> float:
    from dalle_studio.ui.gallery.panel import GalleryPanel  # noqa: F401 - imported before the baseline

    gc.collect()
    before = rss_mb()
    _, _, panel = parts = build(library_dir, cache_dir)
    panel.show()
    wait_for_thumbnails(app, panel)
    bar = panel.view.verticalScrollBar()
    step = max(1, panel.view.viewport().height())
    rows_per_screen = max(1, panel.view.columns() * (step // panel.view.gridSize().height()))
    for value in range(0, step * (1000 // rows_per_screen + 1), step):
        bar.setValue(value)
        wait_for_thumbnails(app, panel)
    for f in range(1, 51):
        bar.setValue(bar.maximum() * f // 50)
        wait_for_thumbnails(app, panel)
    growth = rss_mb() - before
    close(*parts)
    return growth


if __name__ == "__main__" and sys.argv[1:2] == ["--memory"]:
    from PySide6.QtWidgets import QApplication

    _app = QApplication(sys.argv[:1])
    print(f"{scroll_and_measure_memory(_app, Path(sys.argv[2]), Path(sys.argv[3])):.2f}")
