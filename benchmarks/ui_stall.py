"""UI thread stalls while results arrive and are filed (issue 6).

A real workflow (qasync loop, library on disk) runs a Generation of 8 results of 1536x1024 from a loopback server,
the jobs panel shown and following the job as in the window. A 5 ms QTimer heartbeat measures how late the UI
thread answers: ``ui_stall_p99_ms`` and ``ui_stall_max_ms`` (targets: under 16 and under 50). The baseline,
``ui_stall_max_baseline_ms``, is the same 8 results decoded, placed and filed on the UI thread, as a naive
implementation would.

``ui_stall_4k_p99_ms`` / ``ui_stall_4k_max_ms`` (issue 12; targets under 16 and under 50): the same with 8 results
of 3840x2160 (gpt-image-2's largest) while the artist paints on a 4096² picture whose autosave runs throughout;
``ui_stall_4k_max_baseline_ms`` is the naive version's for those results.

``<prefix>_results_held_mb``: what the session's results hold in memory after all the rounds (the budget
``jobs.results_memory_mb`` keeps it), beside ``<prefix>_results_staged_mb``, what all the rounds staged.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks._util import RUNS, report_median

COUNT, SIZE = 8, (1536, 1024)
SIZE_4K = (3840, 2160)


def _payload(size: tuple[int, int] = SIZE) -> bytes:
    from PIL import Image

    from dalle_studio.core.resources import samples_dir

    photo = Image.open(samples_dir() / "astronaut.png").convert("RGB").resize(size)
    images = []
    for i in range(COUNT):
        buffer = io.BytesIO()
        photo.rotate(i * 3, expand=False).save(buffer, "PNG", compress_level=1)
        images.append({"b64_json": base64.b64encode(buffer.getvalue()).decode()})
    return json.dumps({"created": int(time.time()), "data": images, "size": f"{size[0]}x{size[1]}"}).encode()


def _serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Heartbeat:
    """A 5 ms timer; each late tick's delay beyond 5 ms is a stall of the UI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer(interval=5)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.stalls: list[float] = []

    def _tick(self) -> None:
        now = time.perf_counter()
        self.stalls.append(max(0.0, (now - self.last) * 1000 - 5))
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.stalls


def run(report) -> None:
    for prefix, size, autosave in (("ui_stall", SIZE, False), ("ui_stall_4k", SIZE_4K, True)):
        rounds, base, held, staged = _scenario(size, autosave)
        report_median(report, f"{prefix}_p99_ms", [sorted(r)[int(len(r) * 0.99) - 1] for r in rounds], "ms")
        report_median(report, f"{prefix}_max_ms", [max(r) for r in rounds], "ms")
        report(f"{prefix}_max_baseline_ms", base, "ms")
        report(f"{prefix}_results_held_mb", held, "MB")
        report(f"{prefix}_results_staged_mb", staged, "MB")


