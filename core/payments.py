"""Internet payments (chapter 2): real-name checks, the account lifecycle on a double-entry ledger,
clearing topologies and the security of a payment message.

Money is integer fen in a ``core.ledger.Ledger``.  The platform model follows the Chinese rules for
non-bank payment institutions: customer money (备付金) is held in one reserve account at the central
bank — 100 % centrally deposited since 2019-01-14 (PBOC notice 银办发〔2018〕114号) — so at every
moment the reserve equals the sum of all customer balances on the platform.

Sources: GB 11643-1999 (citizen identification number), ISO/IEC 7812-1 (card numbers, Luhn check),
RFC 6238 (TOTP), NIST SP 800-38D (AES-GCM), RFC 8018 / RFC 7914 (PBKDF2 / scrypt).
"""
from __future__ import annotations

import copy
import datetime as _dt
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import crypto
from core.errors import InputError, check_count, require
from core.ledger import Ledger
from core.trace import Trace

DATA = Path(__file__).resolve().parent.parent / "data"
FACT_TABLES = ("payments_facts", "crossborder")


def load_facts(name: str):
    """A sourced fact table from data/<name>.csv, indexed by ``id``; every row must name its source."""
    import pandas as pd
    require(name in FACT_TABLES, "data_empty", "unknown table", table=name)
    table = pd.read_csv(DATA / f"{name}.csv")
    require(len(table) > 0, "data_empty", "the table is empty", table=name)
    require(table["source"].notna().all() and (table["source"].str.strip() != "").all(), "data_no_source",
            "every fact needs a source", table=name)
    return table.set_index("id")


# ---------------------------------------------------------------- check digits
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)   # GB 11643-1999 §8.2: 2^(18-i) mod 11
ID_CHECK_CHARS = "10X98765432"                                       # check character for (Σ aᵢ·wᵢ) mod 11


def luhn_checksum(digits: str) -> int:
    """Luhn sum mod 10 (ISO/IEC 7812-1 Annex B): from the right, double every second digit,
    subtract 9 from results above 9, add everything up.  A valid number gives 0."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if position % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10


def luhn_valid(number: str) -> bool:
    """True iff ``number`` is a string of at least 2 ASCII digits whose Luhn sum is 0 mod 10
    (ISO/IEC 7812-1 Annex B).  Example: 79927398713 is valid, 79927398710 is not."""
    if not isinstance(number, str) or len(number) < 2 or not (number.isascii() and number.isdigit()):
        return False
    return luhn_checksum(number) == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload`` + digit pass the Luhn check."""
    require(isinstance(payload, str) and payload.isascii() and payload.isdigit() and payload != "",
            "payments_card_format", "payload must be digits", number=str(payload)[:24])
    return str((10 - luhn_checksum(payload + "0")) % 10)


def id_check_char(first17: str) -> str:
    """GB 11643-1999 check character: S = Σ aᵢ·wᵢ (wᵢ = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2),
    check = "10X98765432"[S mod 11]."""
    require(isinstance(first17, str) and len(first17) == 17 and first17.isascii() and first17.isdigit(),
            "payments_id_format", "the first 17 characters must be digits", number=str(first17)[:24])
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def id_birth_date(id_number: str) -> _dt.date | None:
    """Birth date in positions 7–14 (YYYYMMDD) of an 18-character ID, or None if it is not a real date."""
    if not isinstance(id_number, str) or len(id_number) < 14 or not id_number[6:14].isdigit():
        return None
    try:
        return _dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def resident_id_valid(id_number: str, today: _dt.date | None = None) -> bool:
    """True iff ``id_number`` is a valid 18-character resident ID (GB 11643-1999): 17 digits
    (6-digit address code, 8-digit birth date YYYYMMDD, 3-digit sequence) and a check character
    "10X98765432"[Σ aᵢ·wᵢ mod 11] (X may be written x).  The birth date must be a real calendar
    date from 1800 on and not after ``today`` (default: the system date).
    Example: 11010519491231002X is valid, 110105194912310021 is not."""
    if not isinstance(id_number, str) or len(id_number) != 18 or not id_number.isascii():
        return False
    body, check = id_number[:17], id_number[17].upper()
    if not body.isdigit() or not (check.isdigit() or check == "X"):
        return False
    born = id_birth_date(id_number)
    if born is None or born.year < 1800 or born > (today or _dt.date.today()):
        return False
    return id_check_char(body) == check


def normalize_card(number: str) -> str:
    """Drop the spaces people type between digit groups ("6222 0200 ...")."""
    return "".join(str(number).split())


