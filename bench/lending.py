"""Benchmark: vectorised default Monte Carlo (10,000 loans × 1,000 scenarios) against numpy's bare draw.

Prints the time of ``core.p2p.simulate_defaults`` and of ``Generator.random`` for the same number of
uniforms (the floor any Monte Carlo of this size pays), then the ratio.  Never asserts on time.
Run: python bench/lending.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of as _best_of  # noqa: E402

from core.p2p import make_portfolio, simulate_defaults  # noqa: E402

LOANS, SCENARIOS, REPEAT = 10_000, 1_000, 5




def best_of(fn, repeat: int = REPEAT) -> float:
    """Fastest wall time of ``repeat`` calls (the least disturbed by other processes)."""
    return _best_of(fn, repeat)


def main() -> None:
    portfolio = make_portfolio(LOANS)
    rng = np.random.default_rng(0)
    bare = best_of(lambda: rng.random((SCENARIOS, LOANS), dtype=np.float32))
    sim = best_of(lambda: simulate_defaults(portfolio, SCENARIOS, rho=0.10, seed=42))
    mc = simulate_defaults(portfolio, SCENARIOS, rho=0.10, seed=42)
    print(f"draws: {LOANS:,} loans x {SCENARIOS:,} scenarios = {LOANS * SCENARIOS:,} uniforms (float32)")
    print(f"numpy bare draw:        {bare * 1000:8.1f} ms")
    print(f"simulate_defaults:      {sim * 1000:8.1f} ms")
    print(f"default rate simulated: {mc.defaults.mean():.4%} (portfolio mean PD {portfolio['pd'].mean():.4%})")
    print(f"lending_ratio={sim / bare:.2f}")


if __name__ == "__main__":
    main()
