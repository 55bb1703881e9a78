"""Errors of the Images API layer: a small tree like the official SDK's, carrying the facts (status, code, param,
the server's own message); :mod:`dalle_studio.jobs.explain` alone words them for the user.

Public API:

- :class:`ImagesAPIError` — base of everything this layer raises; ``str()`` states what happened (facts).
- :class:`APIError` — the server (or our validation) answered with an error: ``code``, ``param``, ``type``.
- :class:`APIStatusError` — an HTTP error status; subclasses per status: :class:`BadRequestError` (400),
  :class:`AuthenticationError` (401), :class:`PermissionDeniedError` (403), :class:`NotFoundError` (404),
  :class:`ConflictError` (409), :class:`UnprocessableEntityError` (422), :class:`RateLimitError` (429),
  :class:`InternalServerError` (5xx); refinements :class:`ContentRefusedError` (safety system),
  :class:`ModelNotFoundError` (model gone), :class:`QuotaExhaustedError` (out of credit, never retried).
- :class:`RequestValidationError` — a request refused *before* sending (a :class:`BadRequestError` with the
  ``param``/``code`` the real API would answer); the embedded engine answers with it too (:meth:`APIError.to_body`).
- :class:`StreamError` — an ``error`` event inside an SSE stream.
- :class:`APIConnectionError`, :class:`APITimeoutError` — no answer; :class:`APIResponseError` — an answer we
  cannot use (not JSON, truncated, invalid base64, an image URL that fails); :class:`UndecodableImageError` —
  pictures that look like pictures but do not decode (their bytes ride along, to be kept: they were paid for).
- :func:`error_from_response` — ``(status, body, headers)`` → the matching exception.
- :func:`error_from_stream_event` — the ``error`` object of a stream event → the matching exception.
- :func:`parse_wait_seconds` — how long a 429 asks us to wait (headers, then "try again in 6m0s" in the message).

Every message passes through :func:`dalle_studio.core.logs.redact`, so a key a server echoes back never leaks;
``scrub(key)`` removes an exact key of any shape as well (the client does it before an error leaves it). Every
error carries ``attempts``: how many requests were made before giving up.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from dalle_studio.core.logs import redact

REFUSAL_CODES = frozenset({"moderation_blocked", "content_policy_violation", "image_content_policy_violation",
                           "contentFilter", "content_filter", "ResponsibleAIPolicyViolation"})
# Codes of a refusal that names one parameter or value (the request may make sense without it): self-healing.
PARAMETER_CODES = frozenset({"unknown_parameter", "unsupported_parameter", "unsupported_value", "invalid_value",
                             "invalid_size", "integer_above_max_value", "integer_below_min_value"})


class ImagesAPIError(Exception):
    """Base of every error of the API layer. ``str(exc)`` is written for the person using the program."""

    attempts: int = 1  # requests made before giving up (retries included); set by the client

    def __init__(self, message: str) -> None:
        self.message = redact(message)
        super().__init__(self.message)

    def scrub(self, *secrets: str) -> None:
        """Remove these exact secrets too (keys of any shape, e.g. Azure's hex keys, that a server echoed)."""
        self.message = redact(self.message, secrets)
        self.args = (self.message,)


class APIError(ImagesAPIError):
    """The server (or validation on its behalf) refused: carries the OpenAI error fields."""

    status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        type: str | None = None,
        server_message: str | None = None,
        request_id: str | None = None,
        body: object = None,
        model: str | None = None,
    ) -> None:
        super().__init__(message)
        self.model = model  # the model the request named, when known
        self.code = code
        self.param = param
        self.type = type
        self.server_message: str | None = redact(server_message) if server_message else None
        self.request_id = request_id
        self.body = body

    def scrub(self, *secrets: str) -> None:
        super().scrub(*secrets)
        if self.server_message:
            self.server_message = redact(self.server_message, secrets)
        self.body = None  # the raw body may hold the secret too; the fields above keep what is useful

    def to_body(self) -> dict[str, Any]:
        """The error as the API's JSON body: ``{"error": {message, type, param, code}}``."""
        return {"error": {"message": self.server_message or self.message, "type": self.type or "invalid_request_error",
                          "param": self.param, "code": self.code}}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, param={self.param!r}, " \
               f"message={self.message!r})"


