"""A small Images API server on loopback for the tests: a stdlib ThreadingHTTPServer started once per session.

It answers like the real API by default (b64 PNGs, or URLs it serves itself for ``response_format=url``), records
every request (method, path, query, headers, JSON or multipart fields and files), and can be scripted per test
with actions for the next requests: any status and body, dropped connections, slow answers, SSE streams.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image

from . import openai_today


def tiny_png(colour: tuple[int, int, int, int] = (200, 40, 40, 255), size: tuple[int, int] = (8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", size, colour).save(buf, "PNG")
    return buf.getvalue()


PNG = tiny_png()
PNG_B64 = base64.b64encode(PNG).decode()


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    fields: list[tuple[str, str]] = field(default_factory=list)  # multipart text fields, in order
    files: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # (field, filename, type, data)

    def field_names(self) -> list[str]:
        return [n for n, _ in self.fields] + [f[0] for f in self.files]

    def form(self) -> dict[str, str]:
        return dict(self.fields)


Action = Callable[["Handler", Recorded], None]


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.actions: deque[Action] = deque()
        self.requests: list[Recorded] = []
        self.delay = 0.0  # seconds every default answer waits
        self.events: list[tuple[str, float]] = []  # (what, time.monotonic()) notes from handlers
        self.in_flight = 0
        self.max_in_flight = 0  # most requests answered at the same time
        self.openai_today = False  # refuse what api.openai.com refuses today (openai_today.py), per model

    def reset(self) -> None:
        with self.lock:
            self.actions.clear()
            self.requests.clear()
            self.events.clear()
            self.delay = 0.0
            self.in_flight = self.max_in_flight = 0
            self.openai_today = False

    def then(self, *actions: Action) -> None:
        with self.lock:
            self.actions.extend(actions)

    def api_requests(self) -> list[Recorded]:
        return [r for r in self.requests if not r.path.startswith("/files/")]


def parse_multipart(content_type: str, body: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, bytes]]]:
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields, files = [], []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True)
        if filename is not None:
            files.append((name, filename, part.get_content_type(), payload))
        else:
            fields.append((name, payload.decode("utf-8")))
    return fields, files


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State  # set on the server's subclass

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    # --- helpers used by actions ---
    def send_bytes(self, status: int, body: bytes, content_type: str = "application/json",
                   headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(payload).encode(), headers=headers)

    # --- dispatch ---
    def _record(self) -> Recorded:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        rec = Recorded(self.command, url.path, parse_qs(url.query), {k.lower(): v for k, v in self.headers.items()},
                       body)
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("application/json") and body:
            rec.json = json.loads(body)
        elif ctype.startswith("multipart/form-data"):
            rec.fields, rec.files = parse_multipart(ctype, body)
        return rec

    def _handle(self) -> None:
        rec = self._record()
        with self.state.lock:
            self.state.requests.append(rec)
            action = self.state.actions.popleft() if self.state.actions and not rec.path.startswith("/files/") \
                else None
        if action is not None:
            action(self, rec)
        else:
            default_answer(self, rec)

    do_GET = do_POST = _handle


def default_answer(h: Handler, rec: Recorded) -> None:
    if rec.path.startswith("/files/"):
        h.send_bytes(200, PNG, "image/png")
        return
    if rec.path.endswith("/models") and h.state.openai_today:
        h.send_json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in openai_today.LIVE]
                          + [{"id": "gpt-4o", "object": "model"}, {"id": "whisper-1", "object": "model"}]})
        return
    if rec.path.endswith("/models"):
        h.send_json(200, {"object": "list", "data": [
            {"id": "gpt-image-1", "object": "model"}, {"id": "gpt-image-1.5", "object": "model",
                                                       "shutdown_date": "2026-12-01"},
            {"id": "dall-e-3", "object": "model", "shutdown_date": "2026-05-12"},
            {"id": "gpt-4o", "object": "model"}, {"id": "gpt-image-3-preview", "object": "model"}]})
        return
    delay = h.state.delay
    if delay:
        with h.state.lock:
            h.state.in_flight += 1
            h.state.max_in_flight = max(h.state.max_in_flight, h.state.in_flight)
        time.sleep(delay)
        with h.state.lock:
            h.state.in_flight -= 1
    params: dict[str, Any] = rec.json if rec.json is not None else rec.form()
    n = int(params.get("n", 1))
    model = str(params.get("model", ""))
    if h.state.openai_today:
        refused = openai_today.refusal(rec.path, params)
        if refused is not None:
            h.send_json(*refused)
            return
    real_usage = openai_today.usage(params, n, image_inputs=len(rec.files)) if h.state.openai_today else None
    if str(params.get("stream", "")).lower() == "true":
        sse_answer(n_partials=int(params.get("partial_images", 0)), kind="image_edit" if "edits" in rec.path
                   else "image_generation", usage=real_usage)(h, rec)
        return
    if params.get("response_format", "url" if model.startswith("dall-e") else "b64_json") == "url":
        port = h.server.server_address[1]
        data = [{"url": f"http://127.0.0.1:{port}/files/{i}.png"} for i in range(n)]
    else:
        data = [{"b64_json": PNG_B64} for _ in range(n)]
    if model == "dall-e-3":
        for d in data:
            d["revised_prompt"] = "A revised prompt"
    payload: dict[str, Any] = {"created": 1_800_000_000, "data": data}
    if not model.startswith("dall-e"):
        payload.update(size="1024x1024", quality="high", background="opaque", output_format="png",
                       usage=real_usage or {"input_tokens": 50, "output_tokens": 4160 * n,
                                            "total_tokens": 50 + 4160 * n,
                                            "input_tokens_details": {"text_tokens": 10, "image_tokens": 40}})
    h.send_json(200, payload)


# --- scripted actions -------------------------------------------------------------------------------------------

def reply(status: int, body: Any = None, headers: dict[str, str] | None = None,
          content_type: str = "application/json") -> Action:
    def act(h: Handler, rec: Recorded) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else {}).encode()
        h.send_bytes(status, raw, content_type, headers)
    return act


def api_error(status: int, code: str | None, message: str = "Something went wrong.", *,
              type_: str = "invalid_request_error", param: str | None = None,
              headers: dict[str, str] | None = None) -> Action:
    return reply(status, {"error": {"message": message, "type": type_, "param": param, "code": code}}, headers)


def drop_mid_body() -> Action:
    def act(h: Handler, rec: Recorded) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "5000")
        h.end_headers()
        h.wfile.write(b'{"created": 1, "data": [{"b64_json": "iVBOR')
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(2)
    return act


def slow(seconds: float, then: Action | None = None) -> Action:
    def act(h: Handler, rec: Recorded) -> None:
        time.sleep(seconds)
        (then or default_answer)(h, rec)
    return act


def wait_for_disconnect(limit: float = 5.0) -> Action:
    """Hold the request open and note when the client closes the connection."""
    def act(h: Handler, rec: Recorded) -> None:
        h.connection.settimeout(limit)
        try:
            while h.connection.recv(1):
                pass
        except OSError:
            pass
        h.state.events.append(("disconnected", time.monotonic()))
        h.close_connection = True
    return act


def sse_events(events: list[tuple[str, Any]], *, pause: float = 0.0) -> Action:
    def act(h: Handler, rec: Recorded) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-cache")
        h.end_headers()
        for event, data in events:
            chunk = f"event: {event}\ndata: {json.dumps(data) if not isinstance(data, str) else data}\n\n"
            h.wfile.write(chunk.encode())
            h.wfile.flush()
            h.state.events.append((f"sent {event}", time.monotonic()))
            if pause:
                time.sleep(pause)
        h.close_connection = True
    return act


def sse_answer(n_partials: int = 2, kind: str = "image_generation", pause: float = 0.0,
               usage: dict[str, Any] | None = None) -> Action:
    common = {"created_at": 1_800_000_000, "size": "1024x1024", "quality": "high", "background": "opaque",
              "output_format": "png"}
    events: list[tuple[str, Any]] = [
        (f"{kind}.partial_image", {"type": f"{kind}.partial_image", "b64_json": base64.b64encode(
            tiny_png((i * 80, 0, 0, 255))).decode(), "partial_image_index": i, **common}) for i in range(n_partials)]
    events.append((f"{kind}.completed", {"type": f"{kind}.completed", "b64_json": PNG_B64, **common,
                                         "usage": usage or {"input_tokens": 5, "output_tokens": 272,
                                                            "total_tokens": 277, "input_tokens_details": {
                                                                "text_tokens": 5, "image_tokens": 0}}}))
    return sse_events(events, pause=pause)


class QuietServer(ThreadingHTTPServer):
    request_queue_size = 64  # the default backlog of 5 drops simultaneous connects (1 s SYN retry)
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out or cancel leave broken pipes behind: expected here


def start_server() -> tuple[ThreadingHTTPServer, State]:
    state = State()
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, state


def reset_connection() -> Action:
    """Read the request, then reset the connection (a RST, as a crashed proxy or a dropped NAT entry does)."""
    def act(h: Handler, rec: Recorded) -> None:
        import socket
        import struct

        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()
    return act


def trickle(every: float, body: bytes | None = None) -> Action:
    """Answer 200 at once, then send the body one byte every ``every`` seconds (a stalled or hostile provider);
    stops when the client goes away."""
    def act(h: Handler, rec: Recorded) -> None:
        data = body if body is not None else json.dumps({"created": 1, "data": [{"b64_json": PNG_B64}]}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.flush()
        try:
            for i in range(len(data)):
                h.wfile.write(data[i:i + 1])
                h.wfile.flush()
                time.sleep(every)
        except OSError:
            pass
        h.state.events.append(("trickle ended", time.monotonic()))
        h.close_connection = True
    return act


def stall_mid_body(seconds: float) -> Action:
    """Answer 200, send the first half of the body, send nothing for ``seconds``, then the rest."""
    def act(h: Handler, rec: Recorded) -> None:
        data = json.dumps({"created": 1, "data": [{"b64_json": PNG_B64}]}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        try:
            h.wfile.write(data[: len(data) // 2])
            h.wfile.flush()
            time.sleep(seconds)
            h.wfile.write(data[len(data) // 2:])
            h.wfile.flush()
        except OSError:
            pass
        h.close_connection = True
    return act
