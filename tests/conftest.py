"""Shared test set-up: the project root on sys.path, and the e2e marker."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser tests (real server on 127.0.0.1 + headless Chromium)")
