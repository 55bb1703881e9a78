"""One job: an immutable input (the document snapshot and the request), its state, and what came back.

A job is a QObject so the UI can follow it through ``changed``; only the queue and the runner change it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

_ids = itertools.count(1)


class JobKind(StrEnum):
    EDIT = "edit"
    VARIATION = "variation"
    GENERATION = "generation"

    @property
    def label(self) -> str:
        return {"edit": "Edit", "variation": "Variations", "generation": "Generation"}[self.value]


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class JobInput:
    """Everything a job sends, fixed when it is queued so painting can go on while it runs."""

    kind: JobKind
    prompt: str
    model: str
    provider: str  # the provider's display name, e.g. "Embedded engine", "OpenAI"
    params: dict[str, Any] = field(default_factory=dict)  # size, n, quality, background, output_format, ...
    spec: Any = None  # the model's ModelSpec
    snapshot: Any = None  # the document's Snapshot (picture, mask, frame) when the job was queued
    via_edit: bool = False  # Variations sent as an edit of the whole picture (no variations endpoint)
    note: str = ""  # shown to the user, e.g. which path Variations takes
    label: str = ""  # how the job is named when the prompt sent is not the artist's (engine fill, variations)
    plan: Any = None  # the api.plan.Plan: endpoint and exact fields
    estimate: float | None = None  # dollars reserved against the spending limit while the job is queued or running
    source: str = ""  # the name of the picture the job was made from ("rocket.jpg"), for the gallery's titles


@dataclass
class JobResult:
    """One image a job produced, already filed in the library. Its full-size images may be let go to keep the
    session's memory within bounds (``jobs.result_memory``); the thumbnail and the library id stay."""

    index: int
    raw: QImage | None  # what the model returned, at the frame's size in document pixels; None once let go
    composited: QImage | None  # raw pasted through the mask onto the original (edits), else None
    library_id: int | None = None
    revised_prompt: str | None = None
    filing_error: str | None = None  # why it is not in the gallery, when filing failed
    thumbnail: QImage = field(default_factory=QImage)  # for the staging strip, made off the UI thread
    drift: QImage | None = None  # edits: red where the raw output changed pixels outside the mask
    drift_share: float | None = None  # edits: the share of kept pixels that drifted

    @property
    def best(self) -> QImage | None:
        return self.composited if self.composited is not None else self.raw

    @property
    def loaded(self) -> bool:
        """Its full-size images are in memory (to preview and accept)."""
        return self.raw is not None

    @property
    def nbytes(self) -> int:
        """Memory its full-size images hold."""
        return sum(image.sizeInBytes() for image in (self.raw, self.composited, self.drift) if image is not None)

    def let_go(self) -> None:
        """Drop the full-size images (they come back from the library: ``ResultMemory.load``)."""
        self.raw = self.composited = self.drift = None


@dataclass(frozen=True)
class JobError:
    """A failure told to the user: what happened, and what to do about it."""

    message: str
    hint: str = ""
    retryable: bool = True


class Job(QObject):
    """A request in flight or done. ``changed`` fires on every state, progress or result change."""

    changed = Signal()

    def __init__(self, job_input: JobInput, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.id = next(_ids)
        self.input = job_input
        self.state = JobState.QUEUED
        self.results: list[JobResult] = []
        self.partial: QImage | None = None  # the newest partial image while streaming, as a thumbnail
        self.error: JobError | None = None
        self.status = "Waiting to start"
        self.created = time.monotonic()
        self.started: float | None = None
        self.ended: float | None = None
        self.retry_of: Job | None = None
        self.notes: list[str] = []  # what changed on the way, e.g. a parameter dropped after a refusal
        # how its results map onto the frame they were made for (api.prepare.Placement), to remake them from the
        # library's files; None for generations, and for jobs recovered after a crash (whose results stay)
        self.placement: Any = None

    def detail(self) -> str:
        """Model, provider, the path taken and what changed on the way, for the jobs panel."""
        parts = [self.input.model, self.input.provider, *([self.input.note] if self.input.note else []),
                 *self.notes]
        return " · ".join(parts)

    @property
    def kind(self) -> JobKind:
        return self.input.kind

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.monotonic()) - self.started

    def set_state(self, state: JobState, status: str = "") -> None:
        self.state = state
        if state is JobState.RUNNING and self.started is None:
            self.started = time.monotonic()
        if state.finished:
            self.ended = time.monotonic()
            self.partial = None
        self.status = status or state.value.capitalize()
        self.changed.emit()

    def set_status(self, status: str) -> None:
        self.status = status
        self.changed.emit()

    def note_healed(self, note: str) -> None:
        """A parameter was dropped or adjusted after the provider refused it; the job says so."""
        self.notes.append(note)
        self.changed.emit()

    def add_partial(self, image: QImage) -> None:
        self.partial = image
        self.changed.emit()

    def add_result(self, result: JobResult) -> None:
        self.results.append(result)
        self.changed.emit()

    def fail(self, error: JobError) -> None:
        self.error = error
        self.set_state(JobState.FAILED, error.message)

    def title(self) -> str:
        if self.input.label:
            return f"{self.kind.label}: {self.input.label}"
        prompt = self.input.prompt.strip().splitlines()[0] if self.input.prompt.strip() else ""
        if len(prompt) > 48:
            prompt = prompt[:47] + "…"
        return f"{self.kind.label}: {prompt}" if prompt else self.kind.label
