"""Paints one gallery cell: the thumbnail, a caption (kind mark, model, time), badges (a star on favourites, the tag
count), a mark on images whose file is missing, the selection as a frame. Nothing here reads the disk."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap, QPixmapCache
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from dalle_studio.library import ImageRecord
from dalle_studio.ui.gallery.model import LibraryModel

PADDING = 4
# A mark per kind, readable at caption size without icon files: generation, edit (brush), variation, import.
KIND_MARKS = {"generation": "✦", "edit": "✎", "variation": "⟲", "import": "⇩"}
_DAY = 86400


def caption(record: ImageRecord, now: float | None = None) -> str:
    """The caption under a thumbnail: kind mark, model (or the file's name for imports), when it was made (the
    time today, the date before)."""
    what, when = caption_parts(record, now)
    return f"{what} · {when}"


def caption_parts(record: ImageRecord, now: float | None = None) -> tuple[str, str]:
    """:func:`caption` in its two parts: what (kind mark and model), and when."""
    now = time.time() if now is None else now
    when = time.localtime(record.created)
    today = time.localtime(now)
    if now - record.created < _DAY and when.tm_mday == today.tm_mday:
        stamp = time.strftime("%H:%M", when)
    else:
        stamp = time.strftime("%d %b" if when.tm_year == today.tm_year else "%Y-%m-%d", when).lstrip("0")
    what = record.model or record.source or record.kind
    return f"{KIND_MARKS.get(record.kind, '•')} {what}", stamp


class ThumbnailDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view
        # A few screens of cells (about 100 kB each at the default size): Qt's default is 10 MB.
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 24 * 1024))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self.view.gridSize()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Draw the cell from Qt's pixmap cache, rendering it there first if needed: while scrolling, a cached
        cell is one blit, against scaling a thumbnail and laying out text on every frame."""
        model = index.model()
        if not isinstance(model, LibraryModel):
            return
        # Through the model's Python methods rather than index.data(): see the note in model.py.
        record = model.record(index.row())
        if record is None:
            return
        pixmap = model.thumbnail(index.row())
        ready = isinstance(pixmap, QPixmap) and not pixmap.isNull()
        state = "p" if ready else "b" if record.missing or model.thumbnails.is_broken(record.sha) else "l"
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if state == "l":  # passing by, its thumbnail on its way: drawn as it is, not worth keeping
            painter.save()
            painter.setFont(option.font)
            self._render(painter, option.rect, option.palette, record, None, state, selected)
            painter.restore()
            return
        size = option.rect.size()
        key = (f"gallery-cell:{record.id}:{record.sha[:12]}:{record.favourite:d}:{','.join(record.tags)}:{state}:"
               f"{selected:d}:{size.width()}x{size.height()}:{self.view.iconSize().width()}:"
               f"{option.palette.cacheKey()}")
        cell = QPixmapCache.find(key)
        if cell is None or cell.isNull():
            ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
            cell = QPixmap(size * ratio)
            cell.setDevicePixelRatio(ratio)
            # Opaque, on the grid's own background: blitting a pixmap without alpha is a copy, not a blend.
            cell.fill(option.palette.color(QPalette.ColorRole.Base))
            cell_painter = QPainter(cell)
            cell_painter.setFont(option.font)
            self._render(cell_painter, QRect(QPoint(0, 0), size), option.palette, record,
                         pixmap if ready else None, state, selected)
            cell_painter.end()
            QPixmapCache.insert(key, cell)
        painter.drawPixmap(option.rect.topLeft(), cell)

    def _render(self, painter: QPainter, rect: QRect, palette: QPalette, record: ImageRecord,
                pixmap: QPixmap | None, state: str, selected: bool) -> None:
        cell = self.view.iconSize().width()
        outer = rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        picture = QRect(0, 0, cell, cell)
        picture.moveCenter(outer.center())
        picture.moveTop(outer.top())
        text_rect = QRect(outer.left(), picture.bottom() + 2, outer.width(), outer.bottom() - picture.bottom() - 1)
        painter.fillRect(picture, palette.color(QPalette.ColorRole.AlternateBase))
        if pixmap is not None:
            scaled = pixmap.size().scaled(picture.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(picture.center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(target, pixmap)
        elif state == "b":
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(picture, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, "file missing")
        self._badges(painter, picture, record)
        what, when = caption_parts(record)
        metrics = painter.fontMetrics()
        when_width = metrics.horizontalAdvance(when) + 2
        # The time always shows; the model gives way (elided) when the cell is narrow.
        what = metrics.elidedText(what, Qt.TextElideMode.ElideRight,
                                  max(0, text_rect.width() - when_width - metrics.horizontalAdvance(" · ")))
        if selected:
            painter.fillRect(text_rect, palette.color(QPalette.ColorRole.Highlight))
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        else:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{what} · {when}")
        if selected:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 3))
            painter.drawRect(outer.adjusted(1, 1, -2, -2))

    def _badges(self, painter: QPainter, picture: QRect, record: ImageRecord) -> None:
        font = painter.font()
        if record.favourite:
            big = painter.font()
            big.setPointSizeF(big.pointSizeF() * 1.4)
            painter.setFont(big)
            painter.setPen(QColor(255, 200, 0))
            painter.drawText(picture.adjusted(4, 2, -4, -2), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight,
                             "★")
            painter.setFont(font)
        if record.tags:
            label = f"# {record.tags[0]}" + (f" +{len(record.tags) - 1}" if len(record.tags) > 1 else "")
            metrics = painter.fontMetrics()
            label = metrics.elidedText(label, Qt.TextElideMode.ElideRight, picture.width() - 8)
            box = QRect(0, 0, metrics.horizontalAdvance(label) + 8, metrics.height() + 2)
            box.moveBottomLeft(picture.bottomLeft() + QPoint(4, -4))
            painter.fillRect(box, QColor(0, 0, 0, 150))
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

