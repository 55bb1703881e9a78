"""The rules a request must keep for its model: one small check per rule, each raising
:class:`~dalle_studio.api.errors.RequestValidationError` with the field, the value, what is allowed, and the
``param``/``code`` the real API would answer (``openai-images-api.md`` §9).

Public API (used by :mod:`dalle_studio.api.requests` and by the embedded engine):

- :func:`check_endpoint`, :func:`check_prompt`, :func:`check_n`, :func:`check_size`, :func:`check_choice`,
  :func:`check_flag`, :func:`check_common`, :func:`check_input_images`, :func:`check_mask` — the rules.
- :func:`parse_fields` — text or JSON fields → typed keyword arguments of a request class.
- :data:`MAX_N`, :data:`MAX_PARTIAL_IMAGES` — the API-wide limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from dalle_studio.api.errors import RequestValidationError
from dalle_studio.api.models import MB, ModelSpec, parse_size

if TYPE_CHECKING:
    from dalle_studio.api.requests import ImageFile

MAX_N = 10
MAX_PARTIAL_IMAGES = 3
_INT_FIELDS = frozenset({"n", "output_compression", "partial_images"})
_BOOL_FIELDS = frozenset({"stream"})


def _fail(message: str, param: str | None, code: str | None = "invalid_value") -> RequestValidationError:
    return RequestValidationError(message, param=param, code=code)


def _allowed(values: Sequence[str]) -> str:
    return ", ".join(repr(x) for x in values)


def check_endpoint(spec: ModelSpec, endpoint: str) -> None:
    """The model must offer this endpoint (dall-e-3 has no edits; only dall-e-2 has variations)."""
    if not spec.supports(endpoint):
        offered = ", ".join(sorted(spec.endpoints)) or "nothing"
        raise _fail(f"model: {spec.id!r} does not support /images/{endpoint} (it offers {offered}).", "model")


def check_prompt(prompt: str | None, spec: ModelSpec) -> None:
    """A non-empty prompt of at most the model's length."""
    if prompt is None or not prompt.strip():
        raise _fail("prompt: a prompt is required and must not be empty.", "prompt",
                    "missing_required_parameter" if prompt is None else "empty_string")
    if len(prompt) > spec.prompt_max_chars:
        raise _fail(f"prompt: {len(prompt):,} characters is too long for {spec.id}; at most "
                    f"{spec.prompt_max_chars:,} are allowed.", "prompt", "string_above_max_length")


def check_n(n: int | None, spec: ModelSpec) -> None:
    """``n`` between 1 and 10, and at most the model's own limit (dall-e-3: 1)."""
    if n is None:
        return
    if isinstance(n, bool) or not isinstance(n, int):
        raise _fail(f"n: {n!r} is not a whole number; 1 to {MAX_N} is allowed.", "n", "invalid_type")
    if n < 1:
        raise _fail(f"n: {n} is too small; 1 to {MAX_N} is allowed.", "n", "integer_below_min_value")
    if n > MAX_N:
        raise _fail(f"n: {n} is too large; 1 to {MAX_N} is allowed.", "n", "integer_above_max_value")
    if n > spec.max_n:
        raise _fail(f"n: {n} is not allowed for {spec.id}, which makes {spec.max_n} image per request "
                    f"(n={spec.max_n}).", "n")


def check_size(size: str | None, spec: ModelSpec) -> None:
    """``size`` from the model's list, or within its ``WxH`` rule."""
    if size is None or spec.allows_size(size):
        return
    parsed = parse_size(size)
    why = ""
    if spec.size_rule is not None and parsed is not None:
        why = f" ({spec.size_rule.problem(*parsed)})"
    raise _fail(f"size: {size!r} is not allowed for {spec.id}{why}; allowed: {spec.allowed_sizes_text()}.",
                "size", "invalid_size")


