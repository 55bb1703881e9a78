"""What the canvas shows: the picture with the mask drawn on it, kept up to date one changed region at a time.

The composite is a premultiplied image of the picture's size. A brush dab recomposes only its rectangle, so the
cost of painting does not grow with the picture.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter

from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.mipmaps import Mipmaps
from dalle_studio.ui.canvas.tool_state import CanvasTools

Mode = QPainter.CompositionMode


class Composite:
    """The picture with the mask tinted or erased on it, as ``tools.display`` says. It stays up to date while the
    mask is hidden (the view then shows the plain picture), so showing it again costs nothing."""

    def __init__(self, document: Document, tools: CanvasTools) -> None:
        self._document = document
        self._tools = tools
        self.image = QImage()
        self.mipmaps = Mipmaps()
        self.mode = ""
        self.tint = QColor()

    def stale(self) -> bool:
        """True when the display settings changed since the last rebuild."""
        return self.mode != self._tools.display or self.tint != self._tools.tint

    def rebuild(self) -> None:
        """Recompose everything (new picture, new size, new display mode)."""
        self.mode = self._tools.display
        self.tint = self._tools.tint
        if self._document.is_empty:
            self.image = QImage()
            return
        if self.image.size() != self._document.size:
            self.image = QImage(self._document.size, QImage.Format.Format_ARGB32_Premultiplied)
        self._compose(self.image.rect())
        self.mipmaps.rebuild(self.image)

    def update(self, rect: QRect) -> QRect:
        """Recompose ``rect``; returns the part of it inside the picture."""
        rect = rect.intersected(self.image.rect())
        if not rect.isEmpty():
            self._compose(rect)
            self.mipmaps.update(self.image, rect)
        return rect

    def _compose(self, rect: QRect) -> None:
        doc = self._document
        painter = QPainter(self.image)
        painter.setCompositionMode(Mode.CompositionMode_Source)
        painter.drawImage(rect.topLeft(), doc.image, rect)
        if self.mode == "erased":
            painter.setCompositionMode(Mode.CompositionMode_DestinationIn)
            painter.drawImage(rect.topLeft(), doc.mask, rect)
        else:
            overlay = QImage(rect.size(), QImage.Format.Format_ARGB32_Premultiplied)
            overlay.fill(self.tint)
            tint = QPainter(overlay)
            tint.setCompositionMode(Mode.CompositionMode_DestinationOut)
            tint.drawImage(0, 0, doc.mask, rect.left(), rect.top(), rect.width(), rect.height())
            tint.end()
            painter.setCompositionMode(Mode.CompositionMode_SourceOver)
            painter.drawImage(rect.topLeft(), overlay)
        painter.end()
