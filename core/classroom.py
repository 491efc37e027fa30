"""Classroom games on one shared, persistent double-entry ledger: rooms, seats with secp256k1 wallets,
signed payments, a mining race and a P2P market (issue 9).

Storage is a real database: SQLite (WAL) embedded by default, PostgreSQL when a URL names one, so that
several app processes share one room.  The rules that keep money right under concurrency:

* every write is ONE transaction;
* every action carries a client-chosen ``request_id``; ``UNIQUE(room, request_id)`` makes a double tap or
  a retry post once (the second insert finds the first and reports it as already posted);
* a debit is a single conditional update (``balance = balance - x WHERE balance >= x``), and the wallets a
  transaction touches are locked in a fixed (sorted) order first (PostgreSQL ``SELECT … FOR UPDATE``;
  SQLite's ``BEGIN IMMEDIATE`` serialises writers), so two opposite transfers cannot deadlock and no
  read-then-write race can overdraw;
* every posting is double entry: its legs sum to zero, so the sum of all balances of a room — the issuing
  bank's negative balance included — is always 0.

Core stays pure: no Streamlit here.  Refusals of a student's action are not exceptions: ``transfer`` and the
other actions return False and record the reason (``Store.rejections``); bad arguments from a programmer
(or a page) raise ``InputError``.
"""
from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, LifoQueue

import numpy as np
import pandas as pd

from core import crypto, p2p
from core.errors import InputError, require

# ------------------------------------------------------------------ constants (teaching choices of this lab)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"   # no 0/O, 1/I/L: readable from the back of a hall
CODE_LENGTH = 6                                      # 31^6 ≈ 8.9e8 codes
NICK_MAX = 20
PIN_MIN, PIN_MAX = 4, 64
PIN_MAX_FAILS = 5           # failed PIN tries before the room's lecturer actions lock
PIN_LOCK_SECONDS = 60
MAX_AMOUNT_FEN = 100_000_000  # ¥1,000,000: bound on any single action
BANK, MERCHANT, FEES, ESCROW, RESERVE, MINT = "#bank", "#merchant", "#fees", "#escrow", "#reserve", "#mint"
SYSTEM_ACCOUNTS = (BANK, MERCHANT, FEES, ESCROW, RESERVE, MINT)
ACTIVITIES = ("lobby", "payments", "mining", "p2p")
DEFAULT_SETTINGS = {"fee_bps": 0, "daily_limit_fen": 0, "bits": 18, "reward_fen": 5_000, "shock": 1.0,
                    "reserve_bps": 200, "max_loan_fen": 50_000}
SCRYPT_N = 2 ** 14
SEAT_KEY_TAG = b"fintech-lab seat key v1|"


# ------------------------------------------------------------------ pure helpers
def new_code(rng: secrets.SystemRandom | None = None) -> str:
    """A join code: CODE_LENGTH symbols from CODE_ALPHABET drawn by the OS's CSPRNG (secrets)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """Upper-case, strip spaces and dashes; O→0 and I/L→1 are not in the alphabet, so they stay invalid."""
    return re.sub(r"[\s\-]", "", str(code or "")).upper()[:32]


def check_code(code: str) -> str:
    """A well-formed join code or InputError ``classroom_code``."""
    c = normalize_code(code)
    require(len(c) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in c), "classroom_code",
            "a join code has 6 letters and digits", n=CODE_LENGTH)
    return c


def check_nickname(nickname: str) -> str:
    """A nickname is plain text: NFC-normalised, trimmed, 1–20 characters, no control characters, not
    starting with '#' (system accounts).  It is shown as text, never as HTML or Markdown."""
    nick = unicodedata.normalize("NFC", str(nickname or "")).strip()
    require(1 <= len(nick) <= NICK_MAX, "classroom_nick_length", "nickname must have 1–20 characters",
            hi=NICK_MAX)
    require(not any(unicodedata.category(ch).startswith("C") for ch in nick), "classroom_nick_chars",
            "nickname has control characters")
    require(not nick.startswith("#"), "classroom_nick_chars", "nickname may not start with #")
    return nick


def check_amount(amount_fen: int) -> int:
    """1 fen ≤ amount ≤ MAX_AMOUNT_FEN, an integer."""
    require(isinstance(amount_fen, (int, np.integer)) and not isinstance(amount_fen, bool)
            and 1 <= int(amount_fen) <= MAX_AMOUNT_FEN, "classroom_amount",
            "amount must be a whole number of fen between 1 and the cap", hi=MAX_AMOUNT_FEN)
    return int(amount_fen)


def seat_private_key(token: str) -> int:
    """The seat's secp256k1 key, derived from its rejoin token: k = SHA-256(tag ‖ token) mod (n−1) + 1.

    The token in the rejoin link is the seat's secret: whoever holds it can sign for the seat, exactly as a
    wallet's seed phrase.  The server keeps only SHA-256(token) and the public key."""
    digest = crypto.sha256(SEAT_KEY_TAG + token.encode("utf-8"))
    return int.from_bytes(digest, "big") % (crypto.SECP256K1_N - 1) + 1


def token_hash(token: str) -> str:
    """What the database stores of a rejoin token: SHA-256 hex."""
    return crypto.sha256(b"token|" + str(token).encode("utf-8")).hex()


