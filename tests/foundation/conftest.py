from __future__ import annotations

import pytest

from dalle_studio.app import build_window
from dalle_studio.core.paths import AppPaths


@pytest.fixture
def make_studio(qtbot, tmp_path, loop):
    """Build the whole window on a settings folder in ``tmp_path`` (call again for a 'restart')."""
    built = []

    def make(root=tmp_path):
        studio = build_window(AppPaths.under(root))
        built.append(studio)
        return studio

    yield make
    for studio in built:  # closed here, not by qtbot: a modified picture would ask whether to discard it
        studio.document.undo_stack.setClean()
        studio.window.close()
        studio.close()


@pytest.fixture
def studio(make_studio):
    s = make_studio()
    s.window.show()
    return s
