"""Results served by URL (``response_format=url``): kept in memory for an hour under unguessable names.

The name is the capability: like OpenAI's signed URLs, a result URL works without the bearer token, so any HTTP
client (or the app's image loader) can fetch it until it expires.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

URL_LIFETIME_S = 3600.0
# Oldest results are dropped first when the store holds more than this many bytes.
MAX_STORED_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class StoredResult:
    data: bytes
    media_type: str
    expires_at: float


class ResultStore:
    """Thread-safe name -> picture bytes, each expiring ``lifetime_s`` after it was stored."""

    def __init__(self, lifetime_s: float = URL_LIFETIME_S, max_bytes: int = MAX_STORED_BYTES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lifetime_s = lifetime_s
        self._max_bytes = max_bytes
        self._clock = clock
        self._items: OrderedDict[str, StoredResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, data: bytes, media_type: str, extension: str) -> str:
        """Store ``data``; return its name (``<random>.<extension>``)."""
        name = f"{secrets.token_urlsafe(24)}.{extension}"
        with self._lock:
            self._expire()
            self._items[name] = StoredResult(data, media_type, self._clock() + self._lifetime_s)
            self._bytes += len(data)
            while self._bytes > self._max_bytes and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.data)
        return name

    def get(self, name: str) -> StoredResult | None:
        """The result stored under ``name``, or ``None`` when unknown or expired."""
        with self._lock:
            self._expire()
            return self._items.get(name)

    def _expire(self) -> None:
        now = self._clock()
        while self._items:
            name, first = next(iter(self._items.items()))
            if first.expires_at > now:
                break
            del self._items[name]
            self._bytes -= len(first.data)
