"""From the edit command to the request body being ready to send (issue 11).

A 4096x4096 photo with a painted mask, gpt-image-2 at ``auto`` size, through the real workflow (snapshot, cut to
the frame, preparation from pixels, the request plan, the multipart fields and files): ``edit_submit_ms`` (median
of 7, with min and max), beside ``edit_submit_png_ms``, one Pillow PNG encode of the prepared image (the work that
cannot be avoided), and ``edit_submit_ratio`` (target: at most 2.0). The client stops at "ready to send": no network.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._util import RUNS, report_median

SIZE = 4096


class _Ready(Exception):
    """Raised by the timing client once the body is ready: the job ends there."""


def _photo():
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    rgb = np.stack([200 * x + 30 * np.sin(40 * y), 180 * y + 20 * np.cos(30 * x), 120 + 60 * x * y], axis=-1)
    rgb += rng.normal(0, 6, rgb.shape)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB").convert("RGBA")


def run(report) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from dalle_studio.api import providers as p
    from dalle_studio.api.catalog import ModelChoice
    from dalle_studio.api.client import ImagesClient
    from dalle_studio.api.keys import KeyStore
    from dalle_studio.api.models import spec_for
    from dalle_studio.api.prepare import encode_png_under, fit_picture
    from dalle_studio.api.settings import SETTINGS as API_SETTINGS
    from dalle_studio.core.settings import Settings
    from dalle_studio.document.document import Document
    from dalle_studio.document.qimage import pil_to_qimage
    from dalle_studio.engine.supervisor import EngineSupervisor
    from dalle_studio.jobs.job import JobKind
    from dalle_studio.jobs.providers import ProviderHub
    from dalle_studio.jobs.spending import SETTINGS as SPENDING_SETTINGS
    from dalle_studio.jobs.workflow import SETTINGS as WORKFLOW_SETTINGS
    from dalle_studio.jobs.workflow import Workflow
    from dalle_studio.library import Library

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app, already_running=False)
    asyncio.set_event_loop(loop)
    folder = Path(tempfile.mkdtemp(prefix="dalle-studio-submit-"))
    settings = Settings.load(folder / "settings.json", API_SETTINGS, WORKFLOW_SETTINGS, SPENDING_SETTINGS)
    settings.set("api.providers", [p.compatible("Local", "http://127.0.0.1:9/v1").to_dict()])
    settings.set("jobs.stream_partials", False)
    library = Library(folder / "library")
    hub = ProviderHub(settings, KeyStore(file=None, env={}), EngineSupervisor())
    document = Document()
    photo = _photo()
    document.replace(pil_to_qimage(photo))
    document.fill_mask(QRect(1200, 1000, 1400, 1900))
    workflow = Workflow(document, library, hub, settings)
    spec = spec_for("gpt-image-2")
    choice = ModelChoice("gpt-image-2", spec, True, None, False)
    ready: list[float] = []

    class Timing(ImagesClient):
        async def edit(self, request, **kw):  # the body as it would go on the wire, then stop
            request.validate()
            request.form_fields()
            request.files()
            ready.append(time.perf_counter())
            raise _Ready

    timing = Timing(hub.provider("Local"), "sk-benchmark-key-000000")

    async def client(_provider):
        return timing

    hub.client = client

    async def once() -> float:
        start = time.perf_counter()
        job = workflow.start(JobKind.EDIT, "Local", choice, "a red kite", {"n": 1})
        await workflow.queue.wait(job)
        while workflow._partial_tasks:  # the lineage encode of the stopped job, before the next run
            await asyncio.sleep(0.01)
        return (ready[-1] - start) * 1000

    logging.disable(logging.ERROR)  # each job ends on purpose at "ready to send": not an error worth a traceback
    with loop:
        runs = [loop.run_until_complete(once()) for _ in range(RUNS)]
        loop.run_until_complete(timing.aclose())
    logging.disable(logging.NOTSET)
    library.close()
    fitted, _ = fit_picture(photo, (1024, 1024), "pad")
    encodes = []
    for _ in range(RUNS):
        start = time.perf_counter()
        encode_png_under(fitted, spec.max_input_bytes)
        encodes.append((time.perf_counter() - start) * 1000)
    report_median(report, "edit_submit_ms", runs, "ms")
    report_median(report, "edit_submit_png_ms", encodes, "ms")
    report_median(report, "edit_submit_ratio", [r / e for r, e in zip(runs, encodes, strict=True)], "(target <= 2.0)")
