"""Cross-border payment: a correspondent-banking chain of k intermediaries against one transfer on a
shared ledger.

Correspondent banking: the sender's bank has no account at the beneficiary's bank, so the payment
travels through a chain of banks that hold accounts with each other (nostro/vostro); each hop may
deduct a fee and wait for a processing window or a cut-off time (CPMI, "Correspondent banking",
BIS 2016; BIS Quarterly Review March 2020).  On a shared ledger the payer's and payee's institutions
update one ledger in one atomic step.  Fees and delays here are model parameters set by the user;
the published benchmarks (World Bank, SWIFT gpi, G20/FSB targets) live in data/crossborder.csv.
"""
from __future__ import annotations

import numpy as np

from core.errors import require
from core.ledger import Ledger
from core.trace import Trace


def _cents(value: float) -> int:
    return int(round(float(value) * 100))


def chain_trace(amount_usd: float = 200.0, hops: int = 2, sender_fee_usd: float = 5.0,
                hop_fee_usd: float = 3.0, receiver_fee_usd: float = 2.0, fx_margin: float = 0.02,
                hop_hours: float = 4.0) -> Trace:
    """The chain sender → sender's bank → ``hops`` intermediaries → beneficiary's bank → beneficiary,
    posted on a ledger in cents.  Cost = sender fee + hops × hop fee + receiver fee + fx_margin × amount;
    time = (hops + 1) inter-bank legs × ``hop_hours`` (the typical wait of one leg)."""
    _check_chain(amount_usd, hops, sender_fee_usd, hop_fee_usd, receiver_fee_usd, fx_margin, hop_hours)
    ledger = Ledger()
    ledger.open("outside", allow_negative=True)
    banks = ["sender_bank"] + [f"intermediary_{i + 1}" for i in range(hops)] + ["receiver_bank"]
    for name in ["sender", *banks, "beneficiary", "fees", "fx"]:
        ledger.open(name)
    amount = _cents(amount_usd)
    ledger.transfer("outside", "sender", amount + _cents(sender_fee_usd), "salary")
    trace = Trace(meta={"amount_cents": amount})
    ledger.post([("sender", -(amount + _cents(sender_fee_usd))), ("sender_bank", amount),
                 ("fees", _cents(sender_fee_usd))] if sender_fee_usd > 0 else
                [("sender", -amount), ("sender_bank", amount)], "order")
    fees = _cents(sender_fee_usd)
    hours = 0.0
    trace.add("payments.xb.step.order", _chain_state(ledger, banks, 0, hours, fees), fee_usd=sender_fee_usd,
              amount_usd=amount / 100)
    moving = amount
    for i in range(hops + 1):
        src, dst = banks[i], banks[i + 1]
        fee = _cents(hop_fee_usd) if i < hops else 0          # the intermediary deducts its fee
        fee = min(fee, moving - 1)
        hours += hop_hours
        legs = [(src, -moving), (dst, moving - fee)] + ([("fees", fee)] if fee else [])
        ledger.post(legs, f"hop {i + 1}")
        moving -= fee
        fees += fee
        trace.add("payments.xb.step.hop", _chain_state(ledger, banks, i + 1, hours, fees), src=src, dst=dst,
                  hop=i + 1, legs=hops + 1, fee_usd=fee / 100, left_usd=moving / 100, hours=hours)
    fx = min(_cents(fx_margin * amount_usd), moving - 1)
    rfee = min(_cents(receiver_fee_usd), moving - fx - 1)
    legs = [("receiver_bank", -moving), ("beneficiary", moving - fx - rfee)]
    legs += [("fx", fx)] if fx else []
    legs += [("fees", rfee)] if rfee else []
    ledger.post(legs, "credit")
    fees += rfee
    received = moving - fx - rfee
    cost = amount + _cents(sender_fee_usd) - received          # what the sender paid minus what arrived
    trace.add("payments.xb.step.credit", _chain_state(ledger, banks, hops + 2, hours, fees, fx), fx_usd=fx / 100,
              fee_usd=rfee / 100, received_usd=received / 100, cost_usd=cost / 100,
              cost_pct=cost / amount, hours=hours)
    trace.meta.update(received_cents=received, cost_cents=cost, hours=hours, ledger=ledger)
    return trace


