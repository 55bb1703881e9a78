"""The things drawn in the canvas scene: the picture (with its mask), the frame, the brush outline, and the
outline of a rectangle or lasso being drawn. Scene units are picture pixels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from dalle_studio.ui.canvas.mipmaps import Mipmaps


def _cosmetic(color: QColor | str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color), width, style)
    pen.setCosmetic(True)
    return pen


class PictureItem(QGraphicsItem):
    """Draws the composite, or the plain picture while the mask is hidden: only the exposed part, pixel-exact
    when magnified, smooth when reduced."""

    def __init__(self, shown: Callable[[], tuple[QImage, Mipmaps | None]]) -> None:
        super().__init__()
        self._shown = shown  # the composite and its reduced copies, or the plain picture while the mask is hidden
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def boundingRect(self) -> QRectF:
        return QRectF(self._shown()[0].rect())

    def resized(self) -> None:
        self.prepareGeometryChange()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        image, mipmaps = self._shown()
        if image.isNull():
            return
        exposed = option.exposedRect.toAlignedRect().intersected(image.rect())
        if exposed.isEmpty():
            return
        scale = painter.worldTransform().m11() * (painter.device().devicePixelRatioF() if painter.device() else 1)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale < 1.0)
        level, factor = mipmaps.pick(scale) if mipmaps is not None else (None, 1)
        if level is not None:
            source = QRectF(exposed.left() / factor, exposed.top() / factor, exposed.width() / factor,
                            exposed.height() / factor)
            painter.drawImage(QRectF(exposed), level, source)
        else:
            painter.drawImage(exposed, image, exposed)


class DraftItem(QGraphicsItem):
    """A reduced decode of a picture still opening, stretched to the picture's size (see ``CanvasView.show_draft``)."""

    def __init__(self, image: QImage, width: int, height: int) -> None:
        super().__init__()
        self._image = image
        self._rect = QRectF(0, 0, width, height)

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self._rect, self._image)


class FrameItem(QGraphicsItem):
    """The frame: a two-tone dashed outline, the area outside it dimmed, and its size and send size."""

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRect()
        self._label = ""
        self._bounds = QRectF()
        self.setZValue(10)

    def set_frame(self, rect: QRect, label: str, canvas: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QRect(rect)
        self._label = label
        self._bounds = canvas.united(QRectF(rect)).adjusted(-2, -2, 2, 2)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._rect.isEmpty():
            return
        frame = QRectF(self._rect)
        outside = QPainterPath()
        outside.addRect(self._bounds)
        inside = QPainterPath()
        inside.addRect(frame)
        painter.fillPath(outside.subtracted(inside), QColor(0, 0, 0, 70))
        painter.setPen(_cosmetic("#ffffff", 1.5))
        painter.drawRect(frame)
        painter.setPen(_cosmetic("#1d6fe0", 1.5, Qt.PenStyle.DashLine))
        painter.drawRect(frame)
        if self._label:  # inside the top-left corner, at screen size whatever the zoom
            scale = painter.worldTransform().m11() or 1.0
            painter.save()
            painter.translate(frame.topLeft())
            painter.scale(1 / scale, 1 / scale)
            metrics = painter.fontMetrics()
            box = QRectF(4, 4, metrics.horizontalAdvance(self._label) + 12, metrics.height() + 4)
            painter.fillRect(box, QColor(29, 111, 224, 220))
            painter.setPen(QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._label)
            painter.restore()


class BrushOutline(QGraphicsItem):
    """The brush's outline at the pointer, at the brush's true size at any zoom, with a small centre mark."""

    def __init__(self) -> None:
        super().__init__()
        self._radius = 10.0
        self._erase = False
        self.setZValue(20)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_brush(self, diameter: float, erase: bool) -> None:
        self.prepareGeometryChange()
        self._radius = max(0.5, diameter / 2)
        self._erase = erase
        self.update()

    def boundingRect(self) -> QRectF:
        r = self._radius + 64  # room for the cosmetic pens and centre mark at any zoom
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        circle = QRectF(-self._radius, -self._radius, 2 * self._radius, 2 * self._radius)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_cosmetic("#000000", 3.0))
        painter.drawEllipse(circle)
        painter.setPen(_cosmetic("#ffffff" if not self._erase else "#9fe2ff", 1.5))
        painter.drawEllipse(circle)
        scale = painter.worldTransform().m11() or 1.0
        arm = 4 / scale
        painter.setPen(_cosmetic("#000000", 3.0))
        painter.drawLine(QPointF(-arm, 0), QPointF(arm, 0))
        painter.drawLine(QPointF(0, -arm), QPointF(0, arm))
        painter.setPen(_cosmetic("#ffffff", 1.0))
        painter.drawLine(QPointF(-arm, 0), QPointF(arm, 0))
        painter.drawLine(QPointF(0, -arm), QPointF(0, arm))


def selection_outline() -> QGraphicsPathItem:
    """The marching outline shown while a rectangle or lasso is drawn."""
    item = QGraphicsPathItem()
    item.setPen(_cosmetic("#ffffff", 1.5, Qt.PenStyle.DashLine))
    item.setBrush(QColor(255, 59, 107, 50))
    item.setZValue(15)
    item.hide()
    return item
