"""The canvas's commands as QActions with shortcuts: tools, brush, mask display, mask operations, frame.

``CanvasActions.menus()`` gives the Tools and Mask menus for the main window, which lists every shortcut in
Help > Keyboard shortcuts. Single-key shortcuts do not fire while a text box has focus (Qt lets text input win).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from dalle_studio.core.atomic import atomic_write_bytes
from dalle_studio.core.settings import Settings
from dalle_studio.document.document import Document
from dalle_studio.document.frame import fit_shape
from dalle_studio.document.image_io import OPEN_FILTER, ImageLoadError, load_image_file
from dalle_studio.document.qimage import pil_to_qimage
from dalle_studio.ui.canvas.mask_step import MaskStepDialog
from dalle_studio.ui.canvas.tool_state import CanvasTools, Tool

TOOLS = (
    (Tool.BRUSH, "&Brush", "B", "Paint the area to regenerate"),
    (Tool.ERASER, "&Eraser", "E", "Take painted areas back"),
    (Tool.RECTANGLE, "&Rectangle", "M", "Mark a rectangle to regenerate (Shift: square; right button: unmark)"),
    (Tool.LASSO, "&Lasso", "L", "Mark a free-hand area to regenerate (right button: unmark)"),
    (Tool.FRAME, "&Frame", "F", "Choose the region sent to the model: drag inside to move, outside to draw"),
    (Tool.SELECT_OBJECT, "&Select object", "S", "Drag a box around an object, or scribble on it (right button: on "
     "the background): its outline becomes mask"),
    (Tool.MAGIC_WAND, "Magic &wand", "W", "Click to mask the region of similar colour (Shift: add, Alt: subtract)"),
)


class _HoldRelease(QObject):
    """Watches the application for the release of one key, then calls ``done`` (for press-and-hold keys)."""

    def __init__(self, key: int, done: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._key = key
        self._done = done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        released = (event.type() == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent)
                    and event.key() == self._key and not event.isAutoRepeat())
        if released or event.type() == QEvent.Type.ApplicationDeactivate:
            self._finish()
        return False

    def _finish(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self._done()


class CanvasActions(QObject):
    """All canvas actions, parented to ``window`` so their shortcuts work anywhere in it."""

    def __init__(self, document: Document, tools: CanvasTools, settings: Settings, window: QWidget) -> None:
        super().__init__(window)
        self.document = document
        self.tools = tools
        self.settings = settings
        self.window = window
        self.tool_actions: dict[Tool, QAction] = {}
        group = QActionGroup(self)
        for tool, text, key, tip in TOOLS:
            action = self._make(text, lambda _=False, t=tool: tools.set_tool(t), key, f"tool_{tool.value}", tip)
            action.setCheckable(True)
            group.addAction(action)
            self.tool_actions[tool] = action
        self.swap = self._make("S&wap brush and eraser", tools.swap_brush_and_eraser, "X", "swapBrushEraser")
        self.smaller = self._make("S&maller brush", tools.smaller_brush, "[", "smallerBrush")
        self.bigger = self._make("B&igger brush", tools.bigger_brush, "]", "biggerBrush")
        self.softer = self._make("So&fter brush", lambda: tools.set_hardness(tools.hardness - 0.1), "Shift+[",
                                 "softerBrush")
        self.harder = self._make("&Harder brush", lambda: tools.set_hardness(tools.hardness + 0.1), "Shift+]",
                                 "harderBrush")
        self.show_erased = self._make("Show mask as &erased", tools.toggle_display, "T", "maskDisplay",
                                      "Show painted areas as a tint or as erased to the checkerboard")
        self.show_erased.setCheckable(True)
        self.show_mask = self._make("Show &mask", tools.toggle_mask, "H", "toggleMask")
        self.show_mask.setCheckable(True)
        self.original = self._make("See the &original (hold)", self._hold_original, "O", "holdOriginal",
                                   "Shows the picture without the mask while the key is held")
        self.original.setAutoRepeat(False)
        self.clear = self._make("&Clear mask", document.clear_mask, "Ctrl+D", "clearMask")
        self.mask_all = self._make("Mask &everything", document.mask_all, "Ctrl+Shift+D", "maskAll")
        self.invert = self._make("&Invert mask", document.invert_mask, "Ctrl+I", "invertMask")
        self.grow = self._make("&Grow mask…", lambda: self.grow_mask(), "Ctrl+Alt+G", "growMask")
        self.shrink = self._make("S&hrink mask…", lambda: self.shrink_mask(), "Ctrl+Alt+S", "shrinkMask")
        self.feather = self._make("&Feather mask…", lambda: self.feather_mask(), "Ctrl+Alt+F", "featherMask")
        self.load = self._make("&Load mask…", lambda: self.load_mask(), None, "loadMask",
                               "A PNG with transparency (transparent = regenerate) or a grey picture (white = "
                               "regenerate)")
        self.save = self._make("&Save mask…", lambda: self.save_mask(), None, "saveMask")
        self.frame_picture = self._make("Frame the &whole picture", self.frame_whole_picture, "Ctrl+Shift+F",
                                        "framePicture")
        self._mask_actions = [self.clear, self.mask_all, self.invert, self.grow, self.shrink, self.feather,
                              self.load, self.save, self.frame_picture]
        tools.changed.connect(self._sync)
        tools.changed.connect(self._on_shape_changed)
        document.image_replaced.connect(self._sync)
        self._sync()

    def _make(self, text: str, slot: Callable[[], object], key: str | None, name: str, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if key:
            action.setShortcut(QKeySequence(key))
        if tip:
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({key})" if key else tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def menus(self) -> list[tuple[str, str, list[QAction | None]]]:
        """(key, title, actions) for the main window's menus; None is a separator."""
        tools = [*self.tool_actions.values(), None, self.swap, self.smaller, self.bigger, self.softer, self.harder]
        mask = [self.clear, self.mask_all, self.invert, None, self.grow, self.shrink, self.feather, None, self.load,
                self.save, None, self.show_mask, self.show_erased, self.original, None, self.frame_picture]
        return [("tools", "&Tools", tools), ("mask", "&Mask", mask)]

    def all(self) -> list[QAction]:
        return [a for _, _, actions in self.menus() for a in actions if a is not None]

    def single_keys(self) -> list[QAction]:
        """The actions on a bare key (B, F, T, [, Shift+]…): another panel may use the same key for its own work
        (the gallery's F and T), so these act only where the canvas is worked on (see :meth:`scope_to`)."""
        def bare(action: QAction) -> bool:
            keys = action.shortcuts()
            return bool(keys) and all(
                not (k[0].keyboardModifiers() & ~Qt.KeyboardModifier.ShiftModifier) for k in keys)
        return [a for a in self.all() if bare(a)]

    def scope_to(self, widgets: list[QWidget]) -> None:
        """The bare-key actions fire while the focus is in one of ``widgets`` (or their children), nowhere else;
        they still work from the menus."""
        for action in self.single_keys():
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in widgets:
                if action not in widget.actions():
                    widget.addAction(action)

    def _sync(self, *_args: object) -> None:
        self.tool_actions[self.tools.tool].setChecked(True)
        self.show_erased.setChecked(self.tools.display == "erased")
        self.show_mask.setChecked(self.tools.mask_shown)
        for action in self._mask_actions:
            action.setEnabled(not self.document.is_empty)

    # -- commands that ask ----------------------------------------------------------------------------------
    def _ask_pixels(self, title: str, apply: Callable[[int], None]) -> MaskStepDialog:
        """The slider dialog, previewing live on the canvas; window-modal, it does not block the event loop."""
        dialog = MaskStepDialog(title, self.document, apply, int(self.settings.get("canvas.feather_px")),
                                self.window)
        dialog.accepted.connect(lambda: self.settings.set("canvas.feather_px", dialog.value()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def grow_mask(self, px: int | None = None) -> MaskStepDialog | None:
        if px is None:
            return self._ask_pixels("Grow mask", self.document.grow_mask)
        self.document.grow_mask(px)
        return None

    def shrink_mask(self, px: int | None = None) -> MaskStepDialog | None:
        if px is None:
            return self._ask_pixels("Shrink mask", self.document.shrink_mask)
        self.document.shrink_mask(px)
        return None

    def feather_mask(self, px: int | None = None) -> MaskStepDialog | None:
        if px is None:
            return self._ask_pixels("Feather mask", self.document.feather_mask)
        self.document.feather_mask(px)
        return None

    def load_mask(self, path: str | Path | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Load mask", "", OPEN_FILTER)
            if not path:
                return False
        try:
            loaded = load_image_file(path)
        except ImageLoadError as exc:
            QMessageBox.warning(self.window, "Cannot load mask", str(exc))
            return False
        self.document.set_mask(pil_to_qimage(loaded.rgba), f"Load mask {Path(path).name}")
        return True

    def save_mask(self, path: str | Path | None = None) -> bool:
        if path is None:
            stem = self.document.path.stem if self.document.path else "picture"
            path, _ = QFileDialog.getSaveFileName(self.window, "Save mask", f"{stem}-mask.png", "PNG image (*.png)")
            if not path:
                return False
        target = Path(path) if Path(path).suffix.lower() == ".png" else Path(path).with_suffix(".png")
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.document.mask_picture().save(buffer, "PNG")
        try:
            atomic_write_bytes(target, bytes(data.data()))
        except OSError as exc:
            QMessageBox.warning(self.window, "Cannot save mask", f"{target.name} could not be written: {exc}")
            return False
        return True

    def frame_whole_picture(self) -> None:
        """The frame around the whole picture (in the chosen shape, centred, covering the picture)."""
        if self.document.is_empty:
            return
        rect = self.document.rect
        shape = self.tools.frame_shape
        if shape.size is not None:
            rect = fit_shape(rect, shape)
            # grow until it covers the picture, so nothing is cut off
            factor = max(self.document.rect.width() / rect.width(), self.document.rect.height() / rect.height())
            if factor > 1:
                w, h = round(rect.width() * factor), round(rect.height() * factor)
                c = self.document.rect.center()
                rect.setRect(c.x() - w // 2 + 1, c.y() - h // 2 + 1, w, h)
        self.document.set_frame(rect, "Frame the whole picture")

    def _on_shape_changed(self, what: str) -> None:
        """A new frame shape reshapes the frame at once (same area and centre), as one undo step."""
        shape = self.tools.frame_shape
        if what in ("frame_shape", "frame_sizes") and not self.document.is_empty and shape.size is not None:
            frame = self.document.frame
            if frame.width() * shape.size.height() != frame.height() * shape.size.width():
                self.document.set_frame(fit_shape(frame, shape), f"Frame shape {shape.label}")

    def _hold_original(self) -> None:
        app = QApplication.instance()
        if app is None or self.tools.showing_original:
            return
        self.tools.set_showing_original(True)
        app.installEventFilter(_HoldRelease(int(Qt.Key.Key_O), lambda: self.tools.set_showing_original(False),
                                            self))
