"""The one-folder program's launcher: the engine command the supervisor uses, and the edit self-test (the
smoke test's app-edit step)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import dalle_studio.__main__
from tests.distribution.scripts import ROOT, load_script

LAUNCHER = ROOT / "packaging" / "pyinstaller" / "launcher.py"


@pytest.mark.parametrize(("argv", "expected"), [
    (["-m", "dalle_studio.engine", "--port", "0"], ["engine", "--port", "0"]),  # the supervisor, frozen
    (["engine", "--help"], ["engine", "--help"]),
    (["picture.png"], ["picture.png"]),
    ([], []),
])
def test_launcher_hands_the_command_line_to_the_app_and_the_supervisors_engine_command_to_the_engine(
        monkeypatch, argv, expected):
    seen = []
    monkeypatch.setattr(dalle_studio.__main__, "main", lambda args: seen.append(args) or 0)
    monkeypatch.setattr(sys, "argv", ["dalle-studio", *argv])
    assert load_script("pyinstaller/launcher").main() == 0
    assert seen == [expected]


def test_self_test_edits_the_sample_in_the_apps_window_on_the_engine(tmp_path):
    sample = ROOT / "resources" / "samples" / "coffee.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, str(LAUNCHER), "--self-test-edit", str(sample)], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.startswith("self-test edit: ok "), done.stdout
    assert "of 600x400" in done.stdout


def test_self_test_reports_a_picture_it_cannot_open_as_a_failure(tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, str(LAUNCHER), "--self-test-edit", str(broken)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout.startswith("self-test edit: FAILED ")
