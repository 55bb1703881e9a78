"""The one-folder program's entry point: the same command line as the installed ``dalle-studio``, plus a self-test.

It also understands ``-m dalle_studio.engine ...``: in a frozen build ``sys.executable`` is this program, not a
Python, so the engine supervisor's ``[sys.executable, "-m", "dalle_studio.engine", ...]`` lands here.

``--self-test-edit PICTURE`` (used by packaging/smoke.py) builds the app's window with the composition root
(``app.build_window``, on a throwaway folder), opens the picture, paints a square of mask, presses Edit in the
prompt panel with the embedded engine, waits for the results and presses Accept: the edit a user makes first.
"""

from __future__ import annotations

import multiprocessing
import sys

SELF_TEST_EDIT = "--self-test-edit"


def main() -> int:
    multiprocessing.freeze_support()  # a frozen program must say so before anything starts a process pool
    args = sys.argv[1:]
    if args[:2] == ["-m", "dalle_studio.engine"]:
        args = ["engine", *args[2:]]
    if args[:1] == [SELF_TEST_EDIT] and len(args) == 2:
        return self_test_edit(args[1])
    from dalle_studio.__main__ import main as studio_main

    return studio_main(args)


def self_test_edit(picture: str) -> int:
    """Open ``picture`` in the app's window, mask a square, press Edit (engine), then Accept on the first result.

    Prints one line, ``self-test edit: ok ...`` or ``self-test edit: FAILED ...``; returns 0 when the result was
    filed in the library, and accepting it changed the square and nothing beyond it (and its feather).
    """
    import asyncio
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")  # no keychain prompts
    import keyring.backends.null  # noqa: F401 - named above by string: PyInstaller must see it imported
    import numpy as np
    import qasync
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from dalle_studio.app import build_window
    from dalle_studio.core.paths import AppPaths
    from dalle_studio.document.pixels import read
    from dalle_studio.jobs.job import JobState

    def failed(why: str) -> int:
        print(f"self-test edit: FAILED {why}", flush=True)
        return 1

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    studio = build_window(AppPaths.under(tempfile.mkdtemp(prefix="dalle-studio-self-test-")))
    studio.window.show()
    jobs: list = []
    try:
        ui = studio.workflow_ui
        studio.workflow.queue.job_added.connect(jobs.append)
        if not loop.run_until_complete(studio.window.files.open_path(picture)):
            return failed(f"{picture} did not open")
        document = studio.document
        width, height = document.size.width(), document.size.height()
        square = QRect(width // 3, height // 3, width // 4, height // 4)
        document.fill_mask(square)
        before = read(document.image).copy()
        if not studio.workflow.hub.is_engine(studio.workflow.hub.provider(ui.panel.current_provider())):
            return failed(f"the prompt panel starts on {ui.panel.current_provider()!r}, not the embedded engine")
        ui.panel.edit_button.click()
        if not jobs:
            return failed("pressing Edit started no job: " + studio.window.statusBar().currentMessage())
        job = loop.run_until_complete(asyncio.wait_for(studio.workflow.queue.wait(jobs[0]), 180))
        if job.state is not JobState.DONE:
            return failed(f"the job ended {job.state}: {job.error.message if job.error else ''}")
        if studio.library.count() < 1 or job.results[0].library_id is None:
            return failed("the result was not filed in the gallery's library")
        if ui.strip.job is not job or not ui.strip.results():
            return failed("the results were not staged for choosing")
        ui.strip.accept_button.click()
        changed = np.any(read(document.image) != before, axis=2)
        ys, xs = np.nonzero(changed)
        if not changed.any():
            return failed("accepting the result changed nothing")
        reach = studio.settings.get("jobs.feather_px") + 1
        if (xs.min() < square.left() - reach or xs.max() > square.right() + reach
                or ys.min() < square.top() - reach or ys.max() > square.bottom() + reach):
            return failed("accepting the result changed pixels outside the mask")
        print(f"self-test edit: ok {job.input.model} on the engine filled {square.width()}x{square.height()} px of "
              f"{width}x{height}; filed, staged and accepted through the mask", flush=True)
        return 0
    except Exception as exc:  # a self-test reports every failure as its one line
        return failed(f"{type(exc).__name__}: {exc}")
    finally:
        studio.document.undo_stack.setClean()  # no "discard changes?" question on the way out
        loop.run_until_complete(studio.shutdown())  # cancels jobs, closes connections, stops the engine
        studio.close()
        studio.window.close()
        loop.close()


if __name__ == "__main__":
    sys.exit(main())
