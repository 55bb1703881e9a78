"""Puts the selection tools into the window: Select object and Magic wand (their handlers and the worker that runs
them), their toolbar controls (mode, tolerance, global), Mask > Colour range and Mask from transparency, and
View > Compare before/after."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QToolBar

from dalle_studio.document import pixels
from dalle_studio.document.colour_select import from_transparency
from dalle_studio.document.document import Document
from dalle_studio.document.selection import Combine
from dalle_studio.ui.canvas.colour_range import ColourRangeDialog
from dalle_studio.ui.canvas.compare import Compare
from dalle_studio.ui.canvas.select_tools import MagicWandHandler, SelectObjectHandler
from dalle_studio.ui.canvas.selection_runner import SelectionRunner
from dalle_studio.ui.canvas.tool_state import CanvasTools, Tool
from dalle_studio.ui.canvas.view import CanvasView
from dalle_studio.ui.main_window import MainWindow

COMPARE_KEY = "C"


@dataclass
class SelectionUi:
    runner: SelectionRunner
    select_object: SelectObjectHandler
    wand: MagicWandHandler
    compare: Compare
    compare_action: QAction
    colour_range_action: QAction
    transparency_action: QAction
    mode: QComboBox
    tolerance: QSpinBox
    wand_global: QCheckBox
    toolbar: QToolBar


def install_selection(window: MainWindow, view: CanvasView, document: Document, tools: CanvasTools) -> SelectionUi:
    runner = SelectionRunner(document, window.tasks, window)
    runner.watch_escape(view)
    runner.message.connect(lambda text: window.statusBar().showMessage(text, 6000))
    runner.busy_changed.connect(lambda busy: _show_busy(window, busy))
    select = SelectObjectHandler(document, tools, runner, view.selection, lambda: view.zoom)
    wand = MagicWandHandler(document, tools, runner)
    view.set_handler(Tool.SELECT_OBJECT, select)
    view.set_handler(Tool.MAGIC_WAND, wand)

    compare = Compare(view, document)
    compare.message.connect(lambda text: window.statusBar().showMessage(text, 6000))
    compare_action = QAction("&Compare before/after", window)
    compare_action.setObjectName("compare")
    compare_action.setShortcut(QKeySequence(COMPARE_KEY))
    compare_action.setCheckable(True)
    compare_action.setStatusTip("A split view: the picture before (left) and after (right); drag the divider")
    compare_action.triggered.connect(lambda _checked=False: compare.toggle())
    compare.shown_changed.connect(compare_action.setChecked)
    window.menus["view"].addSeparator()
    window.menus["view"].addAction(compare_action)

    colour_range_action = QAction("Colour &range…", window)
    colour_range_action.setObjectName("colourRange")
    colour_range_action.setStatusTip("Mask the pixels of colours picked on the canvas")
    colour_range_action.triggered.connect(lambda _checked=False: _open_colour_range(view, document, tools, runner,
                                                                                   window))
    transparency_action = QAction("Mask from &transparency", window)
    transparency_action.setObjectName("maskFromTransparency")
    transparency_action.setStatusTip("Mark the picture's transparent pixels to regenerate")
    transparency_action.triggered.connect(lambda _checked=False: mask_from_transparency(window, document, tools,
                                                                                        runner))
    mask_menu = window.menus["mask"]
    first = mask_menu.actions()[0] if mask_menu.actions() else None
    mask_menu.insertActions(first, [colour_range_action, transparency_action])
    mask_menu.insertSeparator(first)

    def enable() -> None:
        for action in (colour_range_action, transparency_action):
            action.setEnabled(not document.is_empty)

    document.image_replaced.connect(enable)
    enable()

    # a row of its own (the tools' row is full at common window widths), shown while a selection tool is active,
    # as painting programs show a tool's options
    toolbar = QToolBar("Selection", window)
    toolbar.setObjectName("selectionToolBar")
    window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    mode = QComboBox()
    mode.setObjectName("selectMode")
    mode.setToolTip("How Select object, the magic wand and colour range join the mask (Shift: add, Alt: subtract, "
                    "both: intersect)")
    for choice in Combine:
        mode.addItem(choice.label, choice)
    mode.currentIndexChanged.connect(lambda i: tools.set_select_mode(mode.itemData(i)))
    tolerance = QSpinBox()
    tolerance.setObjectName("wandTolerance")
    tolerance.setRange(0, 255)
    tolerance.setToolTip("Magic wand tolerance: how far a colour may be from the clicked one (0-255)")
    tolerance.setKeyboardTracking(False)
    tolerance.valueChanged.connect(tools.set_wand_tolerance)
    wand_global = QCheckBox("Global")
    wand_global.setObjectName("wandGlobal")
    wand_global.setToolTip("Magic wand: select every pixel of a similar colour, not only the connected region")
    wand_global.toggled.connect(tools.set_wand_global)
    toolbar.addWidget(QLabel(" Selection mode "))
    toolbar.addWidget(mode)
    toolbar.addWidget(QLabel(" Tolerance "))
    toolbar.addWidget(tolerance)
    toolbar.addWidget(wand_global)
    toolbar.addSeparator()
    toolbar.addAction(colour_range_action)
    toolbar.addAction(compare_action)

    def sync(what: str = "selection") -> None:
        if what in ("tool", "selection"):
            toolbar.setVisible(tools.tool in (Tool.SELECT_OBJECT, Tool.MAGIC_WAND))
        if what == "selection":
            with QSignalBlocker(mode), QSignalBlocker(tolerance), QSignalBlocker(wand_global):
                mode.setCurrentIndex(list(Combine).index(tools.select_mode))
                tolerance.setValue(tools.wand_tolerance)
                wand_global.setChecked(tools.wand_global)

    tools.changed.connect(sync)
    sync()
    return SelectionUi(runner, select, wand, compare, compare_action, colour_range_action, transparency_action, mode,
                       tolerance, wand_global, toolbar)


BUSY = "Selecting… (Esc cancels)"


def _open_colour_range(view: CanvasView, document: Document, tools: CanvasTools, runner: SelectionRunner,
                       window: MainWindow) -> None:
    """Open the dialog without blocking the window (colours are picked on the canvas), at the canvas's top
    right corner where it hides least of the picture; one at a time."""
    existing = window.findChild(ColourRangeDialog)
    if existing is not None and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return
    dialog = ColourRangeDialog(view, document, tools, runner, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.adjustSize()
    corner = view.mapToGlobal(view.rect().topRight())
    dialog.move(corner.x() - dialog.width() - 24, corner.y() + 24)
    dialog.show()


def _show_busy(window: MainWindow, busy: bool) -> None:
    status = window.statusBar()
    if busy:
        status.showMessage(BUSY)
    elif status.currentMessage() == BUSY:  # not a message that came since (why nothing was selected)
        status.clearMessage()


def mask_from_transparency(window: MainWindow, document: Document, tools: CanvasTools,
                           runner: SelectionRunner) -> None:
    """The picture's transparent pixels become mask (combined as the toolbar's mode says), or a word why not."""
    if document.is_empty:
        return
    if bool((pixels.peek(document.image)[..., 3] == 255).all()):
        window.statusBar().showMessage("The picture has no transparent pixels: nothing to mask.", 6000)
        return

    def compute(picture, _cancelled) -> np.ndarray:
        return from_transparency(picture.alpha)

    runner.run(compute, mode=tools.select_mode, text="Mask from transparency")
