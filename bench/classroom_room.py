"""A played classroom: N bot students join a room over the real server and pay, mine and lend at once.

Each bot speaks the protocol a phone's browser speaks (``/_stcore/stream``, Streamlit's protobuf messages): it
opens the join link, types the code and a nickname and submits the form, keeps the seat link the server puts
in its URL, and then acts in the round the lecturer opened: a signed payment through the page's form (10 % of
taps are double taps), a mining press, or a P2P order.  The lecturer (this script, through the store, as the
lecturer's page would) runs three rounds of ``--seconds``/3 each: payments (a fee switched on half-way),
mining, P2P (then match and settle).  An attacker thread sends forged, replayed and overspending orders
straight to the store all the time.

Printed: per activity actions/s, latency p50/p95/p99 (request → the server's ``script_finished``), timeouts,
exceptions on a student's screen; refused actions by reason; and the checks: Σ balances = 0, every payment a bot
saw confirmed is posted exactly once (and nothing else), no forged order accepted.  Nothing is asserted.

Usage:
  python bench/classroom_room.py --students 80 --seconds 60
  python bench/classroom_room.py --students 200 --seconds 60 --procs 2 --database postgresql://…
Only 127.0.0.1 is contacted.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.classroom import CLASS_OPTIONS, cpu_seconds, family, pct  # noqa: E402
from core import classroom as cr  # noqa: E402
from core import crypto  # noqa: E402
from tools.classroom_server import classroom  # noqa: E402
from tools.localserver import serve  # noqa: E402
from ui import i18n  # noqa: E402

PIN = "bench-2026"
WIDGETS = ("text_input", "number_input", "selectbox", "button", "radio", "multiselect", "slider")


class Bot:
    """One phone: a websocket session of the classroom page."""

    def __init__(self, base: str, code: str, nick: str, rng: random.Random, timeout: float):
        self.url = base.replace("http://", "ws://") + "/_stcore/stream"
        self.origin = base
        self.code, self.nick, self.rng, self.timeout = code, nick, rng, timeout
        self.lang = rng.choice(["zh", "en"])
        self.query = f"room={code}&lang={self.lang}"
        self.widgets: dict[str, tuple[str, object, str]] = {}   # id → (kind, proto, fragment id)
        self.alerts: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.ws = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, origin=self.origin,
                                           open_timeout=self.timeout, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def send(self, states=(), fragment: str = "") -> float | None:
        """One rerun with these widget states; seconds until the final ``script_finished`` (None on timeout).
        A run that ends in ``st.rerun()`` is followed by the next one, as in a browser."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_name = "classroom"
        if fragment:
            rerun.fragment_id = fragment
        for wid, kind, value in states:
            w = rerun.widget_states.widgets.add()
            w.id = wid
            if kind == "trigger":
                w.trigger_value = True
            elif kind == "string":
                w.string_value = value
            elif kind == "double":
                w.double_value = value
            elif kind == "int":
                w.int_value = value
            elif kind == "string_array":
                w.string_array_value.data[:] = value
            elif kind == "double_array":
                w.double_array_value.data[:] = value
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        self.alerts = []
        widgets = {} if not fragment else {k: v for k, v in self.widgets.items() if v[2] != fragment}
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    fm = ForwardMsg()
                    fm.ParseFromString(await self.ws.recv())
                    kind = fm.WhichOneof("type")
                    if kind == "page_info_changed":
                        self.query = fm.page_info_changed.query_string
                    elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                        el = fm.delta.new_element
                        ek = el.WhichOneof("type")
                        if ek == "exception":
                            self.errors.append(f"{el.exception.type}: {el.exception.message[:120]}")
                        elif ek == "alert":
                            self.alerts.append((str(el.alert.format), el.alert.body))
                        elif ek in WIDGETS:
                            proto = getattr(el, ek)
                            widgets[proto.id] = (ek, proto, fm.delta.fragment_id)
                    elif kind == "script_finished":
                        if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            widgets = {}
                            continue
                        self.widgets = widgets
                        return time.perf_counter() - t0
        except TimeoutError:
            return None

    def find(self, kind: str, id_part: str = ""):
        for wid, (k, proto, frag) in self.widgets.items():
            if k == kind and id_part in wid:
                return wid, proto, frag
        return None

    async def join(self) -> float | None:
        """Open the join link, type the nickname, submit (the code is filled in by the link)."""
        if await self.send() is None:
            return None
        inputs = sorted((w for w in self.widgets.items() if w[1][0] == "text_input"), key=lambda w: w[0])
        code_id = next(wid for wid, (_, p, _) in inputs if p.default == self.code)
        nick_id = next(wid for wid, (_, p, _) in inputs if wid != code_id)
        submit = self.find("button", "FormSubmitter:cl_join")
        return await self.send([(code_id, "string", self.code), (nick_id, "string", self.nick),
                                (submit[0], "trigger", None)])

    def seated(self) -> bool:
        return "seat=" in self.query


