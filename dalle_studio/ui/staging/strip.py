"""The staging strip: the results of the chosen job as thumbnails; hover or select to preview one on the
canvas, then Accept it (as one undoable step), Accept it as a new picture, or Discard."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dalle_studio.jobs.job import Job, JobKind, JobResult

THUMB = 112


class StagingStrip(QWidget):
    """Shows one job's results. It asks, through its signals, for previews, accepts and discards."""

    preview_requested = Signal(object, object)  # Job, JobResult | None (None: stop previewing)
    accept_requested = Signal(object, object, bool)  # Job, JobResult, raw
    accept_new_requested = Signal(object, object)  # Job, JobResult

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stagingStrip")
        self.job: Job | None = None
        # The selected result is previewed on the canvas until it is accepted or discarded, or the picture
        # changes under it: then only a hover shows a result again (the canvas must show the document).
        self._selected_preview = False
        self._blocked_reason = ""  # why the staged results cannot be accepted into the open picture
        self._loading = False  # their full-size images are coming back from the gallery
        self.title = QLabel("Results appear here: hover to preview on the canvas, then accept one.")
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("stagedResults")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setMovement(QListView.Movement.Static)
        self.list.setFixedHeight(THUMB + 34)
        self.list.setMouseTracking(True)
        self.list.itemEntered.connect(self._on_hover)
        self.list.currentItemChanged.connect(lambda item, _old: self._on_selected(item))
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.raw = QCheckBox("Model's raw output")
        self.raw.setToolTip("Accept what the model returned, including any pixels it changed outside the mask, "
                            "instead of the result composited through the mask")
        self.drift = QCheckBox("Show drift")
        self.drift.setToolTip("Mark in red where the model changed pixels outside the mask")
        self.raw.toggled.connect(lambda _on: self._on_selected(self.list.currentItem()))
        self.drift.toggled.connect(lambda _on: self._on_selected(self.list.currentItem()))
        self.accept_button = QPushButton("Accept")
        self.accept_button.setDefault(True)
        self.accept_button.setToolTip("Put the selected result into the picture (Ctrl+Z takes it back)")
        self.accept_button.clicked.connect(self.accept)
        self.new_button = QPushButton("Accept as new picture")
        self.new_button.clicked.connect(self.accept_as_new)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Hide the selected result here; it stays in the gallery")
        self.discard_button.clicked.connect(self.discard)
        self.discard_all_button = QPushButton("Discard all")
        self.discard_all_button.clicked.connect(self.discard_all)
        self.drift_label = QLabel()
        self.drift_label.setEnabled(False)
        options = QHBoxLayout()
        for widget in (self.raw, self.drift, self.drift_label):
            options.addWidget(widget)
        options.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.discard_all_button, self.discard_button, self.new_button, self.accept_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addLayout(options)
        layout.addLayout(buttons)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._update_buttons()

    # -- content --------------------------------------------------------------------------------------------
    def show_job(self, job: Job) -> None:
        """Stage the results of ``job`` (replacing what was staged)."""
        self.job = job
        self._loading = False
        self.list.clear()
        for result in job.results:
            pixmap = QPixmap.fromImage(result.thumbnail)
            icon = QIcon(pixmap)
            icon.addPixmap(pixmap, QIcon.Mode.Selected)  # no highlight tint: the artist judges colours here
            item = QListWidgetItem(icon, f"{result.index + 1}")
            item.setData(Qt.ItemDataRole.UserRole, result)
            tip = result.revised_prompt or job.input.prompt
            if result.filing_error:
                tip += f"\n\n{result.filing_error}"
            item.setToolTip(tip)
            self.list.addItem(item)
        edit = job.kind is JobKind.EDIT
        self.raw.setVisible(edit)
        self.drift.setVisible(edit)
        self.drift_label.setVisible(edit)
        self.title.setText(f"{job.title()} — {len(job.results)} result{'s' if len(job.results) != 1 else ''} "
                           f"({job.input.model})")
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def current(self) -> JobResult | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def results(self) -> list[JobResult]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    # -- actions --------------------------------------------------------------------------------------------
    def accept(self) -> None:
        result = self.current()
        if self.job is not None and result is not None and not self._blocked_reason and not self._loading:
            self.stop_preview()
            self.accept_requested.emit(self.job, result, self.raw.isChecked())

    def accept_as_new(self) -> None:
        result = self.current()
        if self.job is not None and result is not None and not self._loading:
            self.stop_preview()
            self.accept_new_requested.emit(self.job, result)

    def stop_preview(self) -> None:
        """The canvas goes back to the document: the selection stays, but is previewed again only when the
        artist hovers or selects a result."""
        self._selected_preview = False
        if self.job is not None:
            self.preview_requested.emit(self.job, None)

    def set_blocked(self, reason: str) -> None:
        """``reason`` (empty: none) why the staged results cannot go into the open picture: Accept is disabled
        and its tooltip says why; Accept as new picture stays."""
        self._blocked_reason = reason
        self._update_buttons()

    def set_loading(self, loading: bool) -> None:
        """While the staged results' full-size images come back from the gallery their thumbnails show, and
        nothing can be previewed or accepted; then the selected one is previewed as before."""
        self._loading = loading
        self._update_buttons()
        if not loading:
            self._refresh_preview()

    def discard(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
        if not self.list.count():
            self.discard_all()
        self._update_buttons()

    def discard_all(self) -> None:
        self.stop_preview()
        self.list.clear()
        self.title.setText("Results appear here: hover to preview on the canvas, then accept one.")
        self._update_buttons()

    def _on_hover(self, item: QListWidgetItem | None) -> None:
        if self.job is None:
            return
        result = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.preview_requested.emit(self.job, result)
        if result is not None and result.drift_share is not None:
            self.drift_label.setText(f"{result.drift_share * 100:.1f} % of the kept area drifted")
        self._update_buttons()

    def _on_selected(self, item: QListWidgetItem | None) -> None:
        self._selected_preview = item is not None
        self._on_hover(item)

    def _refresh_preview(self) -> None:
        if self._selected_preview:
            self._on_hover(self.list.currentItem())
        else:
            self.stop_preview()

    def leaveEvent(self, event) -> None:
        # Back to the selected result while it is being previewed, else back to the document (hover previews only
        # while the pointer is over the strip; an accepted result is in the picture, not on top of it).
        self._refresh_preview()
        super().leaveEvent(event)

    def _update_buttons(self) -> None:
        has = self.current() is not None
        for button in (self.accept_button, self.new_button, self.discard_button):
            button.setEnabled(has)
        loading = "Bringing the full-size results back from the gallery…" if self._loading else ""
        self.new_button.setEnabled(has and not loading)
        self.new_button.setToolTip(loading)
        if self._blocked_reason or loading:
            self.accept_button.setEnabled(False)
            self.accept_button.setToolTip(loading or self._blocked_reason)
        else:
            self.accept_button.setToolTip("Put the selected result into the picture (Ctrl+Z takes it back)")
        self.discard_all_button.setEnabled(self.list.count() > 0)
