"""The desktop entry, the AppStream metainfo and the icons: they parse, agree with each other and with the program,
and install for the current user."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

import dalle_studio
from tests.distribution.scripts import ROOT, load_script

LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / "dalle-studio.desktop"
METAINFO = LINUX / "dalle-studio.metainfo.xml"
ICONS = ROOT / "resources" / "icons"
INSTALL = LINUX / "install-desktop.sh"


def desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def console_scripts() -> dict[str, str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]


def test_desktop_entry_starts_the_installed_command_with_the_app_icon():
    entry = desktop_entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == dalle_studio.APP_NAME
    command, *args = entry["Exec"].split()
    assert command in console_scripts()
    assert args == ["%f"]  # the command line takes one picture to open
    assert entry["Icon"] == dalle_studio.APP_ID
    assert (ICONS / f"{entry['Icon']}.svg").is_file()
    # Qt names the window after the desktop file (app.setDesktopFileName): they must agree for the dock to match.
    assert DESKTOP.stem == dalle_studio.APP_ID
    assert "Graphics" in entry["Categories"].split(";")
    assert {"image/png", "image/jpeg"} <= set(entry["MimeType"].split(";"))


def test_metainfo_describes_this_version_launches_the_desktop_entry_and_shows_a_real_screenshot():
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("name") == dalle_studio.APP_NAME
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("icon[@type='stock']") == desktop_entry(DESKTOP)["Icon"]
    releases = root.findall("releases/release")
    assert releases, "release notes are missing"
    assert releases[0].get("version") == dalle_studio.__version__, "add a <release> for the new version (newest first)"
    assert releases[0].find("description") is not None
    screenshot = root.findtext("screenshots/screenshot[@type='default']/image")
    assert screenshot and screenshot.startswith("https://")
    assert (ROOT / "resources" / "screenshots" / Path(screenshot).name).is_file()


@pytest.mark.parametrize("size", load_script("render_icons").SIZES)
def test_each_png_icon_is_its_size_transparent_around_and_drawn_from_the_svg(qapp, size):
    render_icons = load_script("render_icons")
    png = QImage(str(render_icons.png_path(size)))
    assert not png.isNull()
    assert (png.width(), png.height()) == (size, size)
    assert png.hasAlphaChannel() and png.pixelColor(0, 0).alpha() == 0  # rounded corners, not a white square
    assert png.pixelColor(size // 2, size // 2).alpha() == 255
    # Someone changed the SVG and forgot `python packaging/render_icons.py`? The PNGs would show the old icon.
    fresh = render_icons.render(render_icons.SVG, size)
    total = squares = 0
    for y in range(size):
        for x in range(size):
            a, b = png.pixelColor(x, y), fresh.pixelColor(x, y)
            for u, v in ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue()), (a.alpha(), b.alpha())):
                squares += (u - v) ** 2
                total += 1
    assert (squares / total) ** 0.5 < 4


def test_install_script_puts_entry_icons_and_metainfo_in_the_users_data_folder_and_removes_them(tmp_path):
    program = tmp_path / "My Apps" / "dalle-studio"  # a space in the path must survive the Exec quoting
    program.parent.mkdir()
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    data = tmp_path / "share"
    env = dict(os.environ, XDG_DATA_HOME=str(data))
    subprocess.run(["bash", str(INSTALL), "--exec", str(program)], env=env, check=True, capture_output=True)
    installed = desktop_entry(data / "applications" / "dalle-studio.desktop")
    assert installed["Exec"] == f'"{program}" %f'
    assert installed["TryExec"] == str(program)
    assert installed["Icon"] == "dalle-studio"
    assert (data / "metainfo" / "dalle-studio.metainfo.xml").read_bytes() == METAINFO.read_bytes()
    assert (data / "icons/hicolor/scalable/apps/dalle-studio.svg").is_file()
    for size in load_script("render_icons").SIZES:
        assert (data / f"icons/hicolor/{size}x{size}/apps/dalle-studio.png").is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(data / "applications" / "dalle-studio.desktop")], check=True)

    subprocess.run(["bash", str(INSTALL), "--uninstall"], env=env, check=True, capture_output=True)
    assert not (data / "applications" / "dalle-studio.desktop").exists()
    assert not list(data.rglob("dalle-studio*"))


def test_install_script_refuses_without_a_program_to_start(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "share"), PATH="/usr/bin:/bin")
    done = subprocess.run(["bash", str(INSTALL)], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "--exec" in done.stderr
    assert not (tmp_path / "share" / "applications" / "dalle-studio.desktop").exists()


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils is not installed")
def test_desktop_file_validates():
    subprocess.run(["desktop-file-validate", str(DESKTOP)], check=True)


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream is not installed")
def test_metainfo_validates():
    # The ID is the app's desktop-file name, not reverse-DNS (the project has no domain yet): a warning, not an error.
    subprocess.run(["appstreamcli", "validate", "--no-net", "--override=cid-desktopapp-is-not-rdns=info",
                    str(METAINFO)], check=True, capture_output=True)
