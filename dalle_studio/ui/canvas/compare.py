"""Compare: a before/after split over the canvas, with a divider the artist drags (View > Compare, key C).

Two comparisons, chosen by what there is to compare when it is shown:
- a staged result (previewed on the canvas from the staging strip) against the picture: left of the divider the
  picture, right of it the result;
- otherwise the picture against the one before its last change (an accepted result): left before, right now.
Both sides show plain pictures (no mask tint), at any zoom; the divider stays put in picture coordinates.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.checkerboard import checkerboard_brush
from dalle_studio.ui.canvas.result_preview import ResultPreview
from dalle_studio.ui.canvas.view import CanvasView

GRAB_PX = 8  # on screen: how near the divider a press grabs it


class _Side(QGraphicsItem):
    """One picture, shown only on one side of the divider, over a checkerboard that also fills the part of the
    compared region it does not cover (a picture before the canvas grew is smaller than the one after)."""

    def __init__(self, compare: Compare, left: bool, z: float) -> None:
        super().__init__()
        self._compare = compare
        self._left = left
        self.image = QImage()
        self._at = QPointF()
        self._region = QRectF()
        self._checker = checkerboard_brush()
        self.setZValue(z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def set_image(self, image: QImage, at: QPoint, region: QRectF | None = None) -> None:
        self.prepareGeometryChange()
        self.image = image
        self._at = QPointF(at)
        self._region = QRectF(region) if region is not None else QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self.image.rect()).translated(self._at).united(self._region)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.image.isNull():
            return
        split = self._compare.divider
        bounds = self.boundingRect()
        side = QRectF(bounds.left(), bounds.top(), split - bounds.left(), bounds.height()) if self._left else \
            QRectF(split, bounds.top(), bounds.right() - split, bounds.height())
        shown = side.intersected(option.exposedRect)
        if shown.isEmpty():
            return
        painter.save()  # the view does not save painter state between items (DontSavePainterState)
        painter.setClipRect(side, Qt.ClipOperation.IntersectClip)
        device = painter.worldTransform().mapRect(shown)
        painter.save()
        painter.resetTransform()  # the checkerboard keeps its size on screen, as the canvas's
        painter.setBrushOrigin(0, 0)
        painter.fillRect(device, self._checker)
        painter.restore()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, painter.worldTransform().m11() < 1.0)
        picture = shown.intersected(QRectF(self.image.rect()).translated(self._at)).toAlignedRect()
        if not picture.isEmpty():
            painter.drawImage(picture, self.image, picture.translated(-self._at.toPoint()))
        painter.restore()


class _Divider(QGraphicsItem):
    """The divider line with its handle and the two sides' names, at screen size whatever the zoom."""

    def __init__(self, compare: Compare) -> None:
        super().__init__()
        self._compare = compare
        self.bounds = QRectF()
        self.setZValue(12)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_bounds(self, bounds: QRectF) -> None:
        self.prepareGeometryChange()
        self.bounds = QRectF(bounds)

    def boundingRect(self) -> QRectF:
        return self.bounds.adjusted(-400, -4, 400, 4)  # room for the labels at any zoom

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        x = self._compare.divider
        top, bottom = self.bounds.top(), self.bounds.bottom()
        scale = painter.worldTransform().m11() or 1.0
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for color, width in (("#000000", 3.0), ("#ffffff", 1.5)):
            pen = QPen(QColor(color), width)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))
        painter.save()
        painter.translate(x, (top + bottom) / 2)
        painter.scale(1 / scale, 1 / scale)
        painter.setPen(QPen(QColor("#000000"), 1.5))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(QPointF(0, 0), 9, 9)
        painter.drawLine(QPointF(-4, 0), QPointF(-1, -3))
        painter.drawLine(QPointF(-4, 0), QPointF(-1, 3))
        painter.drawLine(QPointF(4, 0), QPointF(1, -3))
        painter.drawLine(QPointF(4, 0), QPointF(1, 3))
        painter.restore()
        painter.save()
        painter.translate(x, top)
        painter.scale(1 / scale, 1 / scale)
        metrics = painter.fontMetrics()
        for text, left in ((self._compare.labels[0], True), (self._compare.labels[1], False)):
            width = metrics.horizontalAdvance(text) + 12
            box = QRectF(-width - 6 if left else 6, 6, width, metrics.height() + 4)
            painter.fillRect(box, QColor(0, 0, 0, 160))
            painter.setPen(QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
        painter.restore()


class Compare(QObject):
    """The before/after split of one canvas. ``toggle`` shows or hides it; the divider follows the mouse."""

    shown_changed = Signal(bool)
    message = Signal(str)

    def __init__(self, view: CanvasView, document: Document) -> None:
        super().__init__(view)
        self._view = view
        self._document = document
        self._preview: ResultPreview | None = None
        self.divider = 0.0
        self.labels = ("Before", "After")
        self.mode = ""  # "", "staged" or "accepted"
        self._left = _Side(self, True, 6)  # above a staged result's preview (z 5)
        self._right = _Side(self, False, 4)  # below it, hiding the mask tint
        self._line = _Divider(self)
        for item in (self._left, self._right, self._line):
            item.hide()
            view.scene().addItem(item)
        self._dragging = False
        self._cursor: QCursor | None = None
        # the picture before its last change, and where it lies now (the canvas may have grown since)
        self._current = QImage(document.image)
        self._before = QImage()
        self._before_at = QPoint()
        self._moved = QPoint()
        document.image_replaced.connect(self._on_image_replaced)
        document.canvas_resized.connect(self._on_canvas_resized)
        document.undo_stack.indexChanged.connect(self._on_history)
        view.viewport().installEventFilter(self)

    @property
    def shown(self) -> bool:
        return bool(self.mode)

    def watch_preview(self, preview: ResultPreview) -> None:
        """Compare against what ``preview`` stages on the canvas, when it shows something."""
        self._preview = preview
        preview.listeners.append(self._refresh)

    # -- showing ------------------------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.shown:
            self.hide()
            return
        mode = self._available()
        if not mode:
            self.message.emit("Nothing to compare yet: preview a result from the staging strip, or accept one.")
            return
        self._show(mode, centre=True)

    def hide(self) -> None:
        for item in (self._left, self._right, self._line):
            item.hide()
        self._left.set_image(QImage(), QPoint())
        self._right.set_image(QImage(), QPoint())
        self._dragging = False
        if self.mode:
            self.mode = ""
            self.shown_changed.emit(False)

    def _available(self) -> str:
        if self._preview is not None and self._preview.visible:
            return "staged"
        if not self._before.isNull() and not self._document.is_empty:
            return "accepted"
        return ""

    def _show(self, mode: str, centre: bool = False) -> None:
        doc = self._document
        if mode == "staged":
            region = self._preview.bounds()
            self._left.set_image(doc.image, QPoint(), region)
            self.labels = ("Picture", "Result")
        else:
            region = QRectF(doc.rect).united(QRectF(self._before.rect()).translated(QPointF(self._before_at)))
            self._left.set_image(self._before, self._before_at, region)
            self.labels = ("Before", "After")
        self._right.set_image(doc.image, QPoint(), region)
        self._line.set_bounds(region)
        if centre or not (region.left() <= self.divider <= region.right()):
            visible = self._view.to_scene(QPointF(self._view.viewport().rect().center())).x()
            self.divider = min(max(visible, region.left()), region.right()) if region.width() else region.left()
        was = self.mode
        self.mode = mode
        for item in (self._left, self._right, self._line):
            item.show()
            item.update()
        if not was:
            self.shown_changed.emit(True)

    def _refresh(self) -> None:
        """What is compared may have changed (a result previewed, accepted, or taken back)."""
        if not self.shown:
            return
        mode = self._available()
        if mode:
            self._show(mode)
        else:
            self.hide()

    def set_divider(self, x: float) -> None:
        """Put the divider at ``x`` (picture pixels), within the compared region."""
        bounds = self._line.bounds
        self.divider = min(max(x, bounds.left()), bounds.right())
        for item in (self._left, self._right, self._line):
            item.update()

    # -- the picture's history -----------------------------------------------------------------------------
    def _on_image_replaced(self) -> None:
        self._current = QImage(self._document.image)
        self._before = QImage()
        self._moved = QPoint()
        self.hide()

    def _on_canvas_resized(self, offset: QPoint) -> None:
        self._moved += offset

    def _on_history(self, _index: int) -> None:
        image = self._document.image
        if image.cacheKey() != self._current.cacheKey():
            # holding the old picture costs one copy when the document next writes its pixels: only on accepts
            self._before, self._before_at = self._current, QPoint(self._moved)
            self._current = QImage(image)
            self._moved = QPoint()
        self._refresh()

    # -- dragging the divider -------------------------------------------------------------------------------
    def _near(self, pos: QPointF) -> bool:
        x = self._view.viewportTransform().map(QPointF(self.divider, 0)).x()
        return self.shown and abs(pos.x() - x) <= GRAB_PX

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not isinstance(event, QMouseEvent) or not self.shown:
            return False
        pos = event.position()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton and self._near(pos):
            self._dragging = True
            return True
        if kind == QEvent.Type.MouseMove:
            if self._dragging:
                self.set_divider(self._view.to_scene(pos).x())
                return True
            self._hover(self._near(pos))
            return False
        if kind == QEvent.Type.MouseButtonRelease and self._dragging:
            self._dragging = False
            self.set_divider(self._view.to_scene(pos).x())
            return True
        return False

    def _hover(self, near: bool) -> None:
        viewport = self._view.viewport()
        if near and self._cursor is None:
            self._cursor = viewport.cursor()
            viewport.setCursor(Qt.CursorShape.SplitHCursor)
        elif not near and self._cursor is not None:
            viewport.setCursor(self._cursor)
            self._cursor = None
