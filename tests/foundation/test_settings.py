"""Settings: declared once, typed, validated, persisted atomically, and shown in Preferences."""

from __future__ import annotations

import json

import pytest

from dalle_studio.core.settings import Setting, Settings, declare


def test_values_persist_and_defaults_fill_the_rest(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings.load(path)
    assert settings.get("files.recent_max") == 10
    settings.set("files.recent_max", 3)
    again = Settings.load(path)
    assert again.get("files.recent_max") == 3
    assert again.get("appearance.theme") == "system"


def test_wrong_values_are_refused_with_what_is_allowed(tmp_path):
    settings = Settings.load(tmp_path / "s.json")
    with pytest.raises(ValueError, match="not one of system, light, dark"):
        settings.set("appearance.theme", "purple")
    with pytest.raises(ValueError, match="above the maximum"):
        settings.set("files.recent_max", 500)
    with pytest.raises(KeyError, match="no setting named"):
        settings.get("no.such")


def test_damaged_or_hand_edited_files_do_not_stop_the_app(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert Settings.load(path).get("files.recent_max") == 10
    path.write_text(json.dumps({"files.recent_max": "many", "appearance.theme": "dark", "future.key": 1}))
    settings = Settings.load(path)
    assert settings.get("files.recent_max") == 10 and settings.get("appearance.theme") == "dark"
    settings.set("files.recent_max", 4)
    assert json.loads(path.read_text())["future.key"] == 1  # a newer version's settings survive


def test_listeners_hear_changes_and_layers_add_their_own_settings(tmp_path):
    extra = declare(Setting("canvas.brush_size", int, 40, "Brush size", "Pixels.", minimum=1, maximum=2000))
    settings = Settings.load(tmp_path / "s.json", extra)
    heard = []
    unsubscribe = settings.subscribe(lambda key, value: heard.append((key, value)))
    settings.set("canvas.brush_size", 12)
    settings.set("canvas.brush_size", 12)
    unsubscribe()
    settings.set("canvas.brush_size", 13)
    assert heard == [("canvas.brush_size", 12)]
    with pytest.raises(ValueError, match="declared twice"):
        Settings.load(tmp_path / "s.json", extra, declare(Setting("canvas.brush_size", int, 1, "x", "y")))


def test_preferences_dialog_is_generated_and_writes_back(qtbot, tmp_path):
    from PySide6.QtWidgets import QComboBox, QSpinBox

    from dalle_studio.ui.dialogs.preferences import PreferencesDialog

    settings = Settings.load(tmp_path / "s.json")
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    assert "window.geometry" not in dialog.editors  # remembered state is not a preference
    theme = dialog.editors["appearance.theme"]
    assert isinstance(theme, QComboBox)
    theme.setCurrentIndex(theme.findData("dark"))
    recent = dialog.editors["files.recent_max"]
    assert isinstance(recent, QSpinBox) and recent.maximum() == 50
    recent.setValue(7)
    dialog.accept()
    assert settings.get("appearance.theme") == "dark" and settings.get("files.recent_max") == 7
