"""IoT payment (course deck ch. 2, "future trends: IoT payment"): a device that pays for use by itself.

A connected car (the *device*) holds its own secp256k1 key.  Its owner registers the device's public key with
the payment platform once, together with two limits (per payment and per calendar day) and the wallet the
device may spend from.  From then on the car pays tolls, parking and charging without anyone touching a
phone: for each use it builds a *payment order* — device id, merchant, amount in fen, a counter and the
time — and signs exactly those bytes (ECDSA, ``core.crypto.sign``).  The platform accepts the order only if
every check passes, in this order:

1. the device is registered (its public key is on file);
2. the signature verifies against the *registered* key over the *received* bytes (SEC 1 / RFC 6979 ECDSA:
   any change of a byte, or a key other than the device's, fails);
3. the owner has not revoked the device (a lost or stolen car keeps its key — revocation is what stops it);
4. the counter is strictly greater than the last one seen from this device: a replayed order, byte for byte
   identical and so correctly signed, is refused (the counter/nonce defence of EMV tokenised payments and of
   FIDO authenticators' signature counters);
5. amount ≤ per-payment limit;  6. spent today + amount ≤ daily limit;  7. amount ≤ wallet balance.

The first failed check decides; later ones are not reached.  Money moves only on acceptance, from the owner's
wallet to the merchant, so the sum of all balances never changes (double entry).  The counter is recorded as
soon as checks 1–4 pass — even if a limit then refuses the order — so a refused order cannot be replayed
later when the limit has room again.

Everything here is pure and deterministic given a seed: ``simulate`` returns a ``core.trace.Trace`` with one
step per event (registration, each order, the owner's revocation), each step's state holding what the
device signed, what the platform checked and the running totals.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from core import crypto
from core.errors import InputError, require
from core.trace import Trace

#: the scenario's calendar starts on this day (a Monday); order times are minutes after its midnight
START_DATE = "2026-11-30"
_START = date.fromisoformat(START_DATE)
MINUTES_PER_DAY = 24 * 60
#: checks in the order the platform runs them (locale keys payments.iot.check.<name>)
CHECKS = ("registered", "signature", "not_revoked", "counter", "per_tx", "daily", "balance")
#: the reason a decision carries: "accepted", or the name of the first failed check
REASONS = ("accepted",) + CHECKS
MAX_FEN = 10_000_000          # ¥100,000: the largest limit or balance the simulation takes
MAX_DAYS = 36_525             # a hundred years: the latest order time the scenario's clock shows
MAX_MINUTE = MAX_DAYS * MINUTES_PER_DAY


# ---------------------------------------------------------------- keys and orders
def device_private_key(seed: int, who: str = "device") -> int:
    """A secp256k1 private key derived from the seed: k = (SHA-256("fintech-lab/iot/<who>/<seed>") mod (n−1)) + 1,
    so 1 ≤ k < n (SEC 1 §3.2.1).  A real device generates its key inside a secure element and never exports it."""
    digest = crypto.sha256(f"fintech-lab/iot/{who}/{int(seed)}".encode())
    return int.from_bytes(digest, "big") % (crypto.SECP256K1_N - 1) + 1


def clock(minute: int) -> str:
    """Minutes after the scenario's first midnight → ISO time ``2026-11-30T07:40``.

    ``minute`` is a whole number 0 … ``MAX_MINUTE`` (a hundred years): before the start is ``payments_iot_time``,
    beyond the bound ``payments_iot_time_range`` — never a date past the calendar's end."""
    require(isinstance(minute, (int, np.integer)) and not isinstance(minute, bool) and minute >= 0,
            "payments_iot_time", "time must be a non-negative minute")
    require(minute <= MAX_MINUTE, "payments_iot_time_range", "time beyond a hundred years",
            days=MAX_DAYS, hi=MAX_MINUTE)
    day, rest = divmod(int(minute), MINUTES_PER_DAY)
    return f"{_date(day)}T{rest // 60:02d}:{rest % 60:02d}"


def _date(day: int) -> str:
    return (_START + timedelta(days=int(day))).isoformat()


