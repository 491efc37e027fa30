"""Chapter 4 · Internet insurance: pricing a micro-policy, solvency and ruin, a parametric
smart-contract pool, mutual-aid cost sharing and usage-based pricing.

Pure and seeded (numpy ``Generator``).  The parametric pool keeps its money on a
``core.ledger.Ledger`` in integer fen; the mutual-aid shares are computed in integer fen too.
Pricing and ruin work in yuan floats: they report expectations and probabilities, not balances.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import InputError, require
from core.ledger import Ledger
from core.overview import load_table
from core.trace import Trace

PRINCIPLES = ("expected_value", "variance", "std_dev")
FACT_TOPICS = ("zhongan", "shipping", "sales", "fizzy", "mutual", "regulation", "market", "ubi")


def load_facts() -> pd.DataFrame:
    """The chapter's sourced facts (``data/insurance_facts.csv``); every row names its source."""
    df = load_table("insurance_facts")
    require(set(df["topic"]) <= set(FACT_TOPICS), "data_bad_category", "unknown topic in insurance_facts.csv",
            table="insurance_facts")
    return df


def _finite(x) -> bool:
    """A real number a float can hold (NaN, ±inf and integers beyond 1e308 are not)."""
    if not isinstance(x, (int, float, np.integer, np.floating)) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def _check_probability(p: float, name: str = "p") -> None:
    require(_finite(p) and 0.0 < p < 1.0, "insurance_probability", f"{name} must lie strictly between 0 and 1",
            value=p)


def _check_positive(x: float, key: str, what: str) -> None:
    require(_finite(x) and x > 0, key, f"{what} must be a positive number", value=x)


def _check_count(n: int, lo: int, hi: int, key: str, what: str) -> None:
    ok = isinstance(n, (int, np.integer)) and not isinstance(n, bool) and lo <= n <= hi
    require(ok, key, f"{what} must be a whole number from {lo} to {hi}", value=n, lo=lo, hi=hi)


def facts_timeline(facts: pd.DataFrame) -> pd.DataFrame:
    """The dated facts in time order, with a plotting date (year only → 1 July, year-month → the 15th)."""
    def when(text: str) -> str:
        parts = str(text).split("-")
        return {1: f"{parts[0]}-07-01", 2: f"{parts[0]}-{parts[-1]}-15"}.get(len(parts), str(text))

    out = facts.copy()
    out["when"] = pd.to_datetime(out["date"].astype(str).map(when))
    return out.sort_values(["when", "topic"], kind="stable").reset_index(drop=True)


# ================================================================= 1. pricing a micro-policy
def bernoulli_loss_moments(p: float, cost: float) -> tuple[float, float, float]:
    """Mean, variance and standard deviation of a loss X = cost · B, B ~ Bernoulli(p).

    E[X] = p·cost, Var(X) = cost²·p(1 − p), SD = cost·√(p(1 − p)) (any probability textbook;
    e.g. the pooling example "loss 10,000 w.p. 0.05": E = 500, Var = 4,750,000, SD = 2,179.4).
    """
    _check_probability(p)
    _check_positive(cost, "insurance_cost", "cost")
    var = cost * cost * p * (1.0 - p)
    return p * cost, var, math.sqrt(var)


def _check_loading(loading: float) -> None:
    require(_finite(loading), "insurance_negative_loading", "the loading must be a number", value=loading)
    require(loading >= 0, "insurance_negative_loading",
            "a negative loading charges less than the expected claims (premium principles need P ≥ E[X])",
            value=loading)


def expected_value_premium(mean: float, theta: float) -> float:
    """Expected value principle: P = (1 + θ)·E[X], θ ≥ 0 (Bühlmann 1970; Čížek, Härdle & Weron, ch. 18)."""
    _check_loading(theta)
    return (1.0 + theta) * mean


def variance_premium(mean: float, var: float, beta: float) -> float:
    """Variance principle: P = E[X] + β·Var(X), β ≥ 0 (Bühlmann 1970; Čížek, Härdle & Weron, ch. 18)."""
    _check_loading(beta)
    return mean + beta * var


def std_dev_premium(mean: float, sd: float, alpha: float) -> float:
    """Standard deviation principle: P = E[X] + α·SD(X), α ≥ 0 (Bühlmann 1970; Čížek, Härdle & Weron, ch. 18)."""
    _check_loading(alpha)
    return mean + alpha * sd


def micro_premium(principle: str, p: float, cost: float, loading: float) -> float:
    """Premium of the loss cost·Bernoulli(p) under ``principle`` ∈ PRINCIPLES with the given loading."""
    require(principle in PRINCIPLES, "insurance_principle", f"principle must be one of {PRINCIPLES}",
            principle=principle)
    mean, var, sd = bernoulli_loss_moments(p, cost)
    if principle == "expected_value":
        return expected_value_premium(mean, loading)
    if principle == "variance":
        return variance_premium(mean, var, loading)
    return std_dev_premium(mean, sd, loading)


