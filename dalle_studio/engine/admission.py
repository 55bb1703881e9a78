"""First come, first served, with a bounded queue: how the engine shares its worker threads between requests.

An edit or a variation takes one *turn* the moment it arrives, before its body is read, and keeps it for all of its
work (reading the upload, decoding, filling, encoding, building the answer). So the request that arrived first is
answered first: without turns, every request's last step queued behind every other request's fill, and every
upload of a burst was read interleaved with the others before the first could start, so all the answers of a burst
arrived together at the end. The bodies of waiting requests stay unread in their sockets (the server stops reading a
connection whose body nobody asks for), which also bounds memory.

At most ``workers`` requests work at once; at most ``max_waiting`` more wait, in arrival order; beyond that the
answer is a 429 with ``Retry-After``, at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator

from dalle_studio.api.errors import APIStatusError


class Turn:
    """One request's turn; :meth:`release` (idempotent) hands it to the next waiting request."""

    def __init__(self, turns: Turns) -> None:
        self._turns = turns
        self._began = time.monotonic()
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._turns._finished(time.monotonic() - self._began)


class Turns:
    """FIFO admission for ``workers`` concurrent requests and ``max_waiting`` waiting ones (asyncio, one loop)."""

    def __init__(self, workers: int, max_waiting: int) -> None:
        self.workers = max(1, workers)
        self.max_waiting = max(0, max_waiting)
        self._working = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._recent_s: deque[float] = deque(maxlen=8)  # how long the last turns took: for Retry-After

    def status(self) -> dict[str, int]:
        return {"working": self._working, "waiting": len(self._waiting), "workers": self.workers,
                "max_waiting": self.max_waiting}

    async def acquire(self) -> Turn:
        """Wait for this request's turn, in arrival order; the 429 at once when the queue is full."""
        if self._working >= self.workers or self._waiting:
            if len(self._waiting) >= self.max_waiting:
                raise self._busy()
            ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(ready)
            try:
                await ready
            except BaseException:
                if ready in self._waiting:
                    self._waiting.remove(ready)
                elif ready.done() and not ready.cancelled():
                    self._hand_on()  # the turn came just as the client went away: pass it on
                raise
        else:
            self._working += 1
        return Turn(self)

    @contextlib.asynccontextmanager
    async def take(self) -> AsyncIterator[Turn]:
        turn = await self.acquire()
        try:
            yield turn
        finally:
            turn.release()

    def _finished(self, seconds: float) -> None:
        self._recent_s.append(seconds)
        self._hand_on()

    def _hand_on(self) -> None:
        """Give the slot to the first waiting request, or free it."""
        while self._waiting:
            ready = self._waiting.popleft()
            if not ready.done():
                ready.set_result(None)  # the slot passes on: ``_working`` stays the same
                return
        self._working -= 1

    def _busy(self) -> APIStatusError:
        per_turn = sorted(self._recent_s)[len(self._recent_s) // 2] if self._recent_s else 5.0
        wait = max(1, math.ceil(per_turn * (len(self._waiting) + self._working) / self.workers))
        message = (f"The engine is busy: {self._working} request(s) are being worked on and {len(self._waiting)} "
                   f"are waiting, which is as many as it queues. Try again in about {wait} s.")
        return APIStatusError(message, status=429, headers={"Retry-After": str(wait)}, param=None,
                              code="engine_busy", type="rate_limit_exceeded", server_message=message)
