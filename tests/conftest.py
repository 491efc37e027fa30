"""Shared test set-up: the project root on sys.path, the e2e marker, one app server and one browser.

The browser fixtures are session-scoped: every browser test talks to the same server on
127.0.0.1 and the same headless Chromium, started once.
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# The classroom page stores rooms in a database: tests use a throw-away SQLite file, never the project's var/.
os.environ.setdefault("FINTECH_LAB_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='fl-rooms-')}/rooms.sqlite3")

ROOT = Path(__file__).resolve().parent.parent
INSTALL_CHROMIUM = ("install it with `sudo apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji` "
                    "(Debian/Ubuntu)")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser tests (real server on 127.0.0.1 + headless Chromium)")


def pytest_collection_modifyitems(config, items):
    """Without Chromium (and outside CI) the browser tests are left out, with one line saying why."""
    if _chromium() or _in_ci():
        return
    browser = [item for item in items if item.get_closest_marker("e2e")]
    if browser:
        items[:] = [item for item in items if not item.get_closest_marker("e2e")]
        config.hook.pytest_deselected(items=browser)
        config._fl_skipped_browser = len(browser)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_fl_skipped_browser", 0)
    if skipped:
        terminalreporter.write_line(f"{skipped} browser tests skipped: Chromium is not installed; "
                                    f"{INSTALL_CHROMIUM} to run them.", yellow=True)


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
    chromium = _chromium()
    if not chromium:  # only reached under CI, where the browser tests must run
        pytest.fail(f"Chromium is missing and CI=true: the browser tests must run; {INSTALL_CHROMIUM}.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: run `python -m pip install -r requirements-dev.txt`.")
    from tools.localserver import CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
