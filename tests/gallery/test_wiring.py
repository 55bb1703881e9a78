"""The gallery inside the main window, as the composition root builds it."""

from __future__ import annotations

from pathlib import Path

from dalle_studio.app import build_window
from dalle_studio.core.paths import AppPaths
from dalle_studio.library import NewResult
from dalle_studio.library.export import export_image
from dalle_studio.ui.gallery.panel import GalleryPanel
from tests.library.conftest import make_image


def test_gallery_dock_shows_the_library_and_recalls_prompts(qtbot, loop, tmp_path: Path):
    studio = build_window(AppPaths.under(tmp_path))
    qtbot.addWidget(studio.window)
    try:
        studio.window.show()
        gallery = studio.window.gallery_dock.widget()
        assert isinstance(gallery, GalleryPanel) and gallery is studio.gallery
        record = studio.library.add_result(NewResult(image=make_image(1), kind="generation",
                                                     prompt="a lighthouse in fog", model="gpt-image-1"))
        qtbot.waitUntil(lambda: gallery.model.rowCount() == 1)
        gallery.select_image(record.id)
        gallery.commands["recall"].trigger()
        prompt = studio.window.prompt_panel
        assert prompt.text() == "a lighthouse in fog"

        prompt.set_text("")
        exported = export_image(record, tmp_path / "shared.png")
        assert loop.run_until_complete(studio.window.files.open_path(exported))
        assert prompt.text() == "a lighthouse in fog"  # recalled from the PNG's chunks
    finally:
        studio.window.document.undo_stack.setClean()
        studio.close()
