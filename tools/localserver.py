"""Start the app on 127.0.0.1 and drive Debian's Chromium; only 127.0.0.1 is ever contacted."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(port: int | None = None, log=subprocess.DEVNULL, timeout: float = 30.0, script: str = "app.py",
          options: dict | None = None, on_start=None):
    """Run ``streamlit run <script>`` on 127.0.0.1 and yield its base URL; stop it afterwards.

    ``options`` are extra ``--section.name value`` settings; ``on_start(proc)`` receives the process
    (the benchmarks read its CPU time and memory)."""
    port = port or free_port()
    extra = [arg for name, value in (options or {}).items() for arg in (f"--{name}", str(value))]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         *extra],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    if on_start:
        on_start(proc)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, timeout, f"the Streamlit server did not start within {timeout:.0f} s")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float, failure: str) -> None:
    """Poll ``base``/_stcore/health until it answers ok; ``RuntimeError(failure)`` on timeout or exit."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(failure) from None
            time.sleep(0.1)


def url_name(path: str) -> str:
    """The URL path Streamlit gives ``pages/N_name.py`` ('' for the home page ``app.py``)."""
    if path == "app.py":
        return ""
    stem = Path(path).stem
    head, _, tail = stem.partition("_")
    return tail if head.isdigit() and tail else stem


def local_only(context) -> None:
    """Abort every request of a Playwright browser context that is not for 127.0.0.1."""
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
