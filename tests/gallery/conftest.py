"""Fixtures for gallery tests: real Qt widgets (offscreen), a real library with real images, a thumbnail cache."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from dalle_studio.library import Kind, Library, NewResult, ThumbnailStore
from dalle_studio.ui.gallery.panel import GalleryPanel
from dalle_studio.ui.gallery.thumbnails import ThumbnailCache
from tests.library.conftest import make_image


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "library")
    yield lib
    lib.close()


@pytest.fixture
def thumbnails(qapp, tmp_path: Path) -> Iterator[ThumbnailCache]:
    cache = ThumbnailCache(ThumbnailStore(tmp_path / "cache", size=64))
    yield cache
    cache.shutdown()


@pytest.fixture
def filled(library: Library) -> dict[str, int]:
    """Three images: a fox generation, an edit of it (with a mask), and a cat variation."""
    fox = library.add_result(NewResult(image=make_image(1), kind=Kind.GENERATION, prompt="a red fox in snow",
                                       model="gpt-image-1", created=1000.0))
    edit = library.add_result(NewResult(image=make_image(2), kind=Kind.EDIT, prompt="the fox wearing a hat",
                                        model="gpt-image-1.5", created=2000.0, parent_ids=[fox.id],
                                        mask=make_image(7, mode="RGBA")))
    cat = library.add_result(NewResult(image=make_image(3), kind=Kind.VARIATION, prompt="a sleepy cat",
                                       model="dall-e-2", created=3000.0))
    return {"fox": fox.id, "edit": edit.id, "cat": cat.id}


@pytest.fixture
def panel(qtbot, library: Library, thumbnails: ThumbnailCache, filled) -> Iterator[GalleryPanel]:
    widget = GalleryPanel(library, thumbnails, check_files_after_ms=0)
    qtbot.addWidget(widget)
    widget.resize(600, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.background.wait()


@pytest.fixture
def studio(qtbot, tmp_path: Path, loop):
    """The whole window as the app builds it, shown; the gallery's grid is what tests focus."""
    from dalle_studio.app import build_window
    from dalle_studio.core.paths import AppPaths

    built = build_window(AppPaths.under(tmp_path / "app"))
    built.window.show()
    qtbot.waitExposed(built.window)
    yield built
    built.gallery.background.wait()
    built.document.undo_stack.setClean()
    built.window.close()
    built.close()
    built.window.deleteLater()
