"""Running the gallery's slow work (import, export, changes to many images) off the UI thread and hearing back
on it. Each job keeps its callbacks until it ends; errors are reported, never lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    finished = Signal(object, object)  # (job, result)
    failed = Signal(object, object)  # (job, exception)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps it until the callbacks ran
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            self.relay.failed.emit(self, exc)
            return
        self.relay.finished.emit(self, result)


class Background(QObject):
    """``run(fn, done)`` calls ``fn()`` on a worker thread, then ``done(result)`` on the UI thread. A failure is
    emitted as ``failed(what, exception)``. ``idle`` is emitted whenever the last job ends."""

    failed = Signal(str, object)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # library changes stay in the order the user made them
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._jobs: dict[_Job, tuple[str, Callable[[Any], None] | None]] = {}

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def run(self, what: str, fn: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        job = _Job(fn, self._relay)
        self._jobs[job] = (what, done)
        self._pool.start(job)

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def _on_finished(self, job: _Job, result: Any) -> None:
        _, done = self._jobs.pop(job, ("", None))
        try:
            if done is not None:
                done(result)
        finally:
            if not self._jobs:
                self.idle.emit()

    def _on_failed(self, job: _Job, exc: BaseException) -> None:
        what, _ = self._jobs.pop(job, ("", None))
        self.failed.emit(what, exc)
        if not self._jobs:
            self.idle.emit()
