"""A P2P lending platform: investor matching, portfolio risk, fund custody vs a pool, disclosure and caps.

All random work takes a seed (numpy Generator).  Money is integer fen in the matching market,
the platform story (``core.ledger.Ledger``) and the loan book; the Monte Carlo works in yuan
fractions of a portfolio because it reports returns, not balances.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from core.credit import risk_based_rate
from core.errors import InputError, check_count, require
from core.ledger import Ledger
from core.trace import Trace

GRADES = ["A", "B", "C", "D", "E"]
# One-year probabilities of default per grade: teaching assumptions of this lab (not market data).
GRADE_PD = {"A": 0.01, "B": 0.03, "C": 0.06, "D": 0.10, "E": 0.16}
LGD = 0.6            # loss given default: share of the principal lost (assumption)
TARGET_RETURN = 0.06  # the lender's required expected return used to price each grade (assumption)


def grade_rates(lgd: float = LGD, target: float = TARGET_RETURN) -> dict[str, float]:
    """Risk-based annual rate per grade: break-even price of ``core.credit.risk_based_rate``."""
    return {g: risk_based_rate(GRADE_PD[g], lgd, target) for g in GRADES}


def _yuan_to_fen(x: float) -> int:
    return int(round(x * 100))


# ================================================================= 1. matching investors
def make_market(seed: int = 7, n_loans: int = 8, n_investors: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded market: loan requests (amount, grade, rate, months) and investors' bids.

    Bids: cash in the account, amount offered (≤ cash), minimum acceptable rate, accepted grades.
    Amounts are whole yuan.
    """
    require(1 <= n_loans <= 20, "lending_n_loans", "1..20 loan requests", n=n_loans, lo=1, hi=20)
    require(2 <= n_investors <= 60, "lending_n_investors", "2..60 investors", n=n_investors, lo=2, hi=60)
    rng = np.random.default_rng(seed)
    rates = grade_rates()
    grades = rng.choice(GRADES, size=n_loans, p=[0.2, 0.3, 0.25, 0.15, 0.1])
    loans = pd.DataFrame({
        "loan": [f"L{i + 1}" for i in range(n_loans)],
        "amount": (rng.integers(10, 61, size=n_loans) * 1000).astype(int),
        "grade": grades,
        "rate": [round(rates[g], 4) for g in grades],
        "months": rng.choice([6, 12, 24, 36], size=n_loans),
    })
    cash = (rng.integers(5, 41, size=n_investors) * 1000).astype(int)
    offer = np.minimum(cash, (np.ceil(cash * rng.uniform(0.5, 1.0, size=n_investors) / 1000) * 1000).astype(int))
    appetite = rng.integers(1, 6, size=n_investors)          # accepts the best 1..5 grades
    # the minimum rate sits at the rate of a grade within the investor's appetite, minus a little
    min_rate = [round(rates[GRADES[rng.integers(0, a)]] - rng.uniform(0.002, 0.01), 3) for a in appetite]
    investors = pd.DataFrame({
        "investor": [f"I{i + 1}" for i in range(n_investors)],
        "cash": cash,
        "bid": offer,
        "min_rate": np.clip(min_rate, 0.0, 0.5),
        "grades": ["".join(GRADES[:a]) for a in appetite],
    })
    return loans, investors


def check_bids(investors: pd.DataFrame) -> None:
    """Each bid: 0 ≤ bid ≤ cash ≤ ¥10m, 0 ≤ minimum rate ≤ 100 %, accepted grades a subset of A–E."""
    require(len(investors) >= 1, "lending_no_investors", "at least one investor")
    for _, r in investors.iterrows():
        name = str(r["investor"])
        for col in ("cash", "bid", "min_rate"):
            v = r[col]
            ok = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) \
                and math.isfinite(float(v))
            require(ok, "lending_bid_number", f"{name}: {col} must be a number", investor=name)
        require(0 <= r["cash"] <= 10_000_000, "lending_cash_range", f"{name}: cash must be 0..10m",
                investor=name, cash=float(r["cash"]))
        require(r["bid"] >= 0, "lending_bid_negative", f"{name}: bid must not be negative", investor=name)
        require(r["bid"] <= r["cash"], "lending_bid_over_cash", f"{name} bids more than their cash",
                investor=name, bid=float(r["bid"]), cash=float(r["cash"]))
        require(0 <= r["min_rate"] <= 1.0, "lending_min_rate", f"{name}: minimum rate must be 0..100%",
                investor=name, rate=float(r["min_rate"]))
        g = str(r["grades"]).strip().upper()
        require(len(g) > 0 and set(g) <= set(GRADES), "lending_bid_grades",
                f"{name}: grades must be letters A–E", investor=name, grades=str(r["grades"]))


