"""The canvas shows the document: after every step of the artist's journey, the pixels on screen are the
document's picture and mask, or a labelled preview while a result is hovered or selected."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from dalle_studio.document.pixels import read
from dalle_studio.jobs.job import JobState
from tests.canvas.helpers import picture
from tests.workflow.conftest import drag, until
from tests.workflow.screen import mismatch


def assert_shows_document(studio, step: str) -> None:
    canvas = studio.window.canvas
    assert not studio.workflow_ui.preview.visible, f"{step}: a result is still previewed over the canvas"
    share = mismatch(canvas, studio.document, canvas.tools)
    assert share == 0.0, f"{step}: {share:.1%} of the canvas differs from the document"


def run_edit(studio, qtbot, loop):
    prompt = studio.window.prompt_panel.prompt
    qtbot.keyClick(prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    job = studio.workflow.queue.jobs[-1]
    loop.run_until_complete(until(lambda: job.state.finished))
    assert job.state is JobState.DONE, job.error
    strip = studio.workflow_ui.strip
    loop.run_until_complete(until(lambda: strip.job is job and strip.list.count() == len(job.results)))
    return job


def point_away(qtbot, studio) -> None:
    """The pointer onto the prompt panel (off the canvas and off the Results strip)."""
    qtbot.mouseMove(studio.window.prompt_panel.prompt, QPoint(5, 5))


def test_the_canvas_shows_the_document_through_the_whole_journey(studio, qtbot, loop, tmp_path):
    window, doc, ui = studio.window, studio.document, studio.workflow_ui
    canvas, strip = window.canvas, ui.strip
    path = tmp_path / "gradient.png"
    assert picture(240, 180).save(str(path))
    assert loop.run_until_complete(window.files.open_path(path))
    canvas.actual_size()
    canvas.centerOn(QPointF(150, 90))
    assert_shows_document(studio, "open")

    drag(qtbot, canvas, [(60, 80), (120, 100), (180, 120)])
    point_away(qtbot, studio)
    assert (read(doc.mask) < 255).any(), "the drag painted no mask"
    assert_shows_document(studio, "paint")

    qtbot.keyClicks(window.prompt_panel.prompt, "a river")
    job = run_edit(studio, qtbot, loop)
    before = read(doc.image).copy()

    # hover: a labelled preview of the result, not the document
    item = strip.list.item(0)
    qtbot.mouseMove(strip.list.viewport(), strip.list.visualItemRect(item).center())
    assert ui.preview.visible and ui.preview.label.isVisible()
    assert mismatch(canvas, doc, canvas.tools) > 0, "the hovered result is not shown"

    qtbot.mouseClick(strip.accept_button, Qt.MouseButton.LeftButton)
    accepted = read(doc.image).copy()
    assert not np.array_equal(accepted, before), "Accept changed nothing"
    assert_shows_document(studio, "accept")

    # leave the strip for the canvas: the accepted result must not come back on top of the picture
    qtbot.mouseMove(canvas.viewport(), canvas.viewport().rect().center())
    point_away(qtbot, studio)  # (the brush outline follows the pointer over the canvas)
    assert_shows_document(studio, "leave")

    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(read(doc.image), before), "Ctrl+Z did not undo the accept"
    assert_shows_document(studio, "undo")

    qtbot.keyPress(canvas, Qt.Key.Key_O)
    assert_shows_document(studio, "hold O")
    qtbot.keyRelease(canvas, Qt.Key.Key_O)

    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert np.array_equal(read(doc.image), accepted), "Ctrl+Shift+Z did not redo the accept"
    assert_shows_document(studio, "redo")

    history = studio.canvas.history
    first = history.visualRect(history.model().index(0, 0)).center()
    qtbot.mouseClick(history.viewport(), Qt.MouseButton.LeftButton, pos=first)
    assert doc.undo_stack.index() == 0 and doc.mask_is_empty()
    assert_shows_document(studio, "history jump")
    last = history.model().rowCount() - 1
    qtbot.mouseClick(history.viewport(), Qt.MouseButton.LeftButton,
                     pos=history.visualRect(history.model().index(last, 0)).center())
    assert np.array_equal(read(doc.image), accepted)
    assert_shows_document(studio, "history jump back")

    # outpaint: the frame tool drags the frame 40 px beyond the right edge, an edit fills the new border
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    drag(qtbot, canvas, [(120, 90), (140, 90), (160, 90)])
    assert doc.frame.left() == 40
    point_away(qtbot, studio)
    job = run_edit(studio, qtbot, loop)
    assert job.input.note == "outpainting"
    qtbot.mouseClick(strip.accept_button, Qt.MouseButton.LeftButton)
    assert doc.size.width() == 280
    assert "280 × 180" in window._size_label.text(), "the status bar kept the old size"
    qtbot.mouseMove(canvas.viewport(), canvas.viewport().rect().center())
    point_away(qtbot, studio)
    assert_shows_document(studio, "outpaint accepted")


def test_results_of_another_picture_cannot_be_accepted_into_this_one(studio, qtbot, loop, tmp_path):
    window, doc, strip = studio.window, studio.document, studio.workflow_ui.strip
    path = tmp_path / "gradient.png"
    assert picture(160, 120).save(str(path))
    assert loop.run_until_complete(window.files.open_path(path))
    doc.fill_mask(doc.rect.adjusted(40, 40, -40, -40))
    job = run_edit(studio, qtbot, loop)
    assert strip.accept_button.isEnabled()
    doc.undo_stack.setClean()  # (the question before replacing is tested elsewhere)
    window.files.new_canvas(64, 48, None)
    assert strip.job is job and strip.list.count() == len(job.results)
    assert not strip.accept_button.isEnabled()
    assert "another picture" in strip.accept_button.toolTip()
    assert strip.new_button.isEnabled()
    studio.workflow_ui.jobs_panel.show_results.emit(job)  # shown again from the Jobs panel: still refused
    assert not strip.accept_button.isEnabled()
