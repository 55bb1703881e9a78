"""ASGI middleware in front of every route: the bearer token and the request size limit.

Result URLs (``/v1/results/...``) are exempt from the token: their unguessable name is the credential, as with the
signed URLs of the real API.
"""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dalle_studio.engine.forms import BodyTooLarge

PUBLIC_PREFIX = "/v1/results/"


def _error_bytes(message: str, code: str | None, param: str | None = None) -> bytes:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}
    return json.dumps(body).encode()


class Guard:
    """Refuses requests without ``Authorization: Bearer <token>`` (when a token is set) with a 401, and bodies over
    ``max_body_bytes`` with a 413, both in OpenAI's error shape."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body_bytes: int) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode() if token else None
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if self.expected is not None and not scope["path"].startswith(PUBLIC_PREFIX):
            given = headers.get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                message = ("You didn't provide an API key. Send the engine's token as 'Authorization: Bearer TOKEN'."
                           if not given else "Incorrect API key provided: the engine's token does not match.")
                await _reply(send, 401, _error_bytes(message, "invalid_api_key"))
                return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await _reply(send, 413, _error_bytes(self._too_large_message(), "request_too_large"))
            return
        await self.app(scope, self._counting(receive), send)

    def _too_large_message(self) -> str:
        return f"The request body is larger than the engine's limit of {self.max_body_bytes // (1024 * 1024)} MB."

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise BodyTooLarge(self._too_large_message())
            return message

        return counted


async def _reply(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