def check_choice(name: str, value: str | None, allowed: Sequence[str], spec: ModelSpec, *,
                 passthrough: bool = False) -> None:
    """``value`` one of ``allowed``; an empty ``allowed`` means the model does not take the field at all."""
    if value is None or passthrough:
        return
    if not allowed:
        raise _fail(f"{name}: {spec.id} does not accept {name} (got {value!r}); leave it unset.", name,
                    "unknown_parameter")
    if value not in allowed:
        raise _fail(f"{name}: {value!r} is not allowed for {spec.id}; allowed: {_allowed(allowed)}.", name)


def check_flag(name: str, value: str | None, allowed: Sequence[str], spec: ModelSpec) -> None:
    """Same as :func:`check_choice`, for parameters a model family accepts or not (moderation, input_fidelity)."""
    check_choice(name, value, allowed, spec)


def check_input_fidelity(value: str | None, spec: ModelSpec) -> None:
    """``input_fidelity`` only where the model takes it (gpt-image-2 and later refuse it, even as null: §0)."""
    if value is None:
        return
    if not spec.input_fidelities:
        raise _fail(f"The model '{spec.id}' does not support the 'input_fidelity' parameter.", "input_fidelity",
                    "invalid_input_fidelity_model")
    check_choice("input_fidelity", value, spec.input_fidelities, spec)


def check_complexity(value: str | None, spec: ModelSpec) -> None:
    """``complexity`` (gpt-image-2.6) only where the model takes it."""
    check_choice("complexity", value, spec.complexities, spec)


def check_common(req: Any, spec: ModelSpec) -> None:
    """The rules shared by generations and edits: size, quality, formats, background, streaming."""
    check_size(req.size, spec)
    check_choice("quality", req.quality, spec.qualities, spec, passthrough=spec.quality_passthrough)
    if req.response_format is not None and not spec.response_formats:
        raise _fail(f"response_format: {spec.id} does not accept response_format (got {req.response_format!r}); "
                    "GPT Image models always return b64_json, so leave it unset.", "response_format",
                    "unknown_parameter")
    check_choice("response_format", req.response_format, spec.response_formats, spec)
    check_choice("output_format", req.output_format, spec.output_formats, spec)
    if req.output_compression is not None:
        if not spec.output_formats:
            raise _fail(f"output_compression: {spec.id} does not accept output_compression; leave it unset.",
                        "output_compression", "unknown_parameter")
        c = req.output_compression
        if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c <= 100:
            raise _fail(f"output_compression: {c!r} is outside 0–100 (percent).", "output_compression",
                        "invalid_type" if not isinstance(c, int) else "integer_above_max_value" if c > 100
                        else "integer_below_min_value")
    check_choice("background", req.background, spec.backgrounds, spec)
    if req.background == "transparent" and req.output_format == "jpeg":
        raise _fail("background: 'transparent' needs output_format 'png' or 'webp'; 'jpeg' has no transparency.",
                    "background")
    if req.stream and not spec.streaming:
        raise _fail(f"stream: {spec.id} cannot stream partial images; leave stream unset.", "stream",
                    "unknown_parameter")
    p = req.partial_images
    if p is not None:
        if not spec.streaming:
            raise _fail(f"partial_images: {spec.id} cannot stream partial images; leave it unset.",
                        "partial_images", "unknown_parameter")
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= MAX_PARTIAL_IMAGES:
            raise _fail(f"partial_images: {p!r} is not allowed; 0 to {MAX_PARTIAL_IMAGES} is allowed.",
                        "partial_images", "invalid_type" if not isinstance(p, int) else "invalid_value")


