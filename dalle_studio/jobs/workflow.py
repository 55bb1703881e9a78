"""The generation workflow: from the prompt panel's request to results staged beside the canvas.

One job, in order (DESIGN.md, Data flow of one edit): snapshot the document; encode and prepare the picture off
the UI thread; send; decode each result off the UI thread; file it in the library (through a thread) *before*
showing it; stage it. Accepting a result puts it into the document as one undoable step.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QImage

from dalle_studio.api.catalog import ModelChoice
from dalle_studio.api.errors import ImagesAPIError, UndecodableImageError
from dalle_studio.api.models import ModelSpec
from dalle_studio.api.plan import (
    EDIT,
    GENERATION,
    PARTIAL_IMAGES,
    Plan,
    PlanError,
    edit_request,
    generate_request,
    heal,
    plan_request,
    variation_request,
)
from dalle_studio.api.prepare import Placement
from dalle_studio.api.requests import image_format
from dalle_studio.api.results import ImagesResult, PartialImage
from dalle_studio.core.atomic import atomic_write_bytes
from dalle_studio.core.settings import Setting, Settings, declare
from dalle_studio.document.document import Document
from dalle_studio.document.snapshot import StaleSnapshotError
from dalle_studio.jobs import pictures
from dalle_studio.jobs.explain import JobRefused, RefusedAfterHealing, explain
from dalle_studio.jobs.job import Job, JobInput, JobKind, JobResult, JobState
from dalle_studio.jobs.providers import ProviderHub
from dalle_studio.jobs.queue import JobQueue
from dalle_studio.jobs.refusals import SETTINGS as REFUSAL_SETTINGS
from dalle_studio.jobs.refusals import LearnedRefusals
from dalle_studio.jobs.result_memory import SETTINGS as MEMORY_SETTINGS
from dalle_studio.jobs.result_memory import ResultMemory
from dalle_studio.jobs.spending import Spending
from dalle_studio.library import Library, NewResult

log = logging.getLogger(__name__)

SETTINGS = {**REFUSAL_SETTINGS, **MEMORY_SETTINGS, **declare(
    Setting("jobs.max_parallel", int, 3, "Jobs at once", "How many requests may run at the same time.",
            section="Generation", minimum=1, maximum=8),
    Setting("jobs.feather_px", int, 4, "Feather (pixels)",
            "How softly an accepted result blends into the picture at the mask's edge.", section="Generation",
            minimum=0, maximum=200),
    Setting("jobs.stream_partials", bool, True, "Show partial images",
            "Stream partial images while a model that can paints (costs a little more).", section="Generation"),
    Setting("jobs.variation_prompt", str,
            "A variation of this picture: the same subject, composition and style, with small natural differences.",
            "Variation prompt", "Sent as the prompt when Variations run as an edit of the whole picture.",
            section="Generation"),
    Setting("jobs.prompt_history", list, [], "Recent prompts", "Most recent first.", visible=False),
)}
ENGINE_PROMPT = "Fill the transparent area from the rest of the picture."


class Workflow(QObject):
    """Starts jobs from the document and the prompt panel, and applies the result the user accepts."""

    staged = Signal(object)  # Job: its results are ready to choose from
    notice = Signal(str)  # a short message for the status bar

    def __init__(self, document: Document, library: Library, hub: ProviderHub, settings: Settings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.library = library
        self.hub = hub
        self.settings = settings
        self.spending = Spending(settings)
        self.refusals = LearnedRefusals(settings)
        self.queue = JobQueue(self._run, explain, limit=settings.get("jobs.max_parallel"), parent=self)
        self.memory = ResultMemory(self.queue, library, settings)
        # Queued and running jobs count against the spending limit until they end (jobs started together must not
        # all pass the check against the same total).
        self.queue.job_added.connect(lambda job: self.spending.reserve(job.id, job.input.estimate))
        self.queue.job_finished.connect(lambda job: self.spending.release(job.id))
        self._partial_tasks: set[asyncio.Future[Any]] = set()  # partial images shown, lineage encodes dropped
        settings.subscribe(self._on_setting)
        hub.engine_restarted.connect(
            lambda: self.notice.emit("The embedded engine had stopped; it was started again."))

    def _on_setting(self, key: str, value: Any) -> None:
        if key == "jobs.max_parallel":
            self.queue.set_limit(int(value))

    # -- starting jobs ------------------------------------------------------------------------------------
    def start(self, kind: JobKind, provider: str, model: ModelChoice, prompt: str, params: dict[str, Any]) -> Job:
        """Queue a job of ``kind``; raises :class:`JobRefused` (with a message for the user) when it cannot go."""
        target = self.hub.provider(provider)
        spec = model.spec
        engine = self.hub.is_engine(target)
        prompt = prompt.strip()
        label = ""
        if kind is JobKind.GENERATION and engine:
            raise JobRefused("The embedded engine cannot draw from a prompt: it only fills and varies pictures.",
                             "Add a provider with an API key in Edit > Providers and API keys, or start from "
                             "File > New canvas.")
        if kind is not JobKind.GENERATION and self.document.is_empty:
            raise JobRefused("Open a picture first.", "File > Open, paste one, or File > Open sample image.")
        params = {k: v for k, v in params.items() if v not in (None, "")}
        try:
            plan = plan_request(kind.value, target, spec, params, learned=self.refusals.of(target.name, model.id),
                                stream_partials=self.settings.get("jobs.stream_partials"))
        except PlanError as exc:
            raise JobRefused(str(exc), "Choose another model.") from None
        if engine:
            plan = _with_engine_seed(plan, params)
        else:
            params.pop("seed", None)  # a recalled engine seed means nothing to other providers
        if not prompt and kind is not JobKind.VARIATION:
            if not engine:
                raise JobRefused("Write a prompt first: what should the painted area become?")
            prompt, label = ENGINE_PROMPT, "content-aware fill"
        snapshot = self.document.snapshot(prompt) if not self.document.is_empty else None
        note = plan.reason
        if kind is JobKind.EDIT:
            if not snapshot.has_mask():
                raise JobRefused("Paint the area to change first (the mask is empty).",
                                 "Use the brush (B) over the part to regenerate, or run Variations.")
            if snapshot.reaches_beyond:
                note = "; ".join(x for x in ("outpainting", note) if x)
        elif kind is JobKind.VARIATION and not prompt:
            prompt = ENGINE_PROMPT if engine else self.settings.get("jobs.variation_prompt")
            label = "of the picture"
        estimate = None
        if not engine:
            estimate = self.spending.check(model.id, params, partial_images=int(plan.fields.get(
                "partial_images", 0)))
        self._remember_prompt(prompt)
        job_input = JobInput(kind=kind, prompt=prompt, model=model.id, provider=target.name, params=params,
                             spec=spec, snapshot=snapshot, via_edit=plan.via_edit, note=note, label=label, plan=plan,
                             estimate=estimate, source=self._source_name())
        return self.queue.submit(job_input)

    def partial_images(self, spec: ModelSpec) -> int:
        """How many partial images a run of a model with ``spec`` streams (and pays for), by the user's setting."""
        return PARTIAL_IMAGES if self.settings.get("jobs.stream_partials") and spec.streaming else 0

    def _source_name(self) -> str:
        """The name of the open picture's file; for a picture opened from the gallery (stored under its hash),
        what the gallery calls it."""
        path = self.document.path
        if path is None:
            return ""
        if self.library.folder in path.parents:
            record = self.library.find_by_sha(path.stem)
            return record.label if record is not None else ""
        return path.name

    def _remember_prompt(self, prompt: str) -> None:
        if not prompt or prompt in (ENGINE_PROMPT, self.settings.get("jobs.variation_prompt")):
            return
        history = [p for p in self.settings.get("jobs.prompt_history") if p != prompt]
        self.settings.set("jobs.prompt_history", [prompt, *history][:30])

    # -- running one job ----------------------------------------------------------------------------------
    async def _run(self, job: Job) -> None:
        try:
            await self._run_job(job)
        except (UndecodableImageError, RefusedAfterHealing) as exc:
            inner = exc.error if isinstance(exc, RefusedAfterHealing) else exc
            if isinstance(inner, UndecodableImageError):
                await self._keep_undecodable(job, inner)
            raise

    async def _keep_undecodable(self, job: Job, error: UndecodableImageError) -> None:
        """Paid-for bytes that are not a usable picture go beside the library (``undecodable/``) as they arrived,
        so the user can find them (the job's message names the files) and show them to the provider."""
        folder = self.library.folder / "undecodable"
        stamp = time.strftime("%Y%m%d-%H%M%S")

        def write() -> tuple[str, ...]:
            paths = []
            for i, data in enumerate(error.pictures, start=1):
                path = folder / f"{stamp}-job{job.id}-{i}.{image_format(data) or 'bin'}"
                atomic_write_bytes(path, data)
                paths.append(str(path))
            return tuple(paths)

        try:
            error.kept_at = await asyncio.to_thread(write)
        except OSError as exc:
            log.error("could not keep the bytes of an undecodable result: %s", exc)

    async def _run_job(self, job: Job) -> None:
        inp = job.input
        provider = self.hub.provider(inp.provider)
        engine = self.hub.is_engine(provider)
        job.set_status("Starting the engine" if engine else "Connecting")
        client = await self.hub.client(provider)
        plan: Plan = inp.plan
        try:
            sent = await self._send(job, client, plan)
        except ImagesAPIError as exc:
            healed = heal(plan, exc, inp.spec)
            if healed is None:
                raise
            # The provider refused one parameter: leave it out, say so, remember it, and send once more.
            self.refusals.learn(inp.provider, inp.model, healed.healed[-1])
            job.note_healed(healed.reasons[-1])
            self.notice.emit(healed.reasons[-1])
            try:
                sent = await self._send(job, client, healed)
            except ImagesAPIError as again:
                raise RefusedAfterHealing(again, healed.reasons[-1]) from again
        result, framed, keep, placement, source_png, mask_png = sent
        for error in result.errors:
            if isinstance(error, UndecodableImageError):
                await self._keep_undecodable(job, error)
        cost = None if engine else self.spending.record(inp.model, result.usage, inp.params, inp.estimate)
        await self._file_and_stage(job, result, framed, keep, placement, source_png, mask_png, cost)
        if result.errors and job.results:
            job.set_state(JobState.DONE, f"{len(job.results)} results; {len(result.errors)} requests failed: "
                                         f"{explain(result.errors[0]).message}")

    async def _send(self, job: Job, client: Any, plan: Plan) -> tuple[Any, ...]:
        """Prepare the picture as ``plan`` says and send it; returns the result and what filing needs."""
        inp = job.input
        framed = keep = None
        placement: Placement | None = None
        source_png = mask_png = None
        job.set_status("Preparing the picture")
        sink = self._partial_sink(job) if plan.stream else None
        if plan.kind == GENERATION:
            result = await client.generate(generate_request(plan, inp.prompt), on_partial=sink,
                                           per_request=plan.per_request)
            return result, framed, keep, placement, source_png, mask_png
        snapshot, with_mask = inp.snapshot, plan.kind == EDIT

        # Pixels go to preparation as they are: views of the snapshot when the frame is opaque and inside the
        # picture (no copy, no PNG encode and decode on the way). The frame's images that filing needs, and the
        # PNGs the library keeps as lineage, are made once the request is ready, while it is on the wire.
        source_pixels, mask_pixels = await asyncio.to_thread(pictures.send_pixels, snapshot, with_mask)
        filing: list[asyncio.Future[tuple[QImage, QImage, bytes, bytes | None]]] = []
        try:
            result, placement = await self._prepare_and_send(
                job, client, plan, source_pixels, mask_pixels, sink,
                ready=lambda: filing.append(asyncio.ensure_future(
                    asyncio.to_thread(pictures.lineage, snapshot, with_mask))))
        except BaseException:
            for task in filing:  # not needed any more (nothing to file); owned until its thread ends
                self._partial_tasks.add(task)
                task.add_done_callback(lambda t: (self._partial_tasks.discard(t), t.cancelled() or t.exception()))
            raise
        framed, keep, source_png, mask_png = await (filing[0] if filing else
                                                    asyncio.to_thread(pictures.lineage, snapshot, with_mask))
        return result, framed, keep, placement, source_png, mask_png

    async def _prepare_and_send(self, job: Job, client: Any, plan: Plan, source: pictures.Pixels,
                                mask: pictures.Pixels | None, sink: Any, *,
                                ready: Callable[[], object]) -> tuple[ImagesResult, Placement]:
        inp = job.input
        assert plan.fit is not None
        prepared = await client.prepare_edit(source, mask, inp.spec, size=plan.size, fit=plan.fit)
        placement = prepared.placement
        ready()
        job.set_status("Waiting for the results")
        if plan.endpoint == "variations":
            result = await client.vary(variation_request(plan, prepared.image, prepared.size))
        else:
            request = edit_request(plan, inp.prompt, prepared.images, prepared.mask, prepared.size)
            result = await client.edit(request, on_partial=sink, per_request=plan.per_request)
        return result, placement

    def _partial_sink(self, job: Job) -> Callable[[PartialImage], None]:
        """A callback for streamed partial images: each is decoded and made a thumbnail in a thread, then shown on
        the job."""

        async def show(partial: PartialImage) -> None:
            image = await asyncio.to_thread(lambda: pictures.thumbnail(pictures.decode(partial.data)))
            if not job.state.finished:
                job.add_partial(image)
                job.set_status(f"Painting (partial image {partial.index + 1})")

        def receive(partial: PartialImage) -> None:
            task = asyncio.get_event_loop().create_task(show(partial), name=f"partial of job {job.id}")
            self._partial_tasks.add(task)
            task.add_done_callback(self._partial_done)

        return receive

    def _partial_done(self, task: asyncio.Task[None]) -> None:
        self._partial_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a partial image could not be shown: %s", task.exception())

    async def _file_and_stage(self, job: Job, result: ImagesResult, framed: QImage | None, keep: QImage | None,
                              placement: Placement | None, source_png: bytes | None, mask_png: bytes | None,
                              cost: float | None) -> None:
        inp = job.input
        job.placement = placement
        job.set_status(f"Saving {len(result.images)} result{'s' if len(result.images) != 1 else ''}")
        each_cost = cost / len(result.images) if cost and result.images else None
        for index, image in enumerate(result.images):
            pixels = image.take_pixels()  # decoded by the api's check: not decoded again (nor kept after this)

            def work(data: bytes = image.data, index: int = index, decoded: Any = pixels) -> JobResult:
                made = pictures.result_images(data, decoded, framed, keep if inp.kind is JobKind.EDIT else None,
                                              placement)
                best = made.composited if made.composited is not None else made.raw
                return JobResult(index, made.raw, made.composited, thumbnail=pictures.thumbnail(best),
                                 drift=made.drift, drift_share=made.drift_share)

            staged = await asyncio.to_thread(work)
            record = NewResult(
                **_prompt_and_title(inp),
                image=image.data, kind=inp.kind.value, revised_prompt=image.revised_prompt or "",
                model=inp.model, provider=inp.provider, size=str(inp.params.get("size", result.size or "")),
                quality=str(result.quality or inp.params.get("quality", "")),
                params={**inp.params, **({"via_edit": inp.via_edit} if inp.kind is JobKind.VARIATION else {}),
                        **({"sent_prompt": inp.prompt} if inp.label else {})},
                cost=each_cost, usage=_usage_dict(result),
                source_images=[source_png] if source_png else [], mask=mask_png)
            staged.revised_prompt = image.revised_prompt
            try:
                staged.library_id = (await asyncio.to_thread(self.library.add_result, record)).id
            except Exception as exc:  # the result stays staged in memory; the user is told it is not filed
                log.error("could not file a result in the library", exc_info=exc)
                staged.filing_error = f"Not saved to the gallery: {exc}"
            job.add_result(staged)
        self.memory.use(job)  # the newest results stay in memory; older jobs' may be let go
        self.staged.emit(job)

    # -- results ------------------------------------------------------------------------------------------
    def accept(self, job: Job, result: JobResult, *, raw: bool = False) -> QRect:
        """Put ``result`` into the picture as one undo step: through the mask (feathered) for edits, or the
        model's raw output when ``raw``; generations and variations replace the frame they were made for."""
        inp = job.input
        _require_loaded(result)
        if inp.snapshot is None or self.document.is_empty:
            self.accept_as_new(job, result)
            return QRect()
        through_mask = inp.kind is JobKind.EDIT and not raw
        try:
            return self.document.apply_result(result.raw, inp.snapshot, through_mask=through_mask,
                                              feather=self.settings.get("jobs.feather_px") if through_mask else 0,
                                              text=f"Accept {inp.kind.label.lower()} result")
        except StaleSnapshotError:
            raise JobRefused("The picture this result was made for is no longer open.",
                             "Use Accept as new picture instead.") from None

    def accept_as_new(self, job: Job, result: JobResult) -> None:
        """Open ``result`` as a new picture (the composited frame for edits)."""
        _require_loaded(result)
        self.document.replace(QImage(result.best), None, {"prompt": job.input.prompt})


