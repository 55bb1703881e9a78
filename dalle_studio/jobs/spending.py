"""What requests cost: an estimate before sending, the month's total, and the limit that stops a request."""

from __future__ import annotations

import time
from typing import Any

from dalle_studio.api.pricing import actual_cost, estimate_cost
from dalle_studio.api.results import Usage
from dalle_studio.core.settings import Setting, Settings, declare
from dalle_studio.jobs.explain import JobRefused

SETTINGS = declare(
    Setting("jobs.spending_limit_usd", float, 0.0, "Monthly spending limit (US$)",
            "Requests that would take this month's spending past this are stopped before they are sent. "
            "0 means no limit.", section="Spending", minimum=0.0, maximum=100_000.0),
    Setting("jobs.spent_usd", float, 0.0, "Spent this month", "Estimated dollars spent this month.",
            visible=False),
    Setting("jobs.spent_month", str, "", "Month of the total", "YYYY-MM of jobs.spent_usd.", visible=False),
)


class Spending:
    """Estimates and records costs through the settings (the total survives restarts)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @staticmethod
    def estimate(model: str, params: dict[str, Any], spec_default_size: str = "1024x1024") -> float | None:
        size = params.get("size")
        return estimate_cost(model, n=int(params.get("n", 1)), size=None if size == "auto" else size,
                             quality=params.get("quality"), default_size=spec_default_size)

    def spent(self) -> float:
        if self.settings.get("jobs.spent_month") != time.strftime("%Y-%m"):
            return 0.0
        return float(self.settings.get("jobs.spent_usd"))

    def limit(self) -> float | None:
        limit = float(self.settings.get("jobs.spending_limit_usd"))
        return limit if limit > 0 else None

    def check(self, model: str, params: dict[str, Any]) -> float | None:
        """The estimate; raises :class:`JobRefused` when the request would pass the monthly limit."""
        estimate = self.estimate(model, params)
        limit = self.limit()
        if limit is not None and estimate is not None and self.spent() + estimate > limit:
            raise JobRefused(
                f"This request (about ${estimate:.2f}) would take this month's spending (${self.spent():.2f}) "
                f"past your limit of ${limit:.2f}.",
                "Raise the limit in Edit > Preferences > Spending, or ask for fewer or cheaper results.")
        return estimate

    def record(self, model: str, usage: Usage | None, params: dict[str, Any], fallback: float | None) -> float | None:
        """Add what a finished request cost to the month's total; returns that cost."""
        size = params.get("size")
        cost = actual_cost(model, usage, n=int(params.get("n", 1)), size=None if size == "auto" else size,
                           quality=params.get("quality"))
        cost = cost if cost is not None else fallback
        if cost:
            total = self.spent() + cost
            self.settings.set("jobs.spent_month", time.strftime("%Y-%m"))
            self.settings.set("jobs.spent_usd", total)
        return cost
