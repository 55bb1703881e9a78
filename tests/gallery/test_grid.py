"""The grid as artists browse it: columns that fill the dock, thumbnails resized with Ctrl+wheel and remembered,
captions and badges, thumbnails dragged out and copied as real files, search by file name, details that follow what
the filter leaves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QGuiApplication, QWheelEvent
from PySide6.QtTest import QTest

from dalle_studio.core.settings import Settings
from dalle_studio.library import Library, NewResult
from dalle_studio.library.pngtext import read_text
from dalle_studio.library.recall import read_parameters
from dalle_studio.library.settings import SETTINGS
from dalle_studio.ui.gallery.panel import GalleryPanel
from dalle_studio.ui.gallery.thumbnails import ThumbnailCache
from tests.library.conftest import make_image


def _columns_shown(panel: GalleryPanel) -> int:
    view = panel.view
    return len({view.visualRect(panel.model.index(r)).x() for r in range(panel.model.rowCount())})


def test_columns_follow_the_dock_width_and_fill_it(qtbot, panel: GalleryPanel, library: Library):
    for i in range(10, 19):
        library.add_result(NewResult(image=make_image(i), kind="generation", prompt=f"more {i}"))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 12)
    panel.view.set_cell(96)
    for width, columns in ((260, 2), (380, 3), (620, 5)):
        panel.resize(width, 700)
        qtbot.waitUntil(lambda columns=columns: _columns_shown(panel) == columns)
        last = max(panel.view.visualRect(panel.model.index(r)).right() for r in range(12))
        assert last > panel.view.viewport().width() - panel.view.gridSize().width() / columns - 2  # no wide gap


def _ctrl_wheel(view, steps: int) -> None:
    pos = QPointF(view.viewport().rect().center())
    event = QWheelEvent(pos, view.viewport().mapToGlobal(pos), QPoint(), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QGuiApplication.sendEvent(view.viewport(), event)


def test_ctrl_wheel_resizes_thumbnails_and_the_size_is_remembered(qtbot, library: Library,
                                                                  thumbnails: ThumbnailCache, filled, tmp_path: Path):
    settings = Settings.load(tmp_path / "settings.json", SETTINGS)
    first = GalleryPanel(library, thumbnails, settings=settings, check_files_after_ms=0)
    qtbot.addWidget(first)
    first.resize(600, 600)
    first.show()
    start = first.view.cell
    before = first.view.gridSize()
    _ctrl_wheel(first.view, 2)
    assert first.view.cell == start + 32 and first.size_slider.value() == start + 32
    assert first.view.gridSize().height() > before.height()
    first.size_slider.setValue(80)
    assert first.view.cell == 80
    again = GalleryPanel(library, thumbnails, settings=Settings.load(tmp_path / "settings.json", SETTINGS),
                         check_files_after_ms=0)
    qtbot.addWidget(again)
    assert again.view.cell == 80 and again.size_slider.value() == 80


def test_captions_and_badges_are_drawn(qtbot, panel: GalleryPanel, library: Library, filled):
    library.set_favourite([filled["edit"]], True)
    library.add_tags([filled["cat"]], ["cats"])
    qtbot.waitUntil(lambda: panel.model.record(panel.model.row_of(filled["edit"])).favourite)
    picture = panel.view.viewport().grab().toImage()
    pixels = np.array(picture.constBits(), dtype=np.uint8).reshape(picture.height(), picture.bytesPerLine())
    pixels = pixels[:, : picture.width() * 4].reshape(picture.height(), picture.width(), 4)

    def cell(image_id: int):
        r = panel.view.visualRect(panel.model.index(panel.model.row_of(image_id)))
        return pixels[r.top():r.bottom(), r.left():r.right()]

    def yellow(area) -> int:  # the star: (255, 200, 0) in BGRA
        return int(np.sum((area[..., 2] > 230) & (area[..., 1] > 170) & (area[..., 1] < 230) & (area[..., 0] < 60)))

    assert yellow(cell(filled["edit"])) > 5 and yellow(cell(filled["fox"])) == 0
    # The caption line under each thumbnail holds text (kind mark, model, time).
    r = panel.view.visualRect(panel.model.index(0))
    caption_band = pixels[r.bottom() - panel.view.caption_height():r.bottom() - 2, r.left() + 4:r.right() - 4]
    assert len(np.unique(caption_band.reshape(-1, 4), axis=0)) > 2
    from dalle_studio.ui.gallery.delegate import caption

    cat = library.get(filled["cat"])
    assert caption(cat).startswith("⟲ dall-e-2 · ")


def test_dragging_thumbnails_out_gives_png_files_with_their_metadata(qtbot, panel: GalleryPanel, library, filled,
                                                                    monkeypatch):
    dragged = []
    monkeypatch.setattr(QDrag, "exec", lambda self, *a: dragged.append(self.mimeData()) or Qt.DropAction.CopyAction)
    view = panel.view
    fox = view.visualRect(panel.model.index(panel.model.row_of(filled["fox"]))).center()
    cat = view.visualRect(panel.model.index(panel.model.row_of(filled["cat"]))).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, fox)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, cat)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, cat)
    for step in range(1, 8):
        QTest.mouseMove(view.viewport(), cat + QPoint(step * 6, step * 3))
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       cat + QPoint(42, 21))
    assert len(dragged) == 1
    files = [Path(u.toLocalFile()) for u in dragged[0].urls()]
    assert len(files) == 2 and all(f.suffix == ".png" and f.is_file() for f in files)
    by_prompt = {read_parameters(f.read_bytes()).prompt: f for f in files}
    assert set(by_prompt) == {"a red fox in snow", "a sleepy cat"}
    assert by_prompt["a red fox in snow"].name == "a-red-fox-in-snow.png"
    chunks = read_text(by_prompt["a sleepy cat"].read_bytes())
    assert chunks["parameters"].startswith("a sleepy cat\n") and "dall-e-2" in chunks["parameters"]
    from PIL import Image

    with Image.open(by_prompt["a sleepy cat"]) as out, Image.open(library.get(filled["cat"]).path) as original:
        assert np.array_equal(np.asarray(out), np.asarray(original))
    # Dropped back on the gallery, its own thumbnails import nothing.
    assert len(library.ids()) == 3


def test_ctrl_c_copies_the_picture_and_its_file(qtbot, panel: GalleryPanel, filled):
    panel.select_image(filled["fox"])
    panel.view.setFocus()
    with qtbot.waitSignal(panel.status_message, check_params_cb=lambda t: t == "Image copied."):
        QTest.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasImage() and QGuiApplication.clipboard().image().width() == 24
    (url,) = mime.urls()
    assert read_parameters(Path(url.toLocalFile()).read_bytes()).prompt == "a red fox in snow"


def test_search_by_the_source_file_name_finds_the_picture(qtbot, panel: GalleryPanel, tmp_path: Path):
    picture = tmp_path / "rocket.png"
    picture.write_bytes(make_image(50))
    panel.import_paths([picture])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4)
    qtbot.keyClicks(panel.filters.search, "rock")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.model.record(0).source == "rocket.png"


def test_details_follow_the_selection_the_filter_leaves(qtbot, panel: GalleryPanel, filled):
    panel.select_image(filled["fox"])
    assert panel.details.record.id == filled["fox"]
    qtbot.keyClicks(panel.filters.search, "cat")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.details.record is None
    assert "red fox" not in panel.details.toPlainText()
    panel.filters.search.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    # A selection the filter keeps stays selected and shown.
    panel.select_image(filled["cat"])
    qtbot.keyClicks(panel.filters.search, "sleepy")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.details.record.id == filled["cat"] and panel.selected_records()[0].id == filled["cat"]


def test_rubber_band_from_empty_space_selects_what_it_covers(qtbot, panel: GalleryPanel, filled):
    view = panel.view
    first = view.visualRect(panel.model.index(0))
    last = view.visualRect(panel.model.index(1))
    start = QPoint(view.viewport().width() - 5, view.viewport().height() - 5)  # below and right of every cell
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for t in range(1, 11):
        QTest.mouseMove(view.viewport(), start + (last.center() - start) * t / 10)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, last.center())
    chosen = {r.id for r in panel.selected_records()}
    assert panel.model.id_at(1) in chosen and panel.model.id_at(0) not in chosen
    assert first.right() < last.center().x()
    # Shift+click extends, the keyboard moves.
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first.center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     view.visualRect(panel.model.index(2)).center())
    assert len(panel.selected_records()) == 3
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert [r.id for r in panel.selected_records()] == [panel.model.id_at(1)]


def test_drag_files_older_than_a_day_are_tidied_away(qtbot, panel: GalleryPanel, filled):
    import os
    import time

    from dalle_studio.ui.gallery.transfer import drag_files, sweep

    old, new = drag_files([panel.library.get(filled["fox"]), panel.library.get(filled["cat"])],
                          panel.model.drag_folder)
    two_days_ago = time.time() - 2 * 86400
    os.utime(old.parent, (two_days_ago, two_days_ago))
    sweep(panel.model.drag_folder)
    assert not old.exists() and new.exists()
