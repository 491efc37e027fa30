"""Smart contracts on the teaching chain: a loan, an escrow, delivery versus payment, and a
Merkle-sum tree for proof of reserves (the article's §3 smart contracts and §4 transparency).

A contract is an explicit state machine whose rules are *data*: a table of ``Rule(state, action,
role, next, guard)`` rows.  Nothing the user types is ever evaluated; a guard is the name of one of
a few fixed checks (``GUARDS``).  Every accepted transition is a transaction signed with the
actor's secp256k1 key (``core.crypto.sign``, RFC 6979), verified, and mined into a block of the
teaching chain (``core.blockchain.Block``, proof of work with a small difficulty) that links to the
block before it.  Money moves through ``core.ledger.Ledger`` (integer fen, all or nothing): a
refused transition changes nothing — no state, no balance, no block.

Sources: N. Szabo, "Formalizing and Securing Relationships on Public Networks", First Monday 2(9), 1997
(smart contracts); G. Wood, Ethereum Yellow Paper (a contract is a state machine driven by signed
transactions); BIS CPMI, "Delivery versus payment in securities settlement systems" (1992);
G. Maxwell's Merkle-sum proof of reserves (2014), with the fix of K. Chalkias, K. Lewi, P. Mohassel,
V. Nikolaenko, "Distributed Auditing Proofs of Liabilities" (2020): each node commits to *both*
children's sums, and verifiers reject negative sums.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from core import crypto
from core.blockchain import BLOCK_SPACING, CHAIN_START_TIME, GENESIS_PREV, Block, mine_block, validate_chain
from core.errors import InputError, require
from core.ledger import Ledger
from core.lending import equal_installment_schedule, equal_principal_schedule
from core.trace import Trace

DIFFICULTY = 2                       # hex zeros per teaching block: ≈ 256 tries, a few ms
DAY = 86_400


# ================================================================== keys, signed transactions, the chain
@lru_cache(maxsize=256)
def private_key_of(actor: str) -> int:
    """A fixed teaching key for ``actor``: k = SHA-256("fintechlab teaching key|" + actor) mod (n − 1) + 1.

    Reproducible on purpose (the same run gives the same signatures); never a way to make real keys."""
    digest = crypto.sha256(f"fintechlab teaching key|{actor}".encode("utf-8"))
    return int.from_bytes(digest, "big") % (crypto.SECP256K1_N - 1) + 1


@lru_cache(maxsize=256)
def public_key_of(actor: str) -> bytes:
    """The compressed SEC 1 public key of ``actor``'s teaching key."""
    return crypto.public_key(private_key_of(actor))


@dataclass(frozen=True)
class SignedTx:
    """A transaction: what the signer asks the contract to do, its ECDSA signature and its id."""

    contract: str
    seq: int
    action: str
    signer: str
    payload: str
    signature: bytes
    txid: str

    def message(self) -> bytes:
        """The bytes that were signed: ``contract|seq|action|signer|payload``."""
        return f"{self.contract}|{self.seq}|{self.action}|{self.signer}|{self.payload}".encode("utf-8")

    def verify(self) -> bool:
        """ECDSA check of the signature against the signer's public key."""
        return crypto.verify(public_key_of(self.signer), self.message(), self.signature)


def sign_tx(contract: str, seq: int, action: str, signer: str, params: dict) -> SignedTx:
    """Sign ``action`` with ``signer``'s key; the payload is the parameters as sorted JSON; the
    transaction id is SHA-256(message ‖ signature), as Bitcoin's txid covers the signature too."""
    payload = json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    message = f"{contract}|{seq}|{action}|{signer}|{payload}".encode("utf-8")
    signature = crypto.sign(private_key_of(signer), message)
    return SignedTx(contract, seq, action, signer, payload, signature, crypto.sha256(message + signature).hex())


