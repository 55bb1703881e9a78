"""What the next request asks for: the prompt, the provider, the model and the parameters the artist chose.

The one home of these: the prompt panel and its parameter form show this model and write into it (as the canvas
toolbar does with ``CanvasTools``), autosave and recovery read and restore the prompt here, the gallery's recall
sets it. What is sent (:meth:`RequestModel.parameters`) follows from the model's facts, what the provider refused
for it, and the artist's choices; never from which form rows happen to be visible.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal

from dalle_studio.api.catalog import ModelChoice, replacement_for
from dalle_studio.api.models import ModelSpec
from dalle_studio.api.plan import offered_parameters
from dalle_studio.jobs.refusals import LearnedRefusals

DEFAULT_N = 2
# The value a parameter takes until the artist chooses one ("" = not sent: the server's default applies).
_DEFAULTS = {"quality": "auto", "background": "auto", "output_format": "png", "moderation": "auto",
             "input_fidelity": "", "complexity": ""}
# Parameters whose "not sent" choice is offered as a value of its own ("Default").
OPTIONAL = ("input_fidelity", "complexity")


def max_results(spec: ModelSpec) -> int:
    """The most results one run may ask for: the model's own limit, or 10 when it makes one per request (those
    are sent in parallel)."""
    return spec.max_n if spec.max_n > 1 else 10


class RequestModel(QObject):
    """The request being composed. ``changed`` carries what changed: "prompt", "provider", "models" (the list of
    models offered), "model" (the chosen model, or what was learned for it) or "parameters"."""

    changed = Signal(str)

    def __init__(self, refusals: LearnedRefusals, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._refusals = refusals
        self._prompt = ""
        self._provider = ""
        self._choices: list[ModelChoice] = []
        self._model: ModelChoice | None = None
        self._chosen: dict[str, Any] = {"n": DEFAULT_N}  # the artist's choices, kept across models
        # The engine's seed of a recalled result: the next run sends it (and repeats the result), then forgets it.
        self.recalled_seed: int | None = None
        refusals.settings.subscribe(self._on_setting)

    def _on_setting(self, key: str, _value: object) -> None:
        if key == "api.learned_refusals":  # learned or forgotten: what is offered (and sent) follows
            self.changed.emit("model")

    # -- prompt -----------------------------------------------------------------------------------------------
    @property
    def prompt(self) -> str:
        return self._prompt

    def set_prompt(self, prompt: str) -> None:
        if prompt != self._prompt:
            self._prompt = prompt
            self.changed.emit("prompt")

    # -- provider and model -----------------------------------------------------------------------------------
    @property
    def provider(self) -> str:
        return self._provider

    def set_provider(self, name: str) -> None:
        if name != self._provider:
            self._provider = name
            self.changed.emit("provider")

    @property
    def choices(self) -> list[ModelChoice]:
        return list(self._choices)

    def set_choices(self, choices: list[ModelChoice], current: str | None) -> None:
        """The models offered (by the provider's list); ``current`` is chosen when offered, else the first."""
        self._choices = list(choices)
        self.changed.emit("models")
        chosen = next((c for c in self._choices if c.id == current), self._choices[0] if self._choices else None)
        self._model = chosen
        self.changed.emit("model")

    @property
    def model(self) -> ModelChoice | None:
        return self._model

    def index_of(self, model_id: str) -> int:
        return next((i for i, c in enumerate(self._choices) if c.id == model_id), -1)

    def set_model(self, model_id: str) -> bool:
        """Choose an offered model; False when it is not offered."""
        index = self.index_of(model_id)
        if index < 0:
            return False
        if self._model is None or self._model.id != model_id:
            self._model = self._choices[index]
            self.changed.emit("model")
        return True

    def learned(self) -> tuple[str, ...]:
        """What the provider refused for the chosen model (no longer offered nor sent)."""
        return self._refusals.of(self._provider, self._model.id) if self._model is not None else ()

    def offered(self) -> dict[str, tuple[str, ...]]:
        """The parameters the chosen model takes (less those learned), each with its values."""
        if self._model is None:
            return {}
        return offered_parameters(self._model.spec, "any", self.learned())

    # -- parameters -------------------------------------------------------------------------------------------
    def set_parameter(self, name: str, value: Any) -> None:
        if self._chosen.get(name) != value:
            self._chosen[name] = value
            self.changed.emit("parameters")

    def apply(self, values: dict[str, Any]) -> None:
        """Set the parameters named in ``values`` (a recalled image's), as if chosen; empty ones are skipped."""
        changed = False
        self.recalled_seed = values.get("seed")
        for name, value in values.items():
            if name == "seed" or value in (None, ""):
                continue
            if name == "n":
                if not (isinstance(value, int) or str(value).isdigit()):
                    continue
                value = int(value)
            if self._chosen.get(name) != value:
                self._chosen[name] = value
                changed = True
        if changed:
            self.changed.emit("parameters")

    def value(self, name: str) -> Any:
        """The value ``name`` takes with the chosen model: the artist's choice where the model takes it, else
        the default ("" = not sent)."""
        spec = self._model.spec if self._model is not None else None
        chosen = self._chosen.get(name)
        if name == "n":
            n = int(chosen or DEFAULT_N)
            return max(1, min(n, max_results(spec))) if spec is not None else n
        if spec is None:
            return chosen or ""
        allowed = self.offered().get(name, ())
        if name == "size":
            if chosen and (chosen in spec.sizes or spec.size_rule is not None):
                return chosen
            return spec.default_size if spec.default_size in spec.sizes or spec.size_rule else \
                (spec.sizes[0] if spec.sizes else "")
        if chosen is not None and (chosen in allowed or (chosen == "" and name in OPTIONAL)):
            return chosen
        default = _DEFAULTS.get(name, "")
        if default in allowed or name in OPTIONAL:
            return default
        return allowed[0] if allowed else ""

    def parameters(self) -> dict[str, Any]:
        """The parameters to send, as the API names them: what the chosen model takes, valued (empty left out)."""
        params: dict[str, Any] = {"n": self.value("n")}
        for name in self.offered():
            if name != "n":
                value = self.value(name)
                if value not in (None, ""):
                    params[name] = value
        if self.recalled_seed is not None:
            params["seed"] = self.recalled_seed
        return params

    # -- recall -----------------------------------------------------------------------------------------------
    def recall(self, prompt: str, model: str = "", params: dict[str, Any] | None = None) -> str:
        """Put back a prompt and, where the provider offers them, its model and parameters (the gallery's recall,
        Run again). A model no longer offered because it was retired is recalled as its replacement; returns what
        was said about it ("" when nothing)."""
        self.set_prompt(prompt)
        said = ""
        if model and not self.set_model(model):
            replacement = replacement_for(model, date.today())
            if replacement is not None and self.set_model(replacement):
                said = f"{model} is retired: recalled with {replacement}."
        if params:
            self.apply(params)
        return said
