"""Fills run off the event loop: the engine keeps answering while it works (how fast is the benchmarks' business)."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import httpx

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import RunningEngine, hole_mask, png_bytes, striped


def _raw_post(request: httpx.Request, uploaded: threading.Event, answered: threading.Event,
              statuses: list[int]) -> None:
    """Send ``request`` whole over a plain socket, say so, then wait for the answer's status line: the moment
    the upload is complete is known exactly, which httpx does not tell."""
    url = urlsplit(str(request.url))
    body = request.read()
    head = f"{request.method} {url.path} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in request.headers.items() if k.lower() != "connection") + "Connection: close\r\n\r\n"
    with socket.create_connection((url.hostname, url.port), timeout=120) as sock:
        sock.sendall(head.encode() + body)
        uploaded.set()
        status_line = sock.makefile("rb").readline()
    statuses.append(int(status_line.split()[1]))
    answered.set()


def test_models_answers_while_two_large_fills_run(engine: RunningEngine) -> None:
    picture = png_bytes(striped(1024, 1024))
    mask = png_bytes(hole_mask(1024, 1024, (300, 300, 760, 760)))
    files = [("image", ("p.png", picture, "image/png")), ("mask", ("m.png", mask, "image/png"))]
    statuses: list[int] = []
    fills = []
    for _ in range(2):
        request = httpx.Request("POST", f"{engine.base_url}/images/edits", headers=engine.headers(), files=files,
                                data={"prompt": "x", "model": ENGINE_MODEL_ID, "n": "2"})
        uploaded, answered = threading.Event(), threading.Event()
        worker = threading.Thread(target=_raw_post, args=(request, uploaded, answered, statuses))
        worker.start()
        fills.append((worker, uploaded, answered))
    assert all(uploaded.wait(60) for _, uploaded, _ in fills), "the fills were not sent"
    with httpx.Client(headers=engine.headers(), timeout=60) as client:
        response = client.get(f"{engine.base_url}/models")
    # Both fills were whole on the engine's side before the question, and neither had been answered when the
    # answer to it came: the engine answered while it filled (a blocked loop would answer after the fills).
    both_running = not any(answered.is_set() for _, _, answered in fills)
    for worker, _, _ in fills:
        worker.join(120)
    assert response.status_code == 200 and response.json()["data"]
    assert both_running
    assert statuses == [200, 200]
