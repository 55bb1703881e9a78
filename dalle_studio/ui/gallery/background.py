"""Running the gallery's slow work (import, export, changes to many images) off the UI thread and hearing back
on it. The work runs on the app's one ordered background worker (:mod:`dalle_studio.core.work`), so library changes
stay in the order the user made them; this is only the thin Qt relay that brings the result back to the UI thread.
Each job keeps its callbacks until it ends; errors are reported, never lost."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from PySide6.QtCore import QObject, Signal

from dalle_studio.core import work


class _Relay(QObject):
    finished = Signal(object, object)  # (job number, result)
    failed = Signal(object, object)  # (job number, exception)


class Background(QObject):
    """``run(fn, done)`` calls ``fn()`` on the ordered background worker, then ``done(result)`` on the UI thread. A
    failure is emitted as ``failed(what, exception)``. ``idle`` is emitted whenever the last job ends."""

    failed = Signal(str, object)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._jobs: dict[int, tuple[str, Callable[[Any], None] | None]] = {}
        self._running: dict[int, Future[None]] = {}
        self._numbers = itertools.count()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def run(self, what: str, fn: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        number = next(self._numbers)
        self._jobs[number] = (what, done)
        relay = self._relay

        def call() -> None:
            try:
                result = fn()
            except Exception as exc:
                outcome: tuple[Any, ...] = (relay.failed, number, exc)
            else:
                outcome = (relay.finished, number, result)
            with contextlib.suppress(RuntimeError):  # the gallery was closed meanwhile: nobody to tell
                outcome[0].emit(*outcome[1:])  # queued to the UI thread, where the relay lives

        self._running[number] = work.start_ordered(call)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the work started so far has run (its callbacks follow on the UI thread's next events)."""
        deadline = time.monotonic() + msecs / 1000
        for number, future in list(self._running.items()):
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                return False
            self._running.pop(number, None)
        return True

    def _on_finished(self, number: int, result: Any) -> None:
        self._running.pop(number, None)
        _, done = self._jobs.pop(number, ("", None))
        try:
            if done is not None:
                done(result)
        finally:
            if not self._jobs:
                self.idle.emit()

    def _on_failed(self, number: int, exc: BaseException) -> None:
        self._running.pop(number, None)
        what, _ = self._jobs.pop(number, ("", None))
        self.failed.emit(what, exc)
        if not self._jobs:
            self.idle.emit()