def binomial_tail(n: int, p: float, k_min: int) -> float:
    """P(K ≥ k_min) for K ~ Binomial(n, p), summed exactly in log space (no scipy needed).

    log C(n, k_min) comes from lgamma, the next terms from a cumulative sum of log((n − k)/(k + 1)).
    Terms more than 40 standard deviations above the mean (< e^−800 of the total) are left out.
    """
    _check_count(n, 0, 10_000_000, "insurance_policies", "number of policies")
    require(_finite(p) and 0.0 <= p <= 1.0, "insurance_probability", "p must lie between 0 and 1", value=p)
    require(isinstance(k_min, (int, np.integer)) and not isinstance(k_min, bool), "out_of_range",
            "k_min must be a whole number", lo=0, hi=n)
    if k_min <= 0:
        return 1.0
    if k_min > n:
        return 0.0
    sd = math.sqrt(n * p * (1 - p))
    k_max = int(min(n, max(k_min, n * p) + 40 * sd + 50))
    ks = np.arange(k_min, k_max + 1)
    start = math.lgamma(n + 1) - math.lgamma(k_min + 1) - math.lgamma(n - k_min + 1)
    steps = np.log((n - ks[:-1]) / (ks[:-1] + 1.0))
    log_comb = start + np.concatenate([[0.0], np.cumsum(steps)])
    log_pmf = log_comb + ks * math.log(p) + (n - ks) * math.log1p(-p)
    top = log_pmf.max()
    return float(min(1.0, math.exp(top) * np.exp(log_pmf - top).sum()))


def underwriting_loss_probability(n: int, p: float, cost: float, premium: float) -> float:
    """P(claims > premiums) for n independent policies: P(K·cost > n·P) with K ~ Binomial(n, p)."""
    _check_count(n, 1, 10_000_000, "insurance_policies", "number of policies")
    _check_probability(p)
    _check_positive(cost, "insurance_cost", "cost")
    require(_finite(premium) and premium >= 0, "insurance_premium", "premium must be zero or positive", value=premium)
    k_min = math.floor(n * premium / cost) + 1
    return binomial_tail(n, p, k_min)


@dataclass
class PolicyDay:
    """One simulated day of ``n`` policies sold in order: who returned, running totals, loss ratio."""

    n: int
    p: float
    cost: float
    premium: float
    returned: np.ndarray                  # bool per policy
    claims: float = 0.0
    premiums: float = 0.0

    @property
    def n_claims(self) -> int:
        return int(self.returned.sum())

    @property
    def loss_ratio(self) -> float:
        """Claims paid / premiums earned."""
        return self.claims / self.premiums

    @property
    def profit(self) -> float:
        return self.premiums - self.claims

    def running(self, points: int = 400) -> pd.DataFrame:
        """Cumulative premiums and claims after each policy, thinned to at most ``points`` rows for a chart."""
        idx = np.unique(np.linspace(1, self.n, min(points, self.n)).round().astype(int))
        cum_claims = np.cumsum(self.returned)[idx - 1] * self.cost
        return pd.DataFrame({"policies": idx, "premiums": idx * self.premium, "claims": cum_claims,
                             "loss_ratio": cum_claims / (idx * self.premium)})


def simulate_policy_day(n: int, p: float, cost: float, premium: float, seed: int) -> PolicyDay:
    """A seeded day: each of ``n`` policies is returned with probability ``p`` and then costs ``cost``."""
    _check_count(n, 1, 10_000_000, "insurance_policies", "number of policies")
    _check_probability(p)
    _check_positive(cost, "insurance_cost", "cost")
    _check_positive(premium, "insurance_premium", "premium")
    returned = np.random.default_rng(seed).random(n) < p
    day = PolicyDay(n, p, cost, premium, returned)
    day.claims = float(returned.sum()) * cost
    day.premiums = n * premium
    return day


def simulate_loss_ratios(n: int, p: float, cost: float, premium: float, days: int, seed: int) -> np.ndarray:
    """Loss ratio of each of ``days`` independent days: K·cost / (n·P), K ~ Binomial(n, p)."""
    _check_count(days, 1, 100_000, "insurance_days", "number of days")
    _check_count(n, 1, 10_000_000, "insurance_policies", "number of policies")
    _check_probability(p)
    _check_positive(premium, "insurance_premium", "premium")
    k = np.random.default_rng(seed).binomial(n, p, size=days)
    return k * cost / (n * premium)


def loss_ratio_sd(n: int, p: float, cost: float, premium: float) -> float:
    """Standard deviation of the loss ratio of n policies: cost·√(n p(1 − p)) / (n·P) — falls like 1/√n."""
    _check_count(n, 1, 10_000_000, "insurance_policies", "number of policies")
    _check_probability(p)
    _check_positive(cost, "insurance_cost", "cost")
    _check_positive(premium, "insurance_premium", "premium")
    return cost * math.sqrt(n * p * (1 - p)) / (n * premium)


