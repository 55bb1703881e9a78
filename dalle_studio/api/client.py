"""The async Images API client: one class for every provider, on httpx.

Public API:

- :class:`ImagesClient` — ``generate(request, on_partial=...)``, ``edit(request, on_partial=...)``,
  ``vary(request)``, ``list_models()``, ``models(today)``, ``prepare_edit(...)``,
  ``per_request_limit(spec)``, ``aclose()`` (also an async context manager). ``timeout`` applies when the client
  creates its own ``httpx.AsyncClient``; a passed-in ``http`` client keeps its own settings.
- :data:`DEFAULT_TIMEOUT` — 600 s for one attempt of a request in all, 5 s to connect; ``timeout`` is that
  deadline (see :func:`dalle_studio.api.transport.send`), ``idle_timeout`` (:data:`DEFAULT_IDLE_TIMEOUT`, 60 s)
  the longest silence once an answer's body has begun; a stream's deadline restarts at each partial image.

Contract: requests are validated against the model before anything is sent; JSON and multipart bodies are what the
official SDK sends; retries follow the SDK; ``n`` beyond what the model (or provider) makes per request is reached
by parallel requests, at most ``max_concurrency`` at a time; streamed partial images reach ``on_partial`` as they
arrive; ``url`` results are downloaded at once and ``b64_json`` decoded in a worker thread; cancelling the awaiting
task closes the connection. The key is sent only in the auth header of API requests (never to result URLs).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import anyio._backends._asyncio  # noqa: F401  (httpx's pool loads it at the first request: ~0.2 s, on the UI thread)
import httpx
from PIL import Image

from dalle_studio.api import prepare
from dalle_studio.api.catalog import ModelChoice, merge_models
from dalle_studio.api.download import DEFAULT_MAX_DOWNLOAD_BYTES, download_image
from dalle_studio.api.errors import (
    APIResponseError,
    AuthenticationError,
    ImagesAPIError,
    PermissionDeniedError,
    UndecodableImageError,
)
from dalle_studio.api.keys import SecretKey
from dalle_studio.api.models import ModelSpec
from dalle_studio.api.providers import COMPATIBLE, ENGINE, Provider
from dalle_studio.api.requests import AnyRequest, EditRequest, GenerateRequest, VariationRequest, image_format
from dalle_studio.api.results import (
    Decoded,
    ImagesResult,
    PartialImage,
    ResultImage,
    Usage,
    decode_b64_image,
    decode_result,
    usage_from,
)
from dalle_studio.api.streaming import PartialCallback, read_image_stream
from dalle_studio.api.transport import RetryPolicy, is_event_stream, read_json, send
from dalle_studio.api.validation import MAX_N

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_IDLE_TIMEOUT = 60.0  # once an answer's body has begun, the longest silence before giving up


def _result(decoded: list[ResultImage | UndecodableImageError], payload: dict[str, Any], *, created: Any,
            model: str, usage: Usage | None) -> ImagesResult:
    """An :class:`ImagesResult` with the settings the server reports it used (size, quality, background, format).
    Pictures that did not decode are its ``errors`` beside the good ones, or raised when there are none."""
    def text(key: str) -> str | None:
        value = payload.get(key)
        return value if isinstance(value, str) else None

    images = tuple(d for d in decoded if isinstance(d, ResultImage))
    errors = tuple(d for d in decoded if isinstance(d, UndecodableImageError))
    if errors and not images:
        raise errors[0]
    return ImagesResult(images=images, created=created if isinstance(created, int) else None, model=model,
                        size=text("size"), quality=text("quality"), background=text("background"),
                        output_format=text("output_format"), usage=usage, errors=errors)


class ImagesClient:
    """Talks to one provider. Create one per provider; share it between jobs; close it on exit."""

    def __init__(self, provider: Provider, api_key: SecretKey | str | None = None, *,
                 http: httpx.AsyncClient | None = None, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
                 idle_timeout: float | None = DEFAULT_IDLE_TIMEOUT, retry: RetryPolicy | None = None,
                 max_concurrency: int = 8,
                 max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES, user_agent: str = "DALL-E-Studio") -> None:
        self.provider = provider
        self._key = SecretKey(api_key) if isinstance(api_key, str) else api_key
        self._own_http = http is None
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout, connect=DEFAULT_TIMEOUT.connect)
        # The deadline of one attempt (the Preferences' request timeout); httpx's own read limit is the same, so it
        # never cuts a request short while the provider is (silently) making the picture.
        self.deadline: float | None = timeout.read
        self.idle_timeout = idle_timeout
        self._http = http or httpx.AsyncClient(timeout=timeout, headers={"User-Agent": user_agent})
        self.retry = retry or RetryPolicy()
        self.max_concurrency = max(1, max_concurrency)
        self.max_download_bytes = max_download_bytes

    @property
    def _where(self) -> str:
        """The provider as messages name it: its name and the address tried."""
        return f"{self.provider.name} ({self.provider.base_url})"

    def __repr__(self) -> str:
        return f"ImagesClient(provider={self.provider.name!r}, base_url={self.provider.base_url!r})"

    async def __aenter__(self) -> ImagesClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (only when this client created its own httpx client)."""
        if self._own_http:
            await self._http.aclose()

    # ---- public operations -------------------------------------------------------------------------------------

    async def generate(self, request: GenerateRequest, *, on_partial: PartialCallback | None = None,
                       per_request: int | None = None) -> ImagesResult:
        """``POST /images/generations``; ``per_request`` caps the images one request asks for (the plan's)."""
        return await self._run(request, on_partial, per_request)

    async def edit(self, request: EditRequest, *, on_partial: PartialCallback | None = None,
                   per_request: int | None = None) -> ImagesResult:
        """``POST /images/edits`` (multipart: ``image`` or ``image[]``, ``mask``)."""
        return await self._run(request, on_partial, per_request)

    async def vary(self, request: VariationRequest) -> ImagesResult:
        """``POST /images/variations`` (dall-e-2 style servers, and the embedded engine)."""
        return await self._run(request, None)

    async def prepare_edit(self, source: bytes | Image.Image, mask: bytes | Image.Image | None, spec: ModelSpec,
                           **kw: Any) -> prepare.PreparedEdit:
        """:func:`dalle_studio.api.prepare.prepare_edit` in a worker thread (pass pixels rather than encoded files
        when you have them: decoding a 4096x4096 PNG alone takes ~90 ms)."""
        return await asyncio.to_thread(prepare.prepare_edit, source, mask, spec, **kw)

    async def list_models(self) -> list[dict[str, Any]]:
        """The provider's ``GET /models`` entries (raises on failure)."""
        try:
            response, _ = await send(self._http, lambda: self._build("GET", "models"), policy=self.retry,
                                     where=self._where)
        except ImagesAPIError as exc:
            if self._key is not None:
                exc.scrub(self._key.reveal())
            raise
        data = read_json(response).get("data")
        return [entry for entry in data if isinstance(entry, dict)] if isinstance(data, list) else []

    async def models(self, today: date) -> list[ModelChoice]:
        """The models to offer: the provider's list merged with the table; the table alone when the provider has no
        usable ``/models``. A refused key is raised, since nothing else would work either."""
        try:
            entries: list[dict[str, Any]] | None = await self.list_models()
        except (AuthenticationError, PermissionDeniedError):
            raise
        except ImagesAPIError:
            entries = None
        return merge_models(entries, today=today, all_models=self.provider.kind in {COMPATIBLE, ENGINE})

    def per_request_limit(self, spec: ModelSpec) -> int:
        """How many images one request may ask for with this model and provider."""
        return max(1, min(spec.max_n, self.provider.max_n or MAX_N))

    # ---- internals ---------------------------------------------------------------------------------------------

    async def _run(self, request: AnyRequest, on_partial: PartialCallback | None,
                   per_request: int | None = None) -> ImagesResult:
        try:
            return await self._run_checked(request, on_partial, per_request)
        except ImagesAPIError as exc:
            if self._key is not None:
                exc.scrub(self._key.reveal())
            raise

    async def _run_checked(self, request: AnyRequest, on_partial: PartialCallback | None,
                           per_request: int | None = None) -> ImagesResult:
        spec = request.spec()
        if self.provider.has_variations and isinstance(request, VariationRequest):
            spec = dataclasses.replace(spec, endpoints=spec.endpoints | {"variations"})
        n = request.n or 1
        limit = self.per_request_limit(spec)
        if per_request is not None:
            limit = max(1, min(limit, per_request))
        if n <= limit or n > MAX_N:
            request.validate(spec)
            return await self._once(request, spec, on_partial, 0)
        counts = [limit] * (n // limit) + ([n % limit] if n % limit else [])
        dataclasses.replace(request, n=counts[0]).validate(spec)
        return await self._fan_out(request, spec, counts, on_partial)

    async def _fan_out(self, request: AnyRequest, spec: ModelSpec, counts: Sequence[int],
                       on_partial: PartialCallback | None) -> ImagesResult:
        gate = asyncio.Semaphore(self.max_concurrency)

        async def one(index: int, count: int) -> ImagesResult:
            async with gate:
                part = _seed_offset(dataclasses.replace(request, n=count), sum(counts[:index]))
                return await self._once(part, spec, on_partial, index)

        outcomes = await asyncio.gather(*(one(i, c) for i, c in enumerate(counts)), return_exceptions=True)
        results = [o for o in outcomes if isinstance(o, ImagesResult)]
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        for error in errors:
            if not isinstance(error, Exception):
                raise error  # cancellation and the like
        if not results:
            first = errors[0]
            if isinstance(first, UndecodableImageError):  # keep every paid-for picture, not the first request's
                first.pictures = tuple(p for err in errors if isinstance(err, UndecodableImageError)
                                       for p in err.pictures)
            raise first
        usages = [r.usage for r in results if r.usage is not None]
        usage = None
        for u in usages:
            usage = u if usage is None else usage + u
        first = results[0]
        return dataclasses.replace(
            first, images=tuple(img for r in results for img in r.images), usage=usage,
            attempts=sum(r.attempts for r in results) + sum(getattr(e, "attempts", 1) for e in errors),
            errors=tuple(e for r in results for e in r.errors) + tuple(e for e in errors if isinstance(e, Exception)),
        )

    def _build(self, method: str, endpoint: str, model: str | None = None, **kw: Any) -> httpx.Request:
        headers = {"Accept": "application/json",
                   **self.provider.auth_headers(self._key.reveal() if self._key else None)}
        return self._http.build_request(method, self.provider.url(endpoint, model), params=self.provider.params(),
                                        headers=headers, **kw)

    def _builder(self, request: AnyRequest) -> Callable[[], httpx.Request]:
        endpoint = f"images/{request.endpoint}"
        if isinstance(request, GenerateRequest):
            body = request.json_body()
            return lambda: self._build("POST", endpoint, request.model, json=body)
        fields = request.form_fields()
        files = request.files()
        return lambda: self._build("POST", endpoint, request.model, data=fields, files=files)

    async def _once(self, request: AnyRequest, spec: ModelSpec, on_partial: PartialCallback | None,
                    index: int) -> ImagesResult:
        streaming = bool(getattr(request, "stream", False))
        response, attempts = await send(self._http, self._builder(request), policy=self.retry,
                                        where=self._where, model=request.model, allow_stream=streaming,
                                        deadline=self.deadline, idle=self.idle_timeout)
        try:
            if not (streaming and is_event_stream(response)):
                # Several megabytes of base64 per image: parsed in a thread, not on the UI's loop.
                result = await self._from_json(await asyncio.to_thread(read_json, response), request.model)
            else:
                callback = on_partial
                if on_partial is not None and index:
                    def callback(p: PartialImage) -> object:
                        return on_partial(dataclasses.replace(p, request=index))
                completed = await read_image_stream(response, on_partial=callback, model=request.model,
                                                    where=self._where, deadline=self.deadline)
                result = await self._from_events(completed, request.model)
        except ImagesAPIError as exc:
            exc.attempts = attempts
            raise
        return dataclasses.replace(result, attempts=attempts)

    async def _from_json(self, payload: dict[str, Any], model: str) -> ImagesResult:
        data = payload.get("data")
        if not isinstance(data, list) or not data:
            raise APIResponseError("The provider answered without any image.")
        entries = [e if isinstance(e, dict) else {} for e in data]
        images = await self._decode_entries(entries)
        return _result(images, payload, created=payload.get("created"), model=model,
                       usage=usage_from(payload.get("usage")))

    async def _from_events(self, completed: list[dict[str, Any]], model: str) -> ImagesResult:
        images = await self._decode_entries(completed)
        usage = None
        for event in completed:
            u = usage_from(event.get("usage"))
            if u is not None:
                usage = u if usage is None else usage + u
        last = completed[-1]
        return _result(images, last, created=last.get("created_at"), model=model, usage=usage)

    async def _decode_entries(self, entries: list[dict[str, Any]]) -> list[ResultImage | UndecodableImageError]:
        """The answer's pictures, each checked to decode (in a worker thread: every pixel is decoded once). The
        pictures that do not decode come back as one :class:`UndecodableImageError` carrying their bytes, in
        place of the first of them; the caller raises it when nothing else came back."""
        fetched = await self._fetch_entries(entries)
        checked = await asyncio.to_thread(lambda: [decode_result(image.data) for image in fetched])
        images = [dataclasses.replace(image, pixels=Decoded(pixels)) if pixels is not None else image
                  for image, (pixels, _) in zip(fetched, checked, strict=True)]
        reasons = [reason for _, reason in checked]
        bad = [(i, reason) for i, reason in enumerate(reasons) if reason is not None]
        if not bad:
            return list(images)
        which = ", ".join(str(i + 1) for i, _ in bad)
        sizes = ", ".join(f"{images[i].format or 'unknown'}, {len(images[i].data):,} bytes" for i, _ in bad)
        error = UndecodableImageError(
            f"{'Image' if len(bad) == 1 else 'Images'} {which} of {len(images)} from {self._where} "
            f"{'does' if len(bad) == 1 else 'do'} not decode ({sizes}): {bad[0][1]}.",
            pictures=tuple(images[i].data for i, _ in bad), reason=bad[0][1])
        good: list[ResultImage | UndecodableImageError] = [img for img, r in zip(images, reasons, strict=True)
                                                           if r is None]
        return [*good, error]

    async def _fetch_entries(self, entries: list[dict[str, Any]]) -> list[ResultImage]:
        """b64 entries decoded in one worker thread; url entries downloaded in parallel."""
        b64 = [(i, e["b64_json"]) for i, e in enumerate(entries) if e.get("b64_json")]
        urls = [(i, e["url"]) for i, e in enumerate(entries) if not e.get("b64_json") and e.get("url")]
        if len(b64) + len(urls) != len(entries):
            raise APIResponseError("The provider sent an image entry with neither b64_json nor url.")
        decoded = await asyncio.to_thread(lambda: [decode_b64_image(text) for _, text in b64])
        downloaded: list[bytes] = []
        if urls:
            downloaded = await asyncio.gather(*(
                download_image(self._http, str(url), max_bytes=self.max_download_bytes) for _, url in urls))
        by_index = dict(zip([i for i, _ in b64], decoded, strict=True))
        by_index.update(zip([i for i, _ in urls], downloaded, strict=True))
        url_of = dict(urls)
        out: list[ResultImage] = []
        for i, entry in enumerate(entries):
            data = by_index[i]
            revised = entry.get("revised_prompt")
            out.append(ResultImage(data, image_format(data), revised if isinstance(revised, str) else None,
                                   url_of.get(i)))
        return out


def _seed_offset(request: AnyRequest, offset: int) -> AnyRequest:
    """An embedded-engine request (``user`` = ``seed:N``, which the engine reads) split over several requests: the
    part asking from image ``offset`` on gets seed N + offset, as image ``offset`` of one request would have."""
    match = re.fullmatch(r"seed:(\d+)", getattr(request, "user", None) or "")
    if match is None or offset == 0:
        return request
    return dataclasses.replace(request, user=f"seed:{int(match.group(1)) + offset}")
