"""After a crash, the picture, mask, frame and prompt that were on the canvas come back, in the next instance,
once; a running instance's copy is its own."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from queue import Empty, Queue

import numpy as np
import pytest
from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from dalle_studio.app import offer_recovery
from dalle_studio.core.resources import samples_dir
from dalle_studio.document.pixels import read
from dalle_studio.jobs.job import JobState
from tests.foundation import crash_driver

REPO = Path(__file__).resolve().parents[2]


async def _until(condition, timeout=30.0):
    deadline = asyncio.get_event_loop().time() + timeout
    while not condition():
        assert asyncio.get_event_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def _saved(studio, loop):
    """Wait until the autosave has written every change."""
    saver = studio.autosaver
    loop.run_until_complete(_until(lambda: not (saver._dirty or saver._busy() or saver._timer.isActive())))


def test_autosaved_work_survives_an_abrupt_stop_and_is_restored(make_studio, loop):
    first = make_studio()
    assert loop.run_until_complete(first.window.files.open_path(samples_dir() / "chelsea.png"))
    first.document.fill_mask(QRect(40, 30, 50, 20))
    first.document.set_frame(QRect(10, 10, 300, 200))
    first.window.prompt_panel.set_text("a ginger cat with a bow tie")
    _saved(first, loop)
    picture, mask = read(first.document.image).copy(), read(first.document.mask).copy()
    first.autosaver.stop()  # the instance ends without closing cleanly: its copy stays, unlocked
    second = make_studio()
    found = second.autosaver.pending()
    assert found is not None and found.path == samples_dir() / "chelsea.png"
    offer_recovery(second).button(QMessageBox.StandardButton.Yes).click()
    assert np.array_equal(read(second.document.image), picture)
    assert np.array_equal(read(second.document.mask), mask)
    assert second.document.frame == QRect(10, 10, 300, 200)
    assert second.window.request.prompt == "a ginger cat with a bow tie"
    assert second.window.prompt_panel.prompt.toPlainText() == "a ginger cat with a bow tie"  # shown where it is typed
    loop.run_until_complete(_until(lambda: not found.folder.exists()))  # now in the second's own copy only
    assert second.autosaver.slot.folder.exists()
    second.autosaver.stop_and_clear()  # a clean exit
    assert make_studio().autosaver.pending() is None


def test_a_running_instances_copy_is_neither_offered_nor_deleted(make_studio, loop):
    first = make_studio()
    first.window.files.new_canvas(64, 48, None)
    first.document.fill_mask(QRect(0, 0, 8, 8))
    _saved(first, loop)
    second = make_studio()
    assert second.autosaver.pending() is None, "a live instance's work was offered"
    second.autosaver.stop_and_clear()
    assert first.autosaver.slot.folder.exists(), "another instance deleted the first one's copy"


def test_continuous_painting_is_saved_while_it_goes_on(make_studio, loop):
    """Each change does not push the save back: with a dab every few milliseconds, copies are still written."""
    studio = make_studio()
    studio.window.files.new_canvas(256, 256, None)
    _saved(studio, loop)
    written = []
    original = studio.autosaver.slot.save
    studio.autosaver.slot.save = lambda request: (original(request), written.append(request.mask_version))
    dabs = QTimer(interval=2)
    count = [0]

    def dab() -> None:
        count[0] += 1
        studio.document.fill_mask(QRect(count[0] % 250, 0, 4, 4))

    dabs.timeout.connect(dab)
    dabs.start()
    try:
        loop.run_until_complete(_until(lambda: len(written) >= 3))
    finally:
        dabs.stop()
    assert count[0] > len(written)  # coalesced: many dabs to a save


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_kill_9_then_restart_offers_the_work_once(make_studio, loop, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-m", "tests.foundation.crash_driver", str(tmp_path)], cwd=REPO,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: Queue[str] = Queue()
        threading.Thread(target=lambda: lines.put(child.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=120)  # a driver that broke says so on stderr instead of hanging the suite
        except Empty:
            line = ""
        if line.strip() != "saved":
            os.kill(child.pid, signal.SIGKILL)
            pytest.fail(f"the studio process did not get its work saved: {child.stderr.read()[-3000:]}")
        # while it runs, its copy is its own: not offered here, and not deleted by this instance's clean exit
        bystander = make_studio()
        assert bystander.autosaver.pending() is None
        bystander.autosaver.stop_and_clear()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()
    restarted = make_studio()
    restarted.window.show()
    found = restarted.autosaver.pending()
    assert found is not None and found.path == samples_dir() / "chelsea.png"
    assert found.prompt == f"edit {crash_driver.EDITS - 1}" and found.frame == crash_driver.FRAME
    mask = read(found.mask)
    for i in range(crash_driver.EDITS):
        r = crash_driver.edit_rect(i)
        assert (mask[r.top():r.bottom() + 1, r.left():r.right() + 1] == 0).all(), f"edit {i} was lost"
    assert (mask == 0).sum() == crash_driver.EDITS * 144
    offer_recovery(restarted).button(QMessageBox.StandardButton.Yes).click()
    doc, queue, strip = restarted.document, restarted.workflow.queue, restarted.workflow_ui.strip
    loop.run_until_complete(_until(lambda: not found.folder.exists()))
    assert np.array_equal(read(doc.mask), mask) and restarted.window.request.prompt == f"edit {crash_driver.EDITS - 1}"
    # the result that had arrived is back in the Results strip, ready to accept into the recovered picture
    assert strip.job is not None and strip.job.input.prompt == crash_driver.PROMPT_DONE
    assert strip.list.count() == 1 and strip.accept_button.isEnabled()
    before = read(doc.image).copy()
    strip.accept_button.click()
    assert not np.array_equal(read(doc.image), before), "accepting the recovered result changed nothing"
    # the job sent without an answer is listed as interrupted, with Retry, and nothing was sent again
    interrupted = [j for j in queue.jobs if j.input.prompt == crash_driver.PROMPT_WAITING]
    assert len(interrupted) == 1 and interrupted[0].state is JobState.FAILED
    assert "Interrupted" in interrupted[0].status and interrupted[0].error.retryable
    assert queue.active == []
    card = restarted.window.findChild(QWidget, f"job{interrupted[0].id}")
    assert card is not None and card.retry_button.isVisibleTo(card)
    assert make_studio().autosaver.pending() is None, "the crashed work was offered twice"
