"""The one background-work model (DESIGN.md "Async rules"): one pool of worker threads for CPU and I/O work that
must not run on the UI thread or the event loop, plus one *ordered* worker for work that must happen one piece at a
time in the order it was asked for (library writes, undo-tile compaction).

Qt-free, so every layer uses it: coroutines ``await work.run(fn, ...)`` (or :meth:`Background.run_ordered`); plain
code ``work.start(fn, ...)`` and later ``.result()``. :func:`install` makes the pool the event loop's default
executor too, so ``asyncio.to_thread`` and ``run_in_executor(None, ...)`` (in libraries, or in code not yet moved
over) share the same threads instead of adding a second pool.

Work started from a pool thread and waited for in that same thread (``start(...).result()``) runs inline when no
thread has picked it up yet, so nested work can never deadlock a full pool.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Started(Generic[T]):
    """Work handed to the pool. :meth:`result` waits for it, or does it here if no thread has begun it yet."""

    def __init__(self, future: Future[T], call: Callable[[], T]) -> None:
        self.future = future
        self._call = call

    def result(self, timeout: float | None = None) -> T:
        if self.future.cancel():  # still queued: do it now rather than wait behind other work
            return self._call()
        return self.future.result(timeout)

    def done(self) -> bool:
        return self.future.done()


class Background:
    """A pool of ``workers`` threads and one ordered worker. ``shutdown()`` when the program ends."""

    def __init__(self, workers: int | None = None, *, name: str = "background") -> None:
        self.workers = workers or min(8, (os.cpu_count() or 2) + 2)
        self.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=name)
        self.ordered = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-ordered")

    def start(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Started[T]:
        call = partial(fn, *args, **kwargs)
        return Started(self.pool.submit(call), call)

    def start_ordered(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn`` behind everything queued on the ordered worker before it."""
        return self.ordered.submit(partial(fn, *args, **kwargs))

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` on the pool, awaited from the running loop."""
        return await asyncio.wrap_future(self.pool.submit(partial(fn, *args, **kwargs)))

    async def run_ordered(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await asyncio.wrap_future(self.start_ordered(fn, *args, **kwargs))

    def wait_ordered(self) -> None:
        """Block until everything queued on the ordered worker so far is done (for tests and measurements)."""
        self.start_ordered(lambda: None).result()

    def closed(self) -> bool:
        # A loop closing shuts its default executor down (qasync does): then the next user gets a new pool.
        return bool(getattr(self.pool, "_shutdown", False) or getattr(self.ordered, "_shutdown", False))

    def shutdown(self, *, wait: bool = False) -> None:
        self.ordered.shutdown(wait=wait, cancel_futures=not wait)
        self.pool.shutdown(wait=wait, cancel_futures=not wait)


_lock = threading.Lock()
_shared: list[Background] = []


def background() -> Background:
    """This process's background work (made on first use; the app makes it at start and shuts it down at exit)."""
    with _lock:
        if not _shared or _shared[0].closed():
            _shared[:] = [Background()]
        return _shared[0]


def install(loop: asyncio.AbstractEventLoop) -> Background:
    """Make the shared pool ``loop``'s default executor (``asyncio.to_thread`` then uses it too); returns it."""
    shared = background()
    loop.set_default_executor(shared.pool)
    return shared


def start(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Started[T]:
    return background().start(fn, *args, **kwargs)


def start_ordered(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
    return background().start_ordered(fn, *args, **kwargs)


async def run(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    return await background().run(fn, *args, **kwargs)


async def run_ordered(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    return await background().run_ordered(fn, *args, **kwargs)