class Tally:
    def __init__(self):
        self.lat: dict[str, list[float]] = {}
        self.actions: dict[str, int] = {}
        self.timeouts = 0
        self.confirmed_payments = 0
        self.errors: list[str] = []

    def add(self, activity: str, took: float | None) -> None:
        if took is None:
            self.timeouts += 1
            return
        self.lat.setdefault(activity, []).append(took)
        self.actions[activity] = self.actions.get(activity, 0) + 1


async def act(bot: Bot, activity: str, names: list[str], tally: Tally, success_texts: dict) -> None:
    """One action of the open round, through the page's own widgets."""
    rng = bot.rng
    if activity == "payments":
        to = bot.find("selectbox")
        amount = bot.find("number_input")
        submit = bot.find("button", "FormSubmitter:cl_pay_")
        if not (to and amount and submit):
            tally.add("refresh", await bot.send())
            return
        choice = rng.choice(list(to[1].options))
        states = [(to[0], "string", choice), (amount[0], "double", round(rng.uniform(1, 60), 2)),
                  (submit[0], "trigger", None)]
        took = await bot.send(states, fragment=submit[2])
        tally.add("payments", took)
        tally.confirmed_payments += sum(1 for _, body in bot.alerts if body.startswith(success_texts["pay"][bot.lang]))
        if rng.random() < 0.1:   # a double tap: the same submit again, as the browser would send it
            took = await bot.send(states, fragment=submit[2])
            tally.add("payments", took)
            tally.confirmed_payments += sum(1 for _, body in bot.alerts
                                            if body.startswith(success_texts["pay"][bot.lang]))
    elif activity == "mining":
        button = bot.find("button", "cl_mine")
        if not button:
            tally.add("refresh", await bot.send())
            return
        tally.add("mining", await bot.send([(button[0], "trigger", None)], fragment=button[2]))
    elif activity == "p2p":
        submit = bot.find("button", "FormSubmitter:cl_order_")
        amount = bot.find("number_input")
        side = bot.find("radio", "cl_side")
        if not (submit and amount):
            tally.add("refresh", await bot.send())
            return
        states = []
        if side is not None:     # choosing the role is its own tap (the radio sits outside the form)
            role = list(side[1].options)[rng.randrange(2)]
            tally.add("p2p", await bot.send([(side[0], "string", role)], fragment=side[2]))
            submit = bot.find("button", "FormSubmitter:cl_order_")
            amount = bot.find("number_input")
            if not (submit and amount):
                return
            states.append((side[0], "string", role))
        states.append((amount[0], "double", float(rng.choice([100, 200, 300, 500]))))
        states.append((submit[0], "trigger", None))
        tally.add("p2p", await bot.send(states, fragment=submit[2]))
    else:
        tally.add("refresh", await bot.send())


