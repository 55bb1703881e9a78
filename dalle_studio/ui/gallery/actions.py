"""The gallery's actions on the selection, with their shortcuts (active while the gallery has focus, so they do
not take the canvas's keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from dalle_studio.ui.gallery.panel import GalleryPanel

Std = QKeySequence.StandardKey


def build_actions(panel: GalleryPanel) -> dict[str, QAction]:
    specs: list[tuple[str, str, str | QKeySequence.StandardKey | None, Callable[[], None]]] = [
        ("open", "Open in canvas", "Return", panel.open_selected),
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
    actions: dict[str, QAction] = {}
    for name, text, shortcut, slot in specs:
        action = QAction(text, panel)
        action.setObjectName(f"gallery_{name}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        panel.view.addAction(action)
        actions[name] = action
    return actions