def _shown(iso: str | None) -> str:
    """An ISO time as a step's text shows it (``2026-12-02 10:00``), or "—" for none."""
    return iso.replace("T", " ") if iso else "—"


def _amount(amount_fen) -> int:
    require(isinstance(amount_fen, int) and not isinstance(amount_fen, bool), "payments_iot_amount",
            "amounts are whole fen", lo=1, hi=MAX_FEN)
    require(1 <= amount_fen <= MAX_FEN, "payments_iot_amount", "amount must be 1 fen … ¥100,000", lo=1, hi=MAX_FEN)
    return amount_fen


def order_bytes(device_id: str, merchant: str, amount_fen: int, counter: int, minute: int) -> bytes:
    """The payment order the device signs: canonical JSON (sorted keys, no spaces), so signer and platform hash
    exactly the same bytes — ``{"amount_fen":…,"counter":…,"device":…,"merchant":…,"time":"…"}``."""
    require(isinstance(device_id, str) and 0 < len(device_id) <= 40, "payments_iot_device_id", "device id: 1–40 characters")
    require(isinstance(merchant, str) and 0 < len(merchant) <= 40, "payments_iot_merchant", "merchant id: 1–40 characters")
    require(isinstance(counter, int) and 0 <= counter < 2 ** 32, "payments_iot_counter", "counter: 0 … 2³²−1")
    require(isinstance(minute, int) and minute >= 0, "payments_iot_time", "time must be a non-negative minute")
    return json.dumps({"amount_fen": _amount(amount_fen), "counter": counter, "device": device_id,
                       "merchant": merchant, "time": clock(minute)}, sort_keys=True, separators=(",", ":")).encode()


def sign_order(private_key: int, message: bytes) -> bytes:
    """ECDSA/secp256k1 signature (DER, deterministic RFC 6979 nonce, low-S) of SHA-256(message)."""
    return crypto.sign(private_key, message)


def parse_order(message: bytes) -> dict | None:
    """The order's fields, or None if the bytes are not an order (the platform then refuses it)."""
    try:
        order = json.loads(bytes(message).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, TypeError):
        return None
    keys = {"amount_fen", "counter", "device", "merchant", "time"}
    if not isinstance(order, dict) or set(order) != keys:
        return None
    if not all(isinstance(order[k], int) and not isinstance(order[k], bool) for k in ("amount_fen", "counter")):
        return None
    if not isinstance(order["time"], str) or len(order["time"]) != 16:
        return None
    return order


# ---------------------------------------------------------------- the platform
@dataclass
class Device:
    """A registered device: its public key, the owner's wallet it spends from, its limits and state."""

    device_id: str
    public_key: bytes
    owner: str
    per_tx_limit_fen: int
    daily_limit_fen: int
    last_counter: int = -1
    revoked_at: str | None = None            # ISO time of the owner's revocation
    spent: dict = field(default_factory=dict)  # date -> fen accepted that day


@dataclass(frozen=True)
class Decision:
    """The platform's answer to one order: accepted or the first failed check, and every check's result
    (True passed, False failed, None not reached), with the numbers each check compared."""

    accepted: bool
    reason: str
    checks: tuple
    order: dict | None