def attacker(store: cr.Store, code: str, seats: list[cr.Seat], stop: threading.Event, out: dict) -> None:
    """Forged, replayed and overspending orders sent straight to the store during the payments round."""
    rng = random.Random(99)
    while not stop.is_set():
        a, b = rng.sample(seats, 2)
        rid = f"attack-{rng.getrandbits(48):x}"
        kind = rng.choice(["forged", "stolen_token", "overspend", "replay"])
        amount = rng.randint(1, 500)
        if kind == "forged":        # b signs an order that spends a's money
            sig = crypto.sign(b.private_key, cr.transfer_message(code, a.nickname, b.nickname, amount, rid))
            ok = store.transfer(code, a.token, b.nickname, amount, rid, sig)
        elif kind == "stolen_token":  # a valid order of a's, sent with b's token
            sig = crypto.sign(a.private_key, cr.transfer_message(code, a.nickname, b.nickname, amount, rid))
            ok = store.transfer(code, b.token, b.nickname, amount, rid, sig)
        elif kind == "overspend":
            big = cr.MAX_AMOUNT_FEN
            sig = crypto.sign(a.private_key, cr.transfer_message(code, a.nickname, b.nickname, big, rid))
            ok = store.transfer(code, a.token, b.nickname, big, rid, sig)
        else:                        # change the amount of a signed order and send it again
            sig = crypto.sign(a.private_key, cr.transfer_message(code, a.nickname, b.nickname, amount, rid))
            ok = store.transfer(code, a.token, b.nickname, amount + 1, rid, sig)
        out["sent"] += 1
        out["accepted"] += int(ok)
        stop.wait(0.05)


async def run_round(bots: list[Bot], activity: str, seconds: float, think: float, tally: Tally, names,
                    success_texts) -> float:
    deadline = time.monotonic() + seconds
    t0 = time.monotonic()

    async def one(bot: Bot) -> None:
        try:
            await asyncio.sleep(bot.rng.uniform(0, 5))   # the phone's 5-second refresh picks the round up
            tally.add("refresh", await bot.send())
            while True:
                wait = bot.rng.expovariate(1 / think)
                if time.monotonic() + wait >= deadline:
                    return
                await asyncio.sleep(wait)
                await act(bot, activity, names, tally, success_texts)
        except (OSError, websockets.exceptions.WebSocketException, StopIteration):
            tally.timeouts += 1

    await asyncio.gather(*(one(b) for b in bots if b.seated()))
    return time.monotonic() - t0


