"""Shared test set-up: the project root on sys.path, the e2e marker, one app server and one browser.

The browser fixtures are session-scoped: every browser test talks to the same server on
127.0.0.1 and the same headless Chromium, started once.
"""
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MISSING_CHROMIUM = ("browser tests skipped: Chromium is not installed. Install it with "
                    "`sudo apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji` (Debian/Ubuntu) "
                    "to run them; under CI=true a missing browser fails the run.")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser tests (real server on 127.0.0.1 + headless Chromium)")


def pytest_report_header(config):
    """One clear line up front when the browser tests will be skipped."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return MISSING_CHROMIUM


@pytest.fixture(scope="session")
def server():
    """Base URL of ``streamlit run app.py`` on 127.0.0.1 (log in artifacts/e2e-server.log)."""
    from tools.localserver import serve

    (ROOT / "artifacts").mkdir(exist_ok=True)
    with open(ROOT / "artifacts" / "e2e-server.log", "w") as log, serve(log=log) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright; fails with a clear message when either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(MISSING_CHROMIUM)  # CI must run the browser tests: a missing browser is a failure
        pytest.skip(MISSING_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: run `python -m pip install -r requirements-dev.txt`.")
    from tools.localserver import CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