class TeachingChain:
    """Blocks of ``core.blockchain`` holding one transaction each, mined at a small difficulty."""

    def __init__(self, difficulty: int = DIFFICULTY, start_time: int = CHAIN_START_TIME) -> None:
        self.difficulty = difficulty
        self.start_time = start_time
        self.blocks: list[Block] = []

    def record(self, tx: SignedTx, day: int = 0) -> Block:
        """Mine a block whose data names the transaction and whose ``prev_hash`` is the last block's hash."""
        prev = self.blocks[-1].hash if self.blocks else GENESIS_PREV
        number = len(self.blocks) + 1
        stamp = max(self.start_time + int(day) * DAY, self.start_time + (number - 1) * BLOCK_SPACING)
        data = f"{tx.contract}#{tx.seq} {tx.action} by {tx.signer} tx={tx.txid}"
        block, _ = mine_block(Block(number, stamp, data, prev), self.difficulty)
        self.blocks.append(block)
        return block

    def valid(self) -> bool:
        """Every block meets the target and links to its predecessor."""
        return all(r["valid"] for r in validate_chain(self.blocks, self.difficulty))


def block_view(block: Block, tx: SignedTx) -> dict:
    """What the step player shows of the block that recorded a step."""
    r, s = crypto.signature_rs(tx.signature)
    return {"number": block.number, "hash": block.hash, "prev_hash": block.prev_hash, "nonce": block.nonce,
            "timestamp": block.timestamp, "txid": tx.txid, "action": tx.action, "signer": tx.signer,
            "payload": tx.payload, "signature": tx.signature.hex(), "r": f"{r:064x}", "verified": tx.verify()}


# ================================================================== state machines whose rules are data
@dataclass(frozen=True)
class Rule:
    """From ``state``, ``action`` signed by ``role`` leads to ``next`` if the named ``guard`` holds."""

    state: str
    action: str
    role: str
    next: str
    guard: str = ""


#: the only checks a rule may name; each takes the contract's facts (dict) and returns True/False
GUARDS = {
    "": lambda f: True,
    "score_at_cutoff": lambda f: f["score"] >= f["cutoff"],
    "score_below_cutoff": lambda f: f["score"] < f["cutoff"],
    "before_deadline": lambda f: f["day"] <= f["deadline"],
    "after_deadline": lambda f: f["day"] > f["deadline"],
    "last_instalment": lambda f: f["paid"] + 1 == f["months"],
    "more_instalments": lambda f: f["paid"] + 1 < f["months"],
    "funds_short": lambda f: f["wallet"] < f["due"],
}

LOAN_RULES = (
    Rule("draft", "apply", "borrower", "applied"),
    Rule("applied", "approve", "scorer", "approved", "score_at_cutoff"),
    Rule("applied", "reject", "scorer", "rejected", "score_below_cutoff"),
    Rule("approved", "disburse", "keeper", "repaying"),
    Rule("repaying", "repay", "borrower", "repaying", "more_instalments"),
    Rule("repaying", "repay", "borrower", "closed", "last_instalment"),
    Rule("repaying", "default", "keeper", "defaulted", "funds_short"),
    Rule("defaulted", "liquidate", "keeper", "liquidated"),
)

ESCROW_RULES = (
    Rule("created", "deposit", "buyer", "funded"),
    Rule("funded", "ship", "seller", "shipped", "before_deadline"),
    Rule("shipped", "confirm", "buyer", "released"),
    Rule("funded", "refund_timeout", "keeper", "refunded", "after_deadline"),
    Rule("shipped", "dispute", "buyer", "disputed"),
    Rule("disputed", "rule_for_seller", "arbiter", "released"),
    Rule("disputed", "rule_for_buyer", "arbiter", "refunded"),
)


class StateMachine:
    """A contract's state plus its rule table; ``fire`` accepts or refuses one transition."""

    def __init__(self, name: str, rules: tuple, initial: str, roles: dict) -> None:
        for rule in rules:
            require(rule.guard in GUARDS, "bcf_rule_guard", f"unknown guard {rule.guard!r}", guard=rule.guard)
        self.name, self.rules, self.state, self.roles = name, tuple(rules), initial, dict(roles)

    def allowed(self) -> list[str]:
        """Actions that some rule allows from the current state."""
        return sorted({r.action for r in self.rules if r.state == self.state})

    def find(self, action: str, signer: str, facts: dict) -> Rule:
        """The rule that ``signer``'s ``action`` triggers now, or ``InputError`` (nothing changes)."""
        candidates = [r for r in self.rules if r.state == self.state and r.action == action]
        if not candidates:
            raise InputError("bcf_transition", f"{action} is not allowed in state {self.state}",
                             action=action, state=self.state)
        if all(self.roles.get(r.role) != signer for r in candidates):
            raise InputError("bcf_signer", f"{signer} may not {action}", signer=signer, action=action)
        for rule in candidates:
            if self.roles.get(rule.role) == signer and GUARDS[rule.guard](facts):
                return rule
        raise InputError("bcf_guard", f"the condition for {action} does not hold", action=action, state=self.state)