def check_card(number: str) -> str:
    """Validate a bank-card number for binding: 13–19 digits (ISO/IEC 7812-1 allows at most 19)
    and a correct Luhn check digit.  Returns the normalized number or raises ``InputError``."""
    digits = normalize_card(number)
    require(digits.isascii() and digits.isdigit() and 13 <= len(digits) <= 19, "payments_card_format",
            "a card number has 13 to 19 digits", number=mask(digits))
    require(luhn_valid(digits), "payments_card_luhn", "the Luhn check digit is wrong", number=mask(digits),
            expected=luhn_check_digit(digits[:-1]))
    return digits


def check_resident_id(id_number: str, today: _dt.date | None = None) -> str:
    """Validate a resident ID with a specific reason (format, birth date, check character)."""
    text = str(id_number).strip().upper()
    require(len(text) == 18 and text[:17].isascii() and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X"),
            "payments_id_format", "an ID number has 17 digits and a final digit or X", number=mask(text))
    born = id_birth_date(text)
    require(born is not None and born.year >= 1800 and born <= (today or _dt.date.today()),
            "payments_id_birth", "positions 7–14 are not a real birth date", date=text[6:14])
    expected = id_check_char(text[:17])
    require(expected == text[17], "payments_id_check", "the check character is wrong", number=mask(text),
            expected=expected, given=text[17])
    return text


def mask(number: str) -> str:
    """Show only the first 4 and last 4 characters, as payment apps do."""
    s = str(number)
    return s if len(s) <= 8 else s[:4] + "*" * (len(s) - 8) + s[-4:]


# ---------------------------------------------------------------- one-time codes
OTP_STEP = 30        # seconds (RFC 6238 default)
OTP_DIGITS = 6       # SMS-style code


def otp_secret(seed: int) -> bytes:
    """A per-scenario 20-byte TOTP secret (RFC 4226 recommends 160 bits) derived from the seed."""
    return crypto.sha256(f"fintech-lab/payments/otp/{int(seed)}".encode())[:20]


def verify_otp(secret: bytes, code: str, now: int, window: int = 1, expired_after: int = 10) -> int:
    """Accept ``code`` if it is the TOTP of the current step or of up to ``window`` earlier steps
    (RFC 6238 §5.2: allow at most one step of network delay).  A code that matches an older step
    (up to ``expired_after`` steps back) is *expired*; anything else is *wrong*.
    Returns the seconds the accepted code has left."""
    code = str(code).strip()
    require(len(code) == OTP_DIGITS and code.isascii() and code.isdigit(), "payments_otp_format",
            "a one-time code has 6 digits", digits=OTP_DIGITS)
    for back in range(window + 1):
        t = now - back * OTP_STEP
        if t >= 0 and crypto.totp(secret, t, OTP_DIGITS, OTP_STEP) == code:
            return crypto.totp_seconds_left(now, OTP_STEP)
    for back in range(window + 1, expired_after + 1):
        t = now - back * OTP_STEP
        if t >= 0 and crypto.totp(secret, t, OTP_DIGITS, OTP_STEP) == code:
            raise InputError("payments_otp_expired", "the one-time code has expired", minutes=round(back * OTP_STEP / 60, 1))
    raise InputError("payments_otp_wrong", "the one-time code is wrong")


# ---------------------------------------------------------------- the platform on a ledger
RESERVE = "reserve"            # 备付金: customer money, 100 % deposited at the central bank
ISSUED = "customer_funds"      # what the platform owes its customers (a liability: negative balance)
FEES = "fee_income"            # the platform's own money (fees), outside the reserve
OUTSIDE = "outside"            # money entering the model from outside (salaries, working capital)


@dataclass
class Payment:
    """One payment from a user to a merchant; refunds and T+1 settlement are tracked on it."""

    pid: int
    user: str
    merchant: str
    amount_fen: int
    day: int
    refunded_fen: int = 0
    settled: bool = False


