"""How the gallery meets the rest of the window: the composition root calls :func:`connect_gallery` once.

Signals for other parts of the app that do not exist yet (``use_as_variation_source`` and ``run_again``, for the
generation workflow) are left for their authors to connect.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QStatusBar

from dalle_studio.library import read_parameters
from dalle_studio.ui.gallery.panel import GalleryPanel

log = logging.getLogger(__name__)
MAX_RECALL_BYTES = 64 * 1024 * 1024


class _Files(Protocol):
    def open_path(self, path: str | Path) -> object: ...

    @property
    def opened(self): ...  # Signal(object): Path | None


class _Prompt(Protocol):
    def set_text(self, text: str) -> None: ...


def connect_gallery(gallery: GalleryPanel, *, files: _Files, prompt_panel: _Prompt, status_bar: QStatusBar) -> None:
    """Open gallery images and lineage files in the canvas, recall prompts into the prompt panel (also from PNGs
    opened from disk that carry them), and show the gallery's messages in the status bar."""
    gallery.open_in_canvas.connect(lambda record: files.open_path(record.path))
    gallery.open_file.connect(files.open_path)
    gallery.recall_prompt.connect(lambda record: prompt_panel.set_text(record.prompt))
    gallery.status_message.connect(lambda text: status_bar.showMessage(text, 8000))
    files.opened.connect(lambda path: recall_from_file(path, prompt_panel, status_bar))


def recall_from_file(path: Path | None, prompt_panel: _Prompt, status_bar: QStatusBar) -> bool:
    """If the opened picture is a PNG carrying a prompt (ours or another tool's ``parameters``), put it in the prompt
    panel. Model, size and quality are in the recalled parameters for the workflow's controls, when they exist."""
    if path is None or Path(path).suffix.lower() != ".png":
        return False
    try:
        if Path(path).stat().st_size > MAX_RECALL_BYTES:
            return False
        recalled = read_parameters(Path(path).read_bytes())
    except OSError as exc:
        log.info("could not read %s for its prompt: %s", path, exc)
        return False
    if recalled is None or not recalled.prompt:
        return False
    prompt_panel.set_text(recalled.prompt)
    status_bar.showMessage("Prompt recalled from the picture.", 8000)
    return True