@dataclass
class ContractRun:
    """One contract's life: its machine, a money ledger, an asset ledger, the chain and the trace."""

    machine: StateMachine
    money: Ledger
    assets: Ledger = field(default_factory=Ledger)
    chain: TeachingChain = field(default_factory=TeachingChain)
    trace: Trace = field(default_factory=Trace)
    seq: int = 0
    shown: tuple = ()
    extra: dict = field(default_factory=dict)

    def snapshot(self, block: dict | None, refused: str = "") -> dict:
        """State, balances (fen and asset units) and the recording block, for the step player."""
        bal = self.money.balances()
        units = self.assets.balances()
        return {"state": self.machine.state, "balances": {a: bal[a] for a in self.shown if a in bal},
                "assets": {a: units[a] for a in self.shown if a in units}, "block": block,
                "refused": refused, "extra": dict(self.extra), "blocks": len(self.chain.blocks)}

    def fire(self, action: str, signer: str, facts: dict, legs=(), asset_legs=(), day: int = 0,
             key: str = "", **params) -> dict:
        """Check the rule, sign, verify, post money and assets (all or nothing), move the state, mine a block.

        Returns the block view.  Any refusal raises ``InputError`` before anything has changed."""
        rule = self.machine.find(action, signer, facts)
        tx = sign_tx(self.machine.name, self.seq + 1, action, signer, {k: _plain(v) for k, v in params.items()})
        require(tx.verify(), "bcf_signature", "signature does not verify")
        if legs:
            self.money._check(list(legs))         # checked first, so a refused asset leg posts no money
        if asset_legs:
            self.assets._check(list(asset_legs))
        if legs:
            self.money.post(list(legs), memo=action)
        if asset_legs:
            self.assets.post(list(asset_legs), memo=action)
        self.seq += 1
        self.machine.state = rule.next
        view = block_view(self.chain.record(tx, day), tx)
        self.trace.add(key or f"bcfinance.step.{self.machine.name}.{action}", self.snapshot(view), day=day,
                       signer=signer, block=view["number"], **params)
        return view

    def refuse(self, action: str, signer: str, facts: dict, day: int = 0, **params) -> str:
        """Try an action that the rules should refuse; record the refusal as a step with no block."""
        before = (self.machine.state, self.money.balances(), len(self.chain.blocks))
        try:
            self.machine.find(action, signer, facts)
        except InputError as exc:
            after = (self.machine.state, self.money.balances(), len(self.chain.blocks))
            assert before == after
            self.trace.add(f"bcfinance.step.refused.{exc.key}", self.snapshot(None, refused=exc.key), day=day,
                           signer=signer, action=action, now=self.machine.state, **params)
            return exc.key
        raise AssertionError(f"{action} by {signer} was not refused")


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def _whole_fen(value, key: str, lo: int = 1, hi: int = 10 ** 12) -> int:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool) and lo <= int(value) <= hi
    require(ok, key, f"must be a whole number of fen within {lo}..{hi}", value=value, lo=lo, hi=hi)
    return int(value)


# ================================================================== 1. the loan contract
LOAN_ACCOUNTS = ("lender", "borrower", "contract")


def check_loan_terms(principal_fen: int, annual_rate: float, months: int, collateral_ratio: float,
                     price_drop: float) -> None:
    """Principal 1 fen..¥10m, months 1..36, collateral ratio 0..5 (0 %..500 % of the principal),
    collateral price change at default within 0..0.95 (a fall of 0 %..95 %)."""
    _whole_fen(principal_fen, "bcf_amount", 1, 1_000_000_000)
    require(isinstance(months, (int, np.integer)) and 1 <= months <= 36, "bcf_months",
            "months must be 1..36", lo=1, hi=36)
    require(0.0 <= float(annual_rate) <= 1.0, "bcf_rate", "rate must be within 0..100%", lo=0, hi=1)
    require(0.0 <= float(collateral_ratio) <= 5.0, "bcf_collateral_ratio", "collateral ratio must be 0..500%",
            lo=0.0, hi=5.0, value=float(collateral_ratio))
    require(0.0 <= float(price_drop) <= 0.95, "bcf_price_drop", "price fall must be within 0..95%",
            lo=0.0, hi=0.95, value=float(price_drop))


