"""The gallery's search box and filters. Holds no state of its own beyond its widgets: it turns them into a
:class:`Query` and says when that changes."""

from __future__ import annotations

import time

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from dalle_studio.library import Kind, Query, Sort

DAY = 86400.0
# "All" entries carry "" (or 0 days) rather than None, so currentData() always yields a value.
CUSTOM_RANGE = -1
DATE_RANGES: tuple[tuple[str, int], ...] = (
    ("Any time", 0), ("Today", 1), ("Past 7 days", 7), ("Past 30 days", 30), ("Past year", 365),
    ("From… to…", CUSTOM_RANGE))


class FilterBar(QWidget):
    """Search as you type, plus kind, model, date range, tag, favourites, trash and sort."""

    query_changed = Signal(object)  # Query

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search prompts and parameters…", clearButtonEnabled=True)
        self.search.setObjectName("gallerySearch")
        self.kind = _combo("Kind")
        self.kind.addItem("All kinds", "")
        for kind in Kind:
            self.kind.addItem(kind.value.capitalize() + "s", kind.value)
        self.model = _combo("Model")
        self.date = _combo("Date range")
        for label, days in DATE_RANGES:
            self.date.addItem(label, days)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_from.setToolTip("From this day")
        self.date_to = QDateEdit(today, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to.setToolTip("To this day (included)")
        self.tag = _combo("Tag")
        self.favourites = QCheckBox("★ only")
        self.favourites.setToolTip("Favourites only")
        self.trash = QCheckBox("Trash")
        self.trash.setToolTip("Show the trash instead of the gallery")
        self.sort = _combo("Sort")
        self.sort.addItem("Newest first", Sort.NEWEST)
        self.sort.addItem("Oldest first", Sort.OLDEST)
        self.set_choices(models=[], tags=[])
        # The dock may be narrow: combos shrink to a few characters rather than widen the window.
        for combo in (self.kind, self.model, self.date, self.tag, self.sort):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(4)
        self.search.setMinimumWidth(80)
        rows = [(self.search, self.sort), (self.kind, self.model, self.date), (self.date_from, self.date_to),
                (self.tag, self.favourites, self.trash)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widgets in rows:
            row = QHBoxLayout()
            for widget in widgets:
                row.addWidget(widget, 2 if widget is self.search else 1)
            layout.addLayout(row)
        self.search.textChanged.connect(self._emit)
        for combo in (self.kind, self.model, self.date, self.tag, self.sort):
            combo.currentIndexChanged.connect(self._emit)
        self.favourites.toggled.connect(self._emit)
        self.trash.toggled.connect(self._emit)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        self.date.currentIndexChanged.connect(self._show_range)
        self._show_range()

    def _show_range(self) -> None:
        custom = self.date.currentData() == CUSTOM_RANGE
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)

    def set_choices(self, *, models: list[str], tags: list[str]) -> None:
        """Offer these models and tags, keeping the current choice where it still exists."""
        for combo, everything, values in ((self.model, "All models", models), (self.tag, "All tags", tags)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
            combo.blockSignals(False)

    def query(self) -> Query:
        days = self.date.currentData()
        since = until = None
        if days == CUSTOM_RANGE:
            since = _midnight(self.date_from.date())
            until = _midnight(self.date_to.date()) + DAY
        elif days:
            midnight = time.mktime((*time.localtime()[:3], 0, 0, 0, 0, 0, -1))
            since = midnight - (days - 1) * DAY
        kind, model, tag = self.kind.currentData(), self.model.currentData(), self.tag.currentData()
        return Query(
            text=self.search.text(), kinds=frozenset({kind} if kind else ()),
            models=frozenset({model} if model else ()), since=since, until=until,
            favourites_only=self.favourites.isChecked(),
            tags=frozenset({tag} if tag else ()), trash=self.trash.isChecked(), sort=Sort(self.sort.currentData()),
        )

    def _emit(self) -> None:
        self.query_changed.emit(self.query())


def _midnight(day: QDate) -> float:
    """Seconds since the epoch at the start of ``day``, local time."""
    return time.mktime((day.year(), day.month(), day.day(), 0, 0, 0, 0, 0, -1))


def _combo(tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    return combo
