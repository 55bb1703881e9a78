"""Space-drag pans the canvas whatever has the keyboard focus (a panel, a button, the gallery), as long as the
pointer is over the canvas; only a text field keeps its space, to type it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCursor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def types_text(widget: QWidget | None) -> bool:
    """True when ``widget`` takes typed text (a space typed there is a space)."""
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QLineEdit | QAbstractSpinBox)


class SpacePan(QObject):
    """Watches the application's key events for the space bar while the pointer is over ``viewport``, and tells
    the canvas through ``hold(True/False)``; the canvas's own key handling covers the case where it has focus.

    The application's events are watched only while the pointer is over the canvas (:meth:`pointer_over`, from the
    canvas's viewport events) or the space is held: a filter on the application sees every event of every object
    (about a thousand while the window loads a panel), and each one costs a call into Python."""

    def __init__(self, viewport: QWidget, owner: QWidget, hold: Callable[[bool], None]) -> None:
        super().__init__(owner)
        self._viewport = viewport
        self._owner = owner
        self._hold = hold
        self._held = False
        self._watching = False
        owner.destroyed.connect(lambda: self._watch(False))

    def pointer_over(self, over: bool) -> None:
        """The pointer entered or moved over the canvas (True), or left it (False)."""
        if over or not self._held:
            self._watch(over)

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._watching:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._watching = on

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or not isinstance(event, QKeyEvent):
            return False
        if event.key() != Qt.Key.Key_Space or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if kind == QEvent.Type.KeyRelease:
            if self._held and not event.isAutoRepeat():
                self._held = False  # wherever the focus went meanwhile (a click on the canvas takes it)
                self._hold(False)
                if not self._viewport.rect().contains(self._viewport.mapFromGlobal(QCursor.pos())):
                    self._watch(False)  # let go away from the canvas: its leave came while the space was held
            return False
        focus = QApplication.focusWidget()
        if focus is self._owner or not isinstance(watched, QWidget) or watched is not focus:
            return False  # the canvas handles its own keys; each event is looked at once, at the focus widget
        if self._held:
            return True  # auto-repeat while held
        if types_text(focus) or not self._viewport.rect().contains(self._viewport.mapFromGlobal(QCursor.pos())):
            return False
        if not self._viewport.isVisible() or self._viewport.window() is not focus.window():
            return False
        self._held = True
        self._hold(True)
        return True
