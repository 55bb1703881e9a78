"""Exports behave like every desktop app's: where the dialog starts, the file's name and mode, what is said after,
and the "not saved anywhere" warning cleared for the state exported."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from dalle_studio.library import NewResult
from dalle_studio.library.pngtext import read_text
from tests.library.conftest import make_image


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield 0o640
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def _until(condition, loop_timeout: float = 10.0) -> None:
    import asyncio

    for _ in range(int(loop_timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")


def test_exporting_a_bundled_sample_proposes_pictures_not_the_install_folder_and_clears_the_warning(
        studio, qtbot, loop, tmp_path, monkeypatch, umask_027):
    window = studio.window
    sample = window.samples_dir / "rocket.jpg"
    assert loop.run_until_complete(window.files.open_path(sample))
    window.request.set_prompt("a rocket over the sea")
    window.document.fill_mask(QRect(0, 0, 20, 20))
    assert not window.document.undo_stack.isClean()
    proposed: list[str] = []
    target = tmp_path / "out" / "chosen.png"
    target.parent.mkdir()

    def save_dialog(_parent, _title, start, _filter):
        proposed.append(start)
        return str(target), "PNG image (*.png)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    window.export_action.trigger()
    assert Path(proposed[0]).parent != window.samples_dir
    assert Path(proposed[0]).name == "a-rocket-over-the-sea.png"
    loop.run_until_complete(_until(lambda: target.exists() and window.document.undo_stack.isClean()))
    assert _mode(target) == umask_027
    assert str(target) in window.statusBar().currentMessage()
    button = window.statusBar().findChild(QPushButton, "openExportFolder")
    assert button is not None and button.isVisible() and button.text() == "Open folder"
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a))
    assert window.confirm_discard("quit") and asked == []
    # The next export starts where this one went.
    window.document.fill_mask(QRect(30, 30, 5, 5))
    window.export_action.trigger()
    assert Path(proposed[1]).parent == target.parent


def test_gallery_export_writes_chunks_with_the_umask_mode_and_says_where(studio, qtbot, tmp_path, umask_027):
    gallery = studio.gallery
    record = studio.library.add_result(NewResult(image=make_image(1), kind="generation", prompt="a red fox",
                                                 model="gpt-image-2", quality="high"))
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 1)
    gallery.select_image(record.id)
    gallery.commands["export"].trigger()
    dialog = gallery.findChild(QFileDialog, "galleryExportDialog")
    assert Path(dialog.selectedFiles()[0]).name == "a-red-fox.png"
    target = tmp_path / "fox.png"
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.waitUntil(lambda: target.exists() and str(target) in studio.window.statusBar().currentMessage())
    assert _mode(target) == umask_027
    assert read_text(target.read_bytes())["parameters"].startswith("a red fox\n")
    assert studio.window.statusBar().findChild(QPushButton, "openExportFolder").isVisible()
    assert studio.settings.get("export.last_folder") == str(tmp_path)