# ================================================================= 2. solvency and ruin
def _check_ruin_params(theta: float, mu: float) -> None:
    require(_finite(theta) and theta > 0, "insurance_theta",
            "the safety loading θ must be positive (net profit condition c > λμ), else ruin is certain", value=theta)
    _check_positive(mu, "insurance_mean_claim", "mean claim")


def premium_rate(lam: float, mu: float, theta: float) -> float:
    """Premium income per unit time c = (1 + θ)·λ·μ (expected value principle on the claims rate)."""
    _check_positive(lam, "insurance_rate", "claim rate")
    _check_ruin_params(theta, mu)
    return (1.0 + theta) * lam * mu


def adjustment_coefficient_exponential(theta: float, mu: float) -> float:
    """Lundberg adjustment coefficient for exponential claims of mean μ: R = θ / ((1 + θ)μ) = 1/μ − λ/c."""
    _check_ruin_params(theta, mu)
    return theta / ((1.0 + theta) * mu)


def ruin_probability_exponential(u, theta: float, mu: float):
    """Exact infinite-horizon ruin probability, Cramér–Lundberg model with exponential claims:

    ψ(u) = 1/(1 + θ) · exp(−θu / ((1 + θ)μ)).  Reference values (Čížek, Härdle & Weron, *Statistical
    Tools for Finance and Insurance*, XploRe INSexactexp): θ = 0.3, μ = 5 → ψ(0) = 0.76923,
    ψ(1) = 0.73453, ψ(2) = 0.70140, ψ(5) = 0.61071, ψ(10) = 0.48486.  Accepts a scalar or an array.
    """
    _check_ruin_params(theta, mu)
    arr = np.asarray(u, dtype=float)
    require(bool(np.all(np.isfinite(arr))) and bool(np.all(arr >= 0)), "insurance_capital",
            "initial capital must be zero or positive", value=float(np.min(arr)) if arr.size else 0)
    out = np.exp(-theta * arr / ((1.0 + theta) * mu)) / (1.0 + theta)
    return float(out) if out.ndim == 0 else out


def lundberg_bound(u, R: float):
    """Lundberg inequality: ψ(u) ≤ exp(−R·u) for any claim distribution with adjustment coefficient R."""
    out = np.exp(-R * np.asarray(u, dtype=float))
    return float(out) if out.ndim == 0 else out


@dataclass
class RuinSimulation:
    """Monte Carlo of ``n_paths`` surplus paths U(t) = u + ct − S(t) up to time ``horizon``."""

    u: float
    theta: float
    mu: float
    lam: float
    horizon: float
    c: float
    ruin_time: np.ndarray            # time of first ruin per path, NaN if none before the horizon
    min_gap: np.ndarray              # min over claims k ≤ horizon of (c·t_k − S_k): ruined iff u + min_gap < 0
    shown: list = field(default_factory=list)   # a few paths: arrays (t_k, X_k) of their claims

    @property
    def n_paths(self) -> int:
        return len(self.ruin_time)

    @property
    def ruined(self) -> np.ndarray:
        return ~np.isnan(self.ruin_time)

    @property
    def estimate(self) -> float:
        """Share of paths ruined before the horizon (finite-horizon ψ(u, T) ≤ ψ(u))."""
        return float(self.ruined.mean())

    @property
    def stderr(self) -> float:
        """Binomial standard error √(ψ̂(1 − ψ̂)/n)."""
        p = self.estimate
        return math.sqrt(p * (1 - p) / self.n_paths)

    def estimate_at(self, capitals) -> np.ndarray:
        """Finite-horizon ruin share for other initial capitals, from the same paths: mean(u' + min_gap < 0)."""
        caps = np.asarray(capitals, dtype=float)
        return (caps[:, None] + self.min_gap[None, :] < 0).mean(axis=1)


