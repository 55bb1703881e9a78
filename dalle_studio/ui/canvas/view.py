"""The canvas view: the document's picture and mask, sharp at any zoom, over a checkerboard; the tools' input.

Navigation: Ctrl+wheel and pinch zoom to the pointer; +/-, fit and 100 % from the View menu; pan with space-drag,
middle-drag, the wheel and the scroll bars. Painting: the active tool (see ``tools.py``) gets the left button
(and the right one, which erases). Escape cancels a gesture.
The view keeps no document state: it repaints the regions the document says changed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPalette,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QPinchGesture, QWidget

from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.checkerboard import checkerboard_brush
from dalle_studio.ui.canvas.composite import Composite
from dalle_studio.ui.canvas.items import BrushOutline, DraftItem, FrameItem, PictureItem, selection_outline
from dalle_studio.ui.canvas.mipmaps import Mipmaps
from dalle_studio.ui.canvas.space_pan import SpacePan
from dalle_studio.ui.canvas.tool_state import CanvasTools, Tool
from dalle_studio.ui.canvas.tools import AreaHandler, BrushHandler, FrameHandler, Handler

ZOOM_STEPS = (0.05, 0.0625, 0.083, 0.125, 0.167, 0.25, 0.333, 0.5, 0.667, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0,
              32.0)


class CanvasView(QGraphicsView):
    """Shows ``document`` as ``tools`` say, and turns pointer input into document edits."""

    zoom_changed = Signal(float)

    def __init__(self, document: Document, tools: CanvasTools, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.tools = tools
        self.setObjectName("canvas")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setBackgroundRole(QPalette.ColorRole.Dark)
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.composite = Composite(document, tools)
        self.picture_item = PictureItem(self._shown)
        self.frame_item = FrameItem()
        self.outline = BrushOutline()
        self.outline.hide()
        self.selection = selection_outline()
        for item in (self.picture_item, self.frame_item, self.selection, self.outline):
            self._scene.addItem(item)
        self._checker = checkerboard_brush()
        self._handlers: dict[Tool, Handler] = {
            Tool.BRUSH: BrushHandler(document, tools),
            Tool.RECTANGLE: AreaHandler(document, tools, self.selection, lasso=False),
            Tool.LASSO: AreaHandler(document, tools, self.selection, lasso=True),
            Tool.FRAME: FrameHandler(document, tools, self._preview_frame, lambda: self._zoom),
        }
        self._handlers[Tool.ERASER] = self._handlers[Tool.BRUSH]
        self._gesture: Handler | None = None
        self._pan_from: QPointF | None = None
        self._space = False
        self._space_pan = SpacePan(self.viewport(), self, self.hold_space)
        self._zoom = 1.0
        self._fit_pending = True
        self._draft: DraftItem | None = None
        document.image_replaced.connect(self._on_image_replaced)
        document.canvas_resized.connect(self._on_canvas_resized)
        document.mask_changed.connect(self._on_region_changed)
        document.picture_changed.connect(self._on_region_changed)
        document.frame_changed.connect(self._on_frame_changed)
        tools.changed.connect(self._on_tools_changed)
        self._on_image_replaced()
        self._update_cursor()

    @property
    def zoom(self) -> float:
        return self._zoom

    def shown_image(self) -> QImage:
        """What the canvas shows of the picture: the composite, or the plain picture while the mask is hidden."""
        return self._shown()[0]

    def _shown(self) -> tuple[QImage, Mipmaps | None]:
        if self.tools.mask_visible:
            return self.composite.image, self.composite.mipmaps
        return self.document.image, None

    # -- document and tool events -----------------------------------------------------------------------------
    def show_draft(self, image: QImage, width: int, height: int) -> None:
        """Until the document has a picture: ``image``, a reduced decode of the picture being opened, drawn at
        the picture's size (``width`` x ``height``) and fitted, so it is on screen while the full decode runs."""
        if not self.document.is_empty:
            return
        if self._draft is not None:
            self._scene.removeItem(self._draft)
        self._draft = DraftItem(image, width, height)
        self._draft.setZValue(-1)  # under the frame and outlines, as the picture is
        self._scene.addItem(self._draft)
        self._update_scene_rect()
        self.fit()

    def _on_image_replaced(self) -> None:
        if self._draft is not None:  # the picture itself is here
            self._scene.removeItem(self._draft)
            self._draft = None
        self._cancel_gesture()
        self.composite.rebuild()
        self.picture_item.resized()
        self._on_frame_changed()
        self.fit()

    def _on_canvas_resized(self, offset: QPoint) -> None:
        self._cancel_gesture()
        self.composite.rebuild()
        self.picture_item.resized()
        self._update_scene_rect()
        # keep the picture where it was on screen
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + round(offset.x() * self._zoom))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + round(offset.y() * self._zoom))

    def _on_region_changed(self, rect: QRect) -> None:
        if self.composite.image.size() != self.document.size:
            return  # a resize is under way; canvas_resized rebuilds everything
        shown = self.composite.update(rect)
        if not shown.isEmpty():
            self.picture_item.update(QRectF(shown))

    def _on_frame_changed(self, *_args: object) -> None:
        self._show_frame(self.document.frame)
        self._update_scene_rect()

    def _show_frame(self, rect: QRect) -> None:
        if self.document.is_empty:
            self.frame_item.set_frame(QRect(), "", QRectF())
            return
        send = self.tools.frame_sizes.send_size(rect.size())
        label = f"{rect.width()} × {rect.height()} → {send.width()} × {send.height()}"
        self.frame_item.set_frame(rect, label, QRectF(self.document.rect))

    def _preview_frame(self, rect: QRect | None) -> None:
        self._show_frame(rect if rect is not None else self.document.frame)

    def _on_tools_changed(self, what: str) -> None:
        if what == "display":
            if self.composite.stale():
                self.composite.rebuild()
            self.picture_item.update()
        elif what in ("frame_sizes", "frame_shape"):
            self._show_frame(self.document.frame)
        elif what == "tool":
            self._cancel_gesture()
        self._update_cursor()

    # -- drawing --------------------------------------------------------------------------------------------
    def content_rect(self) -> QRectF:
        """The picture and the frame, in scene coordinates."""
        if self.document.is_empty:
            return self._draft.boundingRect() if self._draft is not None else QRectF()
        return QRectF(self.document.rect).united(QRectF(self.document.frame))

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, self.palette().color(QPalette.ColorRole.Dark))
        content = self.content_rect()
        if content.isEmpty():
            self._draw_empty_state(painter)
            return
        # the checkerboard keeps its size on screen at every zoom
        painter.save()
        device = painter.worldTransform().mapRect(content.intersected(rect))
        painter.resetTransform()
        painter.setBrushOrigin(0, 0)
        painter.fillRect(device, self._checker)
        painter.restore()

    def _draw_empty_state(self, painter: QPainter) -> None:
        """With no picture open: how to get one, in the middle of the canvas."""
        painter.save()
        painter.resetTransform()
        painter.setPen(self.palette().color(QPalette.ColorRole.BrightText))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter,
                         "Open a picture to paint on\n\nFile > Open (Ctrl+O), drop a file here, paste one (Ctrl+V),\n"
                         "File > Open sample image, or File > New canvas (Ctrl+N)")
        painter.restore()

    def _update_scene_rect(self) -> None:
        content = self.content_rect()
        if content.isEmpty():
            self._scene.setSceneRect(QRectF())
            return
        # room to bring any corner of the picture to the middle of the window, at the current zoom
        mx = self.viewport().width() / self._zoom / 2
        my = self.viewport().height() / self._zoom / 2
        self._scene.setSceneRect(content.adjusted(-mx, -my, mx, my))

    # -- zoom -----------------------------------------------------------------------------------------------
    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``zoom`` (1 = 100 %), keeping the picture point under ``anchor`` (a viewport position,
        default its centre) where it is."""
        zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        fixed = self.to_scene(anchor)
        self._zoom = zoom
        self.setTransform(QTransform.fromScale(zoom, zoom))
        self._update_scene_rect()
        moved = self.viewportTransform().map(fixed) - anchor
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + round(moved.x()))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + round(moved.y()))
        self.zoom_changed.emit(zoom)

    def zoom_in(self) -> None:
        """The next zoom step, around the pointer when it is over the canvas (else the centre)."""
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom * 1.001), ZOOM_STEPS[-1]), self._pointer())

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom / 1.001), ZOOM_STEPS[0]),
                      self._pointer())

    def _pointer(self) -> QPointF | None:
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        return QPointF(pos) if self.viewport().rect().contains(pos) else None

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Show the whole picture and frame, as large as the window allows."""
        content = self.content_rect()
        view = self.viewport().rect().adjusted(12, 12, -12, -12)
        if content.isEmpty() or view.isEmpty():
            return
        self.set_zoom(min(view.width() / content.width(), view.height() / content.height()))
        self.centerOn(content.center())

    def to_scene(self, pos: QPointF) -> QPointF:
        """A viewport position in picture pixels, with sub-pixel precision."""
        return self.viewportTransform().inverted()[0].map(QPointF(pos))

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y() or event.pixelDelta().y()
            if delta:
                self.set_zoom(self._zoom * (1.0015 ** delta), event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Enter, QEvent.Type.MouseMove, QEvent.Type.HoverMove):
            self._space_pan.pointer_over(True)
        elif kind == QEvent.Type.Leave:
            self._space_pan.pointer_over(False)
        if (isinstance(event, QNativeGestureEvent)
                and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture):
            self.set_zoom(self._zoom * (1 + event.value()), event.position())
            return True
        if kind == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                centre = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                self.set_zoom(self._zoom * pinch.scaleFactor(), QPointF(centre))
                return True
        return super().viewportEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_scene_rect()
        if self._draft is not None:  # the panels are still settling around a picture that is opening
            self.fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_pending:
            self._fit_pending = False
            self.fit()

    # -- pointer --------------------------------------------------------------------------------------------
    def _handler(self) -> Handler:
        return self._handlers.get(self.tools.tool) or Handler()

    def set_handler(self, tool: Tool, handler: Handler) -> None:
        """Let ``handler`` take the pointer for ``tool`` (tools that need more than the document, e.g. a worker)."""
        self._handlers[tool] = handler

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space):
            self._pan_from = event.position()
            self._update_cursor()
        elif button in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton) and self._gesture is None:
            self._gesture = self._handler()
            self._gesture.press(self.to_scene(event.position()), event)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = self.to_scene(event.position())
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))
        elif self._gesture is not None:
            self._gesture.move(pos, event)
        elif self.tools.tool == Tool.FRAME and not self._space and not self.document.is_empty:
            frame_tool = self._handlers[Tool.FRAME]
            if isinstance(frame_tool, FrameHandler):
                self.viewport().setCursor(frame_tool.hover_cursor(pos))
        self._place_outline(pos)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan_from = None
            self._update_cursor()
        elif self._gesture is not None and not event.buttons() & (Qt.MouseButton.LeftButton |
                                                                 Qt.MouseButton.RightButton):
            gesture, self._gesture = self._gesture, None
            gesture.release(self.to_scene(event.position()), event)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)

    def _cancel_gesture(self) -> None:
        if self._gesture is not None:
            gesture, self._gesture = self._gesture, None
            gesture.cancel()

    def _place_outline(self, pos: QPointF) -> None:
        show = self.tools.tool.paints and self._pan_from is None and not self._space and self.underMouse()
        if show:
            self.outline.set_brush(self.tools.brush_size, self.tools.tool == Tool.ERASER)
            self.outline.setPos(pos)
        self.outline.setVisible(show)

    def leaveEvent(self, event: QEvent) -> None:
        self.outline.hide()
        super().leaveEvent(event)

    def _update_cursor(self) -> None:
        if self._pan_from is not None:
            shape = Qt.CursorShape.ClosedHandCursor
        elif self._space:
            shape = Qt.CursorShape.OpenHandCursor
        elif self.tools.tool.paints:
            shape = Qt.CursorShape.BlankCursor  # the brush outline is the cursor
        elif self.tools.tool == Tool.FRAME:
            shape = Qt.CursorShape.SizeAllCursor
        else:
            shape = Qt.CursorShape.CrossCursor
        self.viewport().setCursor(shape)
        if self.tools.tool.paints:
            self.outline.set_brush(self.tools.brush_size, self.tools.tool == Tool.ERASER)
        else:
            self.outline.hide()

    # -- keys -----------------------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # Escape in the middle of a gesture is the gesture's, before any window shortcut (Cancel the newest job)
        # takes it: the artist means the stroke, and a running job may already be paid for.
        if (event.type() == QEvent.Type.ShortcutOverride and self._gesture is not None
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.isAutoRepeat() and event.key() == Qt.Key.Key_Space:
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space:
            self.hold_space(True)
        elif event.key() == Qt.Key.Key_Escape:
            self._cancel_gesture()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.isAutoRepeat():
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space:
            self.hold_space(False)
        else:
            super().keyReleaseEvent(event)
            return
        event.accept()

    def hold_space(self, held: bool) -> None:
        """Space held: the left button pans (from the canvas's own keys, or from :class:`SpacePan` when another
        widget has the focus)."""
        self._space = held
        if held:
            self.outline.hide()
        self._update_cursor()

    def focusOutEvent(self, event) -> None:
        self._space = False
        self._update_cursor()
        super().focusOutEvent(event)


__all__ = ["ZOOM_STEPS", "CanvasView"]
