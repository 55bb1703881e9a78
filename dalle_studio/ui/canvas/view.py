"""The canvas view: shows the document's picture, sharp at any zoom, over a checkerboard."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.checkerboard import checkerboard_brush

ZOOM_STEPS = (0.05, 0.0625, 0.083, 0.125, 0.167, 0.25, 0.333, 0.5, 0.667, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0,
              32.0)


class CanvasView(QGraphicsView):
    """Shows ``document``; zoom with Ctrl+wheel and the View menu; pans with the scroll bars."""

    zoom_changed = Signal(float)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setObjectName("canvas")
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self._picture = QGraphicsPixmapItem()
        self._picture.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._scene.addItem(self._picture)
        self._checker = checkerboard_brush()
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._zoom = 1.0
        self._fit_pending = True
        document.image_replaced.connect(self._on_image_replaced)
        document.image_changed.connect(self._on_image_changed)
        self._on_image_replaced()

    @property
    def zoom(self) -> float:
        return self._zoom

    def _on_image_replaced(self) -> None:
        self._on_image_changed()
        self.fit()

    def _on_image_changed(self) -> None:
        image = self.document.image
        self._picture.setPixmap(QPixmap.fromImage(image) if not image.isNull() else QPixmap())
        self._scene.setSceneRect(QRectF(self._picture.boundingRect()))

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawBackground(painter, rect)
        if not self.document.is_empty:
            painter.save()
            painter.setBrushOrigin(0, 0)
            painter.fillRect(self._picture.boundingRect().intersected(rect), self._checker)
            painter.restore()

    def set_zoom(self, zoom: float) -> None:
        zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        self._zoom = zoom
        self.resetTransform()
        self.scale(zoom, zoom)
        pixel_exact = zoom >= 1.0
        self._picture.setTransformationMode(
            Qt.TransformationMode.FastTransformation if pixel_exact else Qt.TransformationMode.SmoothTransformation
        )
        self.zoom_changed.emit(zoom)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom * 1.001), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom / 1.001), ZOOM_STEPS[0]))

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        if self.document.is_empty:
            return
        rect = self._picture.boundingRect()
        view = self.viewport().rect().adjusted(8, 8, -8, -8)
        if rect.isEmpty() or view.isEmpty():
            return
        self.set_zoom(min(view.width() / rect.width(), view.height() / rect.height()))
        self.centerOn(self._picture)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self._zoom * (1.25**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_pending:
            self._fit_pending = False
            self.fit()
