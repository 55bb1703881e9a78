"""The real window against a loopback server that refuses what api.openai.com refuses today (tests/api/openai_today):
for every live model, Edit, Variations and Generate with the prompt panel's default controls succeed; a refused
parameter heals once, is said on the job, remembered and can be forgotten; costs appear."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from dalle_studio.api import providers as p
from dalle_studio.api.keys import SESSION
from dalle_studio.core.resources import samples_dir
from dalle_studio.jobs.job import JobState
from tests.api.server import api_error, start_server
from tests.workflow.conftest import (
    drag,  # (the window fixture, studio, comes from conftest)
    until,
)

KEY = "sk-test-abcdefghijklmnop0123456789"
LIVE = ("gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare", "gpt-image-2.6-sunburst")


@pytest.fixture(scope="module")
def openai_server():
    server, state = start_server()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    server.shutdown()
    server.server_close()


@pytest.fixture
def today(studio, openai_server, loop, qtbot):
    """The window with OpenAI (a key) pointed at the server, models listed, a photo open and a painted mask."""
    base_url, state = openai_server
    state.reset()
    state.openai_today = True
    studio.settings.set("api.providers", [p.openai(base_url=base_url).to_dict()])
    studio.settings.set("api.active_provider", "OpenAI")
    studio.settings.set("api.max_retries", 0)
    studio.workflow.hub.keys.save("OpenAI", KEY, SESSION)
    panel = studio.window.prompt_panel

    async def start() -> None:
        await studio.workflow.hub.load_keys()
        await until(lambda: panel.model.isEnabled() and panel.current_model() is not None
                    and panel.current_model().id != "studio-classical-fill")
        assert await studio.window.files.open_path(samples_dir() / "chelsea.png")

    loop.run_until_complete(start())
    studio.window.canvas.actual_size()
    drag(qtbot, studio.window.canvas, [(100, 100), (120, 110), (140, 120)])
    qtbot.keyClicks(panel.prompt, "a red collar")
    return studio, state


def choose(panel, model: str) -> None:
    index = next(i for i in range(panel.model.count()) if panel.model.itemData(i).id == model)
    panel.model.setCurrentIndex(index)


def test_every_live_model_edits_varies_and_generates_with_the_default_controls(today, loop):
    window_studio, state = today
    panel = window_studio.window.prompt_panel
    offered = [panel.model.itemData(i).id for i in range(panel.model.count())]
    assert set(LIVE) <= set(offered) and "gpt-4o" not in offered
    assert not {"gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini", "dall-e-2"} & set(offered)
    assert offered[0].startswith("gpt-image-2.6")  # newest first
    jobs = []
    for model in LIVE:
        choose(panel, model)
        assert panel.parameters.form.isRowVisible(panel.parameters.fidelity) is False
        assert "About $" in panel.cost.text(), panel.cost.text()
        for button in (panel.edit_button, panel.vary_button, panel.generate_button):
            before = len(window_studio.workflow.queue.jobs)
            button.click()
            assert len(window_studio.workflow.queue.jobs) == before + 1, f"{button.text()} on {model} started nothing"
            jobs.append(window_studio.workflow.queue.jobs[-1])
    loop.run_until_complete(until(lambda: all(j.state.finished for j in jobs), timeout=120))
    failed = [(j.input.model, j.kind.value, j.error.message) for j in jobs if j.state is not JobState.DONE]
    assert not failed
    assert all(not j.notes for j in jobs)  # accepted on the first try: nothing healed
    sent = [r for r in state.api_requests() if "/images/" in r.path]
    assert len(sent) >= len(jobs) and all("input_fidelity" not in (r.form() or r.json or {}) for r in sent)
    record = window_studio.library.get(jobs[0].results[0].library_id)
    assert record.cost and record.cost > 0  # the actual cost, from usage


def test_a_refused_parameter_heals_once_is_said_remembered_and_forgotten(today, loop):
    window_studio, state = today
    panel = window_studio.window.prompt_panel
    choose(panel, "gpt-image-2")
    quality = panel.parameters.quality
    quality.setCurrentIndex(quality.findData("high"))
    refusal = api_error(400, "unsupported_value", "The 'quality' parameter is not supported for this deployment.",
                        param="quality")
    state.then(refusal, refusal)  # two results: two streamed requests, both refused
    panel.edit_button.click()
    job = window_studio.workflow.queue.jobs[-1]
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.DONE, job.error
    assert "gpt-image-2 does not take Quality: sent without it" in job.detail()
    sent = [r.form() for r in state.api_requests() if r.path.endswith("/edits")]
    assert len(sent) == 4 and [f.get("quality") for f in sent] == ["high", "high", None, None]
    assert window_studio.workflow.refusals.of("OpenAI", "gpt-image-2") == ("quality",)
    assert not panel.parameters.form.isRowVisible(quality)  # no longer offered
    assert "refused Quality" in panel.model_note.text()
    panel.model_note.linkActivated.emit("forget")
    assert window_studio.workflow.refusals.of("OpenAI", "gpt-image-2") == ()
    assert panel.parameters.form.isRowVisible(quality)


def test_a_second_refusal_after_healing_is_final_with_the_servers_words(today, loop):
    window_studio, state = today
    panel = window_studio.window.prompt_panel
    choose(panel, "gpt-image-2.6-flare")
    complexity = panel.parameters.complexity
    complexity.setCurrentIndex(complexity.findData("high"))
    panel.parameters.count.setValue(1)
    state.then(api_error(400, "unknown_parameter", "Unknown parameter: 'complexity'.", param="complexity"),
               api_error(400, None, "The server is unhappy about the picture.", param="image"))
    text = panel.text()
    panel.generate_button.click()
    job = window_studio.workflow.queue.jobs[-1]
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.FAILED
    assert "unhappy about the picture" in job.error.message and "sent again" in job.error.message
    assert len([r for r in state.api_requests() if "/images/" in r.path]) == 2  # nothing more was sent
    assert panel.text() == text  # the prompt is kept


def test_a_recalled_retired_model_is_recalled_as_its_replacement_saying_so(today):
    window_studio, _state = today
    panel = window_studio.window.prompt_panel
    said = panel.recall("a red kite", "gpt-image-1.5", {"quality": "low"})
    assert panel.current_model().id == "gpt-image-2.6-sunburst" and panel.text() == "a red kite"
    assert "gpt-image-1.5 is retired: recalled with gpt-image-2.6-sunburst" in said
    assert panel.request.parameters()["quality"] == "low" and panel.parameters.quality.currentData() == "low"


def key_to(combo, wanted) -> None:
    """Choose an item of ``combo`` with the arrow keys, as the artist does (no mouse, no popup)."""
    combo.setFocus()
    for key in (Qt.Key.Key_Home, *([Qt.Key.Key_Down] * combo.count())):
        if key is not Qt.Key.Key_Home and wanted(combo.currentData()):
            return
        QTest.keyClick(combo, key)
    assert wanted(combo.currentData()), f"no such item in {combo.objectName()}"


def last_edit(state, loop, count: int, studio) -> dict:
    """The form of the ``count``-th edit the server received, once its job has finished: Qt events driven outside
    the asyncio loop (key clicks) must not step a job that is still reading its answer."""
    loop.run_until_complete(until(lambda: len([r for r in state.api_requests() if r.path.endswith("/edits")])
                                  >= count and not studio.workflow.queue.active))
    return [r.form() for r in state.api_requests() if r.path.endswith("/edits")][count - 1]


def test_the_request_model_decides_what_is_sent_whatever_the_form_shows(today, loop, qtbot):
    """Keys into the prompt and the model combo: the request model holds the prompt and the choices, the form shows
    them, and a choice the chosen model does not take is neither shown nor sent, yet comes back with a model that
    takes it."""
    window_studio, state = today
    panel = window_studio.window.prompt_panel
    request = panel.request
    panel.prompt.setFocus()
    QTest.keyClick(panel.prompt, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(panel.prompt, "a blue scarf")
    assert request.prompt == "a blue scarf"
    key_to(panel.model, lambda choice: choice.id == "gpt-image-2.6-flare")
    assert request.model.id == "gpt-image-2.6-flare" and panel.model.currentText() == request.model.label
    complexity, count = panel.parameters.complexity, panel.parameters.count
    key_to(complexity, lambda value: value == "high")
    count.setFocus()
    QTest.keyClick(count, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(count, "1")
    assert request.parameters()["complexity"] == "high" and request.parameters()["n"] == 1

    key_to(panel.model, lambda choice: choice.id == "gpt-image-2")  # takes no complexity
    assert not panel.parameters.form.isRowVisible(complexity) and "complexity" not in request.parameters()
    QTest.keyClick(panel.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Edit
    sent = last_edit(state, loop, 1, window_studio)
    assert sent["model"] == "gpt-image-2" and sent["prompt"] == "a blue scarf" and "complexity" not in sent

    key_to(panel.model, lambda choice: choice.id == "gpt-image-2.6-flare")  # the choice comes back with it
    assert panel.parameters.form.isRowVisible(complexity) and complexity.currentText() == "High"
    panel.parameters.hide()  # what is sent does not depend on what is on screen
    QTest.keyClick(panel.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    sent = last_edit(state, loop, 2, window_studio)
    assert sent["model"] == "gpt-image-2.6-flare" and sent["complexity"] == "high" and sent["prompt"] == "a blue scarf"


def test_recall_and_the_prompt_history_set_the_request_model_and_the_panel_shows_it(today):
    window_studio, _state = today
    panel = window_studio.window.prompt_panel
    panel.recall("a green hat", "gpt-image-2.5-flare", {"quality": "high", "n": 3})
    request = panel.request
    assert request.prompt == "a green hat" and panel.prompt.toPlainText() == "a green hat"
    assert request.model.id == "gpt-image-2.5-flare" and panel.model.currentData().id == "gpt-image-2.5-flare"
    assert panel.parameters.quality.currentText() == "High" and panel.parameters.count.value() == 3
    assert request.parameters()["quality"] == "high" and request.parameters()["n"] == 3
    request.set_prompt("typed elsewhere")  # one home: the box follows the model
    assert panel.prompt.toPlainText() == "typed elsewhere"


def test_the_providers_dialog_lists_what_was_learned_and_forgets_it(today, qtbot):
    from dalle_studio.ui.dialogs.providers import ProvidersDialog

    window_studio, _state = today
    panel = window_studio.window.prompt_panel
    choose(panel, "gpt-image-2")
    window_studio.workflow.refusals.learn("OpenAI", "gpt-image-2", "quality")  # as a healed refusal leaves it
    window_studio.workflow.refusals.learn("OpenAI", "gpt-image-2.5-flare", "background")
    assert not panel.parameters.form.isRowVisible(panel.parameters.quality)
    dialog = ProvidersDialog(window_studio.workflow.hub, window_studio.window)
    qtbot.addWidget(dialog)
    dialog.show()
    learned = dialog.learned.list
    texts = [learned.item(i).text() for i in range(learned.count())]
    assert texts == ["OpenAI · gpt-image-2: Quality", "OpenAI · gpt-image-2.5-flare: Background"]
    assert not dialog.learned.forget_button.isEnabled()
    first = learned.visualItemRect(learned.item(0)).center()
    qtbot.mouseClick(learned.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(dialog.learned.forget_button, Qt.MouseButton.LeftButton)
    assert window_studio.workflow.refusals.of("OpenAI", "gpt-image-2") == ()
    assert window_studio.workflow.refusals.of("OpenAI", "gpt-image-2.5-flare") == ("background",)
    assert [learned.item(i).text() for i in range(learned.count())] == ["OpenAI · gpt-image-2.5-flare: Background"]
    assert panel.parameters.form.isRowVisible(panel.parameters.quality)  # offered again in the window
    assert "refused" not in panel.model_note.text()
    qtbot.mouseClick(dialog.learned.forget_all_button, Qt.MouseButton.LeftButton)
    assert window_studio.workflow.refusals.all() == [] and learned.item(0).text() == "Nothing refused so far."
