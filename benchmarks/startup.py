"""startup_s: process start to the main window shown; startup_bare_s: a bare PySide6 window, same run.

Both run offscreen in fresh processes, alternating, five times each; the medians are reported with their ratio.
The target is startup_ratio at most 2. The app shows its window (menus, panels in their remembered places) before
it loads the document, canvas, library and workflow; startup_ready_s is process start to all of that being ready
for work, reported beside it so the two are never confused.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

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


def _time_until_shown(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds until the process says "window shown", and until "window ready" (the same when it never says so)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    shown = None
    for line in proc.stdout:
        if line.strip() == "window shown":
            shown = time.perf_counter() - start
        elif line.strip() == "window ready":
            break
    ready = time.perf_counter() - start
    if shown is None:
        raise RuntimeError(f"{argv} exited ({proc.wait()}) without showing its window")
    proc.wait(timeout=30)
    return shown, ready


def run(report, repeat: int = 5) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DALLE_STUDIO_HOME=home, DALLE_STUDIO_QUIT_WHEN_SHOWN="1")
        app_argv = [sys.executable, "-m", "dalle_studio"]
        bare_argv = [sys.executable, "-c", BARE]
        _time_until_shown(bare_argv, env)  # warm the file cache for both
        _time_until_shown(app_argv, env)
        app_times, ready_times, bare_times = [], [], []
        for _ in range(repeat):
            bare_times.append(_time_until_shown(bare_argv, env)[0])
            shown, ready = _time_until_shown(app_argv, env)
            app_times.append(shown)
            ready_times.append(ready)
    app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
    report("startup_s", app_s, "s")
    report("startup_bare_s", bare_s, "s")
    report("startup_ratio", app_s / bare_s, "")
    report("startup_ready_s", statistics.median(ready_times), "s")
