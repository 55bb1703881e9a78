"""Select object and the magic wand: what they do with the pointer. Positions are picture pixels.

Select object: a straight drag is a box around the object; a wandering drag or a click is a stroke on it, a
right-button drag a stroke on the background. Strokes refine the selection begun by the last box (each refinement
is one undo step that replaces the previous one); a box starts a new selection. Magic wand: a click selects the
region of similar colour. For both, Shift adds to the mask, Alt subtracts, Shift+Alt intersects, and otherwise
the toolbar's mode applies; the wand's right button subtracts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent, QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QGraphicsPathItem

from dalle_studio.document import pixels
from dalle_studio.document.colour_select import magic_wand
from dalle_studio.document.document import Document
from dalle_studio.document.select_object import Seeds, Stroke, select_object
from dalle_studio.document.selection import Combine
from dalle_studio.ui.canvas.selection_runner import Picture, SelectionRunner
from dalle_studio.ui.canvas.tool_state import CanvasTools
from dalle_studio.ui.canvas.tools import Handler

STROKE_PX = 10  # on screen: the width of a seed stroke
CLICK_PX = 6  # on screen: a drag shorter than this is a click


def mode_for(modifiers: Qt.KeyboardModifier, default: Combine) -> Combine:
    """Shift adds, Alt subtracts, both intersect (as Photoshop and Krita); otherwise ``default``."""
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    if shift and alt:
        return Combine.INTERSECT
    if shift:
        return Combine.ADD
    if alt:
        return Combine.SUBTRACT
    return default


def is_box(points: list[QPointF], zoom: float) -> bool:
    """A drag that runs nearly straight from corner to corner is a box; anything that wanders is a stroke."""
    start, end = points[0], points[-1]
    dx, dy = end.x() - start.x(), end.y() - start.y()
    length = math.hypot(dx, dy)
    if length * zoom < CLICK_PX or min(abs(dx), abs(dy)) < 4:
        return False
    deviation = max(abs((p.x() - start.x()) * dy - (p.y() - start.y()) * dx) / length for p in points)
    return deviation <= 0.15 * length


@dataclass
class _Session:
    """One object being selected: its seeds so far, and the mask it started from."""

    seeds: Seeds
    base: np.ndarray
    mode: Combine
    generation: int
    index: int  # the undo stack's index after this session's last change


class SelectObjectHandler(Handler):
    """Box or strokes -> GrabCut in a worker -> the object's outline as mask."""

    def __init__(self, document: Document, tools: CanvasTools, runner: SelectionRunner, outline: QGraphicsPathItem,
                 zoom: Callable[[], float]) -> None:
        self._document = document
        self._tools = tools
        self._runner = runner
        self._outline = outline
        self._zoom = zoom
        self._points: list[QPointF] = []
        self._background = False
        self._modifiers = Qt.KeyboardModifier.NoModifier
        self.session: _Session | None = None
        document.image_replaced.connect(self._forget)

    @property
    def active(self) -> bool:
        return bool(self._points)

    def press(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._document.is_empty:
            return
        self._points = [QPointF(pos)]
        self._background = bool(event.button() == Qt.MouseButton.RightButton)
        self._modifiers = event.modifiers()
        self._show()

    def move(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._points:
            self._points.append(QPointF(pos))
            self._show()

    def release(self, pos: QPointF, event: QMouseEvent) -> None:
        if not self._points:
            return
        self._points.append(QPointF(pos))
        points, background, modifiers = self._points, self._background, self._modifiers
        self.cancel()
        zoom = max(self._zoom(), 1e-6)
        if not background and is_box(points, zoom):
            rect = QRectF(points[0], points[-1]).normalized().toAlignedRect().intersected(self._document.rect)
            if rect.width() < 2 or rect.height() < 2:
                return
            self._start(Seeds(box=(rect.x(), rect.y(), rect.width(), rect.height())), modifiers)
            return
        stroke = Stroke(tuple((p.x(), p.y()) for p in points), max(2.0, STROKE_PX / zoom), background)
        session = self._current_session()
        if session is None or (modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier)):
            if background:
                self._runner.message.emit("Draw a box around the object or a stroke on it first; right-button "
                                          "strokes then mark the background.")
                return
            self._start(Seeds(strokes=(stroke,)), modifiers)
            return
        session.seeds = session.seeds.with_stroke(stroke)
        self._compute(session)

    def cancel(self) -> None:
        self._points = []
        self._outline.hide()

    def _current_session(self) -> _Session | None:
        s = self.session
        if s is None or s.generation != self._document.snapshot().generation:
            return None
        return s if s.index == self._document.undo_stack.index() else None

    def _start(self, seeds: Seeds, modifiers: Qt.KeyboardModifier) -> None:
        self.session = _Session(seeds, pixels.read(self._document.mask), mode_for(modifiers, self._tools.select_mode),
                                self._document.snapshot().generation, self._document.undo_stack.index())
        self._compute(self.session)

    def _compute(self, session: _Session) -> None:
        seeds = session.seeds

        def compute(picture: Picture, cancelled: Callable[[], bool]) -> np.ndarray:
            return select_object(picture.bgr, seeds, cancelled=cancelled)

        def done() -> None:
            session.index = self._document.undo_stack.index()

        self._runner.run(compute, mode=session.mode, text="Select object", base=session.base, done=done)

    def _show(self) -> None:
        zoom = max(self._zoom(), 1e-6)
        path = QPainterPath()
        if not self._background and len(self._points) > 1 and is_box(self._points, zoom):
            path.addRect(QRectF(self._points[0], self._points[-1]).normalized())
        else:
            line = QPainterPath(self._points[0])
            for p in self._points[1:]:
                line.lineTo(p)
            stroker = QPainterPathStroker()
            stroker.setWidth(max(2.0, STROKE_PX / zoom))
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            path = stroker.createStroke(line) if len(self._points) > 1 else path
            if len(self._points) == 1:
                r = max(1.0, STROKE_PX / zoom / 2)
                path.addEllipse(self._points[0], r, r)
        self._outline.setPath(path)
        self._outline.show()

    def _forget(self) -> None:
        self.session = None
        self.cancel()


class MagicWandHandler(Handler):
    """A click selects the region of the clicked colour (or every pixel of it, with "global")."""

    def __init__(self, document: Document, tools: CanvasTools, runner: SelectionRunner) -> None:
        self._document = document
        self._tools = tools
        self._runner = runner
        self._pressed: tuple[QPointF, Qt.KeyboardModifier, bool] | None = None

    @property
    def active(self) -> bool:
        return self._pressed is not None

    def press(self, pos: QPointF, event: QMouseEvent) -> None:
        if not self._document.is_empty:
            self._pressed = (QPointF(pos), event.modifiers(), event.button() == Qt.MouseButton.RightButton)

    def release(self, pos: QPointF, event: QMouseEvent) -> None:
        if self._pressed is None:
            return
        where, modifiers, right = self._pressed
        self._pressed = None
        x, y = math.floor(where.x()), math.floor(where.y())
        if not self._document.rect.contains(x, y):
            return
        mode = Combine.SUBTRACT if right else mode_for(modifiers, self._tools.select_mode)
        tolerance, contiguous = self._tools.wand_tolerance, not self._tools.wand_global

        def compute(picture: Picture, _cancelled: Callable[[], bool]) -> np.ndarray:
            return magic_wand(picture.bgr, x, y, tolerance, contiguous=contiguous)

        self._runner.run(compute, mode=mode, text="Magic wand")

    def cancel(self) -> None:
        self._pressed = None
