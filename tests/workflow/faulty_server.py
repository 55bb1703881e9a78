"""A real HTTP server on loopback that fails the way providers do: 500s, a refused prompt, or no answer."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _picture_b64() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 220)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


GARBAGE_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


class FaultyServer:
    """``mode`` decides every answer to ``POST .../images/*``: "ok" (one 64x48 picture, as GPT Image models answer),
    "error" (500), "garbage" (a PNG signature then junk), "refuse" (400 moderation_blocked) or "hang"
    (no answer for a minute). ``GET .../models``
    answers normally."""

    def __init__(self) -> None:
        self.mode = "error"
        self.requests = 0
        self.hanging = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._json(200, {"object": "list", "data": [{"id": "gpt-image-1", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                self.rfile.read(length)
                outer.requests += 1
                if outer.mode == "hang":
                    outer.hanging.set()
                    time.sleep(60)
                    return
                if outer.mode == "ok":
                    self._json(200, {"created": int(time.time()), "data": [{"b64_json": _picture_b64()}],
                                     "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110,
                                               "input_tokens_details": {"text_tokens": 10, "image_tokens": 0}}})
                    return
                if outer.mode == "garbage":  # a PNG signature, then junk: looks like a picture, is not one
                    junk = base64.b64encode(GARBAGE_PNG).decode()
                    self._json(200, {"created": int(time.time()), "data": [{"b64_json": junk}]})
                    return
                if outer.mode == "refuse":
                    self._json(400, {"error": {"message": "Your request was rejected by the safety system.",
                                               "type": "image_generation_user_error", "param": None,
                                               "code": "moderation_blocked"}})
                    return
                self._json(500, {"error": {"message": "The server had an error while processing your request.",
                                           "type": "server_error", "param": None, "code": None}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FaultyServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
