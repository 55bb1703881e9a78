from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from dalle_studio.app import build_window
from dalle_studio.core.paths import AppPaths
from dalle_studio.core.settings import Settings
from dalle_studio.ui.canvas.settings import SETTINGS
from dalle_studio.ui.canvas.tool_state import CanvasTools
from dalle_studio.ui.canvas.view import CanvasView

from .helpers import document


@pytest.fixture
def tools(qapp) -> CanvasTools:
    return CanvasTools(Settings.load(None, SETTINGS))


@pytest.fixture
def view(qtbot, tools):
    """A 600x500 canvas on a 400x300 picture, shown (offscreen)."""
    doc = document(400, 300)
    canvas = CanvasView(doc, tools)
    qtbot.addWidget(canvas)
    canvas.resize(600, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    return canvas


@pytest.fixture
def studio(qtbot, tmp_path, loop):
    studio = build_window(AppPaths.under(tmp_path))
    studio.window.show()
    qtbot.waitExposed(studio.window)
    yield studio
    studio.document.undo_stack.setClean()  # no "discard changes?" question on closing
    studio.window.close()
    studio.close()
    studio.window.deleteLater()


def drag(view: CanvasView, points: list[QPoint], button=Qt.MouseButton.LeftButton,
         modifiers=Qt.KeyboardModifier.NoModifier) -> list[QPointF]:
    """Press at the first point, move through the rest with the button held, release at the last; returns the
    points in picture coordinates."""
    vp = view.viewport()
    QTest.mousePress(vp, button, modifiers, points[0])
    for p in points[1:]:
        QTest.mouseMove(vp, p)
    QTest.mouseRelease(vp, button, modifiers, points[-1])
    return [view.to_scene(QPointF(p)) for p in points]
