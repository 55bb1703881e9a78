"""Sending one request with the SDK's retry policy, and reading what comes back, over httpx.

Public API:

- :class:`RetryPolicy` — how many retries (default 2), and the sleep/random functions (replaceable in tests).
- :func:`send` — send a request (rebuilt for every attempt), retrying what may be retried; returns the open
  response (an event stream) or the fully read one, and the number of attempts. Errors are this layer's exceptions
  with ``attempts`` set. Cancelling the caller closes the connection at once.
- :func:`read_json` — the JSON object of a read response, or :class:`APIResponseError`.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from dalle_studio.api import answer_json
from dalle_studio.api.errors import (
    APIConnectionError,
    APIResponseError,
    APITimeoutError,
    ImagesAPIError,
    error_from_response,
)
from dalle_studio.api.retry import DEFAULT_MAX_RETRIES, retry_delay, should_retry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of one request. ``sleep`` and ``rand`` are injectable so tests need not wait."""

    max_retries: int = DEFAULT_MAX_RETRIES
    sleep: Callable[[float], Awaitable[Any]] = field(default=asyncio.sleep, repr=False)
    rand: Callable[[], float] = field(default=random.random, repr=False)


def is_event_stream(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.partition(";")[0].strip() == "text/event-stream"


def _os_error(exc: BaseException) -> OSError | None:
    """The operating system's error beneath a transport error (httpx and httpcore chain them), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current
        current = current.__cause__ or current.__context__
    return None


def describe_transport_error(exc: BaseException) -> str:
    """What happened to the connection, in words, with the exception's kind: ``the connection was reset by the
    server (ReadError)``. Never empty (many transport errors have no text of their own)."""
    kind = type(exc).__name__
    os_error = _os_error(exc)
    if os_error is not None and os_error.errno in (errno.ECONNRESET, errno.EPIPE):
        what = "the connection was reset by the server"
    elif os_error is not None and os_error.errno == errno.ECONNREFUSED:
        what = "the connection was refused (nothing is listening there)"
    elif isinstance(exc, httpx.ConnectError):
        what = "could not connect"
    elif isinstance(exc, httpx.RemoteProtocolError):
        what = "the server closed the connection before its answer was complete"
    elif isinstance(exc, httpx.ReadError):
        what = "the connection was reset by the server" if not str(exc) else "the connection broke while reading"
    elif isinstance(exc, httpx.WriteError):
        what = "the connection broke while sending the request"
    elif isinstance(exc, httpx.DecodingError):
        what = "the answer could not be decompressed"
    else:
        what = "the request failed"
    detail = str(exc).strip() or (os_error.strerror if os_error is not None and os_error.strerror else "")
    return f"{what} ({kind}{': ' + detail if detail and detail.lower() not in what else ''})"


def _transport_error(exc: Exception, where: str) -> ImagesAPIError:
    if isinstance(exc, httpx.TimeoutException):
        said = f": {exc}" if isinstance(exc, httpx.ReadTimeout) and str(exc).startswith("sent nothing") else ""
        return APITimeoutError(f"{where} did not answer in time ({type(exc).__name__}{said}).")
    return APIConnectionError(f"Could not get an answer from {where}: {describe_transport_error(exc)}.")


class IdleLimitedStream(httpx.AsyncByteStream):
    """A response body whose every chunk must arrive within ``idle`` seconds of the one before; otherwise a
    :class:`httpx.ReadTimeout` saying so (a stalled connection is found in seconds, not at the deadline)."""

    def __init__(self, inner: httpx.AsyncByteStream, idle: float) -> None:
        self._inner = inner
        self.idle = idle

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = aiter(self._inner)
        while True:
            try:
                async with asyncio.timeout(self.idle):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise httpx.ReadTimeout(f"sent nothing for {self.idle:g} s in the middle of its answer") from None
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _deadline_error(where: str, deadline: float) -> APITimeoutError:
    return APITimeoutError(f"{where} did not answer in time: its answer was not complete within {deadline:g} s "
                           "(the request timeout).")


async def send(http: httpx.AsyncClient, build: Callable[[], httpx.Request], *, policy: RetryPolicy,
               where: str, model: str | None = None, allow_stream: bool = False, deadline: float | None = None,
               idle: float | None = None) -> tuple[httpx.Response, int]:
    """Send ``build()`` until it succeeds or may not be retried. With ``allow_stream`` an event-stream answer is
    returned unread (the caller must close it); every other success is returned fully read.

    ``deadline``: seconds one attempt may take in all, from sending to the last byte of the answer (each retry
    starts afresh; for an event stream, until its headers: :func:`~dalle_studio.api.streaming.read_image_stream`
    holds the rest). ``idle``: once the answer's body has begun, the longest gap between two bytes. Before the
    answer begins only the deadline applies: a provider says nothing while it makes the picture."""
    attempt = 0
    while True:
        request = build()
        request.headers["x-stainless-retry-count"] = str(attempt)
        status: int | None = None
        headers: dict[str, str] = {}
        response: httpx.Response | None = None
        try:
            async with asyncio.timeout(deadline):
                response = await http.send(request, stream=True)
                status, headers = response.status_code, dict(response.headers)
                if response.is_success and allow_stream and is_event_stream(response):
                    return response, attempt + 1
                if idle is not None and isinstance(response.stream, httpx.AsyncByteStream):
                    response.stream = IdleLimitedStream(response.stream, idle)
                body = await read_body(response)
            if response.is_success:
                return response, attempt + 1
            error: ImagesAPIError = error_from_response(status, body, headers, model=model)
        except TimeoutError:  # the attempt's deadline (asyncio.timeout closed the connection on its way out)
            if response is not None:
                await response.aclose()
            assert deadline is not None
            error, status = _deadline_error(where, deadline), None
        except httpx.RequestError as exc:  # timeouts, transport failures, undecodable (gzip) bodies: as the SDK
            if response is not None:
                await response.aclose()
            error, status = _transport_error(exc, where), None
        except BaseException:  # cancelled: drop the connection now rather than letting it drain
            if response is not None:
                await response.aclose()
            raise
        code = getattr(error, "code", None)
        if attempt >= policy.max_retries or not should_retry(status, headers, code=code):
            error.attempts = attempt + 1
            raise error
        delay = retry_delay(attempt, headers, rand=policy.rand)
        log.info("retrying %s %s in %.2f s (attempt %d failed: %s)", request.method, request.url.path, delay,
                 attempt + 1, type(error).__name__)
        await policy.sleep(delay)
        attempt += 1


_SMALL_BODY = 1 << 20


async def read_body(response: httpx.Response) -> bytes | bytearray:
    """Read and close ``response``, as ``response.aread()`` does, but gather its pieces as they come: joined at the
    end, the ~70 MB of an answer of eight 4K pictures are one copy that keeps the interpreter 30-150 ms (into
    memory not touched yet), on a worker thread as much as on the UI's loop. Each piece is added to a growing
    buffer instead (it grows without copying: large blocks are remapped), a short copy per piece. Answers of more
    than a megabyte come as that ``bytearray``, which reads as bytes do."""
    body = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            body += chunk
    finally:
        await response.aclose()
    content = bytes(body) if len(body) < _SMALL_BODY else body
    response._content = content  # where httpx keeps a read body: ``response.content`` and ``.json()`` read it
    return content


def read_json(response: httpx.Response) -> dict[str, Any]:
    """The JSON object in a read response; :class:`APIResponseError` if it is not JSON or not an object. Call it
    in a worker thread: an answer with pictures is parsed in short steps (:mod:`~dalle_studio.api.answer_json`)."""
    try:
        payload = answer_json.loads(response.content)
    except ValueError as exc:
        kind = response.headers.get("content-type", "unknown type")
        raise APIResponseError(f"The provider's answer is not valid JSON ({kind}, {len(response.content)} bytes); "
                               "it may have been cut short.") from exc
    if not isinstance(payload, dict):
        raise APIResponseError("The provider's answer is JSON but not an object.")
    return payload
