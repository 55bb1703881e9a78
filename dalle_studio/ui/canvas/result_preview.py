"""A result shown on the canvas, in the frame it was made for, while the artist hovers or selects it.

It is labelled as a preview (the canvas otherwise shows exactly the document), and steps aside while the artist
holds the key to see the original.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem, QGraphicsSimpleTextItem

from dalle_studio.ui.canvas.view import CanvasView

LABEL = "Preview — not in the picture until accepted"


class ResultPreview:
    """One pixmap item above the picture (below the frame outline); ``show`` replaces it, ``clear`` hides it."""

    def __init__(self, view: CanvasView) -> None:
        self._tools = view.tools
        self._item = QGraphicsPixmapItem()
        self._item.setZValue(5)
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._item.hide()
        view.scene().addItem(self._item)
        # the label keeps its size on screen at any zoom, at the preview's bottom-left corner (the frame's own
        # label is at its top-left)
        self._label_back = view.scene().addRect(QRectF(), Qt.PenStyle.NoPen, QColor(200, 80, 0, 230))
        self._label_back.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._label_back.setZValue(11)
        self.label = QGraphicsSimpleTextItem(LABEL, self._label_back)  # in the box's (screen-pixel) coordinates
        self.label.setBrush(QColor("#ffffff"))
        self.label.setPos(14, 7)
        self._label_back.setRect(self.label.boundingRect().translated(14, 7).adjusted(-6, -3, 6, 3))
        self._label_back.hide()
        self.shown: QImage | None = None
        self._tools.changed.connect(self._on_tools_changed)
        self.listeners: list[Callable[[], None]] = []  # called after each show and clear (the compare split)

    def show(self, image: QImage, rect: QRect, overlay: QImage | None = None) -> None:
        """Show ``image`` scaled into ``rect`` (scene = picture pixels); ``overlay`` (same size) is drawn over it."""
        pixmap = QPixmap.fromImage(image)
        if overlay is not None:
            painter = QPainter(pixmap)
            painter.drawImage(0, 0, overlay)
            painter.end()
        self._item.setPixmap(pixmap)
        self._item.setPos(rect.topLeft())
        scale_x = rect.width() / max(1, image.width())
        scale_y = rect.height() / max(1, image.height())
        self._item.setTransform(self._item.transform().fromScale(scale_x, scale_y))
        # the label sits just below the preview's bottom edge, so it hides nothing of the result
        self._label_back.setPos(rect.left(), rect.top() + rect.height())
        self.shown = image
        self._sync()
        for listener in self.listeners:
            listener()

    def clear(self) -> None:
        self._item.setPixmap(QPixmap())
        self.shown = None
        self._sync()
        for listener in self.listeners:
            listener()

    def _sync(self) -> None:
        on = self.shown is not None and not self._tools.showing_original
        for item in (self._item, self._label_back):
            item.setVisible(on)

    def _on_tools_changed(self, what: str) -> None:
        if what == "display":
            self._sync()

    @property
    def visible(self) -> bool:
        return self._item.isVisible()

    def bounds(self) -> QRectF:
        return self._item.sceneBoundingRect()
