"""Reading a stream of partial images (SSE, parsed by httpx-sse), with error events surfaced as errors.

Public API:

- :func:`read_image_stream` — consume an open ``text/event-stream`` response: each partial image is decoded off
  the event loop and handed to ``on_partial`` (a function or a coroutine function) as it arrives; returns the
  ``*.completed`` events' payloads.
  An ``error`` event (or any payload with a truthy ``error`` key, as the SDK checks) raises the matching error;
  a stream that ends before any completed image raises :class:`APIResponseError`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from typing import Any

import httpx
from httpx_sse import EventSource, ServerSentEvent, SSEError

from dalle_studio.api import answer_json
from dalle_studio.api.errors import APIConnectionError, APIResponseError, APITimeoutError, error_from_stream_event
from dalle_studio.api.requests import image_format
from dalle_studio.api.results import PartialImage, decode_b64_image
from dalle_studio.api.transport import describe_transport_error
from dalle_studio.api.validation import MAX_N

PartialCallback = Callable[[PartialImage], object]


# Pictures restart the stream's deadline at most this often: 3 partial images (the API's largest partial_images)
# and 10 finished ones (its largest n), so a provider that sends pictures without end cannot keep a request alive.
MAX_RESTARTS = {"partial": 3, "completed": MAX_N}


async def read_image_stream(response: httpx.Response, *, on_partial: PartialCallback | None = None,
                            model: str | None = None, where: str = "the provider",
                            deadline: float | None = None) -> list[dict[str, Any]]:
    """The completed events of an image stream; partial images go to ``on_partial`` (index, decoded bytes).

    ``deadline`` (the request timeout) holds for each picture of the stream: the first partial image must arrive
    within it, each next image (partial or final) within it of the one before (at most :data:`MAX_RESTARTS`
    restarts of each kind). A stream that shows progress may so take longer in all than one request without
    partials, while a stream that trickles bytes, or sends anything but pictures, is cut off at the deadline.
    No stall limit applies between a stream's events: the provider is silent while it paints the next one."""
    completed: list[dict[str, Any]] = []
    restarts = dict.fromkeys(MAX_RESTARTS, 0)
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(deadline) as clock:
            async for sse in EventSource(response).aiter_sse():
                if sse.data.strip() == "[DONE]":
                    break
                if not sse.data:
                    continue
                picture = await _read_event(sse, completed, on_partial, model)
                if picture is not None and deadline is not None and restarts[picture] < MAX_RESTARTS[picture]:
                    restarts[picture] += 1
                    clock.reschedule(loop.time() + deadline)
    except TimeoutError:
        raise APITimeoutError(f"{where} did not send the next picture of its stream within {deadline:g} s "
                              "(the request timeout).") from None
    except SSEError as exc:
        raise APIResponseError(f"The provider's stream is malformed: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise APITimeoutError(f"{where} stopped sending the stream ({type(exc).__name__}).") from exc
    except httpx.RequestError as exc:  # transport failures, undecodable compressed bodies
        raise APIConnectionError(f"The stream from {where} was cut off: {describe_transport_error(exc)}.") from exc
    finally:
        await response.aclose()
    if not completed:
        raise APIResponseError("The stream ended before the finished image arrived.")
    return completed


async def _read_event(sse: ServerSentEvent, completed: list[dict[str, Any]], on_partial: PartialCallback | None,
                      model: str | None) -> str | None:
    """Handle one event; which picture it carried ("partial" or "completed"), if any."""
    try:
        # A finished 4K picture is ~10 MB of base64 in one event: parsed off the loop, in short steps.
        payload = await asyncio.to_thread(answer_json.loads, sse.data) if len(sse.data) > answer_json.LIFT_MIN \
            else json.loads(sse.data)
    except ValueError as exc:
        raise APIResponseError("The provider sent a stream event that is not JSON.") from exc
    if not isinstance(payload, dict):
        raise APIResponseError("The provider sent a stream event that is not a JSON object.")
    if sse.event == "error" or payload.get("error") or payload.get("type") == "error":
        raise error_from_stream_event(payload, model=model)
    kind = str(payload.get("type") or sse.event or "")
    if kind.endswith(".partial_image"):
        if on_partial is not None:
            data = await asyncio.to_thread(decode_b64_image, payload.get("b64_json"))
            index = payload.get("partial_image_index")
            shown = on_partial(PartialImage(index if isinstance(index, int) else 0, data, image_format(data)))
            if inspect.isawaitable(shown):
                await shown
        return "partial"
    if kind.endswith(".completed"):
        completed.append(payload)
        return "completed"
    return None
