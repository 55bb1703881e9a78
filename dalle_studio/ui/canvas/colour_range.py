"""Mask > Colour range: pick colours on the canvas, see the mask they give at once, set the fuzziness, apply.

The dialog stays open beside the canvas; while it is open a click on the canvas picks the colour under the pointer
(Alt-click drops the picked colour nearest to it) instead of painting. The preview (in the dialog, and tinted on
the canvas) is computed on a small copy of the picture, so it follows the slider without delay; Apply computes
the full-size mask in the background.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPixmap, QTransform
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGraphicsPixmapItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from dalle_studio.document import pixels
from dalle_studio.document.colour_select import colour_range, sample_colour
from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.selection_runner import Picture, SelectionRunner
from dalle_studio.ui.canvas.tool_state import CanvasTools
from dalle_studio.ui.canvas.view import CanvasView

PREVIEW = 240  # the dialog's thumbnail
CANVAS_PREVIEW = 512  # the overlay on the canvas: computed at this size, a few milliseconds per change


class ColourRangeDialog(QDialog):
    """Chooses colours and fuzziness; Apply combines the selection with the mask as the toolbar's mode says."""

    def __init__(self, view: CanvasView, document: Document, tools: CanvasTools, runner: SelectionRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colourRangeDialog")
        self.setWindowTitle("Colour range")
        self.setMinimumWidth(300)
        self._view = view
        self._document = document
        self._tools = tools
        self._runner = runner
        self.colours: list[tuple[int, int, int]] = []  # BGR
        side = min(CANVAS_PREVIEW, max(document.size.width(), document.size.height()))
        small = document.image.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio,
                                      pixels.SMOOTH).convertToFormat(QImage.Format.Format_ARGB32)
        self._small = np.ascontiguousarray(pixels.read(small)[..., :3])
        # the live preview on the canvas: the would-be mask in the mask's tint, over the picture
        self.overlay = QGraphicsPixmapItem()
        self.overlay.setZValue(7)
        self.overlay.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.overlay.setTransform(QTransform.fromScale(document.size.width() / small.width(),
                                                       document.size.height() / small.height()))
        view.scene().addItem(self.overlay)
        self.hint = QLabel("Click the canvas to pick a colour; click again to add more, Alt-click to drop one.")
        self.hint.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setObjectName("colourRangePreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(PREVIEW, PREVIEW)
        self.swatches = QLabel()
        self.fuzziness = QSlider(Qt.Orientation.Horizontal)
        self.fuzziness.setObjectName("fuzziness")
        self.fuzziness.setRange(0, 200)
        self.fuzziness.setValue(40)
        self.fuzziness_label = QLabel()
        self.fuzziness.valueChanged.connect(lambda _v: self.refresh())
        clear = QPushButton("Clear colours")
        clear.clicked.connect(self.clear_colours)
        fuzz = QHBoxLayout()
        fuzz.addWidget(QLabel("Fuzziness"))
        fuzz.addWidget(self.fuzziness, 1)
        fuzz.addWidget(self.fuzziness_label)
        colours = QHBoxLayout()
        colours.addWidget(self.swatches, 1)
        colours.addWidget(clear)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.preview)
        layout.addLayout(colours)
        layout.addLayout(fuzz)
        layout.addWidget(self.buttons)
        self._picker = _CanvasPicker(view, self.pick)
        view.viewport().installEventFilter(self._picker)
        self.finished.connect(self._closed)
        self.refresh()

    def pick(self, x: int, y: int, remove: bool) -> None:
        """Add the colour at picture pixel (x, y), or drop the picked colour nearest to it."""
        if not self._document.rect.contains(x, y):
            return
        colour = sample_colour(pixels.peek(self._document.image)[..., :3], x, y)
        if remove:
            if self.colours:
                nearest = min(self.colours, key=lambda c: sum((a - b) ** 2 for a, b in zip(c, colour, strict=True)))
                self.colours.remove(nearest)
        else:
            self.colours.append(colour)
        self.refresh()

    def clear_colours(self) -> None:
        self.colours.clear()
        self.refresh()

    def selection_preview(self) -> np.ndarray:
        return colour_range(self._small, self.colours, self.fuzziness.value())

    def refresh(self) -> None:
        self.fuzziness_label.setText(str(self.fuzziness.value()))
        selection = self.selection_preview()
        grey = pixels.from_array(selection, QImage.Format.Format_Grayscale8)
        self.preview.setPixmap(QPixmap.fromImage(grey.scaled(QSize(PREVIEW, PREVIEW),
                                                             Qt.AspectRatioMode.KeepAspectRatio, pixels.SMOOTH)))
        tint = self._tools.tint
        overlay = np.empty((*selection.shape, 4), np.uint8)
        overlay[...] = (tint.red(), tint.green(), tint.blue(), 0)
        overlay[..., 3] = (selection.astype(np.uint16) * tint.alpha() // 255).astype(np.uint8)
        self.overlay.setPixmap(QPixmap.fromImage(pixels.from_array(overlay, QImage.Format.Format_RGBA8888)))
        swatch = QPixmap(max(1, 18 * len(self.colours)), 16)
        swatch.fill(Qt.GlobalColor.transparent)
        if self.colours:
            from PySide6.QtGui import QPainter

            painter = QPainter(swatch)
            for i, (b, g, r) in enumerate(self.colours):
                painter.fillRect(i * 18, 0, 16, 16, QColor(r, g, b))
            painter.end()
        self.swatches.setPixmap(swatch)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(bool(self.colours))

    def apply(self) -> None:
        colours, fuzziness = list(self.colours), self.fuzziness.value()
        if not colours:
            return

        def compute(picture: Picture, _cancelled: Callable[[], bool]) -> np.ndarray:
            return colour_range(picture.bgr, colours, fuzziness)

        self._runner.run(compute, mode=self._tools.select_mode, text="Colour range")
        self.accept()


    def _closed(self, _result: int) -> None:
        self._view.viewport().removeEventFilter(self._picker)
        self._view.scene().removeItem(self.overlay)


class _CanvasPicker(QObject):
    """Takes the canvas's left clicks while the dialog is open: each picks a colour."""

    def __init__(self, view: CanvasView, pick: Callable[[int, int, bool], None]) -> None:
        super().__init__(view)
        self._view = view
        self._pick = pick

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QMouseEvent) or event.button() not in (Qt.MouseButton.LeftButton,
                                                                         Qt.MouseButton.NoButton):
            return False
        if event.type() == QEvent.Type.MouseButtonPress:
            pos = self._view.to_scene(event.position())
            alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self._pick(math.floor(pos.x()), math.floor(pos.y()), alt)
            return True
        if event.type() == QEvent.Type.MouseButtonRelease:
            return True
        return event.type() == QEvent.Type.MouseMove and bool(event.buttons() & Qt.MouseButton.LeftButton)
