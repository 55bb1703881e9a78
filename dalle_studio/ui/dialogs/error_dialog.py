"""The dialog shown for an unexpected error: a short message, the details folded away, the app keeps running."""

from __future__ import annotations

import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from dalle_studio.core.logs import redact


def exception_summary(exc: BaseException) -> str:
    """One line a user can read: the exception's message, or its kind when it has none."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return redact(text)


def exception_details(exc: BaseException) -> str:
    return redact("".join(traceback.format_exception(exc)))


def error_box(parent: QWidget | None, context: str, exc: BaseException, log_file: str | None) -> QMessageBox:
    """Build (not show) the dialog for ``exc`` raised while doing ``context``."""
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Something went wrong")
    box.setText(f"An unexpected error happened while {context}:\n\n{exception_summary(exc)}")
    where = f"\n\nThe details are also in the log file:\n{log_file}" if log_file else ""
    box.setInformativeText("Your picture, mask and prompt are unchanged; you can carry on working." + where)
    box.setDetailedText(exception_details(exc))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box
