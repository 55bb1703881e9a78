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
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

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
    return response.headers.get("content-type", "").partition(";")[0].strip() == "text/event-stream"


def _transport_error(exc: Exception, where: str) -> ImagesAPIError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{where} did not answer in time ({type(exc).__name__}).")
    return APIConnectionError(f"Could not get an answer from {where}: {exc or type(exc).__name__}.")


async def send(http: httpx.AsyncClient, build: Callable[[], httpx.Request], *, policy: RetryPolicy,
               where: str, model: str | None = None, allow_stream: bool = False) -> tuple[httpx.Response, int]:
    """Send ``build()`` until it succeeds or may not be retried. With ``allow_stream`` an event-stream answer is
    returned unread (the caller must close it); every other success is returned fully read."""
    attempt = 0
    while True:
        request = build()
        request.headers["x-stainless-retry-count"] = str(attempt)
        status: int | None = None
        headers: dict[str, str] = {}
        response: httpx.Response | None = None
        try:
            response = await http.send(request, stream=True)
            status, headers = response.status_code, dict(response.headers)
            if response.is_success and allow_stream and is_event_stream(response):
                return response, attempt + 1
            body = await response.aread()
            await response.aclose()
            if response.is_success:
                return response, attempt + 1
            error: ImagesAPIError = error_from_response(status, body, headers, model=model)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
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


def read_json(response: httpx.Response) -> dict[str, Any]:
    """The JSON object in a read response; :class:`APIResponseError` if it is not JSON or not an object."""
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        kind = response.headers.get("content-type", "unknown type")
        raise APIResponseError(f"The provider's answer is not valid JSON ({kind}, {len(response.content)} bytes); "
                               "it may have been cut short.") from exc
    if not isinstance(payload, dict):
        raise APIResponseError("The provider's answer is JSON but not an object.")
    return payload
