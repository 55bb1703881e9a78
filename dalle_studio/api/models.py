"""The table of known Images API models and everything that differs between them.

Public API:

- :class:`ModelSpec` — one model's limits (endpoints, sizes, n, qualities, styles, formats, inputs, lifecycle).
- :class:`SizeRule` — the free ``WxH`` rule of gpt-image-2 and later (multiple of 16, ratio, edge, pixels).
- :data:`KNOWN_MODELS` — the table, keyed by model id (snapshots included).
- :func:`spec_for` — the spec of any model id; an id the table does not know gets :func:`gpt_image_rules`.
- :func:`gpt_image_rules` — the GPT Image rules applied to an unknown model (unknown qualities pass through).
- :func:`parse_size` — ``"1024x1536"`` → ``(1024, 1536)``, or ``None`` for ``auto``/malformed text.
- :data:`GENERATIONS`, :data:`EDITS`, :data:`VARIATIONS` — endpoint names used in ``ModelSpec.endpoints``.

Facts come from ``resources/models.json`` (see :mod:`dalle_studio.api.model_data`). Behaviour never depends on a
model's name, only on its spec.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

GENERATIONS = "generations"
EDITS = "edits"
VARIATIONS = "variations"

MB = 1024 * 1024

_SIZE_RE = re.compile(r"^(\d{1,5})x(\d{1,5})$")


def parse_size(size: str) -> tuple[int, int] | None:
    """``"WxH"`` → ``(W, H)``; ``None`` for ``"auto"`` or text that is not ``WxH``."""
    match = _SIZE_RE.match(size)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True)
class SizeRule:
    """Any ``WxH`` within these limits is allowed (gpt-image-2 and later); ``None`` means no limit."""

    multiple: int = 16
    max_ratio: float | None = 3.0
    max_long_edge: int | None = 3840
    max_short_edge: int | None = None
    min_pixels: int | None = None
    max_pixels: int | None = 3840 * 2160
    experimental_above_pixels: int | None = 2560 * 1440

    def problem(self, width: int, height: int) -> str | None:
        """Why ``width`` x ``height`` breaks this rule (a sentence), or ``None`` when it is allowed."""
        if width <= 0 or height <= 0:
            return "both sides must be positive"
        if self.multiple > 1 and (width % self.multiple or height % self.multiple):
            return f"both sides must be multiples of {self.multiple}"
        long_edge, short_edge = max(width, height), min(width, height)
        if self.max_ratio is not None and long_edge > short_edge * self.max_ratio:
            return f"the aspect ratio must be between 1:{self.max_ratio:g} and {self.max_ratio:g}:1"
        if self.max_long_edge is not None and long_edge > self.max_long_edge:
            return f"the long side must be at most {self.max_long_edge}"
        if self.max_short_edge is not None and short_edge > self.max_short_edge:
            return f"the short side must be at most {self.max_short_edge}"
        if self.max_pixels is not None and width * height > self.max_pixels:
            return f"at most {self.max_pixels:,} pixels"
        if self.min_pixels is not None and width * height < self.min_pixels:
            return f"at least {self.min_pixels:,} pixels"
        return None

    def describe(self) -> str:
        """The rule in words, for error messages."""
        parts = ["auto", "or WxH"]
        if self.multiple > 1:
            parts.append(f"with both sides multiples of {self.multiple}")
        if self.max_ratio is not None:
            parts.append(f"aspect ratio between 1:{self.max_ratio:g} and {self.max_ratio:g}:1")
        if self.max_long_edge is not None:
            parts.append(f"long side up to {self.max_long_edge}")
        if self.min_pixels is not None and self.max_pixels is not None:
            parts.append(f"{self.min_pixels:,} to {self.max_pixels:,} pixels")
        return " ".join(parts[:2]) + (", " + ", ".join(parts[2:]) if len(parts) > 2 else "")


GPT_STANDARD_SIZES: tuple[str, ...] = ("1024x1024", "1536x1024", "1024x1536", "auto")
GPT_QUALITIES: tuple[str, ...] = ("low", "medium", "high", "auto")
GPT_OUTPUT_FORMATS: tuple[str, ...] = ("png", "jpeg", "webp")
GPT_BACKGROUNDS: tuple[str, ...] = ("transparent", "opaque", "auto")
GPT_INPUT_FORMATS: frozenset[str] = frozenset({"png", "jpeg", "webp"})
DALLE_RESPONSE_FORMATS: tuple[str, ...] = ("url", "b64_json")


@dataclass(frozen=True)
class Price:
    """What a model costs (US$): ``per_image[(quality, size)]`` (DALL·E), or per million tokens (GPT Image) with the
    published output-token counts ``output_tokens[quality][size]`` and the extra tokens of each partial image."""

    per_image: Mapping[tuple[str, str], float] = field(default_factory=dict)
    text_in_per_m: float = 0.0
    image_in_per_m: float = 0.0
    image_out_per_m: float = 0.0
    output_tokens: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    partial_image_tokens: int = 0


@dataclass(frozen=True)
class ModelSpec:
    """What one model accepts. Empty tuples mean "this parameter is not accepted by the model"."""

    id: str
    family: str  # "dall-e" or "gpt-image": which wire rules apply (e.g. response_format, url results)
    endpoints: frozenset[str]
    sizes: tuple[str, ...]  # the fixed list; with ``size_rule`` these are the standard sizes, also allowed
    size_rule: SizeRule | None = None
    default_size: str = "auto"
    max_n: int = 10
    qualities: tuple[str, ...] = GPT_QUALITIES
    quality_passthrough: bool = False  # unknown models: unknown quality values are forwarded untouched
    styles: tuple[str, ...] = ()
    response_formats: tuple[str, ...] = ()
    output_formats: tuple[str, ...] = GPT_OUTPUT_FORMATS
    backgrounds: tuple[str, ...] = GPT_BACKGROUNDS
    transparency_preview: bool = False
    moderation: bool = True
    input_fidelities: tuple[str, ...] = ("high", "low")  # empty: the model refuses input_fidelity (even as null)
    complexities: tuple[str, ...] = ()  # gpt-image-2.6: planning effort
    streaming: bool = True
    max_partial_images: int = 3
    prompt_max_chars: int = 32_000
    max_input_images: int = 16
    input_formats: frozenset[str] = GPT_INPUT_FORMATS
    max_input_bytes: int = 50 * MB
    square_input: bool = False
    mask_max_bytes: int = 4 * MB
    shutdown: date | None = None  # on api.openai.com; compatible servers may still offer the model
    replacement: str | None = None  # what OpenAI suggests instead, once deprecated
    known: bool = True
    released: date | None = None  # for "newest first" when the provider does not list its models
    alias_of: str | None = None  # a snapshot id (gpt-image-2-2026-04-21) names the model whose facts it has
    price: Price | None = field(default=None, compare=False)
    notes: str = field(default="", compare=False)

    @property
    def is_dalle(self) -> bool:
        return self.family == "dall-e"

    @property
    def returns_urls(self) -> bool:
        """True when results may come back as expiring URLs (``response_format=url``, the DALL·E default)."""
        return "url" in self.response_formats

    def supports(self, endpoint: str) -> bool:
        return endpoint in self.endpoints

    def is_shut_down(self, today: date) -> bool:
        """True on and after the announced shutdown date on api.openai.com."""
        return self.shutdown is not None and today >= self.shutdown

    def allows_size(self, size: str) -> bool:
        if size in self.sizes:
            return True
        if self.size_rule is None:
            return False
        parsed = parse_size(size)
        return parsed is not None and self.size_rule.problem(*parsed) is None

    def allowed_sizes_text(self) -> str:
        """What ``size`` may be, in words, for messages."""
        if self.size_rule is not None:
            return self.size_rule.describe()
        return ", ".join(self.sizes)


# The table itself is data: resources/models.json (each fact with its source and date), plus the user's override file
# (see :mod:`dalle_studio.api.model_data`). ``KNOWN_MODELS`` is filled from it below and updated in place by
# :func:`dalle_studio.api.model_data.apply_overrides`, so every holder of the mapping sees the corrections.
KNOWN_MODELS: dict[str, ModelSpec] = {}


def gpt_image_rules(model_id: str) -> ModelSpec:
    """The rules for a model the table does not know: GPT Image as of its newest known form (gpt-image-2's ``WxH``
    rule, so what we prepare is what such servers accept), with unknown qualities passed on."""
    return ModelSpec(
        id=model_id, family="gpt-image", endpoints=frozenset({GENERATIONS, EDITS}), sizes=GPT_STANDARD_SIZES,
        known=False, quality_passthrough=True, size_rule=SizeRule(), input_fidelities=(),
        notes="not in the table of known models: GPT Image rules assumed",
    )


def spec_for(model_id: str, table: Mapping[str, ModelSpec] | None = None) -> ModelSpec:
    """The spec of ``model_id``: from ``table`` when known, else :func:`gpt_image_rules`."""
    spec = (KNOWN_MODELS if table is None else table).get(model_id)
    return spec if spec is not None else gpt_image_rules(model_id)


# Fills KNOWN_MODELS from resources/models.json (whichever of the two modules is imported first).
import dalle_studio.api.model_data  # noqa: E402, F401
