"""Export dialogs: Save As for one image (format from the name, quality for JPEG/WebP) and export of many to a
folder or a zip with names from a template."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from dalle_studio.library.export import DEFAULT_TEMPLATE, Format, format_for, render_name, slug
from dalle_studio.ui.exports import start_folder


def file_stem(prompt: str, fallback: str = "") -> str:
    """An export's proposed name: from the prompt, else from ``fallback`` (an imported file's name)."""
    return slug(prompt, 40) or slug(Path(fallback).stem, 40) or "image"


def save_as_dialog(parent: QWidget, folder: Path, stem: str) -> QFileDialog:
    """A Save As dialog (PNG, JPEG or WebP), opened window-modal without blocking the event loop; connect
    ``fileSelected`` to act on the answer (see :func:`chosen_target`)."""
    dialog = QFileDialog(parent, "Export image", str(folder / f"{stem}.png"),
                         "PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp)")
    dialog.setObjectName("galleryExportDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("png")
    dialog.selectFile(str(folder / f"{stem}.png"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def chosen_target(path: str) -> tuple[Path, Format]:
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".png")
    return target, format_for(target)


class ExportManyDialog(QDialog):
    """Where (a folder or a zip), which format and quality, and how to name the files."""

    def __init__(self, parent: QWidget | None, *, count: int, folder: str, template: str = DEFAULT_TEMPLATE,
                 fmt: str = "png", quality: int = 90, sample=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export {count} images")
        self.to_folder = QRadioButton("To a folder")
        self.to_folder.setChecked(True)
        self.to_zip = QRadioButton("To a zip file")
        self.destination = QLineEdit(str(start_folder(folder)))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.template = QLineEdit(template or DEFAULT_TEMPLATE)
        self.template.setToolTip("Fields: {date} {time} {prompt} {id} {index} {kind} {model} {hash}")
        self.preview = QLineEdit(readOnly=True)
        self.format = QComboBox()
        for value, label in (("png", "PNG (keeps the prompt inside)"), ("jpeg", "JPEG"), ("webp", "WebP")):
            self.format.addItem(label, value)
        self.format.setCurrentIndex(max(0, self.format.findData(fmt)))
        self.quality = QSpinBox(minimum=1, maximum=100, value=quality)
        self._sample = sample
        where = QHBoxLayout()
        where.addWidget(self.to_folder)
        where.addWidget(self.to_zip)
        dest = QHBoxLayout()
        dest.addWidget(self.destination, 1)
        dest.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(where)
        form.addRow("Destination", dest)
        form.addRow("File names", self.template)
        form.addRow("Example", self.preview)
        form.addRow("Format", self.format)
        form.addRow("Quality", self.quality)
        form.addRow(buttons)
        self.template.textChanged.connect(self._update_preview)
        self.format.currentIndexChanged.connect(self._update_preview)
        self._update_preview()

    def choice(self) -> tuple[Path, str, Format, int, bool]:
        """(destination, template, format, quality, as_zip)."""
        dest = Path(self.destination.text()).expanduser()
        as_zip = self.to_zip.isChecked()
        if as_zip and dest.suffix.lower() != ".zip":
            dest = dest / "images.zip" if dest.is_dir() else dest.with_suffix(".zip")
        return dest, self.template.text(), self.format.currentData(), self.quality.value(), as_zip

    def _browse(self) -> None:
        if self.to_zip.isChecked():
            path, _ = QFileDialog.getSaveFileName(self, "Export to zip", self.destination.text(), "Zip (*.zip)")
        else:
            path = QFileDialog.getExistingDirectory(self, "Export to folder", self.destination.text())
        if path:
            self.destination.setText(path)

    def _update_preview(self) -> None:
        if self._sample is None:
            return
        try:
            suffix = {"jpeg": ".jpg"}.get(self.format.currentData(), f".{self.format.currentData()}")
            self.preview.setText(render_name(self.template.text(), self._sample, 1) + suffix)
        except ValueError as exc:
            self.preview.setText(str(exc))
