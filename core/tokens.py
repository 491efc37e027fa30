"""Asset tokenisation: a property split into N tokens, a cap table, rent paid pro rata in whole fen.

The cap table is a ``core.ledger.Ledger`` of token units (the issuer's treasury holds the unsold ones);
rent moves through a second ledger in fen.  Every issuance, purchase, transfer and distribution is a
signed transaction mined into a block of the teaching chain (``core.contracts``).

Rounding: ``pro_rata`` uses the largest-remainder (Hamilton) method — everyone gets the floor of their
exact share, and the fen left over go one each to the largest fractional parts — so the shares sum
exactly to the amount and each is within one fen of its exact share (Balinski & Young, *Fair
Representation*, 1982, ch. 2).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.contracts import TeachingChain, block_view, sign_tx
from core.errors import require
from core.ledger import Ledger
from core.trace import Trace

TREASURY = "issuer"


def _whole(value, key: str, lo: int, hi: int) -> int:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool) and lo <= int(value) <= hi
    require(ok, key, f"must be a whole number within {lo}..{hi}", value=value, lo=lo, hi=hi)
    return int(value)


def pro_rata(amount_fen: int, holdings: dict) -> dict:
    """Split ``amount_fen`` over ``holdings`` ({holder: units}) in proportion to units, in whole fen.

    share_i = ⌊A·u_i/U⌋, then the A − Σ share_i leftover fen go to the holders with the largest
    remainders A·u_i mod U (ties: the order of ``holdings``).  Σ share_i = A exactly and
    |share_i − A·u_i/U| < 1.  Integer arithmetic only: no float rounding."""
    amount = _whole(amount_fen, "bcf_amount", 1, 10 ** 15)
    require(isinstance(holdings, dict) and len(holdings) >= 1, "bcf_holdings", "no holders")
    units = {h: _whole(u, "bcf_units", 0, 10 ** 12) for h, u in holdings.items()}
    total = sum(units.values())
    require(total > 0, "bcf_holdings", "no units are held")
    shares = {h: amount * u // total for h, u in units.items()}
    left = amount - sum(shares.values())
    order = sorted(units, key=lambda h: -(amount * units[h] % total))   # stable: ties keep the given order
    for h in order[:left]:
        shares[h] += 1
    return shares


def naive_split(amount_fen: int, holdings: dict) -> dict:
    """What rounding each exact share to the nearest fen gives (for contrast: it need not sum to A)."""
    total = sum(holdings.values())
    return {h: int(round(amount_fen * u / total)) for h, u in holdings.items()}


class CapTable:
    """Token units of one property: issue once, sell from the treasury, transfer between holders."""

    def __init__(self, tokens: int) -> None:
        self.tokens = _whole(tokens, "bcf_tokens", 1, 10 ** 9)
        self.units = Ledger()
        self.units.open("outside", allow_negative=True)
        self.units.open(TREASURY)
        self.units.transfer("outside", TREASURY, self.tokens, "issue")

    def holders(self) -> dict:
        """{holder: units} of everyone with units, the treasury included."""
        return {a: b for a, b in self.units.balances().items() if a != "outside" and b > 0}

    def buy(self, investor: str, n: int) -> None:
        """``investor`` buys ``n`` units from the treasury; more than remain → InputError, nothing changes."""
        n = _whole(n, "bcf_units", 1, 10 ** 9)
        left = self.units.balance(TREASURY)
        require(n <= left, "bcf_tokens_exceed", "more tokens than remain", n=n, left=left, total=self.tokens)
        if not self.units.has(investor):
            self.units.open(investor)
        self.units.transfer(TREASURY, investor, n, "buy")

    def transfer(self, seller: str, buyer: str, n: int) -> None:
        """A secondary trade of ``n`` units; more than the seller holds → InputError, nothing changes."""
        n = _whole(n, "bcf_units", 1, 10 ** 9)
        held = self.units.balance(seller) if self.units.has(seller) else 0
        require(n <= held, "bcf_tokens_exceed", "more tokens than the seller holds", n=n, left=held,
                total=self.tokens)
        if not self.units.has(buyer):
            self.units.open(buyer)
        self.units.transfer(seller, buyer, n, "trade")


def tokenise_property(value_fen: int, tokens: int, purchases: dict, monthly_rent_fen: int, months: int,
                      trade: tuple | None = None, trade_month: int = 0) -> Trace:
    """Issue ``tokens`` units of a property worth ``value_fen``, sell ``purchases`` ({investor: units}),
    pay ``monthly_rent_fen`` (net rent) each month pro rata to holders (the treasury keeps the unsold
    units' share), and optionally a secondary trade ``(seller, buyer, units)`` at ``trade_month``.

    The price of a token is value / tokens (floored to the fen).  Each step's state: cap table,
    cumulative rent received per holder and the block."""
    value = _whole(value_fen, "bcf_amount", 1, 10 ** 14)
    table = CapTable(tokens)
    rent = _whole(monthly_rent_fen, "bcf_amount", 1, 10 ** 12)
    months = _whole(months, "bcf_months", 1, 36)
    price = value // table.tokens
    require(price >= 1, "bcf_tokens_too_many", "a token would be worth less than one fen", tokens=table.tokens)
    wanted = sum(purchases.values())
    require(wanted <= table.tokens, "bcf_tokens_exceed", "more tokens than issued", n=wanted, left=table.tokens,
            total=table.tokens)
    chain, trace = TeachingChain(), Trace()
    received: dict = {}
    history = []
    seq = 0

    def record(action: str, signer: str, key: str, month: int = 0, **params) -> None:
        nonlocal seq
        seq += 1
        tx = sign_tx("property", seq, action, signer, params)
        view = block_view(chain.record(tx, day=30 * month), tx)
        caps = table.holders()
        history.append({"month": month, "event": action, **{h: caps.get(h, 0) for h in caps}})
        trace.add(key, {"caps": caps, "received": dict(received), "block": view, "month": month},
                  signer=signer, block=view["number"], month=month, **params)

    record("issue", TREASURY, "bcfinance.token.step.issue", tokens=table.tokens, price=price, value=value)
    for investor, n in purchases.items():
        table.buy(investor, n)
        record("buy", investor, "bcfinance.token.step.buy", investor=investor, units=int(n), cost=int(n) * price)
    for m in range(1, months + 1):
        if trade and m == trade_month:
            seller, buyer, n = trade
            table.transfer(seller, buyer, n)
            record("trade", seller, "bcfinance.token.step.trade", month=m, seller=seller, buyer=buyer, units=int(n))
        shares = pro_rata(rent, table.holders())
        for h, f in shares.items():
            received[h] = received.get(h, 0) + f
        top = max(shares, key=shares.get)
        record("rent", "manager", "bcfinance.token.step.rent", month=m, rent=rent, holders=len(shares),
               paid=sum(shares.values()), top=top, top_fen=shares[top])
    trace.meta = {"price": price, "tokens": table.tokens, "value": value, "received": received,
                  "history": pd.DataFrame(history).fillna(0), "chain_valid": chain.valid(), "blocks": len(chain.blocks)}
    return trace