def simulate_ruin(u: float, theta: float, mu: float, lam: float = 1.0, horizon: float = 200.0,
                  n_paths: int = 2000, seed: int = 7, n_shown: int = 5, block: int = 128) -> RuinSimulation:
    """Vectorised Monte Carlo of the Cramér–Lundberg surplus with compound Poisson claims.

    Inter-arrival times ~ Exp(mean 1/λ), claims ~ Exp(mean μ), premium rate c = (1 + θ)λμ.  Ruin can
    only happen at a claim instant, so each path needs only U(t_k) = u + c·t_k − S_k.  Claims are drawn
    in blocks of ``block`` per path (numpy, all paths at once) until every path has passed the horizon.
    """
    require(_finite(u) and u >= 0, "insurance_capital", "initial capital must be zero or positive", value=u)
    c = premium_rate(lam, mu, theta)
    _check_positive(horizon, "insurance_horizon", "horizon")
    require(horizon <= 10_000, "insurance_horizon", "horizon must be at most 10,000", value=horizon)
    # bounded work: about λ·horizon claims per path are drawn
    require(lam * horizon <= 100_000, "work_limit", "claim rate × horizon must be at most 100,000",
            hi=100_000)
    _check_count(n_paths, 1, 200_000, "insurance_paths", "number of paths")
    rng = np.random.default_rng(seed)
    t = np.zeros(n_paths)
    s = np.zeros(n_paths)
    min_gap = np.full(n_paths, np.inf)
    ruin_time = np.full(n_paths, np.nan)
    n_shown = min(n_shown, n_paths)
    shown_t = [[] for _ in range(n_shown)]
    shown_x = [[] for _ in range(n_shown)]
    alive = np.arange(n_paths)                      # paths whose clock has not passed the horizon
    while alive.size:
        m = alive.size
        times = t[alive, None] + np.cumsum(rng.exponential(1.0 / lam, size=(m, block)), axis=1)
        claims = rng.exponential(mu, size=(m, block))
        totals = s[alive, None] + np.cumsum(claims, axis=1)
        inside = times <= horizon
        gap = np.where(inside, c * times - totals, np.inf)
        min_gap[alive] = np.minimum(min_gap[alive], gap.min(axis=1))
        below = (u + gap < 0) & np.isnan(ruin_time[alive])[:, None]
        first = below.argmax(axis=1)
        hit = below.any(axis=1)
        ruin_time[alive[hit]] = times[hit, first[hit]]
        for i in range(n_shown):
            where = np.nonzero(alive == i)[0]
            if where.size:
                r = where[0]
                shown_t[i].extend(times[r][inside[r]].tolist())
                shown_x[i].extend(claims[r][inside[r]].tolist())
        t[alive] = times[:, -1]
        s[alive] = totals[:, -1]
        alive = alive[t[alive] <= horizon]
    min_gap[np.isinf(min_gap)] = 0.0                # no claim before the horizon: the surplus never fell
    shown = [(np.array(a), np.array(b)) for a, b in zip(shown_t, shown_x)]
    return RuinSimulation(u, theta, mu, lam, horizon, c, ruin_time, min_gap, shown)


def surplus_path(times: np.ndarray, claims: np.ndarray, u: float, c: float, horizon: float,
                 stop_at_ruin: bool = True) -> pd.DataFrame:
    """The saw-tooth U(t): rising at rate c between claims, dropping by each claim (points before/after).

    With ``stop_at_ruin`` the path ends at the first claim that takes U below 0 (the insurer is closed)."""
    ts, us = [0.0], [u]
    total = 0.0
    for tk, xk in zip(times, claims):
        ts += [tk, tk]
        us += [u + c * tk - total, u + c * tk - total - xk]
        total += xk
        if stop_at_ruin and us[-1] < 0:
            return pd.DataFrame({"t": ts, "surplus": us})
    ts.append(horizon)
    us.append(u + c * horizon - total)
    return pd.DataFrame({"t": ts, "surplus": us})


def claims_trace(times: np.ndarray, claims: np.ndarray, u: float, c: float, max_steps: int = 40) -> Trace:
    """Replay one path claim by claim: premiums earned since the last claim, the claim, the new surplus."""
    trace = Trace(meta={"u": u, "c": c})
    trace.add("insurance.ruin.step_start", state={"k": 0, "t": 0.0, "surplus": u}, u=u, c=c)
    total = 0.0
    last_t = 0.0
    for k, (tk, xk) in enumerate(zip(times, claims), start=1):
        if k > max_steps:
            break
        before = u + c * tk - total
        total += xk
        after = before - xk
        state = {"k": k, "t": float(tk), "surplus": float(after)}
        key = "insurance.ruin.step_ruin" if after < 0 else "insurance.ruin.step_claim"
        trace.add(key, state=state, k=k, t=float(tk), earned=float(c * (tk - last_t)), before=float(before),
                  claim=float(xk), after=float(after))
        last_t = tk
        if after < 0:
            break
    return trace


# ================================================================= 3. parametric flight-delay pool
POOL, INSURER, TRAVELLERS = "pool", "insurer", "travellers"


def delay_probability(threshold_min: float, p_delay: float, mean_delay_min: float) -> float:
    """P(delay ≥ threshold) in this lab's model: a flight is late with probability p, then by Exp(mean) minutes.

    For threshold > 14 min (on-time flights arrive 0–14 min late): p · exp(−threshold / mean).
    """
    _check_probability(p_delay, "p_delay")
    _check_positive(mean_delay_min, "insurance_mean_delay", "mean delay")
    require(_finite(threshold_min) and 15 <= threshold_min <= 1440, "insurance_threshold",
            "threshold must be 15 to 1,440 minutes", value=threshold_min)
    return p_delay * math.exp(-threshold_min / mean_delay_min)


