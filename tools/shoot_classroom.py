"""Screenshots of a played classroom: lecturer, projector (1920×1080, ?present=1) and a student's phone (390×844),
in both languages, after bots have paid, mined and lent (a developer's look before class).

Usage: python tools/shoot_classroom.py OUTDIR [--port 8699]
Starts its own server on 127.0.0.1 with a throw-away SQLite database."""
import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tools.localserver import CHROMIUM_ARGS, local_only, serve  # noqa: E402


def play(url: str, activity: str):
    """A room with 12 bot students who have played ``activity``; returns (code, a student's token)."""
    from core import classroom as cr
    from core import crypto
    store = cr.open_store(url)
    code = store.create_room("2026", start_balance_fen=100_000)
    seats = [store.join(code, name) for name in ["小明", "Lina", "阿杰", "Omar", "小红", "Kai", "Mei", "Tom",
                                                 "思思", "Ana", "浩然", "Ben"]]
    store.set_activity(code, "2026", activity, True)
    if activity == "payments":
        store.update_settings(code, "2026", fee_bps=50)
        for i in range(60):
            s, to = seats[i % 12], seats[(i * 5 + 3) % 12].nickname
            to = cr.MERCHANT if to == s.nickname or i % 4 == 0 else to
            amount = 500 + (i * 37) % 3000
            rid = f"bot{i}"
            store.transfer(code, s.token, to, amount, rid,
                           crypto.sign(s.private_key, cr.transfer_message(code, s.nickname, to, amount, rid)))
    elif activity == "mining":
        store.update_settings(code, "2026", bits=10)
        for i in range(40):
            s = seats[(i * 7) % 12]
            tip, height, _ = store.tip(code)
            n = cr.mine_try(code, height + 1, tip, s.nickname, 10, i * 10_000, 3000)
            store.submit_block(code, s.token, tip, n, 3000 if n is None else n - i * 10_000 + 1, f"m{i}")
    else:
        for i, s in enumerate(seats):
            side = "borrow" if i % 2 else "lend"
            amount = 20_000 + 1_000 * i
            fields = {"side": side, "amount_fen": amount, "grades": "ABCDE", "min_rate": 0.0}
            store.place_order(code, s.token, side, amount, f"o{i}", crypto.sign(
                s.private_key, cr.order_message(code, s.nickname, "order", fields, f"o{i}")))
        store.match(code, "2026")
        store.update_settings(code, "2026", shock=3.0)
        store.settle(code, "2026", seed=1)
    return code, seats[0].token


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--port", type=int, default=8699)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{tempfile.mkdtemp(prefix='fl-shoot-')}/rooms.sqlite3"
    os.environ["FINTECH_LAB_DATABASE_URL"] = url
    rooms = {act: play(url, act) for act in ("payments", "mining", "p2p")}
    with serve(a.port) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for lang in ("zh", "en"):
            shots = [("start", 1920, 1080, f"classroom?lang={lang}")]
            for act, (code, token) in rooms.items():
                shots += [(f"projector-{act}", 1920, 1080, f"classroom?room={code}&view=projector&present=1&lang={lang}"),
                          (f"phone-{act}", 390, 844, f"classroom?room={code}&seat={token}&lang={lang}")]
            shots.append(("phone-join", 390, 844, f"classroom?room={rooms['payments'][0]}&lang={lang}"))
            shots.append(("lecturer-mining", 1920, 1080, f"classroom?room={rooms['mining'][0]}&view=lecturer&lang={lang}"))
            for name, w, h, path in shots:
                ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
                local_only(ctx)
                page = ctx.new_page()
                page.goto(f"{base}/{path}")
                page.wait_for_selector("[data-testid='stAppViewContainer']")
                page.wait_for_timeout(3000)
                if "view=lecturer" in path:     # type the PIN the way a lecturer does
                    page.get_by_label("PIN", exact=False).locator("visible=true").last.fill("2026")
                    page.keyboard.press("Enter")
                    page.get_by_text("Round controls" if lang == "en" else "轮次控制").wait_for(timeout=60_000)
                    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=60_000)
                    page.wait_for_timeout(2500)
                page.screenshot(path=str(out / f"classroom-{lang}-{name}.png"), full_page=True)
                ctx.close()
        browser.close()
    print("\n".join(sorted(str(p) for p in out.glob("classroom-*.png"))))


if __name__ == "__main__":
    main()
