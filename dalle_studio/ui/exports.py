"""Exports as desktop apps do them, shared by File > Export (the canvas) and the gallery's Export: where the dialog
starts (the last folder used, else the platform's Pictures folder; never the app's own folder, where the bundled
samples live) and the status-bar notice after (where the file went, with an "Open folder" button)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton, QStatusBar

NOTICE_MS = 12000


def start_folder(last: str) -> Path:
    """Where export dialogs start: the last folder exported to, else the platform's Pictures folder, else home."""
    if last and Path(last).is_dir():
        return Path(last)
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return Path(pictures) if pictures and Path(pictures).is_dir() else Path.home()


def show_export_notice(status_bar: QStatusBar, path: Path, text: str | None = None) -> QPushButton:
    """Say ``text`` (default: "Exported to PATH") with an "Open folder" button that opens ``path``'s folder (or
    ``path`` itself when it is a folder); the button goes when the message does."""
    folder = path if path.is_dir() else path.parent
    for old in status_bar.findChildren(QPushButton, "openExportFolder"):
        old.deleteLater()
    button = QPushButton("Open folder", status_bar)
    button.setObjectName("openExportFolder")
    button.setFlat(True)
    button.setToolTip(str(folder))
    button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    # Permanent: a temporary message hides the bar's normal widgets. It goes when the message does.
    status_bar.addPermanentWidget(button)
    said = text or f"Exported to {path}"
    status_bar.showMessage(said, NOTICE_MS)

    def on_message(message: str) -> None:
        if message != said:
            status_bar.removeWidget(button)
            button.deleteLater()
            status_bar.messageChanged.disconnect(on_message)

    status_bar.messageChanged.connect(on_message)
    return button
