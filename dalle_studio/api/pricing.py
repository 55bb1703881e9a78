"""Cost: an estimate before sending (models with known prices), and the actual cost from ``usage`` after.

Public API:

- :class:`Price` — a model's price: per image (DALL·E, by quality and size) or per million tokens (GPT Image).
- :data:`PRICES` — known prices in US dollars (OpenAI's published prices; community.openai.com thread 1371851 and
  1275254 for the output-token counts). Models not listed have no estimate.
- :func:`estimate_cost` — dollars for ``n`` images of a size and quality, or ``None`` when unknown.
- :func:`actual_cost` — dollars from a response's :class:`~dalle_studio.api.results.Usage`, or ``None``.
- :func:`output_tokens` — image output tokens of a GPT Image result by quality and size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from dalle_studio.api.models import parse_size
from dalle_studio.api.results import Usage

MILLION = 1_000_000

# Output image tokens by quality for the square 1024x1024 image; other sizes scale with their pixel count and shape
# as the published table does (1024x1536: x1.5; 1536x1024: slightly less).
_TOKENS = {
    "low": {"1024x1024": 272, "1024x1536": 408, "1536x1024": 400},
    "medium": {"1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568},
    "high": {"1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208},
}


@dataclass(frozen=True)
class Price:
    """``per_image[(quality, size)]`` for DALL·E; ``*_per_m`` dollars per million tokens for GPT Image."""

    per_image: dict[tuple[str, str], float] = field(default_factory=dict)
    text_in_per_m: float = 0.0
    image_in_per_m: float = 0.0
    image_out_per_m: float = 0.0


PRICES: dict[str, Price] = {
    "dall-e-2": Price(per_image={("standard", "256x256"): 0.016, ("standard", "512x512"): 0.018,
                                 ("standard", "1024x1024"): 0.020}),
    "dall-e-3": Price(per_image={("standard", "1024x1024"): 0.040, ("standard", "1792x1024"): 0.080,
                                 ("standard", "1024x1792"): 0.080, ("hd", "1024x1024"): 0.080,
                                 ("hd", "1792x1024"): 0.120, ("hd", "1024x1792"): 0.120}),
    "gpt-image-1": Price(text_in_per_m=5.0, image_in_per_m=10.0, image_out_per_m=40.0),
    "gpt-image-1-mini": Price(text_in_per_m=2.0, image_in_per_m=2.5, image_out_per_m=8.0),
    "gpt-image-1.5": Price(text_in_per_m=5.0, image_in_per_m=8.0, image_out_per_m=32.0),
    "gpt-image-1.5-2025-12-16": Price(text_in_per_m=5.0, image_in_per_m=8.0, image_out_per_m=32.0),
}


def output_tokens(quality: str | None, size: str | None) -> int | None:
    """Image output tokens for one image. ``auto`` quality counts as ``high`` (the most it may cost); sizes outside
    the table are scaled from 1024x1024 by pixel count. ``None`` for unknown qualities."""
    q = "high" if quality in (None, "auto") else quality
    table = _TOKENS.get(q or "")
    if table is None:
        return None
    if size in table:
        return table[size]
    wh = parse_size(size or "1024x1024") or (1536, 1024)  # "auto": assume the larger standard shape
    return math.ceil(table["1024x1024"] * wh[0] * wh[1] / (1024 * 1024))


def estimate_cost(model: str, *, n: int = 1, size: str | None = None, quality: str | None = None,
                  default_size: str = "1024x1024") -> float | None:
    """Dollars for ``n`` images, before sending; input tokens (prompt, pictures) are not counted. ``None`` when the
    model's price, the size or the quality is not known."""
    price = PRICES.get(model)
    if price is None:
        return None
    if price.per_image:
        key = (quality if quality not in (None, "auto") else "standard", size or default_size)
        each = price.per_image.get(key)  # type: ignore[arg-type]
        return None if each is None else each * n
    tokens = output_tokens(quality, size)
    return None if tokens is None else tokens * n * price.image_out_per_m / MILLION


def actual_cost(model: str, usage: Usage | None, *, n: int = 1, size: str | None = None,
                quality: str | None = None) -> float | None:
    """Dollars actually charged, from ``usage`` (GPT Image), or the per-image price (DALL·E, which reports no usage).
    ``None`` when unknown."""
    price = PRICES.get(model)
    if price is None:
        return None
    if price.per_image:
        return estimate_cost(model, n=n, size=size, quality=quality)
    if usage is None:
        return None
    text_in = usage.input_text_tokens
    image_in = usage.input_image_tokens
    if text_in + image_in == 0:
        text_in = usage.input_tokens
    return (text_in * price.text_in_per_m + image_in * price.image_in_per_m
            + usage.output_tokens * price.image_out_per_m) / MILLION
