"""A real studio process for the crash tests: opens a sample, makes a few edits, prints ``saved`` once its autosave
has written them, then keeps running until it is killed. Run as ``python -m tests.foundation.crash_driver ROOT``."""

from __future__ import annotations

import asyncio
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from dalle_studio.app import build_window
from dalle_studio.core.paths import AppPaths
from dalle_studio.core.resources import samples_dir

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
    saver = studio.autosaver
    while saver._dirty or saver._busy() or saver._timer.isActive():
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
