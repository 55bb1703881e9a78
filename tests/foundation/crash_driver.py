"""A real studio process for the crash tests: opens a sample, makes a few edits, runs an edit whose result arrives
and one the server never answers (a real loopback server), prints ``saved`` once its autosave has written all of it,
then keeps running until it is killed. Run as ``python -m tests.foundation.crash_driver ROOT``."""

from __future__ import annotations

import asyncio
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from dalle_studio.api import providers as p
from dalle_studio.api.catalog import ModelChoice
from dalle_studio.api.keys import SESSION
from dalle_studio.api.models import spec_for
from dalle_studio.app import build_window
from dalle_studio.core.paths import AppPaths
from dalle_studio.core.resources import samples_dir
from dalle_studio.jobs.job import JobKind, JobState
from tests.workflow.faulty_server import FaultyServer

PROMPT_DONE, PROMPT_WAITING = "a straw hat", "a blue scarf"

EDITS = 8
FRAME = QRect(5, 5, 200, 150)


def edit_rect(i: int) -> QRect:
    return QRect(10 + 20 * i, 10, 12, 12)


async def work(studio) -> None:
    assert await studio.window.files.open_path(samples_dir() / "chelsea.png")
    doc = studio.document
    for i in range(EDITS):
        doc.fill_mask(edit_rect(i))
        studio.window.prompt_panel.set_text(f"edit {i}")
        await asyncio.sleep(0)
    doc.set_frame(FRAME)
    with FaultyServer() as server:
        studio.settings.set("api.providers", [p.compatible("Local", server.base_url).to_dict()])
        studio.workflow.hub.keys.save("Local", "sk-test-0123456789abcdef", SESSION)
        choice = ModelChoice("gpt-image-1", spec_for("gpt-image-1"), True, None, False)
        server.mode = "ok"
        done = studio.workflow.start(JobKind.EDIT, "Local", choice, PROMPT_DONE, {})
        await studio.workflow.queue.wait(done)
        assert done.state is JobState.DONE and done.results, done.error
        server.mode = "hang"
        studio.workflow.start(JobKind.EDIT, "Local", choice, PROMPT_WAITING, {})
        while not server.hanging.is_set():
            await asyncio.sleep(0.01)
        saver, keeper = studio.autosaver, studio.job_keeper
        studio.window.prompt_panel.set_text(f"edit {EDITS - 1}")
        while (saver._dirty or saver._busy() or saver._timer.isActive() or keeper._writing
               or len(keeper.describe()["jobs"]) < 2):
            await asyncio.sleep(0.01)
        print("saved", flush=True)
        await asyncio.Event().wait()  # until killed


def main(root: str) -> None:
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    studio = build_window(AppPaths.under(root))
    with loop:
        loop.run_until_complete(work(studio))


if __name__ == "__main__":
    main(sys.argv[1])
