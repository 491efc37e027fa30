"""A class on one server: N simulated students on the real Streamlit server, without browsers.

Each student opens a page over the websocket a browser uses (``/_stcore/stream``, Streamlit's own
protobuf messages), then, after a random think time (exponential, mean ``--think`` s), does one of:
rerun the page (30 %), move a slider or number input of the open tab to a random value within its
bounds (50 %), or switch to another tab of the page (20 %).  Latency is from the request to the
server's ``script_finished``; a request without an answer within ``--timeout`` s is a timeout.

Students arrive over the first ``--arrive`` seconds.  Printed: a table page × N of actions/s, latency
p50/p95/p99 of the actions after opening, p95 of opening the page, timeouts, exceptions the server put
on a student's screen, server CPU %, RSS and MB per session; then, measured in the same run with one student at a time, the median server CPU per
interaction of each page and of a bare Streamlit page (bench/bare_app.py); the last line is
``cpu_ratio=<page ÷ bare>`` (the worst page when several are measured).  Nothing is asserted.

Usage:
  python bench/classroom.py --page payments --students 80 --seconds 60
  python bench/classroom.py --page all --students 10,20,40,80 --seconds 30
Only 127.0.0.1 is contacted.  Bounded: every phase stops after --seconds, every wait after --timeout.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402  (comes with Streamlit's server, uvicorn)
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from tools.classroom_server import classroom  # noqa: E402
from tools.localserver import serve, url_name  # noqa: E402
from ui import i18n  # noqa: E402
from ui.frame import PAGES  # noqa: E402

#: the settings README recommends for a class (also in .streamlit/config.toml)
CLASS_OPTIONS = {"server.fileWatcherType": "none", "runner.magicEnabled": "false"}
TICK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ the server process, from /proc
def cpu_seconds(pid) -> float:
    """User + system CPU seconds of process ``pid`` (or a list of pids; all threads, live and finished),
    with the children it waited for (nginx's worker)."""
    if isinstance(pid, (list, tuple)):
        return sum(cpu_seconds(p) for p in pid)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICK


def rss_mb(pid) -> float:
    """Resident memory of ``pid`` (or the sum over a list of pids) in MB."""
    if isinstance(pid, (list, tuple)):
        return sum(rss_mb(p) for p in pid)
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def family(pid: int) -> list[int]:
    """``pid`` and its child processes (nginx's master and worker)."""
    found = [pid]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(proc.name))
            except (OSError, ValueError):
                pass
    return found


# ------------------------------------------------------------------ pages and their tabs
def tab_names(page_id: str) -> list[str]:
    """The page's section names (the keys under ``<page>.tab`` in the locale)."""
    prefix = f"{page_id}.tab."
    return [k[len(prefix):] for k in i18n.catalog("en") if k.startswith(prefix)]