def match_investors(loans: pd.DataFrame, investors: pd.DataFrame, note: int = 1000,
                    max_per_loan: int = 10000) -> Trace:
    """Fill loan requests from investors' bids under one stated rule, step by step.

    Rule: loans are filled in listing order.  For each loan the eligible investors (they accept
    the loan's grade, the loan's rate ≥ their minimum rate, they have bid money left) take turns,
    lowest minimum rate first (ties: listing order); each turn buys one note of
    min(note, money left, amount still needed), and nobody holds more than ``max_per_loan`` of one
    loan.  Turns go round until the loan is full or no eligible money is left.  A loan ends fully
    funded (100 %), partly funded (the borrower takes what was raised) or not funded.  The cap per
    loan spreads each investor's money over several loans.  Amounts in the trace are integer fen.
    """
    require(100 <= note <= 100_000, "lending_note_size", "note size must be ¥100..¥100,000",
            note=note, lo=100, hi=100_000)
    require(note <= max_per_loan <= 1_000_000, "lending_max_per_loan", "cap per loan must be ≥ the note size",
            cap=max_per_loan, note=note)
    check_bids(investors)
    names = list(investors["investor"].astype(str))
    left = np.array([_yuan_to_fen(b) for b in investors["bid"]], dtype=np.int64)
    accepted = [set(str(g).strip().upper()) for g in investors["grades"]]
    order = sorted(range(len(names)), key=lambda i: (float(investors["min_rate"].iloc[i]), i))
    alloc = np.zeros((len(names), len(loans)), dtype=np.int64)
    raised = np.zeros(len(loans), dtype=np.int64)
    asked = np.array([_yuan_to_fen(a) for a in loans["amount"]], dtype=np.int64)
    note_fen, cap_fen = note * 100, max_per_loan * 100
    trace = Trace(meta={"investors": names, "loans": list(loans["loan"].astype(str)), "note": note,
                        "max_per_loan": max_per_loan})

    def snapshot(current: int | None) -> dict:
        return {"alloc": alloc.copy(), "raised": raised.copy(), "asked": asked.copy(), "left": left.copy(),
                "current": current}

    trace.add("lending.match.step.start", snapshot(None), loans=len(loans), investors=len(names),
              asked_fen=int(asked.sum()), offered_fen=int(left.sum()), note=note, cap=max_per_loan)
    for j, loan in loans.reset_index(drop=True).iterrows():
        elig = [i for i in order if loan["grade"] in accepted[i] and float(loan["rate"]) >= float(
            investors["min_rate"].iloc[i]) - 1e-12 and left[i] > 0]
        active = list(elig)
        while active and raised[j] < asked[j]:
            still = []
            for i in active:
                need = asked[j] - raised[j]
                if need <= 0:
                    break
                amt = int(min(note_fen, left[i], need, cap_fen - alloc[i, j]))
                if amt <= 0:
                    continue
                alloc[i, j] += amt
                left[i] -= amt
                raised[j] += amt
                if left[i] > 0 and alloc[i, j] < cap_fen:
                    still.append(i)
            active = still
        status = "full" if raised[j] == asked[j] else ("partial" if raised[j] > 0 else "none")
        trace.add(f"lending.match.step.{status}", snapshot(j), loan=str(loan["loan"]), grade=str(loan["grade"]),
                  rate=float(loan["rate"]), asked_fen=int(asked[j]), raised_fen=int(raised[j]),
                  share=float(raised[j] / asked[j]), eligible=len(elig), holders=int((alloc[:, j] > 0).sum()))
    n_full = int((raised == asked).sum())
    n_none = int((raised == 0).sum())
    trace.add("lending.match.step.done", snapshot(None), full=n_full, partial=len(loans) - n_full - n_none,
              none=n_none, raised_fen=int(raised.sum()), asked_fen=int(asked.sum()), idle_fen=int(left.sum()))
    return trace


