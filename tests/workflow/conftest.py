"""A real workflow: document, library on disk, the embedded engine as a real process on loopback."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QPointF, Qt

from dalle_studio.api.keys import KeyStore
from dalle_studio.api.settings import SETTINGS as API_SETTINGS
from dalle_studio.app import build_window
from dalle_studio.core.paths import AppPaths
from dalle_studio.core.settings import Settings
from dalle_studio.document.document import Document
from dalle_studio.engine.supervisor import EngineSupervisor
from dalle_studio.jobs.providers import ProviderHub
from dalle_studio.jobs.spending import SETTINGS as SPENDING_SETTINGS
from dalle_studio.jobs.workflow import SETTINGS as WORKFLOW_SETTINGS
from dalle_studio.jobs.workflow import Workflow
from dalle_studio.library import Library
from tests.keychain import MemoryKeychain


@pytest.fixture(scope="session")
def engine_supervisor():
    supervisor = EngineSupervisor()
    supervisor.start()
    yield supervisor
    supervisor.stop()


@pytest.fixture
def settings(tmp_path):
    return Settings.load(tmp_path / "settings.json", API_SETTINGS, WORKFLOW_SETTINGS, SPENDING_SETTINGS)


@pytest.fixture
def keys(tmp_path):
    return KeyStore(file=tmp_path / "keys.json", backend=MemoryKeychain(), env={})


@pytest.fixture
def workflow(qapp, loop, tmp_path, settings, keys, engine_supervisor):
    library = Library(tmp_path / "library")
    hub = ProviderHub(settings, keys, engine_supervisor)
    flow = Workflow(Document(), library, hub, settings)
    yield flow
    loop.run_until_complete(flow.queue.cancel_all())
    for client in hub._clients.values():
        loop.run_until_complete(client.aclose())
    library.close()


async def until(condition, timeout=60.0):
    deadline = asyncio.get_event_loop().time() + timeout
    while not condition():
        assert asyncio.get_event_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


@pytest.fixture
def studio(qtbot, tmp_path, loop, engine_supervisor):
    built = build_window(AppPaths.under(tmp_path))
    built.workflow.hub.supervisor = engine_supervisor  # one engine process for the whole session
    built.window.show()
    qtbot.waitExposed(built.window)
    built.window.activateWindow()
    yield built
    loop.run_until_complete(built.workflow.queue.cancel_all())
    loop.run_until_complete(built.tasks.cancel_all())
    for client in built.workflow.hub._clients.values():
        loop.run_until_complete(client.aclose())
    built.document.undo_stack.setClean()  # else closing asks whether to discard the changes
    built.window.close()
    built.close()


def drag(qtbot, canvas, points):
    """A brush drag through document points, as the artist's mouse would make it."""
    viewport = canvas.viewport()
    at = [canvas.mapFromScene(QPointF(x, y)) for x, y in points]
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at[0])
    for point in at[1:]:
        qtbot.mouseMove(viewport, point)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at[-1])
