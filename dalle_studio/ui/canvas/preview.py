"""The Send preview panel: exactly what will go to the model, the frame's picture, its size once scaled, and the
mask, redrawn shortly after the picture, mask or frame change (never on every brush dab)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from dalle_studio.document.document import Document
from dalle_studio.ui.canvas.checkerboard import checkerboard_brush
from dalle_studio.ui.canvas.tool_state import CanvasTools

THUMB = 240


def render_preview(document: Document, frame: QRect, size: QSize) -> QImage:
    """The frame's picture at ``size`` over a checkerboard, with the area to regenerate erased to it. Draws
    straight from the document's images (no full-size copy), so its cost follows ``size``, not the picture."""
    out = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    out.fill(0)
    target = QRectF(0, 0, size.width(), size.height())
    source = QRectF(frame)
    picture = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    picture.fill(0)
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(target, document.image, source)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
    mask = QImage(size, QImage.Format.Format_Alpha8)
    mask.fill(0)
    masker = QPainter(mask)
    masker.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    masker.drawImage(target, document.mask, source)
    masker.end()
    painter.drawImage(0, 0, mask)
    painter.end()
    painter = QPainter(out)
    painter.fillRect(out.rect(), checkerboard_brush(6))
    painter.drawImage(0, 0, picture)
    painter.end()
    return out


class SendPreview(QWidget):
    """Shows the frame as it will be sent; reads the document and the frame shapes, keeps nothing else."""

    def __init__(self, document: Document, tools: CanvasTools, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sendPreview")
        self.document = document
        self.tools = tools
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(THUMB // 2, THUMB // 3)
        # the picture takes the room the caption leaves and is scaled into it, never drawn under the caption
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._rendered = QImage()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.caption)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        for signal in (document.image_replaced, document.mask_changed, document.picture_changed,
                       document.frame_changed, tools.changed):
            signal.connect(self._timer.start)
        self.refresh()

    def send_size(self) -> QSize:
        return self.tools.frame_sizes.send_size(self.document.frame.size())

    def refresh(self) -> None:
        doc = self.document
        if doc.is_empty:
            self._rendered = QImage()
            self.image.setPixmap(QPixmap())
            self.caption.setText("Open a picture to see what will be sent.")
            return
        frame = doc.frame
        send = self.send_size()
        thumb = QSize(send).scaled(QSize(THUMB, THUMB), Qt.AspectRatioMode.KeepAspectRatio)
        self._rendered = render_preview(doc, frame, thumb)
        self._show()
        lines = [f"Frame {frame.width()} × {frame.height()} px, sent as {send.width()} × {send.height()} px."]
        if not doc.rect.contains(frame):
            lines.append("The frame reaches beyond the picture: that border will be generated.")
        if doc.mask_is_empty() and doc.rect.contains(frame):
            lines.append("Nothing is masked: paint the area to regenerate.")
        else:
            lines.append("Checkerboard = the area the model will regenerate.")
        self.caption.setText("\n".join(lines))


    def _show(self) -> None:
        if self._rendered.isNull():
            return
        room = self.image.size().boundedTo(self._rendered.size())
        shown = self._rendered.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(QPixmap.fromImage(shown))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show()


__all__ = ["THUMB", "SendPreview", "render_preview"]