def _scenario(size: tuple[int, int], autosave: bool) -> tuple[list[list[float]], float, float, float]:
    """The heartbeat's stalls in each round while ``COUNT`` results of ``size`` arrive, the baseline's worst, and the
    memory the session's results hold at the end against what all the rounds staged (MB)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from dalle_studio.api import providers as p
    from dalle_studio.api.catalog import ModelChoice
    from dalle_studio.api.keys import SESSION, KeyStore
    from dalle_studio.api.models import spec_for
    from dalle_studio.api.settings import SETTINGS as API_SETTINGS
    from dalle_studio.core.settings import Settings
    from dalle_studio.document.document import Document
    from dalle_studio.engine.supervisor import EngineSupervisor
    from dalle_studio.jobs import pictures
    from dalle_studio.jobs.job import JobKind
    from dalle_studio.jobs.providers import ProviderHub
    from dalle_studio.jobs.spending import SETTINGS as SPENDING_SETTINGS
    from dalle_studio.jobs.workflow import SETTINGS as WORKFLOW_SETTINGS
    from dalle_studio.jobs.workflow import Workflow
    from dalle_studio.library import Library, NewResult

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from dalle_studio.ui import collector

    collector.install(app)  # cycles collected on the UI thread, as in the window
    loop = qasync.QEventLoop(app, already_running=False)
    asyncio.set_event_loop(loop)
    body = _payload(size)
    server = _serve(body)
    host, port = server.server_address[:2]
    folder = Path(tempfile.mkdtemp(prefix="dalle-studio-stall-"))
    settings = Settings.load(folder / "settings.json", API_SETTINGS, WORKFLOW_SETTINGS, SPENDING_SETTINGS)
    settings.set("api.providers", [p.compatible("Local", f"http://{host}:{port}/v1").to_dict()])
    keys = KeyStore(file=None, env={})
    keys.save("Local", "sk-benchmark-key-000000", SESSION)
    library = Library(folder / "library")
    hub = ProviderHub(settings, keys, EngineSupervisor())
    document = Document()
    painting = None
    if autosave:  # the artist paints on a 4096² picture meanwhile; each dab is autosaved within the second
        from PySide6.QtCore import QRect, QTimer

        from benchmarks.autosave import _picture
        from dalle_studio.jobs.autosave import Autosaver
        from dalle_studio.jobs.tasks import TaskRegistry

        document.replace(_picture())
        saver = Autosaver(document, folder / "recovery", TaskRegistry(on_error=lambda name, exc: print(exc)))
        painting = QTimer(interval=40)
        dabs = iter(range(10**9))
        painting.timeout.connect(lambda: document.fill_mask(QRect(next(dabs) * 7 % 4000, 300, 24, 24)))
    workflow = Workflow(document, library, hub, settings)
    from dalle_studio.ui.jobs.panel import JobsPanel

    panel = JobsPanel(workflow.queue)  # the jobs panel, shown: its cards follow every job's progress and results
    panel.resize(320, 600)
    panel.show()
    model = "gpt-image-1" if size == SIZE else "gpt-image-2"  # only gpt-image-2 makes 3840x2160
    choice = ModelChoice(model, spec_for(model), True, None, False)
    settings.set("jobs.stream_partials", False)

    async def measured() -> list[float]:
        await hub.load_keys()
        await asyncio.sleep(0.05)
        beat = Heartbeat()
        beat.start()
        if painting is not None:
            painting.start()
        job = workflow.start(JobKind.GENERATION, "Local", choice, "benchmark",
                             {"n": COUNT, "size": f"{size[0]}x{size[1]}"})
        await workflow.queue.wait(job)
        await asyncio.sleep(0.05)
        assert len(job.results) == COUNT, job.error
        if painting is not None:
            painting.stop()
        return beat.stop()

    async def baseline() -> list[float]:
        payload = json.loads(body)  # what the naive version does on the loop: everything
        await asyncio.sleep(0.05)
        beat = Heartbeat()
        beat.start()
        await asyncio.sleep(0.02)
        for entry in payload["data"]:
            data = base64.b64decode(entry["b64_json"])
            image = pictures.decode(data)
            pictures.thumbnail(image)
            library.add_result(NewResult(image=data, kind="generation", prompt="baseline"))
            await asyncio.sleep(0)
        await asyncio.sleep(0.05)
        return beat.stop()

    rounds = []
    staged = 0
    with loop:
        for _ in range(RUNS):
            rounds.append(loop.run_until_complete(measured()))
            staged += sum(r.nbytes for r in workflow.queue.jobs[-1].results)
        held = workflow.memory.held()
        base = loop.run_until_complete(baseline())
        loop.run_until_complete(hub.aclose())
        if autosave:
            loop.run_until_complete(saver.settle())
            saver.stop_and_clear()
    server.shutdown()
    library.close()
    return rounds, max(base), held / 2**20, staged / 2**20