class APIStatusError(APIError):
    """An HTTP error status. ``status`` is the HTTP status; ``headers`` the response headers (lower-case keys)."""

    def __init__(self, message: str, *, status: int, headers: Mapping[str, str] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.status = status
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}


class BadRequestError(APIStatusError):
    """400: the request breaks a rule (size, image, parameter)."""


class ContentRefusedError(BadRequestError):
    """400: the provider's safety system refused the prompt or the picture."""


class ParameterRefusedError(BadRequestError):
    """400: the provider refused one parameter or value, named by ``param`` (e.g. ``input_fidelity`` on
    gpt-image-2, ``response_format`` on GPT Image models): the request may go again without it."""


class RequestValidationError(BadRequestError):
    """Refused before sending: the request breaks a rule of its model. Nothing was sent."""

    def __init__(self, message: str, *, param: str | None, code: str | None = "invalid_value",
                 type: str = "invalid_request_error") -> None:
        super().__init__(message, status=400, param=param, code=code, type=type, server_message=message)


class AuthenticationError(APIStatusError):
    """401: the key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this model or endpoint (for example an unverified organisation)."""


class NotFoundError(APIStatusError):
    """404: no such endpoint or model here."""


class ModelNotFoundError(NotFoundError):
    """The model is unknown to the provider or has been shut down."""


class ConflictError(APIStatusError):
    """409: a conflict on the provider's side (retried)."""


class UnprocessableEntityError(APIStatusError):
    """422: the provider understood the request but cannot process it."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` says how long to wait (seconds) when known."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class QuotaExhaustedError(RateLimitError):
    """429 ``insufficient_quota``: out of credit. Never retried; the user must act."""


class InternalServerError(APIStatusError):
    """5xx: the provider failed (retried)."""


class StreamError(APIError):
    """An ``error`` event inside a stream of partial images."""


class APIConnectionError(ImagesAPIError):
    """No usable answer: the connection failed or dropped mid-way."""


class APITimeoutError(APIConnectionError):
    """The provider did not answer in time."""


class APIResponseError(ImagesAPIError):
    """The provider answered, but with something we cannot use (not JSON, truncated, invalid image data)."""


class UndecodableImageError(APIResponseError):
    """The provider's answer held pictures that look like pictures (a PNG, JPEG or WebP signature) but do not
    decode: junk after the signature, or a file cut short. The provider's fault, and paid for: ``pictures`` holds
    the bytes received (one per undecodable image) so the caller can keep them; ``kept_at`` is where the caller
    kept them (set by the caller, for the message the user reads). Never retried."""

    def __init__(self, message: str, *, pictures: tuple[bytes, ...], reason: str = "") -> None:
        super().__init__(message)
        self.pictures = pictures
        self.reason = reason
        self.kept_at: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"UndecodableImageError({len(self.pictures)} picture(s), message={self.message!r})"


_CLASS_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
    409: ConflictError, 422: UnprocessableEntityError, 429: RateLimitError,
}

_TRY_AGAIN_RE = re.compile(r"try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)", re.IGNORECASE)
_DURATION_PART_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _parse_duration(text: str) -> float:
    return sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART_RE.findall(text))


def parse_wait_seconds(headers: Mapping[str, str], message: str = "", *, now: float | None = None) -> float | None:
    """Seconds a rate-limited caller should wait: ``retry-after-ms``, ``retry-after`` (seconds or HTTP date),
    then "Please try again in 1m30s" in the message; ``None`` when nothing says."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lower:
            return max(0.0, float(lower["retry-after-ms"]) / 1000)
    except ValueError:
        pass
    if "retry-after" in lower:
        value = lower["retry-after"].strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - (time.time() if now is None else now))
    match = _TRY_AGAIN_RE.search(message or "")
    return _parse_duration(match.group(1)) if match else None


def _facts_message(status: int, code: str | None, param: str | None, server_message: str) -> str:
    """What the provider answered, as facts (``HTTP 400 invalid_size (param size): Invalid size``). The words a
    person reads are :func:`dalle_studio.jobs.explain.explain`'s business."""
    what = f"HTTP {status}" + (f" {code}" if code else "") + (f" (param {param})" if param else "")
    return f"{what}: {server_message}" if server_message else what


