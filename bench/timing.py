"""Timing helpers shared by the benchmarks: best-of-N, so the figure is the least disturbed run."""
from __future__ import annotations

import time


def best_of(fn, repeat: int = 3) -> float:
    """Fastest wall time in seconds of ``repeat`` calls of ``fn()``."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def rate(fn, n: int, repeat: int = 3) -> float:
    """Calls per second of ``fn(i)`` over ``n`` calls, best of ``repeat`` rounds."""
    return n / best_of(lambda: [fn(i) for i in range(n)], repeat)
