"""Benchmark: vectorised Cramér–Lundberg Monte Carlo against a plain Python loop over paths and claims.

Both estimate the finite-horizon ruin probability ψ(u, T) for u = 10, θ = 0.3, μ = 5, λ = 1, T = 200 and
print it next to the exact infinite-horizon ψ(u).  ``core.insurance.simulate_ruin`` draws claims in
blocks for all paths at once; the loop does one path and one claim at a time.  Never asserts on time.
Run: python bench/insurance.py
"""
from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of as _best_of  # noqa: E402

from core.insurance import premium_rate, ruin_probability_exponential, simulate_ruin  # noqa: E402

U, THETA, MU, LAM, HORIZON = 10.0, 0.3, 5.0, 1.0, 200.0
PATHS_FAST, PATHS_LOOP, REPEAT = 20_000, 2_000, 3




def loop_ruin(n_paths: int, seed: int) -> float:
    """The textbook loop: walk each path claim by claim until ruin or the horizon."""
    rng = np.random.default_rng(seed)
    c = premium_rate(LAM, MU, THETA)
    ruined = 0
    for _ in range(n_paths):
        t = s = 0.0
        while True:
            t += rng.exponential(1 / LAM)
            if t > HORIZON:
                break
            s += rng.exponential(MU)
            if U + c * t - s < 0:
                ruined += 1
                break
    return ruined / n_paths


def best_of(fn, repeat: int = REPEAT) -> float:
    """Fastest wall time of ``repeat`` calls (the least disturbed by other processes)."""
    return _best_of(fn, repeat)


def main() -> None:
    exact = ruin_probability_exponential(U, THETA, MU)
    fast = best_of(lambda: simulate_ruin(U, THETA, MU, LAM, HORIZON, PATHS_FAST, seed=1))
    slow = best_of(lambda: loop_ruin(PATHS_LOOP, seed=1), repeat=1)
    est_fast = simulate_ruin(U, THETA, MU, LAM, HORIZON, PATHS_FAST, seed=1).estimate
    est_slow = loop_ruin(PATHS_LOOP, seed=1)
    per_fast = fast / PATHS_FAST * 1e6
    per_slow = slow / PATHS_LOOP * 1e6
    print(f"model: u={U}, θ={THETA}, μ={MU}, λ={LAM}, T={HORIZON}; exact ψ(u) = {exact:.5f}")
    print(f"vectorised simulate_ruin: {PATHS_FAST:>6,} paths in {fast * 1000:8.1f} ms "
          f"({per_fast:6.1f} µs/path), ψ̂ = {est_fast:.4f} ± {1.96 * math.sqrt(est_fast * (1 - est_fast) / PATHS_FAST):.4f}")
    print(f"python loop:              {PATHS_LOOP:>6,} paths in {slow * 1000:8.1f} ms "
          f"({per_slow:6.1f} µs/path), ψ̂ = {est_slow:.4f} ± {1.96 * math.sqrt(est_slow * (1 - est_slow) / PATHS_LOOP):.4f}")
    print(f"speed-up per path (loop / vectorised): {per_slow / per_fast:.1f}x")


if __name__ == "__main__":
    main()
