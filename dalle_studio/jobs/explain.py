"""Turning any failure of a job into what the user reads: what happened, and what to do about it.

The api layer's errors carry facts (status, code, param, the server's message); this module alone words them:
a safety refusal as such, a parameter refusal as a parameter problem, anything else with the server's own words.
"""

from __future__ import annotations

import logging
from datetime import date

from dalle_studio.api import errors as e
from dalle_studio.api.catalog import replacement_for
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


CURRENT_MODEL_SUGGESTION = "gpt-image-2"


def _words(exc: e.APIStatusError) -> str:
    """What a provider's refusal or failure means, in the user's words, with the server's own words after."""
    said = f" The provider said: {exc.server_message}" if exc.server_message else ""
    status, param = exc.status, exc.param
    if isinstance(exc, e.ContentRefusedError):
        return "The request was refused by the provider's safety system. Change the prompt or the picture and try " \
               f"again.{said}"
    if isinstance(exc, e.QuotaExhaustedError):
        return "Your API account has run out of credit (insufficient_quota). Add credit or raise the limit in the " \
               f"provider's billing settings; retrying will not help.{said}"
    if isinstance(exc, e.RateLimitError):
        when = f"Wait about {exc.retry_after:.0f} s and try again." if exc.retry_after is not None else \
            "Wait a little and try again."
        return f"The provider is rate limiting this key. {when}{said}"
    if isinstance(exc, e.AuthenticationError):
        return f"The API key was refused (invalid, revoked or missing).{said}"
    if isinstance(exc, e.PermissionDeniedError):
        return f"This key is not allowed to do this (model or organisation not enabled).{said}"
    if isinstance(exc, e.ModelNotFoundError):
        model = exc.model
        name = f"The model {model!r}" if model else "This model"
        suggestion = (replacement_for(model, date.today()) if model else None) or CURRENT_MODEL_SUGGESTION
        return f"{name} is not available from this provider (unknown or shut down). Try a current model such as " \
               f"{suggestion}.{said}"
    if isinstance(exc, e.NotFoundError):
        return f"The provider has no such endpoint or resource (HTTP 404). Check the provider's base URL.{said}"
    if isinstance(exc, e.ParameterRefusedError):
        return f"The provider refused the parameter {param}.{said}"
    if isinstance(exc, e.BadRequestError):
        if exc.code == "invalid_size" or param == "size":
            return f"The size was refused by the provider.{said}"
        if param in {"image", "image[]", "mask"} or (exc.code or "").startswith("invalid_image"):
            return f"The provider refused the {param or 'image'}.{said}"
        return f"The provider refused the request{f' (parameter {param})' if param else ''}.{said}"
    if isinstance(exc, e.InternalServerError):
        return f"The provider failed (HTTP {status}). It may work if you try again later.{said}"
    return f"The provider answered HTTP {status}.{said}"


def _undecodable_words(exc: e.UndecodableImageError) -> str:
    """A picture that does not decode: the provider's fault, what arrived, and where its bytes were kept."""
    count = len(exc.pictures)
    what = "a damaged picture" if count == 1 else f"{count} damaged pictures"
    if exc.kept_at:
        kept = f" The bytes received were kept as {' and '.join(exc.kept_at)}."
    else:
        kept = " The bytes received could not be kept."
    return f"The provider sent {what}. {exc.message}{kept}"


def explain(exc: BaseException) -> JobError:
    """A :class:`JobError` for ``exc``: the api layer's facts in the user's words, and what to do about it."""
    if isinstance(exc, e.APIStatusError) and not isinstance(exc, e.RequestValidationError):
        message = redact(_words(exc))
    elif isinstance(exc, e.UndecodableImageError):
        message = redact(_undecodable_words(exc))
    else:
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
    if isinstance(exc, e.UndecodableImageError):
        return JobError(message, "A fault on the provider's side, not in your picture or prompt: press Retry (it is "
                        "paid for again), or try another model or provider.")
    if isinstance(exc, e.ImagesAPIError):
        return JobError(message, "Press Retry; if it happens again, try another model or provider.")
    log.error("unexpected failure in a job", exc_info=exc)
    return JobError(f"Unexpected error: {message}", "This is a bug in DALL·E Studio; the details are in the log. "
                    "Press Retry to try again.")
