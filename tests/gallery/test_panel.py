"""The gallery panel as a user meets it: the grid, search, selection actions, the details pane and lineage."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QListView, QWidget

from dalle_studio.library import Kind, Library, NewResult, Query
from dalle_studio.ui.gallery.panel import GalleryPanel
from tests.library.conftest import make_image


def shown_ids(panel: GalleryPanel) -> list[int]:
    model = panel.model
    return [model.id_at(r) for r in range(model.rowCount())]


def select(panel: GalleryPanel, *ids: int) -> None:
    selection = panel.view.selectionModel()
    selection.clearSelection()
    for n, image_id in enumerate(ids):
        index = panel.model.index(panel.model.row_of(image_id))
        flags = QItemSelectionModel.SelectionFlag.Select
        if n == 0:
            selection.setCurrentIndex(index, flags)
        else:
            selection.select(index, flags)


def test_grid_is_a_list_view_of_every_image_newest_first(panel: GalleryPanel, filled):
    assert isinstance(panel.view, QListView) and panel.view.viewMode() == QListView.ViewMode.IconMode
    assert shown_ids(panel) == [filled["cat"], filled["edit"], filled["fox"]]
    assert panel.count_label.text() == "3 images"
    # one view painting its rows, never a widget per image
    assert panel.view.viewport().findChildren(QWidget) == []
    assert panel.view.indexWidget(panel.model.index(0)) is None


def test_thumbnails_appear_for_rows_in_view(qtbot, panel: GalleryPanel):
    qtbot.waitUntil(lambda: panel.model.thumbnail(0) is not None, timeout=5000)
    assert panel.model.thumbnail(0).width() <= 64
    assert panel.model.index(0).data(Qt.ItemDataRole.DecorationRole) is not None  # what the view paints


def test_typing_in_search_narrows_the_grid(qtbot, panel: GalleryPanel, filled):
    qtbot.keyClicks(panel.filters.search, "fo")
    assert shown_ids(panel) == [filled["edit"], filled["fox"]]
    qtbot.keyClicks(panel.filters.search, "x h")
    assert shown_ids(panel) == [filled["edit"]]
    assert panel.count_label.text() == "1 image"
    panel.filters.search.clear()
    assert len(shown_ids(panel)) == 3


def test_kind_and_model_filters_narrow_the_grid(panel: GalleryPanel, filled):
    panel.filters.kind.setCurrentIndex(panel.filters.kind.findData("variation"))
    assert shown_ids(panel) == [filled["cat"]]
    panel.filters.kind.setCurrentIndex(0)
    panel.filters.model.setCurrentIndex(panel.filters.model.findData("gpt-image-1.5"))
    assert shown_ids(panel) == [filled["edit"]]


def test_new_result_appears_at_the_top_without_losing_the_selection(qtbot, panel: GalleryPanel, library: Library,
                                                                      filled):
    select(panel, filled["fox"])
    with qtbot.waitSignal(panel.model.rowsInserted):
        new = library.add_result(NewResult(image=make_image(9), kind=Kind.GENERATION, prompt="a new owl",
                                           created=5000.0))
    assert shown_ids(panel)[0] == new.id
    assert [r.id for r in panel.selected_records()] == [filled["fox"]]


def test_result_filed_from_a_worker_thread_reaches_the_grid(qtbot, panel: GalleryPanel, library: Library):
    import threading

    thread = threading.Thread(target=lambda: library.add_result(
        NewResult(image=make_image(11), kind=Kind.EDIT, prompt="from a thread", created=9000.0)))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(shown_ids(panel)) == 4)
    assert panel.model.record(0).prompt == "from a thread"


def test_ctrl_a_selects_all_and_actions_signal_the_first(qtbot, panel: GalleryPanel, filled):
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(panel.selected_records()) == 3
    select(panel, filled["edit"])
    for action, signal in (("open", panel.open_in_canvas), ("variation", panel.use_as_variation_source),
                           ("run_again", panel.run_again), ("recall", panel.recall_prompt)):
        with qtbot.waitSignal(signal) as blocker:
            panel.commands[action].trigger()
        assert blocker.args[0].id == filled["edit"]
        assert blocker.args[0].prompt == "the fox wearing a hat"


def test_double_click_opens_in_canvas(qtbot, panel: GalleryPanel, filled):
    rect = panel.view.visualRect(panel.model.index(0))
    with qtbot.waitSignal(panel.open_in_canvas) as blocker:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0].id == filled["cat"]


def test_copy_prompt_and_image(qtbot, panel: GalleryPanel, filled):
    select(panel, filled["fox"])
    panel.commands["copy_prompt"].trigger()
    assert QGuiApplication.clipboard().text() == "a red fox in snow"
    with qtbot.waitSignal(panel.status_message, check_params_cb=lambda t: t == "Image copied."):
        panel.commands["copy_image"].trigger()
    assert QGuiApplication.clipboard().image().size().width() == 24


def test_favourite_and_tags_from_the_selection_show_in_filters_and_details(qtbot, panel: GalleryPanel,
                                                                           library: Library, filled):
    select(panel, filled["fox"], filled["cat"])
    panel.commands["favourite"].trigger()
    qtbot.waitUntil(lambda: library.get(filled["cat"]).favourite)
    panel.add_tags(["Portfolio"])
    qtbot.waitUntil(lambda: panel.filters.tag.findData("portfolio") >= 0)
    panel.filters.favourites.setChecked(True)
    assert shown_ids(panel) == [filled["cat"], filled["fox"]]
    panel.filters.favourites.setChecked(False)
    panel.filters.tag.setCurrentIndex(panel.filters.tag.findData("portfolio"))
    assert shown_ids(panel) == [filled["cat"], filled["fox"]]
    assert "portfolio" in panel.details.toPlainText()


def test_delete_moves_to_trash_and_undo_brings_back(qtbot, panel: GalleryPanel, library: Library, filled):
    select(panel, filled["edit"])
    panel.view.setFocus()
    with qtbot.waitSignal(panel.model.rowsRemoved):
        qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert filled["edit"] not in shown_ids(panel)
    panel.filters.trash.setChecked(True)
    assert shown_ids(panel) == [filled["edit"]]
    panel.filters.trash.setChecked(False)
    with qtbot.waitSignal(panel.model.rowsInserted):
        qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shown_ids(panel) == [filled["cat"], filled["edit"], filled["fox"]]


def test_emptying_the_trash_deletes_for_good(qtbot, panel: GalleryPanel, library: Library, filled):
    path = library.get(filled["cat"]).path
    library.trash([filled["cat"]])
    panel.filters.trash.setChecked(True)
    assert shown_ids(panel) == [filled["cat"]]
    with qtbot.waitSignal(panel.model.rowsRemoved):
        panel.empty_trash(confirm=False)
    assert shown_ids(panel) == [] and not path.exists()


def test_details_pane_shows_metadata_and_lineage_a_click_away(qtbot, panel: GalleryPanel, filled):
    select(panel, filled["edit"])
    text = panel.details.toPlainText()
    assert "the fox wearing a hat" in text and "gpt-image-1.5" in text and "edit" in text
    assert "Made from" in text and "a red fox in snow" in text and "mask" in text
    with qtbot.waitSignal(panel.details.image_activated) as blocker:
        panel.details.anchorClicked.emit(QUrl(f"image:{filled['fox']}"))
    assert blocker.args == [filled["fox"]]
    assert [r.id for r in panel.selected_records()] == [filled["fox"]]
    text = panel.details.toPlainText()
    assert "Made from this" in text and "the fox wearing a hat" in text  # its child


def test_lineage_click_reaches_an_image_hidden_by_the_search(qtbot, panel: GalleryPanel, filled):
    qtbot.keyClicks(panel.filters.search, "hat")
    select(panel, filled["edit"])
    panel.details.anchorClicked.emit(QUrl(f"image:{filled['fox']}"))
    assert panel.filters.search.text() == ""
    assert [r.id for r in panel.selected_records()] == [filled["fox"]]


def test_mask_in_lineage_opens_as_a_file(qtbot, panel: GalleryPanel, library: Library, filled):
    select(panel, filled["edit"])
    mask = library.lineage(filled["edit"]).mask
    with qtbot.waitSignal(panel.open_file) as blocker:
        panel.details.anchorClicked.emit(QUrl(f"source:{mask.stem}"))
    assert blocker.args == [mask]


def test_dropping_files_imports_them(qtbot, panel: GalleryPanel, tmp_path: Path):
    picture = tmp_path / "drop.png"
    picture.write_bytes(make_image(42))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(picture))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(panel.status_message, check_params_cb=lambda t: t.startswith("Imported 1")):
        panel.dropEvent(event)
    qtbot.waitUntil(lambda: len(shown_ids(panel)) == 4)
    assert panel.library.ids(Query(kinds=frozenset({"import"}))) != []


def test_library_warnings_are_shown_to_the_user(qtbot, library: Library, thumbnails, tmp_path: Path):
    folder = tmp_path / "damaged"
    Library(folder).close()
    (folder / "library.sqlite3").write_bytes(b"garbage" * 100)
    damaged = Library(folder)
    try:
        widget = GalleryPanel(damaged, thumbnails)
        qtbot.addWidget(widget)
        widget.show()
        assert widget.warning_banner.isVisible() and "rebuilt" in widget.warning_banner.text()
    finally:
        damaged.close()


def test_missing_file_is_found_at_open_drawn_as_missing_and_reported(qtbot, library: Library, thumbnails, filled):
    library.get(filled["cat"]).path.unlink()
    panel = GalleryPanel(library, thumbnails, check_files_after_ms=0)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.warning_banner.isVisible())
    assert "missing" in panel.warning_banner.text() and panel.model.record(0).missing
    panel.background.wait()
    panel.view.viewport().grab()  # paints the cell
    select(panel, filled["cat"])
    assert "missing" in panel.details.toPlainText()



def test_export_many_dialog_previews_names_and_chooses_a_zip(qtbot, library: Library, filled, tmp_path: Path):
    from dalle_studio.ui.gallery.export_dialog import ExportManyDialog

    record = library.get(filled["fox"])
    dialog = ExportManyDialog(None, count=3, folder=str(tmp_path), template="{index:03d}_{prompt}", fmt="jpeg",
                              quality=70, sample=record)
    qtbot.addWidget(dialog)
    assert dialog.preview.text() == "001_a-red-fox-in-snow.jpg"
    dialog.template.setText("{nope}")
    assert "fields are" in dialog.preview.text()
    dialog.template.setText("{prompt}")
    dialog.to_zip.setChecked(True)
    dest, template, fmt, quality, as_zip = dialog.choice()
    assert (dest, template, fmt, quality, as_zip) == (tmp_path / "images.zip", "{prompt}", "jpeg", 70, True)


def test_custom_date_range_shows_only_images_made_between_the_two_days(qtbot, panel: GalleryPanel,
                                                                       library: Library):
    import time

    from PySide6.QtCore import QDate

    from dalle_studio.ui.gallery.filters import CUSTOM_RANGE

    day = time.mktime((2026, 3, 10, 12, 0, 0, 0, 0, -1))
    inside = library.add_result(NewResult(image=make_image(21), kind=Kind.GENERATION, prompt="march", created=day))
    library.add_result(NewResult(image=make_image(22), kind=Kind.GENERATION, prompt="april", created=day + 40 * 86400))
    filters = panel.filters
    filters.date.setCurrentIndex(filters.date.findData(CUSTOM_RANGE))
    assert filters.date_from.isVisibleTo(panel) and filters.date_to.isVisibleTo(panel)
    filters.date_from.setDate(QDate(2026, 3, 10))
    filters.date_to.setDate(QDate(2026, 3, 10))
    qtbot.waitUntil(lambda: shown_ids(panel) == [inside.id])