# ------------------------------------------------------------------ one simulated student
class Student:
    """One browser tab's worth of protocol: rerun requests, widget values, the query string."""

    def __init__(self, base: str, page: str, tabs: list[str], rng: random.Random, timeout: float):
        self.url = base.replace("http://", "ws://") + "/_stcore/stream"
        self.origin = base
        self.page = page
        self.tabs = tabs
        self.rng = rng
        self.timeout = timeout
        self.query = {"lang": rng.choice(["zh", "en"])}
        self.values: dict[str, object] = {}   # widget id → WidgetState value we set
        self.widgets: list[tuple[str, str, object]] = []  # (kind, id, proto) of the last run
        self.errors: list[str] = []  # exception elements the server sent (a traceback on a real screen)
        self.ws = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           origin=self.origin, open_timeout=self.timeout,
                                           ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _rerun_msg(self) -> bytes:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = "&".join(f"{k}={v}" for k, v in self.query.items())
        rerun.page_name = self.page
        for wid, (kind, value) in self.values.items():
            state = rerun.widget_states.widgets.add()
            state.id = wid
            if kind == "double_array":
                state.double_array_value.data[:] = value
            elif kind == "string_array":
                state.string_array_value.data[:] = value
            elif kind == "int":
                state.int_value = value
            else:
                state.double_value = value
        return msg.SerializeToString()

    async def request(self) -> float | None:
        """Send one rerun; seconds until ``script_finished``, or None on a timeout."""
        t0 = time.perf_counter()
        await self.ws.send(self._rerun_msg())
        widgets = []
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    msg = ForwardMsg()
                    msg.ParseFromString(await self.ws.recv())
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                        element = msg.delta.new_element
                        ek = element.WhichOneof("type")
                        if ek == "exception":
                            self.errors.append(f"{element.exception.type}: {element.exception.message[:120]}")
                        if ek in ("slider", "number_input"):
                            proto = getattr(element, ek)
                            if not proto.disabled and "_player_" not in proto.id and "_slider" not in proto.id:
                                widgets.append((ek, proto.id, proto))
                    elif kind == "script_finished":
                        self.widgets = widgets
                        return time.perf_counter() - t0
        except TimeoutError:
            return None

    def act(self) -> str:
        """Choose the next action and prepare its request."""
        roll = self.rng.random()
        if roll < 0.5 and self.widgets:
            kind, wid, proto = self.rng.choice(self.widgets)
            lo, hi = proto.min, proto.max
            if kind == "slider" and proto.options:
                # a select_slider: the browser sends the chosen option's label (Streamlit 1.67)
                picks = sorted(self.rng.sample(range(len(proto.options)), 2)) if len(proto.default) > 1 else [
                    self.rng.randrange(len(proto.options))]
                self.values[wid] = ("string_array", [proto.options[i] for i in picks])
            elif kind == "slider":
                step = proto.step or 1
                pick = lambda: lo + step * self.rng.randint(0, max(0, int((hi - lo) / step)))  # noqa: E731
                value = sorted(pick() for _ in proto.default) if len(proto.default) > 1 else [pick()]
                self.values[wid] = ("double_array", value)
            elif proto.data_type == proto.INT:
                self.values[wid] = ("int", self.rng.randint(int(lo), int(hi)))
            else:
                self.values[wid] = ("double", round(self.rng.uniform(lo, hi), 2))
            return "widget"
        if roll < 0.7 and len(self.tabs) > 1:
            self.query["tab"] = self.rng.choice([t for t in self.tabs if t != self.query.get("tab")])
            return "tab"
        return "rerun"


# ------------------------------------------------------------------ a class
async def run_class(base: str, page: str, tabs: list[str], n: int, seconds: float, think: float,
                    timeout: float, seed: int, arrive: float = 10.0) -> dict:
    """N students for ``seconds``: latencies of opening the page and of the actions after it, timeouts,
    completed actions.  Students arrive uniformly over the first ``arrive`` seconds (a class told to
    "open the link now")."""
    opens: list[float] = []
    latencies: list[float] = []
    errors: list[str] = []
    timeouts = 0
    actions = 0
    deadline = time.monotonic() + seconds

    async def student(i: int) -> None:
        nonlocal timeouts, actions
        rng = random.Random(seed * 1000 + i)
        s = Student(base, page, tabs, rng, timeout)
        await asyncio.sleep(rng.uniform(0, min(arrive, seconds / 3)))
        try:
            await s.connect()
            first = await s.request()  # opening the page
            if first is None:
                timeouts += 1
                return
            opens.append(first)
            actions += 1
            while True:
                wait = rng.expovariate(1 / think)
                if time.monotonic() + wait >= deadline:
                    break
                await asyncio.sleep(wait)
                s.act()
                took = await s.request()
                if took is None:
                    timeouts += 1
                    return  # the answer may still come: this connection is out of step, leave
                latencies.append(took)
                actions += 1
        except (OSError, websockets.exceptions.WebSocketException, TimeoutError):
            timeouts += 1
        finally:
            errors.extend(s.errors)
            await s.close()

    await asyncio.gather(*(student(i) for i in range(n)))
    return {"opens": opens, "latencies": latencies, "timeouts": timeouts, "actions": actions, "errors": errors}


async def cpu_per_interaction(base: str, page: str, tabs: list[str], pid: int, batches: int, per_batch: int,
                              seed: int, timeout: float) -> float:
    """Median over batches of server CPU seconds per interaction, one student, nothing else running.

    /proc counts CPU in clock ticks (10 ms), so CPU is read per batch of ``per_batch`` interactions.
    Behind nginx, ``pid`` may be a list: the CPU of every process is summed (the proxy's included)."""
    s = Student(base, page, tabs, random.Random(seed), timeout)
    await s.connect()
    await s.request()
    for _ in range(3):  # warm the caches of the tabs
        s.act()
        await s.request()
    per = []
    for _ in range(batches):
        c0 = cpu_seconds(pid)
        for _ in range(per_batch):
            s.act()
            await s.request()
        per.append((cpu_seconds(pid) - c0) / per_batch)
    await s.close()
    return statistics.median(per)


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0–1) of ``values`` (nearest rank); NaN if empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


