"""Throughput of the chapter-2 core: real-name checks, ledger operations, risk scoring, password hashing.

Prints figures and ratios; asserts nothing.  Usage: python bench/payments.py
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of as seconds  # noqa: E402
from bench.timing import rate  # noqa: E402

from core import biometrics, payments, risk  # noqa: E402






def main():
    print(f"luhn_valid (19 digits)           {rate(lambda i: payments.luhn_valid('6222020200112345679'), 50_000):12,.0f} /s")
    print(f"resident_id_valid                {rate(lambda i: payments.resident_id_valid('11010519491231002X'), 50_000):12,.0f} /s")

    platform = payments.seeded_platform(1, n_users=5, n_merchants=3, daily_limit_fen=10**9)
    ops = payments.random_operations(1, 20_000)
    t0 = time.perf_counter()
    accepted = sum(payments.apply_operation(platform, op) for op in ops)
    dt = time.perf_counter() - t0
    print(f"platform operations              {len(ops) / dt:12,.0f} /s   ({accepted:,} accepted, "
          f"{len(ops) - accepted:,} refused, {len(platform.ledger.postings):,} postings)")
    print(f"books balance, reserve = customers: {platform.checks()['balanced'] and platform.checks()['reserve_ok']}")
    print(f"lifecycle trace (7 steps)        {rate(lambda i: payments.lifecycle_trace(now=1_700_000_000), 300):12,.0f} /s")

    stream_s = seconds(lambda: risk.generate_stream(7, 2000, 14, 200), 2)
    df = risk.generate_stream(7, 2000, 14, 200)
    score_s = seconds(lambda: risk.score(df))
    sweep_s = seconds(lambda: risk.threshold_sweep(df["is_fraud"], risk.score(df)))
    print(f"risk stream, {len(df):,} payments     {stream_s * 1000:10.1f} ms generate, {score_s * 1000:.1f} ms score "
          f"({len(df) / score_s:,.0f} payments/s), {sweep_s * 1000:.1f} ms full threshold sweep")
    sc = biometrics.simulate_scores(1, 20_000, 200_000)
    print(f"biometric EER on 220,000 scores  {seconds(lambda: biometrics.equal_error_rate(sc['genuine'], sc['impostor'])) * 1000:10.1f} ms")

    salted = payments.seconds_per_guess("salted_sha256", budget=0.2)
    pbkdf2 = payments.seconds_per_guess("pbkdf2", 100_000, budget=0.3)
    scrypt = payments.seconds_per_guess("scrypt", budget=0.3)
    print(f"one guess: salted SHA-256 {salted * 1e6:,.1f} µs, PBKDF2-100k {pbkdf2 * 1e3:,.1f} ms, "
          f"scrypt N=2^14 {scrypt * 1e3:,.1f} ms")
    print(f"ratio PBKDF2-100k / salted SHA-256 = {pbkdf2 / salted:,.0f}×, scrypt / salted SHA-256 = {scrypt / salted:,.0f}×")


if __name__ == "__main__":
    main()
