"""The job queue: concurrency limit, cancel at once, every failure reported on its job, retry with the same input."""

from __future__ import annotations

import asyncio

from dalle_studio.jobs.job import JobError, JobInput, JobKind, JobResult, JobState
from dalle_studio.jobs.queue import JobQueue


def make_input(prompt="a fox"):
    return JobInput(kind=JobKind.EDIT, prompt=prompt, model="m", provider="p")


def explain(exc):
    return JobError(f"explained: {exc}", hint="try again")


def gated_runner():
    """A runner whose jobs wait for ``gate``; ``peak[0]`` is how many ran at the same time."""
    running, peak, gate = set(), [0], asyncio.Event()

    async def runner(job):
        running.add(job.id)
        peak[0] = max(peak[0], len(running))
        await gate.wait()
        running.discard(job.id)

    return runner, peak, gate


def test_runs_at_most_the_limit_at_once_and_all_finish(loop):
    runner, peak, gate = gated_runner()

    async def scenario():
        queue = JobQueue(runner, explain, limit=2)
        jobs = [queue.submit(make_input(str(i))) for i in range(5)]
        await asyncio.sleep(0.05)
        assert [j.state for j in jobs].count(JobState.RUNNING) == 2
        assert [j.state for j in jobs].count(JobState.QUEUED) == 3
        gate.set()
        for job in jobs:
            await queue.wait(job)
        return jobs

    jobs = loop.run_until_complete(scenario())
    assert peak[0] == 2
    assert all(j.state is JobState.DONE for j in jobs)


def test_cancel_stops_the_running_work_at_once(loop):
    cleaned = []

    async def runner(job):
        try:
            await asyncio.sleep(30)
        finally:
            cleaned.append(job.id)

    async def scenario():
        queue = JobQueue(runner, explain)
        job = queue.submit(make_input())
        await asyncio.sleep(0.02)
        started = asyncio.get_event_loop().time()
        queue.cancel(job)
        await queue.wait(job)
        return job, asyncio.get_event_loop().time() - started

    job, took = loop.run_until_complete(scenario())
    assert job.state is JobState.CANCELLED and cleaned == [job.id]
    assert took < 1.0


def test_failure_is_explained_on_the_job_and_results_already_received_stay(loop):
    from PySide6.QtGui import QImage

    async def runner(job):
        job.add_result(JobResult(0, QImage(4, 4, QImage.Format.Format_ARGB32), None, "lib-1"))
        raise ConnectionError("the network dropped")

    async def scenario():
        queue = JobQueue(runner, explain)
        job = queue.submit(make_input())
        await queue.wait(job)
        retry = queue.retry(job)
        await queue.wait(retry)
        return job, retry

    job, retry = loop.run_until_complete(scenario())
    assert job.state is JobState.FAILED
    assert job.error.message == "explained: the network dropped"
    assert [r.library_id for r in job.results] == ["lib-1"]
    assert retry.input is job.input and retry.retry_of is job and retry.id != job.id


def test_a_new_limit_applies_to_jobs_queued_after_it(loop):
    runner, peak, gate = gated_runner()

    async def scenario():
        queue = JobQueue(runner, explain, limit=1)
        queue.set_limit(3)
        jobs = [queue.submit(make_input(str(i))) for i in range(4)]
        await asyncio.sleep(0.05)
        gate.set()
        for job in jobs:
            await queue.wait(job)

    loop.run_until_complete(scenario())
    assert peak[0] == 3


def test_raising_the_limit_starts_waiting_jobs_and_never_runs_more_than_it(loop):
    """Issue 13 item 9: set_limit swapped the semaphore while queued jobs waited on the old one."""
    runner, peak, gate = gated_runner()

    async def scenario():
        queue = JobQueue(runner, explain, limit=1)
        jobs = [queue.submit(make_input(str(i))) for i in range(5)]
        await asyncio.sleep(0.05)
        assert [j.state for j in jobs].count(JobState.RUNNING) == 1
        queue.set_limit(3)
        await asyncio.sleep(0.05)
        assert [j.state for j in jobs].count(JobState.RUNNING) == 3, "raising the limit left jobs waiting"
        gate.set()
        for job in jobs:
            await queue.wait(job)
        return jobs

    jobs = loop.run_until_complete(scenario())
    assert peak[0] == 3 and all(j.state is JobState.DONE for j in jobs)


def test_lowering_the_limit_lets_running_jobs_finish_and_holds_the_rest(loop):
    runner, peak, gate = gated_runner()

    async def scenario():
        queue = JobQueue(runner, explain, limit=3)
        jobs = [queue.submit(make_input(str(i))) for i in range(5)]
        await asyncio.sleep(0.05)
        queue.set_limit(1)
        await asyncio.sleep(0.05)
        assert [j.state for j in jobs].count(JobState.RUNNING) == 3  # already running: they finish
        gate.set()
        for job in jobs:
            await queue.wait(job)
        return jobs

    jobs = loop.run_until_complete(scenario())
    assert peak[0] == 3 and all(j.state is JobState.DONE for j in jobs)
