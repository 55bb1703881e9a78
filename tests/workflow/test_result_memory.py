"""A long session does not grow without bound: beyond ``jobs.results_memory_mb`` the full-size results of the jobs
used longest ago are let go, and come back from the gallery, the same pixels, when the artist shows them again."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRect, Qt

from dalle_studio.api import providers as p
from dalle_studio.api.catalog import ModelChoice
from dalle_studio.api.keys import SESSION
from dalle_studio.api.models import spec_for
from dalle_studio.document.pixels import read
from dalle_studio.jobs.job import JobKind, JobState
from tests.canvas.helpers import picture
from tests.workflow.conftest import until
from tests.workflow.faulty_server import FaultyServer
from tests.workflow.screen import mismatch
from tests.workflow.test_screen_truth import run_edit
from tests.workflow.test_workflow_engine import open_sample
from tests.workflow.test_workflow_faults import KEY

MB = 2**20


@pytest.fixture(scope="module")
def server():
    with FaultyServer() as running:
        yield running


def images_of(job) -> list[list[np.ndarray]]:
    return [[read(image).copy() for image in (r.raw, r.composited, r.drift)] for r in job.results]


def test_older_results_are_let_go_and_come_back_from_the_gallery_when_shown(studio, qtbot, loop, tmp_path):
    window, doc, ui = studio.window, studio.document, studio.workflow_ui
    strip, memory = ui.strip, studio.workflow.memory
    path = tmp_path / "picture.png"
    assert picture(480, 320).save(str(path))
    assert loop.run_until_complete(window.files.open_path(path))
    doc.fill_mask(QRect(200, 120, 100, 80))
    window.canvas.actual_size()
    window.canvas.centerOn(QPointF(240, 160))  # all of it in view, at 100 %

    first = run_edit(studio, qtbot, loop)
    one_job = memory.held()  # raw, composited and drift overlay of each result
    assert one_job >= len(first.results) * 3 * 480 * 320 * 4
    studio.workflow.settings.set("jobs.results_memory_mb", (2 * one_job + MB) // MB)  # two jobs' worth
    kept = images_of(first)
    second = run_edit(studio, qtbot, loop)
    assert all(r.loaded for r in first.results + second.results), "let go while within the budget"
    third = run_edit(studio, qtbot, loop)
    assert not any(r.loaded for r in first.results), "the oldest job's results are still all held"
    assert all(r.loaded for r in second.results + third.results)
    assert memory.held() <= studio.workflow.settings.get("jobs.results_memory_mb") * MB
    assert all(not r.thumbnail.isNull() for r in first.results), "the thumbnails must stay"

    # Show results on the first job's card: thumbnails at once, nothing to accept until the images are back
    card = ui.jobs_panel.cards[first.id]
    assert not card.preview.pixmap().isNull()
    qtbot.mouseClick(card.results_button, Qt.MouseButton.LeftButton)
    assert strip.job is first and strip.list.count() == len(first.results)
    assert not strip.accept_button.isEnabled() and "gallery" in strip.accept_button.toolTip()
    assert not strip.new_button.isEnabled()
    loop.run_until_complete(until(lambda: all(r.loaded for r in first.results)))
    loop.run_until_complete(until(strip.accept_button.isEnabled))
    for got, was in zip(images_of(first), kept, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(got, was, strict=True)), "not the same pixels back"
    # the first job is now the one in use: the second, used longest ago, is let go instead
    assert not any(r.loaded for r in second.results) and all(r.loaded for r in third.results)

    # what comes back is what is previewed and accepted (unfeathered, an accept is the composited result)
    studio.workflow.settings.set("jobs.feather_px", 0)
    item = strip.list.item(0)
    qtbot.mouseMove(strip.list.viewport(), strip.list.visualItemRect(item).center())
    assert ui.preview.visible and mismatch(window.canvas, doc, window.canvas.tools) > 0
    qtbot.mouseClick(strip.accept_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(read(doc.image), kept[0][1]), "the accepted picture is not the first job's result"


def test_results_deleted_from_the_gallery_meanwhile_are_said_to_be_gone(studio, qtbot, loop, tmp_path):
    window, doc, ui = studio.window, studio.document, studio.workflow_ui
    path = tmp_path / "small.png"
    assert picture(320, 240).save(str(path))
    assert loop.run_until_complete(window.files.open_path(path))
    doc.fill_mask(QRect(100, 80, 60, 40))
    studio.workflow.settings.set("jobs.results_memory_mb", 0)  # only the job in use keeps its images
    first = run_edit(studio, qtbot, loop)
    run_edit(studio, qtbot, loop)
    assert not any(r.loaded for r in first.results)
    library = studio.workflow.library
    library.trash([r.library_id for r in first.results])
    library.empty_trash()
    ui.jobs_panel.show_results.emit(first)
    loop.run_until_complete(until(lambda: "deleted from the gallery" in window.statusBar().currentMessage()))
    assert first.results == [] and ui.strip.list.count() == 0
    assert not ui.strip.accept_button.isEnabled()


def test_generations_made_while_a_picture_is_open_are_let_go_and_come_back(workflow, server, loop):
    """A generation snapshots the open picture too, but its results are the server's files as they are."""
    workflow.settings.set("api.providers", [p.compatible("Good", server.base_url).to_dict()])
    workflow.hub.keys.save("Good", KEY, SESSION)
    workflow.hub.keys_changed()
    open_sample(workflow.document)
    workflow.settings.set("jobs.results_memory_mb", 0)
    server.mode = "ok"
    choice = ModelChoice("gpt-image-1", spec_for("gpt-image-1"), True, None, False)
    jobs = []
    for _ in range(2):
        jobs.append(workflow.start(JobKind.GENERATION, "Good", choice, "a blue square", {"n": 2}))
        loop.run_until_complete(until(lambda: jobs[-1].state.finished))
        assert jobs[-1].state is JobState.DONE, jobs[-1].error
    first, second = jobs
    was = read(second.results[0].raw).copy()
    assert not any(r.loaded for r in first.results) and all(r.loaded for r in second.results)
    assert loop.run_until_complete(workflow.memory.load(first)) == []
    assert all(r.loaded for r in first.results) and not any(r.loaded for r in second.results)
    assert tuple(read(first.results[0].raw)[5, 5][:3]) == (220, 120, 20)  # the server's picture
    loop.run_until_complete(workflow.memory.load(second))
    assert np.array_equal(read(second.results[0].raw), was)