def loan_contract(score: float, cutoff: float, principal_fen: int, annual_rate: float, months: int,
                  method: str = "installment", collateral_ratio: float = 1.5, default_month: int = 0,
                  price_drop: float = 0.3, collateral_price_fen: int = 10_000) -> ContractRun:
    """A collateralised loan run by a contract: apply (pledge collateral) → scored at the cut-off
    (the lending page's scorecard) → disbursed → scheduled repayments (``core.lending`` schedules,
    等额本息 or 等额本金) → closed (collateral returned), or → default when the wallet cannot pay an
    instalment → liquidation: the pledged units are sold at the fallen price, the lender takes what
    is owed (outstanding principal + the missed month's interest), any surplus goes back to the
    borrower, any shortfall is the lender's loss.

    Off the contract, the borrower spends the loan and a salary arrives before each due date; from
    ``default_month`` on (1-based; 0 = never) the salary stops."""
    check_loan_terms(principal_fen, annual_rate, months, collateral_ratio, price_drop)
    require(method in ("installment", "principal"), "bcf_method", "method must be installment or principal")
    require(isinstance(default_month, (int, np.integer)) and 0 <= default_month <= months, "bcf_default_month",
            "default month must be within 0..months", lo=0, hi=int(months))
    _whole_fen(collateral_price_fen, "bcf_amount")
    sched_fn = equal_installment_schedule if method == "installment" else equal_principal_schedule
    sched = sched_fn(principal_fen / 100.0, float(annual_rate), int(months))
    pay = [int(round(v * 100)) for v in sched["payment"]]
    interest = [int(round(v * 100)) for v in sched["interest"]]
    balance_after = [int(round(v * 100)) for v in sched["balance"]]
    units = int(np.ceil(principal_fen * collateral_ratio / collateral_price_fen)) if collateral_ratio > 0 else 0

    money = Ledger()
    for acct in ("lender", "borrower", "contract"):
        money.open(acct)
    for acct in ("market", "salary", "shop"):
        money.open(acct, allow_negative=True)
    money.transfer("market", "lender", int(principal_fen), "lender's funds")
    assets = Ledger()
    assets.open("borrower")
    assets.open("contract")
    assets.open("market", allow_negative=True)
    if units:
        assets.transfer("market", "borrower", units, "borrower's pledgeable units")
    machine = StateMachine("loan", LOAN_RULES, "draft",
                           {"borrower": "borrower", "scorer": "scorer", "keeper": "keeper"})
    run = ContractRun(machine, money, assets, shown=LOAN_ACCOUNTS)
    run.extra = {"paid": 0, "months": int(months), "collateral_units": units, "price_fen": collateral_price_fen,
                 "outstanding_fen": int(principal_fen), "lender_loss_fen": 0}
    run.trace.meta = {"schedule": sched, "units": units, "score": float(score), "cutoff": float(cutoff)}
    facts = {"score": float(score), "cutoff": float(cutoff), "months": int(months), "paid": 0, "wallet": 0, "due": 0}
    run.trace.add("bcfinance.step.loan.open", run.snapshot(None), principal=int(principal_fen), units=units)

    run.fire("apply", "borrower", facts, asset_legs=[("borrower", -units), ("contract", units)] if units else (),
             principal=int(principal_fen), units=units, months=int(months))
    if float(score) < float(cutoff):
        run.fire("reject", "scorer", facts, asset_legs=[("contract", -units), ("borrower", units)] if units else (),
                 score=round(float(score), 1), cutoff=round(float(cutoff), 1))
        return run
    run.fire("approve", "scorer", facts, score=round(float(score), 1), cutoff=round(float(cutoff), 1))
    run.refuse("disburse", "borrower", facts)    # the borrower cannot pay himself out
    run.fire("disburse", "keeper", facts, legs=[("lender", -int(principal_fen)), ("borrower", int(principal_fen))],
             amount=int(principal_fen))
    money.transfer("borrower", "shop", int(principal_fen), "the borrower spends the loan")
    for k in range(int(months)):
        month = k + 1
        if default_month == 0 or month < default_month:
            money.transfer("salary", "borrower", pay[k], "salary")
        facts.update(paid=k, wallet=money.balance("borrower"), due=pay[k])
        if money.balance("borrower") >= pay[k]:
            run.extra.update(paid=month, outstanding_fen=balance_after[k])
            back = [("contract", -units), ("borrower", units)] if units and month == months else ()
            run.fire("repay", "borrower", facts, legs=[("borrower", -pay[k]), ("lender", pay[k])], asset_legs=back,
                     day=30 * month, month=month, amount=pay[k], interest=interest[k], balance=balance_after[k])
            continue
        owed = (balance_after[k - 1] if k else int(principal_fen)) + interest[k]
        run.extra.update(outstanding_fen=owed)
        run.fire("default", "keeper", facts, day=30 * month, month=month, due=pay[k], owed=owed)
        price = int(collateral_price_fen * (1.0 - float(price_drop)))
        proceeds = units * price
        to_lender = min(proceeds, owed)
        legs_m, legs_a = [], []
        if proceeds:
            legs_m = [("market", -proceeds), ("lender", to_lender)]
            if proceeds > to_lender:
                legs_m.append(("borrower", proceeds - to_lender))
            legs_a = [("contract", -units), ("market", units)]
        run.extra.update(price_fen=price, lender_loss_fen=owed - to_lender, outstanding_fen=0)
        run.fire("liquidate", "keeper", facts, legs=legs_m, asset_legs=legs_a, day=30 * month + 1, units=units,
                 price=price, proceeds=proceeds, to_lender=to_lender, surplus=proceeds - to_lender,
                 loss=owed - to_lender)
        return run
    return run