def match_summary(trace: Trace, loans: pd.DataFrame, investors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per loan (raised, share, notes, status) and per investor (invested, loans held, idle) from the final step."""
    st = trace.steps[-1].state
    alloc, raised, asked, left = st["alloc"], st["raised"], st["asked"], st["left"]
    lo = loans.copy()
    lo["raised"] = raised / 100
    lo["funded_share"] = raised / asked
    lo["holders"] = (alloc > 0).sum(axis=0)
    lo["status"] = np.where(raised == asked, "full", np.where(raised > 0, "partial", "none"))
    inv = investors.copy()
    inv["invested"] = alloc.sum(axis=1) / 100
    inv["loans_held"] = (alloc > 0).sum(axis=1)
    inv["idle"] = left / 100 + (inv["cash"] - inv["bid"])
    return lo, inv


# ================================================================= 2. portfolio risk (Monte Carlo)
_N = NormalDist()


def _phi(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF, Φ(x) = (1 + erf(x / √2)) / 2, element-wise."""
    return 0.5 * (1.0 + np.vectorize(math.erf)(np.asarray(x) / math.sqrt(2.0)))


def conditional_pd(pd_: float, rho: float, z: np.ndarray) -> np.ndarray:
    """Default probability given the economy factor z (Vasicek 2002 one-factor model):
    p(z) = Φ( (Φ⁻¹(PD) − √ρ · z) / √(1 − ρ) ).  Averaged over z ~ N(0,1) it equals PD."""
    if pd_ <= 0:
        return np.zeros_like(z)
    if pd_ >= 1:
        return np.ones_like(z)
    return _phi((_N.inv_cdf(pd_) - math.sqrt(rho) * z) / math.sqrt(1.0 - rho))


def make_portfolio(n_loans: int = 10_000, mix: dict[str, float] | None = None) -> pd.DataFrame:
    """Equal-size loans sorted by grade; ``mix`` = share of each grade (default 20/30/25/15/10 %)."""
    require(10 <= n_loans <= 20_000, "lending_n_loans_mc", "10..20,000 loans", n=n_loans, lo=10, hi=20_000)
    mix = mix or {"A": 0.2, "B": 0.3, "C": 0.25, "D": 0.15, "E": 0.1}
    counts = np.floor(np.array([mix[g] for g in GRADES]) / sum(mix.values()) * n_loans).astype(int)
    counts[0] += n_loans - counts.sum()
    rates = grade_rates()
    grade = np.repeat(GRADES, counts)
    return pd.DataFrame({"grade": grade, "pd": [GRADE_PD[g] for g in grade], "rate": [rates[g] for g in grade]})


@dataclass
class MonteCarlo:
    """One-year outcome of every loan in every scenario."""

    defaults: np.ndarray      # bool, scenarios × loans
    z: np.ndarray             # economy factor per scenario
    portfolio: pd.DataFrame
    shock: float
    rho: float
    lgd: float
    fee: float

    def note_returns(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Return of notes per scenario: the rate net of the platform fee if repaid, −LGD if it defaults.

        ``idx`` (scenarios × k loan indices) picks k notes per scenario; without it, every loan.
        """
        r = (self.portfolio["rate"].values - self.fee).astype(np.float32)
        if idx is None:
            return np.where(self.defaults, np.float32(-self.lgd), r[None, :])
        hit = np.take_along_axis(self.defaults, idx, axis=1)
        return np.where(hit, np.float32(-self.lgd), r[idx])

    def portfolio_return(self) -> np.ndarray:
        """Equal-weight return of the whole loan book per scenario:
        Σ_g [(n_g − D_g)(r_g − fee) − D_g · LGD] / n, with D_g the defaults of grade g (loans are grouped by grade)."""
        grade = self.portfolio["grade"].values
        rate = self.portfolio["rate"].values
        total = np.zeros(self.defaults.shape[0])
        for g in GRADES:
            cols = np.flatnonzero(grade == g)
            if len(cols) == 0:
                continue
            d = self.defaults[:, cols[0]:cols[-1] + 1].sum(axis=1)
            total += (len(cols) - d) * (rate[cols[0]] - self.fee) - d * self.lgd
        return total / self.defaults.shape[1]

    def loss_share(self) -> np.ndarray:
        """Credit loss per scenario as a share of the lent principal: LGD · defaults / loans."""
        return self.defaults.mean(axis=1) * self.lgd


def simulate_defaults(portfolio: pd.DataFrame, n_scenarios: int = 1000, rho: float = 0.10, shock: float = 1.0,
                      lgd: float = LGD, fee: float = 0.01, seed: int = 42) -> MonteCarlo:
    """Vectorised one-factor Monte Carlo of one year of defaults.

    Scenario s draws an economy factor z_s; loan n of grade g defaults when U_{s,n} < p_g(z_s)
    (``conditional_pd`` with PD_g × shock).  Loans are grouped by grade, so each grade is one
    broadcast comparison of a uniform block against a column of conditional PDs.
    """
    require(10 <= n_scenarios <= 5000, "lending_n_scenarios", "10..5,000 scenarios", n=n_scenarios, lo=10, hi=5000)
    require(0.0 <= rho <= 0.9, "lending_rho", "correlation must be within 0..0.9", rho=rho)
    require(0.5 <= shock <= 10.0, "lending_shock", "shock must be within 0.5..10", shock=shock)
    require(0.0 <= lgd <= 1.0, "lending_lgd_range", "LGD must be within 0..1", lgd=lgd)
    require(0.0 <= fee <= 0.05, "lending_fee", "fee must be within 0..5%", fee=fee, hi=0.05)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n_scenarios)
    defaults = np.empty((n_scenarios, len(portfolio)), dtype=bool)
    grade = portfolio["grade"].values
    for g in GRADES:
        cols = np.flatnonzero(grade == g)
        if len(cols) == 0:
            continue
        p = conditional_pd(min(GRADE_PD[g] * shock, 0.999), rho, z).astype(np.float32)
        # one grade's uniforms at a time: the peak memory is one block, not the whole book
        u = rng.random((n_scenarios, len(cols)), dtype=np.float32)
        defaults[:, cols[0]:cols[-1] + 1] = u < p[:, None]
    return MonteCarlo(defaults, z, portfolio, shock, rho, lgd, fee)


def diversification(mc: MonteCarlo, notes=(1, 10, 100), seed: int = 1) -> pd.DataFrame:
    """Return of an investor who splits money equally over k random notes, in every scenario.

    Long format: columns notes, scenario, ret.  The mean is the same for every k; the spread
    shrinks roughly like 1/√k until the common economy factor (ρ) is all that is left.
    """
    rng = np.random.default_rng(seed)
    s, n = mc.defaults.shape
    out = []
    for k in notes:
        require(1 <= k <= n, "lending_notes", "notes must be 1..loans", k=k)
        idx = rng.integers(0, n, size=(s, k))
        ret = mc.note_returns(idx).mean(axis=1)
        out.append(pd.DataFrame({"notes": k, "scenario": np.arange(s), "ret": ret.astype(float)}))
    return pd.concat(out, ignore_index=True)


def risk_summary(book: np.ndarray, div: pd.DataFrame) -> dict:
    """Figures quoted on the page: mean and 5th percentile of the book's return, probability of a
    loss, and per number of notes k the standard deviation and 5th percentile of an investor's return."""
    by_k = div.groupby("notes")["ret"]
    return {"mean": float(np.mean(book)), "p05": float(np.quantile(book, 0.05)), "p_loss": float(np.mean(book < 0)),
            "sd": {int(k): float(v) for k, v in by_k.std().items()},
            "q05": {int(k): float(v) for k, v in by_k.quantile(0.05).items()}}


def reserve_test(portfolio: pd.DataFrame, reserve_share: float = 0.05, shocks=(1, 1.5, 2, 3, 4, 5),
                 n_scenarios: int = 1000, rho: float = 0.10, lgd: float = LGD, seed: int = 42) -> pd.DataFrame:
    """Risk reserve fund (风险准备金) under default-rate shocks.

    The reserve = reserve_share × principal and pays investors' credit losses until it is empty.
    For each shock multiplier m (PD × m), per scenario: loss L = LGD × defaulted share of the
    (equal-size) loans; the reserve is exhausted when L > reserve.  Given the economy factor z, the
    number of defaults among the n_g loans of grade g is Binomial(n_g, p_g(z)) — the same
    distribution as drawing every loan, at a fraction of the cost.  Every m reuses the same seed,
    hence the same economy paths z (common random numbers), so the curve is smooth in m.
    """
    require(0.0 <= reserve_share <= 0.2, "lending_reserve", "reserve must be within 0..20%",
            share=reserve_share, hi=0.2)
    require(10 <= n_scenarios <= 5000, "lending_n_scenarios", "10..5,000 scenarios", n=n_scenarios, lo=10, hi=5000)
    require(0.0 <= rho <= 0.9, "lending_rho", "correlation must be within 0..0.9", rho=rho)
    counts = portfolio["grade"].value_counts()
    n = len(portfolio)
    rows = []
    for m in shocks:
        require(0.5 <= float(m) <= 10.0, "lending_shock", "shock must be within 0.5..10", shock=m)
        rng = np.random.default_rng(seed)            # same economy paths for every shock
        z = rng.standard_normal(n_scenarios)
        defaults = np.zeros(n_scenarios)
        for g in GRADES:
            n_g = int(counts.get(g, 0))
            if n_g:
                p = conditional_pd(min(GRADE_PD[g] * float(m), 0.999), rho, z)
                defaults += rng.binomial(n_g, p)
        loss = lgd * defaults / n
        uncovered = np.maximum(loss - reserve_share, 0.0)
        rows.append({"shock": float(m), "mean_loss": float(loss.mean()), "p95_loss": float(np.quantile(loss, 0.95)),
                     "p_exhausted": float((loss > reserve_share).mean()),
                     "mean_uncovered": float(uncovered.mean())})
    return pd.DataFrame(rows)


# ================================================================= 3. custody vs pool: the platform story
@dataclass(frozen=True)
class PlatformParams:
    """Scenario of the platform story (monthly steps)."""

    months: int = 36
    inflow0: float = 10_000_000.0      # first month's new investor money, yuan
    growth: float = 0.08               # monthly growth of new money while confidence lasts
    slowdown_month: int = 18           # from this month new money shrinks
    decline: float = 0.20              # monthly fall of new money after the slowdown
    promised_rate: float = 0.12        # annual return the pool promises ("guaranteed")
    investor_term: int = 3             # months until investors get their money back (pool)
    loan_term: int = 24                # months of borrowers' loans
    loan_rate: float = 0.15            # borrowers' annual rate
    default_rate: float = 0.08         # share of the loan book that defaults per year
    siphon: float = 0.10               # share of new money diverted to related parties (self-financing)
    fee: float = 0.02                  # platform's annual service fee (custody model)


def check_platform(p: PlatformParams) -> None:
    """Bounds of the platform scenario."""
    require(12 <= p.months <= 60, "lending_platform_months", "12..60 months", n=p.months, lo=12, hi=60)
    require(0 <= p.growth <= 0.3 and 0 <= p.decline <= 0.9, "lending_platform_growth", "growth 0..30%, decline 0..90%")
    require(2 <= p.slowdown_month <= p.months, "lending_platform_slowdown", "slowdown within the horizon",
            n=p.slowdown_month, hi=p.months)
    require(0 <= p.promised_rate <= 0.5 and 0 <= p.loan_rate <= 0.5, "lending_rate", "rates 0..50%",
            rate=max(p.promised_rate, p.loan_rate), hi=0.5)
    require(1 <= p.investor_term < p.loan_term <= 60, "lending_platform_terms",
            "investor term shorter than loan term", a=p.investor_term, b=p.loan_term)
    require(0 <= p.default_rate <= 0.5 and 0 <= p.siphon <= 0.5 and 0 <= p.fee <= 0.05,
            "lending_platform_shares", "default 0..50%, siphon 0..50%, fee 0..5%")
    require(isinstance(p.inflow0, (int, float)) and 0 < p.inflow0 <= 1e12, "out_of_range",
            "first month's inflow must be ¥0 … ¥1e12", lo=0, hi="1e12")


def platform_story(p: PlatformParams = PlatformParams()) -> Trace:
    """Month by month, the same investors and borrowers under two set-ups.

    POOL (资金池): new money lands in the platform's own account; a share is siphoned off; the rest
    is lent for ``loan_term`` months while investors were promised their money plus
    ``promised_rate`` after ``investor_term`` months (maturity mismatch, 期限错配); defaults are
    written off silently (the published overdue rate stays 0).  Maturing investors are paid from
    whatever cash there is, i.e. from new money.  When cash cannot cover a maturity, word spreads:
    new money stops, every investor asks for their money (the run), and the platform collapses —
    investors share what is left (cash + loan book sold at half its value).

    CUSTODY (资金存管): money stays in investors' sub-accounts at a custodian bank and goes only to
    the borrower a note names; terms match; the platform earns a fee and never holds the money;
    defaults reduce the investors' notes the month they happen and are published.

    Both run on ``core.ledger.Ledger`` in fen: every movement is a balanced posting.
    """
    check_platform(p)
    F = 100
    pool, cus = Ledger(), Ledger()
    for acct, neg in (("investors", True), ("borrowers", True), ("pool", False), ("loans", False),
                      ("hidden_losses", False), ("related", False), ("fire_sale", False)):
        pool.open(acct, allow_negative=neg)
    for acct, neg in (("investors", True), ("borrowers", True), ("custody", False), ("loans", False),
                      ("losses", False), ("platform_fees", False)):
        cus.open(acct, allow_negative=neg)
    m_def = 1 - (1 - p.default_rate) ** (1 / 12)    # monthly default hazard from the annual rate
    amort = 1 / p.loan_term                          # straight-line amortisation of the loan book
    cohorts: list[list[int]] = []                    # pool: [due_month, amount owed in fen]
    claims = 0                                       # pool: what the platform owes investors
    collapsed = False
    run_month = None
    trace = Trace(meta={"params": p})
    hist = []
    inflow = p.inflow0
    for t in range(1, p.months + 1):
        if t >= p.slowdown_month:
            inflow *= (1 - p.decline)
        elif t > 1:
            inflow *= (1 + p.growth)
        new_fen = int(round(inflow)) * F
        seen_pool, seen_cus = len(pool.postings), len(cus.postings)
        # ------------------------------------------------ custody model
        if new_fen > 0:
            cus.transfer("investors", "custody", new_fen, "deposit")
            cus.transfer("custody", "loans", new_fen, "disburse")
        book_c = cus.balance("loans")
        d_c = int(book_c * m_def)
        if d_c > 0:
            cus.transfer("loans", "losses", d_c, "default_disclosed")
        rep_c = int((cus.balance("loans")) * amort)
        int_c = int(cus.balance("loans") * p.loan_rate / 12)
        fee_c = int(cus.balance("loans") * p.fee / 12)
        if rep_c > 0:
            cus.transfer("loans", "custody", rep_c, "repay")
        if int_c > 0:
            cus.transfer("borrowers", "custody", int_c, "interest")
        if min(fee_c, cus.balance("custody")) > 0:
            cus.transfer("custody", "platform_fees", min(fee_c, cus.balance("custody")), "fee")
        if cus.balance("custody") > 0:
            cus.transfer("custody", "investors", cus.balance("custody"), "payout")
        # ------------------------------------------------ pool model
        paid = 0
        due_now = 0
        if not collapsed:
            if new_fen > 0:
                pool.transfer("investors", "pool", new_fen, "new_money")
                claims += new_fen
                owed = int(new_fen * (1 + p.promised_rate * p.investor_term / 12))
                cohorts.append([t + p.investor_term, owed])
                claims += owed - new_fen
                sip = int(new_fen * p.siphon)
                if sip > 0:
                    pool.transfer("pool", "related", sip, "siphon")
            book = pool.balance("loans")
            d_p = int(book * m_def)
            if d_p > 0:
                pool.transfer("loans", "hidden_losses", d_p, "default_hidden")
            rep = int(pool.balance("loans") * amort)
            if rep > 0:
                pool.transfer("loans", "pool", rep, "repay")
            intr = int(pool.balance("loans") * p.loan_rate / 12)
            if intr > 0:
                pool.transfer("borrowers", "pool", intr, "interest")
            due_now = sum(c[1] for c in cohorts if c[0] == t)
            cash = pool.balance("pool")
            if due_now <= cash:
                if due_now > 0:
                    pool.transfer("pool", "investors", due_now, "maturity")
                paid = due_now
                claims -= due_now
                cohorts = [c for c in cohorts if c[0] != t]
                # lend out the spare cash (keep 5 % of claims as a buffer)
                spare = pool.balance("pool") - int(0.05 * claims)
                if spare > 0:
                    pool.transfer("pool", "loans", spare, "lend")
                phase = "growth" if t < p.slowdown_month else "slowdown"
            else:
                # the run: everyone asks at once; cash + the loan book sold at 50 % are shared pro rata
                run_month = t
                hidden_before = pool.balance("hidden_losses")
                collapsed = True
                fire_sale = pool.balance("loans") // 2
                if pool.balance("loans") > 0:
                    pool.transfer("loans", "fire_sale", pool.balance("loans") - fire_sale, "fire_sale_loss")
                if fire_sale > 0:
                    pool.transfer("loans", "pool", fire_sale, "fire_sale")
                paid = pool.balance("pool")
                if paid > 0:
                    pool.transfer("pool", "investors", paid, "run_payout")
                recovery = paid / claims if claims else 1.0
                claims -= paid                              # what investors will never get back
                phase = "run"
        else:
            phase = "collapsed"
        assets = pool.balance("pool") + pool.balance("loans")
        true_gap = claims - assets
        invested_c = -cus.balance("investors")          # deposits minus payouts so far
        state = {
            "t": t, "phase": phase, "new_fen": new_fen, "due_fen": due_now, "paid_fen": paid,
            "pool_cash": pool.balance("pool"), "pool_loans": pool.balance("loans"),
            "pool_hidden": pool.balance("hidden_losses"), "pool_related": pool.balance("related"),
            "pool_claims": claims, "pool_gap": true_gap, "pool_firesale": pool.balance("fire_sale"),
            "cus_loans": cus.balance("loans"), "cus_losses": cus.balance("losses"),
            "cus_fees": cus.balance("platform_fees"), "cus_net_out": invested_c,
            "pool_total": pool.total(), "cus_total": cus.total(),
            # this month's ledger postings (source, target, fen, memo code) of each set-up
            "pool_moves": [(m.source, m.target, m.amount_fen, m.memo) for m in pool.postings[seen_pool:]],
            "cus_moves": [(m.source, m.target, m.amount_fen, m.memo) for m in cus.postings[seen_cus:]],
        }
        hist.append(state)
        params = {"t": t, "new_fen": new_fen, "due_fen": due_now, "paid_fen": paid,
                  "hidden_fen": state["pool_hidden"], "gap_fen": state["pool_gap"],
                  "losses_fen": state["cus_losses"], "related_fen": state["pool_related"]}
        params.update({k[:-4]: v / 100 for k, v in list(params.items()) if k.endswith("_fen")})   # yuan too
        if phase == "run":
            params["recovery"] = recovery
            params["hidden_before"] = hidden_before / 100
            params["hidden_before_fen"] = hidden_before
        trace.add(f"lending.fail.step.{phase}", {"now": state, "history": list(hist)}, **params)
    deposits = sum(h["new_fen"] for h in hist)
    last = hist[-1]
    worth = deposits - last["cus_net_out"] + last["cus_loans"]      # paid back so far + still lent out
    trace.meta["custody"] = {"deposits_fen": deposits, "worth_fen": worth, "losses_fen": last["cus_losses"],
                             "return": worth / deposits - 1 if deposits else 0.0}
    trace.meta["run_month"] = run_month
    trace.meta["pool_postings"] = len(pool.postings)
    trace.meta["custody_postings"] = len(cus.postings)
    return trace


# ================================================================= 4. disclosure and borrowing caps
CAPS = {"person": (200_000, 1_000_000), "entity": (1_000_000, 5_000_000)}   # yuan: per platform, all platforms
# 《网络借贷信息中介机构业务活动管理暂行办法》 (2016-08-24) Art. 17: borrowing BALANCE caps.


def make_loan_book(seed: int = 11, n_borrowers: int = 300, months: int = 12, entity_share: float = 0.1) -> pd.DataFrame:
    """A seeded loan book issued over ``months``: one row per loan, amounts in fen.

    Borrowers are natural persons or legal entities; a few borrow a lot, here and on other
    platforms (``elsewhere_fen``), so the caps can bite.  Each loan is an equal-principal loan; a
    borrower in trouble stops paying (month ``stop``), which makes the loan overdue.
    """
    require(20 <= n_borrowers <= 2000, "lending_n_borrowers", "20..2,000 borrowers", n=n_borrowers, lo=20, hi=2000)
    require(3 <= months <= 36, "lending_book_months", "3..36 months", n=months, lo=3, hi=36)
    require(0.0 <= entity_share <= 0.5, "lending_entity_share", "entity share 0..50%", share=entity_share)
    rng = np.random.default_rng(seed)
    kind = np.where(rng.random(n_borrowers) < entity_share, "entity", "person")
    median = np.where(kind == "entity", 300_000.0, 30_000.0)
    n_loans = rng.poisson(1.6, n_borrowers) + 1
    bor = np.repeat(np.arange(n_borrowers), n_loans)
    amt = np.round(median[bor] * rng.lognormal(0, 0.8, len(bor)) / 100) * 100
    amt = np.clip(amt, 1_000, 3_000_000)
    grade = rng.choice(GRADES, size=len(bor), p=[0.2, 0.3, 0.25, 0.15, 0.1])
    term = rng.choice([6, 12, 24], size=len(bor))
    start = rng.integers(1, months + 1, size=len(bor))
    rates = grade_rates()
    # a borrower who defaults stops paying in a month drawn from their grade's yearly PD
    pd_m = np.array([1 - (1 - GRADE_PD[g]) ** (1 / 12) for g in grade])
    first_miss = rng.geometric(pd_m)                   # months after issue until the first missed payment
    stop = np.where(first_miss <= term, start + first_miss, 10_000)
    elsewhere = np.where(rng.random(n_borrowers) < 0.15,
                         np.round(median * rng.lognormal(2.3, 0.9, n_borrowers) / 100) * 100, 0.0)
    lenders = np.maximum(1, np.round(amt / 2000 * rng.uniform(0.3, 1.0, len(bor)))).astype(int)
    # each loan's lenders come from one pool of investors, so the same lender can fund many loans
    pool_size = 20 * n_borrowers
    lender_ids = [tuple(rng.choice(pool_size, size=min(k, pool_size), replace=False).tolist()) for k in lenders]
    return pd.DataFrame({
        "loan": [f"N{i + 1:04d}" for i in range(len(bor))],
        "borrower": [f"B{b + 1:04d}" for b in bor], "kind": kind[bor], "grade": grade,
        "rate": [rates[g] for g in grade], "amount_fen": (amt * 100).astype(np.int64), "term": term,
        "start": start, "stop": stop, "lenders": lenders,
        "elsewhere_fen": (elsewhere[bor] * 100).astype(np.int64), "lender_ids": lender_ids,
    })


def _loan_state(book: pd.DataFrame, month: int) -> pd.DataFrame:
    """Status of each loan at the end of ``month``: outstanding principal, interest due, days overdue."""
    age = month - book["start"].values + 1                      # payments that have fallen due
    active = age >= 1
    due = np.clip(age, 0, book["term"].values)
    paid = np.clip(np.minimum(due, book["stop"].values - book["start"].values), 0, None)
    missed = due - paid
    per = book["amount_fen"].values / book["term"].values
    outstanding = np.where(active, book["amount_fen"].values - per * paid, 0.0)
    left = book["term"].values - paid
    # remaining scheduled interest on an equal-principal loan: i · per · left(left+1)/2
    interest_left = np.where(active, book["rate"].values / 12 * per * left * (left + 1) / 2, 0.0)
    return pd.DataFrame({"active": active & (outstanding > 0.5), "outstanding": outstanding,
                         "interest_left": interest_left, "days_overdue": missed * 30})


def disclosure(book: pd.DataFrame, months: int) -> pd.DataFrame:
    """Monthly disclosure items of the 2017 guideline (银监办发〔2017〕113号), computed from the book.

    Per month-end: cumulative volume and count, loan balance, interest balance, cumulative and
    current borrowers and lenders, top-10 borrowers' and the largest borrower's share of the
    balance, overdue amount/count, > 90 days overdue amount/count, project overdue rate
    (overdue loans / loans outstanding) and amount overdue rate (overdue balance / balance).
    Amounts in yuan.
    """
    check_count(months, 1, 600)      # bounded work: one pass over the book per month
    rows = []
    for m in range(1, months + 1):
        issued = book["start"].values <= m
        s = _loan_state(book, m)
        act = s["active"].values & issued
        bal = s["outstanding"].values * act
        by_borrower = pd.Series(bal).groupby(book["borrower"].values).sum().sort_values(ascending=False)
        total = bal.sum()
        over = act & (s["days_overdue"].values > 0)
        over90 = act & (s["days_overdue"].values > 90)
        rows.append({
            "month": m,
            "cum_volume": book["amount_fen"].values[issued].sum() / 100, "cum_loans": int(issued.sum()),
            "balance": total / 100, "interest_balance": float((s["interest_left"].values * act).sum() / 100),
            "cum_borrowers": int(book["borrower"][issued].nunique()),
            "cur_borrowers": int(book["borrower"][act].nunique()),
            "cum_lenders": len(set().union(*book["lender_ids"].values[issued])),
            "cur_lenders": len(set().union(*book["lender_ids"].values[act])),
            "top10_share": float(by_borrower.iloc[:10].sum() / total) if total else 0.0,
            "top1_share": float(by_borrower.iloc[0] / total) if total else 0.0,
            "overdue_amount": float(bal[over].sum() / 100), "overdue_count": int(over.sum()),
            "overdue90_amount": float(bal[over90].sum() / 100), "overdue90_count": int(over90.sum()),
            "project_overdue_rate": float(over.sum() / act.sum()) if act.sum() else 0.0,
            "amount_overdue_rate": float(bal[over].sum() / total) if total else 0.0,
        })
    return pd.DataFrame(rows)


def cap_violations(book: pd.DataFrame, month: int) -> pd.DataFrame:
    """Borrowers whose borrowing balance breaks the 2016 caps at the end of ``month``.

    Natural person: ≤ ¥200,000 on one platform, ≤ ¥1,000,000 across platforms; legal entity:
    ≤ ¥1,000,000 / ≤ ¥5,000,000 (Interim Measures 2016, Art. 17).  "Across platforms" adds the
    borrower's balance elsewhere.  Columns in yuan.
    """
    check_count(month, 0, 10_000)
    s = _loan_state(book, month)
    act = s["active"].values & (book["start"].values <= month)
    df = pd.DataFrame({"borrower": book["borrower"], "kind": book["kind"],
                       "here": s["outstanding"].values * act / 100, "elsewhere": book["elsewhere_fen"] / 100})
    agg = df.groupby(["borrower", "kind"], as_index=False).agg(here=("here", "sum"), elsewhere=("elsewhere", "first"))
    agg["total"] = agg["here"] + agg["elsewhere"]
    agg["cap_here"] = [CAPS[k][0] for k in agg["kind"]]
    agg["cap_total"] = [CAPS[k][1] for k in agg["kind"]]
    agg["over_here"] = agg["here"] > agg["cap_here"]
    agg["over_total"] = agg["total"] > agg["cap_total"]
    out = agg[agg["over_here"] | agg["over_total"]].sort_values("total", ascending=False)
    return out.reset_index(drop=True)
