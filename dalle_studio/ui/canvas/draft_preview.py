"""The canvas's stand-in while the app loads with a picture named on the command line (issue 16).

The real canvas needs the document, numpy and the canvas modules, half a second of imports; the reduced decode of the
picture (``document.early_open``) is ready long before. This widget needs only Qt: it takes the canvas's place in
the window, paints the draft fitted exactly as the canvas fits a picture (same margin, same centre, same background
and checkerboard), and is replaced by the canvas, which goes on showing the same draft until the full decode is in.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from dalle_studio.ui.canvas.checkerboard import checkerboard_brush

ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignCenter: the preview paints before PySide's Qt namespace exists
FIT_MARGIN = 12  # as CanvasView.fit: the picture keeps this many pixels from each edge of the view


class DraftMailbox(QObject):
    """Where the decoding thread posts the draft. It outlives the preview (whoever holds it keeps it), so a draft
    arriving after the canvas has replaced the preview goes nowhere instead of to a deleted widget."""

    arrived = Signal(object)  # a document.early_open.Draft, or None when there is none


class DraftPreview(QWidget):
    """Paints a ``Draft`` (an image standing for a picture of width x height) as the canvas would, fitted. Give it
    one with :meth:`show_draft` or, from another thread, through :attr:`mailbox`."""

    first_painted = Signal()  # the draft is on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvasDraft")
        self.setBackgroundRole(QPalette.ColorRole.Dark)
        self.setAutoFillBackground(True)
        # The "Loading…" text in the disabled colour through the palette: a painter's setPen() makes PySide build
        # its whole Qt namespace (~40 ms) to tell its overloads apart, before the picture's first frame.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText,
                         palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText))
        self.setPalette(palette)
        self._draft = None
        self._painted = False
        self.mailbox = DraftMailbox()
        self.mailbox.arrived.connect(self.show_draft)  # queued when posted from the decoding thread

    def show_draft(self, draft) -> None:
        if draft is not None:
            self._draft = draft
            self.update()

    def has_picture(self) -> bool:
        return self._draft is not None

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn, in widget pixels (empty until a draft arrives)."""
        if self._draft is None:
            return QRectF()
        width, height = self._draft.width, self._draft.height
        room = QRectF(self.rect()).adjusted(FIT_MARGIN, FIT_MARGIN, -FIT_MARGIN, -FIT_MARGIN)
        if room.isEmpty():
            return QRectF()
        zoom = min(room.width() / width, room.height() / height)
        shown = QRectF(0, 0, width * zoom, height * zoom)
        shown.moveCenter(QRectF(self.rect()).center())
        return shown

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        shown = self.picture_rect()
        if shown.isEmpty():
            painter.drawText(self.rect(), ALIGN_CENTER, "Loading…")  # a number: no Qt namespace yet
            painter.end()
            return
        painter.fillRect(shown, checkerboard_brush())  # behind transparent pixels, as on the canvas
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(shown, self._draft.image)
        painter.end()
        if not self._painted:
            self._painted = True
            self.first_painted.emit()