class PaymentPlatform:
    """A third-party payment platform on a double-entry ledger.

    Accounts: ``<user>.bank`` (deposit at the user's bank), ``<user>.wallet`` (balance on the
    platform), the same for merchants, ``reserve`` (at the central bank), ``customer_funds``
    (the platform's obligation, always −Σ wallets) and ``fee_income``.  Every operation is checked
    completely before it posts, so a refused operation leaves the books exactly as they were.
    """

    def __init__(self, fee_bp: int = 60, daily_limit_fen: int = 2_000_000):
        require(isinstance(fee_bp, int) and 0 <= fee_bp <= 1000, "payments_fee_range",
                "the fee is 0 to 1000 basis points", lo=0, hi=1000)
        require(isinstance(daily_limit_fen, int) and daily_limit_fen > 0, "payments_limit_range",
                "the daily limit must be positive")
        self.fee_bp = fee_bp
        self.daily_limit_fen = daily_limit_fen
        self.ledger = Ledger()
        self.ledger.open(OUTSIDE, allow_negative=True)
        self.ledger.open(RESERVE)
        self.ledger.open(ISSUED, allow_negative=True)
        self.ledger.open(FEES)
        self.users: list[str] = []
        self.merchants: list[str] = []
        self.payments: list[Payment] = []
        self.day = 0

    # ------------------------------------------------------------ parties
    def add_user(self, name: str, bank_fen: int = 0) -> None:
        """Open a user's bank deposit and platform wallet; ``bank_fen`` arrives from outside (a salary)."""
        self._new_party(name, bank_fen)
        self.users.append(name)

    def add_merchant(self, name: str, bank_fen: int = 0) -> None:
        """Open a merchant's bank account (with working capital ``bank_fen``) and platform balance."""
        self._new_party(name, bank_fen)
        self.merchants.append(name)

    def _new_party(self, name: str, bank_fen: int) -> None:
        require(name not in self.users + self.merchants, "payments_party_exists", "name already used", name=name)
        amount = _amount(bank_fen, allow_zero=True)
        self.ledger.open(f"{name}.bank")
        self.ledger.open(f"{name}.wallet")
        if amount:
            self.ledger.transfer(OUTSIDE, f"{name}.bank", amount, "opening deposit")

    def register(self, name: str, id_number: str, card_number: str, secret: bytes, code: str, now: int,
                 bank_fen: int = 0, today: _dt.date | None = None) -> dict:
        """Real-name registration: resident ID (GB 11643), bank card (Luhn), one-time code (TOTP).
        All checks run before any account is opened."""
        id_text = check_resident_id(id_number, today)
        card = check_card(card_number)
        left = verify_otp(secret, code, now)
        self.add_user(name, bank_fen)
        return {"id": mask(id_text), "card": mask(card), "born": id_birth_date(id_text).isoformat(), "otp_left": left}

    # ------------------------------------------------------------ money movements
    def top_up(self, user: str, amount_fen: int) -> None:
        """Top up: the user's bank pays the reserve; the platform owes the user the same amount.
        Entry: bank −a, reserve +a, customer_funds −a, wallet +a."""
        a = _amount(amount_fen)
        self._require_party(user, self.users)
        self._require_funds(f"{user}.bank", a, "payments_bank_funds")
        self.ledger.post([(f"{user}.bank", -a), (RESERVE, a), (ISSUED, -a), (f"{user}.wallet", a)], "top-up")

    def withdraw(self, user: str, amount_fen: int) -> None:
        """Withdraw to the bound card: the reverse of a top-up."""
        a = _amount(amount_fen)
        self._require_party(user, self.users)
        self._require_funds(f"{user}.wallet", a, "payments_wallet_funds")
        self.ledger.post([(f"{user}.wallet", -a), (ISSUED, a), (RESERVE, -a), (f"{user}.bank", a)], "withdrawal")

    def pay(self, user: str, merchant: str, amount_fen: int) -> Payment:
        """Pay a merchant from the wallet: only the platform's books change (wallet → merchant balance);
        the reserve at the central bank does not move.  Refused above the balance or the daily limit."""
        a = _amount(amount_fen)
        self._require_party(user, self.users)
        self._require_party(merchant, self.merchants)
        self._require_funds(f"{user}.wallet", a, "payments_wallet_funds")
        spent = self.spent_today(user)
        require(spent + a <= self.daily_limit_fen, "payments_daily_limit", "the daily limit would be exceeded",
                limit_fen=self.daily_limit_fen, spent_fen=spent, amount_fen=a)
        self.ledger.transfer(f"{user}.wallet", f"{merchant}.wallet", a, "payment")
        payment = Payment(len(self.payments) + 1, user, merchant, a, self.day)
        self.payments.append(payment)
        return payment

    def spent_today(self, user: str) -> int:
        """Sum of today's payments by ``user`` (refunds do not restore the limit)."""
        return sum(p.amount_fen for p in self.payments if p.user == user and p.day == self.day)

    def next_day(self) -> None:
        """Move the business date on by one day."""
        self.day += 1

    def settle(self) -> list[dict]:
        """T+1 batch settlement: every payment made before today, net of refunds, is paid from the
        reserve to the merchant's bank less a fee of ``fee_bp``/10000 (rounded half up, per merchant).
        Entry per merchant: balance −n, customer_funds +n, reserve −n, bank +(n−fee), fee_income +fee."""
        batch: dict[str, int] = {}
        due = [p for p in self.payments if not p.settled and p.day < self.day]
        for p in due:
            net = p.amount_fen - p.refunded_fen
            if net > 0:
                batch[p.merchant] = batch.get(p.merchant, 0) + net
        entries = []
        for merchant, net in batch.items():
            fee = (net * self.fee_bp + 5000) // 10000
            legs = [(f"{merchant}.wallet", -net), (ISSUED, net), (RESERVE, -net)]
            if net - fee:
                legs.append((f"{merchant}.bank", net - fee))
            if fee:
                legs.append((FEES, fee))
            entries.append((merchant, net, fee, legs))
        for merchant, net, fee, legs in entries:       # balances were checked: wallets hold every unsettled net
            self.ledger.post(legs, "T+1 settlement")
        for p in due:
            p.settled = True
        return [{"merchant": m, "net_fen": n, "fee_fen": f} for m, n, f, _ in entries]

    def refund(self, pid: int, amount_fen: int) -> None:
        """Refund part or all of payment ``pid`` (never more than paid minus earlier refunds).
        Before settlement the merchant's platform balance pays it back; after settlement the
        merchant's bank sends it back into the reserve.  The fee is not returned in this model."""
        a = _amount(amount_fen)
        require(isinstance(pid, int) and 1 <= pid <= len(self.payments), "payments_no_payment",
                "no such payment", pid=pid)
        p = self.payments[pid - 1]
        left = p.amount_fen - p.refunded_fen
        require(a <= left, "payments_refund_too_large", "a refund cannot exceed what is left of the payment",
                amount_fen=a, left_fen=left)
        if not p.settled:
            self.ledger.transfer(f"{p.merchant}.wallet", f"{p.user}.wallet", a, "refund")
        else:
            self._require_funds(f"{p.merchant}.bank", a, "payments_merchant_funds")
            self.ledger.post([(f"{p.merchant}.bank", -a), (RESERVE, a), (ISSUED, -a), (f"{p.user}.wallet", a)],
                             "refund after settlement")
        p.refunded_fen += a

    # ------------------------------------------------------------ invariants
    def customer_total(self) -> int:
        """Σ of every customer's balance on the platform (users and merchants), in fen."""
        return sum(self.ledger.balance(f"{n}.wallet") for n in self.users + self.merchants)

    def checks(self) -> dict:
        """The two invariants: the books balance (Σ balances = 0) and reserve = Σ customer balances."""
        reserve, customers = self.ledger.balance(RESERVE), self.customer_total()
        return {"total_fen": self.ledger.total(), "reserve_fen": reserve, "customers_fen": customers,
                "owed_fen": -self.ledger.balance(ISSUED),
                "balanced": self.ledger.total() == 0, "reserve_ok": reserve == customers == -self.ledger.balance(ISSUED)}

    def snapshot(self) -> dict:
        """Everything observable, for drawing and for 'nothing changed' comparisons."""
        return {"balances": self.ledger.balances(), "postings": len(self.ledger.postings), "day": self.day,
                "payments": [(p.pid, p.amount_fen, p.refunded_fen, p.settled) for p in self.payments]}

    def copy(self) -> "PaymentPlatform":
        """A deep copy (a page operates on a copy and keeps it only if the operation succeeds)."""
        return copy.deepcopy(self)

    # ------------------------------------------------------------ helpers
    def _require_party(self, name: str, group: list[str]) -> None:
        require(name in group, "payments_no_party", "no such user or merchant", name=name)

    def _require_funds(self, account: str, amount: int, key: str) -> None:
        balance = self.ledger.balance(account)
        require(amount <= balance, key, f"{account} holds less than the amount", balance_fen=balance, amount_fen=amount)


