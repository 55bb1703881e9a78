"""Recalling a prompt and its parameters from a PNG: our own JSON chunk first, else the ``parameters`` chunk other
image tools (AUTOMATIC1111 and those that copy it) write. A pure function the open-file code calls."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dalle_studio.library.pngtext import NotAPng, read_text

OUR_CHUNK = "dalle-studio"
PARAMETERS_CHUNK = "parameters"


@dataclass(frozen=True)
class RecalledParameters:
    """What a PNG says about how it was made. ``source`` names the chunk it came from."""

    prompt: str
    source: str  # "dalle-studio" | "parameters"
    negative_prompt: str = ""
    revised_prompt: str = ""
    model: str = ""
    size: str = ""
    quality: str = ""
    kind: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def read_parameters(data: bytes) -> RecalledParameters | None:
    """The prompt and parameters carried by PNG ``data``, or None when it carries none (or is not a PNG)."""
    try:
        texts = read_text(data)
    except NotAPng:
        return None
    return parameters_from_texts(texts)


def parameters_from_texts(texts: Mapping[str, str]) -> RecalledParameters | None:
    """The prompt and parameters in a PNG's text chunks (as a decoder already read them), or None."""
    ours = texts.get(OUR_CHUNK)
    if ours:
        try:
            meta = json.loads(ours)
        except ValueError:
            meta = None
        if isinstance(meta, dict):
            params = meta.get("params")
            return RecalledParameters(
                prompt=str(meta.get("prompt", "")), source=OUR_CHUNK,
                revised_prompt=str(meta.get("revised_prompt", "")), model=str(meta.get("model", "")),
                size=str(meta.get("size", "")), quality=str(meta.get("quality", "")), kind=str(meta.get("kind", "")),
                params=dict(params) if isinstance(params, dict) else {})
    text = texts.get(PARAMETERS_CHUNK)
    return parse_a1111(text) if text else None


# "Key: value, Key: value" on the last line; values may be quoted and contain commas.
_PAIR = re.compile(r'\s*([\w][\w \-/]*):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)')


def parse_a1111(text: str) -> RecalledParameters:
    """Parse the ``parameters`` text form: prompt lines, optional ``Negative prompt:`` lines, then one line of
    ``Key: value`` pairs."""
    lines = text.strip().split("\n")
    settings: dict[str, Any] = {}
    if lines and _looks_like_settings(lines[-1]):
        for key, value in _PAIR.findall(lines.pop()):
            value = value.strip()
            if value.startswith('"') and value.endswith('"'):
                value = json.loads(value)
            settings[key.strip()] = value
    prompt_lines: list[str] = []
    negative_lines: list[str] = []
    in_negative = False
    for line in lines:
        if line.startswith("Negative prompt:"):
            in_negative = True
            line = line[len("Negative prompt:"):].lstrip()
        (negative_lines if in_negative else prompt_lines).append(line)
    model = str(settings.pop("Model", ""))
    size = str(settings.pop("Size", ""))
    quality = str(settings.pop("Quality", ""))
    return RecalledParameters(prompt="\n".join(prompt_lines).strip(), source=PARAMETERS_CHUNK,
                              negative_prompt="\n".join(negative_lines).strip(), model=model, size=size,
                              quality=quality, params=settings)


def _looks_like_settings(line: str) -> bool:
    pairs = _PAIR.findall(line)
    return len(pairs) >= 2 or bool(re.match(r"^(Steps|Size|Model|Seed|Sampler|Quality):", line))
