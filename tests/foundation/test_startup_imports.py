"""The start-up path imports only what the first frame needs (issue 16): the heavy libraries load after the window
is on screen, off the UI thread. Checked in a real process at the moment the window is shown; no timings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = ("numpy", "cv2", "httpx", "PIL", "keyring", "sqlite3", "asyncio", "qasync", "dalle_studio.document.document",
         "dalle_studio.library", "dalle_studio.jobs.workflow")

# The real entry point, with the benchmark's probe told to list the heavy modules already loaded when it announces
# the window (after its first paint) and again when everything is ready.
DRIVER = f"""
import inspect
import sys

sources_read = []  # modules whose whole source file PySide's import hook read (it does, unless lightened)
_getsource = inspect.getsource

def getsource(obj):
    if "shibokensupport" in sys._getframe(1).f_globals.get("__name__", ""):  # not a library reading its own
        sources_read.append(obj)
    return _getsource(obj)

inspect.getsource = getsource

import dalle_studio.app as app

HEAVY = {HEAVY!r}

def loaded():
    return " ".join(m for m in HEAVY if m in sys.modules) or "-"

class Probe(app.StartupProbe):
    def shown(self):
        print("loaded when shown:", loaded(), flush=True)
        print("sources read when shown:", len(sources_read), flush=True)
        super().shown()

    def ready(self):
        print("loaded when ready:", loaded(), flush=True)
        print("sources read when ready:", len(sources_read), flush=True)
        super().ready()

app.StartupProbe = Probe
from dalle_studio.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _start(tmp_path, *args: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DALLE_STUDIO_HOME=str(tmp_path),
               DALLE_STUDIO_QUIT_WHEN_SHOWN="1")
    done = subprocess.run([sys.executable, "-c", DRIVER, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines()
                 if line.startswith(("loaded when", "sources read when")))
    assert "window ready" in done.stdout, done.stdout
    return lines


def test_window_shows_before_numpy_opencv_httpx_and_the_rest_load(tmp_path):
    lines = _start(tmp_path)
    assert lines["loaded when shown"] == "-"
    # and then they do load, so the list above is not empty by accident
    assert {"numpy", "sqlite3", "asyncio", "dalle_studio.library"} <= set(lines["loaded when ready"].split())


def test_the_hundreds_of_modules_loading_after_the_window_are_not_read_as_source(tmp_path):
    """PySide6's import hook reads the whole source of every module imported after it, to look for ``__feature__``
    (20 ms before the window shows, 275 ms of the GIL while the rest loads); the app turns that off."""
    lines = _start(tmp_path)
    assert lines["sources read when ready"] == lines["sources read when shown"]
    assert set(lines["loaded when ready"].split()) >= {"numpy", "httpx", "dalle_studio.library"}  # they did load


@pytest.mark.parametrize("suffix", [".jpg"])
def test_a_picture_on_the_command_line_decodes_off_the_ui_thread_without_numpy(tmp_path, suffix):
    from PIL import Image

    picture = tmp_path / f"photo{suffix}"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(picture)
    shown = set(_start(tmp_path, str(picture))["loaded when shown"].split()) - {"-"}
    assert shown <= {"PIL"}  # Pillow may already be decoding on its own thread; nothing else heavy has loaded


def test_what_loads_on_worker_threads_at_start_never_touches_qt():
    """PySide6 creates its Python types lazily; a worker thread doing so while the UI thread paints can crash the
    process, so the start-up imports handed to threads must not load PySide6 or qasync at all."""
    from dalle_studio import app

    modules = app.LOOP_IMPORTS + app.CANVAS_STEP_IMPORTS + app.PANELS_STEP_IMPORTS
    probe = ("import importlib, sys\n"
             f"for name in {modules!r}: importlib.import_module(name)\n"
             "print(' '.join(m for m in ('PySide6', 'shiboken6', 'qasync') if m in sys.modules) or '-')")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "-"


def test_a_module_that_may_touch_qt_is_refused_on_a_worker_thread():
    from dalle_studio import app

    with pytest.raises(ValueError, match="UI thread"):
        app._import_all(("dalle_studio.ui.canvas.view",))
