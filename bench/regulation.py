"""Benchmark: core's one-pass daily-aggregation rule (``aml.daily_reports``, a dict of running totals)
against a pandas groupby + cumsum version of the same PBOC Order [2016] No. 3 rule.

Both must return the same reports (checked); the timings and their ratio are printed.  Also times the
keyed-hash pseudonymisation (HMAC-SHA256 through core.crypto) per record.  Never asserts on time.
Run: python bench/regulation.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of as _best_of  # noqa: E402

from core import aml, privacy  # noqa: E402

REPEAT = 3




def pandas_reports(day, regime: str) -> set:
    """Alternative: groupby (customer, rule, direction), sum, compare with each rule's line."""
    t = aml.tag_rules(day, regime)
    t = t[t["rule"] != ""]
    g = t.groupby(["customer", "rule", "direction"]).agg(total=("amount", "sum"), line=("line", "first"),
                                                         ge=("ge", "first")).reset_index()
    hit = g[(g["ge"] & (g["total"] >= g["line"])) | (~g["ge"] & (g["total"] > g["line"]))]
    return {(int(r.customer), r.rule, r.direction, int(r.total)) for r in hit.itertuples()}


def best_of(fn, repeat: int = REPEAT) -> float:
    """Fastest wall time of ``repeat`` calls (the least disturbed by other processes)."""
    return _best_of(fn, repeat)


def main() -> None:
    for n in (100, 500):  # the page's range is 10-300
        day = aml.synthetic_day(n, 0.1, 2017, "cn")
        vec = aml.daily_reports(day, "cn")
        same = {(int(r.customer), r.rule, r.direction, int(r.total)) for r in vec.itertuples()} == pandas_reports(
            day, "cn")
        t_core = best_of(lambda: aml.daily_reports(day, "cn"))
        t_pandas = best_of(lambda: pandas_reports(day, "cn"))
        print(f"{n} customers, {len(day):,} transactions, {len(vec)} reports, same result: {same}")
        print(f"  core daily_reports (one pass):  {t_core * 1000:8.1f} ms")
        print(f"  pandas groupby alternative:     {t_pandas * 1000:8.1f} ms")
    people = privacy.synthetic_customers(500, 1)
    key, salt = privacy.demo_key(1), privacy.demo_salt(1)
    t_hmac = best_of(lambda: privacy.pseudonymise(people, key, salt, "hmac"))
    t_sha = best_of(lambda: privacy.pseudonymise(people, key, salt, "sha256"))
    print(f"pseudonymise 500 records: HMAC-SHA256 {t_hmac * 1000:.1f} ms, SHA-256 {t_sha * 1000:.1f} ms "
          f"({t_hmac / len(people) * 1e6:.0f} µs per record with HMAC)")
    print(f"ratio pandas groupby / core one-pass (500 customers): {t_pandas / t_core:.1f}x")


if __name__ == "__main__":
    main()
