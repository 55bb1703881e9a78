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
        self._reserved: dict[int, float] = {}  # job id -> estimate, while the job is queued or running

    @staticmethod
    def estimate(model: str, params: dict[str, Any], spec_default_size: str = "1024x1024", *,
                 partial_images: int = 0) -> float | None:
        size = params.get("size")
        return estimate_cost(model, n=int(params.get("n", 1)), size=None if size == "auto" else size,
                             quality=params.get("quality"), default_size=spec_default_size,
                             partial_images=partial_images)

    def reserve(self, job_id: int, estimate: float | None) -> None:
        """Count ``estimate`` against the limit until :meth:`release` (the job ended)."""
        if estimate:
            self._reserved[job_id] = estimate

    def release(self, job_id: int) -> None:
        self._reserved.pop(job_id, None)

    def pending(self) -> float:
        """Dollars of jobs queued or running."""
        return sum(self._reserved.values())

    def spent(self) -> float:
        if self.settings.get("jobs.spent_month") != time.strftime("%Y-%m"):
            return 0.0
        return float(self.settings.get("jobs.spent_usd"))

    def limit(self) -> float | None:
        limit = float(self.settings.get("jobs.spending_limit_usd"))
        return limit if limit > 0 else None

    def check(self, model: str, params: dict[str, Any], *, partial_images: int = 0) -> float | None:
        """The estimate; raises :class:`JobRefused` when the request, with the jobs still queued or running,
        would pass the monthly limit."""
        estimate = self.estimate(model, params, partial_images=partial_images)
        limit = self.limit()
        committed = self.spent() + self.pending()
        if limit is not None and estimate is not None and committed + estimate > limit:
            waiting = f" and ${self.pending():.2f} for jobs still running" if self.pending() else ""
            raise JobRefused(
                f"This request (about ${estimate:.2f}) would take this month's spending (${self.spent():.2f}"
                f"{waiting}) past your limit of ${limit:.2f}.",
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
