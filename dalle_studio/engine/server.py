"""The engine's ASGI application: the OpenAI Images routes, validated by the API layer's rules.

``create_app(EngineConfig(...))`` builds a Starlette app. Requests are parsed and validated on the event loop (cheap);
decoding, filling and encoding run in a thread pool, so ``GET /v1/models`` answers while fills run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from dalle_studio.api.errors import APIError
from dalle_studio.api.models import ModelSpec
from dalle_studio.api.requests import EditRequest, GenerateRequest, VariationRequest
from dalle_studio.core.work import Background
from dalle_studio.engine import catalog, edits, pictures, responses, work
from dalle_studio.engine.admission import Turn, Turns
from dalle_studio.engine.errors import engine_error, error_response
from dalle_studio.engine.forms import BodyTooLarge, read_form, read_json
from dalle_studio.engine.guard import Guard
from dalle_studio.engine.results import ResultStore

log = logging.getLogger(__name__)

SEED_HEADER = "x-engine-seed"
_USER_SEED = re.compile(r"(?:^|[^0-9A-Za-z])seed[:=](\d{1,18})\b")
T = TypeVar("T")
# Requests worked on at once. Each fill is single-threaded; half the cores keeps a burst's first answer at about one
# edit's time (two fills sharing a 2-core laptop each took twice as long) and leaves the rest for the app beside it.
DEFAULT_WORKERS = max(1, (os.cpu_count() or 2) // 2)


@dataclass(frozen=True)
class EngineConfig:
    """How the engine runs: the bearer token (``None``: no auth, loopback only), limits, worker threads, how many
    requests may wait for one (beyond: 429), and the ``Host`` names it answers besides loopback (``"*"``: any)."""

    token: str | None = None
    max_body_bytes: int = 128 * 1024 * 1024
    max_pixels: int = pictures.MAX_PIXELS
    workers: int = DEFAULT_WORKERS
    max_waiting: int = 16
    allowed_hosts: tuple[str, ...] = ()


def create_app(config: EngineConfig) -> Guard:
    """The engine as an ASGI app (Starlette behind the token and size guard)."""
    state = _EngineState(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        threading.Thread(target=edits.warm_up, name="engine-warm-up", daemon=True).start()
        try:
            yield
        finally:
            state.work.shutdown(wait=False)

    app = Starlette(
        routes=[
            Route("/v1/models", state.list_models, methods=["GET"]),
            Route("/v1/models/{model_id:path}", state.get_model, methods=["GET"]),
            Route("/v1/images/edits", state.edits, methods=["POST"]),
            Route("/v1/images/variations", state.variations, methods=["POST"]),
            Route("/v1/images/generations", state.generations, methods=["POST"]),
            Route("/v1/results/{name}", state.result, methods=["GET"]),
            Route("/v1/engine/queue", state.queue, methods=["GET"]),
        ],
        exception_handlers={
            APIError: _api_error, BodyTooLarge: _too_large, HTTPException: _http_error, Exception: _server_error,
        },
        lifespan=lifespan,
    )
    return Guard(app, token=config.token, max_body_bytes=config.max_body_bytes, allowed_hosts=config.allowed_hosts)


class _EngineState:
    """What the routes share: the model table, the worker pool and the result store."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.table = catalog.model_table()
        # The one background-work model, sized to the engine's workers (a turn holds one thread at a time).
        self.work = Background(config.workers, name="engine-fill")
        self.store = ResultStore()
        self.turns = Turns(config.workers, config.max_waiting)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the worker pool."""
        return await self.work.run(fn, *args, **kwargs)

    def spec(self, model: str) -> ModelSpec:
        return catalog.resolve(model, self.table)

    async def list_models(self, request: Request) -> Response:
        return JSONResponse(catalog.models_listing(self.table))

    async def get_model(self, request: Request) -> Response:
        model_id = request.path_params["model_id"]
        for entry in catalog.models_listing(self.table)["data"]:
            if entry["id"] == model_id:
                return JSONResponse(entry)
        raise engine_error(404, f"The model '{model_id}' does not exist.", param="model", code="model_not_found")

    async def generations(self, request: Request) -> Response:
        body = await read_json(request)
        req = GenerateRequest.from_json(body, default_model=catalog.ENGINE_MODEL_ID)
        req.validate(self.spec(req.model))
        raise engine_error(
            400, "The embedded engine cannot draw from text: it fills and varies existing pictures with classical "
            "image processing. Use a model provider to generate new images, or File > New canvas to start from a "
            "blank picture and fill it.", param="prompt", code="unsupported_model_capability")

    async def edits(self, request: Request) -> Response:
        # The turn is taken on arrival, before the upload is read: first come, first answered (see admission).
        turn = await self.turns.acquire()
        try:
            form = await read_form(request, max_pixels=self.config.max_pixels)
            seed_field = form.fields.pop("seed", None)  # the engine's extension: not an OpenAI field
            req = EditRequest.from_form(form.fields, form.images, form.mask, image_list=form.image_list,
                                        default_model=catalog.ENGINE_MODEL_ID)
            spec = req.validate(self.spec(req.model))
            pictures.check_output_size(req.size)
            seed = _seed(request, req.user, seed_field)
            headers = {SEED_HEADER: str(seed)}
            if req.stream:  # the stream gives the turn back when it ends, or when the response is done with
                return StreamingResponse(self._stream_edit(req, spec, seed, turn), media_type="text/event-stream",
                                         headers={**headers, "cache-control": "no-cache"},
                                         background=BackgroundTask(turn.release))
            outcome = await self.run(work.edit, req, spec, seed, max_pixels=self.config.max_pixels)
            response = await self._images_response(request, outcome, spec, req.response_format, req.quality,
                                                   headers)
        except BaseException:
            turn.release()
            raise
        turn.release()
        return response

    async def variations(self, request: Request) -> Response:
        async with self.turns.take():
            return await self._variations(request)

    async def _variations(self, request: Request) -> Response:
        form = await read_form(request, max_pixels=self.config.max_pixels)
        if len(form.images) != 1:
            raise engine_error(400, "image: send exactly one picture to vary.", param="image",
                               code="missing_required_parameter" if not form.images else "invalid_value")
        if form.mask is not None:
            raise engine_error(400, "mask: unknown parameter for /images/variations.", param="mask",
                               code="unknown_parameter")
        seed_field = form.fields.pop("seed", None)
        req = VariationRequest.from_form(form.fields, form.images[0], default_model="dall-e-2")
        spec = req.validate(self.spec(req.model))
        pictures.check_output_size(req.size)
        seed = _seed(request, req.user, seed_field)
        outcome = await self.run(work.variation, req, spec, seed, max_pixels=self.config.max_pixels)
        return await self._images_response(request, outcome, spec, req.response_format, None,
                                           {SEED_HEADER: str(seed)})

    async def queue(self, request: Request) -> Response:
        """How busy the engine is (not part of the OpenAI API): requests worked on, waiting, and the limits."""
        return JSONResponse(self.turns.status())

    async def result(self, request: Request) -> Response:
        stored = self.store.get(request.path_params["name"])
        if stored is None:
            raise engine_error(404, "This result does not exist or its URL has expired (URLs last one hour).",
                               code="not_found")
        return Response(stored.data, media_type=stored.media_type, headers={"cache-control": "private, max-age=3600"})

    async def _images_response(self, request: Request, outcome: work.Outcome, spec: ModelSpec,
                               response_format: str | None, quality: str | None, headers: dict[str, str]) -> Response:
        base_url = str(request.base_url).rstrip("/")
        # Built and serialised in a worker: ten 1024 px results are ~20 MB of base64 text.
        body = await self.run(responses.images_response_bytes, outcome, spec, response_format=response_format,
                              quality=quality, store=self.store, base_url=base_url)
        return Response(body, media_type="application/json", headers=headers)

    async def _stream_edit(self, req: EditRequest, spec: ModelSpec, seed: int, turn: Turn) -> AsyncIterator[bytes]:
        """Partial images as the fill progresses (in this request's ``turn``), then one ``completed`` event per
        result; an ``error`` event if the work fails after the stream has started."""
        try:
            async for event in self._stream_events(req, spec, seed):
                yield event
        finally:
            turn.release()

    async def _stream_events(self, req: EditRequest, spec: ModelSpec, seed: int) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        size_hint = req.size if req.size and req.size != "auto" else "auto"

        def on_partial(index: int, b64: str) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, (index, b64))

        job = asyncio.ensure_future(self.run(work.edit, req, spec, seed, max_pixels=self.config.max_pixels,
                                             on_partial=on_partial))
        try:
            while not job.done() or not queue.empty():
                getter = asyncio.ensure_future(queue.get())
                await asyncio.wait({getter, job}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    continue
                index, b64 = getter.result()
                yield responses.partial_event(b64, index, size=size_hint, quality=req.quality,
                                              background=req.background, output_format=req.output_format or "png")
            try:
                outcome = job.result()
            except APIError as exc:
                yield responses.error_event(exc)
                return
            except Exception:
                log.exception("streamed edit failed")
                yield responses.error_event(engine_error(500, "The engine failed while filling the picture.",
                                                         type="server_error", code="server_error"))
                return
            for b64 in outcome.b64:
                yield responses.completed_event(b64, outcome, quality=req.quality)
        finally:
            if not job.done():
                job.cancel()


def _seed(request: Request, user: str | None, field: str | None = None) -> int:
    """The seed of this request: the ``seed`` form field (an extension), else the ``x-engine-seed`` header, else
    ``seed:N`` inside ``user``, else random."""
    if field is not None:
        if not (field.strip().isdigit() and len(field.strip()) <= 18):
            raise engine_error(400, f"seed: expected a whole number from 0 to 999999999999999999, got {field!r}.",
                               param="seed", code="invalid_value")
        return int(field)
    header = request.headers.get(SEED_HEADER, "").strip()
    if header.isdigit() and len(header) <= 18:
        return int(header)
    match = _USER_SEED.search(user or "")
    if match:
        return int(match.group(1))
    return secrets.randbelow(2**31)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return error_response(exc, headers=dict(getattr(exc, "headers", None) or {}) or None)


async def _too_large(request: Request, exc: Exception) -> Response:
    return error_response(engine_error(413, str(exc), code="request_too_large"))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"Invalid URL ({request.method} {request.url.path})"
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}."
    else:
        message = str(exc.detail)
    return error_response(engine_error(exc.status_code, message))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(engine_error(500, "The engine failed unexpectedly; the error is in its log.",
                                       type="server_error", code="server_error"))
