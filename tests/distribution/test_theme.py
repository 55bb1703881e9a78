"""The colour scheme follows the setting (and the system's scheme under "system"), live."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from dalle_studio.core.settings import Settings
from dalle_studio.ui.dialogs.preferences import PreferencesDialog
from dalle_studio.ui.theme import ColorScheme, is_dark

WINDOW = QPalette.ColorRole.Window


class FakeSystem(ColorScheme):
    """The platform's reported scheme under the test's control (offscreen Qt reports none)."""

    scheme = Qt.ColorScheme.Light

    def system_scheme(self) -> Qt.ColorScheme:
        return self.scheme


@pytest.fixture
def scheme_of(qapp, tmp_path):
    made: list[ColorScheme] = []
    palette, style = qapp.palette(), qapp.style().name()

    def make(theme: str, kind: type[ColorScheme] = ColorScheme) -> tuple[Settings, ColorScheme]:
        settings = Settings.load(tmp_path / "settings.json")
        settings.set("appearance.theme", theme)
        made.append(kind(qapp, settings))
        return settings, made[-1]

    yield make
    for scheme in made:
        scheme.close()
    qapp.setStyle(style)
    qapp.setPalette(palette)


def window_is_dark(widget: QLabel) -> bool:
    colour = widget.palette().color(WINDOW)
    return colour.lightness() < 100


def test_dark_setting_paints_a_dark_window_and_light_setting_a_light_one(qapp, qtbot, scheme_of):
    label = QLabel("text")
    qtbot.addWidget(label)
    settings, _ = scheme_of("dark")
    qtbot.waitUntil(lambda: window_is_dark(label), timeout=2000)  # widgets hear of it by a posted event
    assert is_dark(qapp.palette())
    assert qapp.style().name().lower() == "fusion"
    settings.set("appearance.theme", "light")  # live, as Preferences > OK does it
    qtbot.waitUntil(lambda: not window_is_dark(label), timeout=2000)
    assert not is_dark(qapp.palette())


def test_system_setting_follows_the_systems_scheme_as_it_changes(qapp, qtbot, scheme_of):
    label = QLabel("text")
    qtbot.addWidget(label)
    FakeSystem.scheme = Qt.ColorScheme.Light
    scheme_of("system", FakeSystem)
    qtbot.waitUntil(lambda: not window_is_dark(label), timeout=2000)
    FakeSystem.scheme = Qt.ColorScheme.Dark
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(lambda: window_is_dark(label), timeout=2000)
    FakeSystem.scheme = Qt.ColorScheme.Light
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not window_is_dark(label), timeout=2000)


def test_forced_scheme_ignores_the_systems_changes(qapp, scheme_of):
    FakeSystem.scheme = Qt.ColorScheme.Light
    scheme_of("dark", FakeSystem)
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert is_dark(qapp.palette())


def test_choosing_dark_in_preferences_darkens_the_app(qapp, qtbot, scheme_of):
    settings, _ = scheme_of("light")
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    combo = dialog.editors["appearance.theme"]
    combo.setCurrentIndex(combo.findData("dark"))
    dialog.accept()
    assert settings.get("appearance.theme") == "dark"
    assert is_dark(qapp.palette())


def test_disabled_text_stays_readable_but_dimmer_in_dark(qapp, scheme_of):
    scheme_of("dark")
    palette = qapp.palette()
    window = palette.color(WINDOW).lightness()
    active = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText).lightness()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).lightness()
    assert window < disabled < active


def test_app_starts_in_the_scheme_the_settings_file_asks_for(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(json.dumps({"appearance.theme": "dark"}))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DALLE_STUDIO_HOME=str(tmp_path),
               DALLE_STUDIO_QUIT_WHEN_SHOWN="1")
    done = subprocess.run([sys.executable, "-m", "dalle_studio"], env=env, capture_output=True, text=True, timeout=60)
    assert "window shown" in done.stdout, done.stderr[-2000:]
    log = (tmp_path / "log" / "dalle-studio.log").read_text("utf-8")
    assert "colour scheme: dark (setting dark)" in log  # app.py applies the setting before the window shows


def test_before_the_first_frame_the_remembered_system_scheme_stands_in_and_is_corrected_after(qapp, qtbot,
                                                                                             tmp_path):
    """Asking Qt for the system's scheme builds PySide's whole Qt namespace, so the window's first frame uses the
    scheme the system had last time; once the window shows, the system is asked, and a changed scheme applies."""
    palette, style = qapp.palette(), qapp.style().name()
    settings = Settings.load(tmp_path / "settings.json")
    settings.set("appearance.system_scheme", "dark")  # the system was dark when last asked...
    FakeSystem.scheme = Qt.ColorScheme.Light  # ...and is light now
    scheme = FakeSystem(qapp, settings, early=True)
    try:
        assert is_dark(qapp.palette())  # the first frame: as remembered
        scheme.confirm()
        assert not is_dark(qapp.palette())
        assert Settings.load(tmp_path / "settings.json").get("appearance.system_scheme") == "light"  # next time
        scheme.confirm()  # asking again changes nothing
        assert not is_dark(qapp.palette())
    finally:
        scheme.close()
        qapp.setStyle(style)
        qapp.setPalette(palette)


def test_with_nothing_remembered_the_first_frame_asks_the_system(qapp, tmp_path):
    palette, style = qapp.palette(), qapp.style().name()
    settings = Settings.load(tmp_path / "settings.json")
    FakeSystem.scheme = Qt.ColorScheme.Dark
    scheme = FakeSystem(qapp, settings, early=True)
    try:
        assert is_dark(qapp.palette())
        scheme.confirm()
        assert is_dark(qapp.palette()) and settings.get("appearance.system_scheme") == "dark"
    finally:
        scheme.close()
        qapp.setStyle(style)
        qapp.setPalette(palette)
