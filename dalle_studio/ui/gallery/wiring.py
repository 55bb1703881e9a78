"""How the gallery meets the rest of the window: the composition root calls :func:`connect_gallery` once.

Signals for other parts of the app that do not exist yet (``use_as_variation_source`` and ``run_again``, for the
generation workflow) are left for their authors to connect.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QStatusBar

from dalle_studio.library import parameters_from_texts
from dalle_studio.ui.exports import show_export_notice
from dalle_studio.ui.gallery.panel import GalleryPanel

log = logging.getLogger(__name__)


class _Files(Protocol):
    def open_path(self, path: str | Path) -> object: ...

    @property
    def opened(self): ...  # Signal(object): Path | None

    @property
    def document(self): ...  # the Document, whose ``metadata`` holds the opened file's text chunks


class _Prompt(Protocol):
    def set_text(self, text: str) -> None: ...

    def recall(self, prompt: str, model: str = "", params: dict | None = None) -> None: ...


def connect_gallery(gallery: GalleryPanel, *, files: _Files, prompt_panel: _Prompt, status_bar: QStatusBar) -> None:
    """Open gallery images and lineage files in the canvas, recall prompts into the prompt panel (also from PNGs
    opened from disk that carry them), and show the gallery's messages in the status bar."""
    gallery.open_in_canvas.connect(lambda record: files.open_path(record.path))
    gallery.open_file.connect(files.open_path)
    gallery.recall_prompt.connect(lambda record: prompt_panel.recall(record.prompt, record.model, record.asked()))
    gallery.status_message.connect(lambda text: status_bar.showMessage(text, 8000))
    gallery.exported.connect(lambda path, text: show_export_notice(status_bar, path, text))
    files.opened.connect(lambda _path: recall_from_metadata(files.document.metadata, prompt_panel, status_bar))


def recall_from_metadata(metadata: Mapping[str, str], prompt_panel: _Prompt, status_bar: QStatusBar) -> bool:
    """If the opened picture carries a prompt in its text chunks (ours or another tool's ``parameters``), put it in
    the prompt panel. The chunks were read with the picture, off the UI thread: nothing is read again here."""
    recalled = parameters_from_texts(metadata)
    if recalled is None or not recalled.prompt:
        return False
    params = {**recalled.params, "size": recalled.size, "quality": recalled.quality}
    prompt_panel.recall(recalled.prompt, recalled.model, params)
    status_bar.showMessage("Prompt and settings recalled from the picture.", 8000)
    return True