def simulate_flights(n: int, p_delay: float, mean_delay_min: float, seed: int) -> pd.DataFrame:
    """Oracle data for ``n`` insured flights, and each traveller's own buffer before a delay hurts.

    delay: with probability ``p_delay`` the flight is late by Exp(mean) minutes, otherwise it arrives
    0–14 min after schedule (a teaching model, not airline data).  buffer: minutes of slack the traveller
    has (a connection, a meeting), uniform 60–240 min — the traveller really loses something when
    delay ≥ buffer, whatever the contract says.
    """
    _check_count(n, 1, 500, "insurance_flights", "number of flights")
    _check_probability(p_delay, "p_delay")
    _check_positive(mean_delay_min, "insurance_mean_delay", "mean delay")
    rng = np.random.default_rng(seed)
    late = rng.random(n) < p_delay
    delay = np.where(late, rng.exponential(mean_delay_min, size=n), rng.uniform(0, 15, size=n))
    buffer = rng.uniform(60, 240, size=n)
    return pd.DataFrame({"flight": np.arange(1, n + 1), "delay_min": np.floor(delay).astype(int),
                         "buffer_min": np.round(buffer).astype(int)})


def basis_outcome(paid: bool, real_loss: bool) -> str:
    """hit (paid and hurt), extra (paid, not hurt), missed (hurt, not paid), none."""
    if paid and real_loss:
        return "hit"
    if paid:
        return "extra"
    if real_loss:
        return "missed"
    return "none"


@dataclass
class ParametricRun:
    """The replayable contract run: steps, final ledger and one row per flight."""

    trace: Trace
    ledger: Ledger
    flights: pd.DataFrame
    capital_fen: int
    premium_fen: int
    payout_fen: int
    threshold_min: int

    @property
    def premiums_fen(self) -> int:
        return self.premium_fen * len(self.flights)

    @property
    def paid_fen(self) -> int:
        return int(self.flights["paid_fen"].sum())

    @property
    def shortfall_fen(self) -> int:
        return int(self.flights["shortfall_fen"].sum())

    def postings_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"seq": p.seq, "from": p.source, "to": p.target, "amount_fen": p.amount_fen,
                              "memo": p.memo} for p in self.ledger.postings])


def run_parametric_pool(flights: pd.DataFrame, premium_fen: int, payout_fen: int, threshold_min: int,
                        capital_fen: int) -> ParametricRun:
    """Run the flight-delay contract on a ledger in integer fen, one step per flight.

    Rule (as AXA fizzy, 2017–2019): if the oracle reports an arrival delay ≥ threshold, pay the fixed
    amount automatically — no claim form.  Money: the insurer puts ``capital_fen`` into the pool, each
    traveller pays ``premium_fen`` in, payouts go out (never more than the pool holds: a shortfall is
    recorded), and at the end the pool is returned to the insurer.  Every movement is a ledger posting,
    so the sum of balances is 0 at every step (money is conserved).
    """
    for value, key, what in ((premium_fen, "insurance_premium", "premium"), (payout_fen, "insurance_payout", "payout")):
        ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0
        require(ok, key, f"{what} must be a positive whole number of fen", value=value)
    ok = isinstance(capital_fen, (int, np.integer)) and not isinstance(capital_fen, bool) and capital_fen >= 0
    require(ok, "insurance_capital", "capital must be zero or a positive whole number of fen", value=capital_fen)
    require(_finite(threshold_min) and 15 <= threshold_min <= 1440, "insurance_threshold",
            "threshold must be 15 to 1,440 minutes", value=threshold_min)
    n = len(flights)
    require(n >= 1, "insurance_flights", "at least one flight", value=n, lo=1, hi=500)
    premium_fen, payout_fen, capital_fen = int(premium_fen), int(payout_fen), int(capital_fen)
    ledger = Ledger()
    ledger.open(INSURER, allow_negative=True)
    ledger.open(TRAVELLERS, allow_negative=True)
    ledger.open(POOL)
    trace = Trace(meta={"threshold": threshold_min})
    counts = {"hit": 0, "extra": 0, "missed": 0, "none": 0}

    def snap(row=None, decision=None) -> dict:
        return {"balances": ledger.balances(), "row": row, "decision": decision, "counts": dict(counts),
                "postings": len(ledger.postings), "total": ledger.total()}

    if capital_fen > 0:
        ledger.transfer(INSURER, POOL, capital_fen, "capital")
    trace.add("insurance.param.step_capital", state=snap(), capital=capital_fen)
    ledger.transfer(TRAVELLERS, POOL, premium_fen * n, f"premiums x{n}")
    trace.add("insurance.param.step_premiums", state=snap(), n=n, premium=premium_fen, total=premium_fen * n,
              pool=ledger.balance(POOL))
    rows = []
    for r in flights.itertuples(index=False):
        delay, buffer = int(r.delay_min), int(r.buffer_min)
        triggered = delay >= threshold_min
        paid = 0
        if triggered:
            paid = min(payout_fen, ledger.balance(POOL))
            if paid > 0:
                ledger.transfer(POOL, TRAVELLERS, paid, f"payout flight {int(r.flight)}")
        real_loss = delay >= buffer
        outcome = basis_outcome(triggered, real_loss)
        counts[outcome] += 1
        row = {"flight": int(r.flight), "delay_min": delay, "buffer_min": buffer, "triggered": triggered,
               "paid_fen": paid, "shortfall_fen": (payout_fen - paid) if triggered else 0, "real_loss": real_loss,
               "outcome": outcome}
        rows.append(row)
        if not triggered:
            key = "insurance.param.step_no_pay"
        elif paid == payout_fen:
            key = "insurance.param.step_pay"
        else:
            key = "insurance.param.step_short"
        trace.add(key, state=snap(row, outcome), flight=int(r.flight), delay=delay, threshold=threshold_min,
                  payout=paid, due=payout_fen, pool=ledger.balance(POOL), buffer=buffer)
    left = ledger.balance(POOL)
    if left > 0:
        ledger.transfer(POOL, INSURER, left, "pool returned")
    trace.add("insurance.param.step_close", state=snap(), returned=left, result=left - capital_fen)
    return ParametricRun(trace, ledger, pd.DataFrame(rows), capital_fen, premium_fen, payout_fen, int(threshold_min))


