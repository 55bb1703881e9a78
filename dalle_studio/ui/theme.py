"""The colour scheme: follow the system's light or dark scheme, or force one (setting ``appearance.theme``).

"system" keeps the platform's own style and palette while they match the scheme the system reports
(QStyleHints.colorScheme, Qt 6.5+); where the platform reports dark but paints light (no platform theme, or one
that only knows light), the Fusion dark palette stands in. "light" and "dark" use Fusion with our palettes,
the same on every platform. Changes to the setting or to the system scheme apply at once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from dalle_studio.core.settings import Settings

if TYPE_CHECKING:  # named only after the first frame (see ColorScheme's ``early``)
    from PySide6.QtCore import Qt

log = logging.getLogger(__name__)
SETTING = "appearance.theme"
SEEN = "appearance.system_scheme"  # the system's scheme when last asked: "light", "dark" or "" (never asked)
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
    """Keeps the application's style and palette in line with the setting and the system's scheme.

    ``early``: the window has not shown yet. Asking Qt for the system's scheme returns a ``Qt.ColorScheme``, and
    PySide builds its whole ``Qt`` namespace for it (36 ms, see ui.main_window); so until :meth:`confirm` is
    called, after the first frame, the scheme the system had when last asked stands for it, and a forced scheme
    is requested from the platform (title bars, native dialogs) then. With nothing remembered, Qt is asked."""

    def __init__(self, app: QApplication, settings: Settings, *, early: bool = False) -> None:
        super().__init__(app)
        self.app = app
        self.settings = settings
        self._early = early and settings.get(SEEN) in ("light", "dark")
        self._requested = False  # whether we have asked the platform for a scheme (then "system" undoes it)
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
        if self._early:
            return self.settings.get(SEEN)
        return self._system_wants()

    def system_scheme(self) -> Qt.ColorScheme:
        """The scheme the platform reports (Unknown where it has no opinion, which counts as light)."""
        return self.app.styleHints().colorScheme()

    def _system_wants(self) -> str:
        from PySide6.QtCore import Qt

        return "dark" if self.system_scheme() == Qt.ColorScheme.Dark else "light"

    def confirm(self) -> None:
        """Once the window is on screen: ask the system for its scheme, remember it for the next start, and apply
        the setting again where the remembered one was wrong (the system changed schemes while the app was
        closed); a forced scheme is now requested from the platform too."""
        early, self._early = self._early, False
        seen = self._system_wants()
        guessed = self.settings.get(SEEN)
        if seen != guessed:
            self.settings.set(SEEN, seen)
        if early:
            if self.settings.get(SETTING) != "system":
                self._request_scheme(self._forced())
            elif seen != guessed:
                self.apply()

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
        if choice == "system" and self._requested:
            self._request_scheme(None)  # first, so that Qt reports the system's own scheme
        wanted = self.wanted()
        if choice == "system":
            self._set_style(None)
            self.app.setPalette(QPalette())  # an empty palette means the platform's own again
            if is_dark(QGuiApplication.palette()) == (wanted == "dark"):
                self._log("colour scheme: following the system (%s, platform palette)", wanted)
                return
        elif not self._early:
            self._request_scheme(self._forced())
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

    def _forced(self) -> str:
        return "dark" if self.settings.get(SETTING) == "dark" else "light"

    def _request_scheme(self, scheme: str | None) -> None:
        """Ask the platform for "light" or "dark", or (None) for the system's own again."""
        # Qt 6.8+: lets the platform (title bars on Windows, native dialogs) follow a forced scheme too.
        set_scheme = getattr(self.app.styleHints(), "setColorScheme", None)
        if set_scheme is not None:
            from PySide6.QtCore import Qt

            Scheme = Qt.ColorScheme
            set_scheme({None: Scheme.Unknown, "dark": Scheme.Dark, "light": Scheme.Light}[scheme])
            self._requested = scheme is not None


def follow_color_scheme(app: QApplication, settings: Settings, *, early: bool = False) -> ColorScheme:
    """Start following the colour-scheme setting and the system's scheme; keep the returned object alive.
    ``early``: before the first frame (see :class:`ColorScheme`; call its ``confirm()`` after that frame)."""
    return ColorScheme(app, settings, early=early)
