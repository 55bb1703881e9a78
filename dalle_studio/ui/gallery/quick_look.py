"""Quick look: the selected image large, over the window, as a file manager's Space preview. Space, Escape or a
click closes it; the picture is decoded off the UI thread (a full-size PNG takes tens of milliseconds)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QMouseEvent, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from dalle_studio.library import ImageRecord


class QuickLook(QDialog):
    def __init__(self, record: ImageRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryQuickLook")
        self.setWindowTitle(record.prompt[:80] or record.path.name)
        self.record = record
        self.picture = QLabel("Loading…", alignment=Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(record.prompt or record.params.get("file", "") or record.kind, wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        screen = (parent.screen() if parent is not None else QGuiApplication.primaryScreen()).availableGeometry()
        self._room = screen.size() * 0.8
        self.resize(min(self._room.width(), max(320, record.width + 24)),
                    min(self._room.height(), max(240, record.height + 60)))

    def show_image(self, image: QImage) -> None:
        if image.isNull():
            self.picture.setText("The file of this image is missing or damaged.")
            return
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() > self._room.width() or pixmap.height() > self._room.height():
            pixmap = pixmap.scaled(self._room, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.close()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close()
