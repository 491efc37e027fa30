"""Serve a lecture from one machine with one Streamlit process per core behind nginx.

Streamlit runs every session's script in one Python process (one GIL), so one process uses one core.
This starts ``--procs`` Streamlit processes on 127.0.0.1 and nginx in front of them on ``--address``
``--port``.  A student's session lives in one process, so nginx keeps each browser on the same process
(sticky by a cookie it sets on the first request; no IP hashing, which would send a whole lecture hall
behind one NAT to a single process).  Needs Debian's nginx (``sudo apt-get install nginx-light``).

    python tools/classroom_server.py --procs 2 --address 0.0.0.0 --port 8501

Ctrl-C (or SIGTERM) stops everything.  ``bench/classroom.py --procs 2`` measures this set-up.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.localserver import free_port, serve, wait_healthy  # noqa: E402

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  gzip on; gzip_proxied any; gzip_min_length 1024;
  gzip_types text/css application/javascript application/json text/plain image/svg+xml;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  # sticky: the first request gets a random key, kept in a cookie; every later request of that
  # browser (static files, the websocket, downloads) hashes to the same Streamlit process
  map $cookie_fl_backend $fl_backend {{ "" $request_id; default $cookie_fl_backend; }}
  upstream streamlit {{
    hash $fl_backend consistent;
{servers}
  }}
  server {{
    listen {address}:{port};
    location / {{
      proxy_pass http://streamlit;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 86400;
      add_header Set-Cookie "fl_backend=$fl_backend; Path=/; SameSite=Lax" always;
    }}
  }}
}}
"""


@contextmanager
def classroom(procs: int = 2, address: str = "127.0.0.1", port: int | None = None, options: dict | None = None,
              on_start=None, log=subprocess.DEVNULL):
    """Start ``procs`` Streamlit processes and nginx in front; yield the base URL of nginx."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is missing: sudo apt-get install nginx-light")
    port = port or free_port()
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="fl-nginx-") as tmp:
        bases = [stack.enter_context(serve(options=options, on_start=on_start, log=log)) for _ in range(procs)]
        servers = "\n".join(f"    server {b.split('://')[1]};" for b in bases)
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, servers=servers, address=address, port=port))
        proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        if on_start:
            on_start(proc)
        base = f"http://{'127.0.0.1' if address == '0.0.0.0' else address}:{port}"
        try:
            wait_healthy(base, proc, 20, f"nginx did not start; see {tmp}/error.log")
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--address", default="127.0.0.1", help="0.0.0.0 to let the students' devices in")
    ap.add_argument("--port", type=int, default=8501)
    args = ap.parse_args()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C or kill: stop nginx and every Streamlit process
        signal.signal(sig, signal.default_int_handler)
    with classroom(args.procs, args.address, args.port) as base:
        print(f"FinTech Lab for a class: {base.replace('127.0.0.1', args.address)} "
              f"({args.procs} Streamlit processes behind nginx). Ctrl-C stops.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
