"""What the canvas's tools are set to: the active tool, the brush, how the mask is shown, the frame shapes.

A small model object: the view, toolbar and actions read it and listen to ``changed``; none of them keeps a copy.
Brush and display choices persist through the app's settings.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QColor

from dalle_studio.core.settings import Settings
from dalle_studio.document.brush import BrushTip
from dalle_studio.document.frame import FrameShape, FrameSizes
from dalle_studio.document.selection import Combine

BRUSH_SIZES = (1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 25, 30, 40, 50, 60, 80, 100, 120, 160, 200, 250, 300, 400, 500,
               600, 800, 1000, 1200, 1600, 2000)


class Tool(Enum):
    BRUSH = "brush"
    ERASER = "eraser"
    RECTANGLE = "rectangle"
    LASSO = "lasso"
    FRAME = "frame"
    SELECT_OBJECT = "select_object"
    MAGIC_WAND = "magic_wand"

    @property
    def paints(self) -> bool:
        return self in (Tool.BRUSH, Tool.ERASER)


class CanvasTools(QObject):
    """The state of the canvas tools. ``changed`` carries the name of what changed."""

    changed = Signal(str)  # "tool", "brush", "display", "frame_sizes", "frame_shape", "selection"

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._tool = Tool.BRUSH
        self._previous_paint_tool = Tool.ERASER
        self._mask_visible = True
        self._original = False
        self._frame_sizes = FrameSizes()
        self._shape_index = self._default_shape()
        settings.subscribe(self._on_setting)

    # -- tool ------------------------------------------------------------------------------------------------
    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool) -> None:
        if tool != self._tool:
            if self._tool.paints and tool.paints:
                self._previous_paint_tool = self._tool
            self._tool = tool
            self.changed.emit("tool")

    def swap_brush_and_eraser(self) -> None:
        """X: brush <-> eraser (from any other tool, back to the brush)."""
        self.set_tool(Tool.ERASER if self._tool == Tool.BRUSH else Tool.BRUSH)

    # -- brush -----------------------------------------------------------------------------------------------
    @property
    def brush_size(self) -> float:
        return float(self._settings.get("canvas.brush_size"))

    @property
    def hardness(self) -> float:
        return float(self._settings.get("canvas.brush_hardness"))

    @property
    def tip(self) -> BrushTip:
        return BrushTip(self.brush_size, self.hardness)

    def set_brush_size(self, size: float) -> None:
        decl = self._settings.declaration("canvas.brush_size")
        self._settings.set("canvas.brush_size", float(max(decl.minimum or 1, min(decl.maximum or 2000, size))))

    def set_hardness(self, hardness: float) -> None:
        self._settings.set("canvas.brush_hardness", float(max(0.0, min(1.0, hardness))))

    def bigger_brush(self) -> None:
        """]: the next size up on a painter's scale."""
        self.set_brush_size(next((s for s in BRUSH_SIZES if s > self.brush_size + 1e-6), BRUSH_SIZES[-1]))

    def smaller_brush(self) -> None:
        """[: the next size down."""
        self.set_brush_size(next((s for s in reversed(BRUSH_SIZES) if s < self.brush_size - 1e-6), BRUSH_SIZES[0]))

    # -- how the mask is shown -------------------------------------------------------------------------------
    @property
    def display(self) -> str:
        """"tinted" or "erased"."""
        return str(self._settings.get("canvas.mask_display"))

    def toggle_display(self) -> None:
        self._settings.set("canvas.mask_display", "erased" if self.display == "tinted" else "tinted")

    @property
    def tint(self) -> QColor:
        color = QColor(str(self._settings.get("canvas.mask_color")))
        if not color.isValid():
            color = QColor("#ff3b6b")
        color.setAlphaF(float(self._settings.get("canvas.mask_opacity")))
        return color

    @property
    def mask_visible(self) -> bool:
        """False while the artist hides the mask or holds the key to see the original."""
        return self._mask_visible and not self._original

    @property
    def mask_shown(self) -> bool:
        """The artist's show/hide choice (H), regardless of the hold-to-see-original key."""
        return self._mask_visible

    @property
    def showing_original(self) -> bool:
        return self._original

    def toggle_mask(self) -> None:
        self._mask_visible = not self._mask_visible
        self.changed.emit("display")

    def set_showing_original(self, on: bool) -> None:
        if on != self._original:
            self._original = on
            self.changed.emit("display")

    # -- frame shapes ----------------------------------------------------------------------------------------
    @property
    def frame_sizes(self) -> FrameSizes:
        return self._frame_sizes

    def set_frame_sizes(self, sizes: FrameSizes, frame: QSize | None = None) -> None:
        """The shapes the active model allows (the composition root calls this when the model changes). With the
        current ``frame`` size, the shape that fits it is chosen, so a frame the model accepts stays as it is."""
        self._frame_sizes = sizes
        self._shape_index = sizes.shape_for(frame) if frame is not None and not frame.isEmpty() else \
            self._default_shape()
        self.changed.emit("frame_sizes")

    def _default_shape(self) -> int:
        """Free when the model allows any size, else its first size."""
        shapes = self._frame_sizes.shapes()
        return next((i for i, s in enumerate(shapes) if s.free), 0)

    @property
    def frame_shape(self) -> FrameShape:
        return self._frame_sizes.shapes()[self._shape_index]

    @property
    def frame_shape_index(self) -> int:
        return self._shape_index

    def set_frame_shape(self, index: int) -> None:
        if 0 <= index < len(self._frame_sizes.shapes()) and index != self._shape_index:
            self._shape_index = index
            self.changed.emit("frame_shape")

    # -- selection tools -------------------------------------------------------------------------------------
    @property
    def select_mode(self) -> Combine:
        """How a new selection joins the mask (the toolbar's choice; Shift and Alt change it per click)."""
        return Combine(str(self._settings.get("canvas.select_mode")))

    def set_select_mode(self, mode: Combine) -> None:
        self._settings.set("canvas.select_mode", mode.value)

    @property
    def wand_tolerance(self) -> int:
        return int(self._settings.get("canvas.wand_tolerance"))

    def set_wand_tolerance(self, tolerance: int) -> None:
        self._settings.set("canvas.wand_tolerance", int(max(0, min(255, tolerance))))

    @property
    def wand_global(self) -> bool:
        return bool(self._settings.get("canvas.wand_global"))

    def set_wand_global(self, on: bool) -> None:
        self._settings.set("canvas.wand_global", bool(on))

    def _on_setting(self, key: str, _value: object) -> None:
        if key in ("canvas.select_mode", "canvas.wand_tolerance", "canvas.wand_global"):
            self.changed.emit("selection")
        elif key in ("canvas.brush_size", "canvas.brush_hardness"):
            self.changed.emit("brush")
        elif key.startswith("canvas.mask_"):
            self.changed.emit("display")
