"""API layer figures: picture preparation for an edit, and n results by parallel requests.

- ``prepare_4096_ms``: a 4096x4096 photo and its 4096x4096 mask, as pixels in memory (how the studio hands over
  its canvas), prepared for a 1024x1024 edit (median of 7; target < 250).
- ``prepare_4096_files_ms``: the same from encoded files (a JPEG photo and an RGBA PNG mask, as the command line
  reads them); decoding the 4096x4096 PNG mask alone takes about 90 ms of it.
- ``fanout_8_s``: 8 results from a loopback server that takes 1 s per request and makes one image per request
  (target < 1.3), beside ``fanout_8_sequential_s``, the same 8 requests one after another.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from PIL import Image

from benchmarks._util import RUNS, report_median, timings
from dalle_studio.api.client import ImagesClient
from dalle_studio.api.models import spec_for
from dalle_studio.api.prepare import prepare_edit
from dalle_studio.api.providers import compatible
from dalle_studio.api.requests import GenerateRequest

Report = Callable[..., None]


def _photo_and_mask() -> tuple[bytes, bytes]:
    rng = np.random.default_rng(0)
    size = 4096
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    rgb = np.stack([200 * x + 30 * np.sin(40 * y), 180 * y + 20 * np.cos(30 * x), 120 + 60 * x * y], axis=-1)
    rgb += rng.normal(0, 6, rgb.shape)  # sensor noise, as in a real photo
    photo = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=92)
    mask = Image.new("RGBA", (size, size), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (1200, 1000, 2600, 2900))
    mbuf = io.BytesIO()
    mask.save(mbuf, "PNG")
    return buf.getvalue(), mbuf.getvalue()


def _slow_server(delay: float) -> ThreadingHTTPServer:
    png = io.BytesIO()
    Image.new("RGBA", (8, 8), "red").save(png, "PNG")
    body = json.dumps({"created": 1, "data": [{"b64_json": base64.b64encode(png.getvalue()).decode()}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.request_queue_size = 64  # the default backlog of 5 drops simultaneous connects (1 s SYN retry)
    server.server_bind()
    server.server_activate()
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def _fan_out(base_url: str, concurrency: int) -> float:
    provider = compatible("bench", base_url, max_n=1)
    async with ImagesClient(provider, "sk-bench-0000000000", max_concurrency=concurrency) as client:
        start = time.perf_counter()
        result = await client.generate(GenerateRequest(model="gpt-image-1", prompt="bench", n=8))
        elapsed = time.perf_counter() - start
    assert len(result.images) == 8
    return elapsed


def run(report: Report) -> None:
    photo, mask = _photo_and_mask()
    photo_pixels = Image.open(io.BytesIO(photo)).convert("RGBA")
    mask_pixels = Image.open(io.BytesIO(mask))
    mask_pixels.load()
    spec = spec_for("gpt-image-1")
    prepare_edit(photo, mask, spec, size="1024x1024")  # warm up
    report_median(report, "prepare_4096_ms",
                  timings(lambda: prepare_edit(photo_pixels, mask_pixels, spec, size="1024x1024")), "ms", 1000)
    report_median(report, "prepare_4096_files_ms",
                  timings(lambda: prepare_edit(photo, mask, spec, size="1024x1024")), "ms", 1000)

    server = _slow_server(1.0)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        # alternating, so a noisy moment touches both
        rounds = [(asyncio.run(_fan_out(url, concurrency=8)), asyncio.run(_fan_out(url, concurrency=1)))
                  for _ in range(RUNS)]
        report_median(report, "fanout_8_s", [r[0] for r in rounds], "s")
        report_median(report, "fanout_8_sequential_s", [r[1] for r in rounds], "s")
    finally:
        server.shutdown()
        server.server_close()
