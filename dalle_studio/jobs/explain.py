"""Turning any failure of a job into what the user reads: what happened, and what to do about it."""

from __future__ import annotations

import logging

from dalle_studio.api import errors as e
from dalle_studio.core.logs import redact
from dalle_studio.jobs.job import JobError

log = logging.getLogger(__name__)


class JobRefused(Exception):
    """The app itself refused to send (no key, spending limit, nothing to send); ``str()`` is for the user."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class RefusedAfterHealing(Exception):
    """The provider refused again after a refused parameter was left out: nothing more is sent."""

    def __init__(self, error: BaseException, healed: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.healed = healed


def explain(exc: BaseException) -> JobError:
    """A :class:`JobError` for ``exc``; the message comes from the API layer, which writes for people."""
    message = redact(str(exc)) or type(exc).__name__
    if isinstance(exc, JobRefused):
        return JobError(message, exc.hint, retryable=False)
    if isinstance(exc, RefusedAfterHealing):
        inner = explain(exc.error)
        return JobError(f"{inner.message} (The request had already been sent again after a refusal: "
                        f"{exc.healed}.)", inner.hint or "Nothing more was sent. Try another model or provider.",
                        retryable=False)
    if isinstance(exc, e.RequestValidationError):
        return JobError(message, "Change that setting in the prompt panel, then run again.", retryable=False)
    if isinstance(exc, e.ParameterRefusedError):
        return JobError(message, f"A parameter problem, not the prompt: change or reset {exc.param} in the prompt "
                        "panel, or choose another model.", retryable=False)
    if isinstance(exc, e.ContentRefusedError):
        return JobError(message, "Rephrase the prompt or change the picture; this exact request will be refused "
                        "again.", retryable=False)
    if isinstance(exc, e.AuthenticationError):
        return JobError(message, "Check the API key in Edit > Providers and API keys (or choose the embedded engine).",
                        retryable=False)
    if isinstance(exc, e.PermissionDeniedError):
        return JobError(message, "This key may not use this model: check the organisation's access on the "
                        "provider's site, or choose another model.", retryable=False)
    if isinstance(exc, e.QuotaExhaustedError):
        return JobError(message, "Add credit on the provider's billing page, or use the embedded engine for fills.",
                        retryable=False)
    if isinstance(exc, e.RateLimitError):
        wait = f" in about {exc.retry_after:.0f} s" if exc.retry_after else " in a moment"
        return JobError(message, f"The provider is busy: press Retry{wait}.")
    if isinstance(exc, e.NotFoundError):
        return JobError(message, "Choose another model in the prompt panel.", retryable=False)
    if isinstance(exc, e.BadRequestError):
        return JobError(message, "Change the request and run again.", retryable=False)
    if isinstance(exc, e.InternalServerError):
        return JobError(message, "The provider failed on its side: press Retry in a moment.")
    if isinstance(exc, e.APITimeoutError):
        return JobError(message, "The provider took too long: press Retry, or ask for fewer or smaller results.")
    if isinstance(exc, e.APIConnectionError):
        return JobError(message, "Check the network connection, then press Retry.")
    if isinstance(exc, e.ImagesAPIError):
        return JobError(message, "Press Retry; if it happens again, try another model or provider.")
    log.error("unexpected failure in a job", exc_info=exc)
    return JobError(f"Unexpected error: {message}", "This is a bug in DALL·E Studio; the details are in the log. "
                    "Press Retry to try again.")
