"""Fills run off the event loop: the engine keeps answering while it works."""

from __future__ import annotations

import statistics
import threading
import time

import httpx
import numpy as np

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import RunningEngine, hole_mask, png_bytes, striped


def test_models_answers_quickly_while_two_large_fills_run(engine: RunningEngine) -> None:
    picture = png_bytes(striped(1024, 1024))
    mask = png_bytes(hole_mask(1024, 1024, (300, 300, 760, 760)))
    files = [("image", ("p.png", picture, "image/png")), ("mask", ("m.png", mask, "image/png"))]
    statuses: list[int] = []

    def fill() -> None:
        response = httpx.post(f"{engine.base_url}/images/edits", headers=engine.headers(), files=files,
                              data={"prompt": "x", "model": ENGINE_MODEL_ID, "n": "2"}, timeout=60)
        statuses.append(response.status_code)

    workers = [threading.Thread(target=fill) for _ in range(2)]
    for worker in workers:
        worker.start()
    times = []
    with httpx.Client(headers=engine.headers()) as client:
        time.sleep(0.3)  # let both fills start
        while any(w.is_alive() for w in workers) and len(times) < 40:
            start = time.perf_counter()
            assert client.get(f"{engine.base_url}/models").status_code == 200
            times.append(time.perf_counter() - start)
            time.sleep(0.02)
    for worker in workers:
        worker.join()
    assert statuses == [200, 200]
    assert len(times) >= 5
    assert statistics.median(times) < 0.1, np.round(times, 3)
