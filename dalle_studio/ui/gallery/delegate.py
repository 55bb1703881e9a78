"""Paints one gallery cell: the thumbnail centred, a star on favourites, a mark on images whose file is missing,
the selection as a frame. Nothing here reads the disk."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from dalle_studio.ui.gallery.model import LibraryModel

PADDING = 4


class ThumbnailDelegate(QStyledItemDelegate):
    def __init__(self, cell: int, parent=None) -> None:
        super().__init__(parent)
        self.cell = cell

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(self.cell + 2 * PADDING, self.cell + 2 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        rect: QRect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        palette = option.palette
        painter.save()
        painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        model = index.model()
        if not isinstance(model, LibraryModel):
            return
        # Through the model's Python methods rather than index.data(): see the note in model.py.
        record = model.record(index.row())
        pixmap = model.thumbnail(index.row())
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(rect.center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(target, pixmap)
        elif record is not None and (record.missing or model.thumbnails.is_broken(record.sha)):
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, "file missing")
        if record is not None and record.favourite:
            painter.setPen(QColor(255, 200, 0))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            painter.drawText(rect.adjusted(4, 2, -4, -2), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight, "★")
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 3)
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.restore()
