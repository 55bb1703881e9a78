"""The full-size results of a session, kept in memory within a budget.

Every job keeps its results' full-size images (raw, composited, drift: about 100 MB for one 4K edit result) so that
they can be previewed and accepted. Without a bound a long session only grows: seven jobs of eight 4K results hold
2 GB. As krita-ai-diffusion bounds its history by a size in megabytes, the results of the jobs used longest ago are
let go once the total passes ``jobs.results_memory_mb``; only their thumbnails stay, and their images are remade
from the library's files (where every result is filed before it is shown) when the job is shown again. The job
used last (the one staged) is never let go, nor a result the library does not hold.
"""

from __future__ import annotations

import itertools

from dalle_studio.core import work
from dalle_studio.core.settings import Setting, Settings, declare
from dalle_studio.jobs import pictures
from dalle_studio.jobs.job import Job, JobKind, JobResult
from dalle_studio.jobs.queue import JobQueue
from dalle_studio.library import Library

SETTINGS = declare(
    Setting("jobs.results_memory_mb", int, 1024, "Results kept in memory (MB)",
            "Full-size results of older jobs beyond this are let go (0: all but the job in use); they come back from "
            "the gallery when their job is shown again.", section="Generation", minimum=0, maximum=65536),
)


class ResultMemory:
    """Lets go of the full-size results of the least recently used jobs beyond the budget, and brings them back."""

    def __init__(self, queue: JobQueue, library: Library, settings: Settings) -> None:
        self.queue = queue
        self.library = library
        self.settings = settings
        self._clock = itertools.count()
        self._used: dict[int, int] = {}  # job id -> when it was last staged or shown

    def held(self) -> int:
        """Bytes the session's full-size results hold."""
        return sum(result.nbytes for job in self.queue.jobs for result in job.results)

    def use(self, job: Job) -> None:
        """``job``'s results are staged or shown: it is the last to be let go; then the budget is kept."""
        self._used[job.id] = next(self._clock)
        self.keep_budget()

    def keep_budget(self) -> None:
        budget = int(self.settings.get("jobs.results_memory_mb")) * 2**20
        total = self.held()
        if total <= budget:
            return
        newest = max(self._used, key=self._used.__getitem__, default=None)
        for job in sorted(self.queue.jobs, key=lambda j: self._used.get(j.id, -1)):
            if total <= budget:
                break
            if job.id == newest or not job.state.finished or not _remakeable(job):
                continue
            for result in job.results:
                if result.loaded and result.library_id is not None:
                    total -= result.nbytes
                    result.let_go()

    async def load(self, job: Job) -> list[JobResult]:
        """Bring back the full-size images of ``job``'s results that were let go, from the library's files (in a
        worker). Returns the results that could not be: their files were deleted from the gallery meanwhile;
        they are taken off the job."""
        missing = [r for r in job.results if not r.loaded]
        if not missing:
            return []
        inp = job.input
        snapshot, placement = inp.snapshot, job.placement
        library = self.library

        def remake() -> list[pictures.ResultImages | None]:
            framed = snapshot.framed_picture() if snapshot is not None and placement is not None else None
            keep = snapshot.send_mask() if framed is not None and inp.kind is JobKind.EDIT else None
            made: list[pictures.ResultImages | None] = []
            for result in missing:
                try:
                    data = library.read_bytes(result.library_id)
                except (KeyError, OSError):
                    made.append(None)
                    continue
                made.append(pictures.result_images(data, None, framed, keep, placement))
            return made

        remade = await work.run(remake)
        lost = []
        for result, images in zip(missing, remade, strict=True):
            if images is None:
                lost.append(result)
                continue
            if result.loaded:  # brought back twice at once: the first one stays
                continue
            result.raw, result.composited, result.drift = images.raw, images.composited, images.drift
        if lost:
            job.results = [r for r in job.results if r not in lost]
        self.use(job)
        return lost


def _remakeable(job: Job) -> bool:
    """Its results can be remade from files: generations (decoded as they are, whatever picture is open), and
    jobs that know where in their frame the results go (not those recovered after a crash)."""
    return job.kind is JobKind.GENERATION or job.placement is not None