def transfer_message(code: str, from_nickname: str, to_nickname: str, amount_fen: int, request_id: str) -> bytes:
    """The bytes a seat signs for a payment: a canonical JSON order (sorted keys, no spaces, UTF-8).

    Binding room, both parties, amount and request id means a signature can be used for exactly one
    payment: change any field and the signature no longer verifies; replay it and the request id is known."""
    order = {"v": 1, "kind": "pay", "room": normalize_code(code), "from": from_nickname, "to": to_nickname,
             "amount_fen": int(amount_fen), "request_id": str(request_id)}
    return json.dumps(order, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def order_message(code: str, nickname: str, kind: str, fields: dict, request_id: str) -> bytes:
    """The bytes a seat signs for any other action (a loan request or offer, a mined block)."""
    order = {"v": 1, "kind": kind, "room": normalize_code(code), "from": nickname, "request_id": str(request_id),
             **{k: v for k, v in fields.items()}}
    return json.dumps(order, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def seat_grade(code: str, nickname: str) -> str:
    """A borrower's credit grade A–E, drawn once per seat from SHA-256(room|nickname) with the lending page's
    grade mix (A 20 %, B 30 %, C 25 %, D 15 %, E 10 %: a teaching assumption)."""
    u = int.from_bytes(crypto.sha256(f"grade|{normalize_code(code)}|{nickname}".encode("utf-8"))[:8], "big") / 2 ** 64
    for grade, cum in (("A", 0.20), ("B", 0.50), ("C", 0.75), ("D", 0.90), ("E", 1.0)):
        if u < cum:
            return grade
    return "E"


# ------------------------------------------------------------------ mining (pure)
def genesis_hash(code: str) -> str:
    """The room chain's genesis: SHA-256("genesis|CODE")."""
    return crypto.sha256(f"genesis|{normalize_code(code)}".encode()).hex()


def block_prefix(code: str, height: int, prev_hash: str, miner: str) -> bytes:
    """What a room block's hash covers besides the nonce: ``room|height|prev|miner|``."""
    return f"{normalize_code(code)}|{int(height)}|{prev_hash}|{miner}|".encode("utf-8")


def block_hash(code: str, height: int, prev_hash: str, miner: str, nonce: int) -> str:
    """SHA-256(prefix ‖ nonce as decimal), hex."""
    return crypto.sha256(block_prefix(code, height, prev_hash, miner) + b"%d" % int(nonce)).hex()


def target_for_bits(bits: int) -> int:
    """A hash meets ``bits`` of difficulty when it is below 2^(256−bits); expected tries 2^bits."""
    require(isinstance(bits, int) and 1 <= bits <= 32, "classroom_bits", "difficulty must be 1–32 bits",
            lo=1, hi=32)
    return 1 << (256 - bits)


def meets_bits(hash_hex: str, bits: int) -> bool:
    """True iff int(hash) < 2^(256−bits)."""
    return int(hash_hex, 16) < target_for_bits(bits)


def mine_try(code: str, height: int, prev_hash: str, miner: str, bits: int, start: int, count: int):
    """Try nonces start … start+count−1; the first whose hash meets ``bits`` (or None).  What a student's
    device does: pure search, nothing checked; the room's server checks every submitted block again."""
    require(1 <= count <= 200_000 and start >= 0, "classroom_tries", "tries per press out of range", hi=200_000)
    prefix = block_prefix(code, height, prev_hash, miner)
    target = target_for_bits(bits).to_bytes(33, "big")[1:] if bits > 0 else b"\xff" * 32
    sha = crypto.sha256
    for nonce in range(start, start + count):
        if sha(prefix + b"%d" % nonce) < target:
            return nonce
    return None


# ------------------------------------------------------------------ the store
@dataclass(frozen=True)
class Seat:
    """A student's place in a room: the private key is handed to the joining session and never stored."""

    code: str
    nickname: str
    token: str
    private_key: int
    public_key: bytes
    grade: str


@dataclass(frozen=True)
class Room:
    """A room's public state (no PIN hash)."""

    code: str
    is_open: bool
    activity: str
    round_no: int
    round_open: bool
    start_balance_fen: int
    settings: dict
    created_at: float


SCHEMA = [
    # version 1
    [
        """CREATE TABLE IF NOT EXISTS rooms (code TEXT PRIMARY KEY, pin_hash TEXT NOT NULL, pin_salt TEXT NOT NULL,
            start_balance BIGINT NOT NULL, is_open INTEGER NOT NULL DEFAULT 1, activity TEXT NOT NULL DEFAULT 'lobby',
            round_no INTEGER NOT NULL DEFAULT 0, round_open INTEGER NOT NULL DEFAULT 0, settings TEXT NOT NULL,
            pin_fails INTEGER NOT NULL DEFAULT 0, locked_until DOUBLE PRECISION NOT NULL DEFAULT 0,
            epoch INTEGER NOT NULL DEFAULT 0, created_at DOUBLE PRECISION NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS seats (room TEXT NOT NULL, nickname TEXT NOT NULL, token_hash TEXT NOT NULL,
            public_key TEXT NOT NULL, grade TEXT NOT NULL, joined_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (room, nickname), UNIQUE (token_hash))""",
        """CREATE TABLE IF NOT EXISTS balances (room TEXT NOT NULL, account TEXT NOT NULL, balance BIGINT NOT NULL,
            PRIMARY KEY (room, account))""",
        """CREATE TABLE IF NOT EXISTS events ({ID}, room TEXT NOT NULL, request_id TEXT NOT NULL,
            kind TEXT NOT NULL, actor TEXT NOT NULL, counterparty TEXT NOT NULL, amount BIGINT NOT NULL,
            fee BIGINT NOT NULL DEFAULT 0, activity TEXT NOT NULL, round_no INTEGER NOT NULL, epoch INTEGER NOT NULL,
            detail TEXT NOT NULL DEFAULT '', created_at DOUBLE PRECISION NOT NULL,
            UNIQUE (room, request_id))""",
        """CREATE TABLE IF NOT EXISTS entries (room TEXT NOT NULL, request_id TEXT NOT NULL, account TEXT NOT NULL,
            amount BIGINT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS entries_room ON entries (room, request_id)",
        """CREATE TABLE IF NOT EXISTS rejections (room TEXT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,
            reason TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS blocks (room TEXT NOT NULL, hash TEXT NOT NULL, prev TEXT NOT NULL,
            height INTEGER NOT NULL, miner TEXT NOT NULL, nonce BIGINT NOT NULL, bits INTEGER NOT NULL,
            chainwork DOUBLE PRECISION NOT NULL, epoch INTEGER NOT NULL, round_no INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (room, hash))""",
        """CREATE TABLE IF NOT EXISTS tries (room TEXT NOT NULL, epoch INTEGER NOT NULL, nickname TEXT NOT NULL,
            tries BIGINT NOT NULL, presses INTEGER NOT NULL, PRIMARY KEY (room, epoch, nickname))""",
        """CREATE TABLE IF NOT EXISTS orders (room TEXT NOT NULL, request_id TEXT NOT NULL, epoch INTEGER NOT NULL,
            round_no INTEGER NOT NULL, nickname TEXT NOT NULL, side TEXT NOT NULL, amount BIGINT NOT NULL,
            grade TEXT NOT NULL, rate DOUBLE PRECISION NOT NULL, grades TEXT NOT NULL, status TEXT NOT NULL,
            PRIMARY KEY (room, request_id))""",
        """CREATE TABLE IF NOT EXISTS loans ({ID}, room TEXT NOT NULL, epoch INTEGER NOT NULL, round_no INTEGER NOT NULL,
            borrower TEXT NOT NULL, lender TEXT NOT NULL, amount BIGINT NOT NULL, rate DOUBLE PRECISION NOT NULL,
            grade TEXT NOT NULL, status TEXT NOT NULL, repaid BIGINT NOT NULL DEFAULT 0,
            covered BIGINT NOT NULL DEFAULT 0)""",
    ],
]


class Store:
    """A room store on SQLite or PostgreSQL.  Thread-safe: each operation borrows a connection from a pool."""

    def __init__(self, url: str, pool_size: int = 8):
        self.url = url
        self.pg = url.startswith(("postgresql://", "postgres://"))
        self._pool: LifoQueue = LifoQueue()
        self._made = 0
        self._pool_size = pool_size
        self._local = threading.local()
        if not self.pg:
            path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else url
            require(bool(path), "classroom_db_url", "empty database path")
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._path = path
        self._migrate()

    @property
    def last_reason(self) -> str:
        """Why this thread's last action was refused ('' when it was accepted)."""
        return getattr(self._local, "reason", "")

    @last_reason.setter
    def last_reason(self, reason: str) -> None:
        self._local.reason = reason

    # ---------------------------------------------------------------- connections
    def _connect(self):
        if self.pg:
            import psycopg  # imported only when PostgreSQL is used
            return psycopg.connect(self.url, autocommit=True)
        con = sqlite3.connect(self._path, timeout=30, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA busy_timeout=30000")
        return con

    @contextmanager
    def _conn(self):
        try:
            con = self._pool.get_nowait()
        except Empty:
            con = self._connect()
        try:
            yield con
        finally:
            if self._pool.qsize() < self._pool_size:
                self._pool.put(con)
            else:
                con.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.pg else sql

    @contextmanager
    def _tx(self):
        """One write transaction; a cursor-like callable ``q(sql, params)`` is yielded."""
        with self._conn() as con:
            cur = con.cursor()
            cur.execute("BEGIN" if self.pg else "BEGIN IMMEDIATE")
            try:
                yield _Q(cur, self)
                cur.execute("COMMIT")
            except BaseException:
                try:
                    cur.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - the connection may be broken; drop it
                    pass
                raise

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._conn() as con:
            cur = con.cursor()
            cur.execute(self._sql(sql), params)
            return list(cur.fetchall())

    def _migrate(self) -> None:
        with self._tx() as q:
            q("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            rows = q("SELECT version FROM schema_version").fetchall()
            have = rows[0][0] if rows else 0
            for version, statements in enumerate(SCHEMA, start=1):
                if version <= have:
                    continue
                for statement in statements:
                    q(statement.replace("{ID}", "id BIGSERIAL PRIMARY KEY" if self.pg
                                        else "id INTEGER PRIMARY KEY AUTOINCREMENT"))
            if not rows:
                q("INSERT INTO schema_version (version) VALUES (?)", (len(SCHEMA),))
            elif have < len(SCHEMA):
                q("UPDATE schema_version SET version = ?", (len(SCHEMA),))

    def schema_version(self) -> int:
        """The schema version the database is at."""
        return int(self._read("SELECT version FROM schema_version")[0][0])

    def close(self) -> None:
        """Close pooled connections."""
        while True:
            try:
                self._pool.get_nowait().close()
            except Empty:
                return

    # ---------------------------------------------------------------- rooms
    def create_room(self, pin: str, start_balance_fen: int = 100_000) -> str:
        """A new open room; the PIN is stored as scrypt(PIN, 16-byte salt, N=2^14, r=8, p=1) (RFC 7914)."""
        pin = str(pin or "")
        require(PIN_MIN <= len(pin) <= PIN_MAX, "classroom_pin_length", "PIN must have 4–64 characters",
                lo=PIN_MIN, hi=PIN_MAX)
        check_amount(start_balance_fen)
        salt = crypto.random_bytes(16)
        digest = crypto.scrypt_hash(pin, salt, n=SCRYPT_N).hex()
        for _ in range(20):
            code = new_code()
            with self._tx() as q:
                if q("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchall():
                    continue
                q("""INSERT INTO rooms (code, pin_hash, pin_salt, start_balance, settings, created_at)
                     VALUES (?, ?, ?, ?, ?, ?)""",
                  (code, digest, salt.hex(), int(start_balance_fen), json.dumps(DEFAULT_SETTINGS), time.time()))
                for account in SYSTEM_ACCOUNTS:
                    q("INSERT INTO balances (room, account, balance) VALUES (?, ?, 0)", (code, account))
            return code
        raise InputError("classroom_code_space", "could not draw a free join code")

    def room(self, code: str) -> Room | None:
        """The room's public state, or None if no such room."""
        try:
            c = check_code(code)
        except InputError:
            return None
        rows = self._read("""SELECT code, is_open, activity, round_no, round_open, start_balance, settings, created_at
                             FROM rooms WHERE code = ?""", (c,))
        if not rows:
            return None
        r = rows[0]
        return Room(r[0], bool(r[1]), r[2], int(r[3]), bool(r[4]), int(r[5]),
                    {**DEFAULT_SETTINGS, **json.loads(r[6])}, float(r[7]))

    def check_pin(self, code: str, pin: str) -> bool:
        """True iff the PIN is the room's.  After PIN_MAX_FAILS wrong tries the room refuses every try for
        PIN_LOCK_SECONDS (also the right PIN): guessing a 4-digit PIN takes hours, not seconds.  The scrypt
        hash is computed outside the write transaction, so a PIN try never holds other writers up."""
        room = self.room(code)
        if room is None:
            return False
        pin_hash, salt, locked_until = self._read("SELECT pin_hash, pin_salt, locked_until FROM rooms WHERE code = ?",
                                                  (room.code,))[0]
        if locked_until > time.time():
            return False
        ok = secrets.compare_digest(
            crypto.scrypt_hash(str(pin or "")[:PIN_MAX], bytes.fromhex(salt), n=SCRYPT_N).hex(), pin_hash)
        with self._tx() as q:
            if ok:
                q("UPDATE rooms SET pin_fails = 0 WHERE code = ?", (room.code,))
            else:
                q("UPDATE rooms SET pin_fails = pin_fails + 1 WHERE code = ?", (room.code,))
                q("""UPDATE rooms SET pin_fails = 0, locked_until = ? WHERE code = ? AND pin_fails >= ?""",
                  (time.time() + PIN_LOCK_SECONDS, room.code, PIN_MAX_FAILS))
        return ok

    def pin_locked_seconds(self, code: str) -> int:
        """Seconds until PIN tries are accepted again (0 when not locked)."""
        rows = self._read("SELECT locked_until FROM rooms WHERE code = ?", (normalize_code(code),))
        return max(0, int(rows[0][0] - time.time() + 0.999)) if rows else 0

    def _lecturer(self, code: str, pin: str) -> Room:
        room = self.room(code)
        require(room is not None, "classroom_unknown_room", "no such room")
        require(self.check_pin(room.code, pin), "classroom_bad_pin", "wrong PIN (or too many tries)",
                wait=self.pin_locked_seconds(room.code))
        return room

    def set_open(self, code: str, pin: str, is_open: bool) -> None:
        """Close (no more joins or actions) or reopen a room."""
        room = self._lecturer(code, pin)
        with self._tx() as q:
            q("UPDATE rooms SET is_open = ? WHERE code = ?", (int(bool(is_open)), room.code))

    def set_activity(self, code: str, pin: str, activity: str, round_open: bool) -> None:
        """Start (round_open=True: a new round) or stop the round of an activity."""
        require(activity in ACTIVITIES, "classroom_activity", "unknown activity")
        room = self._lecturer(code, pin)
        with self._tx() as q:
            if round_open:
                q("UPDATE rooms SET activity = ?, round_open = 1, round_no = round_no + 1 WHERE code = ?",
                  (activity, room.code))
            else:
                q("UPDATE rooms SET activity = ?, round_open = 0 WHERE code = ?", (activity, room.code))

    def update_settings(self, code: str, pin: str, **changes) -> dict:
        """Change game settings (fee in basis points, daily limit, difficulty bits, reward, shock…)."""
        room = self._lecturer(code, pin)
        bounds = {"fee_bps": (0, 1000), "daily_limit_fen": (0, MAX_AMOUNT_FEN), "bits": (8, 24),
                  "reward_fen": (0, 1_000_000), "shock": (1.0, 5.0), "reserve_bps": (0, 1000),
                  "max_loan_fen": (100, MAX_AMOUNT_FEN)}
        settings = dict(room.settings)
        for key, value in changes.items():
            require(key in bounds, "classroom_setting", "unknown setting")
            lo, hi = bounds[key]
            require(isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
                    and lo <= value <= hi, "classroom_setting_range", "setting out of range", lo=lo, hi=hi)
            settings[key] = type(DEFAULT_SETTINGS[key])(value)
        with self._tx() as q:
            q("UPDATE rooms SET settings = ? WHERE code = ?", (json.dumps(settings), room.code))
        return settings

    def reset(self, code: str, pin: str) -> None:
        """A fresh start for the same room and seats: every event, block, order and loan of the room is
        deleted and each seat gets its start balance again (a new epoch)."""
        room = self._lecturer(code, pin)
        with self._tx() as q:
            for table in ("events", "entries", "rejections", "blocks", "tries", "orders", "loans"):
                q(f"DELETE FROM {table} WHERE room = ?", (room.code,))
            q("UPDATE balances SET balance = 0 WHERE room = ?", (room.code,))
            q("UPDATE rooms SET epoch = epoch + 1, round_no = 0, round_open = 0, activity = 'lobby' WHERE code = ?",
              (room.code,))
            for (nick,) in q("SELECT nickname FROM seats WHERE room = ? ORDER BY nickname", (room.code,)).fetchall():
                self._grant(q, room.code, nick, room.start_balance_fen)

    # ---------------------------------------------------------------- seats
    def join(self, code: str, nickname: str) -> Seat:
        """A new seat: a fresh rejoin token, the secp256k1 key derived from it, and the start balance
        granted by the room's bank (double entry: bank −x, seat +x)."""
        c = check_code(code)
        nick = check_nickname(nickname)
        room = self.room(c)
        require(room is not None, "classroom_unknown_room", "no such room")
        require(room.is_open, "classroom_closed", "the room is closed")
        token = secrets.token_urlsafe(18)
        key = seat_private_key(token)
        pub = crypto.public_key(key)
        grade = seat_grade(c, nick)
        with self._tx() as q:
            if q("SELECT 1 FROM seats WHERE room = ? AND nickname = ?", (c, nick)).fetchall():
                raise InputError("classroom_nick_taken", "nickname taken in this room", nick=nick)
            q("""INSERT INTO seats (room, nickname, token_hash, public_key, grade, joined_at)
                 VALUES (?, ?, ?, ?, ?, ?)""", (c, nick, token_hash(token), pub.hex(), grade, time.time()))
            q("INSERT INTO balances (room, account, balance) VALUES (?, ?, 0)", (c, nick))
            self._grant(q, c, nick, room.start_balance_fen)
        return Seat(c, nick, token, key, pub, grade)

    def rejoin(self, code: str, token: str) -> Seat | None:
        """The seat a rejoin token belongs to (a phone that slept or reloaded), or None."""
        try:
            c = check_code(code)
        except InputError:
            return None
        token = str(token or "")[:64]
        rows = self._read("SELECT nickname, public_key, grade FROM seats WHERE room = ? AND token_hash = ?",
                          (c, token_hash(token)))
        if not rows:
            return None
        key = seat_private_key(token)
        return Seat(c, rows[0][0], token, key, bytes.fromhex(rows[0][1]), rows[0][2])

    def seats(self, code: str) -> pd.DataFrame:
        """Nickname, grade and join time of every seat (public data only)."""
        rows = self._read("SELECT nickname, grade, joined_at FROM seats WHERE room = ? ORDER BY joined_at",
                          (normalize_code(code),))
        return pd.DataFrame(rows, columns=["nickname", "grade", "joined_at"])

    def _seat_by_token(self, q, code: str, token: str):
        rows = q("SELECT nickname, public_key FROM seats WHERE room = ? AND token_hash = ?",
                 (code, token_hash(str(token or "")[:64]))).fetchall()
        return rows[0] if rows else None

    # ---------------------------------------------------------------- ledger primitives (inside a tx)
    def _lock(self, q, code: str, accounts) -> None:
        """Lock the touched wallets in sorted order (PostgreSQL); SQLite holds the write lock already."""
        if self.pg:
            names = sorted(set(accounts))
            q("SELECT account FROM balances WHERE room = ? AND account = ANY(?) ORDER BY account FOR UPDATE",
              (code, names))

    def _post(self, q, code: str, request_id: str, kind: str, actor: str, counterparty: str, amount: int,
              legs: list[tuple[str, int]], fee: int = 0, detail: str = "", room: Room | None = None,
              debit_first: tuple[str, int] | None = None) -> bool:
        """Record one accepted action: the event row (unique per request id) and its legs.

        ``legs`` sum to zero (double entry).  ``debit_first``: (account, amount) debited by a conditional
        update that fails on overdraft; returns False then (the caller rolls back)."""
        require(sum(v for _, v in legs) == 0, "classroom_unbalanced", "legs must sum to zero")
        require(all(v != 0 for _, v in legs), "classroom_zero_leg", "empty leg")
        if debit_first is not None:
            acct, amt = debit_first
            cur = q("UPDATE balances SET balance = balance - ? WHERE room = ? AND account = ? AND balance >= ?",
                    (amt, code, acct, amt))
            if cur.rowcount != 1:
                return False
        for account, value in legs:
            if debit_first is not None and account == debit_first[0]:
                rest = value + debit_first[1]
                if rest:
                    q("UPDATE balances SET balance = balance + ? WHERE room = ? AND account = ?", (rest, code, account))
                continue
            q("UPDATE balances SET balance = balance + ? WHERE room = ? AND account = ?", (value, code, account))
        for account, value in legs:
            q("INSERT INTO entries (room, request_id, account, amount) VALUES (?, ?, ?, ?)",
              (code, request_id, account, value))
        room = room or self.room(code)
        epoch = q("SELECT epoch FROM rooms WHERE code = ?", (code,)).fetchall()[0][0]
        q("""INSERT INTO events (room, request_id, kind, actor, counterparty, amount, fee, activity, round_no,
             epoch, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
          (code, request_id, kind, actor, counterparty, int(amount), int(fee), room.activity,
           room.round_no, int(epoch), detail, time.time()))
        return True

    def _grant(self, q, code: str, nick: str, amount: int) -> None:
        epoch = q("SELECT epoch FROM rooms WHERE code = ?", (code,)).fetchall()[0][0]
        self._post(q, code, f"grant:{epoch}:{nick}", "grant", BANK, nick, amount, [(BANK, -amount), (nick, amount)],
                   room=Room(code, True, "lobby", 0, False, amount, {}, 0))

    def _seen(self, q, code: str, request_id: str) -> bool:
        return bool(q("SELECT 1 FROM events WHERE room = ? AND request_id = ?", (code, request_id)).fetchall())

    def _reject(self, code: str, actor: str, kind: str, reason: str) -> bool:
        try:
            with self._tx() as q:
                q("INSERT INTO rejections (room, actor, kind, reason, created_at) VALUES (?, ?, ?, ?, ?)",
                  (code, actor[:NICK_MAX], kind, reason, time.time()))
        except Exception:  # noqa: BLE001 - a refusal must never raise
            pass
        self.last_reason = reason
        return False

    # ---------------------------------------------------------------- payments
    def _act(self, code: str, kind: str, activity: str, token: str, request_id: str, body, prechecked: str = "") -> bool:
        """Run one student action as one transaction: room → seat by token → already posted? → room open →
        round of ``activity`` open → ``body(q, code, room, nick, public_key_hex)``, which raises ``_Refused``.

        True when posted now or earlier under ``request_id`` (a retry, a double tap, or a concurrent twin
        that won the UNIQUE race); False with the reason recorded otherwise.  Never raises for a refusal."""
        self.last_reason = ""
        c = normalize_code(code)
        room = self.room(c)
        request_id = str(request_id or "")[:80]
        reason = "unknown_room" if room is None else prechecked or ("" if request_id else "no_request_id")
        if reason:
            return self._reject(c, "?", kind, reason)
        nick = "?"
        try:
            with self._tx() as q:
                seat = self._seat_by_token(q, c, token)
                if seat is None:
                    raise _Refused("unknown_seat")
                nick, pub_hex = seat
                if self._seen(q, c, request_id):
                    return True
                if not room.is_open:
                    raise _Refused("closed")
                if room.activity != activity or not room.round_open:
                    raise _Refused("no_round")
                body(q, c, room, nick, pub_hex, request_id)
            return True
        except _Refused as refused:
            return self._reject(c, nick, kind, refused.reason)
        except Exception as exc:  # noqa: BLE001 - a unique-key race: the same request id posted meanwhile
            if _is_unique_violation(exc):
                return True
            raise

    def transfer(self, code: str, token: str, to_nickname: str, amount_fen: int, request_id: str,
                 signature: bytes) -> bool:
        """Post a signed payment; True if posted now or already posted under this request id.

        Checks, in order: room exists, is open and plays payments in an open round; the token names a seat;
        the signature verifies against the seat's public key over ``transfer_message``; the payee exists and
        is not the payer; the amount is within bounds; the balance covers amount + fee (fee = amount ×
        fee_bps / 10 000, rounded down); the limit per student and round holds.  A refusal returns False and
        records its reason (``self.last_reason``)."""
        try:
            amount = check_amount(amount_fen)
        except InputError:
            amount = 0

        def body(q, c, room, nick, pub_hex, rid):
            msg = transfer_message(c, nick, to_nickname, amount, rid)
            if not crypto.verify(bytes.fromhex(pub_hex), msg, bytes(signature or b"")):
                raise _Refused("bad_signature")
            to = str(to_nickname)
            if to != MERCHANT and not q("SELECT 1 FROM seats WHERE room = ? AND nickname = ?", (c, to)).fetchall():
                raise _Refused("unknown_payee")
            if to == nick:
                raise _Refused("self_payment")
            fee = amount * int(room.settings["fee_bps"]) // 10_000
            self._lock(q, c, [nick, to, FEES])
            legs = [(nick, -(amount + fee)), (to, amount)] + ([(FEES, fee)] if fee else [])
            if not self._post(q, c, rid, "pay", nick, to, amount, legs, fee=fee, room=room,
                              debit_first=(nick, amount + fee)):
                raise _Refused("overdraft")
            limit = int(room.settings["daily_limit_fen"])
            if limit:
                spent = q("""SELECT COALESCE(SUM(amount), 0) FROM events WHERE room = ? AND kind = 'pay'
                             AND actor = ? AND round_no = ? AND epoch = (SELECT epoch FROM rooms WHERE code = ?)""",
                          (c, nick, room.round_no, c)).fetchall()[0][0]
                if int(spent) > limit:
                    raise _Refused("daily_limit")

        return self._act(code, "pay", "payments", token, request_id, body, "" if amount else "bad_amount")

    # ---------------------------------------------------------------- mining race
    def chain(self, code: str) -> pd.DataFrame:
        """Every block of the room's current epoch with ``main`` = on the chain of most work."""
        c = normalize_code(code)
        rows = self._read("""SELECT b.hash, b.prev, b.height, b.miner, b.nonce, b.bits, b.chainwork, b.created_at
                             FROM blocks b JOIN rooms r ON r.code = b.room AND b.epoch = r.epoch
                             WHERE b.room = ? ORDER BY b.height, b.created_at""", (c,))
        df = pd.DataFrame(rows, columns=["hash", "prev", "height", "miner", "nonce", "bits", "chainwork", "created_at"])
        main: set[str] = set()
        if rows:
            prev = {r[0]: r[1] for r in rows}
            h = min(rows, key=lambda r: (-r[6], r[7]))[0]     # most work; the first seen wins a tie
            while h in prev:
                main.add(h)
                h = prev[h]
        df["main"] = df["hash"].isin(main)
        return df

    def tip(self, code: str) -> tuple[str, int, float]:
        """(hash, height, chainwork) of the tip of most work; the genesis when no block is mined yet."""
        c = normalize_code(code)
        rows = self._read("""SELECT b.hash, b.height, b.chainwork FROM blocks b JOIN rooms r ON r.code = b.room AND
                             b.epoch = r.epoch WHERE b.room = ? ORDER BY b.chainwork DESC, b.created_at ASC LIMIT 1""",
                          (c,))
        if not rows:
            return genesis_hash(c), 0, 0.0
        return str(rows[0][0]), int(rows[0][1]), float(rows[0][2])

    def submit_block(self, code: str, token: str, prev_hash: str, nonce: int | None, tries: int,
                     request_id: str) -> bool:
        """Count a press of ``tries`` attempts and, with a nonce, submit a block on ``prev_hash``.

        The server checks the proof of work again (hash < 2^(256−bits)) and that the parent is known.  The
        block that makes a new tip of most work (Nakamoto 2008 §4: the longest chain = most work) pays the
        reward; a block whose height is already taken on the main chain is kept as a fork (stale) and pays
        nothing; if a fork overtakes, the rewards move with the main chain (a reorganisation).  The hash covers
        the miner's nickname, so nobody can claim a block someone else found."""
        try:
            tries = int(tries)
            nonce = None if nonce is None else int(nonce)
            ok = 0 <= tries <= 200_000 and (nonce is None or 0 <= nonce < 2 ** 62)
        except (TypeError, ValueError, OverflowError):
            ok = False

        def body(q, c, room, nick, pub_hex, rid):
            epoch = int(q("SELECT epoch FROM rooms WHERE code = ?", (c,)).fetchall()[0][0])
            q("""INSERT INTO tries (room, epoch, nickname, tries, presses) VALUES (?, ?, ?, ?, 1)
                 ON CONFLICT (room, epoch, nickname) DO UPDATE SET tries = tries.tries + excluded.tries,
                 presses = tries.presses + 1""", (c, epoch, nick, tries))
            if nonce is None:
                q("""INSERT INTO events (room, request_id, kind, actor, counterparty, amount, fee, activity,
                     round_no, epoch, detail, created_at) VALUES (?, ?, 'tries', ?, '', ?, 0, ?, ?, ?, '', ?)""",
                  (c, rid, nick, tries, room.activity, room.round_no, epoch, time.time()))
                return
            bits = int(room.settings["bits"])
            if prev_hash == genesis_hash(c):
                height, parent_work = 1, 0.0
            else:
                parent = q("SELECT height, chainwork FROM blocks WHERE room = ? AND hash = ? AND epoch = ?",
                           (c, prev_hash, epoch)).fetchall()
                if not parent:
                    raise _Refused("unknown_parent")
                height, parent_work = int(parent[0][0]) + 1, float(parent[0][1])
            h = block_hash(c, height, prev_hash, nick, nonce)
            if not meets_bits(h, bits):
                raise _Refused("bad_pow")
            if q("SELECT 1 FROM blocks WHERE room = ? AND hash = ?", (c, h)).fetchall():
                raise _Refused("duplicate_block")
            self._lock(q, c, [MINT])   # serialises a room's block submissions (PostgreSQL)
            old_main = self._main_chain(q, c, epoch)
            q("""INSERT INTO blocks (room, hash, prev, height, miner, nonce, bits, chainwork, epoch, round_no,
                 created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
              (c, h, prev_hash, height, nick, nonce, bits, parent_work + 2.0 ** bits, epoch, room.round_no,
               time.time()))
            self._settle_rewards(q, c, room, old_main, self._main_chain(q, c, epoch), rid, nick, h)

        return self._act(code, "block", "mining", token, request_id, body, "" if ok else "bad_amount")

    def _main_chain(self, q, code: str, epoch: int) -> dict[str, str]:
        """hash → miner of the blocks on the chain of most work (first seen wins a tie)."""
        rows = q("SELECT hash, prev, miner, chainwork, created_at FROM blocks WHERE room = ? AND epoch = ?",
                 (code, epoch)).fetchall()
        if not rows:
            return {}
        by_hash = {r[0]: r for r in rows}
        tip = sorted(rows, key=lambda r: (-r[3], r[4]))[0]
        out, h = {}, tip[0]
        while h in by_hash:
            out[h] = by_hash[h][2]
            h = by_hash[h][1]
        return out

    def _settle_rewards(self, q, code, room, old_main, new_main, request_id, nick, new_hash) -> None:
        """Pay the reward of each block that joined the main chain; take it back from blocks that left it."""
        reward = int(room.settings["reward_fen"])
        if not reward:
            q("""INSERT INTO events (room, request_id, kind, actor, counterparty, amount, fee, activity, round_no,
                 epoch, detail, created_at) VALUES (?, ?, 'block', ?, '', 0, 0, ?, ?, (SELECT epoch FROM rooms
                 WHERE code = ?), ?, ?)""",
              (code, request_id, nick, room.activity, room.round_no, code, new_hash, time.time()))
            return
        posted = False
        for h, miner in old_main.items():
            if h not in new_main:   # orphaned by a reorganisation: the reward goes back to the mint
                self._post(q, code, f"{request_id}:undo:{h[:16]}", "reward_undo", miner, MINT, reward,
                           [(miner, -reward), (MINT, reward)], detail=h, room=room)
        for h, miner in new_main.items():
            if h not in old_main:
                rid = request_id if h == new_hash else f"{request_id}:redo:{h[:16]}"
                self._post(q, code, rid, "reward", MINT, miner, reward, [(MINT, -reward), (miner, reward)],
                           detail=h, room=room)
                posted = posted or h == new_hash
        if not posted:   # a stale block: recorded, no reward
            q("""INSERT INTO events (room, request_id, kind, actor, counterparty, amount, fee, activity, round_no,
                 epoch, detail, created_at) VALUES (?, ?, 'stale', ?, '', 0, 0, ?, ?, (SELECT epoch FROM rooms
                 WHERE code = ?), ?, ?)""",
              (code, request_id, nick, room.activity, room.round_no, code, new_hash, time.time()))

    def mining_shares(self, code: str) -> pd.DataFrame:
        """Per student: tries, presses, blocks on the main chain, and each as a share of the class."""
        c = normalize_code(code)
        tries = pd.DataFrame(self._read("""SELECT t.nickname, t.tries, t.presses FROM tries t JOIN rooms r
                                            ON r.code = t.room AND r.epoch = t.epoch WHERE t.room = ?""", (c,)),
                             columns=["nickname", "tries", "presses"])
        chain = self.chain(c)
        blocks = chain[chain["main"]].groupby("miner").size().rename("blocks") if len(chain) else \
            pd.Series(dtype=int, name="blocks")
        df = tries.set_index("nickname").join(blocks, how="outer").fillna(0)
        df[["tries", "presses", "blocks"]] = df[["tries", "presses", "blocks"]].astype(int)
        df["share_tries"] = df["tries"] / max(1, int(df["tries"].sum()))
        df["share_blocks"] = df["blocks"] / max(1, int(df["blocks"].sum()))
        return df.reset_index().rename(columns={"index": "nickname"}).sort_values("tries", ascending=False)

    def tries_per_second(self, code: str, window: float = 60.0) -> float:
        """The class's mining pace: tries of the presses that found nothing in the last ``window`` seconds,
        divided by the window (presses that found a block are a tiny share)."""
        rows = self._read("""SELECT COALESCE(SUM(e.amount), 0) FROM events e JOIN rooms r ON r.code = e.room AND
                             r.epoch = e.epoch WHERE e.room = ? AND e.kind = 'tries' AND e.created_at >= ?""",
                          (normalize_code(code), time.time() - window))
        return int(rows[0][0]) / window

    # ---------------------------------------------------------------- P2P market
    def place_order(self, code: str, token: str, side: str, amount_fen: int, request_id: str, signature: bytes,
                    grades: str = "ABCDE", min_rate: float = 0.0) -> bool:
        """A borrower's request (side 'borrow', at the rate of the seat's grade) or a lender's offer (side
        'lend'; the money moves to the platform's custody account #escrow (资金存管) until matching)."""
        try:
            amount = check_amount(amount_fen)
            rate_ok = 0 <= float(min_rate) <= 0.36
        except (InputError, TypeError, ValueError):
            amount, rate_ok = 0, False
        grades = "".join(sorted(set(str(grades).upper()) & set(p2p.GRADES)))
        ok = amount and rate_ok and side in ("borrow", "lend") and grades

        def body(q, c, room, nick, pub_hex, rid):
            fields = {"side": side, "amount_fen": amount, "grades": grades, "min_rate": round(float(min_rate), 4)}
            if not crypto.verify(bytes.fromhex(pub_hex), order_message(c, nick, "order", fields, rid),
                                 bytes(signature or b"")):
                raise _Refused("bad_signature")
            epoch = int(q("SELECT epoch FROM rooms WHERE code = ?", (c,)).fetchall()[0][0])
            if q("""SELECT COUNT(*) FROM orders WHERE room = ? AND epoch = ? AND round_no = ? AND nickname = ?
                    AND status = 'open'""", (c, epoch, room.round_no, nick)).fetchall()[0][0]:
                raise _Refused("one_order")
            grade = q("SELECT grade FROM seats WHERE room = ? AND nickname = ?", (c, nick)).fetchall()[0][0]
            rate = p2p.grade_rates()[grade] if side == "borrow" else float(min_rate)
            if side == "borrow":
                if amount > int(room.settings["max_loan_fen"]):
                    raise _Refused("over_cap")
                q("""INSERT INTO events (room, request_id, kind, actor, counterparty, amount, fee, activity,
                     round_no, epoch, detail, created_at) VALUES (?, ?, 'borrow', ?, '', ?, 0, ?, ?, ?, ?, ?)""",
                  (c, rid, nick, amount, room.activity, room.round_no, epoch, grade, time.time()))
            else:
                self._lock(q, c, [nick, ESCROW])
                if not self._post(q, c, rid, "lend", nick, ESCROW, amount, [(nick, -amount), (ESCROW, amount)],
                                  detail=grades, room=room, debit_first=(nick, amount)):
                    raise _Refused("overdraft")
            q("""INSERT INTO orders (room, request_id, epoch, round_no, nickname, side, amount, grade, rate, grades,
                 status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')""",
              (c, rid, epoch, room.round_no, nick, side, amount, grade, rate, grades))

        return self._act(code, "order", "p2p", token, request_id, body, "" if ok else "bad_amount")

    def orders(self, code: str) -> pd.DataFrame:
        """Orders of the current epoch."""
        c = normalize_code(code)
        rows = self._read("""SELECT o.round_no, o.nickname, o.side, o.amount, o.grade, o.rate, o.grades, o.status
                             FROM orders o JOIN rooms r ON r.code = o.room AND r.epoch = o.epoch WHERE o.room = ?
                             ORDER BY o.round_no, o.request_id""", (c,))
        return pd.DataFrame(rows, columns=["round_no", "nickname", "side", "amount", "grade", "rate", "grades",
                                           "status"])

    def match(self, code: str, pin: str) -> dict:
        """Match this round's open orders with the lending page's rule (``core.p2p.match_investors``, in
        whole yuan): lenders' money goes from #escrow to the borrowers (less the reserve fee to #reserve);
        what was not lent returns to the lenders.  Returns counts and sums."""
        room = self._lecturer(code, pin)
        c = room.code
        with self._tx() as q:
            epoch = int(q("SELECT epoch FROM rooms WHERE code = ?", (c,)).fetchall()[0][0])
            rows = q("""SELECT request_id, nickname, side, amount, grade, rate, grades FROM orders WHERE room = ? AND
                        epoch = ? AND round_no = ? AND status = 'open' ORDER BY request_id""",
                     (c, epoch, room.round_no)).fetchall()
            borrow = [r for r in rows if r[2] == "borrow"]
            lend = [r for r in rows if r[2] == "lend"]
            result = {"loans": 0, "lent_fen": 0, "returned_fen": 0, "borrowers": len(borrow), "lenders": len(lend)}
            alloc = np.zeros((len(lend), len(borrow)), dtype=np.int64)
            if borrow and lend:
                loans = pd.DataFrame({"loan": [r[1] for r in borrow], "amount": [r[3] // 100 for r in borrow],
                                      "grade": [r[4] for r in borrow], "rate": [r[5] for r in borrow],
                                      "months": [12] * len(borrow)})
                investors = pd.DataFrame({"investor": [r[1] for r in lend], "bid": [r[3] // 100 for r in lend],
                                          "cash": [r[3] // 100 for r in lend],
                                          "min_rate": [r[5] for r in lend], "grades": [r[6] for r in lend]})
                loans = loans[loans["amount"] > 0]
                investors = investors[investors["bid"] > 0]
                if len(loans) and len(investors):
                    trace = p2p.match_investors(loans.reset_index(drop=True), investors.reset_index(drop=True),
                                                note=100, max_per_loan=max(100, int(loans["amount"].max())))
                    sub = trace.steps[-1].state["alloc"]
                    li = [i for i, r in enumerate(lend) if r[3] // 100 > 0]
                    bj = [j for j, r in enumerate(borrow) if r[3] // 100 > 0]
                    for a, i in enumerate(li):
                        for b, j in enumerate(bj):
                            alloc[i, j] = sub[a, b]
            reserve_bps = int(room.settings["reserve_bps"])
            self._lock(q, c, [ESCROW, RESERVE] + [r[1] for r in rows])
            for j, b in enumerate(borrow):
                for i, l_ in enumerate(lend):
                    amt = int(alloc[i, j])
                    if amt <= 0:
                        continue
                    fee = amt * reserve_bps // 10_000
                    legs = [(ESCROW, -amt), (b[1], amt - fee)] + ([(RESERVE, fee)] if fee else [])
                    self._post(q, c, f"loan:{epoch}:{room.round_no}:{l_[0]}:{b[0]}", "loan", l_[1], b[1], amt, legs,
                               fee=fee, detail=b[4], room=room)
                    q("""INSERT INTO loans (room, epoch, round_no, borrower, lender, amount, rate, grade, status)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'funded')""", (c, epoch, room.round_no, b[1], l_[1], amt,
                                                                          float(b[5]), b[4]))
                    result["loans"] += 1
                    result["lent_fen"] += amt
            for i, l_ in enumerate(lend):
                left = int(l_[3]) - int(alloc[i].sum())
                if left > 0:
                    self._post(q, c, f"refund:{epoch}:{l_[0]}", "refund", ESCROW, l_[1], left,
                               [(ESCROW, -left), (l_[1], left)], room=room)
                    result["returned_fen"] += left
            q("UPDATE orders SET status = 'matched' WHERE room = ? AND epoch = ? AND round_no = ? AND status = 'open'",
              (c, epoch, room.round_no))
        return result

    def settle(self, code: str, pin: str, seed: int = 0) -> dict:
        """A year passes for the funded loans: each defaults with its grade's PD × shock (core.p2p.GRADE_PD,
        capped at 1), drawn from numpy's PCG64 seeded by (seed, room, round); a loan that does not default
        repays principal × (1 + rate) from the borrower's wallet (what the wallet lacks is a loss); the reserve
        (风险准备金) pays lenders' lost principal while it lasts — and no longer."""
        room = self._lecturer(code, pin)
        c = room.code
        shock = float(room.settings["shock"])
        out = {"repaid": 0, "defaulted": 0, "paid_fen": 0, "lost_fen": 0, "covered_fen": 0}
        with self._tx() as q:
            epoch = int(q("SELECT epoch FROM rooms WHERE code = ?", (c,)).fetchall()[0][0])
            rows = q("""SELECT id, borrower, lender, amount, rate, grade FROM loans WHERE room = ? AND epoch = ? AND
                        status = 'funded' ORDER BY id""", (c, epoch)).fetchall()
            self._lock(q, c, [RESERVE] + [r[1] for r in rows] + [r[2] for r in rows])
            key = int.from_bytes(crypto.sha256(f"{seed}|{c}|{epoch}|{room.round_no}".encode())[:8], "big")
            rng = np.random.default_rng(key)
            for n, (rid, borrower, lender, amount, rate, grade) in enumerate(rows):
                due = int(amount) + int(round(int(amount) * float(rate)))
                pd_ = min(1.0, p2p.GRADE_PD[grade] * shock)
                default = bool(rng.random() < pd_)
                have = int(q("SELECT balance FROM balances WHERE room = ? AND account = ?",
                             (c, borrower)).fetchall()[0][0])
                paid = 0 if default else min(due, max(0, have))
                if paid:
                    self._post(q, c, f"repay:{epoch}:{room.round_no}:{n}", "repay", borrower, lender, paid,
                               [(borrower, -paid), (lender, paid)], room=room)
                lost = max(0, int(amount) - paid)
                cover = 0
                if lost:
                    reserve = int(q("SELECT balance FROM balances WHERE room = ? AND account = ?",
                                    (c, RESERVE)).fetchall()[0][0])
                    cover = min(lost, max(0, reserve))
                    if cover:
                        self._post(q, c, f"cover:{epoch}:{room.round_no}:{n}", "cover", RESERVE, lender, cover,
                                   [(RESERVE, -cover), (lender, cover)], room=room)
                status = "repaid" if paid >= due else "default"
                q("UPDATE loans SET status = ?, repaid = ?, covered = ? WHERE id = ?", (status, paid, cover, rid))
                out["repaid" if status == "repaid" else "defaulted"] += 1
                out["paid_fen"] += paid
                out["lost_fen"] += max(0, lost - cover)
                out["covered_fen"] += cover
        return out

    def loans(self, code: str) -> pd.DataFrame:
        """Loans of the current epoch."""
        c = normalize_code(code)
        rows = self._read("""SELECT l.round_no, l.borrower, l.lender, l.amount, l.rate, l.grade, l.status, l.repaid,
                             l.covered FROM loans l JOIN rooms r ON r.code = l.room AND r.epoch = l.epoch
                             WHERE l.room = ? ORDER BY l.round_no, l.borrower, l.lender""", (c,))
        return pd.DataFrame(rows, columns=["round_no", "borrower", "lender", "amount", "rate", "grade", "status",
                                           "repaid", "covered"])

    # ---------------------------------------------------------------- reading
    def balances(self, code: str) -> dict[str, int]:
        """Every account of the room in fen: seats by nickname and the system accounts (#bank …)."""
        rows = self._read("SELECT account, balance FROM balances WHERE room = ? ORDER BY account",
                          (normalize_code(code),))
        return {a: int(b) for a, b in rows}

    def ledger_total(self, code: str) -> int:
        """Σ balances (always 0: every posting is double entry) — computed by the database."""
        return int(self._read("SELECT COALESCE(SUM(balance), 0) FROM balances WHERE room = ?",
                              (normalize_code(code),))[0][0])

    def entries_total(self, code: str) -> int:
        """Σ of every leg ever posted in the room (0 too)."""
        return int(self._read("SELECT COALESCE(SUM(amount), 0) FROM entries WHERE room = ?",
                              (normalize_code(code),))[0][0])

    def events(self, code: str) -> pd.DataFrame:
        """One row per accepted action of the current epoch, in posting order."""
        c = normalize_code(code)
        rows = self._read("""SELECT e.id, e.created_at, e.kind, e.actor, e.counterparty, e.amount, e.fee, e.activity,
                             e.round_no, e.request_id, e.detail FROM events e JOIN rooms r ON r.code = e.room AND
                             r.epoch = e.epoch WHERE e.room = ? ORDER BY e.id""", (c,))
        df = pd.DataFrame(rows, columns=["id", "time", "kind", "actor", "counterparty", "amount_fen", "fee_fen",
                                         "activity", "round", "request_id", "detail"])
        df["time"] = pd.to_datetime(df["time"], unit="s", utc=True)
        return df

    def rejections(self, code: str) -> pd.DataFrame:
        """Refused actions with their reason."""
        rows = self._read("SELECT created_at, actor, kind, reason FROM rejections WHERE room = ? ORDER BY created_at",
                          (normalize_code(code),))
        return pd.DataFrame(rows, columns=["time", "actor", "kind", "reason"])

    def participation(self, code: str) -> pd.DataFrame:
        """Actions per student (payments, mining presses, loan orders) — participation, not winnings."""
        c = normalize_code(code)
        ev = self.events(c)
        df = self.seats(c)[["nickname"]].set_index("nickname")
        for col, kinds in (("payments", ["pay"]), ("mining_presses", ["tries", "block", "reward", "stale"]),
                           ("orders", ["borrow", "lend"])):
            mine = ev[ev["kind"].isin(kinds)]
            df[col] = mine.groupby("actor").size() if col != "mining_presses" else None
        df["mining_presses"] = self.mining_shares(c).set_index("nickname")["presses"]
        df = df.fillna(0).astype(int)
        df["actions"] = df.sum(axis=1)
        return df.reset_index()

    def flows(self, code: str) -> pd.DataFrame:
        """Payments between accounts this epoch: source, target, count, total fen."""
        ev = self.events(code)
        pay = ev[ev["kind"] == "pay"]
        if not len(pay):
            return pd.DataFrame(columns=["actor", "counterparty", "count", "amount_fen"])
        return (pay.groupby(["actor", "counterparty"]).agg(count=("amount_fen", "size"), amount_fen=("amount_fen", "sum"))
                .reset_index())


class _Q:
    """``q(sql, params)`` → cursor, with ? placeholders turned into %s for PostgreSQL."""

    def __init__(self, cur, store: Store):
        self.cur, self.store = cur, store

    def __call__(self, sql: str, params: tuple = ()):
        self.cur.execute(self.store._sql(sql), params)
        return self.cur


class _Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _is_unique_violation(exc: Exception) -> bool:
    """Did a UNIQUE/PRIMARY KEY constraint refuse an insert (a concurrent duplicate request)?"""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc)
    return getattr(exc, "sqlstate", None) == "23505"


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(url: str) -> Store:
    """The store for a database URL: ``sqlite:///path`` (embedded, WAL) or ``postgresql://…``.  One Store per
    URL per process (it pools its connections)."""
    url = str(url or "")
    require(url.startswith(("sqlite:///", "postgresql://", "postgres://")), "classroom_db_url",
            "database URL must start with sqlite:/// or postgresql://")
    with _STORES_LOCK:
        if url not in _STORES:
            _STORES[url] = Store(url)
        return _STORES[url]
