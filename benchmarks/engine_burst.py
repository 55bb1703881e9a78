"""First come, first served under a burst, through HTTP against a real engine started by the supervisor.

Figures (each the median of several rounds, min and max beside it; every round starts a fresh engine, times one
edit alone, then sends a burst and times its first answer, so ratio and baseline come from the same moment of a
noisy machine):
- ``engine_burst_first_ratio``: with 8 concurrent 1024x1024 edits (20 % hole), the time to the first answer divided by
  one edit's time alone; target <= 1.5. Printed beside it: ``engine_burst_first_s`` (first answer),
  ``engine_single_s`` (one edit alone) and, from the last round, ``engine_burst_all_s`` (the last answer).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import numpy as np
from PIL import Image

from benchmarks._util import RUNS, report_median
from benchmarks.engine_speed import PHOTO, SIDE, _mask_png, _masks, _png
from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from dalle_studio.engine.supervisor import EngineSupervisor

BURST = 8


def _round(files: list, wait_for_all: bool) -> tuple[float, float, float | None]:
    """(one edit alone, first answer of the burst, last answer or None) on a fresh engine."""
    supervisor = EngineSupervisor()
    base_url, token, _ = supervisor.start()
    headers = {"Authorization": f"Bearer {token}"}

    def edit() -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=600) as client:
            response = client.post("/images/edits", files=files, data={"prompt": "x", "model": ENGINE_MODEL_ID})
            response.raise_for_status()

    try:
        edit()  # warm up: imports, thread pool, PatchMatch's library
        began = time.perf_counter()
        edit()
        single = time.perf_counter() - began
        finished: list[float] = []
        first = threading.Event()
        lock = threading.Lock()
        start = time.perf_counter()

        def timed() -> None:
            try:
                edit()
            except httpx.HTTPError:
                return  # the engine was stopped after the first answer
            with lock:
                finished.append(time.perf_counter() - start)
            first.set()

        threads = [threading.Thread(target=timed, daemon=True) for _ in range(BURST)]
        for thread in threads:
            thread.start()
        first.wait()
        if wait_for_all:
            for thread in threads:
                thread.join()
        with lock:
            return single, min(finished), max(finished) if wait_for_all else None
    finally:
        supervisor.stop()  # the rest of the burst is cut short: only its first answer is measured


def run(report: Callable[..., None]) -> None:
    photo = np.asarray(Image.open(PHOTO).convert("RGB").resize((SIDE, SIDE), Image.Resampling.LANCZOS))
    large, _ = _masks()
    files = [("image", ("p.png", _png(photo), "image/png")), ("mask", ("m.png", _mask_png(large), "image/png"))]
    rounds = [_round(files, wait_for_all=index == RUNS - 1) for index in range(RUNS)]
    report_median(report, "engine_burst_first_ratio", [first / single for single, first, _ in rounds])
    report_median(report, "engine_burst_first_s", [first for _, first, _ in rounds], "s")
    report_median(report, "engine_single_s", [single for single, _, _ in rounds], "s")
    report("engine_burst_all_s", rounds[-1][2], "s")
