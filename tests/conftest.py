"""Shared fixtures: offscreen Qt, a qasync loop per test, and the app built on temporary folders."""

from __future__ import annotations

import asyncio
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

import pytest
import qasync


@pytest.fixture(scope="session", autouse=True)
def collect_on_the_ui_thread(qapp):
    """As the app does from its first window on (``ui.collector``): no test's worker frees a cycle of Qt objects."""
    from dalle_studio.ui import collector

    collector.install(qapp)


@pytest.fixture
def loop(qapp):
    """A qasync event loop on the Qt thread, as the app runs; drive coroutines with ``loop.run_until_complete``."""
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    pending = [t for t in asyncio.all_tasks(event_loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        event_loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    event_loop.close()
    asyncio.set_event_loop(None)
