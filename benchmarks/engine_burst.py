"""First come, first served under a burst, through HTTP against a real engine started by the supervisor.

Figures:
- ``engine_burst_first_ratio``: with 8 concurrent 1024x1024 edits, the time to the first answer divided by one edit's
  time alone (``engine_single_s``, measured in the same run); target <= 1.5. Printed beside it:
  ``engine_burst_first_s`` (first answer) and ``engine_burst_all_s`` (last answer).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable

import httpx
import numpy as np
from PIL import Image

from benchmarks._util import median_seconds
from benchmarks.engine_speed import PHOTO, SIDE, _mask_png, _masks, _png
from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from dalle_studio.engine.supervisor import EngineSupervisor

BURST = 8


def run(report: Callable[..., None]) -> None:
    photo = np.asarray(Image.open(PHOTO).convert("RGB").resize((SIDE, SIDE), Image.Resampling.LANCZOS))
    large, _ = _masks()
    files = [("image", ("p.png", _png(photo), "image/png")), ("mask", ("m.png", _mask_png(large), "image/png"))]
    supervisor = EngineSupervisor()
    base_url, token, _ = supervisor.start()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        def edit() -> None:
            with httpx.Client(base_url=base_url, headers=headers, timeout=600) as client:
                response = client.post("/images/edits", files=files, data={"prompt": "x", "model": ENGINE_MODEL_ID})
                response.raise_for_status()

        edit()  # warm up: imports, thread pool, PatchMatch's library
        single = median_seconds(edit, repeat=3)
        finished: list[float] = []
        lock = threading.Lock()
        start = time.perf_counter()

        def timed() -> None:
            edit()
            with lock:
                finished.append(time.perf_counter() - start)

        threads = [threading.Thread(target=timed) for _ in range(BURST)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first, last = min(finished), max(finished)
        report("engine_burst_first_ratio", first / single)
        report("engine_burst_first_s", first, "s")
        report("engine_burst_all_s", last, "s")
        report("engine_burst_median_s", statistics.median(finished), "s")
        report("engine_single_s", single, "s")
    finally:
        supervisor.stop()
