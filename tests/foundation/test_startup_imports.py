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

def qt_namespace_made():  # PySide puts a class in its module when it builds it (it does so lazily)
    import PySide6.QtCore
    return "yes" if isinstance(vars(PySide6.QtCore).get("Qt"), type) else "no"

class Probe(app.StartupProbe):
    def shown(self):
        print("loaded when shown:", loaded(), flush=True)
        print("sources read when shown:", len(sources_read), flush=True)
        print("qt namespace made when shown:", qt_namespace_made(), flush=True)
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
                 if line.startswith(("loaded when", "sources read when", "qt namespace made when")))
    assert "window ready" in done.stdout, done.stdout
    return lines


def test_window_shows_before_numpy_opencv_httpx_and_the_rest_load(tmp_path):
    lines = _start(tmp_path)
    assert lines["loaded when shown"] == "-"
    # and then they do load, so the list above is not empty by accident
    assert {"numpy", "sqlite3", "asyncio", "dalle_studio.library"} <= set(lines["loaded when ready"].split())


def test_a_remembered_layout_shows_the_window_before_pyside_builds_its_qt_namespace(tmp_path):
    """Building PySide's ``Qt`` namespace (its ~90 enums) costs a fifth of a bare window's start; the window's first
    frame does without it when the panels' places are remembered, as they are from the second start on."""
    first = _start(tmp_path)  # a first start: no layout to remember, the default places name Qt's dock areas
    assert first["qt namespace made when shown"] == "yes"
    assert _start(tmp_path)["qt namespace made when shown"] == "no"


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


def test_each_start_up_turn_on_the_ui_thread_runs_one_module_of_the_app():
    """The modules that touch Qt load on the UI thread, one per event-loop turn; listed from those that need no other
    module of the app to those that need them, each turn executes one module's own body, never a chain of them (a
    chain of imports is what stalled the window for 40-60 ms a turn). A module the list forgot, or lists after one
    that needs it, fails here."""
    from dalle_studio import app

    probe = ("import importlib, sys\n"
             "from dalle_studio import app\n"
             "for name in app.LOOP_IMPORTS + app.CANVAS_STEP_IMPORTS + app.PANELS_STEP_IMPORTS:\n"
             "    importlib.import_module(name)\n"
             "for name in app.CANVAS_STEP_QT_MODULES + app.PANELS_STEP_QT_MODULES:\n"
             "    before = set(sys.modules)\n"
             "    importlib.import_module(name)\n"
             "    more = sorted(m for m in set(sys.modules) - before if m.startswith('dalle_studio.')\n"
             "                  and m != name and not hasattr(sys.modules[m], '__path__'))\n"
             "    if more:\n"
             "        print(name, 'also ran', ' '.join(more))\n")
    assert _probe(probe) == ""
    assert len(set(app.CANVAS_STEP_QT_MODULES + app.PANELS_STEP_QT_MODULES)) > 40  # not an empty list passing


def test_the_types_made_in_slices_are_those_building_the_canvas_would_make_at_once():
    """PySide makes some 220 Python types in one piece the first time the canvas is built (40-80 ms of the UI
    thread); ui.pyside_types makes them beforehand a slice at a time. When PySide changes which ones, this fails."""
    probe = ("import sys\n"
             "import PySide6.QtCore as C, PySide6.QtGui as G, PySide6.QtWidgets as W\n"
             "from dalle_studio.ui.pyside_imports import lighten_import_hook\n"
             "lighten_import_hook()\n"
             "def made():\n"
             "    return {(m.__name__, k) for m in (C, G, W)\n"
             "            for k, v in list(vars(m).items()) if isinstance(v, type)}\n"
             "app = W.QApplication([])\n"
             "from dalle_studio.core.settings import Settings\n"
             "from dalle_studio.document.document import Document\n"
             "from dalle_studio.ui.canvas.settings import SETTINGS\n"
             "from dalle_studio.ui.canvas.tool_state import CanvasTools\n"
             "from dalle_studio.ui.canvas.view import CanvasView\n"
             "from dalle_studio.ui.pyside_types import make_types\n"
             "slices = sum(1 for _ in make_types())\n"
             "before = made()\n"
             "settings = Settings(None)\n"
             "settings.extend(SETTINGS)\n"
             "view = CanvasView(Document(), CanvasTools(settings))\n"
             "print(slices, len(made() - before), *sorted(k for _, k in made() - before))\n")
    slices, new_types, *names = _probe(probe).split()
    slices, new_types = int(slices), int(new_types)
    assert new_types <= 20, f"building the canvas made {new_types} PySide types at once: {names}"  # not 220
    assert slices >= 3  # and the making was cut in slices


def _probe(code: str) -> str:
    """What ``code`` prints, run in a fresh offscreen process (it must succeed)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
