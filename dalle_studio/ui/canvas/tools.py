"""What each canvas tool does with the pointer. Positions are in picture pixels (scene coordinates).

A handler turns one press-move-release gesture into one document change (one undo step); ``cancel`` (Escape,
or a lost grab) takes a gesture back without a trace.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QMouseEvent, QPainterPath, QPolygonF
from PySide6.QtWidgets import QGraphicsPathItem

from dalle_studio.document.document import Document
from dalle_studio.document.frame import drag_shape
from dalle_studio.document.stroke import MaskStroke
from dalle_studio.ui.canvas.tool_state import CanvasTools, Tool


def _erasing(event: QMouseEvent, tools: CanvasTools) -> bool:
    """Eraser tool, right button, or Alt held: take mask away instead of adding it."""
    flip = bool(event.buttons() & Qt.MouseButton.RightButton or event.button() == Qt.MouseButton.RightButton
                or event.modifiers() & Qt.KeyboardModifier.AltModifier)
    return (tools.tool == Tool.ERASER) != flip


class Handler:
    """The default: a tool that ignores the pointer."""

    def press(self, pos: QPointF, event: QMouseEvent) -> None: ...

    def move(self, pos: QPointF, event: QMouseEvent) -> None: ...

    def release(self, pos: QPointF, event: QMouseEvent) -> None: ...

    def cancel(self) -> None: ...

    @property
    def active(self) -> bool:
        return False


class BrushHandler(Handler):
    """Brush and eraser: a drag is one stroke; Shift-click draws a straight line from the last stroke's end."""

    def __init__(self, document: Document, tools: CanvasTools) -> None:
        self._document = document
        self._tools = tools
        self._stroke: MaskStroke | None = None
        self._last_end: QPointF | None = None
        document.image_replaced.connect(self._forget)
        document.canvas_resized.connect(self._forget)

    @property
    def active(self) -> bool:
        return self._stroke is not None and self._stroke.is_open

    def press(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._document.is_empty:
            return
        self._stroke = self._document.begin_stroke(self._tools.tip, erase=_erasing(event, self._tools))
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if shift and self._last_end is not None:
            self._stroke.move_to(self._last_end)
        self._stroke.move_to(pos)

    def move(self, pos: QPointF, event: QMouseEvent) -> None:
        if self.active:
            self._stroke.move_to(pos)

    def release(self, pos: QPointF, event: QMouseEvent) -> None:
        if self.active:
            self._stroke.move_to(pos)
            self._stroke.commit()
            self._last_end = QPointF(pos)
        self._stroke = None

    def cancel(self) -> None:
        if self.active:
            self._stroke.abort()
        self._stroke = None

    def _forget(self, *_args: object) -> None:
        self._last_end = None
        self._stroke = None


class AreaHandler(Handler):
    """Rectangle (Shift: square) or lasso: the area inside is marked to regenerate (to keep with right button,
    Alt or the eraser)."""

    def __init__(self, document: Document, tools: CanvasTools, outline: QGraphicsPathItem, lasso: bool) -> None:
        self._document = document
        self._tools = tools
        self._outline = outline
        self._lasso = lasso
        self._points: list[QPointF] = []
        self._erase = False

    @property
    def active(self) -> bool:
        return bool(self._points)

    def press(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._document.is_empty:
            return
        self._points = [QPointF(pos)]
        self._erase = _erasing(event, self._tools)
        self._show(pos, event)

    def move(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._points:
            if self._lasso:
                self._points.append(QPointF(pos))
            self._show(pos, event)

    def release(self, pos: QPointF, event: QMouseEvent) -> None:
        if not self._points:
            return
        path = self._path(pos, event)
        self.cancel()
        if not path.boundingRect().isEmpty():
            self._document.fill_mask(path, erase=self._erase,
                                     text=("Unmask " if self._erase else "Mask ") + ("lasso" if self._lasso else
                                                                                   "rectangle"))

    def cancel(self) -> None:
        self._points = []
        self._outline.hide()

    def _path(self, pos: QPointF, event: QMouseEvent) -> QPainterPath:
        path = QPainterPath()
        if self._lasso:
            path.addPolygon(QPolygonF([*self._points, pos]))
            path.closeSubpath()
            return path
        start = self._points[0]
        end = QPointF(pos)
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            side = max(abs(end.x() - start.x()), abs(end.y() - start.y()))
            end = QPointF(start.x() + side * (1 if end.x() >= start.x() else -1),
                          start.y() + side * (1 if end.y() >= start.y() else -1))
        # rectangles snap to whole pixels, so they mark exactly the pixels they cover
        rect = QRectF(start, end).normalized()
        path.addRect(QRectF(QPointF(round(rect.left()), round(rect.top())),
                            QPointF(round(rect.right()), round(rect.bottom()))))
        return path

    def _show(self, pos: QPointF, event: QMouseEvent) -> None:
        self._outline.setPath(self._path(pos, event))
        self._outline.show()


class FrameHandler(Handler):
    """Drag inside the frame to move it; drag elsewhere to draw a new one in the chosen shape."""

    def __init__(self, document: Document, tools: CanvasTools, preview: Callable[[QRect | None], None]) -> None:
        self._document = document
        self._tools = tools
        self._preview = preview
        self._start: QPointF | None = None
        self._moving = False
        self._rect = QRect()

    @property
    def active(self) -> bool:
        return self._start is not None

    def press(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._document.is_empty:
            return
        self._start = QPointF(pos)
        self._moving = self._document.frame.contains(pos.toPoint())
        self._rect = self._document.frame

    def move(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._start is None:
            return
        if self._moving:
            delta = (pos - self._start).toPoint()
            self._rect = self._document.frame.translated(delta)
        else:
            self._rect = drag_shape(self._start.toPoint(), pos.toPoint(), self._tools.frame_shape)
        self._preview(self._rect)

    def release(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._start is None:
            return
        self.move(pos, event)
        rect = QRect(self._rect)
        moving = self._moving
        self.cancel()
        if rect.width() >= 8 and rect.height() >= 8:
            self._document.set_frame(rect, "Move frame" if moving else "Draw frame")

    def cancel(self) -> None:
        self._start = None
        self._preview(None)
