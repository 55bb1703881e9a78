"""Start-up against a bare PySide6 window in the same run (issue 16).

- ``startup_s``: process start to the main window shown with its menus and panels; ``startup_bare_s``: a bare
  PySide6 window; ``startup_ratio``: their ratio, round by round (target at most 1.5).
- ``open_picture_s``: ``dalle-studio PICTURE`` (a 4096x3072 JPEG) until that picture is painted on the canvas;
  ``open_picture_ratio`` against the bare window of the same round (target at most 2.5). ``open_picture_full_s``:
  until the full-resolution picture is in the document, ready for work (the first paint may be a reduced decode).
- ``startup_ready_s``: process start to everything loaded (library, panels, workflow), reported beside them so
  the two are never confused; ``startup_stall_max_ms`` / ``startup_stall_p99_ms``: how late a 5 ms heartbeat on the
  UI thread ran between the window showing and everything being ready (the ``ui_stall`` targets: 50 and 16).

Every process is fresh and offscreen; the three kinds alternate within each round so that a noisy moment touches
all of them, and every figure is the median of the rounds with min and max beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._util import RUNS, report_median

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1400, 900)
window.show()
QTimer.singleShot(0, lambda: (print("window shown", flush=True), app.quit()))
app.exec()
"""


def _run(argv: list[str], env: dict[str, str]) -> dict[str, float | list[float]]:
    """Seconds from process start to each line the process prints ("window shown", "picture shown", "picture
    full", "window ready"), and the start-up stalls it reports ("startup stalls MS MS ...")."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    seen: dict[str, float | list[float]] = {}
    for line in proc.stdout:
        line = line.strip()
        if line.startswith("startup stalls"):
            seen["stalls"] = [float(v) for v in line.split()[2:]]
        elif line:
            seen.setdefault(line, time.perf_counter() - start)
    if proc.wait(timeout=60) != 0 or "window shown" not in seen:
        raise RuntimeError(f"{argv} exited ({proc.returncode}) without showing its window: {seen}")
    return seen


def _picture(folder: Path) -> Path:
    """A 4096x3072 photo-like JPEG (smooth gradients plus grain), as a camera would write."""
    import numpy as np
    from PIL import Image

    y, x = np.mgrid[0:3072, 0:4096].astype(np.float32)
    rgb = np.stack([x / 16, y / 12, (x + y) / 28], axis=-1) + np.random.default_rng(16).normal(0, 6, (3072, 4096, 3))
    path = folder / "photo.jpg"
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(path, quality=90)
    return path


def run(report, repeat: int = RUNS) -> None:
    with tempfile.TemporaryDirectory() as work:
        picture = _picture(Path(work))
        home = Path(work) / "home"
        # Bytecode cached as an installed app has it (pip compiles on install), in a folder of this run's own:
        # a shell with PYTHONDONTWRITEBYTECODE would otherwise compile every module of the app on every start.
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DALLE_STUDIO_HOME=str(home),
                   DALLE_STUDIO_QUIT_WHEN_SHOWN="1", PYTHONPYCACHEPREFIX=str(Path(work) / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        app_argv = [sys.executable, "-m", "dalle_studio"]
        bare_argv = [sys.executable, "-c", BARE]
        _run(bare_argv, env)  # warm the file cache for all three
        _run(app_argv, env)
        _run([*app_argv, str(picture)], env)
        rounds = []
        for _ in range(repeat):
            bare = _run(bare_argv, env)["window shown"]
            app = _run(app_argv, env)
            opened = _run([*app_argv, str(picture)], env)
            if "picture shown" not in opened:
                raise RuntimeError(f"the picture was never painted: {opened}")
            rounds.append((bare, app, opened))
    bare = [r[0] for r in rounds]
    shown = [r[1]["window shown"] for r in rounds]
    painted = [r[2]["picture shown"] for r in rounds]
    stalls = [r[1]["stalls"] or [0.0] for r in rounds]
    report_median(report, "startup_s", shown, "s")
    report_median(report, "startup_bare_s", bare, "s")
    report_median(report, "startup_ratio", [s / b for s, b in zip(shown, bare, strict=True)])
    report_median(report, "open_picture_s", painted, "s")
    report_median(report, "open_picture_ratio", [p / b for p, b in zip(painted, bare, strict=True)])
    report_median(report, "open_picture_full_s", [r[2]["picture full"] for r in rounds], "s")
    report_median(report, "startup_ready_s", [r[1]["window ready"] for r in rounds], "s")
    report_median(report, "startup_stall_max_ms", [max(s) for s in stalls], "ms")
    report_median(report, "startup_stall_p99_ms", [sorted(s)[max(0, int(len(s) * 0.99) - 1)] for s in stalls], "ms")
