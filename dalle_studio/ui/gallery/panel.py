"""The gallery panel: every image in the library as a grid of thumbnails, with search and filters, a details pane
with lineage, and actions on the selection. Actions that belong to other parts of the app (the canvas, the prompt,
the job queue) leave as signals; the panel itself only reads and edits the library."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dalle_studio.core.settings import Settings
from dalle_studio.library import ImageRecord, ImportReport, Library, LibraryEvent, Query
from dalle_studio.library.export import DEFAULT_TEMPLATE, export_image, export_many
from dalle_studio.ui.exports import start_folder
from dalle_studio.ui.gallery.actions import GalleryKeys, build_actions, key_rows
from dalle_studio.ui.gallery.background import Background
from dalle_studio.ui.gallery.delegate import ThumbnailDelegate
from dalle_studio.ui.gallery.details import DetailsPane
from dalle_studio.ui.gallery.export_dialog import (
    ExportManyDialog,
    chosen_target,
    file_stem,
    save_as_dialog,
)
from dalle_studio.ui.gallery.filters import FilterBar
from dalle_studio.ui.gallery.grid import CELL_STEP, MAX_CELL, MIN_CELL, GalleryGrid
from dalle_studio.ui.gallery.model import LibraryModel
from dalle_studio.ui.gallery.thumbnails import ThumbnailCache
from dalle_studio.ui.gallery.transfer import drag_files, put_on_clipboard, sweep


class GalleryPanel(QWidget):
    """The gallery dock's contents.

    Signals (each carries the :class:`ImageRecord` concerned, the first selected one when several are):
    ``open_in_canvas``, ``use_as_variation_source``, ``run_again``, ``recall_prompt``; ``open_file(Path)`` for a
    lineage source picture or mask that is not itself a library image; ``status_message(str)`` for the status bar;
    ``exported(Path, str)`` when an export is written (where, and what to say).
    ``check_files_after_ms``: when to look for image files deleted behind the library's back (after the first
    screen, so it does not compete with it).
    """

    open_in_canvas = Signal(object)
    use_as_variation_source = Signal(object)
    run_again = Signal(object)
    recall_prompt = Signal(object)
    open_file = Signal(Path)
    status_message = Signal(str)
    exported = Signal(Path, str)  # where, and what to say

    def __init__(self, library: Library, thumbnails: ThumbnailCache, parent: QWidget | None = None, *,
                 settings: Settings | None = None, check_files_after_ms: int = 3000,
                 drag_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gallery")
        self.library = library
        self.thumbnails = thumbnails
        self.settings = settings
        self.background = Background(self)
        self.background.failed.connect(lambda what, exc: self._tell(f"Could not {what}: {exc}"))
        self.model = LibraryModel(library, thumbnails, self)
        # Dragged-out files live beside the thumbnails in the cache folder unless told otherwise.
        self.model.drag_folder = drag_folder or thumbnails.store.folder.parent.parent / "drag"
        self.filters = FilterBar(self)
        self.view = GalleryGrid(int(settings.get("gallery.cell_size")) if settings else 128, self)
        self.view.setItemDelegate(ThumbnailDelegate(self.view))
        self.view.setModel(self.model)
        self.view.setAcceptDrops(False)
        self.view.viewport().setAcceptDrops(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.details = DetailsPane(library, thumbnails, self)
        self.warning_banner = QLabel(self, wordWrap=True)
        self.warning_banner.setObjectName("galleryWarnings")
        self.warning_banner.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 4px; }")
        self.count_label = QLabel(self)
        self.size_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.size_slider.setObjectName("galleryThumbnailSize")
        self.size_slider.setRange(MIN_CELL, MAX_CELL)
        self.size_slider.setSingleStep(CELL_STEP)
        self.size_slider.setPageStep(CELL_STEP * 2)
        self.size_slider.setValue(self.view.cell)
        self.size_slider.setToolTip("Thumbnail size (Ctrl+wheel over the grid)")
        self.size_slider.setMaximumWidth(140)
        self.size_slider.valueChanged.connect(self.view.set_cell)
        self.view.cell_changed.connect(self._on_cell_changed)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.warning_banner)
        layout.addWidget(self.filters)
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.size_slider)
        layout.addLayout(bottom)
        self.setAcceptDrops(True)
        # not "actions": QWidget.actions() exists
        self.commands: dict[str, QAction]
        self.commands, self.keys = build_actions(self)
        self._key_filter = GalleryKeys(self.commands, self.keys, self)
        self.view.installEventFilter(self._key_filter)
        self._last_trashed: list[int] = []
        self._kept: tuple[int | None, list[int]] = (None, [])
        self._quick_look = None
        self.filters.query_changed.connect(self.set_query)
        self.view.activated.connect(lambda _index: self.open_selected())
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.model.library_changed.connect(self._on_library_changed)
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.rowsRemoved.connect(lambda *_: self._follow_selection())
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.details.image_activated.connect(self.select_image)
        self.details.file_activated.connect(self.open_file)
        self.filters.set_choices(models=library.models(), tags=library.tags())
        self._show_warnings()
        self._update_count()
        self._update_actions()
        # Files deleted behind the library's back are found and marked, once the first screen is up.
        QTimer.singleShot(check_files_after_ms, self, self._check_files)

    # ---- what is shown ----------------------------------------------------------------------------------

    def set_query(self, query: Query) -> None:
        self.model.set_query(query)
        self._update_actions()

    def key_rows(self) -> list[tuple[str, list[QKeySequence]]]:
        """The gallery's keys for Help > Keyboard shortcuts: (action, keys), active while the grid has focus."""
        return key_rows(self.commands, self.keys)

    def selected_records(self) -> list[ImageRecord]:
        """The selected images in grid order."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        return [r for row in rows if (r := self.model.record(row)) is not None]

    def current_record(self) -> ImageRecord | None:
        selected = self.selected_records()
        return selected[0] if selected else None

    def select_image(self, image_id: int) -> None:
        """Select and show ``image_id``, clearing the filters first if they hide it."""
        row = self.model.row_of(image_id)
        if row is None:
            record = self.library.get(image_id)
            if record is None:
                return
            self.filters.blockSignals(True)
            self.filters.search.clear()
            for combo in (self.filters.kind, self.filters.model, self.filters.date, self.filters.tag):
                combo.setCurrentIndex(0)
            self.filters.favourites.setChecked(False)
            self.filters.trash.setChecked(record.trashed)
            self.filters.blockSignals(False)
            self.set_query(self.filters.query())
            row = self.model.row_of(image_id)
            if row is None:
                return
        index = self.model.index(row)
        self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)

    # ---- actions on the selection -------------------------------------------------------------------------

    def open_selected(self) -> None:
        self._emit_first(self.open_in_canvas)

    def quick_look(self) -> None:
        """Show the current image large (Space); Space again closes it."""
        from dalle_studio.ui.gallery.quick_look import QuickLook

        record = self.current_record()
        if record is None:
            return
        if self._quick_look is not None:
            self._quick_look.close()
        self._quick_look = look = QuickLook(record, self)
        look.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        look.destroyed.connect(lambda *_: setattr(self, "_quick_look", None) if self._quick_look is look else None)
        look.show()
        self.background.run("preview the image", lambda: QImage(str(record.path)),
                            lambda image: look.show_image(image) if self._quick_look is look else None)

    def use_selected_as_variation_source(self) -> None:
        self._emit_first(self.use_as_variation_source)

    def run_selected_again(self) -> None:
        self._emit_first(self.run_again)

    def recall_selected_prompt(self) -> None:
        self._emit_first(self.recall_prompt)

    def copy_prompt(self) -> None:
        records = self.selected_records()
        if records:
            QGuiApplication.clipboard().setText("\n\n".join(r.prompt for r in records))
            self._tell("Prompt copied.")

    def copy_image(self) -> None:
        """Ctrl+C: the current image on the clipboard as a picture and as a PNG file with its metadata."""
        record = self.current_record()
        if record is None:
            return
        folder = self.model.drag_folder

        def prepare() -> tuple[QImage, list[Path]]:
            # Decoding a full-size PNG and writing the file take tens of milliseconds: off the UI thread.
            return QImage(str(record.path)), drag_files([record], folder) if folder else []

        self.background.run("copy the image", prepare, self._put_image_on_clipboard)

    def toggle_favourite(self) -> None:
        records = self.selected_records()
        if records:
            make = not all(r.favourite for r in records)
            ids = [r.id for r in records]
            self.background.run("mark favourites", lambda: self.library.set_favourite(ids, make))

    def ask_and_add_tags(self) -> None:
        text, ok = QInputDialog.getText(self, "Add tags", "Tags (separated by commas):")
        if ok:
            self.add_tags([t for t in text.split(",") if t.strip()])

    def add_tags(self, tags: list[str]) -> None:
        ids = [r.id for r in self.selected_records()]
        if ids and tags:
            self.background.run("add tags", lambda: self.library.add_tags(ids, tags))

    def delete_selected(self) -> None:
        """Move the selection to the trash; :meth:`undo_delete` brings it back."""
        ids = [r.id for r in self.selected_records()]
        if not ids:
            return
        self._last_trashed = ids
        self.background.run("move to the trash", lambda: self.library.trash(ids),
                            lambda _: self._tell(f"{len(ids)} image(s) moved to the trash. Undo with Ctrl+Z."))
        self._update_actions()

    def undo_delete(self) -> None:
        ids, self._last_trashed = self._last_trashed, []
        if ids:
            self.background.run("restore from the trash", lambda: self.library.restore(ids))
        self._update_actions()

    def restore_selected(self) -> None:
        ids = [r.id for r in self.selected_records()]
        if ids:
            self.background.run("restore from the trash", lambda: self.library.restore(ids))

    def empty_trash(self, *, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
                self, "Empty the trash", "Delete every image in the trash for good? This cannot be undone."
        ) != QMessageBox.StandardButton.Yes:
            return
        self._last_trashed = []
        self.background.run("empty the trash", self.library.empty_trash,
                            lambda n: self._tell(f"{n} image(s) deleted for good."))

    def reveal_selected(self) -> None:
        record = self.current_record()
        if record is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(record.path.parent)))

    def export_selected(self) -> None:
        records = self.selected_records()
        if len(records) == 1:
            self._save_as(records[0])
        elif records:
            self._export_many(records)

    def export_if_focused(self) -> bool:
        """File > Export while the grid has focus and images selected: export those (as Ctrl+E there does), not
        the canvas. Returns whether it did."""
        if not (self.view.hasFocus() and self.selected_records()):
            return False
        self.export_selected()
        return True

    def import_paths(self, paths: list[Path]) -> None:
        """Bring image files (or folders of them) into the library, in the background."""
        self._tell(f"Importing {len(paths)} item(s)…")
        self.background.run("import images", lambda: self.library.import_files(paths), self._on_imported)

    # ---- drops --------------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.source() is self.view:
            return  # the gallery's own thumbnails, dragged out and back: nothing to import
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if event.source() is self.view:
            return
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # ---- internals ----------------------------------------------------------------------------------------

    def _check_files(self) -> None:
        self.background.run("check the library's files", self.library.check_files)
        folder = self.model.drag_folder
        if folder is not None:  # files dragged out or copied more than a day ago
            self.background.run("tidy the drag folder", lambda: sweep(folder))

    def _emit_first(self, signal) -> None:
        record = self.current_record()
        if record is not None:
            signal.emit(record)

    def _put_image_on_clipboard(self, prepared: tuple[QImage, list[Path]]) -> None:
        image, files = prepared
        if image.isNull():
            self._tell("Could not copy the image: its file is missing or damaged.")
            return
        put_on_clipboard(QGuiApplication.clipboard(), files, image)
        self._tell("Image copied.")

    def _on_cell_changed(self, cell: int) -> None:
        self.size_slider.setValue(cell)
        if self.settings:
            self.settings.set("gallery.cell_size", cell)

    def _save_as(self, record: ImageRecord) -> None:
        folder = start_folder(self.settings.get("export.last_folder") if self.settings else "")
        quality = int(self.settings.get("export.quality")) if self.settings else 90
        dialog = save_as_dialog(self, folder, file_stem(record.prompt, str(record.params.get("file", ""))))
        dialog.fileSelected.connect(lambda path: self._write_export(record, path, quality))

    def _write_export(self, record: ImageRecord, path: str, quality: int) -> None:
        target, fmt = chosen_target(path)
        self._remember_folder(target.parent)
        self.background.run("export the image", lambda: export_image(record, target, fmt=fmt, quality=quality),
                            lambda p: self.exported.emit(p, f"Exported to {p}"))

    def _export_many(self, records: list[ImageRecord]) -> None:
        s = self.settings
        dialog = ExportManyDialog(
            self, count=len(records), folder=s.get("export.last_folder") if s else "",
            template=s.get("export.name_template") if s else DEFAULT_TEMPLATE,
            fmt=s.get("export.format") if s else "png", quality=int(s.get("export.quality")) if s else 90,
            sample=records[0])
        if dialog.exec() != ExportManyDialog.DialogCode.Accepted:
            return
        dest, template, fmt, quality, as_zip = dialog.choice()
        if s:
            s.set("export.name_template", template)
            s.set("export.format", fmt)
            s.set("export.quality", quality)
        self._remember_folder(dest.parent if as_zip else dest)
        self.background.run(
            "export the images",
            lambda: export_many(records, dest, template=template, fmt=fmt, quality=quality, as_zip=as_zip),
            lambda names: self.exported.emit(dest, f"Exported {len(names)} image(s) to {dest}"))

    def _remember_folder(self, folder: Path) -> None:
        if self.settings:
            self.settings.set("export.last_folder", str(folder))

    def _on_imported(self, report: ImportReport) -> None:
        parts = [f"Imported {len(report.added)} image(s)"]
        if report.already_present:
            parts.append(f"{len(report.already_present)} already in the library")
        if report.skipped:
            parts.append(f"{len(report.skipped)} skipped ({report.skipped[0][0].name}: {report.skipped[0][1]})")
        self._tell("; ".join(parts) + ".")

    def _keep_selection(self) -> None:
        current = self.view.currentIndex()
        self._kept = (self.model.id_at(current.row()) if current.isValid() else None,
                      [self.model.id_at(i.row()) for i in self.view.selectionModel().selectedIndexes()])

    def _restore_selection(self) -> None:
        """After the rows were replaced (a new search or filter): select again what is still shown, and let the
        details pane follow (it never shows an image the filter hides)."""
        current_id, selected = self._kept
        self._kept = (None, [])
        selection = self.view.selectionModel()
        rows = [r for i in selected if (r := self.model.row_of(i)) is not None]
        flag = QItemSelectionModel.SelectionFlag
        for row in rows:
            selection.select(self.model.index(row), flag.Select)
        current_row = self.model.row_of(current_id) if current_id is not None else None
        if current_row is None and rows:
            current_row = rows[0]
        if current_row is not None:
            selection.setCurrentIndex(self.model.index(current_row), flag.NoUpdate)
        self._follow_selection()

    def _follow_selection(self) -> None:
        current = self.view.currentIndex()
        record = self.model.record(current.row()) if current.isValid() else None
        if record is None or not self.view.selectionModel().isSelected(current):
            selected = self.selected_records()
            record = selected[0] if selected else None
        if record is None or self.details.record is None or record.id != self.details.record.id:
            self.details.show_record(record)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.details.show_record(self.model.record(current.row()) if current.isValid() else None)

    def _on_library_changed(self, event: LibraryEvent) -> None:
        self.filters.set_choices(models=self.library.models(), tags=self.library.tags())
        shown = self.details.record
        if shown is not None and (shown.id in event.ids or event.kind == "reset" or event.kind == "added"):
            self.details.show_record(self.library.get(shown.id))
        if len(self.library.warnings) != len(self.warning_banner.text().splitlines()):
            self._show_warnings()
        self._update_actions()

    def _show_warnings(self) -> None:
        warnings = self.library.warnings
        self.warning_banner.setText("\n".join(warnings))
        self.warning_banner.setVisible(bool(warnings))

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n} image{'s' if n != 1 else ''}" + (" in the trash" if self.model.query.trash
                                                                        else ""))

    def _update_actions(self) -> None:
        n = len(self.view.selectionModel().selectedIndexes())
        in_trash = self.model.query.trash
        for name, action in self.commands.items():
            if name == "undo_delete":
                action.setEnabled(bool(self._last_trashed))
            elif name == "empty_trash":
                action.setVisible(in_trash)
            elif name == "restore":
                action.setVisible(in_trash)
                action.setEnabled(n > 0)
            elif name == "delete":
                action.setVisible(not in_trash)
                action.setEnabled(n > 0)
            elif name in ("open", "quick_look", "variation", "run_again", "recall", "copy_image", "reveal"):
                action.setEnabled(n >= 1)
            else:
                action.setEnabled(n > 0)

    def _show_menu(self, pos) -> None:
        menu = QMenu(self)
        for name in ("open", "quick_look", "variation", "run_again", "recall", None, "copy_image", "copy_prompt", None,
                     "favourite", "tags", "export", "reveal", None, "delete", "undo_delete", "restore",
                     "empty_trash"):
            if name is None:
                menu.addSeparator()
            elif self.commands[name].isVisible():
                menu.addAction(self.commands[name])
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _tell(self, text: str) -> None:
        self.status_message.emit(text)
