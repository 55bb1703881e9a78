"""The retry policy of the official SDK, as two small pure functions.

Public API:

- :func:`should_retry` — may this outcome (a status with headers, or no status for a connection error/timeout) be
  tried again?
- :func:`retry_delay` — how long to wait before retry number ``retries_taken + 1``.
- :func:`server_hint_seconds` — the delay a server asked for (``retry-after-ms``, ``retry-after`` seconds or date).
- :data:`DEFAULT_MAX_RETRIES`, :data:`MAX_RETRY_AFTER`, :data:`INITIAL_DELAY`, :data:`MAX_DELAY`.

Policy (``openai-images-api.md`` §7.2): connection errors, timeouts, 408, 409, 429 and 5xx are retried;
``x-should-retry`` overrides that, except that a server hint above 120 s is never waited for; an exhausted quota is
never retried (our addition: retrying cannot help). Server hints in (0, 120] s are waited exactly; otherwise
``min(0.5 · 2^k, 8) · (1 − 0.25 · rand)``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

DEFAULT_MAX_RETRIES = 2
MAX_RETRY_AFTER = 120.0
INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
RETRIED_STATUSES = frozenset({408, 409, 429})
NEVER_RETRIED_CODES = frozenset({"insufficient_quota"})


def server_hint_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds from ``retry-after-ms`` (checked first) or ``retry-after`` (seconds, or an HTTP date); ``None`` when
    absent or unreadable."""
    lower = {k.lower(): v for k, v in headers.items()}
    raw_ms = lower.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return float(raw_ms) / 1000
        except ValueError:
            pass
    raw = lower.get("retry-after")
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return when.timestamp() - (time.time() if now is None else now)


def should_retry(status: int | None, headers: Mapping[str, str] | None = None, *, code: str | None = None,
                 now: float | None = None) -> bool:
    """True when the SDK would retry. ``status`` is ``None`` for a connection error or a timeout."""
    headers = headers or {}
    hint = server_hint_seconds(headers, now=now)
    if hint is not None and hint > MAX_RETRY_AFTER:
        return False
    if code in NEVER_RETRIED_CODES:
        return False
    flag = {k.lower(): v for k, v in headers.items()}.get("x-should-retry", "").strip().lower()
    if flag == "true":
        return True
    if flag == "false":
        return False
    if status is None:
        return True
    return status in RETRIED_STATUSES or status >= 500


def retry_delay(retries_taken: int, headers: Mapping[str, str] | None = None, *,
                rand: Callable[[], float] = random.random, now: float | None = None) -> float:
    """Seconds to wait before the next attempt; ``retries_taken`` counts retries already made (0 for the first)."""
    hint = server_hint_seconds(headers or {}, now=now)
    if hint is not None and 0 < hint <= MAX_RETRY_AFTER:
        return hint
    base = min(INITIAL_DELAY * 2.0**retries_taken, MAX_DELAY)
    return base * (1 - 0.25 * rand())
