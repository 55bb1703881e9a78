"""Help > Keyboard shortcuts: every action of the window that has a shortcut, grouped by menu, and the keys of
panels that handle their own (the gallery's, active while its grid has focus)."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

_TYPED_KEY = re.compile(r"F(?:[1-9]|1[0-2])|Esc|Del|Ins|Backspace|Return|Enter|Space|Tab|Home|End|PgUp|PgDown|.")


def _readable(shortcuts: list[QKeySequence]) -> list[str]:
    """The shortcuts a person types: key chords and single keys, not the platform's extra media-key bindings
    (a keyboard's "Open" or F14 key) that the standard keys also carry."""
    texts = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts]
    typed = [t for t in texts if _TYPED_KEY.fullmatch(t.rsplit("+", 1)[-1] or "+")]
    return typed or texts


Row = QAction | tuple[str, list[QKeySequence]]  # an action, or (what it does, keys) for a panel's own keys


def _row(entry: Row) -> tuple[str, list[QKeySequence]]:
    return (entry.text(), entry.shortcuts()) if isinstance(entry, QAction) else entry


class ShortcutsDialog(QDialog):
    """Lists ``groups`` ({menu title: actions or (text, keys)}) with each one's keys in the platform's notation."""

    def __init__(self, groups: dict[str, list[Row]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(520, 560)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        for title, actions in groups.items():
            rows = [r for r in map(_row, actions) if r[1]]
            if not rows:
                continue
            header = QTreeWidgetItem([title.replace("&", ""), ""])
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            self.tree.addTopLevelItem(header)
            for text, shortcuts in rows:
                keys = ", ".join(_readable(shortcuts))
                self.tree.addTopLevelItem(QTreeWidgetItem(["    " + text.split("\t")[0].replace("&", ""), keys]))
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        """The table as (action, shortcut) text pairs, headers left out."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.text(1):
                out.append((item.text(0).strip(), item.text(1)))
        return out
