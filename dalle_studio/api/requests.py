"""Request types for the three Images endpoints, validated against the model *before* anything is sent.

Public API:

- :class:`ImageFile` — one picture to upload, from memory (bytes, file name, content type); repr never dumps bytes.
- :class:`GenerateRequest`, :class:`EditRequest`, :class:`VariationRequest` — keyword-only, frozen. Each has
  ``validate(spec=None)`` (raises :class:`~dalle_studio.api.errors.RequestValidationError` naming the field, the value
  and what is allowed, with the ``param``/``code`` the real API answers) and ``form_fields()`` (the non-file fields
  as the SDK sends them: ``None`` dropped, booleans ``"true"``/``"false"``, numbers as text).
- ``GenerateRequest.json_body()`` — the JSON body of ``POST /images/generations``.
- ``GenerateRequest.from_json(body)``, ``EditRequest.from_form(fields, images, mask)``,
  ``VariationRequest.from_form(fields, image)`` — parse what a client sent (for the embedded engine); type errors
  raise :class:`RequestValidationError` with ``code="invalid_type"``, unknown fields ``code="unknown_parameter"``.
- :func:`image_format` — ``"png"``/``"jpeg"``/``"webp"``/``None`` from the first bytes.
- :data:`VARIATION_PROMPT` — the prompt of a variation sent as an edit of the whole picture (see ``api.plan``).

Rules: ``openai-images-api.md`` §2, §3 and §9. The model's rules come from :func:`dalle_studio.api.models.spec_for`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

from dalle_studio.api import validation as v
from dalle_studio.api.errors import RequestValidationError
from dalle_studio.api.models import EDITS, GENERATIONS, VARIATIONS, ModelSpec, spec_for

if TYPE_CHECKING:
    from dalle_studio.core.images import Header


def image_format(data: bytes) -> str | None:
    """The picture format from its signature: ``png``, ``jpeg``, ``webp`` or ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


_CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


@dataclass(frozen=True)
class ImageFile:
    """A picture to upload, held in memory. ``content_type`` defaults to what the bytes are. ``size`` and
    ``alpha`` are given by a maker that knows them (preparation); otherwise they are read from the header, once
    (for a PNG, Pillow decodes the whole picture to look for EXIF: ~30 ms at 1024x1024)."""

    data: bytes = field(repr=False)
    filename: str = "image.png"
    content_type: str | None = None
    size: tuple[int, int] | None = field(default=None, compare=False)
    alpha: bool | None = field(default=None, compare=False)

    @property
    def format(self) -> str | None:
        return image_format(self.data)

    @property
    def mime(self) -> str:
        return self.content_type or _CONTENT_TYPES.get(self.format or "", "application/octet-stream")

    @functools.cached_property
    def _header(self) -> Header | None:
        from dalle_studio.core.images import ImageOpenError, read_header

        try:
            return read_header(self.data, self.filename)
        except ImageOpenError:
            return None

    def dimensions(self) -> tuple[int, int] | None:
        """(width, height) as shown (EXIF orientation applied), read from the header only; ``None`` when the bytes
        are not a picture, or claim more pixels than this process opens (a decompression bomb's header)."""
        if self.size is not None:
            return self.size
        return self._header.size if self._header is not None else None

    def has_alpha(self) -> bool:
        if self.alpha is not None:
            return self.alpha
        return self._header is not None and self._header.has_alpha

    def __repr__(self) -> str:
        return f"ImageFile({self.filename!r}, {len(self.data)} bytes, {self.mime})"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True, kw_only=True)
class _Request:
    endpoint: ClassVar[str]
    # fields that are not sent as form/JSON fields (files)
    _file_fields: ClassVar[frozenset[str]] = frozenset()

    model: str

    def spec(self) -> ModelSpec:
        return spec_for(self.model)

    def params(self) -> dict[str, Any]:
        """Every set (non-``None``) non-file field, as Python values."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in self._file_fields:
                continue
            value = getattr(self, f.name)
            if value is None or (f.name == "stream" and value is False):
                continue
            out[f.name] = value
        return out

    def form_fields(self) -> dict[str, str]:
        """The non-file fields as multipart text, exactly as the SDK serialises them."""
        return {k: _text(val) for k, val in self.params().items()}


@dataclass(frozen=True, kw_only=True)
class GenerateRequest(_Request):
    """``POST /images/generations``."""

    endpoint: ClassVar[str] = GENERATIONS

    prompt: str
    n: int | None = None
    size: str | None = None
    quality: str | None = None
    style: str | None = None
    response_format: str | None = None
    output_format: str | None = None
    output_compression: int | None = None
    background: str | None = None
    moderation: str | None = None
    complexity: str | None = None
    stream: bool = False
    partial_images: int | None = None
    user: str | None = None

    def validate(self, spec: ModelSpec | None = None) -> ModelSpec:
        """Raise :class:`RequestValidationError` at the first broken rule; return the model's spec."""
        spec = spec or self.spec()
        v.check_endpoint(spec, self.endpoint)
        v.check_prompt(self.prompt, spec)
        v.check_n(self.n, spec)
        v.check_common(self, spec)
        v.check_choice("style", self.style, spec.styles, spec)
        v.check_complexity(self.complexity, spec)
        v.check_flag("moderation", self.moderation, ("low", "auto") if spec.moderation else (), spec)
        return spec

    def json_body(self) -> dict[str, Any]:
        """The JSON body; ``None`` fields are left out, as the SDK does."""
        return self.params()

    @classmethod
    def from_json(cls, body: Mapping[str, Any], *, default_model: str = "dall-e-2") -> GenerateRequest:
        """Parse a JSON body (engine side). Types are checked; rules are checked by :meth:`validate`."""
        if not isinstance(body, Mapping):
            raise RequestValidationError("The request body must be a JSON object.", param=None, code="invalid_type")
        return cls(**v.parse_fields(cls, body, default_model=default_model, from_text=False))


