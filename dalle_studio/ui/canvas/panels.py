"""Puts the canvas's menus, toolbar and panels (History, Send preview) into the main window."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QToolBar, QUndoView

from dalle_studio.core.settings import Settings
from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.actions import CanvasActions
from dalle_studio.ui.canvas.history import history_panel
from dalle_studio.ui.canvas.preview import SendPreview
from dalle_studio.ui.canvas.selection_ui import SelectionUi, install_selection
from dalle_studio.ui.canvas.tool_state import CanvasTools
from dalle_studio.ui.canvas.toolbar import CanvasToolBar
from dalle_studio.ui.main_window import MainWindow


@dataclass
class CanvasUi:
    """What :func:`install` added, for the composition root and tests."""

    actions: CanvasActions
    toolbar: CanvasToolBar
    history: QUndoView
    history_dock: QDockWidget
    preview: SendPreview
    preview_dock: QDockWidget
    selection: SelectionUi | None = None


def install(window: MainWindow, document: Document, tools: CanvasTools, settings: Settings) -> CanvasUi:
    """Add the Tools and Mask menus, the tools toolbar, and the History and Send preview panels to ``window``."""
    actions = CanvasActions(document, tools, settings, window)
    for key, title, items in actions.menus():
        window.add_menu(key, title, items)
    toolbar = CanvasToolBar(tools, actions, window)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    history = history_panel(document)
    history_dock = window.add_dock("History", "historyDock", history, Qt.DockWidgetArea.RightDockWidgetArea)
    preview = SendPreview(document, tools)
    preview_dock = window.add_dock("Send preview", "previewDock", preview, Qt.DockWidgetArea.LeftDockWidgetArea)
    selection = install_selection(window, window.canvas, document, tools)
    return CanvasUi(actions, toolbar, history, history_dock, preview, preview_dock, selection)


def scope_canvas_keys(window: MainWindow, actions: CanvasActions, elsewhere: tuple[str, ...]) -> None:
    """The canvas's bare keys act in the canvas, its toolbar and every panel but those named ``elsewhere`` (the
    gallery, whose own F and T would otherwise clash); text fields keep their keys (Qt lets typing win)."""
    widgets: list = [window.centralWidget(), *window.findChildren(QToolBar)]
    widgets += [dock for dock in window.findChildren(QDockWidget) if dock.objectName() not in elsewhere]
    actions.scope_to(widgets)