class IotPlatform:
    """Wallets, registered devices and the seven checks.  Balances in integer fen (double entry: a payment
    takes from the owner's wallet exactly what it gives the merchant)."""

    def __init__(self, balances_fen: dict[str, int]):
        for name, fen in balances_fen.items():
            require(isinstance(fen, int) and 0 <= fen <= MAX_FEN, "payments_iot_balance", "balances: 0 … ¥100,000",
                    lo=0, hi=MAX_FEN // 100)
        self.balances = dict(balances_fen)
        self.devices: dict[str, Device] = {}

    def register(self, device_id: str, public_key: bytes, owner: str, per_tx_limit_fen: int,
                 daily_limit_fen: int) -> Device:
        """The owner binds a device's public key to a wallet with two limits (done once, e.g. in the app)."""
        require(owner in self.balances, "payments_iot_unknown_wallet", "the owner has no wallet", name=owner)
        require(device_id not in self.devices, "payments_iot_device_exists", "device already registered", device=device_id)
        for limit in (per_tx_limit_fen, daily_limit_fen):
            require(isinstance(limit, int) and 1 <= limit <= MAX_FEN, "payments_iot_limit",
                    "limits: ¥0.01 … ¥100,000", lo=1, hi=MAX_FEN // 100)
        crypto._ecc_public(public_key)        # InputError unless a valid SEC 1 secp256k1 key
        device = Device(device_id, bytes(public_key), owner, per_tx_limit_fen, daily_limit_fen)
        self.devices[device_id] = device
        return device

    def revoke(self, device_id: str, minute: int) -> None:
        """The owner reports the device lost or stolen: every later order from it is refused."""
        require(device_id in self.devices, "payments_iot_unknown_device", "no such device", device=device_id)
        self.devices[device_id].revoked_at = clock(minute)

    def total(self) -> int:
        """Sum of all wallets (fen): constant, because payments only move money between wallets."""
        return sum(self.balances.values())

    def authorise(self, message: bytes, signature: bytes) -> Decision:
        """Run the seven checks on the received bytes and signature; move the money if all pass."""
        results: list[tuple[str, bool | None, dict]] = []

        def finish(reason: str, order: dict | None) -> Decision:
            done = {name for name, _, _ in results}
            checks = tuple(results) + tuple((name, None, {}) for name in CHECKS if name not in done)
            return Decision(reason == "accepted", reason, checks, order)

        order = parse_order(message)
        device = self.devices.get(order["device"]) if order else None
        results.append(("registered", device is not None, {"device": order["device"] if order else "?"}))
        if device is None:
            return finish("registered", order)
        ok = crypto.verify(device.public_key, message, signature)
        results.append(("signature", ok, {"pubkey": device.public_key.hex()[:16]}))
        if not ok:
            return finish("signature", order)
        ok = device.revoked_at is None or order["time"] < device.revoked_at
        results.append(("not_revoked", ok, {"revoked_at": _shown(device.revoked_at)}))
        if not ok:
            return finish("not_revoked", order)
        ok = order["counter"] > device.last_counter
        results.append(("counter", ok, {"counter": order["counter"], "last": device.last_counter}))
        if not ok:
            return finish("counter", order)
        device.last_counter = order["counter"]       # recorded now: a refused order cannot be replayed later
        amount = order["amount_fen"]
        ok = 1 <= amount <= device.per_tx_limit_fen
        results.append(("per_tx", ok, {"amount_fen": amount, "limit_fen": device.per_tx_limit_fen}))
        if not ok:
            return finish("per_tx", order)
        day = order["time"][:10]
        spent = device.spent.get(day, 0)
        ok = spent + amount <= device.daily_limit_fen
        results.append(("daily", ok, {"spent_fen": spent, "amount_fen": amount,
                                      "limit_fen": device.daily_limit_fen}))
        if not ok:
            return finish("daily", order)
        balance = self.balances[device.owner]
        ok = amount <= balance
        results.append(("balance", ok, {"balance_fen": balance, "amount_fen": amount}))
        if not ok:
            return finish("balance", order)
        self.balances[device.owner] -= amount
        self.balances[order["merchant"]] = self.balances.get(order["merchant"], 0) + amount
        device.spent[day] = spent + amount
        return finish("accepted", order)


# ---------------------------------------------------------------- the seeded scenario
#: (day, minute of day, kind, merchant, amount range in fen) — a commuter's car over three days
PLAN = (
    (0, 7 * 60 + 40, "toll", "toll-g4-017", (1500, 3500)),
    (0, 9 * 60 + 10, "parking", "park-mall-p2", (600, 1500)),
    (0, 12 * 60 + 30, "charging", "ev-station-17", (6000, 9000)),
    (0, 18 * 60 + 5, "toll", "toll-g4-022", (1500, 3500)),
    (0, 19 * 60 + 30, "charging", "ev-station-03", (11000, 14000)),   # a fast charge: above ¥100 per payment
    (0, 21 * 60 + 10, "toll", "toll-g4-030", (6500, 9000)),           # a long trip: over ¥150 that day
    (1, 7 * 60 + 50, "toll", "toll-g4-017", (1500, 3500)),
    (1, 12 * 60 + 0, "carwash", "wash-west-2", (2000, 4000)),
    (1, 17 * 60 + 30, "charging", "ev-station-17", (6000, 9000)),
    (2, 7 * 60 + 45, "toll", "toll-g4-017", (1500, 3500)),
    (2, 11 * 60 + 20, "toll", "toll-g6-101", (3000, 6000)),           # after the theft: the thief drives on
    (2, 12 * 60 + 40, "charging", "ev-station-44", (6000, 9000)),
    (2, 14 * 60 + 5, "parking", "park-airport", (1500, 3000)),
)
DEVICE_ID = "car-8R1024"
OWNER = "owner"
#: the attacker's account that a tampered order tries to pay
ATTACKER = "shop-x"
STOLEN_AT = (2, 10 * 60)          # day 3, 10:00: the owner notices and revokes the car
REPLAY_AFTER = 2                  # the replayed order is a copy of PLAN[2] (the midday charge)
FORGE_AFTER = 6                   # the tampered order is PLAN[6] with its merchant changed


def _state(platform: IotPlatform, device: Device, rows: list, **extra) -> dict:
    return {"balances": dict(platform.balances), "total_fen": platform.total(), "rows": [dict(r) for r in rows],
            "revoked_at": device.revoked_at, "last_counter": device.last_counter, **extra}


def simulate(seed: int = 42, per_tx_limit_fen: int = 10_000, daily_limit_fen: int = 15_000,
             balance_fen: int = 30_000, stolen: bool = True, replay: bool = True, forge: bool = True) -> Trace:
    """Replay a car's three days of use against the platform: one step for the registration, one per order
    (the device's own, a replayed copy, a tampered copy, the thief's) and one for the owner's revocation.

    Amounts are drawn from ``PLAN``'s ranges with ``random.Random(seed)``; keys derive from the seed.  Each
    order step's state holds the signed bytes, the signature, the checks and the running rows (one per order:
    time, merchant, amount, decision, spent today, wallet) that the page charts and offers as CSV."""
    require(isinstance(seed, int) and 0 <= seed <= 99_999, "payments_iot_seed", "seed: 0 … 99,999", lo=0, hi=99_999)
    for limit in (per_tx_limit_fen, daily_limit_fen):
        require(isinstance(limit, int) and 1 <= limit <= MAX_FEN, "payments_iot_limit", "limits: ¥0.01 … ¥100,000",
                lo=1, hi=MAX_FEN // 100)
    require(isinstance(balance_fen, int) and 0 <= balance_fen <= MAX_FEN, "payments_iot_balance",
            "balance: 0 … ¥100,000", lo=0, hi=MAX_FEN // 100)
    rng = random.Random(seed)
    amounts = [rng.randint(lo, hi) for *_, (lo, hi) in PLAN]
    key = device_private_key(seed)
    public_key = crypto.public_key(key)
    platform = IotPlatform({OWNER: balance_fen})
    device = platform.register(DEVICE_ID, public_key, OWNER, per_tx_limit_fen, daily_limit_fen)
    trace = Trace(meta={"seed": seed, "device": DEVICE_ID, "public_key": public_key.hex(),
                        "per_tx_limit_fen": per_tx_limit_fen, "daily_limit_fen": daily_limit_fen,
                        "balance_fen": balance_fen, "start_total_fen": platform.total()})
    rows: list[dict] = []
    trace.add("payments.iot.step.register", _state(platform, device, rows, kind="register"),
              device=DEVICE_ID, pubkey=public_key.hex()[:20], per_tx_fen=per_tx_limit_fen, daily_fen=daily_limit_fen,
              balance_fen=balance_fen)

    signed: list[tuple[bytes, bytes]] = []
    counter = 0
    revoked = False

    def submit(message: bytes, signature: bytes, who: str, minute: int) -> None:
        decision = platform.authorise(message, signature)
        order = decision.order or {}
        day = clock(minute)[:10]
        rows.append({"time": clock(minute), "who": who, "merchant": order.get("merchant", "?"),
                     "amount_fen": order.get("amount_fen", 0), "counter": order.get("counter", -1),
                     "decision": decision.reason, "spent_today_fen": device.spent.get(day, 0),
                     "wallet_fen": platform.balances[OWNER]})
        trace.add(f"payments.iot.step.{'accepted' if decision.accepted else 'refused_' + decision.reason}",
                  _state(platform, device, rows, kind="order", who=who, message=message.decode(),
                         signature=signature.hex(), checks=decision.checks, day=day),
                  who=who, merchant=order.get("merchant", "?"), amount_fen=order.get("amount_fen", 0),
                  counter=order.get("counter", -1), last=device.last_counter,
                  per_tx_fen=per_tx_limit_fen, daily_fen=daily_limit_fen,
                  spent_fen=device.spent.get(day, 0), wallet_fen=platform.balances[OWNER],
                  revoked_at=_shown(device.revoked_at))

    for i, (day, minute_of_day, _kind, merchant, _range) in enumerate(PLAN):
        minute = day * MINUTES_PER_DAY + minute_of_day
        if stolen and not revoked and (day, minute_of_day) > STOLEN_AT:
            revoked = True
            platform.revoke(DEVICE_ID, STOLEN_AT[0] * MINUTES_PER_DAY + STOLEN_AT[1])
            trace.add("payments.iot.step.revoke", _state(platform, device, rows, kind="revoke"),
                      device=DEVICE_ID, time=_shown(clock(STOLEN_AT[0] * MINUTES_PER_DAY + STOLEN_AT[1])))
        counter += 1
        message = order_bytes(DEVICE_ID, merchant, amounts[i], counter, minute)
        signature = sign_order(key, message)
        signed.append((message, signature))
        submit(message, signature, "thief" if revoked else "device", minute)
        if replay and i == REPLAY_AFTER:
            # someone who recorded the charge sends the same bytes and signature again, 15 minutes later
            submit(message, signature, "replay", minute + 15)
        if forge and i == FORGE_AFTER:
            # a man in the middle rewrites the merchant to his own account but cannot re-sign
            tampered = message.replace(merchant.encode(), ATTACKER.encode())
            submit(tampered, signature, "forger", minute + 20)
    trace.meta["final_total_fen"] = platform.total()
    trace.meta["balances"] = dict(platform.balances)
    return trace


_META = ("balance_fen", "balances", "start_total_fen", "final_total_fen")


def _rows(trace: Trace) -> list:
    """The order rows of a run made by ``simulate`` (its last step's state), or ``payments_iot_trace``."""
    ok = isinstance(trace, Trace) and len(trace) > 0 and isinstance(trace.meta, dict) \
        and all(k in trace.meta for k in _META) and isinstance(trace.meta["balances"], dict) \
        and OWNER in trace.meta["balances"] and isinstance(trace[-1].state, dict) \
        and isinstance(trace[-1].state.get("rows"), list) \
        and all(isinstance(r, dict) and {"decision", "amount_fen"} <= set(r) for r in trace[-1].state["rows"])
    require(ok, "payments_iot_trace", "not a run of iot.simulate")
    return trace[-1].state["rows"]


def summary(trace: Trace) -> dict:
    """Counts of this run: orders, accepted (and fen), refusals by reason, first and last wallet, totals.
    ``trace`` must be a run of ``simulate`` (``payments_iot_trace`` otherwise)."""
    rows = _rows(trace)
    by_reason = {reason: sum(r["decision"] == reason for r in rows) for reason in REASONS}
    return {"orders": len(rows), "by_reason": by_reason,
            "accepted_fen": sum(r["amount_fen"] for r in rows if r["decision"] == "accepted"),
            "refused": len(rows) - by_reason["accepted"], "wallet_start_fen": trace.meta["balance_fen"],
            "wallet_end_fen": trace.meta["balances"][OWNER], "total_start_fen": trace.meta["start_total_fen"],
            "total_end_fen": trace.meta["final_total_fen"]}


def run_frame(trace: Trace) -> pd.DataFrame:
    """One row per order of the run (for the CSV download): time, sender, merchant, amount (fen), counter,
    decision, spent that day and wallet after it.  ``trace`` must be a run of ``simulate``."""
    return pd.DataFrame(_rows(trace), columns=["time", "who", "merchant", "amount_fen", "counter",
                                                          "decision", "spent_today_fen", "wallet_fen"])
