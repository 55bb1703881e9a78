from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from dalle_studio.api.client import ImagesClient
from dalle_studio.api.providers import Provider, compatible
from dalle_studio.api.transport import RetryPolicy

from .server import State, start_server


@pytest.fixture(scope="session")
def _server() -> Iterator[tuple[str, State]]:
    server, state = start_server()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(_server: tuple[str, State]) -> State:
    """The loopback server's state, reset for this test (scripted actions, recorded requests)."""
    _server[1].reset()
    return _server[1]


@pytest.fixture
def base_url(_server: tuple[str, State]) -> str:
    return _server[0] + "/v1"


class Sleeps:
    """Records retry waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(base_url: str, sleeps: Sleeps):
    """Build clients against the loopback server; retries record their waits instead of sleeping."""
    def make(provider: Provider | None = None, *, key: str = "sk-test-1234567890abcdef", max_retries: int = 2,
             **kw) -> ImagesClient:
        return ImagesClient(provider or compatible("Test server", base_url), key,
                            retry=RetryPolicy(max_retries=max_retries, sleep=sleeps, rand=lambda: 0.0), **kw)
    return make


def run(coro):
    return asyncio.run(coro)


async def use(client: ImagesClient, call):
    """Run ``call(client)`` and close the client, inside one event loop."""
    async with client:
        return await call(client)


def call(client: ImagesClient, method: str, *args, **kw):
    """``client.method(*args, **kw)`` in a fresh event loop, closing the client afterwards."""
    return asyncio.run(use(client, lambda c: getattr(c, method)(*args, **kw)))
