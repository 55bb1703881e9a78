"""The one request plan: what a request of the studio contains, decided in one pure function.

Public API:

- :func:`plan_request` — kind + provider + model facts (with what was learned from refusals) + the user's parameters +
  the frame's shape → :class:`Plan`: endpoint, the exact fields to send, how to fit the picture, streaming, how many
  images each request asks for, and the reasons shown to the user.
- :func:`offered_parameters` — the parameters a form should offer for a model and kind (the same rules).
- :func:`heal` — a plan without the parameter a provider refused (or with the nearest value it allows), or ``None``
  when the refusal is not about one parameter (content, key, quota, anything else): never retried this way.
- :func:`generate_request`, :func:`edit_request`, :func:`variation_request` — the plan as a request to send.
- :class:`PlanError` — nothing can be sent (the model has neither the endpoint nor an edit to stand in for it).
- :data:`EDIT`, :data:`VARIATION`, :data:`GENERATION` — the kinds; :data:`LABELS` — parameters in the user's words.

Rules: a parameter the user did not set (or set to the API's own default) is not sent; a parameter the model does not
take is never sent; ``/images/variations`` only where the model and provider have it, else an edit of the whole
picture; streaming with several results is sent as parallel one-image requests (§0 of openai-images-api.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from dalle_studio.api.errors import ContentRefusedError, ImagesAPIError, ParameterRefusedError
from dalle_studio.api.models import EDITS, GENERATIONS, VARIATIONS, ModelSpec, parse_size
from dalle_studio.api.providers import Provider
from dalle_studio.api.requests import EditRequest, GenerateRequest, ImageFile, VariationRequest

EDIT = "edit"
VARIATION = "variation"
GENERATION = "generation"
Kind = Literal["edit", "variation", "generation"]
Fit = Literal["crop", "pad"]

LABELS = {
    "n": "Results", "size": "Size", "quality": "Quality", "background": "Background", "output_format": "Format",
    "output_compression": "Compression", "style": "Style", "input_fidelity": "Fidelity", "moderation": "Moderation",
    "complexity": "Complexity", "stream": "Partial images", "partial_images": "Partial images",
    "response_format": "Response format",
}
# What each endpoint takes besides prompt, model and files (openai-images-api.md §2).
_ENDPOINT_PARAMS = {
    GENERATIONS: ("n", "size", "quality", "style", "background", "output_format", "output_compression",
                  "moderation", "complexity"),
    EDITS: ("n", "size", "quality", "background", "output_format", "output_compression", "input_fidelity",
            "complexity"),
    VARIATIONS: ("n", "size"),
}
# Values equal to the API's own default are not sent: the server applies them anyway, and a server that does not
# know the parameter cannot refuse what is not there.
_API_DEFAULTS = {"quality": "auto", "background": "auto", "output_format": "png", "moderation": "auto",
                 "size": "auto", "n": 1}
PARTIAL_IMAGES = 2


class PlanError(ValueError):
    """The request cannot be made with this model (``str()`` says why, for the user)."""


@dataclass(frozen=True)
class Plan:
    """A request, decided: ``fields`` are sent as they are (besides prompt, model and the pictures)."""

    kind: str
    endpoint: str  # "generations", "edits" or "variations"
    model: str
    fields: Mapping[str, Any]
    n: int  # results wanted in all
    per_request: int  # images each request asks for (the client sends several requests in parallel for the rest)
    fit: Fit | None  # how the picture is fitted to the model's shape (None: no picture)
    size: str | None  # the size to prepare the picture at; None: chosen from the frame's shape
    stream: bool
    via_edit: bool  # a variation sent as an edit of the whole picture
    reasons: tuple[str, ...] = ()  # what the user is told (path taken, parameters dropped or adjusted)
    healed: tuple[str, ...] = field(default=())  # parameters dropped or adjusted after a refusal

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _takes(spec: ModelSpec, name: str, value: Any) -> bool:
    """Whether ``spec`` accepts ``name`` = ``value``."""
    if name == "n":
        return True
    if name == "size":
        return spec.allows_size(str(value))
    if name == "quality":
        return spec.quality_passthrough or value in spec.qualities
    if name == "style":
        return value in spec.styles
    if name == "background":
        return value in spec.backgrounds
    if name == "output_format":
        return value in spec.output_formats
    if name == "output_compression":
        return bool(spec.output_formats)
    if name == "moderation":
        return spec.moderation and value in ("low", "auto")
    if name == "input_fidelity":
        return value in spec.input_fidelities
    if name == "complexity":
        return value in spec.complexities
    return False


def offered_parameters(spec: ModelSpec, kind: str, learned: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """The parameters a form offers for ``spec`` and ``kind`` (``"any"`` for every kind), each with its values
    (empty for free values such as ``n``); a parameter the provider refused for this model is not offered."""
    refused = set(learned)
    endpoints = {EDIT: (EDITS,), VARIATION: (EDITS,), GENERATION: (GENERATIONS,)}.get(kind, (EDITS, GENERATIONS))
    names = {name for endpoint in endpoints for name in _ENDPOINT_PARAMS[endpoint]}
    values = {"size": spec.sizes, "quality": spec.qualities, "style": spec.styles, "background": spec.backgrounds,
              "output_format": spec.output_formats, "moderation": ("auto", "low") if spec.moderation else (),
              "input_fidelity": spec.input_fidelities, "complexity": spec.complexities, "n": ()}
    out: dict[str, tuple[str, ...]] = {}
    for name in ("size", "n", "quality", "complexity", "background", "output_format", "style", "input_fidelity",
                 "moderation"):
        if name not in names or name in refused:
            continue
        if name in ("n",) or values[name] or (name == "size" and spec.size_rule is not None):
            out[name] = tuple(values[name])
    if "quality" in out and len(out["quality"]) <= 1:
        del out["quality"]
    return out


def _nearest_size(spec: ModelSpec, size: str) -> str | None:
    """The allowed size closest in shape and area to ``size``; ``None`` to let the server choose (auto)."""
    wanted = parse_size(size)
    if wanted is None or spec.allows_size("auto"):
        return None
    listed = [(s, parse_size(s)) for s in spec.sizes]
    sized = [(s, wh) for s, wh in listed if wh is not None]
    if not sized:
        return None

    def score(item: tuple[str, tuple[int, int]]) -> tuple[float, float]:
        w, h = item[1]
        return (abs((w / h) - (wanted[0] / wanted[1])), abs(w * h - wanted[0] * wanted[1]))

    return min(sized, key=score)[0]


def plan_request(kind: str, provider: Provider, spec: ModelSpec, params: Mapping[str, Any], *,
                 frame: tuple[int, int] | None = None, learned: Iterable[str] = (),
                 stream_partials: bool = False) -> Plan:
    """The request for ``kind`` with ``params`` (as the API names them) on ``spec`` at ``provider``."""
    del frame  # the frame's shape decides the prepared size when ``size`` is None (api.prepare.choose_size)
    refused = set(learned)
    reasons: list[str] = []
    via_edit = False
    if kind == GENERATION:
        if not spec.supports(GENERATIONS):
            raise PlanError(f"{spec.id} cannot generate pictures.")
        endpoint = GENERATIONS
    elif kind == EDIT:
        if not spec.supports(EDITS):
            raise PlanError(f"{spec.id} cannot edit pictures.")
        endpoint = EDITS
    elif kind == VARIATION:
        has_variations = provider.has_variations if provider.has_variations is not None \
            else spec.supports(VARIATIONS)
        if has_variations and (spec.supports(VARIATIONS) or provider.has_variations):
            endpoint = VARIATIONS
            reasons.append("with /images/variations")
        elif spec.supports(EDITS):
            endpoint, via_edit = EDITS, True
            reasons.append("as an edit of the whole picture")
        else:
            raise PlanError(f"{spec.id} can neither vary nor edit pictures.")
    else:
        raise ValueError(f"unknown kind of request {kind!r}")

    n = max(1, int(params.get("n") or 1))
    fields: dict[str, Any] = {}
    for name in _ENDPOINT_PARAMS[endpoint]:
        value = params.get(name)
        if name == "n" or value in (None, "") or value == _API_DEFAULTS.get(name):
            continue
        if name in refused:
            reasons.append(f"{spec.id} does not take {LABELS.get(name, name)} here: sent without it")
            continue
        if not _takes(spec, name, value):
            if name == "size":
                nearest = _nearest_size(spec, str(value))
                if nearest is not None:
                    reasons.append(f"size {value} is not offered by {spec.id}: {nearest} asked for")
                    fields[name] = nearest
            continue
        fields[name] = value
    if fields.get("background") == "transparent" and fields.get("output_format") == "jpeg":
        del fields["output_format"]  # JPEG has no alpha and the API refuses the pair: PNG (the default) keeps it
        reasons.append("JPEG has no transparency: PNG asked for")
    if spec.returns_urls:
        fields["response_format"] = "b64_json"  # DALL·E answers with expiring URLs otherwise
    stream = (stream_partials and spec.streaming and spec.max_partial_images > 0 and endpoint != VARIATIONS
              and "stream" not in refused)
    per_request = max(1, min(n, spec.max_n, provider.max_n or n))
    if stream:
        fields["stream"] = True
        fields["partial_images"] = min(PARTIAL_IMAGES, spec.max_partial_images)
        per_request = 1  # api.openai.com refuses stream with n > 1: one streamed request per result, in parallel
    fit: Fit | None = None if kind == GENERATION else "crop" if endpoint == VARIATIONS else "pad"
    size = fields.get("size") if kind != GENERATION else None
    return Plan(kind=kind, endpoint=endpoint, model=spec.id, fields=fields, n=n, per_request=per_request, fit=fit,
                size=size, stream=stream, via_edit=via_edit, reasons=tuple(reasons))


_WORDS_RE = re.compile(r"(not support|unsupported|unknown|unrecogni[sz]ed|not allowed|invalid|not accepted|"
                       r"does not take|only supported)", re.IGNORECASE)


def refused_parameter(exc: BaseException, plan: Plan) -> str | None:
    """The parameter of ``plan`` that ``exc`` refuses (by ``param``, or named in the server's words when it sets
    none), or ``None`` when the refusal is about something else (content, key, quota, the picture, ...)."""
    if isinstance(exc, ContentRefusedError) or not isinstance(exc, ImagesAPIError):
        return None
    status = getattr(exc, "status", None)
    if status not in (400, 422):
        return None
    sent = set(plan.fields)
    param = getattr(exc, "param", None)
    if isinstance(exc, ParameterRefusedError) or param:
        if param in sent:
            return param
        if param == "n" and plan.stream:
            return "stream"
    words = getattr(exc, "server_message", None) or ""
    if not _WORDS_RE.search(words):
        return None
    if plan.stream and re.search(r"\bn\s*=\s*1\b|stream", words, re.IGNORECASE):
        return "stream"
    mentioned = [name for name in sent if re.search(rf"\b{re.escape(name)}\b", words)]
    return mentioned[0] if len(mentioned) == 1 else None


def heal(plan: Plan, exc: BaseException, spec: ModelSpec) -> Plan | None:
    """``plan`` without the parameter ``exc`` refuses (a size moves to the nearest the model lists, else the server
    chooses), or ``None`` when the refusal is not about one parameter this plan sent, or when it was healed before."""
    name = refused_parameter(exc, plan)
    if name is None or name in plan.healed:
        return None
    fields = dict(plan.fields)
    label = LABELS.get(name, name)
    if name in ("stream", "partial_images"):
        fields.pop("stream", None)
        fields.pop("partial_images", None)
        note = f"{plan.model} refused partial images here: sent without them"
        return replace(plan, fields=fields, stream=False, healed=(*plan.healed, "stream"),
                       per_request=max(1, min(plan.n, spec.max_n)), reasons=(*plan.reasons, note))
    value = fields.pop(name, None)
    note = f"{plan.model} does not take {label}: sent without it"
    size = plan.size
    if name == "size":
        size = None
        standard = [s for s in spec.sizes if s != value and parse_size(s) is not None]
        if standard and not spec.allows_size("auto"):
            fields["size"] = size = standard[0]
            note = f"{plan.model} refused size {value}: {size} asked for"
        else:
            note = f"{plan.model} refused size {value}: the size was left to the provider"
    return replace(plan, fields=fields, size=size, healed=(*plan.healed, name), reasons=(*plan.reasons, note))


def generate_request(plan: Plan, prompt: str) -> GenerateRequest:
    """The generations request of ``plan``."""
    return GenerateRequest(model=plan.model, prompt=prompt, n=plan.n, **plan.fields)


def edit_request(plan: Plan, prompt: str, images: tuple[ImageFile, ...], mask: ImageFile | None,
                 size: str | None) -> EditRequest:
    """The edits request of ``plan`` with the prepared pictures (``size``: the size they were prepared at)."""
    fields = {k: v for k, v in plan.fields.items() if k != "size"}
    return EditRequest(model=plan.model, prompt=prompt, images=images, mask=mask, n=plan.n, size=size, **fields)


def variation_request(plan: Plan, image: ImageFile, size: str | None) -> VariationRequest:
    """The variations request of ``plan`` with the prepared picture."""
    return VariationRequest(model=plan.model, image=image, n=plan.n, size=size,
                            response_format=plan.fields.get("response_format"), user=plan.fields.get("user"))
