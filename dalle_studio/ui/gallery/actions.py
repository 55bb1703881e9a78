"""The gallery's actions on the selection, and its keys.

The gallery's keys (F, T, Delete, Ctrl+Z, Ctrl+E, Ctrl+C…) are also the canvas's and the main window's. Qt treats
one sequence bound in two overlapping shortcut contexts as ambiguous and fires neither, so the gallery does not
register its keys as shortcuts at all: while the grid has focus it claims them (``ShortcutOverride``, as a text box
claims typed letters) and runs its own action; anywhere else they reach the canvas and the window as before. The
keys are shown in menus (after a tab in the action's text) and in Help > Keyboard shortcuts through
:func:`key_rows`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence

if TYPE_CHECKING:
    from dalle_studio.ui.gallery.panel import GalleryPanel

Std = QKeySequence.StandardKey
Key = str | QKeySequence.StandardKey | None


def _specs(panel: GalleryPanel) -> list[tuple[str, str, Key, Callable[[], None]]]:
    return [
        ("open", "Open in canvas", "Return", panel.open_selected),
        ("quick_look", "Preview large", "Space", panel.quick_look),
        ("variation", "Use as variation source", "Ctrl+Shift+V", panel.use_selected_as_variation_source),
        ("run_again", "Run again with the same parameters", "Ctrl+R", panel.run_selected_again),
        ("recall", "Recall prompt and parameters", "Ctrl+Shift+R", panel.recall_selected_prompt),
        ("copy_image", "Copy image", Std.Copy, panel.copy_image),
        ("copy_prompt", "Copy prompt", "Ctrl+Shift+C", panel.copy_prompt),
        ("favourite", "Favourite", "F", panel.toggle_favourite),
        ("tags", "Add tags…", "T", panel.ask_and_add_tags),
        ("export", "Export…", "Ctrl+E", panel.export_selected),
        ("reveal", "Show in file manager", None, panel.reveal_selected),
        ("delete", "Move to trash", Std.Delete, panel.delete_selected),
        ("undo_delete", "Undo move to trash", Std.Undo, panel.undo_delete),
        ("restore", "Restore from trash", None, panel.restore_selected),
        ("empty_trash", "Empty trash…", None, panel.empty_trash),
    ]


def _sequences(key: Key) -> list[QKeySequence]:
    if key is None:
        return []
    if isinstance(key, Std):
        return [s for s in QKeySequence.keyBindings(key) if s.count() == 1]
    return [QKeySequence(key)] + ([QKeySequence("Enter")] if key == "Return" else [])


class GalleryKeys(QObject):
    """Claims the gallery's keys while the watched widget (the grid) has focus and triggers the matching action."""

    def __init__(self, actions: dict[str, QAction], keys: dict[str, list[QKeySequence]], parent: QObject) -> None:
        super().__init__(parent)
        self._by_key: dict[int, QAction] = {}
        for name, sequences in keys.items():
            for sequence in sequences:
                self._by_key[sequence[0].toCombined()] = actions[name]

    def action_for(self, event: QKeyEvent) -> QAction | None:
        return self._by_key.get(event.keyCombination().toCombined())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent):
            action = self.action_for(event)
            if action is not None:
                event.accept()  # for ShortcutOverride: "this key is mine", so no window shortcut takes it
                if kind == QEvent.Type.KeyPress and action.isEnabled() and action.isVisible():
                    action.trigger()
                return kind == QEvent.Type.KeyPress
        return False


def build_actions(panel: GalleryPanel) -> tuple[dict[str, QAction], dict[str, list[QKeySequence]]]:
    """The gallery's actions by name, and the keys of each."""
    actions: dict[str, QAction] = {}
    keys: dict[str, list[QKeySequence]] = {}
    for name, text, key, slot in _specs(panel):
        sequences = _sequences(key)
        label = sequences[0].toString(QKeySequence.SequenceFormat.NativeText) if sequences else ""
        action = QAction(f"{text}\t{label}" if label else text, panel)
        action.setObjectName(f"gallery_{name}")
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        actions[name] = action
        keys[name] = sequences
    return actions, keys


def key_rows(actions: dict[str, QAction], keys: dict[str, list[QKeySequence]]) -> list[tuple[str, list[QKeySequence]]]:
    """(action text, keys) for Help > Keyboard shortcuts."""
    return [(actions[name].text().split("\t")[0], seqs) for name, seqs in keys.items() if seqs]
