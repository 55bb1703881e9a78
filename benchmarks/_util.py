"""Helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

RUNS = 7  # every timing is the median of at least this many runs: the machines are shared and noisy


def timings(fn: Callable[[], object], repeat: int = RUNS) -> list[float]:
    """Wall times (seconds) of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median_seconds(fn: Callable[[], object], repeat: int = RUNS) -> float:
    """Median wall time of ``repeat`` calls of ``fn``."""
    return statistics.median(timings(fn, repeat))


def report_median(report, name: str, values: Sequence[float], unit: str = "", scale: float = 1.0) -> float:
    """Report the median of ``values`` (times ``scale``) with their min and max beside it; returns the median."""
    scaled = [v * scale for v in values]
    middle = statistics.median(scaled)
    report(name, middle, unit, (min(scaled), max(scaled), len(scaled)))
    return middle
