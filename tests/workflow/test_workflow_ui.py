"""End to end through the real widgets and the real engine process: paint, prompt, Ctrl+Enter, accept, undo."""

from __future__ import annotations

import asyncio

import numpy as np
from PySide6.QtCore import Qt

from dalle_studio.core.resources import samples_dir
from dalle_studio.document.pixels import read
from dalle_studio.jobs.job import JobState
from tests.workflow.conftest import drag, until


def test_paint_prompt_ctrl_enter_accept_and_undo(studio, qtbot, loop):
    window, doc = studio.window, studio.document
    assert loop.run_until_complete(window.files.open_path(samples_dir() / "coffee.png"))
    window.canvas.actual_size()
    drag(qtbot, window.canvas, [(260, 170), (280, 176), (300, 182)])
    mask = read(doc.mask)
    assert (mask == 0).any(), "the drag painted no mask"
    painted = mask < 255
    before = read(doc.image).copy()
    qtbot.keyClicks(window.prompt_panel.prompt, "a spoon of sugar")
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    queue = studio.workflow.queue
    assert len(queue.jobs) == 1, "Ctrl+Enter did not start an edit"
    job = queue.jobs[0]
    assert job.input.prompt == "a spoon of sugar"
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.DONE, job.error
    strip = studio.workflow_ui.strip
    loop.run_until_complete(until(lambda: strip.list.count() == len(job.results)))
    assert studio.library.count() == len(job.results) >= 1
    strip.accept_button.click()
    after = read(doc.image)
    changed = np.any(after != before, axis=2)
    assert changed.any(), "accepting changed nothing"
    feather = studio.settings.get("jobs.feather_px")
    near = _dilate(painted, feather + 2)
    assert not (changed & ~near).any(), "pixels far from the mask changed"
    doc.undo_stack.undo()
    assert np.array_equal(read(doc.image), before)


def test_variations_and_outpainting(studio, qtbot, loop):
    window, doc = studio.window, studio.document
    loop.run_until_complete(window.files.open_path(samples_dir() / "chelsea.png"))
    window.prompt_panel.vary_button.click()
    job = studio.workflow.queue.jobs[-1]
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.DONE and len(job.results) >= 1
    # Outpainting: a frame reaching 64 px beyond the right edge grows the canvas when accepted.
    width, height = doc.size.width(), doc.size.height()
    from PySide6.QtCore import QRect

    doc.set_frame(QRect(64, 0, width, height))
    window.prompt_panel.edit_button.click()
    job = studio.workflow.queue.jobs[-1]
    assert job.input.note == "outpainting"
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.DONE, job.error
    studio.workflow_ui.strip.accept_button.click()
    assert doc.size.width() == width + 64
    grown = read(doc.image)
    assert (grown[:, width:, 3] == 255).all(), "the new area was not filled"
    doc.undo_stack.undo()
    assert doc.size.width() == width


def _dilate(mask, radius):
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)


def test_no_key_means_engine_with_generate_disabled(studio, loop):
    panel = studio.window.prompt_panel
    loop.run_until_complete(studio.workflow.hub.load_keys())
    assert panel.current_provider() == "Embedded engine"
    assert not panel.generate_button.isEnabled()
    assert "cannot draw from text" in panel.generate_button.toolTip()
    assert "local" in panel.engine_note.text() or "embedded engine" in panel.engine_note.text()
    assert asyncio.iscoroutinefunction(studio.workflow.hub.load_keys)


def test_a_provider_with_a_key_is_chosen_with_its_models_and_generate_enabled(studio, loop):
    from dalle_studio.api import providers as p
    from dalle_studio.api.keys import SESSION
    from tests.workflow.faulty_server import FaultyServer

    with FaultyServer() as server:
        studio.settings.set("api.providers", [p.compatible("Local", server.base_url).to_dict()])
        studio.settings.set("api.active_provider", "Local")
        studio.workflow.hub.keys.save("Local", "sk-test-0123456789abcdef", SESSION)
        panel = studio.window.prompt_panel

        async def start() -> None:  # the keys are looked up, then the models listed, as at the app's start
            await studio.workflow.hub.load_keys()
            assert panel.current_provider() == "Local"
            await until(lambda: panel.model.isEnabled() and panel.current_model() is not None)

        loop.run_until_complete(start())
        assert panel.current_model().id == "gpt-image-1", studio.window.statusBar().currentMessage()
        assert panel.generate_button.isEnabled()
        assert panel.engine_note.isHidden()


def test_recalled_settings_fill_the_prompt_panel_where_the_model_offers_them(studio):
    panel = studio.window.prompt_panel
    panel.recall("a red kite", "studio-classical-fill", {"n": 3, "quality": "high", "size": "1024x1536",
                                                        "style": "not offered"})
    assert panel.text() == "a red kite" and panel.current_model().id == "studio-classical-fill"
    values = panel.request.parameters()
    assert values["n"] == 3 and values["quality"] == "high" and values["size"] == "1024x1536"


def test_run_again_of_an_engine_fill_repeats_it_and_the_next_run_is_new(studio, qtbot, loop):
    window = studio.window
    assert loop.run_until_complete(window.files.open_path(samples_dir() / "coffee.png"))
    window.canvas.actual_size()
    drag(qtbot, window.canvas, [(240, 160), (280, 170), (320, 190)])
    queue = studio.workflow.queue

    def edit_and_wait():
        window.prompt_panel.edit_button.click()
        job = queue.jobs[-1]
        loop.run_until_complete(until(lambda: job.state.finished))
        assert job.state is JobState.DONE, job.error
        return read(job.results[0].raw)

    first = edit_and_wait()
    record = studio.library.get(queue.jobs[-1].results[0].library_id)
    studio.workflow_ui.run_again(record)  # Gallery > Run again: recalls the prompt, model and parameters
    again = edit_and_wait()
    fresh = edit_and_wait()
    assert np.array_equal(again, first), "Run again did not repeat the engine's fill"
    assert not np.array_equal(fresh, first), "the run after it reused the recalled seed"