def _amount(value, allow_zero: bool = False) -> int:
    """An amount in integer fen: positive (or zero when allowed), at most ¥100 million."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError("payments_amount_integer", "amounts are integer fen")
    value = int(value)
    require(value > 0 or (allow_zero and value == 0), "payments_amount_positive", "the amount must be positive",
            amount_fen=value)
    require(value <= 10_000_000_000, "payments_amount_large", "at most ¥100 million", amount_fen=value)
    return value


# ---------------------------------------------------------------- the lifecycle as a step trace
USER, MERCHANT = "user", "merchant"
SAMPLE_ID = "11010519491231002X"          # the worked example of GB 11643-1999
SAMPLE_CARD = "6222020200112345679"       # a 19-digit card number whose last digit is its Luhn check


def _state(platform: PaymentPlatform, moved: set[str], entry: list[tuple[str, int]] | None = None) -> dict:
    return {"balances": platform.ledger.balances(), "checks": platform.checks(), "moved": sorted(moved),
            "entry": entry or [], "day": platform.day}


def lifecycle_trace(seed: int = 42, id_number: str = SAMPLE_ID, card_number: str = SAMPLE_CARD,
                    code: str | None = None, now: int | None = None, bank_fen: int = 500_000,
                    top_up_fen: int = 100_000, pay_fen: int = 38_800, refund_fen: int = 8_800,
                    fee_bp: int = 60, daily_limit_fen: int = 2_000_000,
                    merchant_bank_fen: int = 100_000) -> Trace:
    """Register → top up → pay → T+1 settle → refund, one ledger entry per step.

    ``code`` is the one-time code the user typed (default: the correct current code for the
    seed's secret at time ``now``).  Bad input raises ``InputError`` before any step is returned.
    """
    now = int(time.time()) if now is None else int(now)
    secret = otp_secret(seed)
    sent = crypto.totp(secret, now, OTP_DIGITS, OTP_STEP)
    code = sent if code is None else code
    platform = PaymentPlatform(fee_bp, daily_limit_fen)
    platform.add_merchant(MERCHANT, merchant_bank_fen)
    trace = Trace(meta={"seed": seed})

    id_text = check_resident_id(id_number)
    weighted = sum(int(c) * w for c, w in zip(id_text[:17], ID_WEIGHTS))
    card = check_card(card_number)
    left = verify_otp(secret, code, now)
    # the user is already a customer of Bank A; the platform account opens once all three checks pass
    platform.add_user(USER, bank_fen)
    trace.add("payments.life.step.id", _state(platform, set()), id=mask(id_text),
              born=id_birth_date(id_text).isoformat(), weighted=weighted, mod=weighted % 11, check=id_text[17],
              bank_fen=bank_fen, merchant_fen=merchant_bank_fen)
    trace.add("payments.life.step.card", _state(platform, set()), card=mask(card),
              luhn=luhn_checksum(card[:-1] + "0"), digit=card[-1], length=len(card))
    trace.add("payments.life.step.otp", _state(platform, {f"{USER}.wallet"}), code=sent,
              typed=str(code).strip(), left=left)
    before = platform.ledger.balances()
    platform.top_up(USER, top_up_fen)
    trace.add("payments.life.step.topup", _state(platform, {f"{USER}.bank", RESERVE, ISSUED, f"{USER}.wallet"},
                                                 _diff(before, platform.ledger.balances())),
              amount_fen=top_up_fen, reserve_fen=platform.ledger.balance(RESERVE))

    before = platform.ledger.balances()
    payment = platform.pay(USER, MERCHANT, pay_fen)
    trace.add("payments.life.step.pay", _state(platform, {f"{USER}.wallet", f"{MERCHANT}.wallet"},
                                               _diff(before, platform.ledger.balances())),
              amount_fen=pay_fen, reserve_fen=platform.ledger.balance(RESERVE),
              limit_fen=daily_limit_fen, spent_fen=platform.spent_today(USER))

    platform.next_day()
    before = platform.ledger.balances()
    batch = platform.settle()
    fee = batch[0]["fee_fen"] if batch else 0
    trace.add("payments.life.step.settle", _state(platform, {f"{MERCHANT}.wallet", RESERVE, ISSUED,
                                                             f"{MERCHANT}.bank", FEES},
                                                  _diff(before, platform.ledger.balances())),
              net_fen=batch[0]["net_fen"] if batch else 0, fee_fen=fee, bp=fee_bp,
              received_fen=(batch[0]["net_fen"] - fee) if batch else 0, reserve_fen=platform.ledger.balance(RESERVE))

    before = platform.ledger.balances()
    platform.refund(payment.pid, refund_fen)
    trace.add("payments.life.step.refund", _state(platform, {f"{MERCHANT}.bank", RESERVE, ISSUED, f"{USER}.wallet"},
                                                  _diff(before, platform.ledger.balances())),
              amount_fen=refund_fen, paid_fen=pay_fen, reserve_fen=platform.ledger.balance(RESERVE),
              wallet_fen=platform.ledger.balance(f"{USER}.wallet"))
    trace.meta["platform"] = platform
    return trace


def _diff(before: dict, after: dict) -> list[tuple[str, int]]:
    return [(acct, after[acct] - before.get(acct, 0)) for acct in after if after[acct] != before.get(acct, 0)]


def ledger_frame(platform: PaymentPlatform):
    """The posting history as a table (for the CSV download)."""
    import pandas as pd
    rows = [{"seq": p.seq, "from": p.source, "to": p.target, "amount_fen": p.amount_fen,
             "amount_yuan": p.amount_fen / 100, "memo": p.memo} for p in platform.ledger.postings]
    return pd.DataFrame(rows, columns=["seq", "from", "to", "amount_fen", "amount_yuan", "memo"])


# ---------------------------------------------------------------- random operation sequences
OPERATIONS = ("top_up", "withdraw", "pay", "next_day", "settle", "refund")


def apply_operation(platform: PaymentPlatform, op: tuple) -> bool:
    """Apply one operation ``(name, a, b, amount_fen)``; True if it was accepted, False if refused.
    A refused operation raises inside the platform and changes nothing."""
    name, a, b, amount = op
    users, merchants = platform.users, platform.merchants
    try:
        if name == "top_up":
            platform.top_up(users[a % len(users)], amount)
        elif name == "withdraw":
            platform.withdraw(users[a % len(users)], amount)
        elif name == "pay":
            platform.pay(users[a % len(users)], merchants[b % len(merchants)], amount)
        elif name == "next_day":
            platform.next_day()
        elif name == "settle":
            platform.settle()
        elif name == "refund":
            platform.refund(a % max(len(platform.payments), 1) + 1 if platform.payments else 1, amount)
        else:
            raise InputError("payments_operation", "unknown operation", name=name)
        return True
    except InputError:
        return False


def random_operations(seed: int, n_ops: int = 50) -> list[tuple]:
    """A seeded list of operations with amounts from −¥10 to ¥3,000 (some are meant to be refused)."""
    check_count(n_ops, 0, 100_000)
    rng = np.random.default_rng(seed)
    names = rng.choice(len(OPERATIONS), size=n_ops, p=[0.25, 0.1, 0.3, 0.1, 0.1, 0.15])
    amounts = rng.integers(-1_000, 300_000, size=n_ops)
    a, b = rng.integers(0, 100, size=n_ops), rng.integers(0, 100, size=n_ops)
    return [(OPERATIONS[n], int(x), int(y), int(m)) for n, x, y, m in zip(names, a, b, amounts)]


def seeded_platform(seed: int, n_users: int = 3, n_merchants: int = 2, fee_bp: int = 60,
                    daily_limit_fen: int = 500_000) -> PaymentPlatform:
    """A platform with users holding ¥2,000–¥20,000 at their banks and merchants with ¥1,000 working capital."""
    check_count(n_users, 0, 10_000)
    check_count(n_merchants, 0, 10_000)
    rng = np.random.default_rng(seed)
    platform = PaymentPlatform(fee_bp, daily_limit_fen)
    for i in range(n_users):
        platform.add_user(f"u{i}", int(rng.integers(200_000, 2_000_001)))
    for j in range(n_merchants):
        platform.add_merchant(f"m{j}", 100_000)
    return platform


# ---------------------------------------------------------------- clearing topologies
def direct_links(institutions: int, banks: int) -> int:
    """Bilateral connections when every payment institution connects to every bank: N × M."""
    _check_counts(institutions, banks)
    return institutions * banks


def switch_links(institutions: int, banks: int) -> int:
    """Connections through one switch (NetsUnion 网联): each party connects once, N + M."""
    _check_counts(institutions, banks)
    return institutions + banks


def _check_counts(institutions: int, banks: int) -> None:
    require(1 <= institutions <= 10_000 and 1 <= banks <= 10_000, "payments_counts",
            "counts must be between 1 and 10,000", lo=1, hi=10_000)


# Message paths: (from, to, message) — node names are locale keys payments.node.<name>
PATHS = {
    "four_party": [("cardholder", "merchant", "card"), ("merchant", "acquirer", "auth_request"),
                   ("acquirer", "scheme", "auth_request"), ("scheme", "issuer", "auth_request"),
                   ("issuer", "scheme", "approved"), ("scheme", "acquirer", "approved"),
                   ("acquirer", "merchant", "approved"), ("issuer", "acquirer", "settlement")],
    "direct": [("payer", "platform", "pay_order"), ("platform", "payer_bank", "debit_request"),
               ("payer_bank", "platform", "debited"), ("platform", "payee", "paid"),
               ("platform", "payee_bank", "settlement")],
    "netsunion": [("payer", "platform", "pay_order"), ("platform", "netsunion", "debit_request"),
                  ("netsunion", "payer_bank", "debit_request"), ("payer_bank", "netsunion", "debited"),
                  ("netsunion", "platform", "debited"), ("platform", "payee", "paid"),
                  ("netsunion", "payee_bank", "settlement")],
}


def message_path_trace(model: str) -> Trace:
    """The hops of one payment's messages in ``model`` ('four_party', 'direct', 'netsunion')."""
    require(model in PATHS, "payments_model", "unknown payment model", model=model)
    trace = Trace(meta={"model": model})
    path = PATHS[model]
    for i, (src, dst, msg) in enumerate(path):
        trace.add(f"payments.clear.msg.{model}.h{i + 1}", {"model": model, "hop": i, "edges": path[:i + 1]},
                  hop=i + 1, hops=len(path))
    return trace


# ---------------------------------------------------------------- security of a payment message
def payment_message(payer: str, payee: str, amount_fen: int, order_id: str) -> bytes:
    """A payment instruction as canonical JSON bytes (sorted keys, no spaces)."""
    amount = _amount(amount_fen)
    return json.dumps({"amount_fen": amount, "order": order_id, "payee": payee, "payer": payer},
                      sort_keys=True, separators=(",", ":")).encode()


def demo_key(seed: int, purpose: str) -> bytes:
    """A 128-bit demo key derived from the seed (a real system keeps keys in an HSM)."""
    return crypto.sha256(f"fintech-lab/payments/{purpose}/{int(seed)}".encode())[:16]


def encrypt_payment(seed: int, message: bytes) -> dict:
    """AES-128-GCM (NIST SP 800-38D) with a seeded key and 96-bit nonce; the order id travels as AAD."""
    key, nonce = demo_key(seed, "aes"), demo_key(seed, "nonce")[:12]
    nonce, ciphertext, tag = crypto.aes_gcm_encrypt(key, message, b"payment-v1", nonce)
    return {"key": key, "nonce": nonce, "ciphertext": ciphertext, "tag": tag, "plaintext": message}


def flip_byte(data: bytes, index: int, mask_byte: int = 0x01) -> bytes:
    """``data`` with byte ``index`` XORed with ``mask_byte`` (an attacker changing one byte in transit)."""
    require(0 <= index < len(data), "payments_byte_index", "byte index out of range", index=index, n=len(data))
    require(1 <= mask_byte <= 255, "payments_byte_mask", "the XOR mask is 1 to 255")
    out = bytearray(data)
    out[index] ^= mask_byte
    return bytes(out)


def receive_payment(box: dict, ciphertext: bytes, tag: bytes | None = None) -> dict:
    """The bank's side: decrypt and authenticate; a changed byte raises ``InputError('aes_tampered')``."""
    plain = crypto.aes_gcm_decrypt(box["key"], box["nonce"], ciphertext, tag if tag is not None else box["tag"],
                                   b"payment-v1")
    return json.loads(plain)


def unauthenticated_view(plaintext: bytes, ciphertext: bytes, tampered: bytes) -> bytes:
    """What a receiver that skipped the GCM tag would read: GCM encrypts in counter mode,
    C = P ⊕ keystream, so a changed ciphertext byte changes the same plaintext byte: P' = P ⊕ (C ⊕ C')."""
    return bytes(p ^ c ^ t for p, c, t in zip(plaintext, ciphertext, tampered))


def expected_tag(box: dict, ciphertext: bytes) -> bytes:
    """The tag the receiver computes for a (possibly changed) ciphertext C'.  GCM's ciphertext of
    P' = C' ⊕ keystream is C' itself, so encrypting P' with the same key and nonce yields exactly the
    tag GCM expects for C' (NIST SP 800-38D §7.1)."""
    keystream = bytes(c ^ p for c, p in zip(box["ciphertext"], box["plaintext"]))
    plain = bytes(c ^ k for c, k in zip(ciphertext, keystream))
    return crypto.aes_gcm_encrypt(box["key"], plain, b"payment-v1", box["nonce"])[2]


def gcm_trace(seed: int, message: bytes, changed_at: int | None = None, mask_byte: int = 0x01) -> Trace:
    """Sender encrypts → network (an attacker may XOR byte ``changed_at`` with ``mask_byte``) → the bank
    recomputes the tag and accepts only if it equals the tag received."""
    box = encrypt_payment(seed, message)
    sent = box["ciphertext"]
    received = sent if changed_at is None else flip_byte(sent, changed_at, mask_byte)
    recomputed = expected_tag(box, received)
    ok = recomputed == box["tag"]
    rows = {"plain": message, "sent": sent, "received": received}
    trace = Trace(meta={"box": box, "received": received, "accepted": ok})
    trace.add("payments.enc.step.plain", {"rows": ["plain"], **rows, "changed": None}, n=len(message))
    trace.add("payments.enc.step.encrypt", {"rows": ["plain", "sent"], **rows, "changed": None},
              n=len(sent), tag=box["tag"].hex()[:16])
    if changed_at is None:
        trace.add("payments.enc.step.transit_clean", {"rows": ["plain", "sent", "received"], **rows, "changed": None})
    else:
        trace.add("payments.enc.step.transit_changed", {"rows": ["plain", "sent", "received"], **rows,
                                                        "changed": changed_at},
                  i=changed_at, old=f"{sent[changed_at]:02x}", new=f"{received[changed_at]:02x}")
    trace.add("payments.enc.step.verify_ok" if ok else "payments.enc.step.verify_bad",
              {"rows": ["plain", "sent", "received"], **rows, "changed": changed_at},
              got=box["tag"].hex()[:16], computed=recomputed.hex()[:16])
    return trace


def signing_key(seed: int) -> int:
    """A secp256k1 private key derived from the seed (1 ≤ k < n)."""
    k = int.from_bytes(crypto.sha256(f"fintech-lab/payments/sign/{int(seed)}".encode()), "big")
    return k % (crypto.SECP256K1_N - 1) + 1


def sign_order(seed: int, message: bytes) -> dict:
    """Sign a payment order with ECDSA/secp256k1 (RFC 6979 nonce): returns public key and DER signature."""
    k = signing_key(seed)
    return {"public_key": crypto.public_key(k), "signature": crypto.sign(k, message)}


def verify_order(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True iff the signature matches this exact message and key."""
    return crypto.verify(public_key, message, signature)


# ---------------------------------------------------------------- password storage
SCHEMES = ("plain", "sha256", "salted_sha256", "pbkdf2", "scrypt")


def store_password(password: str, scheme: str, salt: bytes = b"", iterations: int = 100_000,
                   scrypt_n: int = 2 ** 14) -> str:
    """What a platform writes in its user table: the password itself, an unsalted SHA-256, a salted
    SHA-256, PBKDF2-HMAC-SHA256 (RFC 8018) or scrypt (RFC 7914); hex."""
    require(scheme in SCHEMES, "payments_scheme", "unknown storage scheme", scheme=scheme)
    require(isinstance(password, str) and 1 <= len(password) <= 64, "payments_password_length",
            "a password has 1 to 64 characters", lo=1, hi=64)
    if scheme == "plain":
        return password
    if scheme == "sha256":
        return crypto.sha256(password.encode()).hex()
    if scheme == "salted_sha256":
        return crypto.sha256(salt + password.encode()).hex()
    if scheme == "pbkdf2":
        return crypto.pbkdf2_sha256(password, salt, iterations).hex()
    return crypto.scrypt_hash(password, salt, n=scrypt_n).hex()


def seconds_per_guess(scheme: str, iterations: int = 100_000, scrypt_n: int = 2 ** 14, budget: float = 0.02) -> float:
    """Measured on this machine (one core): seconds for one attacker guess under ``scheme``.
    Fast schemes are timed over a batch that lasts about ``budget`` seconds."""
    require(scheme in SCHEMES, "payments_scheme", "unknown storage scheme", scheme=scheme)
    require(0.001 <= budget <= 5, "payments_trials", "the time budget must be 1 ms to 5 s")
    if scheme == "plain":
        return 0.0
    salt = b"0123456789abcdef"
    store_password("warm-up", scheme, salt, iterations, scrypt_n)     # first call pays one-off set-up costs
    start = time.perf_counter()
    store_password("guess", scheme, salt, iterations, scrypt_n)
    first = time.perf_counter() - start
    reps = int(min(20_000, max(1, budget / max(first, 1e-7))))
    start = time.perf_counter()
    for i in range(reps):
        store_password(f"g{i}", scheme, salt, iterations, scrypt_n)
    return (time.perf_counter() - start) / reps


def keyspace(alphabet: int, length: int) -> int:
    """Number of passwords of ``length`` characters from an alphabet of ``alphabet`` symbols: A^L."""
    require(1 <= alphabet <= 100 and 1 <= length <= 20, "payments_keyspace", "alphabet 1–100, length 1–20")
    return alphabet ** length


def brute_force_seconds(alphabet: int, length: int, seconds_each: float, cores: int = 1) -> float:
    """Expected time to find one salted password by trying half the keyspace: A^L / 2 × t / cores."""
    require(isinstance(cores, int) and 1 <= cores <= 10 ** 12 and math.isfinite(seconds_each) and seconds_each >= 0,
            "payments_keyspace", "cores ≥ 1 and time ≥ 0")
    return keyspace(alphabet, length) / 2 * seconds_each / cores