# ------------------------------------------------------------------ main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--page", default="payments", help="page id (home, payments, …) or 'all'")
    ap.add_argument("--students", default="10,20,40,80", help="comma-separated class sizes")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of each phase (≤ 600)")
    ap.add_argument("--think", type=float, default=5.0, help="mean think time between actions, s")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds before a request counts as a timeout")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--arrive", type=float, default=10.0, help="students open the page over this many seconds")
    ap.add_argument("--batches", type=int, default=9, help="batches for the CPU-per-interaction figure")
    ap.add_argument("--procs", type=int, default=1,
                    help="Streamlit processes behind nginx (tools/classroom_server.py); 1 = one process, no proxy")
    args = ap.parse_args()
    seconds = min(args.seconds, 600.0)
    sizes = [min(400, int(x)) for x in args.students.split(",") if x.strip()]
    ids = {pid: path for pid, path, _ in PAGES if (ROOT / path).exists()}
    chosen = list(ids) if args.page == "all" else [args.page]
    for pid in chosen:
        if pid not in ids:
            sys.exit(f"unknown page {pid!r}; choose from: {', '.join(ids)} or all")

    pids: dict[str, int] = {}
    app_pids: list[int] = []
    ratios: dict[str, float] = {}
    setup = "one Streamlit process" if args.procs == 1 else f"{args.procs} Streamlit processes behind nginx"
    print(f"# class benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores · {setup} · "
          f"think {args.think:g} s · timeout {args.timeout:g} s · {seconds:g} s a phase")
    print("latency: p50/p95/p99 of the actions after opening (rerun, control, tab); open p95: opening the page")
    print(f"{'page':11s} {'N':>4s} {'act/s':>6s} {'p50 s':>6s} {'p95 s':>6s} {'p99 s':>6s} {'open95':>6s} {'tmo':>4s} "
          f"{'exc':>4s} {'cpu %':>6s} {'RSS MB':>7s} {'MB/sess':>7s}")
    app = (serve(options=CLASS_OPTIONS, on_start=lambda p: app_pids.append(p.pid)) if args.procs == 1 else
           classroom(args.procs, options=CLASS_OPTIONS, on_start=lambda p: app_pids.append(p.pid)))
    with serve(script="bench/bare_app.py", options=CLASS_OPTIONS, on_start=lambda p: pids.__setitem__("bare", p.pid)) as bare, \
            app as base:
        app_pid = app_pids if args.procs == 1 else app_pids[:-1] + family(app_pids[-1])
        for pid in chosen:
            page, tabs = url_name(ids[pid]), tab_names(pid)
            asyncio.run(run_class(base, page, tabs, 2, 3, 1.0, args.timeout, args.seed))  # warm imports
            for n in sizes:
                rss0, cpu0, t0 = rss_mb(app_pid), cpu_seconds(app_pid), time.monotonic()
                res = asyncio.run(run_class(base, page, tabs, n, seconds, args.think, args.timeout, args.seed,
                                            args.arrive))
                wall = time.monotonic() - t0
                cpu = (cpu_seconds(app_pid) - cpu0) / wall * 100
                rss = rss_mb(app_pid)
                lat = res["latencies"]
                print(f"{pid:11s} {n:4d} {res['actions'] / wall:6.2f} {pct(lat, .5):6.2f} {pct(lat, .95):6.2f} "
                      f"{pct(lat, .99):6.2f} {pct(res['opens'], .95):6.2f} {res['timeouts']:4d} {len(res['errors']):4d} "
                      f"{cpu:6.1f} {rss:7.0f} {(rss - rss0) / n:7.2f}",
                      flush=True)
                for message in sorted(set(res["errors"]))[:3]:
                    print(f"    exception on screen: {message}")
        bare_cpu = asyncio.run(cpu_per_interaction(bare, "", [], pids["bare"], args.batches, 40, args.seed,
                                                   args.timeout))
        print(f"bare page: median server CPU per interaction {bare_cpu * 1000:.1f} ms")
        for pid in chosen:
            page_cpu = asyncio.run(cpu_per_interaction(base, url_name(ids[pid]), tab_names(pid), app_pid,
                                                       args.batches, 10, args.seed, args.timeout))
            ratios[pid] = page_cpu / bare_cpu if bare_cpu > 0 else float("inf")
            print(f"{pid:11s}: median server CPU per interaction {page_cpu * 1000:.1f} ms = "
                  f"{ratios[pid]:.1f} × bare")
    worst = max(ratios, key=ratios.get)
    print(f"cpu_ratio={ratios[worst]:.1f}" + ("" if len(ratios) == 1 else f"  (worst page: {worst})"))


if __name__ == "__main__":
    main()
