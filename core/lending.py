"""P2P lending arithmetic: repayment schedules, scorecard scaling, the borrower's true cost.

Amounts in schedules are exact fen (integer arithmetic, half-up rounding) and shown as yuan
with two decimals.  The scorecard itself lives in ``core.credit``; investor matching, portfolio
risk, the platform story and disclosure live in ``core.p2p``.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.credit import scaling
from core.errors import InputError, require

MAX_PRINCIPAL = 100_000_000.0      # ¥100 million: far above any P2P loan
MAX_ANNUAL_RATE = 1.0              # 100 % a year: anything above is treated as a typing error
MAX_MONTHS = 360


def _round_half_up(x: float) -> int:
    """Round a non-negative fen amount half up to an integer (banking rounding of 0.5 fen upwards)."""
    return int(math.floor(x + 0.5 + 1e-9))


def check_loan(principal: float, annual_rate: float, months: int) -> None:
    """Validate loan terms: 0 < principal ≤ ¥100m, 0 ≤ rate ≤ 100 %, months an integer 1..360."""
    ok_p = isinstance(principal, (int, float, np.integer, np.floating)) and not isinstance(principal, bool) \
        and math.isfinite(float(principal)) and 0 < principal <= MAX_PRINCIPAL
    require(ok_p, "lending_principal", f"principal must be > 0 and ≤ {MAX_PRINCIPAL:,.0f}",
            principal=principal, hi=MAX_PRINCIPAL)
    ok_r = isinstance(annual_rate, (int, float, np.integer, np.floating)) and not isinstance(annual_rate, bool) \
        and math.isfinite(float(annual_rate)) and 0 <= annual_rate <= MAX_ANNUAL_RATE
    require(ok_r, "lending_rate", "annual rate must be within 0..100%", rate=annual_rate, hi=MAX_ANNUAL_RATE)
    ok_m = isinstance(months, (int, np.integer)) and not isinstance(months, bool) and 1 <= months <= MAX_MONTHS
    require(ok_m, "lending_months", f"months must be an integer 1..{MAX_MONTHS}", months=months, hi=MAX_MONTHS)


def annuity_payment(principal: float, annual_rate: float, months: int) -> float:
    """Monthly payment of an equal-installment loan (等额本息):
    M = P · i · (1 + i)^n / ((1 + i)^n − 1),  i = annual rate / 12   (M = P / n when i = 0).

    (1 + i)^n − 1 is computed as expm1(n · log1p(i)): for a tiny rate (1e−13 a year) the plain power
    rounds to exactly 1 and the formula would divide by zero; this form tends smoothly to P / n."""
    check_loan(principal, annual_rate, months)
    i = annual_rate / 12.0
    growth = math.expm1(months * math.log1p(i))      # (1 + i)^n − 1, exact for tiny i
    if i == 0 or growth == 0:
        return principal / months
    return principal * i * (growth + 1.0) / growth


def _frame(rows: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["payment", "principal", "interest", "balance"]) / 100.0
    df.index = pd.RangeIndex(1, len(rows) + 1, name="month")
    return df


def equal_installment_schedule(principal: float, annual_rate: float, months: int) -> pd.DataFrame:
    """等额本息 (equal installments): the same payment every month, interest falling, principal rising.

    payment = M rounded to the fen (``annuity_payment``); interest_k = round(B_{k−1} · i);
    principal_k = payment − interest_k; the last month repays the remaining balance exactly.
    One row per month (index ``month`` 1..n), columns payment, principal, interest, balance (yuan).
    Example (vectors.md, m.789yingshi.cn): ¥100,000, 4.90 %, 120 months → ¥1,055.77; month 1 interest
    408.33, principal 647.44.
    """
    check_loan(principal, annual_rate, months)
    i = annual_rate / 12.0
    bal = _round_half_up(principal * 100)
    pay = _round_half_up(annuity_payment(principal, annual_rate, months) * 100)
    rows = []
    for k in range(1, months + 1):
        interest = _round_half_up(bal * i)
        princ = bal if k == months else min(pay - interest, bal)
        bal -= princ
        rows.append((princ + interest, princ, interest, bal))
    return _frame(rows)


def equal_principal_schedule(principal: float, annual_rate: float, months: int) -> pd.DataFrame:
    """等额本金 (equal principal): the same principal P/n every month plus interest on the balance.

    payment_k = P/n + (P − (k−1) · P/n) · i;  it falls by (P/n) · i each month; total interest
    = P · i · (n + 1) / 2.  Each month's payment and interest are that exact formula rounded to the
    fen, principal is their difference, and the last month repays whatever balance is left.
    Example (vectors.md, 116p.com): ¥100,000, 4.90 %, 120 months → first ¥1,241.67 (833.33 + 408.33
    before rounding), −¥3.40 a month, total interest ¥24,704.17.
    """
    check_loan(principal, annual_rate, months)
    i = annual_rate / 12.0
    p_fen = principal * 100.0
    bal = _round_half_up(p_fen)
    rows = []
    for k in range(1, months + 1):
        exact_interest = (p_fen - (k - 1) * p_fen / months) * i
        interest = _round_half_up(exact_interest)
        if k == months:
            princ = bal
        else:
            princ = min(max(_round_half_up(p_fen / months + exact_interest) - interest, 0), bal)
        bal -= princ
        rows.append((princ + interest, princ, interest, bal))
    return _frame(rows)


def score_from_odds(odds: float, base_score: float = 600, base_odds: float = 50, pdo: float = 20) -> float:
    """Scorecard points for good:bad ``odds``: score = offset + factor · ln(odds),
    factor = PDO / ln 2, offset = base_score − factor · ln(base_odds)  (Siddiqi 2006, ch. 6).
    With the defaults 50:1 → 600, 100:1 → 620 (odds double ⇒ +PDO points)."""
    require(isinstance(odds, (int, float, np.integer, np.floating)) and math.isfinite(float(odds)) and odds > 0,
            "lending_odds", "odds must be positive", odds=odds)
    factor, offset = scaling(base_score, base_odds, pdo)
    return offset + factor * math.log(odds)


# ---------------------------------------------------------------- the borrower's true cost
def irr(cashflows, lo: float = -0.99, hi: float = 10.0, tol: float = 1e-12) -> float:
    """Internal rate of return per period: the r with Σ_t CF_t / (1 + r)^t = 0 (bisection).

    Cash flows must change sign once (money received first, payments after), so the NPV is
    monotone in r and the root is unique.
    """
    cf = np.asarray(cashflows, dtype=float)
    require(len(cf) >= 2 and cf[0] > 0 and np.all(cf[1:] <= 0) and cf[1:].sum() < 0, "lending_cashflows",
            "cash flows must be one inflow then outflows")
    t = np.arange(len(cf))

    def npv(r: float) -> float:
        return float(np.sum(cf / (1.0 + r) ** t))

    # npv rises with r here (inflow first); if all repayments are smaller than the inflow, r < 0.
    a, b = lo, hi
    fa = npv(a)
    for _ in range(300):
        m = (a + b) / 2
        fm = npv(m)
        if (fm > 0) == (fa > 0):
            a, fa = m, fm
        else:
            b = m
        if b - a < tol:
            break
    return (a + b) / 2


def borrower_cost(principal: float, annual_rate: float, months: int, upfront_fee: float = 0.0,
                  monthly_fee: float = 0.0, method: str = "installment") -> dict:
    """The borrower's true annual cost of a P2P loan, fees included.

    Cash flows: month 0 the borrower receives P − upfront fee (a fee "cut from the head", 砍头息);
    months 1..n they pay the schedule plus a monthly platform fee = monthly_fee · P.
    r = IRR per month;  nominal APR = 12 r;  effective annual rate (EAR) = (1 + r)^12 − 1.
    upfront_fee and monthly_fee are fractions of the principal (0..30 % and 0..3 %).
    """
    require(0 <= upfront_fee <= 0.30, "lending_fee", "upfront fee must be within 0..30%", fee=upfront_fee, hi=0.30)
    require(0 <= monthly_fee <= 0.03, "lending_fee", "monthly fee must be within 0..3%", fee=monthly_fee, hi=0.03)
    require(method in ("installment", "principal"), "lending_method", "method is installment or principal")
    sched = (equal_installment_schedule if method == "installment" else equal_principal_schedule)(
        principal, annual_rate, months)
    fee0 = round(principal * upfront_fee, 2)
    fee_m = round(principal * monthly_fee, 2)
    cf = np.r_[principal - fee0, -(sched["payment"].values + fee_m)]
    r = irr(cf)
    return {"schedule": sched, "received": principal - fee0, "upfront_fee": fee0, "monthly_fee": fee_m,
            "total_interest": round(float(sched["interest"].sum()), 2),
            "total_fees": round(fee0 + fee_m * months, 2),
            "total_paid": round(float(sched["payment"].sum()) + fee_m * months, 2),
            "monthly_irr": r, "apr": 12 * r, "ear": (1 + r) ** 12 - 1, "cashflows": cf}
