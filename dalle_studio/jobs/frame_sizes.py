"""The frame shapes a model allows, from the api's model table, for the canvas's frame tool."""

from __future__ import annotations

from dalle_studio.api.models import ModelSpec, parse_size
from dalle_studio.document.frame import FrameSizes

_UNLIMITED = 1 << 20


def frame_sizes_for(spec: ModelSpec) -> FrameSizes:
    """The listed sizes of ``spec`` ("auto" left out) and, when it takes any ``WxH`` (a size rule), a free shape
    bounded by that rule."""
    sizes = tuple(s for s in (parse_size(size) for size in spec.sizes) if s is not None)
    rule = spec.size_rule
    if rule is None:
        return FrameSizes(sizes=sizes or ((1024, 1024),), free=False)
    return FrameSizes(
        sizes=sizes,
        free=True,
        multiple=max(1, rule.multiple),
        max_side=rule.max_long_edge or _UNLIMITED,
        max_pixels=rule.max_pixels or _UNLIMITED * _UNLIMITED,
        max_ratio=rule.max_ratio or float(_UNLIMITED),
        min_pixels=rule.min_pixels or 0,
    )
