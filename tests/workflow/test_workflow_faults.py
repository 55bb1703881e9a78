"""Failures leave the picture, mask, prompt and results intact, say what happened, and offer Retry; Cancel stops."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect

from dalle_studio.api import providers as p
from dalle_studio.api import results
from dalle_studio.api.catalog import ModelChoice
from dalle_studio.api.keys import SESSION
from dalle_studio.api.models import spec_for
from dalle_studio.document.pixels import read
from dalle_studio.jobs import pictures
from dalle_studio.jobs.job import JobKind, JobState
from dalle_studio.ui.jobs.panel import JobsPanel
from tests.workflow.conftest import until
from tests.workflow.faulty_server import FaultyServer
from tests.workflow.test_workflow_engine import open_sample

KEY = "sk-test-abcdefghijklmnop0123456789"


@pytest.fixture(scope="module")
def server():
    with FaultyServer() as running:
        yield running


@pytest.fixture
def broken(workflow, server, loop):
    """The workflow with a provider "Flaky" (with a key) at the faulty server; no retries, to keep tests quick."""
    settings = workflow.settings
    settings.set("api.providers", [p.compatible("Flaky", server.base_url).to_dict()])
    settings.set("api.max_retries", 0)
    workflow.hub.keys.save("Flaky", KEY, SESSION)
    workflow.hub.keys_changed()
    loop.run_until_complete(workflow.hub.load_keys())
    open_sample(workflow.document)
    workflow.document.fill_mask(QRect(100, 100, 80, 60))
    return workflow


def choice():
    return ModelChoice("gpt-image-1", spec_for("gpt-image-1"), True, None, False)


def test_server_failure_is_explained_offers_retry_and_loses_nothing(broken, server, loop, qtbot, caplog):
    doc = broken.document
    image, mask = read(doc.image).copy(), read(doc.mask).copy()
    panel = JobsPanel(broken.queue)
    qtbot.addWidget(panel)
    server.mode = "error"
    job = broken.start(JobKind.EDIT, "Flaky", choice(), "a bowl of soup", {"n": 1})
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.FAILED
    assert "server" in job.error.message.lower() and "Retry" in job.error.hint
    card = panel.cards[job.id]
    assert not card.retry_button.isHidden() and card.cancel_button.isHidden()
    assert np.array_equal(read(doc.image), image) and np.array_equal(read(doc.mask), mask)
    assert KEY not in job.error.message + job.error.hint + caplog.text
    card.retry_button.click()
    again = broken.queue.jobs[-1]
    assert again is not job and again.input is job.input
    loop.run_until_complete(until(lambda: again.state.finished))
    assert again.state is JobState.FAILED


def test_refused_prompt_says_so_and_is_not_offered_again_unchanged(broken, server, loop):
    server.mode = "refuse"
    job = broken.start(JobKind.EDIT, "Flaky", choice(), "something refused", {"n": 1})
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.FAILED
    assert "safety system" in job.error.message and "Rephrase" in job.error.hint
    assert job.error.retryable is False


def test_cancel_closes_the_request_at_once(broken, server, loop):
    server.mode = "hang"
    server.hanging.clear()
    job = broken.start(JobKind.EDIT, "Flaky", choice(), "a slow one", {"n": 1})
    loop.run_until_complete(until(server.hanging.is_set))
    started = loop.time()
    broken.queue.cancel(job)
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.CANCELLED
    assert loop.time() - started < 1.0
    assert job.results == []


def test_missing_key_is_refused_with_what_to_do(workflow, server, loop):
    workflow.settings.set("api.providers", [p.compatible("Keyless", server.base_url).to_dict()])
    workflow.hub.keys_changed()
    open_sample(workflow.document)
    workflow.document.fill_mask(QRect(10, 10, 20, 20))
    job = workflow.start(JobKind.EDIT, "Keyless", choice(), "anything", {"n": 1})
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.FAILED
    assert "No API key" in job.error.message and "Providers and API keys" in job.error.hint


def test_generation_is_filed_and_accepted_as_a_new_picture(workflow, server, loop):
    workflow.settings.set("api.providers", [p.compatible("Good", server.base_url).to_dict()])
    workflow.hub.keys.save("Good", KEY, SESSION)
    workflow.hub.keys_changed()
    server.mode = "ok"
    job = workflow.start(JobKind.GENERATION, "Good", choice(), "a blue square", {"n": 1, "size": "1024x1024"})
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.DONE, job.error
    record = workflow.library.get(job.results[0].library_id)
    assert record.kind == "generation" and record.prompt == "a blue square" and record.model == "gpt-image-1"
    workflow.accept(job, job.results[0])  # nothing is open: it becomes the picture
    assert (workflow.document.size.width(), workflow.document.size.height()) == (64, 48)
    assert tuple(read(workflow.document.image)[5, 5][:3]) == (220, 120, 20)  # BGRA memory order


def test_spending_limit_stops_a_request_before_it_is_sent(workflow, server, loop):
    workflow.settings.set("api.providers", [p.compatible("Good", server.base_url).to_dict()])
    workflow.settings.set("jobs.spending_limit_usd", 0.01)
    sent_before = server.requests
    from dalle_studio.jobs.explain import JobRefused

    with pytest.raises(JobRefused, match=r"past your limit of \$0\.01"):
        workflow.start(JobKind.GENERATION, "Good", choice(), "expensive", {"n": 4, "size": "1536x1024",
                                                                           "quality": "high"})
    assert server.requests == sent_before


def test_jobs_started_together_count_against_the_spending_limit(workflow, server, loop):
    workflow.settings.set("api.providers", [p.compatible("Good", server.base_url).to_dict()])
    workflow.hub.keys.save("Good", KEY, SESSION)
    workflow.hub.keys_changed()
    workflow.settings.set("jobs.spending_limit_usd", 0.5)
    workflow.settings.set("jobs.stream_partials", False)
    server.mode = "hang"
    live = ModelChoice("gpt-image-2", spec_for("gpt-image-2"), True, None, False)
    params = {"n": 1, "size": "1024x1024", "quality": "high"}  # about $0.21 each (§0 token table)
    from dalle_studio.jobs.explain import JobRefused

    first = workflow.start(JobKind.GENERATION, "Good", live, "one", params)
    second = workflow.start(JobKind.GENERATION, "Good", live, "two", params)
    with pytest.raises(JobRefused, match=r"\$0\.42 for jobs still running"):
        workflow.start(JobKind.GENERATION, "Good", live, "three", params)
    sent = server.requests
    loop.run_until_complete(until(lambda: server.requests >= sent + 2))  # both are on the wire
    workflow.queue.cancel(first)
    loop.run_until_complete(workflow.queue.wait(first))
    workflow.start(JobKind.GENERATION, "Good", live, "three", params)  # a cancelled job no longer counts
    assert second.state is not JobState.FAILED


def test_a_result_that_does_not_decode_is_the_providers_fault_and_its_bytes_are_kept(broken, server, loop, qtbot):
    from tests.workflow.faulty_server import GARBAGE_PNG

    panel = JobsPanel(broken.queue)
    qtbot.addWidget(panel)
    server.mode = "garbage"
    job = broken.start(JobKind.EDIT, "Flaky", choice(), "a bowl of soup", {"n": 1})
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.FAILED
    message = job.error.message
    assert "provider" in message and "Unexpected" not in message and "bug" not in job.error.hint
    (kept,) = (broken.library.folder / "undecodable").iterdir()
    assert kept.read_bytes() == GARBAGE_PNG and str(kept) in message  # the paid-for bytes, findable
    assert broken.library.count() == 0  # not filed as a picture in the gallery
    shown = panel.cards[job.id].state.text()
    assert "provider" in shown and "undecodable" in shown  # the card shows the fault and where the bytes are


# Each result's pixels are decoded once on its way to the Results strip: the api's check that it decodes hands its
# pixels on (a 4K PNG is ~0.3 s of decoding, and eight of them decoded twice kept both cores busy for seconds).
@pytest.fixture
def decodes(monkeypatch):
    """How many times a result's file was decoded (the one opener, called for a result)."""
    seen: list[str] = []
    for module in (results, pictures):
        real = module.open_image

        def counting(data, source="The picture", *args, _real=real, **kwargs):
            if source == "The result":
                seen.append(source)
            return _real(data, source, *args, **kwargs)

        monkeypatch.setattr(module, "open_image", counting)
    return seen


@pytest.mark.parametrize("kind", [JobKind.GENERATION, JobKind.EDIT])
def test_each_result_is_decoded_once(workflow, server, loop, decodes, kind):
    workflow.settings.set("api.providers", [p.compatible("Good", server.base_url).to_dict()])
    workflow.hub.keys.save("Good", KEY, SESSION)
    workflow.hub.keys_changed()
    if kind is JobKind.EDIT:
        open_sample(workflow.document)
        workflow.document.fill_mask(QRect(10, 10, 30, 20))
    server.mode = "ok"
    choice = ModelChoice("gpt-image-1", spec_for("gpt-image-1"), True, None, False)
    job = workflow.start(kind, "Good", choice, "a blue square", {"n": 2, "size": "1024x1024"})
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.DONE, job.error
    assert len(job.results) == 2 and len(decodes) == 2
    if kind is JobKind.GENERATION:  # and what was decoded once is the server's picture (BGRA memory order)
        assert tuple(read(job.results[0].raw)[5, 5][:3]) == (220, 120, 20)