def loan_summary(run: ContractRun, principal_fen: int) -> dict:
    """Headline numbers of a loan run: outcome, instalments paid, lender's received, lender's net."""
    lender = run.money.balance("lender")
    return {"state": run.machine.state, "blocks": len(run.chain.blocks), "paid": run.extra["paid"],
            "lender_fen": lender, "lender_net_fen": lender - int(principal_fen),
            "loss_fen": run.extra["lender_loss_fen"], "chain_valid": run.chain.valid()}


# ================================================================== 2. escrow and delivery versus payment
ESCROW_PATHS = ("happy", "timeout", "dispute_seller", "dispute_buyer")


def escrow_contract(price_fen: int, deadline_day: int = 7, ship_day: int = 2, path: str = "happy") -> ContractRun:
    """A buyer's payment locked in a contract until delivery is confirmed.

    Paths: ``happy`` (ship, confirm → seller paid), ``timeout`` (no shipment by the deadline → keeper
    refunds), ``dispute_seller`` / ``dispute_buyer`` (buyer disputes after shipment, the arbiter rules).
    Each run also shows one refused attempt: the seller trying to release the money himself."""
    price = _whole_fen(price_fen, "bcf_amount", 1, 1_000_000_000)
    require(path in ESCROW_PATHS, "bcf_path", "unknown path", path=path)
    require(isinstance(deadline_day, (int, np.integer)) and 1 <= deadline_day <= 60, "bcf_deadline",
            "deadline must be 1..60 days", lo=1, hi=60)
    require(isinstance(ship_day, (int, np.integer)) and 0 <= ship_day <= deadline_day, "bcf_ship_day",
            "shipping day must be within 0..deadline", lo=0, hi=int(deadline_day))
    money = Ledger()
    for acct in ("buyer", "seller", "contract"):
        money.open(acct)
    money.open("bank", allow_negative=True)
    money.transfer("bank", "buyer", price, "buyer's savings")
    machine = StateMachine("escrow", ESCROW_RULES, "created",
                           {"buyer": "buyer", "seller": "seller", "keeper": "keeper", "arbiter": "arbiter"})
    run = ContractRun(machine, money, shown=("buyer", "seller", "contract"))
    facts = {"day": 0, "deadline": int(deadline_day)}
    run.trace.add("bcfinance.step.escrow.open", run.snapshot(None), amount=price)
    run.fire("deposit", "buyer", facts, legs=[("buyer", -price), ("contract", price)], amount=price,
             deadline=int(deadline_day))
    run.refuse("confirm", "seller", facts, day=0)
    if path == "timeout":
        facts["day"] = int(deadline_day) + 1
        run.fire("refund_timeout", "keeper", facts, legs=[("contract", -price), ("buyer", price)],
                 day=facts["day"], amount=price, deadline=int(deadline_day))
        return run
    facts["day"] = int(ship_day)
    run.fire("ship", "seller", facts, day=int(ship_day), deadline=int(deadline_day))
    if path == "happy":
        facts["day"] = int(ship_day) + 2
        run.fire("confirm", "buyer", facts, legs=[("contract", -price), ("seller", price)], day=facts["day"],
                 amount=price)
        return run
    facts["day"] = int(ship_day) + 2
    run.fire("dispute", "buyer", facts, day=facts["day"])
    run.refuse("rule_for_buyer", "buyer", facts, day=facts["day"])
    facts["day"] += 3
    if path == "dispute_seller":
        run.fire("rule_for_seller", "arbiter", facts, legs=[("contract", -price), ("seller", price)],
                 day=facts["day"], amount=price)
    else:
        run.fire("rule_for_buyer", "arbiter", facts, legs=[("contract", -price), ("buyer", price)],
                 day=facts["day"], amount=price)
    return run


