"""The one-folder program's entry point: the same command line as the installed ``dalle-studio``, plus a self-test.

It also understands ``-m dalle_studio.engine ...``: in a frozen build ``sys.executable`` is this program, not a
Python, so the engine supervisor's ``[sys.executable, "-m", "dalle_studio.engine", ...]`` lands here.

``--self-test-edit PICTURE`` (used by packaging/smoke.py) runs one edit through the app's own workflow on the
embedded engine, headless: it builds the same pieces the tests build (document, library, provider hub, workflow),
so it checks that the frozen program can start its engine, send, file and accept. It does not go through the
window: the app does not wire the workflow to its window yet.
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
    """Open ``picture``, mask a square in it, Edit on the engine through the workflow, accept the result.

    Prints one line, ``self-test edit: ok ...`` or ``self-test edit: FAILED ...``; returns 0 when the square
    changed, nothing beyond it (and its feather) did, and the result was filed in the library.
    """
    import asyncio
    import os
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    import qasync
    from keyring.backends.null import Keyring
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from dalle_studio.api.keys import KeyStore
    from dalle_studio.api.settings import SETTINGS as API_SETTINGS
    from dalle_studio.core.settings import Settings
    from dalle_studio.document.document import Document
    from dalle_studio.document.image_io import load_image_file
    from dalle_studio.document.pixels import read
    from dalle_studio.document.qimage import pil_to_qimage
    from dalle_studio.engine.supervisor import EngineSupervisor
    from dalle_studio.jobs.job import JobKind, JobState
    from dalle_studio.jobs.providers import ProviderHub
    from dalle_studio.jobs.spending import SETTINGS as SPENDING_SETTINGS
    from dalle_studio.jobs.workflow import SETTINGS as WORKFLOW_SETTINGS
    from dalle_studio.jobs.workflow import Workflow
    from dalle_studio.library import Library

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    home = Path(tempfile.mkdtemp(prefix="dalle-studio-self-test-"))
    settings = Settings.load(home / "settings.json", API_SETTINGS, WORKFLOW_SETTINGS, SPENDING_SETTINGS)
    hub = ProviderHub(settings, KeyStore(file=home / "keys.json", backend=Keyring(), env={}), EngineSupervisor())
    library = Library(home / "library")
    document = Document()
    flow = Workflow(document, library, hub, settings)

    def failed(why: str) -> int:
        print(f"self-test edit: FAILED {why}", flush=True)
        return 1

    try:
        document.replace(pil_to_qimage(load_image_file(Path(picture)).rgba))
        width, height = document.size.width(), document.size.height()
        square = QRect(width // 3, height // 3, width // 4, height // 4)
        document.fill_mask(square)
        before = read(document.image).copy()
        engine = next(p for p in hub.providers() if hub.is_engine(p))

        async def edit():
            choice = (await hub.models(engine))[0]
            job = flow.start(JobKind.EDIT, engine.name, choice, "", {"n": 1})
            return choice, await flow.queue.wait(job)

        choice, job = loop.run_until_complete(asyncio.wait_for(edit(), 180))
        if job.state is not JobState.DONE:
            return failed(f"the job ended {job.state}: {job.error.message if job.error else ''}")
        if not job.results or job.results[0].library_id is None or library.count() < 1:
            return failed("the result was not filed in the library")
        flow.accept(job, job.results[0])
        changed = np.any(read(document.image) != before, axis=2)
        ys, xs = np.nonzero(changed)
        if not changed.any():
            return failed("the accepted result changed nothing")
        reach = settings.get("jobs.feather_px") + 1
        if (xs.min() < square.left() - reach or xs.max() > square.right() + reach
                or ys.min() < square.top() - reach or ys.max() > square.bottom() + reach):
            return failed("the accepted result changed pixels outside the mask")
        print(f"self-test edit: ok {choice.id} on the engine filled {square.width()}x{square.height()} px of "
              f"{width}x{height}, filed in the library and accepted through the mask", flush=True)
        return 0
    except Exception as exc:  # a self-test reports every failure as its one line
        return failed(f"{type(exc).__name__}: {exc}")
    finally:
        loop.run_until_complete(flow.queue.cancel_all())
        loop.run_until_complete(hub.aclose())  # also stops the engine process
        library.close()
        loop.close()


if __name__ == "__main__":
    sys.exit(main())
