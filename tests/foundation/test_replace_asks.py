"""Every path that replaces the open picture asks first when it has unsaved changes: Export…, Discard changes or
Cancel; Cancel leaves everything as it was."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, QRect, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from dalle_studio.document.pixels import read
from tests.foundation.pictures import encode, halves


class Answerer:
    """Answers the question the window asks (it runs its own event loop), recording what was asked."""

    def __init__(self, button: QMessageBox.StandardButton) -> None:
        self.button = button
        self.asked: list[str] = []
        self._timer = QTimer(interval=5)
        self._timer.timeout.connect(self._answer)
        self._timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "confirmReplace":
            self.asked.append(box.text())
            box.button(self.button).click()

    def stop(self) -> None:
        self._timer.stop()


async def _until(condition, timeout=10.0):
    deadline = asyncio.get_event_loop().time() + timeout
    while not condition():
        assert asyncio.get_event_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def _drop(studio, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPointF(50, 50).toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(studio.window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(studio.window, QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                                                     Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def _paste(studio, path):
    QGuiApplication.clipboard().setImage(QImage(str(path)))
    studio.window.paste_action.trigger()


def _sample(studio, path):
    next(a for a in studio.window.open_sample_action.menu().actions() if a.text() == "Coffee").trigger()


def _recent(studio, path):
    studio.settings.set("files.recent", [str(path)])
    studio.window._fill_recent()
    studio.window.recent_menu.actions()[0].trigger()


def _gallery(studio, path):
    studio.gallery.open_file.emit(path)


def _new_canvas(studio, path):
    studio.window.files.new_canvas(64, 48, QColor("#336699"))


PATHS = {"drop": _drop, "paste": _paste, "sample": _sample, "recent": _recent, "gallery": _gallery,
         "new canvas": _new_canvas}


@pytest.fixture
def edited(studio, loop, tmp_path):
    """A picture opened, then a mask painted on it (unsaved), and another picture file to open."""
    first = tmp_path / "first.png"
    first.write_bytes(encode(halves((80, 60)), "PNG"))
    assert loop.run_until_complete(studio.window.files.open_path(first))
    studio.document.fill_mask(QRect(10, 10, 20, 20))
    other = tmp_path / "other.png"
    other.write_bytes(encode(halves((50, 30), left=(0, 160, 0)), "PNG"))
    return studio, other


def _state(studio):
    doc = studio.document
    return read(doc.image).copy(), read(doc.mask).copy(), doc.path


pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")


@pytest.mark.parametrize("way", list(PATHS))
def test_cancel_leaves_the_edited_picture(edited, loop, way):
    studio, other = edited
    before = _state(studio)
    answer = Answerer(QMessageBox.StandardButton.Cancel)
    try:
        PATHS[way](studio, other)
        loop.run_until_complete(_until(lambda: answer.asked))
        loop.run_until_complete(asyncio.sleep(0.05))  # whatever the path would have done next, it had its chance
    finally:
        answer.stop()
    assert len(answer.asked) == 1 and "not exported" in answer.asked[0]
    after = _state(studio)
    assert np.array_equal(after[0], before[0]) and np.array_equal(after[1], before[1]) and after[2] == before[2]
    assert not studio.document.undo_stack.isClean()


@pytest.mark.parametrize("way", list(PATHS))
def test_discard_replaces_the_picture(edited, loop, way):
    studio, other = edited
    before = _state(studio)
    answer = Answerer(QMessageBox.StandardButton.Discard)
    try:
        PATHS[way](studio, other)
        loop.run_until_complete(_until(lambda: studio.document.path != before[2]
                                       or studio.document.size.width() != 80))
    finally:
        answer.stop()
    assert len(answer.asked) == 1


def test_export_first_writes_the_changes_then_opens(edited, loop, tmp_path, monkeypatch):
    studio, other = edited
    studio.document.fill_mask(QRect(0, 0, 80, 60))
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "kept.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))  # the native dialog
    answer = Answerer(QMessageBox.StandardButton.Save)
    try:
        _drop(studio, other)
        loop.run_until_complete(_until(lambda: studio.document.path == other))
    finally:
        answer.stop()
    assert target.exists() and QImage(str(target)).size().width() == 80


def test_a_clean_picture_is_replaced_without_a_question(studio, loop, tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    first.write_bytes(encode(halves(), "PNG"))
    second.write_bytes(encode(halves((30, 30)), "PNG"))
    assert loop.run_until_complete(studio.window.files.open_path(first))
    answer = Answerer(QMessageBox.StandardButton.Cancel)
    try:
        _drop(studio, second)  # nothing changed since the first was opened: nothing to ask
        loop.run_until_complete(_until(lambda: studio.document.path == second))
    finally:
        answer.stop()
    assert answer.asked == []
