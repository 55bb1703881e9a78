"""Model facts as data: ``resources/models.json`` and the user's override file, read into :class:`ModelSpec` entries.

Public API:

- :func:`load_builtin` — the table from the bundled file (a broken bundled file is a packaging bug: it raises).
- :func:`read_facts` — a facts file → ``(table, problems)``; a file that does not parse, or an entry that breaks the
  format, is named with its line in ``problems`` and left out (the facts before it still apply).
- :func:`apply_overrides` — the user's file (``models.json`` in the settings folder) laid over the built-in table, in
  place in :data:`dalle_studio.api.models.KNOWN_MODELS`; returns the problems to show.
- :data:`OVERRIDE_FILE_NAME`.

File format: ``{"facts": [{"model", "aliases"?, "like"?, "set": {...}, "source", "date"}, ...]}``. Entries apply in
order; ``like`` copies another model's facts first; each entry names where its facts come from and when they were
checked (both required, so a fact never loses its source).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from dalle_studio.api.models import (
    KNOWN_MODELS,
    ModelSpec,
    Price,
    SizeRule,
    gpt_image_rules,
)
from dalle_studio.core.resources import resources_dir

log = logging.getLogger(__name__)

OVERRIDE_FILE_NAME = "models.json"
_TUPLE_FIELDS = frozenset({"sizes", "qualities", "styles", "response_formats", "output_formats", "backgrounds",
                           "input_fidelities", "complexities"})
_SET_FIELDS = frozenset({"endpoints", "input_formats"})
_DATE_FIELDS = frozenset({"shutdown", "released"})
_SPEC_FIELDS = {f.name for f in fields(ModelSpec)} - {"id", "known", "alias_of"}


class FactsError(ValueError):
    """One entry of a facts file that breaks the format."""


def _price(raw: Mapping[str, Any]) -> Price:
    per_image: dict[tuple[str, str], float] = {}
    for key, value in dict(raw.get("per_image", {})).items():
        quality, _, size = str(key).partition(" ")
        per_image[(quality, size)] = float(value)
    tokens = {str(q): {str(s): int(t) for s, t in dict(table).items()}
              for q, table in dict(raw.get("output_tokens", {})).items()}
    return Price(per_image=per_image, text_in_per_m=float(raw.get("text_in_per_m", 0.0)),
                 image_in_per_m=float(raw.get("image_in_per_m", 0.0)),
                 image_out_per_m=float(raw.get("image_out_per_m", 0.0)), output_tokens=tokens,
                 partial_image_tokens=int(raw.get("partial_image_tokens", 0)))


def _value(name: str, raw: Any) -> Any:
    if name not in _SPEC_FIELDS:
        raise FactsError(f"unknown fact {name!r}")
    if raw is None:
        return None
    if name in _TUPLE_FIELDS:
        return tuple(str(x) for x in raw)
    if name in _SET_FIELDS:
        return frozenset(str(x) for x in raw)
    if name in _DATE_FIELDS:
        return date.fromisoformat(str(raw))
    if name == "size_rule":
        return SizeRule(**dict(raw))
    if name == "price":
        return _price(raw)
    return raw


def _apply(table: dict[str, ModelSpec], entry: Any, aliases: dict[str, list[str]]) -> None:
    if not isinstance(entry, Mapping):
        raise FactsError("an entry must be an object")
    model = entry.get("model")
    if not isinstance(model, str) or not model:
        raise FactsError("an entry needs \"model\"")
    if not entry.get("source") or not entry.get("date"):
        raise FactsError(f"{model}: each entry needs \"source\" and \"date\"")
    date.fromisoformat(str(entry["date"]))
    like = entry.get("like")
    if like is not None and like not in table:
        raise FactsError(f"{model}: \"like\" names {like!r}, which no earlier entry defines")
    base = table[like] if like else table.get(model) or _blank(model)
    changes = {name: _value(name, raw) for name, raw in dict(entry.get("set", {})).items()}
    spec = replace(base, id=model, known=True, alias_of=None, **changes)
    table[model] = spec
    names = aliases.setdefault(model, [])
    names.extend(str(a) for a in entry.get("aliases", ()) if str(a) not in names)
    for alias in names:  # a snapshot id has its model's facts, later corrections included
        table[alias] = replace(spec, id=alias, alias_of=model)


def _blank(model: str) -> ModelSpec:
    """A new model's starting point: the GPT Image defaults of :class:`ModelSpec`, no endpoints or sizes yet."""
    return ModelSpec(id=model, family="gpt-image", endpoints=gpt_image_rules(model).endpoints, sizes=())


def _line_of(text: str, model: object, index: int) -> int:
    """The line of the ``index``-th entry naming ``model`` (JSON parsers give no positions for values)."""
    needle = f'"model": {json.dumps(model)}' if isinstance(model, str) else '"model"'
    start = 0
    for _ in range(index + 1):
        found = text.find(needle, start)
        if found < 0:
            return 0
        start = found + 1
    return text.count("\n", 0, start) + 1


def read_facts(text: str, *, name: str, base: Mapping[str, ModelSpec] | None = None
               ) -> tuple[dict[str, ModelSpec], list[str]]:
    """The table from ``base`` with the facts of ``text`` applied; problems named ``"{name} line N: ..."``."""
    table = dict(base or {})
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return table, [f"{name} line {exc.lineno}: {exc.msg}; the file was ignored"]
    entries = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return table, [f"{name} line 1: expected {{\"facts\": [...]}}; the file was ignored"]
    problems: list[str] = []
    aliases: dict[str, list[str]] = {}
    for alias, spec in table.items():
        if spec.alias_of:
            aliases.setdefault(spec.alias_of, []).append(alias)
    seen: dict[object, int] = {}
    for entry in entries:
        model = entry.get("model") if isinstance(entry, Mapping) else None
        nth = seen.get(model, 0)
        seen[model] = nth + 1
        try:
            _apply(table, entry, aliases)
        except (FactsError, TypeError, ValueError) as exc:
            problems.append(f"{name} line {_line_of(text, model, nth)}: {exc}; this entry was ignored")
    return table, problems


def load_builtin() -> dict[str, ModelSpec]:
    """The bundled facts."""
    path = resources_dir() / "models.json"
    table, problems = read_facts(path.read_text(encoding="utf-8"), name=str(path))
    if problems:
        raise RuntimeError("; ".join(problems))
    return table


def apply_overrides(path: Path) -> list[str]:
    """Lay the user's facts file over the built-in table (in place); a missing file is no problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"{path}: {exc}"]
    builtin = load_builtin()
    table, problems = read_facts(text, name=str(path), base=builtin)
    KNOWN_MODELS.clear()
    KNOWN_MODELS.update(table)
    for problem in problems:
        log.warning("model facts: %s", problem)
    return problems


if not KNOWN_MODELS:
    KNOWN_MODELS.update(load_builtin())
