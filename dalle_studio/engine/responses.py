"""Response bodies in the API's shapes: ``ImagesResponse`` and the edit stream's server-sent events."""

from __future__ import annotations

import json
import time
from typing import Any

from dalle_studio.api.errors import APIError
from dalle_studio.api.models import ModelSpec
from dalle_studio.engine.pictures import MEDIA_TYPES
from dalle_studio.engine.results import ResultStore
from dalle_studio.engine.work import Outcome

# Classical fill reads no tokens; the counts are zero but the shape is the one clients parse.
ZERO_USAGE: dict[str, Any] = {
    "input_tokens": 0, "output_tokens": 0, "total_tokens": 0,
    "input_tokens_details": {"text_tokens": 0, "image_tokens": 0},
}


def resolved_quality(quality: str | None) -> str:
    """The quality echoed back: ``auto`` resolves to ``medium``, anything else is echoed as sent."""
    return "medium" if quality in (None, "auto") else quality


def images_response(outcome: Outcome, spec: ModelSpec, *, response_format: str | None, quality: str | None,
                    store: ResultStore, base_url: str) -> dict[str, Any]:
    """The JSON body of a successful edit or variation for this model's family (URLs only for DALL·E rules)."""
    created = int(time.time())
    if spec.is_dalle:
        if (response_format or "url") == "url":
            names = [store.put(data, MEDIA_TYPES[outcome.output_format], outcome.output_format)
                     for data in outcome.images]
            data = [{"url": f"{base_url}/v1/results/{name}"} for name in names]
        else:
            data = [{"b64_json": b64} for b64 in outcome.b64]
        return {"created": created, "data": data}
    return {
        "created": created,
        "data": [{"b64_json": b64} for b64 in outcome.b64],
        "background": "transparent" if outcome.transparent else "opaque",
        "output_format": outcome.output_format,
        "size": outcome.size,
        "quality": resolved_quality(quality),
        "usage": ZERO_USAGE,
    }


def sse(event: str, payload: dict[str, Any]) -> bytes:
    """One server-sent event: ``event: <type>`` and ``data: <json>``, then a blank line."""
    return f"event: {event}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()


def partial_event(b64: str, index: int, *, size: str, quality: str | None, background: str | None,
                  output_format: str) -> bytes:
    """``image_edit.partial_image``."""
    return sse("image_edit.partial_image", {
        "type": "image_edit.partial_image", "b64_json": b64, "created_at": int(time.time()), "size": size,
        "quality": resolved_quality(quality), "background": background or "auto", "output_format": output_format,
        "partial_image_index": index,
    })


def completed_event(b64: str, outcome: Outcome, *, quality: str | None) -> bytes:
    """``image_edit.completed`` for one finished picture."""
    return sse("image_edit.completed", {
        "type": "image_edit.completed", "b64_json": b64, "created_at": int(time.time()), "size": outcome.size,
        "quality": resolved_quality(quality), "background": "transparent" if outcome.transparent else "opaque",
        "output_format": outcome.output_format, "usage": ZERO_USAGE,
    })


def error_event(exc: APIError) -> bytes:
    """An ``error`` event; the SDK raises ``openai.APIError`` for a data object with an ``error`` key."""
    return sse("error", {"type": "error", **exc.to_body()})
