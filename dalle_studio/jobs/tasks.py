"""A registry that owns every coroutine started from the UI (DESIGN.md, Async rules).

It keeps a reference to each task (so none is garbage-collected mid-flight), reports any exception to the
user through the ``on_error`` callback given by the composition root, and forgets the task when it ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

ErrorReporter = Callable[[str, BaseException], None]


class TaskRegistry:
    """Starts, tracks and cancels the program's background tasks."""

    def __init__(self, on_error: ErrorReporter) -> None:
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """Run ``coro`` on the loop as a task named ``name`` (shown in error reports)."""
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("task %s failed", task.get_name(), exc_info=exc)
            self._on_error(task.get_name(), exc)

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def cancel_all(self) -> None:
        """Cancel every task and wait until each has cleaned up."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
