"""Server CPU of each tab of each page, in-process (AppTest): a plain rerun and a slider change.

Only the open tab runs, so a page costs what its open tab costs.  Prints page × tab in CPU ms (the
script thread's process time, median of 4) and, last, the slowest tab.  Asserts nothing.
AppTest compiles app.py and the page again on every run (~8–12 ms) where the server compiles them once,
so these figures are higher than the server's; bench/classroom.py measures the server itself.
Usage: python bench/tabs.py [--page insurance]
"""
import argparse
import logging
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.apptest import run_page  # noqa: E402
from tests.test_sections import tab_names  # noqa: E402
from ui.frame import available_pages  # noqa: E402


def movable(at):
    """Sliders a student would move: single-valued, enabled, not a step player's own."""
    return [w for w in at.slider if not w.disabled and not isinstance(w.value, (tuple, list))
            and "_player_" not in (w.key or "") and not (w.key or "").endswith("_slider")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--page", default="all")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    worst = ("", "", 0.0)
    for pid, path, _ in available_pages():
        if args.page not in ("all", pid):
            continue
        for tab in tab_names(pid):
            at = run_page(path, "en", params={"tab": tab})
            reruns = []
            for _ in range(4):
                t0 = time.process_time()
                at.run()
                reruns.append(time.process_time() - t0)
            rng = random.Random(1)
            changes = []
            for _ in range(4):
                sliders = movable(at)
                if not sliders:
                    break
                w = rng.choice(sliders)
                value = w.min + (w.max - w.min) * rng.random()
                value = int(value) if isinstance(w.value, int) else value
                t0 = time.process_time()
                w.set_value(value).run()
                changes.append(time.process_time() - t0)
            rerun = statistics.median(reruns) * 1000
            change = statistics.median(changes) * 1000 if changes else float("nan")
            worst = max(worst, (pid, tab, rerun), key=lambda r: r[2])
            print(f"{pid:11s} {tab:12s} rerun {rerun:6.0f} ms   slider change {change:6.0f} ms", flush=True)
    print(f"slowest_tab={worst[0]}:{worst[1]} {worst[2]:.0f} ms")


if __name__ == "__main__":
    main()