async def main_async(args, base: str, store: cr.Store, pids: list[int]) -> None:
    code = store.create_room(PIN, start_balance_fen=100_000)
    rng = random.Random(args.seed)
    tally = Tally()
    bots = [Bot(base, code, f"bot{i:03d}", random.Random(args.seed * 1000 + i), args.timeout)
            for i in range(args.students)]
    success = {"pay": {lang: i18n.catalog(lang)["classroom.pay.done"].split("{")[0] for lang in ("zh", "en")}}
    # join over --arrive seconds
    t0 = time.monotonic()

    async def arrive(bot: Bot) -> None:
        await asyncio.sleep(rng.uniform(0, args.arrive))
        try:
            await bot.connect()
            took = await bot.join()
            tally.add("join", took)
        except (OSError, websockets.exceptions.WebSocketException, StopIteration) as exc:
            tally.timeouts += 1
            tally.errors.append(f"join: {type(exc).__name__}")

    await asyncio.gather(*(arrive(b) for b in bots))
    seated = sum(b.seated() for b in bots)
    print(f"joined: {seated}/{len(bots)} in {time.monotonic() - t0:.1f} s", flush=True)
    seats = [store.rejoin(code, dict(p.split("=", 1) for p in b.query.split("&"))["seat"])
             for b in bots if b.seated()]
    stop, attacks = threading.Event(), {"sent": 0, "accepted": 0}
    thread = threading.Thread(target=attacker, args=(store, code, seats, stop, attacks), daemon=True)
    thread.start()
    cpu0 = cpu_seconds(pids)
    walls = {}
    third = args.seconds / 3
    for activity in ("payments", "mining", "p2p"):
        store.set_activity(code, PIN, activity, True)
        if activity == "mining":
            store.update_settings(code, PIN, bits=args.bits)
        if activity == "payments":
            async def fee_later():
                await asyncio.sleep(third / 2)
                await asyncio.to_thread(store.update_settings, code, PIN, fee_bps=100)
            fee_task = asyncio.create_task(fee_later())
        walls[activity] = await run_round(bots, activity, third, args.think, tally, None, success)
        store.set_activity(code, PIN, activity, False)
        if activity == "payments":
            await fee_task
            stop.set()
            thread.join()
        if activity == "p2p":
            matched = store.match(code, PIN)
            settled = store.settle(code, PIN, seed=args.seed)
    cpu = cpu_seconds(pids) - cpu0
    wall = sum(walls.values())
    for b in bots:
        tally.errors.extend(b.errors)
        await b.close()

    print(f"{'activity':10s} {'act/s':>6s} {'p50 s':>6s} {'p95 s':>6s} {'p99 s':>6s} {'n':>6s}")
    for activity in ("join", "payments", "mining", "p2p", "refresh"):
        lat = tally.lat.get(activity, [])
        per_s = len(lat) / (walls.get(activity) or args.arrive)
        print(f"{activity:10s} {per_s:6.2f} {pct(lat, .5):6.2f} {pct(lat, .95):6.2f} {pct(lat, .99):6.2f} {len(lat):6d}")
    allx = [x for k, v in tally.lat.items() if k != "join" for x in v]
    print(f"all actions after joining: p95 {pct(allx, .95):.2f} s · timeouts {tally.timeouts} · "
          f"exceptions on screen {len(tally.errors)} · server CPU {cpu / wall * 100:.0f} % of one core")
    for message in sorted(set(tally.errors))[:5]:
        print(f"    {message}")
    rej = store.rejections(code)
    print("refused by reason: " + ", ".join(f"{r} {n}" for r, n in rej.groupby("reason").size().items()))
    ev = store.events(code)
    pays = ev[ev["kind"] == "pay"]
    bot_pays = pays[~pays["request_id"].str.startswith("attack-")]
    print(f"P2P: {matched['loans']} loan shares, {matched['lent_fen'] / 100:,.2f} yuan lent; "
          f"settled {settled['repaid']} repaid, {settled['defaulted']} defaulted")
    checks = {
        "ledger sums to zero": store.ledger_total(code) == 0 and store.entries_total(code) == 0,
        "no balance below zero": all(v >= 0 for k, v in store.balances(code).items()
                                     if not k.startswith("#") or k in (cr.ESCROW, cr.RESERVE, cr.FEES, cr.MERCHANT)),
        "request ids unique": ev["request_id"].is_unique,
        "payments confirmed = posted": tally.confirmed_payments == len(bot_pays),
        "no forged order accepted": attacks["accepted"] == 0,
    }
    print(f"payments confirmed on phones {tally.confirmed_payments}, posted {len(bot_pays)}; "
          f"attacker sent {attacks['sent']}, accepted {attacks['accepted']}")
    for name, ok in checks.items():
        print(f"check {'OK  ' if ok else 'FAIL'} {name}")
    print(f"p95={pct(allx, .95):.2f} s  checks={'pass' if all(checks.values()) else 'FAIL'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=80)
    ap.add_argument("--seconds", type=float, default=60.0, help="three rounds of a third each (≤ 600)")
    ap.add_argument("--think", type=float, default=4.0, help="mean think time between a bot's actions, s")
    ap.add_argument("--arrive", type=float, default=10.0)
    ap.add_argument("--timeout", type=float, default=15.0)
    ap.add_argument("--bits", type=int, default=18, help="mining difficulty of the round (the app's default)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--procs", type=int, default=1, help="Streamlit processes behind nginx (needs PostgreSQL if > 1)")
    ap.add_argument("--database", default="", help="database URL (default: a fresh SQLite file)")
    args = ap.parse_args()
    args.seconds = min(args.seconds, 600.0)
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='fl-room-bench-')}/rooms.sqlite3"
    if args.procs > 1 and not url.startswith("postgres"):
        sys.exit("several processes share a room through PostgreSQL: pass --database postgresql://… "
                 "(tools/pg_local.sh prints one)")
    os.environ["FINTECH_LAB_DATABASE_URL"] = url
    store = cr.open_store(url)
    pids: list[int] = []
    setup = "one Streamlit process" if args.procs == 1 else f"{args.procs} Streamlit processes behind nginx"
    print(f"# classroom room benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores · {setup} · "
          f"{'PostgreSQL' if url.startswith('postgres') else 'SQLite'} · {args.students} bots · think {args.think:g} s")
    app = (serve(options=CLASS_OPTIONS, on_start=lambda p: pids.append(p.pid)) if args.procs == 1 else
           classroom(args.procs, options=CLASS_OPTIONS, on_start=lambda p: pids.append(p.pid)))
    with app as base:
        all_pids = pids if args.procs == 1 else pids[:-1] + family(pids[-1])
        asyncio.run(main_async(args, base, store, all_pids))


if __name__ == "__main__":
    main()