def _is_parameter_refusal(code: str | None, param: str | None) -> bool:
    """A 400 naming one parameter: by its code (``invalid_*_model``, ``unknown_parameter``, ...) with a ``param``."""
    if param is None or param in {"prompt", "image", "image[]", "mask"}:
        return False
    return code is None or code in PARAMETER_CODES or (code.startswith("invalid_") and code.endswith("_model"))


def _pick_class(status: int, code: str | None, err_type: str | None, param: str | None = None
                ) -> type[APIStatusError]:
    if code in REFUSAL_CODES:
        return ContentRefusedError
    if status == 400 and _is_parameter_refusal(code, param):
        return ParameterRefusedError
    # ``image_generation_user_error`` is the type of every refusal of GPT Image models, parameter ones included
    # (§0): only one that names no parameter is the safety system's.
    if err_type == "image_generation_user_error" and param is None and code is None:
        return ContentRefusedError
    if code == "insufficient_quota" or err_type == "insufficient_quota":
        return QuotaExhaustedError
    if code == "model_not_found":
        return ModelNotFoundError
    if status >= 500:
        return InternalServerError
    return _CLASS_BY_STATUS.get(status, APIStatusError)


def error_from_response(status: int, body: bytes | bytearray | str | Mapping[str, Any] | None,
                        headers: Mapping[str, str] | None = None, *, model: str | None = None) -> APIStatusError:
    """The exception for an error response, like the SDK's ``_make_status_error``: reads ``body["error"]`` (or the
    whole body), copies code/param/type, and picks a class by status and code. Works on HTML or empty bodies too."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    parsed: object = body
    if isinstance(body, bytes | bytearray | str):
        try:
            parsed = json.loads(body)
        except ValueError:
            text = body.decode("utf-8", "replace") if not isinstance(body, str) else body
            parsed = text
    err: Mapping[str, Any] = {}
    if isinstance(parsed, Mapping):
        inner = parsed.get("error", parsed)
        err = inner if isinstance(inner, Mapping) else {"message": str(inner)}
    code = err.get("code") if isinstance(err.get("code"), str) else None
    param = err.get("param") if isinstance(err.get("param"), str) else None
    err_type = err.get("type") if isinstance(err.get("type"), str) else None
    raw_message = err.get("message")
    server_message: str = raw_message if isinstance(raw_message, str) else ""
    if not err and isinstance(parsed, str):
        server_message = _summarise_text(parsed)
    cls = _pick_class(status, code, err_type, param)
    wait = parse_wait_seconds(headers, server_message) if issubclass(cls, RateLimitError) else None
    message = _facts_message(status, code, param, server_message)
    kw: dict[str, Any] = dict(status=status, headers=headers, code=code, param=param, type=err_type,
                              server_message=server_message or None, request_id=headers.get("x-request-id"),
                              body=parsed, model=model)
    if issubclass(cls, RateLimitError):
        return cls(message, retry_after=wait, **kw)
    return cls(message, **kw)


def error_from_stream_event(data: Mapping[str, Any], *, model: str | None = None) -> APIError:
    """The exception for an ``error`` event inside a stream (the SDK raises on any truthy ``error`` key)."""
    inner = data.get("error", data)
    err: Mapping[str, Any] = inner if isinstance(inner, Mapping) else {"message": str(inner)}
    code = err.get("code") if isinstance(err.get("code"), str) else None
    server_message = str(err.get("message") or "")
    if code in REFUSAL_CODES or (err.get("type") == "image_generation_user_error" and not err.get("param")):
        return error_from_response(400, {"error": dict(err)}, model=model)
    return StreamError(
        f"The provider reported an error while streaming the result.{' ' + server_message if server_message else ''}",
        code=code, param=err.get("param") if isinstance(err.get("param"), str) else None,
        type=err.get("type") if isinstance(err.get("type"), str) else None,
        server_message=server_message or None, body=dict(data),
    )


def _summarise_text(text: str, limit: int = 200) -> str:
    """A short, readable excerpt of a non-JSON error body (an HTML error page becomes its visible text)."""
    stripped = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.S | re.I)
    stripped = re.sub(r"<[^>]+>", " ", stripped)
    stripped = " ".join(stripped.split())
    return stripped[:limit] + ("…" if len(stripped) > limit else "")
