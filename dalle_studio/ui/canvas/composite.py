"""What the canvas shows: the picture with the mask drawn on it, kept up to date one changed region at a time.

The composite is a premultiplied image of the picture's size. A brush dab recomposes only its rectangle, so the
cost of painting does not grow with the picture.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter

from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.tool_state import CanvasTools

Mode = QPainter.CompositionMode


class Composite:
    """The picture as shown: the mask tinted or erased, or the plain picture when the mask is hidden."""

    def __init__(self, document: Document, tools: CanvasTools) -> None:
        self._document = document
        self._tools = tools
        self.image = QImage()

    def rebuild(self) -> None:
        """Recompose everything (new picture, new size, new display mode)."""
        if self._document.is_empty:
            self.image = QImage()
            return
        if self.image.size() != self._document.size:
            self.image = QImage(self._document.size, QImage.Format.Format_ARGB32_Premultiplied)
        self.update(self.image.rect())

    def update(self, rect: QRect) -> QRect:
        """Recompose ``rect``; returns the part of it inside the picture."""
        rect = rect.intersected(self.image.rect())
        if rect.isEmpty():
            return rect
        doc, tools = self._document, self._tools
        painter = QPainter(self.image)
        painter.setCompositionMode(Mode.CompositionMode_Source)
        painter.drawImage(rect.topLeft(), doc.image, rect)
        if tools.mask_visible:
            if tools.display == "erased":
                painter.setCompositionMode(Mode.CompositionMode_DestinationIn)
                painter.drawImage(rect.topLeft(), doc.mask, rect)
            else:
                overlay = QImage(rect.size(), QImage.Format.Format_ARGB32_Premultiplied)
                overlay.fill(tools.tint)
                tint = QPainter(overlay)
                tint.setCompositionMode(Mode.CompositionMode_DestinationOut)
                tint.drawImage(0, 0, doc.mask, rect.left(), rect.top(), rect.width(), rect.height())
                tint.end()
                painter.setCompositionMode(Mode.CompositionMode_SourceOver)
                painter.drawImage(rect.topLeft(), overlay)
        painter.end()
        return rect