def dvp_settlement(units: int, price_fen: int, buyer_cash_fen: int, seller_units: int,
                   atomic: bool = True) -> Trace:
    """Delivery versus payment (BIS CPMI 1992, model 1): the asset leg and the cash leg settle in one
    transaction or not at all.  With ``atomic=False`` the seller delivers first and the buyer pays in a
    second transaction — if the cash is short, the seller has given the asset away (principal risk)."""
    u = _whole_fen(units, "bcf_units", 1, 10 ** 9)
    p = _whole_fen(price_fen, "bcf_amount", 1, 10 ** 10)
    cash = _whole_fen(buyer_cash_fen, "bcf_amount", 0, 10 ** 13)
    held = _whole_fen(seller_units, "bcf_units", 0, 10 ** 9)
    money, assets, chain, trace = Ledger(), Ledger(), TeachingChain(), Trace()
    for ledger in (money, assets):
        ledger.open("buyer")
        ledger.open("seller")
        ledger.open("outside", allow_negative=True)
    if cash:
        money.transfer("outside", "buyer", cash)
    if held:
        assets.transfer("outside", "seller", held)
    cost = u * p
    trace.meta = {"cost": cost, "atomic": atomic}

    def snap(block=None, refused=""):
        return {"balances": {a: money.balance(a) for a in ("buyer", "seller")},
                "assets": {a: assets.balance(a) for a in ("buyer", "seller")}, "block": block, "refused": refused}

    trace.add("bcfinance.dvp.start", snap(), units=u, cost=cost, cash=cash, held=held)
    seq = 0

    def record(action, signer, **params):
        nonlocal seq
        seq += 1
        tx = sign_tx("dvp", seq, action, signer, params)
        return block_view(chain.record(tx), tx)

    if atomic:
        try:
            money._check([("buyer", -cost), ("seller", cost)])
            assets._check([("seller", -u), ("buyer", u)])
        except InputError as exc:
            trace.add("bcfinance.dvp.refused", snap(refused=exc.key), units=u, cost=cost, cash=cash, held=held)
            trace.meta["outcome"] = "refused"
            return trace
        money.transfer("buyer", "seller", cost)
        assets.transfer("seller", "buyer", u)
        view = record("dvp", "buyer", units=u, cost=cost)
        trace.add("bcfinance.dvp.settled", snap(view), units=u, cost=cost, block=view["number"])
        trace.meta["outcome"] = "settled"
        return trace
    try:
        assets.transfer("seller", "buyer", u)
    except InputError as exc:
        trace.add("bcfinance.dvp.refused", snap(refused=exc.key), units=u, cost=cost, cash=cash, held=held)
        trace.meta["outcome"] = "refused"
        return trace
    view = record("deliver", "seller", units=u)
    trace.add("bcfinance.dvp.delivered", snap(view), units=u, block=view["number"])
    try:
        money.transfer("buyer", "seller", cost)
    except InputError:
        trace.add("bcfinance.dvp.unpaid", snap(refused="insufficient_funds"), units=u, cost=cost, cash=cash)
        trace.meta["outcome"] = "unpaid"
        return trace
    view = record("pay", "buyer", cost=cost)
    trace.add("bcfinance.dvp.paid", snap(view), cost=cost, block=view["number"])
    trace.meta["outcome"] = "settled"
    return trace


# ================================================================== 5. proof of liabilities: a Merkle-sum tree
EMPTY_HASH = crypto.sha256(b"fintechlab-pol|empty").hex()


