"""The model list shown to users: what the provider's ``GET /models`` offers, merged with the table of known models.

Public API:

- :class:`ModelChoice` — one entry: ``id``, ``spec``, ``offered`` (listed by the provider), ``shutdown`` date,
  ``shut_down`` (on or after it), ``label`` for a menu.
- :func:`merge_models` — provider entries (or ``None`` when it did not answer) + table → sorted choices.
- :func:`is_image_model` — whether a provider's model id looks like an Images API model.
- :func:`retired_note` — the models shut down on OpenAI lately, each with its replacement, in words.
- :func:`replacement_for` — the live model to use for a retired one (following replacements), or ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dalle_studio.api.models import KNOWN_MODELS, ModelSpec, spec_for


@dataclass(frozen=True)
class ModelChoice:
    """A model the user can pick."""

    id: str
    spec: ModelSpec
    offered: bool  # listed by the provider's GET /models
    shutdown: date | None
    shut_down: bool

    @property
    def label(self) -> str:
        if self.shut_down:
            return f"{self.id} (shut down {self.shutdown:%Y-%m-%d})"
        if self.shutdown is not None:
            return f"{self.id} (shuts down {self.shutdown:%Y-%m-%d})"
        return self.id


def is_image_model(model_id: str, table: Mapping[str, ModelSpec] = KNOWN_MODELS) -> bool:
    """Known models, and ids that name an image model (``gpt-image-*``, ``dall-e-*``, ``*-image-*``)."""
    lowered = model_id.lower()
    return model_id in table or "image" in lowered or lowered.startswith("dall-e")


def _shutdown_of(entry: Mapping[str, Any], spec: ModelSpec) -> date | None:
    raw = entry.get("shutdown_date")
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            pass
    return spec.shutdown


def merge_models(entries: Iterable[Mapping[str, Any]] | None, *, today: date, all_models: bool = False,
                 table: Mapping[str, ModelSpec] = KNOWN_MODELS) -> list[ModelChoice]:
    """The choices: when the provider answered, its image models (all of them with ``all_models``, e.g. for a
    compatible server whose names are its own, which keeps models OpenAI shut down: that server decides), each with
    the table's rules or the GPT Image rules; otherwise the table's models that are not shut down (no snapshots).
    Models shut down on OpenAI are left out unless ``all_models``. Newest first; current models before those with
    a shutdown date; ids the table does not know keep the provider's order, first."""
    choices: dict[str, ModelChoice] = {}
    if entries is not None:
        for entry in entries:
            model_id = entry.get("id")
            if not isinstance(model_id, str) or not (all_models or is_image_model(model_id, table)):
                continue
            spec = spec_for(model_id, table)
            shutdown = _shutdown_of(entry, spec)
            shut_down = shutdown is not None and today >= shutdown
            if shut_down and not all_models:
                continue
            choices[model_id] = ModelChoice(model_id, spec, True, shutdown, shut_down)
    else:
        for model_id, spec in table.items():
            if not spec.is_shut_down(today) and spec.alias_of is None:
                choices[model_id] = ModelChoice(model_id, spec, False, spec.shutdown, False)

    def order(choice: ModelChoice) -> tuple[bool, bool, int]:
        released = choice.spec.released.toordinal() if choice.spec.released else 10**7  # unknown: newest
        return choice.shut_down, choice.shutdown is not None, -released

    return sorted(choices.values(), key=order)


def replacement_for(model_id: str, today: date, table: Mapping[str, ModelSpec] = KNOWN_MODELS) -> str | None:
    """The model OpenAI suggests instead of ``model_id`` once it is shut down (followed to a live one)."""
    seen = {model_id}
    spec = table.get(model_id)
    while spec is not None and spec.is_shut_down(today) and spec.replacement and spec.replacement not in seen:
        seen.add(spec.replacement)
        model_id, spec = spec.replacement, table.get(spec.replacement)
    return model_id if len(seen) > 1 and (spec is None or not spec.is_shut_down(today)) else None


def retired_note(today: date, *, within_days: int = 60, table: Mapping[str, ModelSpec] = KNOWN_MODELS) -> str:
    """"Retired on OpenAI: gpt-image-1.5, chatgpt-image-latest → gpt-image-2.6-sunburst; ..." for models shut down
    in the last ``within_days``, grouped by replacement."""
    by_replacement: dict[str, list[str]] = {}
    for model_id, spec in table.items():
        if (spec.alias_of is None and spec.shutdown is not None and spec.is_shut_down(today)
                and (today - spec.shutdown).days <= within_days):
            by_replacement.setdefault(spec.replacement or "", []).append(model_id)
    if not by_replacement:
        return ""
    parts = [", ".join(gone) + (f" → {use}" if use else "") for use, gone in by_replacement.items()]
    return "Retired on OpenAI: " + "; ".join(parts) + "."
