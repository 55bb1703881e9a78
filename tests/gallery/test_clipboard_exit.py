"""An image copied from the gallery stays on the clipboard until the app ends, and the app still ends cleanly: Qt
destroys clipboard data after Python has gone, and data made in Python then crashed the process (exit code 139)."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from dalle_studio.ui.gallery.transfer import put_on_clipboard

app = QApplication([])
image = QImage(16, 16, QImage.Format.Format_ARGB32)
image.fill(0xFF3366AA)
put_on_clipboard(app.clipboard(), [Path(sys.argv[1])], image)
data = app.clipboard().mimeData()
print(data.hasImage(), [u.toLocalFile() for u in data.urls()], flush=True)
"""


def test_a_copied_image_leaves_the_app_free_to_exit_cleanly(tmp_path):
    picture = tmp_path / "sunset.png"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(picture)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.stdout.strip() == f"True ['{picture}']"
    assert done.returncode == 0, done.stderr[-2000:]