def _check_balance(balance) -> int:
    ok = isinstance(balance, (int, np.integer)) and not isinstance(balance, bool)
    require(ok, "bcf_balance_integer", "balances are whole fen", value=balance)
    return int(balance)


def leaf_hash(account: str, balance: int) -> str:
    """Leaf commitment H("leaf|" ‖ account ‖ "|" ‖ balance) in hex.  (Real schemes add a secret salt per
    customer so that neighbours learn nothing from a proof; the teaching tree shows the idea.)"""
    return crypto.sha256(f"fintechlab-pol|leaf|{account}|{int(balance)}".encode("utf-8")).hex()


def node_hash(left_hash: str, left_sum: int, right_hash: str, right_sum: int) -> str:
    """Parent commitment H(left hash ‖ left sum ‖ right hash ‖ right sum): it binds *both* sums, so the
    platform cannot give one customer's sibling a smaller sum than it used elsewhere (Chalkias et al. 2020)."""
    return crypto.sha256(f"fintechlab-pol|node|{left_hash}|{int(left_sum)}|{right_hash}|{int(right_sum)}"
                         .encode("utf-8")).hex()


@dataclass(frozen=True)
class LiabilitiesTree:
    """A Merkle-sum tree over customers' balances: ``levels[0]`` are leaves (hash, sum), ``levels[-1][0]`` the root."""

    accounts: tuple
    levels: tuple

    @property
    def root(self) -> str:
        """Root hash (hex); it commits to every balance and to the total."""
        return self.levels[-1][0][0]

    @property
    def total(self) -> int:
        """Sum of all committed balances in fen (the platform's published liabilities)."""
        return self.levels[-1][0][1]

    def proof(self, account: str) -> list[dict]:
        """Inclusion proof of ``account``: at each level the sibling's hash and sum, and its side."""
        require(account in self.accounts, "bcf_pol_unknown", "no such customer", account=account)
        i = self.accounts.index(account)
        out = []
        for depth, level in enumerate(self.levels[:-1]):
            j = i ^ 1
            h, s = level[j]
            out.append({"level": depth, "side": "left" if j < i else "right", "hash": h, "sum": s})
            i //= 2
        return out


def liabilities_tree(balances: dict) -> LiabilitiesTree:
    """Build the Merkle-sum tree of ``{account: balance_fen}`` (order kept).  Each parent stores
    (H(children hashes and sums), left sum + right sum).  An odd level is padded with an *empty* leaf of
    sum 0 — Bitcoin's duplicate-the-last rule would count a balance twice."""
    require(isinstance(balances, dict) and len(balances) >= 1, "bcf_pol_empty", "the tree needs customers")
    require(len(balances) <= 4096, "bcf_pol_size", "at most 4096 customers", hi=4096)
    accounts = tuple(str(a) for a in balances)
    level = [(leaf_hash(a, _check_balance(b)), int(b)) for a, b in zip(accounts, balances.values())]
    levels = []
    while True:
        if len(level) > 1 and len(level) % 2:
            level = level + [(EMPTY_HASH, 0)]
        levels.append(tuple(level))
        if len(level) == 1:
            break
        level = [(node_hash(level[i][0], level[i][1], level[i + 1][0], level[i + 1][1]),
                  level[i][1] + level[i + 1][1]) for i in range(0, len(level), 2)]
    return LiabilitiesTree(accounts, tuple(levels))


_HEX64 = set("0123456789abcdef")


def _check_proof(proof) -> list[dict]:
    """A proof is a list (≤ 32 items) of {side: left|right, hash: 64 hex, sum: whole fen}; else InputError."""
    ok = isinstance(proof, (list, tuple)) and len(proof) <= 32
    for item in proof if ok else ():
        ok = ok and isinstance(item, dict) and item.get("side") in ("left", "right") \
            and isinstance(item.get("hash"), str) and len(item["hash"]) == 64 and set(item["hash"]) <= _HEX64 \
            and isinstance(item.get("sum"), (int, np.integer)) and not isinstance(item.get("sum"), bool)
    require(ok, "bcf_proof_malformed", "a proof is a list of {side, hash, sum}")
    return list(proof)


