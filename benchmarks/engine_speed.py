"""Engine speed, through HTTP against a real engine started by the supervisor.

Figures:
- ``engine_fill_large_s``: a 1024x1024 edit with a 20 % hole (decode, fill, encode, base64), median of 7; target < 3.
  ``engine_fill_large_first_s``: the first one after the engine started (it must not wait for the JIT).
  Baseline ``engine_fill_large_telea_s``: OpenCV Telea alone on the same picture, in-process.
- ``engine_fill_thin_s``: the same picture with a thin scribble mask; target < 0.3.
- ``engine_models_busy_ms``: median ``GET /v1/models`` while two large fills run; target < 20.
  Baseline ``engine_models_idle_ms``: the same request with nothing running.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import httpx
import numpy as np
from PIL import Image

from benchmarks._util import report_median, timings
from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from dalle_studio.engine.supervisor import EngineSupervisor

PHOTO = Path(__file__).resolve().parent.parent / "resources" / "samples" / "coffee.png"
SIDE = 1024


def _png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def _masks() -> tuple[np.ndarray, np.ndarray]:
    """(large: a centred square of 20 % of the picture, thin: a 7-pixel scribble), True = hole."""
    large = np.zeros((SIDE, SIDE), bool)
    half = round(SIDE * 0.2**0.5 / 2)
    large[SIDE // 2 - half:SIDE // 2 + half, SIDE // 2 - half:SIDE // 2 + half] = True
    thin = np.zeros((SIDE, SIDE), np.uint8)
    points = np.array([[100, 200], [400, 260], [700, 180], [900, 500], [600, 800], [250, 700]], np.int32)
    cv2.polylines(thin, [points], False, 1, 7)
    return large, thin > 0


def _mask_png(hole: np.ndarray) -> bytes:
    rgba = np.full((SIDE, SIDE, 4), 255, np.uint8)
    rgba[hole, 3] = 0
    return _png(rgba)


def run(report: Callable[..., None]) -> None:
    photo = np.asarray(Image.open(PHOTO).convert("RGB").resize((SIDE, SIDE), Image.Resampling.LANCZOS))
    large, thin = _masks()
    picture = _png(photo)
    supervisor = EngineSupervisor()
    base_url, token, _ = supervisor.start()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:

            masks = {"large": _mask_png(large), "thin": _mask_png(thin)}

            def edit(which: str) -> None:
                files = [("image", ("p.png", picture, "image/png")), ("mask", ("m.png", masks[which], "image/png"))]
                response = client.post("/images/edits", files=files, data={"prompt": "x", "model": ENGINE_MODEL_ID})
                response.raise_for_status()

            # The first large fill right after the start: it must not pay for compiling the patch kernels (the
            # engine loads or compiles them in the background as it starts).
            report("engine_fill_large_first_s", timings(lambda: edit("large"), 1)[0], "s")
            edit("thin")  # warm up: thread pool, PatchMatch's library
            report_median(report, "engine_fill_large_s", timings(lambda: edit("large")), "s")
            hole_u8 = large.astype(np.uint8) * 255
            report_median(report, "engine_fill_large_telea_s",
                          timings(lambda: cv2.inpaint(photo, hole_u8, 5, cv2.INPAINT_TELEA)), "s")
            report_median(report, "engine_fill_thin_s", timings(lambda: edit("thin")), "s")

            idle = [_timed(lambda: client.get("/models")) for _ in range(20)]
            report_median(report, "engine_models_idle_ms", idle, "ms", 1000)
            busy = _while_busy(base_url, headers, lambda: edit("large"), lambda: client.get("/models"))
            report_median(report, "engine_models_busy_ms", busy, "ms", 1000)
            report("engine_models_busy_max_ms", max(busy) * 1000, "ms")
    finally:
        supervisor.stop()


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _while_busy(base_url: str, headers: dict[str, str], work: Callable[[], None],
                probe: Callable[[], object]) -> list[float]:
    """Times of ``probe`` taken while two ``work`` calls run on other threads."""
    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    time.sleep(0.2)
    times = []
    while any(w.is_alive() for w in workers):
        times.append(_timed(probe))
        time.sleep(0.01)
    for worker in workers:
        worker.join()
    return times
