"""The workflow against the real embedded engine: results are filed, staged, and accepted through the mask."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect

from dalle_studio.core.resources import samples_dir
from dalle_studio.document.image_io import load_image_file
from dalle_studio.document.pixels import read
from dalle_studio.document.qimage import pil_to_qimage
from dalle_studio.jobs.explain import JobRefused
from dalle_studio.jobs.job import JobKind, JobState


def open_sample(document, name="coffee.png"):
    loaded = load_image_file(samples_dir() / name)
    document.replace(pil_to_qimage(loaded.rgba))


def engine_choice(workflow, loop):
    hub = workflow.hub
    return loop.run_until_complete(hub.models(hub.default_provider()))[0]


def test_edit_on_the_engine_changes_only_the_masked_area_and_is_filed(workflow, loop):
    doc = workflow.document
    open_sample(doc)
    doc.fill_mask(QRect(250, 150, 60, 50))
    before = read(doc.image).copy()
    choice = engine_choice(workflow, loop)
    job = workflow.start(JobKind.EDIT, workflow.hub.default_provider().name, choice, "", {"n": 2})
    loop.run_until_complete(workflow.queue.wait(job))
    assert job.state is JobState.DONE, job.error
    assert len(job.results) == 2 and all(r.library_id is not None for r in job.results)
    assert workflow.library.count() == 2
    workflow.accept(job, job.results[0])
    after = read(doc.image)
    changed = np.any(after != before, axis=2)
    ys, xs = np.nonzero(changed)
    assert changed.any(), "nothing was filled"
    feather = workflow.settings.get("jobs.feather_px")
    assert xs.min() >= 250 - feather - 1 and xs.max() <= 310 + feather and ys.min() >= 150 - feather - 1
    assert ys.max() <= 200 + feather
    doc.undo_stack.undo()
    assert np.array_equal(read(doc.image), before)


def test_edit_with_an_empty_mask_is_refused_before_sending(workflow, loop):
    open_sample(workflow.document)
    with pytest.raises(JobRefused, match="Paint the area"):
        workflow.start(JobKind.EDIT, workflow.hub.default_provider().name, engine_choice(workflow, loop), "", {})


def test_variations_on_the_engine_use_the_variations_endpoint(workflow, loop):
    open_sample(workflow.document, "chelsea.png")
    job = workflow.start(JobKind.VARIATION, workflow.hub.default_provider().name, engine_choice(workflow, loop),
                         "", {"n": 2})
    assert "variations" in job.input.note
    loop.run_until_complete(workflow.queue.wait(job))
    assert job.state is JobState.DONE, job.error
    first, second = (read(r.raw) for r in job.results)
    assert first.shape == second.shape and not np.array_equal(first, second)


def test_generation_on_the_engine_is_refused_with_what_to_do(workflow, loop):
    with pytest.raises(JobRefused, match="cannot draw from a prompt"):
        workflow.start(JobKind.GENERATION, workflow.hub.default_provider().name, engine_choice(workflow, loop),
                       "a cat", {})


def test_an_engine_edit_records_its_seed_and_the_recorded_seed_repeats_it(workflow, loop):
    doc = workflow.document
    open_sample(doc)
    doc.fill_mask(QRect(250, 150, 90, 70))
    choice = engine_choice(workflow, loop)
    provider = workflow.hub.default_provider().name

    def run(params):
        job = workflow.start(JobKind.EDIT, provider, choice, "", params)
        loop.run_until_complete(workflow.queue.wait(job))
        assert job.state is JobState.DONE, job.error
        return job

    first = run({"n": 1})
    seed = workflow.library.get(first.results[0].library_id).params["seed"]
    again = run({"n": 1, "seed": seed})
    other = run({"n": 1})
    assert np.array_equal(read(again.results[0].raw), read(first.results[0].raw))
    assert not np.array_equal(read(other.results[0].raw), read(first.results[0].raw))
