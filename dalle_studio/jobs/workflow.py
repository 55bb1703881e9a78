"""The generation workflow: from the prompt panel's request to results staged beside the canvas.

One job, in order (DESIGN.md, Data flow of one edit): snapshot the document; encode and prepare the picture off
the UI thread; send; decode each result off the UI thread; file it in the library (through a thread) *before*
showing it; stage it. Accepting a result puts it into the document as one undoable step.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QImage

from dalle_studio.api import models as m
from dalle_studio.api.catalog import ModelChoice
from dalle_studio.api.prepare import Placement
from dalle_studio.api.requests import EditRequest, GenerateRequest, VariationRequest
from dalle_studio.api.results import ImagesResult, PartialImage
from dalle_studio.core.settings import Setting, Settings, declare
from dalle_studio.document.document import Document
from dalle_studio.document.snapshot import StaleSnapshotError
from dalle_studio.jobs import pictures
from dalle_studio.jobs.explain import JobRefused, explain
from dalle_studio.jobs.job import Job, JobInput, JobKind, JobResult, JobState
from dalle_studio.jobs.providers import ProviderHub
from dalle_studio.jobs.queue import JobQueue
from dalle_studio.jobs.spending import Spending
from dalle_studio.library import Library, NewResult

log = logging.getLogger(__name__)

SETTINGS = declare(
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
)
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
        self.queue = JobQueue(self._run, explain, limit=settings.get("jobs.max_parallel"), parent=self)
        self._partial_tasks: set[asyncio.Task[None]] = set()
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
        if kind is JobKind.GENERATION:
            if engine:
                raise JobRefused("The embedded engine cannot draw from a prompt: it only fills and varies pictures.",
                                 "Add a provider with an API key in Edit > Providers and API keys, or start from "
                                 "File > New canvas.")
            if not spec.supports(m.GENERATIONS):
                raise JobRefused(f"{model.id} cannot generate pictures.", "Choose another model.")
        elif self.document.is_empty:
            raise JobRefused("Open a picture first.", "File > Open, paste one, or File > Open sample image.")
        if not prompt and kind is not JobKind.VARIATION:
            if not engine:
                raise JobRefused("Write a prompt first: what should the painted area become?")
            prompt, label = ENGINE_PROMPT, "content-aware fill"
        snapshot = self.document.snapshot(prompt) if not self.document.is_empty else None
        via_edit, note = False, ""
        if kind is JobKind.EDIT:
            if not spec.supports(m.EDITS):
                raise JobRefused(f"{model.id} cannot edit pictures.", "Choose another model.")
            if not snapshot.has_mask():
                raise JobRefused("Paint the area to change first (the mask is empty).",
                                 "Use the brush (B) over the part to regenerate, or run Variations.")
            if snapshot.reaches_beyond:
                note = "outpainting"
        elif kind is JobKind.VARIATION:
            via_edit = not (spec.supports(m.VARIATIONS) and target.has_variations is not False)
            if via_edit and not spec.supports(m.EDITS):
                raise JobRefused(f"{model.id} can neither vary nor edit pictures.", "Choose another model.")
            note = "as an edit of the whole picture" if via_edit else "with /images/variations"
            if not prompt:
                prompt = ENGINE_PROMPT if engine else self.settings.get("jobs.variation_prompt")
                label = "of the picture"
        params = {k: v for k, v in params.items() if v not in (None, "")}
        if not engine:
            self.spending.check(model.id, params)
        self._remember_prompt(prompt)
        job_input = JobInput(kind=kind, prompt=prompt, model=model.id, provider=target.name, params=params,
                             spec=spec, snapshot=snapshot, via_edit=via_edit, note=note, label=label,
                             source=self._source_name())
        return self.queue.submit(job_input)

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
        inp = job.input
        provider = self.hub.provider(inp.provider)
        job.set_status("Starting the engine" if self.hub.is_engine(provider) else "Connecting")
        client = await self.hub.client(provider)
        estimate = None if self.hub.is_engine(provider) else self.spending.estimate(inp.model, inp.params)
        framed = keep = None
        placement: Placement | None = None
        source_png = mask_png = None
        if inp.snapshot is not None:  # copies of up to the whole picture: not on the UI thread
            framed, keep = await asyncio.to_thread(lambda: (inp.snapshot.framed_picture(), inp.snapshot.send_mask()))
        job.set_status("Preparing the picture")
        if inp.kind is JobKind.GENERATION:
            result = await client.generate(self._generate_request(inp), on_partial=self._partial_sink(job))
        else:
            assert framed is not None and keep is not None
            with_mask = inp.kind is JobKind.EDIT
            source_png, mask_png = await asyncio.to_thread(
                lambda: (pictures.png_bytes(framed), pictures.png_bytes(inp.snapshot.framed_mask()) if with_mask
                         else None))
            size = inp.params.get("size")
            # Edits pad the frame to the model's shape (every frame pixel reaches the model and comes back);
            # the variations endpoint takes a square, so it crops.
            fit = "crop" if inp.kind is JobKind.VARIATION and not inp.via_edit else "pad"
            prepared = await client.prepare_edit(source_png, mask_png, inp.spec,
                                                 size=None if size in (None, "auto") else size, fit=fit)
            placement = prepared.placement
            job.set_status("Waiting for the results")
            if inp.kind is JobKind.VARIATION and not inp.via_edit:
                result = await client.vary(VariationRequest(image=prepared.image, model=inp.model,
                                                            n=inp.params.get("n"), size=prepared.size,
                                                            **self._b64(inp)))
            else:
                request = EditRequest(images=prepared.images, mask=prepared.mask, prompt=inp.prompt, model=inp.model,
                                      size=prepared.size, **self._edit_params(inp))
                result = await client.edit(request, on_partial=self._partial_sink(job))
        cost = None if self.hub.is_engine(provider) else self.spending.record(inp.model, result.usage, inp.params,
                                                                                 estimate)
        await self._file_and_stage(job, result, framed, keep, placement, source_png, mask_png, cost)
        if result.errors and job.results:
            job.set_state(JobState.DONE, f"{len(job.results)} results; {len(result.errors)} requests failed: "
                                         f"{explain(result.errors[0]).message}")

    def _generate_request(self, inp: JobInput) -> GenerateRequest:
        allowed = ("n", "size", "quality", "style", "background", "output_format", "moderation")
        params = {k: v for k, v in inp.params.items() if k in allowed}
        return GenerateRequest(prompt=inp.prompt, model=inp.model, **params, **self._stream(inp), **self._b64(inp))

    def _edit_params(self, inp: JobInput) -> dict[str, Any]:
        allowed = ("n", "quality", "background", "output_format", "input_fidelity")
        params = {k: v for k, v in inp.params.items() if k in allowed}
        return {**params, **self._stream(inp), **self._b64(inp)}

    def _stream(self, inp: JobInput) -> dict[str, Any]:
        spec = inp.spec
        if not (spec.streaming and self.settings.get("jobs.stream_partials") and spec.max_partial_images > 0):
            return {}
        return {"stream": True, "partial_images": min(2, spec.max_partial_images)}

    @staticmethod
    def _b64(inp: JobInput) -> dict[str, Any]:
        return {"response_format": "b64_json"} if inp.spec.returns_urls else {}

    def _partial_sink(self, job: Job) -> Callable[[PartialImage], None]:
        """A callback for streamed partial images: each is decoded in a thread, then shown on the job."""

        async def show(partial: PartialImage) -> None:
            image = await asyncio.to_thread(pictures.decode, partial.data)
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
        job.set_status(f"Saving {len(result.images)} result{'s' if len(result.images) != 1 else ''}")
        each_cost = cost / len(result.images) if cost and result.images else None
        for index, image in enumerate(result.images):
            def work(data: bytes = image.data, index: int = index) -> JobResult:
                if framed is None or placement is None:
                    raw = pictures.decode(data)
                    return JobResult(index, raw, None, thumbnail=pictures.thumbnail(raw))
                raw = pictures.place_in_frame(data, placement, framed)
                if inp.kind is not JobKind.EDIT or keep is None:
                    return JobResult(index, raw, None, thumbnail=pictures.thumbnail(raw))
                composited = pictures.composite(raw, framed, keep)
                drift, share = pictures.drift(raw, framed, keep)
                return JobResult(index, raw, composited, thumbnail=pictures.thumbnail(composited), drift=drift,
                                 drift_share=share)

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
        self.staged.emit(job)

    # -- results ------------------------------------------------------------------------------------------
    def accept(self, job: Job, result: JobResult, *, raw: bool = False) -> QRect:
        """Put ``result`` into the picture as one undo step: through the mask (feathered) for edits, or the
        model's raw output when ``raw``; generations and variations replace the frame they were made for."""
        inp = job.input
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
        self.document.replace(QImage(result.best), None, {"prompt": job.input.prompt})


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
