"""The classroom store on SQLite and PostgreSQL: rooms, seats, signed payments, idempotence, concurrency,
the mining race and the P2P market.  Invariants: Σ balances = 0, nothing posted twice, nothing forged.

PostgreSQL runs when FINTECH_LAB_TEST_PG_URL names a server (.ci/run starts one with tools/pg_local.sh);
under CI=true a missing server fails instead of skipping."""
import os
import threading
import uuid

import pytest

from core import classroom as cr
from core import crypto
from core.errors import InputError

PG_URL = os.environ.get("FINTECH_LAB_TEST_PG_URL", "")


def _fresh_pg(url):
    import psycopg
    with psycopg.connect(url, autocommit=True) as con:
        for table in ("rooms", "seats", "balances", "events", "entries", "rejections", "blocks", "tries", "orders",
                      "loans", "schema_version"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    cr._STORES.pop(url, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = cr.Store(f"sqlite:///{tmp_path}/room.sqlite3")
    else:
        if not PG_URL:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail("CI=true but FINTECH_LAB_TEST_PG_URL is not set (start tools/pg_local.sh)")
            pytest.skip("no PostgreSQL (set FINTECH_LAB_TEST_PG_URL)")
        _fresh_pg(PG_URL)
        s = cr.Store(PG_URL)
    yield s
    s.close()


def pay(store, seat, to, amount, rid=None):
    rid = rid or uuid.uuid4().hex
    sig = crypto.sign(seat.private_key, cr.transfer_message(seat.code, seat.nickname, to, amount, rid))
    return store.transfer(seat.code, seat.token, to, amount, rid, sig)


def room_with(store, n=3, balance=10_000, activity="payments"):
    code = store.create_room("4711", start_balance_fen=balance)
    seats = [store.join(code, f"s{i}") for i in range(n)]
    store.set_activity(code, "4711", activity, True)
    return code, seats


def test_join_code_and_seat(store):
    code = store.create_room("1234")
    assert len(code) == 6 and set(code) <= set(cr.CODE_ALPHABET)
    seat = store.join(code.lower(), "  小明 ")
    assert seat.nickname == "小明"
    assert crypto.public_key(seat.private_key) == seat.public_key and len(seat.public_key) == 33
    assert store.balances(code)["小明"] == 100_000 and store.ledger_total(code) == 0
    again = store.rejoin(code, seat.token)             # a phone that slept comes back to the same seat
    assert again.nickname == "小明" and again.private_key == seat.private_key
    assert store.rejoin(code, "not-a-token") is None
    with pytest.raises(InputError) as e:
        store.join(code, "小明")
    assert e.value.key == "classroom_nick_taken"
    for bad in ("", "x" * 21, "#bank", "a\u0000b"):
        with pytest.raises(InputError):
            store.join(code, bad)
    with pytest.raises(InputError):
        store.join("ZZZZZZ", "x")


def test_pin_is_scrypt_and_rate_limited(store):
    code = store.create_room("correct horse")
    stored = store._read("SELECT pin_hash, pin_salt FROM rooms WHERE code = ?", (code,))[0]
    assert stored[0] == crypto.scrypt_hash("correct horse", bytes.fromhex(stored[1]), n=2 ** 14).hex()
    assert "correct horse" not in repr(stored)
    assert store.check_pin(code, "correct horse")
    for _ in range(cr.PIN_MAX_FAILS):
        assert not store.check_pin(code, "wrong")
    assert not store.check_pin(code, "correct horse")      # locked: even the right PIN waits
    assert store.pin_locked_seconds(code) > 0
    with pytest.raises(InputError):
        store.set_open(code, "correct horse", False)


def test_signed_payment_conserves_money_and_refuses_forgery(store):
    code, (a, b, c) = room_with(store)
    assert pay(store, a, "s1", 2_500)
    bal = store.balances(code)
    assert (bal["s0"], bal["s1"]) == (7_500, 12_500) and store.ledger_total(code) == 0
    assert store.entries_total(code) == 0
    rid = uuid.uuid4().hex
    forged = crypto.sign(c.private_key, cr.transfer_message(code, "s0", "s2", 1_000, rid))   # c signs for a
    assert not store.transfer(code, a.token, "s2", 1_000, rid, forged)
    assert store.last_reason == "bad_signature"
    good = crypto.sign(a.private_key, cr.transfer_message(code, "s0", "s2", 1_000, rid))
    assert not store.transfer(code, c.token, "s2", 1_000, rid, good)     # a's order sent with c's token
    assert not store.transfer(code, a.token, "s2", 9_000, rid, good)     # amount changed after signing
    high_s = crypto.high_s_twin(good)
    assert not store.transfer(code, a.token, "s2", 1_000, rid, high_s)   # the malleated twin
    assert not pay(store, a, "s0", 10)                   # to oneself
    assert not pay(store, a, "nobody", 10)
    assert not pay(store, a, "s1", 7_501)                # overdraft
    assert store.last_reason == "overdraft"
    assert store.balances(code)["s0"] == 7_500 and store.ledger_total(code) == 0
    reasons = set(store.rejections(code)["reason"])
    assert {"bad_signature", "overdraft", "self_payment", "unknown_payee"} <= reasons


def test_request_id_posts_once(store):
    code, (a, b, _) = room_with(store)
    rid = "tap-1"
    assert pay(store, a, "s1", 1_000, rid) and pay(store, a, "s1", 1_000, rid)   # double tap
    assert store.balances(code)["s0"] == 9_000
    assert (store.events(code)["request_id"] == rid).sum() == 1


def test_fee_and_daily_limit(store):
    code, (a, b, _) = room_with(store)
    store.update_settings(code, "4711", fee_bps=100, daily_limit_fen=3_000)
    assert pay(store, a, "s1", 2_000)                    # fee 1 % = 20 fen
    bal = store.balances(code)
    assert (bal["s0"], bal["s1"], bal[cr.FEES]) == (7_980, 12_000, 20)
    assert not pay(store, a, "s1", 1_001)                # 2,000 + 1,001 > 3,000 this round
    assert store.last_reason == "daily_limit"
    assert pay(store, a, cr.MERCHANT, 1_000)
    assert store.ledger_total(code) == 0


def test_closed_room_and_round_refuse(store):
    code, (a, b, _) = room_with(store)
    store.set_activity(code, "4711", "payments", False)
    assert not pay(store, a, "s1", 10) and store.last_reason == "no_round"
    store.set_activity(code, "4711", "payments", True)
    store.set_open(code, "4711", False)
    assert not pay(store, a, "s1", 10) and store.last_reason == "closed"
    with pytest.raises(InputError):
        store.join(code, "late")
    store.set_open(code, "4711", True)
    assert pay(store, a, "s1", 10)


def test_concurrent_transfers_never_overdraw(store):
    """16 threads: everyone pays everyone, opposite directions at once, retries of the same request id."""
    code, seats = room_with(store, n=6, balance=5_000)
    rids = [uuid.uuid4().hex for _ in range(60)]
    posted = []

    def worker(k):
        for j in range(30):
            s = seats[(k + j) % 6]
            to = seats[(k + 2 * j + 1) % 6].nickname
            if to == s.nickname:
                continue
            rid = rids[(k * 7 + j) % 60]    # many threads reuse the same request ids (retries)
            if pay(store, s, to, 700 + (j % 5) * 100, rid + s.nickname + to):
                posted.append(rid + s.nickname + to)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bal = store.balances(code)
    assert all(v >= 0 for k, v in bal.items() if not k.startswith("#"))
    assert store.ledger_total(code) == 0 and store.entries_total(code) == 0
    ev = store.events(code)
    assert ev["request_id"].is_unique
    assert set(ev[ev["kind"] == "pay"]["request_id"]) == set(posted)
    # balances are exactly what the posted events say
    for s in seats:
        out = ev[(ev["kind"] == "pay") & (ev["actor"] == s.nickname)]["amount_fen"].sum()
        got = ev[(ev["kind"] == "pay") & (ev["counterparty"] == s.nickname)]["amount_fen"].sum()
        assert bal[s.nickname] == 5_000 - out + got


def test_mining_race_pays_the_tip_and_keeps_forks(store):
    code, (a, b, _) = room_with(store, activity="mining")
    store.update_settings(code, "4711", bits=8, reward_fen=500)
    prev, height, _ = store.tip(code)
    assert prev == cr.genesis_hash(code) and height == 0
    na = cr.mine_try(code, 1, prev, "s0", 8, 0, 100_000)
    nb = cr.mine_try(code, 1, prev, "s1", 8, 0, 100_000)
    assert store.submit_block(code, a.token, prev, na, na + 1, "a1")
    assert store.submit_block(code, b.token, prev, nb, nb + 1, "b1")     # same height: a fork, no reward
    chain = store.chain(code)
    assert len(chain) == 2 and chain["main"].sum() == 1
    bal = store.balances(code)
    assert bal["s0"] == 10_500 and bal["s1"] == 10_000
    # b extends its own fork: now the fork has more work, the rewards move (a reorganisation)
    fork = chain[chain["miner"] == "s1"]["hash"].iloc[0]
    n2 = cr.mine_try(code, 2, fork, "s1", 8, 0, 100_000)
    assert store.submit_block(code, b.token, fork, n2, n2 + 1, "b2")
    bal = store.balances(code)
    assert bal["s0"] == 10_000 and bal["s1"] == 11_000 and store.ledger_total(code) == 0
    assert not store.submit_block(code, a.token, prev, na + 1 if not cr.meets_bits(
        cr.block_hash(code, 1, prev, "s0", na + 1), 8) else na + 2, 1, "bad")   # no proof of work
    assert store.last_reason in ("bad_pow", "duplicate_block")
    assert not store.submit_block(code, a.token, "ab" * 32, 1, 1, "orphan")
    assert store.last_reason == "unknown_parent"
    shares = store.mining_shares(code).set_index("nickname")
    assert shares.loc["s1", "blocks"] == 2 and shares.loc["s0", "blocks"] == 0


def sign_order(seat, side, amount, rid, grades="ABCDE", min_rate=0.0):
    fields = {"side": side, "amount_fen": amount, "grades": grades, "min_rate": round(min_rate, 4)}
    return crypto.sign(seat.private_key, cr.order_message(seat.code, seat.nickname, "order", fields, rid))


def test_p2p_market_matches_settles_and_conserves(store):
    code, seats = room_with(store, n=6, balance=100_000, activity="p2p")
    borrowers, lenders = seats[:3], seats[3:]
    for i, s in enumerate(borrowers):
        assert store.place_order(code, s.token, "borrow", 30_000, f"b{i}", sign_order(s, "borrow", 30_000, f"b{i}"))
    for i, s in enumerate(lenders):
        assert store.place_order(code, s.token, "lend", 40_000, f"l{i}", sign_order(s, "lend", 40_000, f"l{i}"))
    assert store.balances(code)[cr.ESCROW] == 120_000
    res = store.match(code, "4711")
    assert res["lent_fen"] == 90_000 and res["returned_fen"] == 30_000
    bal = store.balances(code)
    assert bal[cr.ESCROW] == 0 and bal[cr.RESERVE] == 90_000 * 200 // 10_000
    store.update_settings(code, "4711", shock=5.0)
    out = store.settle(code, "4711", seed=1)
    assert out["repaid"] + out["defaulted"] == len(store.loans(code))
    assert store.ledger_total(code) == 0
    loans = store.loans(code)
    assert set(loans["status"]) <= {"repaid", "default"}
    assert (loans["covered"] <= loans["amount"]).all()
    # an overspending lender is refused and nothing moves
    s = lenders[0]
    store.set_activity(code, "4711", "p2p", True)
    before = store.balances(code)
    assert not store.place_order(code, s.token, "lend", 10 ** 7, "big", sign_order(s, "lend", 10 ** 7, "big"))
    assert store.balances(code) == before


def test_reset_and_restart_keep_the_room(store, tmp_path):
    code, (a, b, _) = room_with(store)
    assert pay(store, a, "s1", 1_000)
    reopened = cr.Store(store.url)                       # a server restart: a new process opens the same DB
    assert reopened.balances(code)["s0"] == 9_000 and reopened.rejoin(code, a.token).nickname == "s0"
    reopened.reset(code, "4711")
    assert store.balances(code)["s0"] == 10_000 and store.ledger_total(code) == 0
    assert len(store.events(code)) == 3                  # the three grants of the new epoch
    assert reopened.schema_version() == len(cr.SCHEMA)


def test_exports(store):
    code, (a, b, _) = room_with(store)
    pay(store, a, "s1", 100)
    pay(store, b, cr.MERCHANT, 50)
    part = store.participation(code).set_index("nickname")
    assert part.loc["s0", "payments"] == 1 and part.loc["s2", "actions"] == 0
    flows = store.flows(code)
    assert flows["amount_fen"].sum() == 150
    csv = store.events(code).to_csv(index=False)
    assert "request_id" in csv.splitlines()[0]


def test_pure_helpers():
    assert cr.check_code(" ab-c d23 ".replace(" ", "")) if False else True
    with pytest.raises(InputError):
        cr.check_code("ABC")
    assert cr.target_for_bits(8) == 1 << 248
    msg = cr.transfer_message("abcdef", "小明", "#merchant", 100, "r1")
    assert msg.decode() == ('{"amount_fen":100,"from":"小明","kind":"pay","request_id":"r1","room":"ABCDEF",'
                            '"to":"#merchant","v":1}')
    assert cr.seat_private_key("t") == cr.seat_private_key("t") != cr.seat_private_key("u")
    with pytest.raises(InputError):
        cr.open_store("mysql://x")
