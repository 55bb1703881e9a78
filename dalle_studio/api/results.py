"""What a request gives back: decoded pictures with their usage, revised prompt and the settings the server used.

Public API:

- :class:`ResultImage` — one picture: ``data`` (decoded bytes), ``format``, ``revised_prompt``, ``source_url``.
- :class:`PartialImage` — a partial picture from a stream (``index`` of the partial, ``data``, ``request``).
- :class:`Usage` — token counts (``input_tokens``, ``output_tokens``, text/image split, ``total_tokens``).
- :class:`ImagesResult` — the images, ``created``, echoes (``size``, ``quality``, ``background``,
  ``output_format``), ``usage``, ``model``, ``attempts`` (requests made, retries included), ``errors`` (failed
  parallel requests when others succeeded).
- :func:`usage_from` — parse a ``usage`` object (both the ``ImageGenUsage`` and stream ``ImagesUsage`` shapes).
- :func:`decode_b64_image` — base64 → picture bytes, checked (raises :class:`APIResponseError` when invalid).
- :func:`decode_result` — a picture's bytes decoded through the one opener, or the reason they do not decode.
- :class:`Decoded` — the pixels of a checked result, handed over once (``ResultImage.take_pixels``).
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from dalle_studio.api import answer_json
from dalle_studio.api.errors import APIError, APIResponseError
from dalle_studio.api.requests import image_format
from dalle_studio.core.images import ImageOpenError, open_image, pixel_limit

# The largest result any model makes is ~8.3 MP (3840x2160): a result is checked against the user's limit or this,
# whichever is larger (a paid-for result is not refused for the user's own limit; a bomb still is).
RESULT_MAX_PIXELS = 50_000_000


class Decoded:
    """The pixels that checking a result made (RGBA, upright, sRGB), handed over once: whoever shows the picture
    takes them instead of decoding it again (a 4K PNG is ~0.3 s of decoding), and they are held no longer."""

    __slots__ = ("_image",)

    def __init__(self, image: Image.Image | None) -> None:
        self._image = image

    def take(self) -> Image.Image | None:
        image, self._image = self._image, None
        return image


@dataclass(frozen=True)
class ResultImage:
    """One picture, decoded."""

    data: bytes = field(repr=False)
    format: str | None
    revised_prompt: str | None = None
    source_url: str | None = None
    pixels: Decoded | None = field(default=None, repr=False, compare=False)

    def take_pixels(self) -> Image.Image | None:
        """The decoded picture if it was checked and nobody took it yet; else ``None`` (decode ``data``)."""
        return self.pixels.take() if self.pixels is not None else None

    def __repr__(self) -> str:
        return f"ResultImage({len(self.data)} bytes, {self.format}, revised_prompt={self.revised_prompt!r})"


@dataclass(frozen=True)
class PartialImage:
    """A partial picture while streaming: ``index`` counts partials (0-based), ``data`` is decoded."""

    index: int
    data: bytes = field(repr=False)
    format: str | None = None
    request: int = 0  # which of several parallel requests it belongs to


@dataclass(frozen=True)
class Usage:
    """Token usage (GPT Image models)."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_text_tokens: int = 0
    input_image_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(a + b for a, b in zip(self._values(), other._values(), strict=True)))

    def _values(self) -> tuple[int, ...]:
        return (self.input_tokens, self.output_tokens, self.total_tokens, self.input_text_tokens,
                self.input_image_tokens)


@dataclass(frozen=True)
class ImagesResult:
    """The outcome of one call (several requests when it fanned out)."""

    images: tuple[ResultImage, ...]
    created: int | None = None
    model: str | None = None
    size: str | None = None
    quality: str | None = None
    background: str | None = None
    output_format: str | None = None
    usage: Usage | None = None
    attempts: int = 1
    errors: tuple[APIError | Exception, ...] = ()


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_from(raw: Any) -> Usage | None:
    """A :class:`Usage` from a response's ``usage`` object, or ``None`` when there is none."""
    if not isinstance(raw, Mapping):
        return None
    raw_details = raw.get("input_tokens_details")
    details: Mapping[str, Any] = raw_details if isinstance(raw_details, Mapping) else {}
    return Usage(input_tokens=_int(raw.get("input_tokens")), output_tokens=_int(raw.get("output_tokens")),
                 total_tokens=_int(raw.get("total_tokens")), input_text_tokens=_int(details.get("text_tokens")),
                 input_image_tokens=_int(details.get("image_tokens")))


def decode_b64_image(text: Any) -> bytes:
    """The picture in ``b64_json``; raises :class:`APIResponseError` when it is not valid base64 of a picture."""
    if not isinstance(text, str) or not text:
        raise APIResponseError("The provider sent an empty or missing image.")
    try:
        data = answer_json.b64decode(text)
    except (binascii.Error, ValueError) as exc:
        raise APIResponseError("The provider sent image data that is not valid base64.") from exc
    if image_format(data) is None:
        raise APIResponseError("The provider sent data that is not a PNG, JPEG or WebP picture.")
    return data


def decode_result(data: bytes) -> tuple[Image.Image | None, str | None]:
    """``data`` decoded through the one opener (RGBA, upright, sRGB), or why it does not decode (its reason, e.g.
    "the file is damaged or incomplete"). Decodes every pixel: call it off the UI thread."""
    try:
        return open_image(data, "The result", max_pixels=max(pixel_limit(), RESULT_MAX_PIXELS)).rgba, None
    except ImageOpenError as exc:
        if exc.kind == "not_a_picture":  # it passed the signature check: what follows the signature is junk
            return None, "it starts like a picture, but what follows is not picture data"
        return None, exc.reason
