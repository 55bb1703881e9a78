"""The job queue: runs jobs as asyncio tasks on the qasync loop, a few at a time, owning every task it starts.

The queue knows nothing of HTTP or images: it is given a ``runner`` coroutine function that does one job's
work, and an ``explain`` function that turns an exception into a :class:`JobError` for the user.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, Signal

from dalle_studio.jobs.job import Job, JobError, JobInput, JobState

log = logging.getLogger(__name__)

Runner = Callable[[Job], Awaitable[None]]
Explain = Callable[[BaseException], JobError]


class JobQueue(QObject):
    """Runs at most ``limit`` jobs at once; ``cancel`` closes a job's request at once."""

    job_added = Signal(object)  # Job
    job_finished = Signal(object)  # Job, whatever its end state

    def __init__(self, runner: Runner, explain: Explain, limit: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._explain = explain
        # A count and a condition rather than a semaphore: the limit can change while jobs wait for a slot.
        self._limit = max(1, limit)
        self._running = 0
        self._slots = asyncio.Condition()
        self._wakers: set[asyncio.Task[None]] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self.jobs: list[Job] = []

    def submit(self, job_input: JobInput) -> Job:
        job = Job(job_input, self)
        self.jobs.append(job)
        self.job_added.emit(job)
        task = asyncio.get_event_loop().create_task(self._run(job), name=f"job {job.id}")
        self._tasks[job.id] = task
        task.add_done_callback(lambda _t, job=job: self._ended(job))
        return job

    def adopt(self, job: Job) -> None:
        """List a job that ended elsewhere (one recovered after a crash); it is not run, only Retry runs it."""
        job.setParent(self)
        self.jobs.append(job)
        self.job_added.emit(job)

    def _ended(self, job: Job) -> None:
        """Every job's end, once: also a job cancelled before its task ever ran (its body never started)."""
        if not job.state.finished:
            job.set_state(JobState.CANCELLED, "Cancelled")
        self._tasks.pop(job.id, None)
        self.job_finished.emit(job)

    def set_limit(self, limit: int) -> None:
        """Run at most ``limit`` jobs at once from now on: waiting jobs start at once when it is raised; jobs
        already running finish when it is lowered."""
        self._limit = max(1, limit)
        task = asyncio.get_event_loop().create_task(self._wake(), name="job queue limit changed")
        self._wakers.add(task)  # owned until it ends
        task.add_done_callback(self._wakers.discard)

    async def _wake(self) -> None:
        async with self._slots:
            self._slots.notify_all()

    def retry(self, job: Job) -> Job:
        """Run a failed or cancelled job again with exactly the same input."""
        again = self.submit(job.input)
        again.retry_of = job
        return again

    def cancel(self, job: Job) -> None:
        task = self._tasks.get(job.id)
        if task is not None and not task.done():
            task.cancel()

    def task_of(self, job: Job) -> asyncio.Task[None] | None:
        return self._tasks.get(job.id)

    @property
    def active(self) -> list[Job]:
        return [j for j in self.jobs if not j.state.finished]

    async def cancel_all(self) -> None:
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def wait(self, job: Job) -> Job:
        """Wait until ``job`` has ended (tests, scripts)."""
        task = self._tasks.get(job.id)
        if task is not None and not task.done():
            await asyncio.wait({task})
        return job

    async def _run(self, job: Job) -> None:
        try:
            async with self._slots:
                await self._slots.wait_for(lambda: self._running < self._limit)
                self._running += 1
            try:
                job.set_state(JobState.RUNNING, "Starting")
                await self._runner(job)
            finally:
                async with self._slots:
                    self._running -= 1
                    self._slots.notify_all()
            if not job.state.finished:
                job.set_state(JobState.DONE, f"{len(job.results)} result{'s' if len(job.results) != 1 else ''}")
        except asyncio.CancelledError:
            job.set_state(JobState.CANCELLED, "Cancelled")
        except Exception as exc:  # every failure is reported on the job, none escapes unseen
            log.warning("job %s failed: %s", job.id, exc, exc_info=not isinstance(exc, OSError | ValueError))
            job.fail(self._explain(exc))
