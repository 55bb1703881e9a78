"""Variations are filed under what the artist typed, or, with no prompt, under a title saying what they are."""

from __future__ import annotations

from dalle_studio.core.resources import samples_dir
from dalle_studio.document.image_io import load_image_file
from dalle_studio.document.qimage import pil_to_qimage
from dalle_studio.jobs.job import JobKind, JobState
from dalle_studio.library import Query


def _vary(workflow, loop, prompt: str):
    path = samples_dir() / "rocket.jpg"
    workflow.document.replace(pil_to_qimage(load_image_file(path).rgba), path)
    hub = workflow.hub
    choice = loop.run_until_complete(hub.models(hub.default_provider()))[0]
    job = workflow.start(JobKind.VARIATION, hub.default_provider().name, choice, prompt, {"n": 1})
    loop.run_until_complete(workflow.queue.wait(job))
    assert job.state is JobState.DONE, job.error
    return workflow.library.get(job.results[0].library_id)


def test_a_variation_without_a_prompt_is_titled_after_its_picture(workflow, loop):
    record = _vary(workflow, loop, "")
    assert record.prompt == "" and record.title == "Variation of rocket.jpg"
    assert record.label == "Variation of rocket.jpg" and record.source == "rocket.jpg"
    assert record.params["sent_prompt"]  # what was sent stays known
    assert workflow.library.ids(Query(text="rocket")) == [record.id]


def test_a_variation_with_a_prompt_carries_the_prompt_typed(workflow, loop):
    record = _vary(workflow, loop, "a rocket at night")
    assert record.prompt == "a rocket at night" and record.title == ""
    assert "sent_prompt" not in record.params
