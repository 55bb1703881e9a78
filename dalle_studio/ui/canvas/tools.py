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


CORNER_REACH = 10  # screen pixels around a frame corner or edge that grab it, at any zoom
SNAP = 8  # screen pixels within which a frame edge snaps to the picture's edge


class FrameHandler(Handler):
    """Drag a corner of the frame to resize it (in its shape), an edge to move that edge (a fixed shape follows,
    centred), inside it to move it, elsewhere to draw a new one in the chosen shape. Edges near the picture's edges
    snap to them, so a frame meant to cover the picture does not fall a few pixels short."""

    def __init__(self, document: Document, tools: CanvasTools, preview: Callable[[QRect | None], None],
                 zoom: Callable[[], float]) -> None:
        self._document = document
        self._tools = tools
        self._preview = preview
        self._zoom = zoom
        self._start: QPointF | None = None
        self._anchor: QPointF | None = None  # the fixed corner while resizing
        self._moving = False
        self._edge = ""  # "left", "right", "top" or "bottom" while an edge is dragged
        self._rect = QRect()

    @property
    def active(self) -> bool:
        return self._start is not None

    def press(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._document.is_empty:
            return
        self._start = QPointF(pos)
        self._rect = self._document.frame
        self._anchor = self._opposite_corner(pos)
        self._edge = self._edge_at(pos) if self._anchor is None else ""
        self._moving = self._anchor is None and not self._edge and self._rect.contains(pos.toPoint())

    def move(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._start is None:
            return
        if self._moving:
            delta = (pos - self._start).toPoint()
            self._rect = self._snap_move(self._document.frame.translated(delta))
        elif self._edge:
            self._rect = self._drag_edge(pos - self._start)
        elif self._anchor is not None:
            self._rect = drag_shape(self._anchor.toPoint(), self._snap_point(pos).toPoint(), self._tools.frame_shape)
        else:
            self._rect = drag_shape(self._start.toPoint(), pos.toPoint(), self._tools.frame_shape)
        self._preview(self._rect)

    def release(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._start is None:
            return
        self.move(pos, event)
        rect = QRect(self._rect)
        text = "Move frame" if self._moving else "Resize frame" if self._anchor or self._edge else "Draw frame"
        self.cancel()
        if rect.width() >= 8 and rect.height() >= 8:
            self._document.set_frame(rect, text)

    def cancel(self) -> None:
        self._start = None
        self._anchor = None
        self._edge = ""
        self._preview(None)

    def hover_cursor(self, pos: QPointF) -> Qt.CursorShape:
        """The pointer shape that says what a press at ``pos`` would do."""
        opposite = self._opposite_corner(pos)
        if opposite is not None:
            same_sign = (pos.x() - opposite.x()) * (pos.y() - opposite.y()) > 0
            return Qt.CursorShape.SizeFDiagCursor if same_sign else Qt.CursorShape.SizeBDiagCursor
        edge = self._edge_at(pos)
        if edge:
            return Qt.CursorShape.SizeHorCursor if edge in ("left", "right") else Qt.CursorShape.SizeVerCursor
        if self._document.frame.contains(pos.toPoint()):
            return Qt.CursorShape.SizeAllCursor
        return Qt.CursorShape.CrossCursor

    def _opposite_corner(self, pos: QPointF) -> QPointF | None:
        """The corner opposite the one under ``pos``, or None when no corner is within reach."""
        frame = QRectF(self._document.frame)
        reach = CORNER_REACH / max(self._zoom(), 1e-6)
        corners = [(frame.topLeft(), frame.bottomRight()), (frame.topRight(), frame.bottomLeft()),
                   (frame.bottomLeft(), frame.topRight()), (frame.bottomRight(), frame.topLeft())]
        for corner, opposite in corners:
            if abs(pos.x() - corner.x()) <= reach and abs(pos.y() - corner.y()) <= reach:
                return opposite
        return None

    def _reach(self, pixels: float) -> float:
        return pixels / max(self._zoom(), 1e-6)

    def _edge_at(self, pos: QPointF) -> str:
        """The frame edge within reach of ``pos`` (corners are looked for first), or ""."""
        frame = QRectF(self._document.frame)
        reach = self._reach(CORNER_REACH)
        across_x = frame.left() - reach <= pos.x() <= frame.right() + reach
        across_y = frame.top() - reach <= pos.y() <= frame.bottom() + reach
        distances = {"left": abs(pos.x() - frame.left()) if across_y else None,
                     "right": abs(pos.x() - frame.right()) if across_y else None,
                     "top": abs(pos.y() - frame.top()) if across_x else None,
                     "bottom": abs(pos.y() - frame.bottom()) if across_x else None}
        near = [(d, side) for side, d in distances.items() if d is not None and d <= reach]
        return min(near)[1] if near else ""

    def _drag_edge(self, delta: QPointF) -> QRect:
        """The frame with its grabbed edge moved by ``delta`` (where it was grabbed stays under the pointer),
        snapped to the picture's edge nearby; a fixed shape keeps its aspect around the same centre."""
        frame = self._document.frame
        left, top, right, bottom = frame.left(), frame.top(), frame.right() + 1, frame.bottom() + 1
        moved = self._snap_point(QPointF({"left": left, "right": right}.get(self._edge, 0) + delta.x(),
                                         {"top": top, "bottom": bottom}.get(self._edge, 0) + delta.y()))
        x, y = round(moved.x()), round(moved.y())
        if self._edge == "left":
            left = min(x, right - 8)
        elif self._edge == "right":
            right = max(x, left + 8)
        elif self._edge == "top":
            top = min(y, bottom - 8)
        else:
            bottom = max(y, top + 8)
        rect = QRect(left, top, right - left, bottom - top)
        shape = self._tools.frame_shape.size
        if shape is not None:
            centre = frame.center()
            if self._edge in ("left", "right"):
                height = round(rect.width() * shape.height() / shape.width())
                rect = QRect(rect.left(), centre.y() - height // 2 + 1, rect.width(), height)
            else:
                width = round(rect.height() * shape.width() / shape.height())
                rect = QRect(centre.x() - width // 2 + 1, rect.top(), width, rect.height())
        return rect

    def _snap_point(self, pos: QPointF) -> QPointF:
        """``pos`` pulled onto the picture's edges when it is within a few screen pixels of them."""
        picture = QRectF(self._document.rect)
        snap = self._reach(SNAP)
        x, y = pos.x(), pos.y()
        for edge in (picture.left(), picture.right()):
            if abs(x - edge) <= snap:
                x = edge
        for edge in (picture.top(), picture.bottom()):
            if abs(y - edge) <= snap:
                y = edge
        return QPointF(x, y)

    def _snap_move(self, rect: QRect) -> QRect:
        """A moved frame whose edge comes within a few screen pixels of the picture's edge lines up with it."""
        picture = self._document.rect
        snap = self._reach(SNAP)
        dx = next((b - a for a, b in ((rect.left(), picture.left()), (rect.right(), picture.right()))
                   if abs(b - a) <= snap), 0)
        dy = next((b - a for a, b in ((rect.top(), picture.top()), (rect.bottom(), picture.bottom()))
                   if abs(b - a) <= snap), 0)
        return rect.translated(dx, dy)
