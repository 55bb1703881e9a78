"""What api.openai.com refuses today (openai-images-api.md §0 and §9, 1 December 2026), written apart from the
studio's own model table on purpose: tests against these rules catch a studio whose idea of the API is wrong.

:func:`refusal` returns the ``(status, body)`` the real API answers for a request, or ``None`` when it accepts it;
:func:`usage` the ``usage`` object it returns; :data:`LIVE` the models it serves.
"""

from __future__ import annotations

import re
from typing import Any

LIVE = ("gpt-image-2", "gpt-image-2-2026-04-21", "gpt-image-2.5-flare", "gpt-image-2.5-flare-2026-09-08",
        "gpt-image-2.5-sunburst", "gpt-image-2.5-sunburst-2026-09-08", "gpt-image-2.6-flare", "gpt-image-2.6-sunburst")
_XHIGH = ("gpt-image-2.5", "gpt-image-2.6")
# Output image tokens at 1024x1024 (§0), per quality; "auto" is billed as what the model picks (high here).
_TOKENS = {"low": 196, "medium": 1756, "high": 7024, "auto": 7024}


def _error(status: int, message: str, *, param: str | None, code: str | None,
           type_: str = "invalid_request_error") -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _size_problem(size: str) -> str | None:
    if size == "auto":
        return None
    match = re.fullmatch(r"(\d+)x(\d+)", size)
    if not match:
        return "not WxH"
    w, h = int(match.group(1)), int(match.group(2))
    if w % 16 or h % 16:
        return "sides must be multiples of 16"
    if max(w, h) > 3 * min(w, h):
        return "aspect ratio above 3:1"
    if max(w, h) > 3840:
        return "long side above 3840"
    if not 655_360 <= w * h <= 8_294_400:
        return "total pixels must be between 655,360 and 8,294,400"
    return None


def refusal(path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """The real API's refusal of ``params`` sent to ``path`` (``/v1/images/...``), or ``None``."""
    model = str(params.get("model", ""))
    if model not in LIVE:
        return _error(404, f"The model `{model}` does not exist or you do not have access to it.", param=None,
                      code="model_not_found")
    if path.endswith("/variations"):
        return _error(400, f"Invalid value: '{model}'. Variations are not supported for this model.", param="model",
                      code="invalid_value")
    edits = path.endswith("/edits")
    for name in ("response_format", "style") + (("moderation",) if edits else ()):
        if name in params:
            return _error(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")
    if edits and "input_fidelity" in params:  # even as null (§0)
        return _error(400, f"The model '{model}' does not support the 'input_fidelity' parameter.",
                      param="input_fidelity", code="invalid_input_fidelity_model", type_="image_generation_user_error")
    if "complexity" in params and not model.startswith("gpt-image-2.6"):
        return _error(400, "Unknown parameter: 'complexity'.", param="complexity", code="unknown_parameter")
    quality = params.get("quality")
    allowed = ("low", "medium", "high", "auto") + (("xhigh", "max") if model.startswith(_XHIGH) else ())
    if quality is not None and quality not in allowed:
        return _error(400, f"Invalid value: '{quality}'. Supported values are: {', '.join(allowed)}.",
                      param="quality", code="invalid_value")
    size = str(params.get("size", "auto"))
    problem = _size_problem(size)
    if problem:
        return _error(400, f"Invalid size '{size}': {problem}.", param="size", code="invalid_size")
    if params.get("background") == "transparent" and params.get("output_format") == "jpeg":
        return _error(400, "Transparent background requires png or webp output.", param="background",
                      code="invalid_value")
    stream = str(params.get("stream", "false")).lower() == "true"
    if stream and int(params.get("n", 1)) > 1:
        return _error(400, "Streaming is only supported with n=1.", param="n", code="invalid_value")
    return None


def usage(params: dict[str, Any], n: int, *, image_inputs: int) -> dict[str, Any]:
    """A realistic ``usage``: output tokens of the quality at 1024x1024 per image, ~100 per partial image."""
    quality = str(params.get("quality", "auto"))
    partials = int(params.get("partial_images", 0)) if str(params.get("stream", "")).lower() == "true" else 0
    output = n * (_TOKENS.get(quality, 7024) + 100 * partials)
    image_in = 1_560 * image_inputs
    text_in = 30
    return {"input_tokens": text_in + image_in, "output_tokens": output, "total_tokens": text_in + image_in + output,
            "input_tokens_details": {"text_tokens": text_in, "image_tokens": image_in}}
