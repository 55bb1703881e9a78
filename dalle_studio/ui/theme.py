"""The colour scheme: follow the system's light or dark scheme, or force one (setting ``appearance.theme``).

"system" keeps the platform's own style and palette while they match the scheme the system reports
(QStyleHints.colorScheme, Qt 6.5+); where the platform reports dark but paints light (no platform theme, or one
that only knows light), the Fusion dark palette stands in. "light" and "dark" use Fusion with our palettes,
the same on every platform. Changes to the setting or to the system scheme apply at once.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from dalle_studio.core.settings import Settings

log = logging.getLogger(__name__)
SETTING = "appearance.theme"
Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# (active/inactive colour, disabled colour) per role; disabled None = same as active.
_DARK: dict[QPalette.ColorRole, tuple[str, str | None]] = {
    Role.Window: ("#2b2d30", None),
    Role.WindowText: ("#e3e3e3", "#7c7e82"),
    Role.Base: ("#1e1f22", "#26272a"),
    Role.AlternateBase: ("#26282b", None),
    Role.ToolTipBase: ("#3c3f44", None),
    Role.ToolTipText: ("#f0f0f0", None),
    Role.PlaceholderText: ("#8a8d92", None),
    Role.Text: ("#e3e3e3", "#7c7e82"),
    Role.Button: ("#35373b", "#2f3134"),
    Role.ButtonText: ("#e3e3e3", "#7c7e82"),
    Role.BrightText: ("#ff6b6b", None),
    Role.Light: ("#4a4d52", None),
    Role.Midlight: ("#3d4044", None),
    Role.Mid: ("#303236", None),
    Role.Dark: ("#1a1b1d", None),
    Role.Shadow: ("#0d0d0e", None),
    Role.Highlight: ("#3574f0", "#3d3f43"),
    Role.HighlightedText: ("#ffffff", "#7c7e82"),
    Role.Link: ("#6ea2ff", None),
    Role.LinkVisited: ("#b48ef5", None),
}
_LIGHT: dict[QPalette.ColorRole, tuple[str, str | None]] = {
    Role.Window: ("#efefef", None),
    Role.WindowText: ("#1d1d1f", "#9a9a9a"),
    Role.Base: ("#ffffff", "#f4f4f4"),
    Role.AlternateBase: ("#f5f5f5", None),
    Role.ToolTipBase: ("#ffffdc", None),
    Role.ToolTipText: ("#1d1d1f", None),
    Role.PlaceholderText: ("#8a8a8a", None),
    Role.Text: ("#1d1d1f", "#9a9a9a"),
    Role.Button: ("#efefef", None),
    Role.ButtonText: ("#1d1d1f", "#9a9a9a"),
    Role.BrightText: ("#ffffff", None),
    Role.Light: ("#ffffff", None),
    Role.Midlight: ("#e3e3e3", None),
    Role.Mid: ("#b8b8b8", None),
    Role.Dark: ("#9f9f9f", None),
    Role.Shadow: ("#767676", None),
    Role.Highlight: ("#2f6fe0", "#d6d6d6"),
    Role.HighlightedText: ("#ffffff", "#9a9a9a"),
    Role.Link: ("#1a5fd0", None),
    Role.LinkVisited: ("#7a3fc0", None),
}


def _palette(table: dict[QPalette.ColorRole, tuple[str, str | None]]) -> QPalette:
    palette = QPalette()
    for role, (normal, disabled) in table.items():
        for group in (Group.Active, Group.Inactive):
            palette.setColor(group, role, QColor(normal))
        palette.setColor(Group.Disabled, role, QColor(disabled or normal))
    return palette


def dark_palette() -> QPalette:
    return _palette(_DARK)


def light_palette() -> QPalette:
    return _palette(_LIGHT)


def is_dark(palette: QPalette) -> bool:
    """Whether a palette paints light text on a dark window."""
    return palette.color(Role.Window).lightness() < palette.color(Role.WindowText).lightness()


class ColorScheme(QObject):
    """Keeps the application's style and palette in line with the setting and the system's scheme."""

    def __init__(self, app: QApplication, settings: Settings) -> None:
        super().__init__(app)
        self.app = app
        self.settings = settings
        self._native_style: str | None = None  # the platform's style, noted when we first replace it
        self._applying = False
        self._applied: tuple = ("colour scheme: not applied yet",)  # what the last apply() did, for the log
        self._unsubscribe = settings.subscribe(self._on_setting)
        app.styleHints().colorSchemeChanged.connect(self._on_system_scheme)
        self.apply()

    def close(self) -> None:
        """Stop following (tests; the app follows until it quits)."""
        self._unsubscribe()
        self.app.styleHints().colorSchemeChanged.disconnect(self._on_system_scheme)

    def _on_setting(self, key: str, _value: Any) -> None:
        if key == SETTING:
            self.apply()

    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self.settings.get(SETTING) == "system":
            self.apply()

    def wanted(self) -> str:
        """``"light"`` or ``"dark"``: what the setting asks for, the system's scheme deciding under "system"."""
        choice = self.settings.get(SETTING)
        if choice in ("light", "dark"):
            return choice
        return "dark" if self.system_scheme() == Qt.ColorScheme.Dark else "light"

    def system_scheme(self) -> Qt.ColorScheme:
        """The scheme the platform reports (Unknown where it has no opinion, which counts as light)."""
        return self.app.styleHints().colorScheme()

    def apply(self) -> None:
        if self._applying:
            return  # requesting a scheme makes Qt announce a scheme change: that is us, not the system
        self._applying = True
        try:
            self._apply()
        finally:
            self._applying = False

    def _apply(self) -> None:
        choice = self.settings.get(SETTING)
        if choice == "system":
            self._request_scheme(Qt.ColorScheme.Unknown)  # first, so that Qt reports the system's own scheme
        wanted = self.wanted()
        if choice == "system":
            self._set_style(None)
            self.app.setPalette(QPalette())  # an empty palette means the platform's own again
            if is_dark(QGuiApplication.palette()) == (wanted == "dark"):
                self._log("colour scheme: following the system (%s, platform palette)", wanted)
                return
        else:
            self._request_scheme(Qt.ColorScheme.Dark if wanted == "dark" else Qt.ColorScheme.Light)
        self._set_style("Fusion")
        self.app.setPalette(dark_palette() if wanted == "dark" else light_palette())
        self._log("colour scheme: %s (setting %s), Fusion palette", wanted, choice)

    def _log(self, *message) -> None:
        self._applied = message
        log.info(*message)

    def announce(self) -> None:
        """Log what the scheme is now: at start-up it is applied before the log has its file (see app.run)."""
        log.info(*self._applied)

    def _set_style(self, name: str | None) -> None:
        """Use the style ``name``, or the platform's own for None. Until a style has been replaced, the platform's
        is the one in use, and asking for its name is not needed: that keeps start-up from making PySide build
        QStyle's Python type and its nine enums (3.5 ms) before the window shows."""
        if name is None:
            if self._native_style is None:
                return
            name = self._native_style
        current = self.app.style().name()
        if current.lower() != name.lower():
            style = QStyleFactory.create(name)
            if style is not None:
                if self._native_style is None:
                    self._native_style = current
                self.app.setStyle(style)

    def _request_scheme(self, scheme: Qt.ColorScheme) -> None:
        # Qt 6.8+: lets the platform (title bars on Windows, native dialogs) follow a forced scheme too.
        set_scheme = getattr(self.app.styleHints(), "setColorScheme", None)
        if set_scheme is not None:
            set_scheme(scheme)


def follow_color_scheme(app: QApplication, settings: Settings) -> ColorScheme:
    """Start following the colour-scheme setting and the system's scheme; keep the returned object alive."""
    return ColorScheme(app, settings)
