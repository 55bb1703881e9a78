"""What providers refused: per provider and model, the parameters to leave out from now on (self-healing memory).

Kept in the settings (``api.learned_refusals``) so it survives restarts; shown under the model list and in the
providers dialog, where it can be forgotten.
"""

from __future__ import annotations

from dalle_studio.api.plan import LABELS
from dalle_studio.core.settings import Setting, Settings, declare

SETTINGS = declare(
    Setting("api.learned_refusals", dict, {}, "Learned refusals",
            "Parameters a provider refused for a model; they are no longer offered nor sent.", visible=False),
)
_SEP = "\t"


class LearnedRefusals:
    """A view of ``api.learned_refusals``: ``{"provider<TAB>model": [param, ...]}``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def of(self, provider: str, model: str) -> tuple[str, ...]:
        return tuple(self.settings.get("api.learned_refusals").get(f"{provider}{_SEP}{model}", ()))

    def learn(self, provider: str, model: str, param: str) -> None:
        table = self.settings.get("api.learned_refusals")
        key = f"{provider}{_SEP}{model}"
        if param not in table.get(key, []):
            table[key] = [*table.get(key, []), param]
            self.settings.set("api.learned_refusals", table)

    def all(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(provider, model, params) for every model something was learned for."""
        out = []
        for key, params in sorted(self.settings.get("api.learned_refusals").items()):
            provider, _, model = key.partition(_SEP)
            out.append((provider, model, tuple(params)))
        return out

    def forget(self, provider: str | None = None, model: str | None = None) -> None:
        """Forget what was learned for one provider and model, one provider, or (no arguments) everything."""
        table = self.settings.get("api.learned_refusals")
        kept = {}
        for key, params in table.items():
            p, _, m = key.partition(_SEP)
            if (provider is None or p == provider) and (model is None or m == model):
                continue
            kept[key] = params
        self.settings.set("api.learned_refusals", kept)


def describe(params: tuple[str, ...]) -> str:
    """The refused parameters as the form names them ("Quality, Fidelity")."""
    return ", ".join(LABELS.get(name, name) for name in params)
