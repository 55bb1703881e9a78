"""The models the engine answers for: its own, plus every model of the API layer's table (validated by its rules).

The engine's own model follows the GPT Image rules of gpt-image-2 (any ``WxH`` size within its limits, up to 16
input pictures, b64_json only) and also offers variations, which no GPT Image model does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dalle_studio.api.models import EDITS, GENERATIONS, KNOWN_MODELS, VARIATIONS, ModelSpec, spec_for

ENGINE_MODEL_ID = "studio-classical-fill"
ENGINE_MODEL_DESCRIPTION = (
    "DALL·E Studio's embedded engine: content-aware fill and variations with classical image processing "
    "(OpenCV Telea for thin areas, PatchMatch for large ones). It does not read the prompt and cannot draw from "
    "text: it fills the transparent area from the rest of the picture, copying texture, never inventing objects."
)
# Fixed so that /v1/models is stable between runs: the day the engine's model was defined.
_CREATED = 1_795_478_400


def engine_spec() -> ModelSpec:
    """The engine's own model: gpt-image-2's rules (without its pixel minimum: small pictures are fine here), plus
    the variations endpoint."""
    base = KNOWN_MODELS["gpt-image-2"]
    rule = replace(base.size_rule, min_pixels=None) if base.size_rule is not None else None
    return replace(
        base, id=ENGINE_MODEL_ID, endpoints=frozenset({GENERATIONS, EDITS, VARIATIONS}), size_rule=rule,
        transparency_preview=False, shutdown=None, replacement=None, notes=ENGINE_MODEL_DESCRIPTION, price=None,
    )


def model_table() -> dict[str, ModelSpec]:
    """Every model id the engine knows: the API layer's table and the engine's own model."""
    return {**KNOWN_MODELS, ENGINE_MODEL_ID: engine_spec()}


def resolve(model_id: str, table: Mapping[str, ModelSpec]) -> ModelSpec:
    """The rules for ``model_id``; unknown ids get the GPT Image rules (the API layer's choice)."""
    return spec_for(model_id, table)


def models_listing(table: Mapping[str, ModelSpec]) -> dict[str, Any]:
    """The body of ``GET /v1/models``: the engine's model first, then the others it validates like the real API."""
    entries = [_entry(ENGINE_MODEL_ID, ENGINE_MODEL_DESCRIPTION, None)]
    for model_id, spec in table.items():
        if model_id == ENGINE_MODEL_ID:
            continue
        description = (f"Accepted with {model_id}'s request rules; served by the engine's classical fill, which "
                       "does not read the prompt.")
        entries.append(_entry(model_id, description, spec.shutdown.isoformat() if spec.shutdown else None))
    return {"object": "list", "data": entries}


def _entry(model_id: str, description: str, shutdown_date: str | None) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": _CREATED, "owned_by": "dalle-studio-engine",
            "description": description, "shutdown_date": shutdown_date}