# ================================================================= 4. mutual aid (相互宝-style)
def mutual_aid_share_fen(benefits_fen: int, members: int, fee_rate: float = 0.08) -> int:
    """Per-member share of one period, in fen, rounded half up:

    share = (approved benefits + management fee) / members, fee = fee_rate × benefits
    (相互宝 rule: 8 % management fee, shared by all members in the plan; facts.md §4).
    """
    require(isinstance(members, (int, np.integer)) and not isinstance(members, bool) and members > 0,
            "insurance_members", "a plan needs at least one member", value=members)
    require(isinstance(benefits_fen, (int, np.integer)) and benefits_fen >= 0, "insurance_benefits",
            "benefits are zero or a positive whole number of fen", value=benefits_fen)
    require(_finite(fee_rate) and 0 <= fee_rate <= 0.5, "insurance_fee", "fee rate must be 0 to 50 %",
            value=fee_rate)
    fee_bp = round(fee_rate * 10_000)                 # integer basis points: exact integer arithmetic
    total = benefits_fen * (10_000 + fee_bp)          # in fen × 10,000
    return int((2 * total + members * 10_000) // (2 * members * 10_000))


@dataclass(frozen=True)
class MutualAidParams:
    """Scenario of a cost-sharing plan; incidences per 100,000 members per period (half a month)."""

    members0: int = 1_000_000
    periods: int = 48
    growth: float = 0.08               # new members per period as a share of members, at the start
    growth_decay: float = 0.93         # each period the growth rate is multiplied by this
    base_exit: float = 0.005           # members who leave each period anyway
    exit_sensitivity: float = 0.03     # extra leavers per period for each +100 % of the share above period 1
    incidence: float = 1.75            # cases per 100,000 members per period at the start
    incidence_drift: float = 0.02      # the pool ages and the healthy leave: incidence grows 2 % per period
    benefit_yuan: int = 200_000
    fee_rate: float = 0.08
    loading: float = 0.25              # a fixed-premium insurer's loading over the expected cost
    seed: int = 11


def _check_mutual(p: MutualAidParams) -> None:
    _check_count(p.members0, 1, 100_000_000, "insurance_members", "members")
    _check_count(p.periods, 1, 240, "insurance_periods", "periods")
    for x, lo, hi, name in ((p.growth, 0, 1, "growth"), (p.growth_decay, 0, 1, "growth_decay"),
                            (p.base_exit, 0, 0.5, "base_exit"), (p.exit_sensitivity, 0, 1, "exit_sensitivity"),
                            (p.incidence_drift, -0.5, 0.5, "incidence_drift")):
        require(_finite(x) and lo <= x <= hi, "insurance_mutual_param", f"{name} must be {lo} to {hi}",
                name=name, value=x, lo=lo, hi=hi)
    _check_positive(p.incidence, "insurance_incidence", "incidence")
    _check_positive(p.benefit_yuan, "insurance_benefit", "benefit")
    require(_finite(p.fee_rate) and 0 <= p.fee_rate <= 0.5, "insurance_fee", "fee rate must be 0 to 50 %",
            value=p.fee_rate)
    _check_loading(p.loading)


def fixed_premium_fen(incidence: float, benefit_yuan: int, loading: float) -> int:
    """A fixed per-period premium for the same cover: (1 + loading) · incidence/100,000 · benefit, in fen
    (expected value principle on the expected claims of one member)."""
    _check_loading(loading)
    _check_positive(incidence, "insurance_incidence", "incidence")
    _check_count(benefit_yuan, 0, 10 ** 9, "insurance_benefit", "benefit")
    return int(round((1 + loading) * incidence / 1e5 * benefit_yuan * 100))


PERIODS_PER_YEAR = 24      # 相互宝 shared costs twice a month (14th and 28th)


def simulate_mutual_aid(p: MutualAidParams) -> pd.DataFrame:
    """Period by period: members join and leave, cases arrive (Poisson), the cost is shared ex post.

    joined_t = members · growth · decay^t; left_t = members · (base_exit + sensitivity · max(0, share_{t−1}/share_1 − 1));
    cases_t ~ Poisson(members · incidence · (1 + drift)^t / 100,000); share_t = mutual_aid_share_fen(cases · benefit).
    A teaching model of 相互宝-style plans.  For comparison, an insurer's fixed premium for the same cover,
    set once a year (every 24 periods) on the expected incidence of the year ahead, plus its loading.
    """
    _check_mutual(p)
    rng = np.random.default_rng(p.seed)
    members = int(p.members0)
    benefit_fen = int(p.benefit_yuan) * 100
    rows = []
    fixed = 0
    first_share = None
    last_share = None
    for t in range(1, p.periods + 1):
        joined = int(round(members * p.growth * p.growth_decay ** (t - 1)))
        pressure = 0.0 if not first_share else max(0.0, last_share / first_share - 1.0)
        exit_rate = min(0.5, p.base_exit + p.exit_sensitivity * pressure)
        left = int(round(members * exit_rate)) if t > 1 else 0
        members = max(1, members + joined - left)
        if (t - 1) % PERIODS_PER_YEAR == 0:     # the insurer re-prices once a year, on the year ahead
            ahead = np.arange(t - 1, t - 1 + PERIODS_PER_YEAR)
            fixed = fixed_premium_fen(float(np.mean(p.incidence * (1 + p.incidence_drift) ** ahead)),
                                      p.benefit_yuan, p.loading)
        rate = p.incidence * (1 + p.incidence_drift) ** (t - 1) / 1e5
        cases = int(rng.poisson(members * rate))
        benefits = cases * benefit_fen
        share = mutual_aid_share_fen(benefits, members, p.fee_rate)
        fee = benefits * round(p.fee_rate * 10_000) // 10_000
        if first_share is None and share > 0:
            first_share = share
        last_share = share
        rows.append({"period": t, "members": members, "joined": joined, "left": left, "cases": cases,
                     "benefits_fen": benefits, "fee_fen": fee, "share_fen": share, "fixed_premium_fen": fixed})
    return pd.DataFrame(rows)


def mutual_aid_summary(df: pd.DataFrame) -> dict:
    """Totals a page quotes: shares paid by a member who stayed throughout vs the fixed premium."""
    return {
        "periods": len(df),
        "members_peak": int(df["members"].max()),
        "peak_period": int(df.loc[df["members"].idxmax(), "period"]),
        "members_end": int(df["members"].iloc[-1]),
        "cases": int(df["cases"].sum()),
        "benefits_fen": int(df["benefits_fen"].sum()),
        "fees_fen": int(df["fee_fen"].sum()),
        "member_paid_fen": int(df["share_fen"].sum()),
        "fixed_paid_fen": int(df["fixed_premium_fen"].sum()),
        "share_first_fen": int(df["share_fen"].iloc[0]),
        "share_last_fen": int(df["share_fen"].iloc[-1]),
        "share_max_fen": int(df["share_fen"].max()),
        "periods_above_fixed": int((df["share_fen"] > df["fixed_premium_fen"]).sum()),
    }


# ================================================================= 5. usage-based pricing (telematics)
UBI_WEIGHTS = {"hard_brakes": 0.04, "night_share": 0.6, "speeding_share": 1.2, "km": 0.00002}


def telematics_factor(hard_brakes_per_100km: float, night_share: float, speeding_share: float,
                      km_per_year: float, floor: float = 0.6, cap: float = 1.5) -> float:
    """Premium multiplier from driving data, bounded to [floor, cap].

    factor = exp(0.04·brakes + 0.6·night + 1.2·speeding + 0.00002·(km − 12,000)) / exp(0.04·2 + 0.6·0.05 + 1.2·0.05),
    i.e. 1.0 for a reference driver (2 hard brakes/100 km, 5 % at night, 5 % speeding, 12,000 km).  The
    multiplicative (log-linear) form is the one of GLM tariffs; the weights are this lab's assumptions,
    inspired by the signals Progressive Snapshot reads (hard brakes, late-night driving, mileage).
    """
    for x, name, hi in ((hard_brakes_per_100km, "hard_brakes", 100), (night_share, "night_share", 1),
                        (speeding_share, "speeding_share", 1), (km_per_year, "km", 200_000)):
        require(_finite(x) and 0 <= x <= hi, "insurance_ubi_input", f"{name} must be 0 to {hi}", name=name, hi=hi,
                value=x)
    w = UBI_WEIGHTS
    score = (w["hard_brakes"] * hard_brakes_per_100km + w["night_share"] * night_share
             + w["speeding_share"] * speeding_share + w["km"] * (km_per_year - 12_000))
    ref = w["hard_brakes"] * 2 + w["night_share"] * 0.05 + w["speeding_share"] * 0.05
    return float(min(cap, max(floor, math.exp(score - ref))))


def true_risk(hard_brakes_per_100km, night_share, speeding_share, km_per_year):
    """This lab's "true" claim-cost multiplier: the tariff's log-linear form with half the weight on night
    driving (night driving is only partly risky in itself: much of it is shift workers' commute)."""
    w = UBI_WEIGHTS
    ref = w["hard_brakes"] * 2 + w["night_share"] * 0.05 + w["speeding_share"] * 0.05
    return np.exp(w["hard_brakes"] * np.asarray(hard_brakes_per_100km) + 0.5 * w["night_share"] * np.asarray(night_share)
                  + w["speeding_share"] * np.asarray(speeding_share) + w["km"] * (np.asarray(km_per_year) - 12_000)
                  - ref)


def ubi_population(n: int, seed: int) -> pd.DataFrame:
    """A seeded population of drivers: driving habits, a job type (night-shift workers drive at night),
    their true expected claim cost and the telematics factor.  Teaching model, not market data.

    True claim frequency follows the same log-linear form but with only half the weight on night
    driving — so the tariff over-charges people who must drive at night (a fairness question).
    """
    _check_count(n, 10, 100_000, "insurance_drivers", "number of drivers")
    rng = np.random.default_rng(seed)
    night_worker = rng.random(n) < 0.15
    brakes = rng.gamma(2.0, 1.0, size=n)
    night = np.clip(np.where(night_worker, rng.beta(6, 6, size=n), rng.beta(1, 18, size=n)), 0, 1)
    speeding = np.clip(rng.beta(1.2, 20, size=n), 0, 1)
    km = np.clip(rng.normal(12_000, 4_000, size=n), 1_000, 60_000)
    true = true_risk(brakes, night, speeding, km)
    factor = np.array([telematics_factor(b, ni, s, k) for b, ni, s, k in zip(brakes, night, speeding, km)])
    return pd.DataFrame({"driver": np.arange(1, n + 1), "night_worker": night_worker, "hard_brakes": brakes.round(2),
                         "night_share": night.round(3), "speeding_share": speeding.round(3), "km": km.round(0),
                         "true_risk": np.round(true, 3), "factor": factor.round(3)})


def ubi_premiums(pop: pd.DataFrame, base_premium_yuan: float, expected_cost_yuan: float) -> pd.DataFrame:
    """Each driver's flat premium and telematics premium, and the true expected claim cost.

    flat = base premium for all; telematics = base · factor · k where k keeps total income equal to the flat
    book (revenue-neutral re-rating); true cost = expected_cost · true_risk.
    """
    _check_positive(base_premium_yuan, "insurance_premium", "base premium")
    _check_positive(expected_cost_yuan, "insurance_cost", "expected cost")
    out = pop.copy()
    k = len(out) / out["factor"].sum()
    out["flat"] = float(base_premium_yuan)
    out["telematics"] = base_premium_yuan * out["factor"] * k
    out["true_cost"] = expected_cost_yuan * out["true_risk"]
    return out


def ubi_quote(book: pd.DataFrame, hard_brakes_per_100km: float, night_share: float, speeding_share: float,
              km_per_year: float, base_premium_yuan: float, expected_cost_yuan: float) -> dict:
    """One driver's telematics factor, premium (same revenue-neutral scale k as the book) and true cost."""
    factor = telematics_factor(hard_brakes_per_100km, night_share, speeding_share, km_per_year)
    k = len(book) / book["factor"].sum()
    risk = float(true_risk(hard_brakes_per_100km, night_share, speeding_share, km_per_year))
    return {"factor": factor, "k": float(k), "premium": base_premium_yuan * factor * k,
            "true_cost": expected_cost_yuan * risk}


def ubi_summary(df: pd.DataFrame) -> dict:
    """Who pays more than their true cost under each tariff, by group (night workers vs others)."""
    out = {}
    for group, part in (("night", df[df["night_worker"]]), ("day", df[~df["night_worker"]])):
        out[group] = {
            "n": int(len(part)),
            "flat": float(part["flat"].mean()) if len(part) else float("nan"),
            "telematics": float(part["telematics"].mean()) if len(part) else float("nan"),
            "true_cost": float(part["true_cost"].mean()) if len(part) else float("nan"),
        }
    return out
