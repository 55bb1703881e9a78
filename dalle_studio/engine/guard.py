"""ASGI middleware in front of every route: who may ask (Host, Origin), the bearer token and the request size limit.

A web page the user visits must not be able to drive the engine: it answers only requests addressed to a loopback
name (``Host: 127.0.0.1``, ``localhost`` or ``[::1]``, any port; others only when configured), so a DNS-rebound name
gets a 403, and refuses cross-origin requests (an ``Origin`` that is not loopback, or a browser's
``Sec-Fetch-Site: cross-site``), which is what a form post from another site carries.

Result URLs (``/v1/results/...``) are exempt from the token: their unguessable name is the credential, as with the
signed URLs of the real API.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dalle_studio.engine.forms import BodyTooLarge

PUBLIC_PREFIX = "/v1/results/"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _error_bytes(message: str, code: str | None, param: str | None = None) -> bytes:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}
    return json.dumps(body).encode()


class Guard:
    """Refuses requests without ``Authorization: Bearer <token>`` (when a token is set) with a 401, and bodies over
    ``max_body_bytes`` with a 413, both in OpenAI's error shape."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body_bytes: int,
                 allowed_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode() if token else None
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = frozenset(h.lower().strip("[]") for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        refusal = self._refusal(headers)
        if refusal is not None:
            await _reply(send, 403, _error_bytes(refusal, "forbidden_origin"))
            return
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
        await self.app(scope, self._counting(receive), _with_request_id(send))

    def _refusal(self, headers: dict[bytes, bytes]) -> str | None:
        """Why a request must not be answered (its Host or Origin), or ``None``."""
        host = _host_name(headers.get(b"host", b"").decode("latin-1"))
        if not (_is_loopback(host) or "*" in self.allowed_hosts or host in self.allowed_hosts):
            return (f"The engine answers only requests addressed to 127.0.0.1, localhost or [::1], not {host!r} "
                    "(start it with --allow-host to add a name).")
        origin = headers.get(b"origin")
        if origin is not None:
            origin_host = _host_name(urlsplit(origin.decode("latin-1")).netloc)
            if not (_is_loopback(origin_host) or origin_host in self.allowed_hosts):
                return "The engine does not answer requests from web pages of other sites (cross-origin)."
        if headers.get(b"sec-fetch-site", b"").lower() == b"cross-site":
            return "The engine does not answer requests from web pages of other sites (cross-site)."
        return None

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


def _host_name(authority: str) -> str:
    """The name in a ``Host`` value or an origin's ``netloc``, without port or brackets, lower-case."""
    authority = authority.strip().lower().rpartition("@")[2]
    if authority.startswith("["):
        return authority[1:].partition("]")[0]
    name, _, _port = authority.partition(":") if authority.count(":") == 1 else (authority, "", "")
    return name.rstrip(".")


def _is_loopback(name: str) -> bool:
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _with_request_id(send: Send) -> Send:
    """Adds ``x-request-id`` to the response, as the real API does (the SDK shows it as ``request_id``)."""
    request_id = f"req_{secrets.token_hex(16)}".encode()

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id)]}
        await send(message)

    return sending


async def _reply(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
