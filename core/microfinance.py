"""Micro-loans in emerging markets: a group-lending book under joint against individual liability.

Model (a teaching version of Besley & Coate, "Group lending, repayment incentives and social
collateral", J. Development Economics 46, 1995): n borrowers in groups of g take the same loan with an
equal-instalment schedule (``core.lending``).  Each month a borrower's project yields enough to pay
with probability p; a village-wide bad month (probability s) lowers everyone's chance to p·(1 − hit).
Under individual liability a borrower who cannot pay misses the instalment.  Under joint liability
the group pays the whole group's instalments if its members who can pay have enough surplus: each
paying member can cover at most ``cover`` extra instalments that month.  The group then also carries
the cost: instalments paid for others.  Seeded and vectorised (numpy).
"""
from __future__ import annotations

import numpy as np

from core.errors import require
from core.lending import MAX_PRINCIPAL, equal_installment_schedule

MAX_PRINCIPAL_FEN = int(MAX_PRINCIPAL * 100)     # ¥100 million, the lending module's own ceiling


def check_book(n: int, group: int, p: float, months: int) -> None:
    """n 5..2000 borrowers, groups of 2..10, monthly success p within 0.5..1, months 1..24."""
    require(isinstance(n, (int, np.integer)) and 5 <= n <= 2000, "bcf_borrowers", "5..2000 borrowers", lo=5, hi=2000)
    require(isinstance(group, (int, np.integer)) and 2 <= group <= 10, "bcf_group", "groups of 2..10", lo=2, hi=10)
    require(0.5 <= float(p) <= 1.0, "bcf_prob", "probability within 50..100%", lo=0.5, hi=1.0)
    require(isinstance(months, (int, np.integer)) and 1 <= months <= 24, "bcf_months", "1..24 months", lo=1, hi=24)


def group_lending(n: int = 200, group: int = 5, p: float = 0.9, shock: float = 0.1, hit: float = 0.3,
                  cover: int = 1, months: int = 12, principal_fen: int = 200_000, annual_rate: float = 0.24,
                  seed: int = 7) -> dict:
    """Simulate the book month by month under both rules with the *same* draws; returns repayment
    rates (instalments collected / due), per-month collection, loss in fen and what group members paid
    for each other.  Bad input (sizes, probabilities, cover, a principal beyond 1 fen … ¥100 million) raises
    ``InputError``."""
    check_book(n, group, p, months)
    require(0.0 <= shock <= 1.0 and 0.0 <= hit <= 1.0, "bcf_prob", "probability within 0..100%", lo=0, hi=1)
    require(isinstance(cover, (int, np.integer)) and 0 <= cover <= 9, "bcf_cover", "0..9", lo=0, hi=9)
    require(isinstance(principal_fen, (int, np.integer)) and not isinstance(principal_fen, bool)
            and 1 <= principal_fen <= MAX_PRINCIPAL_FEN, "bcf_amount", "principal: 1 … 10¹⁰ fen",
            lo=1, hi=MAX_PRINCIPAL_FEN, value=str(principal_fen)[:40])
    n = int(n) - int(n) % int(group)          # whole groups only
    sched = equal_installment_schedule(principal_fen / 100.0, annual_rate, int(months))
    pay = np.round(sched["payment"].to_numpy() * 100).astype(np.int64)
    rng = np.random.default_rng(int(seed))
    bad_month = rng.random(months) < shock
    prob = np.where(bad_month, p * (1.0 - hit), p)[:, None]
    can_pay = rng.random((months, n)) < prob                 # months × borrowers
    groups = can_pay.reshape(months, n // group, group)
    able = groups.sum(axis=2)                                 # members able to pay, per group-month
    unable = group - able
    group_pays = able * int(cover) >= unable                  # the able members can carry the rest
    indiv_paid = able                                          # instalments paid under individual liability
    joint_paid = np.where(group_pays, group, able)
    carried = np.where(group_pays, unable, 0)                  # instalments paid for others
    due = n * pay.sum()
    indiv = (indiv_paid.sum(axis=1) * pay).sum()
    joint = (joint_paid.sum(axis=1) * pay).sum()
    return {"n": n, "groups": n // group, "months": int(months), "pay": pay, "bad_months": bad_month,
            "indiv_rate": float(indiv / due), "joint_rate": float(joint / due),
            "indiv_by_month": indiv_paid.sum(axis=1) / n, "joint_by_month": joint_paid.sum(axis=1) / n,
            "indiv_loss_fen": int(due - indiv), "joint_loss_fen": int(due - joint),
            "carried_fen": int((carried.sum(axis=1) * pay).sum()), "due_fen": int(due),
            "groups_failed": int((~group_pays).sum())}
