"""Each result's pixels are decoded once on its way to the Results strip: the api's check that it decodes hands its
pixels on (a 4K PNG is ~0.3 s of decoding, and eight of them decoded twice kept both cores busy for seconds)."""

from __future__ import annotations

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
from tests.workflow.conftest import until
from tests.workflow.faulty_server import FaultyServer
from tests.workflow.test_workflow_engine import open_sample

KEY = "sk-test-abcdefghijklmnop0123456789"


@pytest.fixture(scope="module")
def server():
    with FaultyServer() as running:
        yield running


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
