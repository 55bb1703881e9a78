"""The jobs panel: one card per job with its state, elapsed time, newest partial image, Cancel and Retry."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dalle_studio.jobs.job import Job, JobState
from dalle_studio.jobs.queue import JobQueue

KEEP_FINISHED = 30
_STATE_COLOURS = {
    JobState.QUEUED: "#8a8a8a", JobState.RUNNING: "#2f7bd8", JobState.DONE: "#2e9d4f",
    JobState.FAILED: "#d0453b", JobState.CANCELLED: "#8a8a8a",
}


class JobCard(QFrame):
    """Shows one job; its buttons ask the queue to cancel or retry it, or the strip to show its results."""

    show_results = Signal(object)  # Job

    def __init__(self, job: Job, queue: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.queue = queue
        self.setObjectName(f"job{job.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(job.title())
        self.title.setWordWrap(True)
        self.title.setToolTip(job.input.prompt)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel(job.detail())
        self.detail.setWordWrap(True)
        self.detail.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        self.preview = QLabel()
        self.preview.setFixedSize(64, 64)
        self.preview.setScaledContents(False)
        self.preview.hide()
        self._shown = 0  # the cache key of the image the preview shows
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this request now (Esc cancels the newest)")
        self.cancel_button.clicked.connect(lambda: queue.cancel(job))
        self.retry_button = QPushButton("Retry")
        self.retry_button.clicked.connect(lambda: queue.retry(job))
        self.results_button = QPushButton("Show results")
        self.results_button.clicked.connect(lambda: self.show_results.emit(job))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.results_button, self.retry_button, self.cancel_button):
            buttons.addWidget(b)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.state)
        text.addWidget(self.detail)
        row = QHBoxLayout()
        row.addWidget(self.preview)
        row.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        job.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        job = self.job
        running = job.state is JobState.RUNNING
        colour = _STATE_COLOURS[job.state]
        elapsed = f" · {job.elapsed:.0f} s" if job.started is not None else ""
        status = job.status if job.state is not JobState.FAILED else (job.error.message if job.error else job.status)
        self.state.setText(f"<span style='color:{colour}'>●</span> {status}{elapsed}")
        self.detail.setText(job.detail())
        if job.state is JobState.FAILED and job.error and job.error.hint:
            self.state.setToolTip(job.error.hint)
            self.state.setText(self.state.text() + f"<br><i>{job.error.hint}</i>")
        self.progress.setVisible(running or job.state is JobState.QUEUED)
        self.cancel_button.setVisible(not job.state.finished)
        retryable = job.state is JobState.CANCELLED or (job.state is JobState.FAILED and (
            job.error is None or job.error.retryable))
        self.retry_button.setVisible(retryable)
        self.results_button.setVisible(bool(job.results))
        # Thumbnails made in workers: a whole 4K result turned into a pixmap here would stop the UI thread.
        image = job.partial if job.partial is not None else (job.results[-1].thumbnail if job.results else None)
        if image is not None and not image.isNull() and image.cacheKey() != self._shown:
            self._shown = image.cacheKey()
            self.preview.setPixmap(QPixmap.fromImage(image).scaled(
                64, 64, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
            self.preview.show()


class JobsPanel(QScrollArea):
    """Every job of this session, newest first."""

    show_results = Signal(object)  # Job

    def __init__(self, queue: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobsPanel")
        self.queue = queue
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._inner = QWidget()
        self._column = QVBoxLayout(self._inner)
        self._column.setContentsMargins(4, 4, 4, 4)
        self._empty = QLabel("Requests you send appear here, with their progress.")
        self._empty.setWordWrap(True)
        self._empty.setEnabled(False)
        self._column.addWidget(self._empty)
        self._column.addStretch(1)
        self.setWidget(self._inner)
        self.cards: dict[int, JobCard] = {}
        queue.job_added.connect(self._on_job_added)
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    def _on_job_added(self, job: Job) -> None:
        card = JobCard(job, self.queue)
        card.show_results.connect(self.show_results)
        self.cards[job.id] = card
        self._column.insertWidget(0, card)
        self._empty.hide()
        finished = [c for c in self.cards.values() if c.job.state.finished]
        for old in finished[:-KEEP_FINISHED] if len(finished) > KEEP_FINISHED else []:
            self.cards.pop(old.job.id)
            old.deleteLater()

    def _tick(self) -> None:
        for card in self.cards.values():
            if card.job.state is JobState.RUNNING:
                card.refresh()
