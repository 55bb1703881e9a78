"""Every key sequence in the window is bound once in any place the focus can be, and every key listed in
Help > Keyboard shortcuts does what it says when pressed where the artist works."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from .helpers import picture

Ctx = Qt.ShortcutContext


@dataclass(frozen=True)
class Binding:
    owner: object  # the QAction or QShortcut
    name: str
    sequence: str  # portable text
    context: Ctx
    scopes: tuple[QWidget, ...]  # where the focus must be (empty: anywhere in the application)


def _menu_home(menu: QMenu) -> list[QWidget]:
    """A menu's shortcuts belong where the menu is shown from: its menu bar (or the window owning it)."""
    homes: list[QWidget] = []
    for obj in menu.menuAction().associatedObjects():
        if isinstance(obj, QMenu):
            homes += _menu_home(obj)
        elif isinstance(obj, QWidget):
            homes.append(obj)
    return homes


def bindings(window: QWidget) -> list[Binding]:
    found: list[Binding] = []
    actions = set(window.findChildren(QAction))
    for widget in [window, *window.findChildren(QWidget)]:
        actions.update(widget.actions())
    for action in actions:
        places: list[QWidget] = []
        for obj in action.associatedObjects():
            if isinstance(obj, QMenu):
                places += _menu_home(obj)
            elif isinstance(obj, QWidget):
                places.append(obj)
        for sequence in action.shortcuts():
            found.append(_binding(action, action.text(), sequence, action.shortcutContext(), places))
    for shortcut in window.findChildren(QShortcut):
        sequences = shortcut.keys()
        for sequence in sequences:
            found.append(_binding(shortcut, shortcut.objectName(), sequence, shortcut.context(),
                                  [shortcut.parentWidget()]))
    return found


def _binding(owner, name: str, sequence: QKeySequence, context: Ctx, places: list[QWidget]) -> Binding:
    if context == Ctx.ApplicationShortcut:
        scopes: tuple[QWidget, ...] = ()
    elif context == Ctx.WindowShortcut:
        scopes = tuple({w.window() for w in places})
    else:
        scopes = tuple(places)
    return Binding(owner, name.replace("&", ""), sequence.toString(QKeySequence.SequenceFormat.PortableText),
                   context, scopes)


def _contains(outer: QWidget, inner: QWidget) -> bool:
    return outer is inner or outer.isAncestorOf(inner)


def overlap(a: Binding, b: Binding) -> bool:
    """Can the focus be somewhere both bindings are live?"""
    if not a.scopes or not b.scopes:
        return True
    return any(_meets(x, a.context == Ctx.WidgetShortcut, y, b.context == Ctx.WidgetShortcut)
               for x in a.scopes for y in b.scopes)


def _meets(x: QWidget, x_only: bool, y: QWidget, y_only: bool) -> bool:
    if x_only and y_only:
        return x is y
    if x_only:
        return _contains(y, x)
    if y_only:
        return _contains(x, y)
    return _contains(x, y) or _contains(y, x)


def clashes(window: QWidget) -> list[str]:
    found = bindings(window)
    out = []
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            if a.sequence == b.sequence and overlap(a, b):
                out.append(f"{a.sequence}: {a.name!r} and {b.name!r}")
    return sorted(out)


def _gallery(window: QWidget) -> QWidget:
    return window.findChild(QWidget, "galleryDock")


def test_no_key_sequence_is_bound_twice_where_the_focus_can_be(studio):
    assert _gallery(studio.window) is not None  # the gallery's own keys are among those checked
    assert clashes(studio.window) == []


def test_the_check_finds_a_clash(studio):
    """The enumeration sees a second binding of a key the canvas uses (so the tests above can fail)."""
    extra = QAction("Stray", studio.window)
    extra.setShortcut(QKeySequence("Ctrl+D"))
    studio.window.addAction(extra)
    assert any(c.startswith("Ctrl+D:") for c in clashes(studio.window))


def test_every_listed_key_does_its_work_from_the_canvas(studio, qtbot):
    """Each shortcut in Help > Keyboard shortcuts, pressed with the canvas focused, triggers its action once
    (Qt does nothing on an ambiguous key)."""
    studio.document.replace(picture(200, 150))
    canvas = studio.window.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    listed = [a for group in studio.window.shortcut_groups().values() for a in group
              if isinstance(a, QAction) and a.shortcuts()]  # (the gallery's rows are text: its keys act there)
    assert len(listed) > 30
    fired: dict[str, int] = {}
    for action in listed:
        action.triggered.disconnect()  # the key's routing is under test, not the dialogs the actions open
        action.setEnabled(True)
        action.triggered.connect(lambda _c=False, a=action: fired.__setitem__(a.text(), fired.get(a.text(), 0) + 1))
    failed = []
    for action in listed:
        for sequence in action.shortcuts():
            before = fired.get(action.text(), 0)
            QTest.keySequence(canvas, sequence)
            QApplication.processEvents()
            if fired.get(action.text(), 0) != before + 1:
                failed.append(f"{sequence.toString()} ({action.text()})")
    assert failed == []
