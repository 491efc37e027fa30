"""Screenshot every tab of one page in both languages (a developer's look before class).

Usage (from the project root, with the project's venv):
    python tools/shoot_tabs.py OUTDIR --path payments [--width 1920 --height 1080] [--port 8690] [--query present=1]
Starts its own server on 127.0.0.1, clicks each tab ([data-baseweb="tab"]) and saves OUTDIR/<path>-<lang>-tab<N>.png.
"""
import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tools.localserver import CHROMIUM_ARGS, local_only, serve  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--path", default="")
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    ap.add_argument("--port", type=int, default=8690)
    ap.add_argument("--query", default="")
    ap.add_argument("--langs", default="zh,en")
    ap.add_argument("--full", action="store_true", help="tall viewport (3200 px) to see a whole tab at once")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    with serve(a.port) as base, sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS)
        for lang in a.langs.split(","):
            ctx = b.new_context(viewport={"width": a.width, "height": 3200 if a.full else a.height})
            local_only(ctx)
            page = ctx.new_page()
            q = f"?lang={lang}" + (f"&{a.query}" if a.query else "")
            page.goto(f"{base}/{a.path}{q}", wait_until="domcontentloaded")
            page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90000)
            page.wait_for_timeout(1500)
            tabs = page.locator('[role="tab"]')
            for i in range(max(tabs.count(), 1)):
                if tabs.count():
                    tabs.nth(i).click()
                    page.wait_for_timeout(1200)
                    tabs.nth(i).scroll_into_view_if_needed()
                name = os.path.join(a.out, f"{a.path or 'home'}-{lang}-tab{i + 1}.png")
                page.screenshot(path=name)
                print(name, "exceptions:", page.locator('[data-testid="stException"]').count())
            ctx.close()
        b.close()


if __name__ == "__main__":
    main()
