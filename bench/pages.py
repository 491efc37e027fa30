"""How long each page takes to run in AppTest: first run (cold imports) and reruns (warm).

Prints a table and the slowest warm rerun; asserts nothing.  Usage: python bench/pages.py
"""
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.apptest import page_paths, run_page  # noqa: E402


def main():
    worst = 0.0
    for path in page_paths():
        t0 = time.perf_counter()
        at = run_page(path, "en")
        first = time.perf_counter() - t0
        reruns = []
        for _ in range(5):
            t0 = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - t0)
        warm = statistics.median(reruns)
        worst = max(worst, warm)
        print(f"{path:28s} first {first * 1000:8.0f} ms   rerun median {warm * 1000:7.0f} ms")
    print(f"slowest_rerun_ms={worst * 1000:.0f}")


if __name__ == "__main__":
    main()
