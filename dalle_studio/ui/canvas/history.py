"""The History panel: every undo step of the document; clicking a step goes back (or forward) to it."""

from __future__ import annotations

from PySide6.QtWidgets import QUndoView, QWidget

from dalle_studio.document.document import Document


def history_panel(document: Document, parent: QWidget | None = None) -> QUndoView:
    """A view of ``document.undo_stack``; its first row is the picture as opened."""
    view = QUndoView(document.undo_stack, parent)
    view.setObjectName("history")
    view.setEmptyLabel("Opened picture")
    return view
