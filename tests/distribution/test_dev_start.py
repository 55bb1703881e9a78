"""``packaging/dev.sh start`` without a display says what to do, in the project's own terms."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform != "linux", reason="the display check is for Linux desktops")
def test_start_without_a_display_explains_what_to_do():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(["bash", str(REPO / "packaging" / "dev.sh"), "start"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 2
    assert "No display" in done.stderr and "xvfb-run -a bash packaging/dev.sh start" in done.stderr
    assert "../shared" not in done.stderr  # nothing outside the project
