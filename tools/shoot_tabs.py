"""Screenshot every tab of one page in both languages (a developer's look before class).

Usage (from the project root, with the project's venv):
    python tools/shoot_tabs.py OUTDIR --path payments [--width 1920 --height 1080] [--port 8690] [--query present=1]
Starts its own server on 127.0.0.1, clicks each tab ([data-baseweb="tab"]) and saves OUTDIR/<path>-<lang>-tab<N>.png.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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
    base = f"http://127.0.0.1:{a.port}"
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.address", "127.0.0.1", "--server.port", str(a.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
            for lang in a.langs.split(","):
                ctx = b.new_context(viewport={"width": a.width, "height": 3200 if a.full else a.height})
                ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                    ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else r.abort())
                page = ctx.new_page()
                q = f"?lang={lang}" + (f"&{a.query}" if a.query else "")
                page.goto(f"{base}/{a.path}{q}", wait_until="domcontentloaded")
                page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90000)
                page.wait_for_timeout(1500)
                tabs = page.locator('[role="tab"]')
                count = max(tabs.count(), 1)
                for i in range(count):
                    if tabs.count():
                        tabs.nth(i).click()
                        page.wait_for_timeout(1200)
                        tabs.nth(i).scroll_into_view_if_needed()
                    name = os.path.join(a.out, f"{a.path or 'home'}-{lang}-tab{i + 1}.png")
                    page.screenshot(path=name)
                    errors = page.locator('[data-testid="stException"]').count()
                    print(name, "exceptions:", errors)
                ctx.close()
            b.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
