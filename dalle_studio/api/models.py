"""The table of known Images API models and everything that differs between them.

Public API:

- :class:`ModelSpec` — one model's limits (endpoints, sizes, n, qualities, styles, formats, inputs, lifecycle).
- :class:`SizeRule` — the free ``WxH`` rule of gpt-image-2 and later (multiple of 16, ratio, edge, pixels).
- :data:`KNOWN_MODELS` — the table, keyed by model id (snapshots included).
- :func:`spec_for` — the spec of any model id; an id the table does not know gets :func:`gpt_image_rules`.
- :func:`gpt_image_rules` — the GPT Image rules applied to an unknown model (unknown qualities pass through).
- :func:`parse_size` — ``"1024x1536"`` → ``(1024, 1536)``, or ``None`` for ``auto``/malformed text.
- :data:`GENERATIONS`, :data:`EDITS`, :data:`VARIATIONS` — endpoint names used in ``ModelSpec.endpoints``.

Facts come from ``openai-images-api.md`` §3 and §10. Behaviour never depends on a model's name, only on its spec.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    max_short_edge: int | None = 2160
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
        return None

    def describe(self) -> str:
        """The rule in words, for error messages."""
        parts = ["auto", "or WxH"]
        if self.multiple > 1:
            parts.append(f"with both sides multiples of {self.multiple}")
        if self.max_ratio is not None:
            parts.append(f"aspect ratio between 1:{self.max_ratio:g} and {self.max_ratio:g}:1")
        if self.max_long_edge is not None and self.max_short_edge is not None:
            parts.append(f"up to {self.max_long_edge}x{self.max_short_edge}")
        return " ".join(parts[:2]) + (", " + ", ".join(parts[2:]) if len(parts) > 2 else "")


GPT_STANDARD_SIZES: tuple[str, ...] = ("1024x1024", "1536x1024", "1024x1536", "auto")
GPT_QUALITIES: tuple[str, ...] = ("low", "medium", "high", "auto")
GPT_OUTPUT_FORMATS: tuple[str, ...] = ("png", "jpeg", "webp")
GPT_BACKGROUNDS: tuple[str, ...] = ("transparent", "opaque", "auto")
GPT_INPUT_FORMATS: frozenset[str] = frozenset({"png", "jpeg", "webp"})
DALLE_RESPONSE_FORMATS: tuple[str, ...] = ("url", "b64_json")


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
    input_fidelity: bool = True
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


_GEN_EDIT = frozenset({GENERATIONS, EDITS})
_DALLE_SHUTDOWN = date(2026, 5, 12)
_DEC_2026_SHUTDOWN = date(2026, 12, 1)

_DALLE_2 = ModelSpec(
    id="dall-e-2", family="dall-e", endpoints=frozenset({GENERATIONS, EDITS, VARIATIONS}),
    sizes=("256x256", "512x512", "1024x1024"), default_size="1024x1024", qualities=("standard",),
    response_formats=DALLE_RESPONSE_FORMATS, output_formats=(), backgrounds=(), moderation=False,
    input_fidelity=False, streaming=False, max_partial_images=0, prompt_max_chars=1000, max_input_images=1,
    input_formats=frozenset({"png"}), max_input_bytes=4 * MB, square_input=True,
    shutdown=_DALLE_SHUTDOWN, replacement="gpt-image-2.5-sunburst",
)
_DALLE_3 = ModelSpec(
    id="dall-e-3", family="dall-e", endpoints=frozenset({GENERATIONS}),
    sizes=("1024x1024", "1792x1024", "1024x1792"), default_size="1024x1024", max_n=1,
    qualities=("standard", "hd"), styles=("vivid", "natural"), response_formats=DALLE_RESPONSE_FORMATS,
    output_formats=(), backgrounds=(), moderation=False, input_fidelity=False, streaming=False,
    max_partial_images=0, prompt_max_chars=4000, max_input_images=0, input_formats=frozenset(),
    shutdown=_DALLE_SHUTDOWN, replacement="gpt-image-2.5-sunburst",
)
_GPT_IMAGE_1 = ModelSpec(id="gpt-image-1", family="gpt-image", endpoints=_GEN_EDIT, sizes=GPT_STANDARD_SIZES)
_GPT_IMAGE_1_MINI = replace(
    _GPT_IMAGE_1, id="gpt-image-1-mini", input_fidelity=False,
    shutdown=_DEC_2026_SHUTDOWN, replacement="gpt-image-2.6-flare",
)
_GPT_IMAGE_1_5 = replace(
    _GPT_IMAGE_1, id="gpt-image-1.5", shutdown=_DEC_2026_SHUTDOWN, replacement="gpt-image-2.6-sunburst",
)
_CHATGPT_IMAGE_LATEST = replace(
    _GPT_IMAGE_1, id="chatgpt-image-latest", shutdown=_DEC_2026_SHUTDOWN, replacement="gpt-image-2.6-sunburst",
    notes="input_fidelity support is not documented; allowed and left to the server",
)
_GPT_IMAGE_2 = replace(
    _GPT_IMAGE_1, id="gpt-image-2", size_rule=SizeRule(), transparency_preview=True,
    notes="sizes above 2560x1440 are experimental; transparent background is a preview",
)
_GPT_IMAGE_2_5 = replace(
    _GPT_IMAGE_2, id="gpt-image-2.5-sunburst", qualities=(*GPT_QUALITIES, "xhigh", "max"),
    transparency_preview=False, notes="",
)


def _with_aliases(*specs: tuple[ModelSpec, tuple[str, ...]]) -> dict[str, ModelSpec]:
    table: dict[str, ModelSpec] = {}
    for spec, aliases in specs:
        for model_id in (spec.id, *aliases):
            table[model_id] = replace(spec, id=model_id)
    return table


KNOWN_MODELS: Mapping[str, ModelSpec] = _with_aliases(
    (_DALLE_2, ()),
    (_DALLE_3, ()),
    (_GPT_IMAGE_1, ()),
    (_GPT_IMAGE_1_MINI, ()),
    (_GPT_IMAGE_1_5, ("gpt-image-1.5-2025-12-16",)),
    (_GPT_IMAGE_2, ("gpt-image-2-2026-04-21",)),
    (_GPT_IMAGE_2_5, ("gpt-image-2.5-sunburst-2026-09-08",)),
    (replace(_GPT_IMAGE_2_5, id="gpt-image-2.5-flare"), ("gpt-image-2.5-flare-2026-09-08",)),
    (_CHATGPT_IMAGE_LATEST, ()),
)


def gpt_image_rules(model_id: str) -> ModelSpec:
    """The rules for a model the table does not know: GPT Image, any ``WxH`` size, unknown qualities passed on."""
    return replace(
        _GPT_IMAGE_1, id=model_id, known=False, quality_passthrough=True,
        size_rule=SizeRule(multiple=1, max_ratio=None, max_long_edge=None, max_short_edge=None, max_pixels=None,
                           experimental_above_pixels=None),
        notes="not in the table of known models: GPT Image rules assumed",
    )


def spec_for(model_id: str, table: Mapping[str, ModelSpec] = KNOWN_MODELS) -> ModelSpec:
    """The spec of ``model_id``: from ``table`` when known, else :func:`gpt_image_rules`."""
    spec = table.get(model_id)
    return spec if spec is not None else gpt_image_rules(model_id)
