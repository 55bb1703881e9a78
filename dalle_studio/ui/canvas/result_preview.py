"""A result shown on the canvas, in the frame it was made for, while the artist hovers or selects it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsView


class ResultPreview:
    """One pixmap item above the picture (below the frame outline); ``show`` replaces it, ``clear`` hides it."""

    def __init__(self, view: QGraphicsView) -> None:
        self._item = QGraphicsPixmapItem()
        self._item.setZValue(5)
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._item.hide()
        view.scene().addItem(self._item)
        self.shown: QImage | None = None
        self.listeners: list[Callable[[], None]] = []  # called after each show and clear (the compare split)

    def show(self, image: QImage, rect: QRect, overlay: QImage | None = None) -> None:
        """Show ``image`` scaled into ``rect`` (scene = picture pixels); ``overlay`` (same size) is drawn over it."""
        pixmap = QPixmap.fromImage(image)
        if overlay is not None:
            from PySide6.QtGui import QPainter

            painter = QPainter(pixmap)
            painter.drawImage(0, 0, overlay)
            painter.end()
        self._item.setPixmap(pixmap)
        self._item.setPos(rect.topLeft())
        scale_x = rect.width() / max(1, image.width())
        scale_y = rect.height() / max(1, image.height())
        self._item.setTransform(self._item.transform().fromScale(scale_x, scale_y))
        self._item.show()
        self.shown = image
        for listener in self.listeners:
            listener()

    def clear(self) -> None:
        self._item.hide()
        self._item.setPixmap(QPixmap())
        self.shown = None
        for listener in self.listeners:
            listener()

    @property
    def visible(self) -> bool:
        return self._item.isVisible()

    def bounds(self) -> QRectF:
        return self._item.sceneBoundingRect()
