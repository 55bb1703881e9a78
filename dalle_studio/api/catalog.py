"""The model list shown to users: what the provider's ``GET /models`` offers, merged with the table of known models.

Public API:

- :class:`ModelChoice` — one entry: ``id``, ``spec``, ``offered`` (listed by the provider), ``shutdown`` date,
  ``shut_down`` (on or after it), ``label`` for a menu.
- :func:`merge_models` — provider entries (or ``None`` when it did not answer) + table → sorted choices.
- :func:`is_image_model` — whether a provider's model id looks like an Images API model.
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
    compatible server whose names are its own), each with the table's rules or the GPT Image rules; otherwise the
    table's models that are not shut down. Current models first, then by name."""
    choices: dict[str, ModelChoice] = {}
    if entries is not None:
        for entry in entries:
            model_id = entry.get("id")
            if not isinstance(model_id, str) or not (all_models or is_image_model(model_id, table)):
                continue
            spec = spec_for(model_id, table)
            shutdown = _shutdown_of(entry, spec)
            choices[model_id] = ModelChoice(model_id, spec, True, shutdown,
                                            shutdown is not None and today >= shutdown)
    else:
        for model_id, spec in table.items():
            if not spec.is_shut_down(today):
                choices[model_id] = ModelChoice(model_id, spec, False, spec.shutdown, False)
    return sorted(choices.values(), key=lambda c: (c.shut_down, c.shutdown is not None, c.id))
