"""The library as a Qt item model: one row per image the current query selects, records fetched in pages as rows
are shown, and library changes turned into row insertions and removals (napari's evented-container pattern).

Python code (the delegate, the panel) reads rows through :meth:`LibraryModel.record` and
:meth:`LibraryModel.thumbnail` rather than ``QModelIndex.data``: no QVariant round trip, and none of the
``None`` results that PySide6 6.12 mishandles on Python 3.11 (see the report on the library branch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPixmap

from dalle_studio.library import ImageRecord, Library, LibraryEvent, Query
from dalle_studio.ui.gallery.thumbnails import ThumbnailCache

RecordRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
PAGE = 200
_MAX_CACHED_RECORDS = 2000
_RESET_ABOVE = 200  # a bigger change than this is a model reset, not row-by-row moves

Index = QModelIndex | QPersistentModelIndex


class _EventBridge(QObject):
    """Library listeners run on whatever thread changed the library; this hops them onto the UI thread."""

    happened = Signal(object)  # not "event": that would hide QObject.event()


class LibraryModel(QAbstractListModel):
    """Rows are library images in the order of :attr:`query`. ``data`` never touches the disk on the UI thread:
    records come from SQLite in pages, pixels from the :class:`ThumbnailCache`. ``library_changed(event)`` follows
    each library change, on the UI thread, once the rows are up to date."""

    library_changed = Signal(object)

    def __init__(self, library: Library, thumbnails: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.thumbnails = thumbnails
        self._query = Query()
        self.drag_folder: Path | None = None  # where dragged-out files are written (set by the panel)
        self._ids: list[int] = library.ids(self._query)
        self._row_of: dict[int, int] | None = None
        self._records: dict[int, ImageRecord] = {}
        self._id_of_sha: dict[str, int] = {}
        self._bridge = _EventBridge(self)
        self._bridge.happened.connect(self._on_library_event)
        self._unsubscribe = library.subscribe(self._bridge.happened.emit)
        thumbnails.ready.connect(self._on_thumbnail)
        thumbnails.broken.connect(self._on_thumbnail)

    def close(self) -> None:
        self._unsubscribe()

    # ---- reading -----------------------------------------------------------------------------------------

    @property
    def query(self) -> Query:
        return self._query

    def set_query(self, query: Query) -> None:
        if query == self._query:
            return
        self._query = query
        self.beginResetModel()
        self._ids = self.library.ids(query)
        self._row_of = None
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, image_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {i: r for r, i in enumerate(self._ids)}
        return self._row_of.get(image_id)

    def record(self, row: int) -> ImageRecord | None:
        """The record shown in ``row``, fetching its page from the library if needed."""
        if not 0 <= row < len(self._ids):
            return None
        image_id = self._ids[row]
        record = self._records.get(image_id)
        if record is None:
            if len(self._records) > _MAX_CACHED_RECORDS:
                self._records.clear()
                self._id_of_sha.clear()
            start = max(0, row - PAGE // 4)
            page = self.library.get_many(self._ids[start:start + PAGE])
            self._records.update(page)
            self._id_of_sha.update((r.sha, r.id) for r in page.values())
            record = self._records.get(image_id)
        return record

    def thumbnail(self, row: int) -> QPixmap | None:
        """The thumbnail of ``row`` if it is in memory; otherwise None, and it is on its way (``dataChanged``)."""
        record = self.record(row)
        return None if record is None else self.thumbnails.pixmap(record.sha, record.path)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == IdRole:
            return self._ids[index.row()]
        record = self.record(index.row())
        if record is None:
            return None
        if role == RecordRole:
            return record
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnails.pixmap(record.sha, record.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.prompt or record.params.get("file") or record.kind
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{record.kind}: {record.prompt}"
        return None

    # ---- dragging out ----------------------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes) -> QMimeData:
        """The dragged thumbnails as real PNG files (with their metadata chunks) in :attr:`drag_folder`."""
        from dalle_studio.ui.gallery.transfer import drag_files, files_mime

        rows = sorted({i.row() for i in indexes if i.isValid()})
        records = [r for row in rows if (r := self.record(row)) is not None]
        return files_mime(drag_files(records, self.drag_folder) if self.drag_folder else [])

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    # ---- library changes -> rows ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Bring the rows in line with the library (after changes the model may not have heard of)."""
        self._sync(self.library.ids(self._query))

    def _on_library_event(self, event: LibraryEvent) -> None:
        for image_id in event.ids:
            self._records.pop(image_id, None)
        if event.kind == "reset":
            self._records.clear()
            self._id_of_sha.clear()
            self.beginResetModel()
            self._ids = self.library.ids(self._query)
            self._row_of = None
            self.endResetModel()
        else:
            self._sync(self.library.ids(self._query))
        if event.kind == "changed":
            for image_id in event.ids:
                row = self.row_of(image_id)
                if row is not None:
                    index = self.index(row)
                    self.dataChanged.emit(index, index)
        self.library_changed.emit(event)

    def _sync(self, new_ids: list[int]) -> None:
        old_ids = self._ids
        new_set, old_set = set(new_ids), set(old_ids)
        if len(new_set ^ old_set) > _RESET_ABOVE or [i for i in old_ids if i in new_set] != [
                i for i in new_ids if i in old_set]:
            self.beginResetModel()
            self._ids = new_ids
            self._row_of = None
            self.endResetModel()
            return
        for row in range(len(old_ids) - 1, -1, -1):
            if old_ids[row] not in new_set:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._ids[row]
                self._row_of = None
                self.endRemoveRows()
        for row, image_id in enumerate(new_ids):
            if image_id not in old_set:
                self.beginInsertRows(QModelIndex(), row, row)
                self._ids.insert(row, image_id)
                self._row_of = None
                self.endInsertRows()

    def _on_thumbnail(self, sha: str) -> None:
        # Only rows whose record is loaded can have asked for this thumbnail; they are the ones in view.
        image_id = self._id_of_sha.get(sha)
        row = self.row_of(image_id) if image_id is not None else None
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
