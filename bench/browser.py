"""What a student's browser pays: CPU for a cold page load and for each click, against a bare page.

Drives Debian's Chromium (headless, Playwright) against the real server on 127.0.0.1.  Browser CPU is
the user + system time of every Chromium process (browser, renderer, GPU, utility), read from /proc
before and after, so it counts layout, plotly drawing and the websocket alike.

- cold load: a new browser context opens the page; until the script has finished and the page has
  been quiet for ``SETTLE`` seconds.
- click: the first slider of the open tab moves one step (keyboard), or, where the tab has no slider,
  its first number input steps up; until the rerun has finished and the page is quiet again.

Prints one line per page (and for a bare page with one plotly chart: loading plotly.js alone) and, last,
``browser_ratio=<worst page's cold load ÷ bare page's>`` after the worst page's CPU per click.  Asserts nothing.  Usage: python bench/browser.py [--pages home,payments]
Run it alone: another browser or benchmark on the 2 cores would make every figure lie.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.classroom import CLASS_OPTIONS, url_name  # noqa: E402
from tools.localserver import CHROMIUM_ARGS, local_only, serve  # noqa: E402
from ui.frame import PAGES  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
SETTLE = 1.0  # seconds of quiet after the script finished, for plotly to draw


def chromium_cpu() -> float:
    """CPU seconds of every Chromium process now running (user + system)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        if "chrom" in name.lower():
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def settle(page) -> None:
    """Wait until the script has finished and the page has had SETTLE seconds to draw."""
    page.wait_for_timeout(200)
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90_000)
    page.wait_for_timeout(SETTLE * 1000)


def measure(browser, url: str, clicks: int) -> tuple[float, list[float]]:
    """(cold-load CPU seconds, CPU seconds per click) for ``url``."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    local_only(ctx)
    page = ctx.new_page()
    c0 = chromium_cpu()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=90_000)
    settle(page)
    load = chromium_cpu() - c0 - idle_cpu(SETTLE)
    per_click = []
    slider = page.locator('[data-testid="stMain"] [data-testid="stSlider"] input').first
    stepper = page.locator('[data-testid="stMain"] [data-testid="stNumberInputStepUp"]').first
    try:  # the tab's controls may still be on their way
        page.locator('[data-testid="stMain"] [data-testid="stSlider"] input, '
                     '[data-testid="stMain"] [data-testid="stNumberInputStepUp"]').first.wait_for(timeout=10_000)
    except Exception:  # noqa: BLE001 - a page without controls: no click figure
        pass
    for i in range(clicks if slider.count() or stepper.count() else 0):
        c0 = chromium_cpu()
        if slider.count():
            slider.focus()
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        else:  # a tab whose first control is a number: its + button
            stepper.click()
        settle(page)
        per_click.append(chromium_cpu() - c0 - idle_cpu(SETTLE))
    ctx.close()
    return load, per_click


_IDLE: dict[str, float] = {}


def idle_cpu(seconds: float) -> float:
    """Chromium CPU while nothing happens, for ``seconds`` (measured once, then scaled)."""
    return _IDLE.get("rate", 0.0) * seconds


def calibrate_idle(browser, url: str) -> None:
    """Chromium's CPU per second on an open, quiet page (subtracted from every figure)."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    local_only(ctx)
    page = ctx.new_page()
    page.goto(url, wait_until="domcontentloaded")
    settle(page)
    c0, t0 = chromium_cpu(), time.monotonic()
    page.wait_for_timeout(3000)
    _IDLE["rate"] = (chromium_cpu() - c0) / (time.monotonic() - t0)
    ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", default="all", help="comma-separated page ids, or all")
    ap.add_argument("--clicks", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=2, help="cold loads per page (median)")
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("Chromium is missing: sudo apt-get install chromium")
    from playwright.sync_api import sync_playwright

    ids = {pid: path for pid, path, _ in PAGES if (ROOT / path).exists()}
    chosen = list(ids) if args.pages == "all" else args.pages.split(",")
    results = {}
    with serve(script="bench/bare_app.py", options=CLASS_OPTIONS) as bare, serve(options=CLASS_OPTIONS) as base, \
            serve(script="bench/bare_chart_app.py", options=CLASS_OPTIONS) as bare_chart, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        calibrate_idle(browser, bare + "/")
        print(f"# browser benchmark · {time.strftime('%Y-%m-%d %H:%M')} · Chromium, 1920×1080 · idle "
              f"{_IDLE['rate'] * 1000:.0f} ms CPU/s subtracted")
        targets = [("bare", bare + "/"), ("bare+chart", bare_chart + "/")] + [
            (pid, f"{base}/{url_name(ids[pid])}?lang=en") for pid in chosen]
        for name, url in targets:
            loads, clicks = [], []
            for _ in range(args.repeat):
                load, per_click = measure(browser, url, args.clicks)
                loads.append(load)
                clicks += per_click
            results[name] = (statistics.median(loads), statistics.median(clicks) if clicks else float("nan"))
            print(f"{name:11s} cold load {results[name][0]:6.2f} s CPU   click {results[name][1]:6.2f} s CPU",
                  flush=True)
        browser.close()
    bare_load = results.pop("bare")[0]
    chart_load = results.pop("bare+chart")[0]
    worst_load = max(results, key=lambda k: results[k][0])
    worst_click = max(results, key=lambda k: results[k][1])
    print(f"worst click: {worst_click} {results[worst_click][1]:.2f} s CPU")
    print(f"cold load of {worst_load} ÷ bare page with one plotly chart: {results[worst_load][0] / chart_load:.2f}")
    print(f"browser_ratio={results[worst_load][0] / bare_load:.2f}  (cold load of {worst_load} ÷ bare page)")


if __name__ == "__main__":
    main()
