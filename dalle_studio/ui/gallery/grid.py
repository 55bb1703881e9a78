"""The gallery's grid: as many columns as the dock's width holds, the cells widened to share the spare width (no
ragged gap at the right), thumbnails resized with Ctrl+wheel (or the panel's slider), and thumbnails dragged out
as real files."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDrag, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

MIN_CELL, MAX_CELL, CELL_STEP = 64, 320, 16
CAPTION_LINES = 1
PADDING = 4


class GalleryGrid(QListView):
    """``cell`` is the thumbnail's side in pixels; ``cell_changed(int)`` follows each change (Ctrl+wheel,
    :meth:`set_cell`)."""

    cell_changed = Signal(int)

    def __init__(self, cell: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryGrid")
        self._cell = max(MIN_CELL, min(MAX_CELL, cell))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setUniformItemSizes(True)  # layout asks one row for its size, not ten thousand
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionRectVisible(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # no re-layout as it comes and goes
        # Drag out only: a drag that starts on a thumbnail carries files; one that starts between them selects.
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self._fit()

    @property
    def cell(self) -> int:
        return self._cell

    def caption_height(self) -> int:
        return self.fontMetrics().height() * CAPTION_LINES + 2

    def set_cell(self, cell: int) -> None:
        cell = max(MIN_CELL, min(MAX_CELL, int(cell)))
        if cell == self._cell:
            return
        self._cell = cell
        self._fit()
        self.cell_changed.emit(cell)

    def columns(self) -> int:
        """How many thumbnails one row shows."""
        return max(1, (self.viewport().width() - 1) // self.gridSize().width())

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """Drag the selected thumbnails out as files (see ``LibraryModel.mimeData``), shown by the thumbnail under
        the pointer."""
        indexes = self.selectionModel().selectedIndexes()
        if not indexes:
            return
        mime = self.model().mimeData(indexes)
        if not mime.urls():
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        current = self.currentIndex() if self.currentIndex() in indexes else indexes[0]
        pixmap = self.model().thumbnail(current.row())
        if pixmap is not None and not pixmap.isNull():
            drag.setPixmap(pixmap.scaled(96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation))
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_cell(self._cell + round(steps * CELL_STEP) or (CELL_STEP if steps > 0 else -CELL_STEP))
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Grid cells: as many ``cell``-wide columns as fit, each widened to share what is left over."""
        # QListView wraps a row whose cells end exactly on the viewport's last pixel: leave that pixel free.
        width = max(1, self.viewport().width() - 1)
        base = self._cell + 2 * PADDING
        columns = max(1, width // base)
        size = QSize(max(base, width // columns), base + self.caption_height())
        if size != self.gridSize():
            self.setGridSize(size)
            self.setIconSize(QSize(self._cell, self._cell))