def _require_loaded(result: JobResult) -> None:
    if not result.loaded:
        raise JobRefused("This result is still being brought back from the gallery.", "Try again in a moment.")


def _usage_dict(result: ImagesResult) -> dict[str, Any]:
    usage = result.usage
    if usage is None:
        return {}
    return {k: getattr(usage, k) for k in ("input_tokens", "output_tokens", "total_tokens") if hasattr(usage, k)}


def _prompt_and_title(inp: JobInput) -> dict[str, str]:
    """What the gallery files a result under: the prompt the artist typed, and when the prompt sent was not theirs
    (an empty prompt: the variation prompt, the engine's fill), a title saying what it is ("Variation of
    rocket.jpg"); the prompt sent stays in the parameters."""
    if not inp.label:
        return {"prompt": inp.prompt, "source": inp.source}
    what = "Variation" if inp.kind is JobKind.VARIATION else "Content-aware fill"
    return {"prompt": "", "title": f"{what} of {inp.source or 'the picture'}", "source": inp.source}


def _with_engine_seed(plan: Plan, params: dict[str, Any]) -> Plan:
    """``plan`` carrying the engine's seed for this job: a recalled one (Run again), else a new one. It is kept in
    ``params``, so the gallery records it, and sent as ``seed:N`` in ``user``, which the engine reads."""
    seed = params.get("seed")
    seed = int(seed) if str(seed).isdigit() else secrets.randbelow(2**31)
    params["seed"] = seed
    return dataclasses.replace(plan, fields={**plan.fields, "user": f"seed:{seed}"})