def _chain_state(ledger: Ledger, banks: list[str], position: int, hours: float, fees: int, fx: int = 0) -> dict:
    return {"balances": ledger.balances(), "banks": banks, "position": position, "hours": hours,
            "fees_cents": fees, "fx_cents": fx, "total": ledger.total()}


def _check_chain(amount_usd, hops, sender_fee, hop_fee, receiver_fee, fx_margin, hop_hours) -> None:
    require(10 <= amount_usd <= 100_000, "payments_xb_amount", "amount must be $10 to $100,000", lo=10, hi=100_000)
    require(isinstance(hops, (int, np.integer)) and 0 <= hops <= 8, "payments_xb_hops",
            "intermediaries must be 0 to 8", lo=0, hi=8)
    require(min(sender_fee, hop_fee, receiver_fee) >= 0 and max(sender_fee, hop_fee, receiver_fee) <= 100,
            "payments_xb_fee", "fees must be $0 to $100", lo=0, hi=100)
    require(0 <= fx_margin <= 0.2, "payments_xb_fx", "the FX margin must be 0 to 20 %")
    require(0 <= hop_hours <= 72, "payments_xb_hours", "hours per leg must be 0 to 72", lo=0, hi=72)


def chain_cost(amount_usd: float, hops: int, sender_fee_usd: float, hop_fee_usd: float,
               receiver_fee_usd: float, fx_margin: float) -> float:
    """Total cost as a share of the amount: (sender + hops·hop + receiver fees + fx_margin·amount) / amount."""
    _check_chain(amount_usd, hops, sender_fee_usd, hop_fee_usd, receiver_fee_usd, fx_margin, 0)
    return (sender_fee_usd + hops * hop_fee_usd + receiver_fee_usd + fx_margin * amount_usd) / amount_usd


def ledger_cost(amount_usd: float, fee_usd: float, fx_margin: float) -> float:
    """Cost on a shared ledger: one fee plus the FX margin, as a share of the amount."""
    _check_chain(amount_usd, 0, fee_usd, 0, 0, fx_margin, 0)
    return (fee_usd + fx_margin * amount_usd) / amount_usd


def arrival_hours(seed: int, hops: int, median_leg_minutes: float = 20.0, cutoff_prob: float = 0.1,
                  n: int = 20_000) -> np.ndarray:
    """Monte Carlo delivery time (hours) of ``n`` payments over ``hops + 1`` legs.  Each leg takes a
    log-normal time (median ``median_leg_minutes``, σ = 1) and with probability ``cutoff_prob`` misses a
    cut-off and waits 12–24 h for the next processing window (time zones, holidays, compliance checks)."""
    require(isinstance(hops, (int, np.integer)) and 0 <= hops <= 8, "payments_xb_hops",
            "intermediaries must be 0 to 8", lo=0, hi=8)
    require(0.1 <= median_leg_minutes <= 1440, "payments_xb_minutes", "leg minutes must be 0.1 to 1440")
    require(0 <= cutoff_prob <= 0.9, "payments_xb_cutoff", "cut-off probability must be 0 to 0.9")
    require(100 <= n <= 200_000, "payments_xb_n", "n must be 100 to 200,000")
    rng = np.random.default_rng(seed)
    legs = hops + 1
    minutes = np.exp(rng.normal(np.log(median_leg_minutes), 1.0, (n, legs)))
    waits = (rng.random((n, legs)) < cutoff_prob) * rng.uniform(12 * 60, 24 * 60, (n, legs))
    return (minutes + waits).sum(axis=1) / 60


def share_within(hours: np.ndarray, limit_hours: float) -> float:
    """Share of payments credited within ``limit_hours``."""
    return float(np.mean(np.asarray(hours) <= limit_hours))