def check_input_images(images: Sequence[ImageFile], spec: ModelSpec, *, param: str = "image") -> None:
    """Count, format, byte size and (dall-e-2) squareness of the input pictures."""
    if not images:
        raise _fail(f"{param}: at least one image is required.", param, "missing_required_parameter")
    if len(images) > spec.max_input_images:
        raise _fail(f"{param}: {len(images)} images sent; {spec.id} takes at most {spec.max_input_images}.", param)
    allowed = "/".join(sorted(spec.input_formats))
    for index, image in enumerate(images):
        where = f"{param} #{index + 1} ({image.filename!r})" if len(images) > 1 else f"{param} ({image.filename!r})"
        fmt = image.format
        if len(image.data) == 0:
            raise _fail(f"{where}: the file is empty.", param, "empty_image_file")
        if fmt not in spec.input_formats:
            raise _fail(f"{where}: {fmt or 'unrecognised'} is not accepted by {spec.id}; allowed: {allowed}.",
                        param, "invalid_image_format")
        if len(image.data) >= spec.max_input_bytes:
            raise _fail(f"{where}: {len(image.data) / MB:.1f} MB is too large for {spec.id}; it must be under "
                        f"{spec.max_input_bytes / MB:.0f} MB.", param, "image_file_too_large")
        dims = image.dimensions()
        if dims is None:
            raise _fail(f"{where}: the file is not a readable {fmt} picture.", param, "invalid_image_file")
        if spec.square_input and dims[0] != dims[1]:
            raise _fail(f"{where}: {dims[0]}x{dims[1]} is not square; {spec.id} needs a square picture.",
                        param, "invalid_image")


def check_mask(mask: ImageFile | None, first: ImageFile | None, spec: ModelSpec) -> None:
    """The mask: a PNG with alpha, under 4 MB, the same size as the first image."""
    if mask is None:
        return
    if mask.format != "png":
        raise _fail(f"mask ({mask.filename!r}): {mask.format or 'unrecognised'} is not accepted; the mask must be "
                    "a PNG.", "mask", "invalid_image_format")
    if len(mask.data) >= spec.mask_max_bytes:
        raise _fail(f"mask: {len(mask.data) / MB:.1f} MB is too large; it must be under "
                    f"{spec.mask_max_bytes / MB:.0f} MB.", "mask", "image_file_too_large")
    dims = mask.dimensions()
    if dims is None:
        raise _fail("mask: the file is not a readable PNG.", "mask", "invalid_image_file")
    if not mask.has_alpha():
        raise _fail("mask: the PNG has no alpha channel; transparent pixels (alpha 0) mark where to edit.", "mask",
                    "invalid_image_file")
    first_dims = first.dimensions() if first is not None else None
    if first_dims is not None and dims != first_dims:
        raise _fail(f"mask: {dims[0]}x{dims[1]} differs from the image's {first_dims[0]}x{first_dims[1]}; they must "
                    "be the same size.", "mask", "invalid_image_file")


def _convert(name: str, value: Any, from_text: bool) -> Any:
    if value is None:
        return None
    if name in _INT_FIELDS:
        if from_text and isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        elif isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _fail(f"{name}: {value!r} is not a whole number.", name, "invalid_type")
    if name in _BOOL_FIELDS:
        if from_text and isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        if isinstance(value, bool):
            return value
        raise _fail(f"{name}: {value!r} is not true or false.", name, "invalid_type")
    if not isinstance(value, str):
        raise _fail(f"{name}: {value!r} must be a string.", name, "invalid_type")
    return value


def parse_fields(cls: type, data: Mapping[str, Any], *, default_model: str, from_text: bool) -> dict[str, Any]:
    """The keyword arguments of request class ``cls`` from ``data`` (JSON values, or multipart text when
    ``from_text``). Unknown fields → ``unknown_parameter``; wrong types → ``invalid_type``; a missing prompt →
    ``missing_required_parameter``. Files are not handled here."""
    file_fields: frozenset[str] = getattr(cls, "_file_fields", frozenset())
    endpoint: str = getattr(cls, "endpoint", "")
    names = {f.name for f in fields(cls)} - set(file_fields)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            raise _fail(f"{key}: unknown parameter for /images/{endpoint}.", key, "unknown_parameter")
        out[key] = _convert(key, value, from_text)
    if out.get("model") is None:
        out["model"] = default_model
    if "prompt" in names and out.get("prompt") is None:
        raise _fail("prompt: a prompt is required.", "prompt", "missing_required_parameter")
    if out.get("stream") is None:
        out.pop("stream", None)
    return out
