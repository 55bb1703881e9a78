"""Jobs survive a crash: the results that had arrived for the open picture come back, ready to accept into the
recovered picture, and a job that was sent without an answer is listed as interrupted, with Retry (never sent
again by itself: the provider may have charged for it).

Beside the autosaved picture, each job of the open picture is described in the recovery copy (its request and the
mask it sent) and its results are kept as raw pixel files, written once each, off the UI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QPoint, QRect
from PySide6.QtGui import QImage

from dalle_studio.api.models import spec_for
from dalle_studio.core import work
from dalle_studio.core.atomic import atomic_write_bytes
from dalle_studio.document import pixels
from dalle_studio.document.snapshot import Snapshot
from dalle_studio.jobs import pictures
from dalle_studio.jobs.autosave import Autosaver
from dalle_studio.jobs.job import Job, JobError, JobInput, JobKind, JobResult, JobState
from dalle_studio.jobs.tasks import TaskRegistry
from dalle_studio.jobs.workflow import Workflow

log = logging.getLogger(__name__)
INTERRUPTED = ("Interrupted: the studio stopped before the answer came.",
               "The provider may have charged for it. Retry sends it again.")


class JobKeeper(QObject):
    """Keeps the open picture's jobs in the autosaved recovery copy, and brings them back from one."""

    def __init__(self, workflow: Workflow, autosaver: Autosaver, tasks: TaskRegistry,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workflow = workflow
        self.autosaver = autosaver
        self.tasks = tasks
        self._written: dict[str, tuple[int, int]] = {}  # file name -> (width, height), once on disk
        self._writing: set[str] = set()
        self._frames: dict[int, QRect] = {}  # job id -> its frame in the picture's coordinates when it was sent
        autosaver.extra = self.describe
        workflow.queue.job_added.connect(self._on_added)

    # -- keeping ----------------------------------------------------------------------------------------------
    def _on_added(self, job: Job) -> None:
        snapshot = job.input.snapshot
        if snapshot is not None:
            self._write(f"job-{job.id}-mask.raw", snapshot.send_mask)  # the mask it sent, cut to its frame
        job.changed.connect(lambda: self._on_changed(job))
        self.autosaver.changed()

    def _on_changed(self, job: Job) -> None:
        for result in job.results:
            if result.loaded:  # (the image is taken now: the result may be let go before the write runs)
                self._write(f"job-{job.id}-result-{result.index}.raw", lambda image=result.raw: image)
        self.autosaver.changed()

    def _write(self, name: str, image: Any) -> None:
        """Write the image ``image()`` gives (computed in the worker) as ``name``, once."""
        if name in self._written or name in self._writing:
            return
        self._writing.add(name)
        folder = self.autosaver.slot.folder

        def write() -> tuple[int, int]:
            picture = image()
            picture = picture if picture.format() == QImage.Format.Format_Alpha8 else picture.convertToFormat(
                QImage.Format.Format_ARGB32)
            atomic_write_bytes(folder / name, pixels.peek(picture).tobytes())
            return picture.width(), picture.height()

        async def run() -> None:
            try:
                self._written[name] = await work.run(write)
                self.autosaver.changed()
            finally:
                self._writing.discard(name)

        self.tasks.start(run(), "keeping a job for recovery")

    def describe(self) -> dict[str, Any]:
        """The open picture's jobs, as the recovery copy keeps them (only files already on disk are named)."""
        doc = self.workflow.document
        generation = doc.snapshot().generation if not doc.is_empty else None
        entries = []
        for job in self.workflow.queue.jobs:
            snapshot = job.input.snapshot
            if job.state is JobState.CANCELLED or (snapshot is not None and snapshot.generation != generation):
                continue
            results = [{"file": f"job-{job.id}-result-{r.index}.raw", "index": r.index, "library_id": r.library_id,
                        "revised_prompt": r.revised_prompt}
                       for r in job.results if f"job-{job.id}-result-{r.index}.raw" in self._written]
            waiting = not job.state.finished
            if not waiting and not results:
                continue  # failed with nothing to offer: nothing to recover
            inp = job.input
            entry: dict[str, Any] = {
                "kind": inp.kind.value, "prompt": inp.prompt, "model": inp.model, "provider": inp.provider,
                "params": inp.params, "via_edit": inp.via_edit, "note": inp.note, "label": inp.label,
                "waiting": waiting, "results": [{**r, "size": self._written[r["file"]]} for r in results]}
            if snapshot is not None:
                mask = f"job-{job.id}-mask.raw"
                if mask not in self._written:
                    continue  # its mask is being written: it is named by the next save
                frame = doc.frame_of(snapshot)
                entry.update(frame=[frame.x(), frame.y(), frame.width(), frame.height()], mask=mask,
                             mask_size=self._written[mask])
            entries.append(entry)
        return {"jobs": entries}

    # -- bringing back --------------------------------------------------------------------------------------
    async def restore(self, extra: dict[str, Any], folder: Path) -> list[Job]:
        """Bring back the jobs described in ``extra`` (read from ``folder``) for the recovered picture, which the
        document holds now; the newest one with results is staged."""
        jobs = []
        for entry in extra.get("jobs", []):
            try:
                job = await self._restore_one(entry, folder)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("a job could not be recovered: %s", exc)
                continue
            self.workflow.queue.adopt(job)
            jobs.append(job)
        staged = [job for job in jobs if job.results]
        if staged:
            self.workflow.staged.emit(staged[-1])
        return jobs

    async def _restore_one(self, entry: dict[str, Any], folder: Path) -> Job:
        doc = self.workflow.document
        kind = JobKind(entry["kind"])
        snapshot = None
        if "frame" in entry:
            frame = QRect(*(int(v) for v in entry["frame"]))
            framed_mask = await work.run(_read, folder / entry["mask"], *entry["mask_size"], 1)
            snapshot = _snapshot(doc.snapshot(), frame, framed_mask, entry["prompt"])
        job = Job(JobInput(kind=kind, prompt=entry["prompt"], model=entry["model"], provider=entry["provider"],
                           params=dict(entry.get("params") or {}), spec=self._spec(entry["model"]), snapshot=snapshot,
                           via_edit=bool(entry.get("via_edit")), note=entry.get("note", ""),
                           label=entry.get("label", "")))
        for item in entry.get("results", []):
            result = await work.run(_result, folder / item["file"], item, kind, snapshot)
            job.add_result(result)
        if entry.get("waiting"):
            job.fail(JobError(*INTERRUPTED, retryable=True))
        else:
            count = len(job.results)
            job.set_state(JobState.DONE, f"{count} result{'s' if count != 1 else ''} (recovered)")
        return job

    def _spec(self, model: str) -> Any:
        engine = {choice.id: choice.spec for choice in self.workflow.hub.engine_models()}
        return engine.get(model) or spec_for(model)


def _snapshot(now: Snapshot, frame: QRect, framed_mask: QImage, prompt: str) -> Snapshot:
    """The job's snapshot in the recovered picture's coordinates: that picture, and a mask that is the job's mask
    within its frame (and untouched elsewhere)."""
    mask = QImage(now.picture.size(), QImage.Format.Format_Alpha8)
    mask.fill(255)
    inside = frame.intersected(mask.rect())
    if not inside.isEmpty():
        values = pixels.view(mask, inside)
        source = pixels.peek(framed_mask)
        dx, dy = inside.x() - frame.x(), inside.y() - frame.y()
        values[...] = source[dy:dy + inside.height(), dx:dx + inside.width()]
    return Snapshot(now.picture, mask, frame, prompt, QPoint(now.origin), now.generation)


def _read(path: Path, width: int, height: int, channels: int) -> QImage:
    data = np.frombuffer(path.read_bytes(), np.uint8)
    if data.size != width * height * channels:
        raise ValueError(f"{path.name} is incomplete")
    shape = (height, width, channels) if channels > 1 else (height, width)
    fmt = QImage.Format.Format_ARGB32 if channels == 4 else QImage.Format.Format_Alpha8
    return pixels.from_array(data.reshape(shape), fmt)


def _result(path: Path, item: dict[str, Any], kind: JobKind, snapshot: Snapshot | None) -> JobResult:
    raw = _read(path, *item["size"], 4)
    result = JobResult(int(item["index"]), raw, None, library_id=item.get("library_id"),
                       revised_prompt=item.get("revised_prompt"))
    if kind is JobKind.EDIT and snapshot is not None:
        framed, keep = snapshot.framed_picture(), snapshot.send_mask()
        result.composited = pictures.composite(raw, framed, keep)
        result.drift, result.drift_share = pictures.drift(raw, framed, keep)
    result.thumbnail = pictures.thumbnail(result.best)
    return result
