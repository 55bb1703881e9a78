"""Errors the engine answers with: the API layer's error classes, sent as OpenAI's JSON error body.

Validation errors come from :mod:`dalle_studio.api.validation` already carrying ``param`` and ``code``; this module
adds the engine's own refusals (auth, size limits, broken pictures, no text-to-image) in the same shape.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from dalle_studio.api.errors import APIError, APIStatusError


def engine_error(
    status: int, message: str, *, param: str | None = None, code: str | None = None,
    type: str = "invalid_request_error",
) -> APIStatusError:
    """An error with the fields of OpenAI's body; raise it from a handler and the server answers with it."""
    return APIStatusError(message, status=status, param=param, code=code, type=type, server_message=message)


def invalid_image(message: str, param: str = "image", code: str = "invalid_image_file") -> APIStatusError:
    """400 for a picture the engine cannot use (unreadable, too many pixels, wrong mode)."""
    return engine_error(400, message, param=param, code=code)


def error_response(exc: APIError, headers: dict[str, str] | None = None) -> JSONResponse:
    """``{"error": {"message", "type", "param", "code"}}`` with the error's status (400 when it has none)."""
    return JSONResponse(exc.to_body(), status_code=exc.status or 400, headers=headers)