def fold_proof(account: str, balance: int, proof) -> list[tuple[str, int]]:
    """The (hash, sum) path from the leaf to the computed root."""
    items = _check_proof(proof)
    node = (leaf_hash(str(account), _check_balance(balance)), int(balance))
    path = [node]
    for item in items:
        sib = (item["hash"], int(item["sum"]))
        left, right = (sib, node) if item["side"] == "left" else (node, sib)
        node = (node_hash(left[0], left[1], right[0], right[1]), left[1] + right[1])
        path.append(node)
    return path


def verify_inclusion(root: str, account: str, balance: int, proof) -> bool:
    """True iff folding ``proof`` into the leaf (account, balance) gives ``root`` *and* no sum on the way
    is negative (a negative balance or a negative subtree hides liabilities).  Malformed input →
    ``InputError``."""
    require(isinstance(root, str) and len(root) == 64 and set(root) <= _HEX64, "bcf_proof_malformed",
            "the root is 64 hex characters")
    path = fold_proof(account, balance, proof)
    if int(balance) < 0 or any(int(item["sum"]) < 0 for item in proof):
        return False
    return path[-1][0] == root


POL_SCENARIOS = ("honest", "lower_balance", "removed", "negative")


def reserves_audit(balances: dict, reserves_fen: int, scenario: str = "honest", target: str | None = None) -> dict:
    """A platform publishes a tree; each customer checks their own proof.

    Scenarios: ``honest``; ``lower_balance`` (the target's balance is understated in the tree);
    ``removed`` (the target is left out); ``negative`` (a fake account with a negative balance offsets
    liabilities).  Returns the published tree, each customer's check and the shortfall against reserves."""
    require(scenario in POL_SCENARIOS, "bcf_path", "unknown scenario", path=scenario)
    true = {str(a): _check_balance(b) for a, b in balances.items()}
    require(len(true) >= 2, "bcf_pol_empty", "the tree needs customers")
    require(all(b >= 0 for b in true.values()), "bcf_balance_negative", "a customer's balance cannot be negative")
    reserves = _whole_fen(reserves_fen, "bcf_amount", 0, 10 ** 14)
    accounts = list(true)
    target = target if target in true else accounts[len(accounts) // 2]
    published = dict(true)
    hidden = 0
    if scenario == "lower_balance":
        hidden = true[target] // 2
        published[target] = true[target] - hidden
    elif scenario == "removed":
        hidden = published.pop(target)
    elif scenario == "negative":
        hidden = true[target]
        items = list(published.items())
        items.insert(accounts.index(target) + 1, ("fake", -hidden))
        published = dict(items)
    tree = liabilities_tree(published)
    checks = []
    for acct in accounts:
        if acct in tree.accounts:
            proof = tree.proof(acct)
            ok = verify_inclusion(tree.root, acct, true[acct], proof)
            reason = "ok" if ok else ("negative_sibling" if any(p["sum"] < 0 for p in proof) else "mismatch")
        else:
            ok, reason = False, "missing"
        checks.append({"account": acct, "balance": true[acct], "ok": ok, "reason": reason})
    return {"tree": tree, "checks": checks, "true_total": sum(true.values()), "published_total": tree.total,
            "reserves": reserves, "hidden": hidden, "target": target,
            "covered": reserves >= tree.total, "true_covered": reserves >= sum(true.values()),
            "caught_by": [c["account"] for c in checks if not c["ok"]]}


def customer_balances(n: int, seed: int, mean_fen: int = 500_000) -> dict:
    """``n`` customers (c01 …) with lognormal balances around ``mean_fen`` (seeded), whole fen, ≥ 1 yuan.

    ``mean_fen`` is a whole number of fen from ¥1 to ¥100 million (``bcf_amount``)."""
    require(isinstance(n, (int, np.integer)) and 2 <= n <= 64, "bcf_pol_size", "2..64 customers", hi=64)
    require(isinstance(mean_fen, (int, np.integer)) and not isinstance(mean_fen, bool)
            and 100 <= mean_fen <= 10_000_000_000, "bcf_amount", "mean balance: 100 … 10¹⁰ fen",
            lo=100, hi=10_000_000_000, value=str(mean_fen)[:40])
    rng = np.random.default_rng(int(seed))
    raw = rng.lognormal(mean=np.log(mean_fen), sigma=0.8, size=int(n))
    return {f"c{i + 1:02d}": int(max(100, round(v))) for i, v in enumerate(raw)}