@dataclass(frozen=True, kw_only=True)
class EditRequest(_Request):
    """``POST /images/edits`` (multipart). One image is sent as ``image``; several as repeated ``image[]``."""

    endpoint: ClassVar[str] = EDITS
    _file_fields: ClassVar[frozenset[str]] = frozenset({"images", "mask", "image_list"})

    images: tuple[ImageFile, ...]
    prompt: str
    mask: ImageFile | None = None
    image_list: bool = False  # send as ``image[]`` even for a single file (the SDK does so for a list)
    n: int | None = None
    size: str | None = None
    quality: str | None = None
    response_format: str | None = None
    output_format: str | None = None
    output_compression: int | None = None
    background: str | None = None
    input_fidelity: str | None = None
    complexity: str | None = None
    stream: bool = False
    partial_images: int | None = None
    user: str | None = None

    def validate(self, spec: ModelSpec | None = None) -> ModelSpec:
        """Raise :class:`RequestValidationError` at the first broken rule; return the model's spec."""
        spec = spec or self.spec()
        v.check_endpoint(spec, self.endpoint)
        v.check_prompt(self.prompt, spec)
        v.check_n(self.n, spec)
        v.check_common(self, spec)
        v.check_input_fidelity(self.input_fidelity, spec)
        v.check_complexity(self.complexity, spec)
        v.check_input_images(self.images, spec, param="image[]" if self.sends_list else "image")
        v.check_mask(self.mask, self.images[0] if self.images else None, spec)
        return spec

    @property
    def sends_list(self) -> bool:
        return self.image_list or len(self.images) > 1

    def files(self) -> list[tuple[str, tuple[str, bytes, str]]]:
        """The file parts for httpx: ``image`` or ``image[]`` (repeated), then ``mask``."""
        name = "image[]" if self.sends_list else "image"
        parts = [(name, (img.filename, img.data, img.mime)) for img in self.images]
        if self.mask is not None:
            parts.append(("mask", (self.mask.filename, self.mask.data, self.mask.mime)))
        return parts

    @classmethod
    def from_form(cls, form: Mapping[str, str], images: Sequence[ImageFile], mask: ImageFile | None = None, *,
                  image_list: bool = False, default_model: str = "gpt-image-1.5") -> EditRequest:
        """Parse multipart text fields (engine side): numbers from text, ``stream`` from ``"true"``/``"false"``."""
        parsed = v.parse_fields(cls, form, default_model=default_model, from_text=True)
        return cls(images=tuple(images), mask=mask, image_list=image_list, **parsed)


@dataclass(frozen=True, kw_only=True)
class VariationRequest(_Request):
    """``POST /images/variations`` (multipart, dall-e-2 only)."""

    endpoint: ClassVar[str] = VARIATIONS
    _file_fields: ClassVar[frozenset[str]] = frozenset({"image"})

    image: ImageFile
    n: int | None = None
    size: str | None = None
    response_format: str | None = None
    user: str | None = None

    def validate(self, spec: ModelSpec | None = None) -> ModelSpec:
        """Raise :class:`RequestValidationError` at the first broken rule; return the model's spec."""
        spec = spec or self.spec()
        v.check_endpoint(spec, self.endpoint)
        v.check_n(self.n, spec)
        v.check_size(self.size, spec)
        v.check_flag("response_format", self.response_format, spec.response_formats, spec)
        v.check_input_images((self.image,), spec, param="image")
        return spec

    def files(self) -> list[tuple[str, tuple[str, bytes, str]]]:
        return [("image", (self.image.filename, self.image.data, self.image.mime))]

    @classmethod
    def from_form(cls, form: Mapping[str, str], image: ImageFile, *,
                  default_model: str = "dall-e-2") -> VariationRequest:
        """Parse multipart text fields (engine side)."""
        return cls(image=image, **v.parse_fields(cls, form, default_model=default_model, from_text=True))


AnyRequest = GenerateRequest | EditRequest | VariationRequest

VARIATION_PROMPT = ("A variation of this picture: the same subject, composition and style, with natural differences "
                    "in details.")
