"""Cost: an estimate before sending (models with known prices), and the actual cost from ``usage`` after.

Public API:

- :func:`price_of` — a model's :class:`~dalle_studio.api.models.Price` from the model facts (``resources/models.json``),
  or ``None`` when unknown.
- :func:`estimate_cost` — dollars for ``n`` images of a size and quality (partial images counted), or ``None`` when
  unknown (no price, or a quality without published token counts such as ``xhigh``/``max``): never a guess.
- :func:`actual_cost` — dollars from a response's :class:`~dalle_studio.api.results.Usage`, or ``None``.
- :func:`output_tokens` — image output tokens of one GPT Image result by quality and size.
"""

from __future__ import annotations

import math

from dalle_studio.api.models import KNOWN_MODELS, Price, parse_size
from dalle_studio.api.results import Usage

MILLION = 1_000_000


def price_of(model: str) -> Price | None:
    spec = KNOWN_MODELS.get(model)
    return spec.price if spec is not None else None


def output_tokens(price: Price, quality: str | None, size: str | None) -> int | None:
    """Image output tokens for one image. ``auto`` quality counts as ``high`` (the most it may cost); sizes outside
    the published table are scaled from the nearest listed shape by pixel count. ``None`` for qualities without
    published counts."""
    q = "high" if quality in (None, "auto") else quality
    table = price.output_tokens.get(q or "")
    if not table:
        return None
    size = size or "1024x1024"
    if size in table:
        return table[size]
    wh = parse_size(size) or (1536, 1024)  # "auto": assume the larger standard shape
    aspect = wh[0] / wh[1]

    def shape_distance(item: tuple[str, int]) -> float:
        listed = parse_size(item[0]) or (1024, 1024)
        return abs(math.log((listed[0] / listed[1]) / aspect))

    listed_size, tokens = min(table.items(), key=shape_distance)
    lw, lh = parse_size(listed_size) or (1024, 1024)
    return math.ceil(tokens * wh[0] * wh[1] / (lw * lh))


def estimate_cost(model: str, *, n: int = 1, size: str | None = None, quality: str | None = None,
                  default_size: str = "1024x1024", partial_images: int = 0) -> float | None:
    """Dollars for ``n`` images, before sending; input tokens (prompt, pictures) are not counted. ``None`` when the
    model's price, the size or the quality is not known."""
    price = price_of(model)
    if price is None:
        return None
    if price.per_image:
        key = (quality if quality not in (None, "auto") else "standard", size or default_size)
        each = price.per_image.get(key)
        return None if each is None else each * n
    tokens = output_tokens(price, quality, size)
    if tokens is None:
        return None
    tokens += partial_images * price.partial_image_tokens
    return tokens * n * price.image_out_per_m / MILLION


def actual_cost(model: str, usage: Usage | None, *, n: int = 1, size: str | None = None,
                quality: str | None = None) -> float | None:
    """Dollars actually charged, from ``usage`` (GPT Image), or the per-image price (DALL·E, which reports no usage).
    ``None`` when unknown."""
    price = price_of(model)
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
