"""After a crash, the picture, mask, frame and prompt that were on the canvas come back."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect

from dalle_studio.core.resources import samples_dir
from dalle_studio.document.pixels import read


def test_autosaved_work_survives_a_crash_and_is_restored(make_studio, loop):
    first = make_studio()
    assert loop.run_until_complete(first.window.files.open_path(samples_dir() / "chelsea.png"))
    first.document.fill_mask(QRect(40, 30, 50, 20))
    first.document.set_frame(QRect(10, 10, 300, 200))
    first.window.prompt_panel.set_text("a ginger cat with a bow tie")
    task = first.autosaver.save_now()
    assert task is not None
    loop.run_until_complete(task)
    picture, mask = read(first.document.image).copy(), read(first.document.mask).copy()
    # The process dies here: no clean exit, so the copy stays. The next start finds it.
    second = make_studio()
    found = second.autosaver.pending()
    assert found is not None and found.path == samples_dir() / "chelsea.png"
    second.autosaver.restore(found)
    assert np.array_equal(read(second.document.image), picture)
    assert np.array_equal(read(second.document.mask), mask)
    assert second.document.frame == QRect(10, 10, 300, 200)
    assert second.window.request.prompt == "a ginger cat with a bow tie"
    assert second.window.prompt_panel.prompt.toPlainText() == "a ginger cat with a bow tie"  # shown where it is typed
    second.autosaver.stop_and_clear()  # a clean exit
    assert make_studio().autosaver.pending() is None


def test_changes_are_saved_a_moment_later_without_being_asked(make_studio, loop):
    studio = make_studio()
    studio.autosaver._timer.setInterval(10)
    studio.window.files.new_canvas(64, 48, None)
    studio.document.fill_mask(QRect(0, 0, 8, 8))

    async def wait_for_copy():
        import asyncio

        for _ in range(300):
            if studio.autosaver.pending() is not None:
                return True
            await asyncio.sleep(0.01)
        return False

    assert loop.run_until_complete(wait_for_copy())
    saved_mask = studio.autosaver.pending().mask
    assert saved_mask.pixelColor(2, 2).alpha() == 0 and saved_mask.pixelColor(40, 40).alpha() == 255
