"""Settings: declared once (name, type, default, description), stored as JSON in the user's config folder.

Every part of the program reads and writes settings through one :class:`Settings` object that ``app.py``
creates and passes down. The Preferences dialog is generated from the declarations marked ``visible``.
Secrets never live here: the API key is kept by the keychain (see DESIGN.md, Secrets).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dalle_studio.core.atomic import atomic_write_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    """One declared setting. ``choices`` limits a ``str`` setting; ``minimum``/``maximum`` bound numbers."""

    key: str
    type: type
    default: Any
    title: str
    description: str
    section: str = "General"
    choices: Sequence[tuple[str, str]] = ()  # (value, label)
    minimum: float | None = None
    maximum: float | None = None
    visible: bool = True  # shown in Preferences; hidden ones are remembered state

    def coerce(self, value: Any) -> Any:
        """Return ``value`` as this setting's type, or raise ``ValueError`` saying what is allowed."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.key}: expected true or false, got {value!r}")
        elif self.type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{self.key}: expected a whole number, got {value!r}")
        elif self.type is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{self.key}: expected a number, got {value!r}")
            value = float(value)
        elif self.type is str:
            if not isinstance(value, str):
                raise ValueError(f"{self.key}: expected text, got {value!r}")
            if self.choices and value not in {c for c, _ in self.choices}:
                allowed = ", ".join(c for c, _ in self.choices)
                raise ValueError(f"{self.key}: {value!r} is not one of {allowed}")
        elif self.type is list:
            if not isinstance(value, list):
                raise ValueError(f"{self.key}: expected a list, got {value!r}")
            value = list(value)
        elif self.type is dict:
            if not isinstance(value, dict):
                raise ValueError(f"{self.key}: expected a mapping, got {value!r}")
            value = dict(value)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{self.key}: {value} is below the minimum {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{self.key}: {value} is above the maximum {self.maximum:g}")
        return value


def declare(*settings: Setting) -> dict[str, Setting]:
    """A table of settings, checked: unique keys, valid defaults. Each layer declares its own; app.py merges."""
    table: dict[str, Setting] = {}
    for s in settings:
        if s.key in table:
            raise ValueError(f"setting {s.key} declared twice")
        s.coerce(s.default)
        table[s.key] = s
    return table


DECLARATIONS: dict[str, Setting] = declare(
    Setting("appearance.theme", str, "system", "Colour scheme",
            "Follow the system's light or dark scheme, or force one.", section="Appearance",
            choices=(("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))),
    Setting("appearance.system_scheme", str, "", "System colour scheme",
            "The system's scheme when last asked, used until it is asked again after the window shows.",
            section="Appearance", choices=(("", "Not asked yet"), ("light", "Light"), ("dark", "Dark")),
            visible=False),
    Setting("files.recent_max", int, 10, "Recent files to remember",
            "How many pictures File > Open recent lists.", section="Files", minimum=0, maximum=50),
    Setting("files.max_megapixels", int, 150, "Largest picture to open (megapixels)",
            "Pictures with more pixels are refused, which protects against decompression bombs.",
            section="Files", minimum=1, maximum=1000),
    Setting("files.recent", list, [], "Recent files", "Most recent first.", visible=False),
    Setting("files.last_folder", str, "", "Last folder", "Where the Open dialog starts.", visible=False),
    Setting("window.geometry", str, "", "Window geometry", "Size and position (Qt, base64).", visible=False),
    Setting("window.state", str, "", "Panel layout", "Docked panels (Qt, base64).", visible=False),
)

def merge(*tables: dict[str, Setting]) -> dict[str, Setting]:
    """Join several layers' declaration tables; a key declared in two of them is a programming error."""
    merged: dict[str, Setting] = {}
    for table in tables:
        for key, decl in table.items():
            if key in merged and merged[key] is not decl:
                raise ValueError(f"setting {key} declared twice")
            merged[key] = decl
    return merged


Listener = Callable[[str, Any], None]


@dataclass
class Settings:
    """The program's settings: typed get/set, change listeners, persisted to one JSON file atomically."""

    path: Path | None
    declarations: dict[str, Setting] = field(default_factory=lambda: dict(DECLARATIONS))
    _values: dict[str, Any] = field(default_factory=dict)
    _listeners: list[Listener] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path | None, *tables: dict[str, Setting]) -> Settings:
        """Read ``path`` (missing or damaged files give defaults; bad values are dropped and logged)."""
        settings = cls(path=path, declarations=merge(DECLARATIONS, *tables))
        if path is None or not path.exists():
            return settings
        try:
            raw = json.loads(path.read_text("utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            log.warning("settings file %s is unreadable (%s); using defaults", path, exc)
            return settings
        for key, value in raw.items():
            decl = settings.declarations.get(key)
            if decl is None:
                settings._values[key] = value  # kept for newer/older versions of the app
                continue
            try:
                settings._values[key] = decl.coerce(value)
            except ValueError as exc:
                log.warning("ignoring stored setting: %s", exc)
        return settings

    def extend(self, *tables: dict[str, Setting]) -> None:
        """Declare more settings after loading (parts of the app loaded later); stored values for them, kept as
        they were read, are checked now and dropped (with a log line) when invalid."""
        self.declarations = merge(self.declarations, *tables)
        for table in tables:
            for key, decl in table.items():
                if key in self._values:
                    try:
                        self._values[key] = decl.coerce(self._values[key])
                    except ValueError as exc:
                        log.warning("ignoring stored setting: %s", exc)
                        del self._values[key]

    def declaration(self, key: str) -> Setting:
        try:
            return self.declarations[key]
        except KeyError:
            raise KeyError(f"no setting named {key!r} is declared") from None

    def get(self, key: str) -> Any:
        decl = self.declaration(key)
        value = self._values.get(key, decl.default)
        return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value

    def set(self, key: str, value: Any, *, save: bool = True) -> None:
        """Validate and store ``value``; listeners hear of a real change; the file is written at once."""
        value = self.declaration(key).coerce(value)
        if self.get(key) == value and key in self._values:
            return
        self._values[key] = value
        if save:
            self.save()
        for listener in list(self._listeners):
            listener(key, value)

    def reset(self, key: str) -> None:
        self.set(key, self.declaration(key).default)

    def visible(self) -> Iterable[Setting]:
        return (d for d in self.declarations.values() if d.visible)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(key, value)`` after each change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def save(self) -> None:
        if self.path is None:
            return
        atomic_write_text(self.path, json.dumps(self._values, indent=2, sort_keys=True))
