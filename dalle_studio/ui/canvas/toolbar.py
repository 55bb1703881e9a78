"""The canvas toolbar: tools, brush size and hardness, frame shape, and how the mask is shown."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QToolBar, QWidget

from dalle_studio.ui.canvas.actions import CanvasActions
from dalle_studio.ui.canvas.tool_state import CanvasTools


class CanvasToolBar(QToolBar):
    """Shows the state of ``tools`` and writes the artist's choices back to it."""

    def __init__(self, tools: CanvasTools, actions: CanvasActions, parent: QWidget | None = None) -> None:
        super().__init__("Canvas tools", parent)
        self.setObjectName("canvasToolBar")
        self.tools = tools
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in actions.tool_actions.values():
            self.addAction(action)
        self.addSeparator()
        self.size = QSpinBox()
        self.size.setObjectName("brushSize")
        self.size.setRange(1, 2000)
        self.size.setSuffix(" px")
        self.size.setToolTip("Brush size ([ and ])")
        self.size.setKeyboardTracking(False)
        self.size.valueChanged.connect(lambda v: tools.set_brush_size(float(v)))
        self.hardness = QSpinBox()
        self.hardness.setObjectName("brushHardness")
        self.hardness.setRange(0, 100)
        self.hardness.setSuffix(" %")
        self.hardness.setToolTip("Brush hardness (Shift+[ and Shift+])")
        self.hardness.setKeyboardTracking(False)
        self.hardness.valueChanged.connect(lambda v: tools.set_hardness(v / 100))
        self.addWidget(QLabel(" Size "))
        self.addWidget(self.size)
        self.addWidget(QLabel(" Hardness "))
        self.addWidget(self.hardness)
        self.addSeparator()
        self.shape = QComboBox()
        self.shape.setObjectName("frameShape")
        self.shape.setToolTip("Shape of the frame sent to the model")
        self.shape.currentIndexChanged.connect(self._on_shape_chosen)
        self.addWidget(QLabel(" Frame "))
        self.addWidget(self.shape)
        self.addAction(actions.frame_picture)
        self.addSeparator()
        self.addAction(actions.show_mask)
        self.addAction(actions.show_erased)
        tools.changed.connect(self._on_tools_changed)
        self._on_tools_changed("frame_sizes")
        self._on_tools_changed("brush")

    def _on_shape_chosen(self, index: int) -> None:
        if index >= 0:
            self.tools.set_frame_shape(index)

    def _on_tools_changed(self, what: str) -> None:
        if what == "brush":
            with QSignalBlocker(self.size), QSignalBlocker(self.hardness):
                self.size.setValue(round(self.tools.brush_size))
                self.hardness.setValue(round(self.tools.hardness * 100))
        elif what in ("frame_sizes", "frame_shape"):
            with QSignalBlocker(self.shape):
                self.shape.clear()
                self.shape.addItems([s.label for s in self.tools.frame_sizes.shapes()])
                self.shape.setCurrentIndex(self.tools.frame_shape_index)
