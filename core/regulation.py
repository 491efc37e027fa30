"""Regulation of internet finance: three jurisdictions compared, a regulatory-sandbox cohort, data-protection
fines and the crypto rules of China and the EU.

Facts come from ``data/regulation_*.csv`` (each row with its source); this module filters, counts and
simulates.  The sandbox cohort is a seeded simulation *inspired by* the UK FCA's published cohort figures
(cohort 1: 69 applications, 24 accepted, 18 tested); its outcomes are simulated, not observed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import require
from core.trace import Trace

DATA = Path(__file__).resolve().parent.parent / "data"
JURISDICTIONS = ("cn", "us", "eu")
AREAS = ("general", "payments", "lending", "insurance", "aml", "privacy", "crypto", "sandbox", "securities")
AIMS = ("stability", "consumer", "market", "privacy", "aml", "innovation")


@lru_cache(maxsize=None)
def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"regulation_{name}.csv", dtype=str, keep_default_na=False)


def load_table(name: str) -> pd.DataFrame:
    """One sourced table ``data/regulation_<name>.csv`` (a copy, as strings)."""
    require(name in ("milestones", "approaches", "sandbox_cohorts", "privacy", "crypto_rules", "aml_rules",
                     "red_flags"), "regulation_table", f"unknown table {name!r}", name=name)
    return _csv(name).copy()


# ====================================================================== 1. three jurisdictions
def _when(text: str) -> pd.Timestamp:
    """'2019-12' → 2019-12-01; '2018-03-01' → itself (dates in the tables are year-month or full)."""
    return pd.Timestamp(text if len(text) > 7 else f"{text}-01")


def load_milestones() -> pd.DataFrame:
    """Regulatory milestones of China, the US and the EU, sorted by date, with a ``when`` timestamp and ``year``."""
    df = load_table("milestones")
    df["when"] = df["date"].map(_when)
    df["year"] = df["when"].dt.year
    return df.sort_values(["when", "jurisdiction"], kind="stable").reset_index(drop=True)


def filter_milestones(df: pd.DataFrame, jurisdictions, areas, start: int, end: int) -> pd.DataFrame:
    """Rows whose jurisdiction and area are chosen and whose year lies in [start, end]."""
    jurisdictions, areas = list(jurisdictions), list(areas)
    require(all(j in JURISDICTIONS for j in jurisdictions), "regulation_jurisdiction",
            f"jurisdictions must be among {JURISDICTIONS}", allowed=", ".join(JURISDICTIONS))
    require(all(a in AREAS for a in areas), "regulation_area", f"areas must be among {AREAS}",
            allowed=", ".join(AREAS))
    require(start <= end, "regulation_years", "the first year must not be after the last", start=start, end=end)
    keep = df["jurisdiction"].isin(jurisdictions) & df["area"].isin(areas) & df["year"].between(start, end)
    return df[keep].reset_index(drop=True)


def milestones_trace(df: pd.DataFrame) -> Trace:
    """Replay the milestones in date order; each step's state counts milestones per jurisdiction so far."""
    trace = Trace()
    counts = {j: 0 for j in JURISDICTIONS}
    for row in df.itertuples():
        counts[row.jurisdiction] += 1
        trace.add("regulation.compare.step", {"counts": dict(counts), "row": row._asdict()}, date=row.date,
                  title_zh=row.title_zh, title_en=row.title_en)
    return trace


def comparison_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """One row per jurisdiction, built from the milestones: how many rules, first and latest dates, the key laws
    (rows marked key = yes, "date · title" in ``title_col``), the areas covered and the aim met most often."""
    rows = []
    for j in JURISDICTIONS:
        part = df[df["jurisdiction"] == j]
        if part.empty:
            continue
        aims = part["aim"].value_counts()
        top = aims[aims == aims.max()].index.tolist()
        rows.append({"jurisdiction": j, "n": len(part), "first": part["date"].iloc[0], "latest": part["date"].iloc[-1],
                     "key_rows": part.index[part["key"] == "yes"].tolist(),
                     "areas": sorted(set(part["area"]), key=AREAS.index),
                     "aims": {a: int(aims.get(a, 0)) for a in AIMS}, "top_aims": sorted(top, key=AIMS.index)})
    return pd.DataFrame(rows)


def area_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Milestones per (jurisdiction, area): the heat map of who regulates what."""
    table = df.groupby(["jurisdiction", "area"]).size().unstack(fill_value=0)
    return table.reindex(index=[j for j in JURISDICTIONS if j in table.index],
                         columns=[a for a in AREAS if a in table.columns], fill_value=0)


# ====================================================================== 3. regulatory sandbox
def real_cohorts() -> pd.DataFrame:
    """The FCA sandbox cohorts as published (applications, accepted, tested; blank where not published)."""
    df = load_table("sandbox_cohorts")
    for col in ("cohort", "applications", "accepted", "tested"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    df["accept_rate"] = df["accepted"] / df["applications"]
    df["test_rate"] = df["tested"] / df["accepted"]
    return df


@dataclass(frozen=True)
class SandboxParams:
    """What the student sets: the cohort's funnel, the sandbox limits and how products behave."""

    applications: int = 69
    accept_rate: float = 0.35
    test_rate: float = 0.75
    cap: int = 1000                 # customers per firm during the test
    months: int = 6                 # test duration
    flaw_rate: float = 0.2          # share of tested products with a hidden flaw
    months_to_show: float = 4.0     # mean months until a flaw shows up (exponential)
    launch_per_month: int = 5000    # customers a full launch would reach per month (median firm)
    seed: int = 2016

    def check(self) -> None:
        """Bounds of every parameter (each with its own locale message)."""
        require(isinstance(self.applications, (int, np.integer)) and 5 <= self.applications <= 300,
                "regulation_sandbox_applications", "applications must be 5 to 300", lo=5, hi=300)
        require(0.05 <= self.accept_rate <= 1.0, "regulation_sandbox_rate", "rates must be 5 % to 100 %")
        require(0.05 <= self.test_rate <= 1.0, "regulation_sandbox_rate", "rates must be 5 % to 100 %")
        require(100 <= self.cap <= 20_000, "regulation_sandbox_cap", "customer cap must be 100 to 20,000",
                lo=100, hi=20_000)
        require(1 <= self.months <= 24, "regulation_sandbox_months", "test duration must be 1 to 24 months",
                lo=1, hi=24)
        require(0.0 <= self.flaw_rate <= 0.8, "regulation_sandbox_flaw", "flaw rate must be 0 to 80 %")
        require(0.5 <= self.months_to_show <= 36, "regulation_sandbox_show",
                "mean months until a flaw shows must be 0.5 to 36", lo=0.5, hi=36)
        require(100 <= self.launch_per_month <= 200_000, "regulation_sandbox_launch",
                "customers per month must be 100 to 200,000", lo=100, hi=200_000)
        require(isinstance(self.seed, (int, np.integer)) and 0 <= self.seed <= 9999, "regulation_seed",
                "seed must be an integer from 0 to 9999", lo=0, hi=9999)


HORIZON_MONTHS = 36


def _customers(rate: np.ndarray, t: np.ndarray | float, cap: float = np.inf) -> np.ndarray:
    """Customers reached by time t when a firm signs up ``rate`` a month, never more than ``cap``."""
    return np.minimum(cap, rate * np.maximum(t, 0.0))


def simulate_sandbox(p: SandboxParams) -> pd.DataFrame:
    """One seeded cohort, firm by firm.

    Funnel: accepted ~ Binomial(applications, accept_rate), tested ~ Binomial(accepted, test_rate).
    Each tested firm signs up customers at rate r ~ launch_per_month · LogNormal(0, 0.6) a month; with
    probability flaw_rate its product has a flaw that shows after τ ~ Exponential(months_to_show) months.
    Sandbox path: at most ``cap`` customers for ``months`` months; a flaw seen during the test is fixed
    before launch (exposed = customers by τ, ≤ cap); a flaw not yet seen launches, and customers keep
    arriving uncapped until τ.  Full-launch path: no cap from day one, exposed = r·τ.  Exposure counts
    customers who used a flawed product before its flaw showed (both capped at the 36-month horizon).
    """
    p.check()
    rng = np.random.default_rng(p.seed)
    accepted = int(rng.binomial(p.applications, p.accept_rate))
    tested = int(rng.binomial(accepted, p.test_rate))
    # rounded as stored, so that the trace (which reads the frame) replays exactly these numbers
    rate = np.round(p.launch_per_month * np.exp(rng.normal(0.0, 0.6, tested)), 1)
    flawed = rng.random(tested) < p.flaw_rate
    tau = np.round(np.minimum(rng.exponential(p.months_to_show, tested), HORIZON_MONTHS), 2)
    found = flawed & (tau <= p.months)
    in_test = _customers(rate, np.minimum(tau, p.months), p.cap)
    after = _customers(rate, tau - p.months)                       # uncapped sign-ups after launch
    sandbox_exposed = np.where(flawed, np.where(found, in_test, in_test + after), 0.0)
    full_exposed = np.where(flawed, _customers(rate, tau), 0.0)
    outcome = np.where(~flawed, "sound", np.where(found, "fixed", "missed"))
    firms = pd.DataFrame({"firm": np.arange(1, tested + 1), "rate": rate, "flawed": flawed,
                          "months_to_flaw": np.where(flawed, tau, np.nan), "outcome": outcome,
                          "sandbox_exposed": np.round(sandbox_exposed).astype(int),
                          "full_exposed": np.round(full_exposed).astype(int)})
    firms.attrs.update(applications=p.applications, accepted=accepted, tested=tested)
    return firms


def sandbox_summary(firms: pd.DataFrame) -> dict:
    """Funnel counts, outcomes and total consumer exposure under both paths."""
    n = len(firms)
    counts = firms["outcome"].value_counts()
    launched = int(counts.get("sound", 0) + counts.get("missed", 0))
    sandbox, full = int(firms["sandbox_exposed"].sum()), int(firms["full_exposed"].sum())
    return {"applications": firms.attrs["applications"], "accepted": firms.attrs["accepted"], "tested": n,
            "sound": int(counts.get("sound", 0)), "fixed": int(counts.get("fixed", 0)),
            "missed": int(counts.get("missed", 0)), "launched": launched,
            "launch_share": launched / n if n else 0.0, "sandbox_exposed": sandbox, "full_exposed": full,
            "avoided": full - sandbox, "avoided_share": (full - sandbox) / full if full else 0.0}


def sandbox_trace(firms: pd.DataFrame, p: SandboxParams, every: int = 3) -> Trace:
    """Month by month (every ``every`` months to 36): customers exposed so far under both paths and the
    firms whose flaw has shown.  State: a small frame per firm with exposure so far on each path."""
    p.check()
    require(isinstance(every, int) and 1 <= every <= HORIZON_MONTHS, "regulation_sandbox_months",
            "a step of 1 to 36 months", lo=1, hi=HORIZON_MONTHS)
    trace = Trace(meta={"months": p.months, "cap": p.cap})
    rate = firms["rate"].to_numpy()
    tau = firms["months_to_flaw"].fillna(np.inf).to_numpy()
    flawed = firms["flawed"].to_numpy()
    for month in range(every, HORIZON_MONTHS + 1, every):
        seen = np.minimum(month, tau)
        test_part = _customers(rate, np.minimum(seen, p.months), p.cap)
        launched_part = np.where(tau <= p.months, 0.0, _customers(rate, seen - p.months))
        sandbox_now = np.where(flawed, test_part + launched_part, 0.0)
        full_now = np.where(flawed, _customers(rate, seen), 0.0)
        state = pd.DataFrame({"firm": firms["firm"], "sandbox": sandbox_now.round(), "full": full_now.round(),
                              "flawed": flawed, "shown": tau <= month})
        phase = "test" if month <= p.months else "market"
        trace.add(f"regulation.sandbox.step_{phase}", state, month=month, sandbox=int(sandbox_now.sum()),
                  full=int(full_now.sum()), shown=int((tau <= month).sum()), flawed=int(flawed.sum()))
    return trace


# ====================================================================== 4. data-protection fines
@lru_cache(maxsize=1)
def _fine_rules() -> pd.DataFrame:
    df = load_table("privacy")
    df["fixed"] = df["fixed"].astype(int)
    df["share_bp"] = (df["share"].astype(float) * 10_000).round().astype(int)
    return df.set_index("id")


@lru_cache(maxsize=1)
def _fine_dict() -> dict:
    return {i: {"law": r["law"], "fixed": int(r["fixed"]), "share_bp": int(r["share_bp"])}
            for i, r in _fine_rules().iterrows()}


def fine_rules() -> pd.DataFrame:
    """The sourced fine ceilings (GDPR Art. 83(4), 83(5); PIPL Art. 66(2)), shares in basis points."""
    return _fine_rules().copy()


def gdpr_max_fine(turnover_eur: int, tier: str = "gdpr_83_5") -> int:
    """GDPR ceiling in whole euros: max(fixed, share × worldwide annual turnover of the preceding year).

    Art. 83(5): max(€20,000,000, 4 % × turnover); Art. 83(4): max(€10,000,000, 2 % × turnover)
    ("whichever is higher").  Integer arithmetic: share in basis points, rounded down to the euro.
    """
    rules = _fine_dict()
    require(tier in rules and rules[tier]["law"] == "gdpr", "regulation_fine_tier",
            f"unknown GDPR tier {tier!r}", tier=tier)
    require(isinstance(turnover_eur, (int, np.integer)) and 0 <= turnover_eur <= 10 ** 13, "regulation_turnover",
            "turnover must be a whole amount from 0 to 10^13", hi=10 ** 13)
    rule = rules[tier]
    return max(rule["fixed"], int(turnover_eur) * rule["share_bp"] // 10_000)


def gdpr_kink(tier: str = "gdpr_83_5") -> int:
    """The turnover at which the percentage ceiling overtakes the fixed one: fixed / share (€500 m for both tiers)."""
    rules = _fine_dict()
    require(tier in rules and rules[tier]["law"] == "gdpr", "regulation_fine_tier",
            f"unknown GDPR tier {tier!r}", tier=tier)
    return rules[tier]["fixed"] * 10_000 // rules[tier]["share_bp"]


def pipl_ceilings(turnover_cny: int) -> tuple[int, int]:
    """PIPL Art. 66(2) for serious cases: "五千万元以下或者上一年度营业额百分之五以下" — two ceilings,
    RMB 50,000,000 and 5 % × previous-year turnover.  The text says "or" and does not say which applies,
    so both are returned (whole yuan, rounded down)."""
    require(isinstance(turnover_cny, (int, np.integer)) and 0 <= turnover_cny <= 10 ** 14, "regulation_turnover",
            "turnover must be a whole amount from 0 to 10^14", hi=10 ** 14)
    rule = _fine_dict()["pipl_66_2"]
    return rule["fixed"], int(turnover_cny) * rule["share_bp"] // 10_000


def gdpr_curve(tier: str, top_eur: int, points: int = 41) -> pd.DataFrame:
    """The ceiling as a function of turnover from 0 to ``top_eur``, for the chart."""
    require(2 <= points <= 1000, "regulation_points", "points must be 2 to 1000")
    require(isinstance(top_eur, int) and 0 <= top_eur <= 10 ** 15, "out_of_range", "turnover is 0 … 10^15 euros",
            lo=0, hi=10 ** 15)
    xs = np.linspace(0, top_eur, points).astype(np.int64)
    return pd.DataFrame({"turnover": xs, "ceiling": [gdpr_max_fine(int(x), tier) for x in xs]})


# ====================================================================== 5. crypto rules
ACTIVITIES = ("hold_trade", "exchange", "token_issuance", "derivatives", "stablecoin", "offshore_service")
VERDICTS = ("none", "commodity", "licence", "banned")


@lru_cache(maxsize=1)
def _crypto_rules() -> pd.DataFrame:
    df = load_table("crypto_rules")
    df["from"] = pd.to_datetime(df["from_date"]).dt.date
    return df


@lru_cache(maxsize=1)
def _crypto_rows() -> tuple:
    return tuple(_crypto_rules().to_dict("records"))


def crypto_rules() -> pd.DataFrame:
    """The sourced crypto rules of China and the EU, one row per (rule, activity), with ``from`` as a date."""
    return _crypto_rules().copy()


def crypto_verdict(jurisdiction: str, activity: str, on: date) -> dict:
    """What the table says about ``activity`` in ``jurisdiction`` on date ``on``: the latest rule in force.

    Verdicts: "banned" (illegal), "licence" (allowed only under the regime's rules / authorisation),
    "commodity" (recognised as a virtual commodity, not money), "none" (no rule in this table yet).
    """
    require(jurisdiction in ("cn", "eu"), "regulation_crypto_jurisdiction", "jurisdiction must be cn or eu")
    require(activity in ACTIVITIES, "regulation_crypto_activity", f"activity must be one of {ACTIVITIES}",
            activity=activity)
    live = [r for r in _crypto_rows() if r["jurisdiction"] == jurisdiction and r["activity"] == activity
            and r["from"] <= on]
    if not live:
        return {"verdict": "none", "rule_id": "", "from_date": "", "source": ""}
    row = max(live, key=lambda r: r["from"])
    return {"verdict": row["verdict"], "rule_id": row["rule_id"], "from_date": row["from_date"],
            "source": row["source"]}


def crypto_checklist(activities, on: date) -> pd.DataFrame:
    """The verdict for each activity in China and the EU on one date (the answer key for the checklist)."""
    activities = list(activities)
    require(len(activities) >= 1, "regulation_crypto_empty", "choose at least one activity")
    rows = []
    for activity in activities:
        for j in ("cn", "eu"):
            rows.append({"activity": activity, "jurisdiction": j, **crypto_verdict(j, activity, on)})
    return pd.DataFrame(rows)


def grade_checklist(answers: dict, key: pd.DataFrame) -> dict:
    """Compare the student's verdicts {(activity, jurisdiction): verdict} with the key: right, answered, total."""
    right = answered = 0
    for row in key.itertuples():
        given = answers.get((row.activity, row.jurisdiction))
        if given is None:
            continue
        answered += 1
        right += int(given == row.verdict)
    return {"right": right, "answered": answered, "total": len(key)}


#: the dates on which a rule in the crypto table took effect, plus a day before the first
CRYPTO_DATES = ("2013-01-01", "2013-12-05", "2017-09-04", "2021-09-24", "2024-06-30", "2024-12-30", "2025-11-28", "2026-07-01")
#: example businesses for the checklist and the activities each one runs
BUSINESSES = {
    "offshore_exchange": ("exchange", "derivatives", "offshore_service"),
    "ico_game": ("token_issuance",),
    "stablecoin_issuer": ("stablecoin", "exchange"),
    "investor": ("hold_trade",),
}


def crypto_timeline(activities, dates=CRYPTO_DATES) -> pd.DataFrame:
    """Verdicts of each (activity, jurisdiction) at each date: a long table for the heat map."""
    rows = []
    for d in dates:
        on = date.fromisoformat(d)
        for activity in activities:
            for j in ("cn", "eu"):
                rows.append({"date": d, "activity": activity, "jurisdiction": j,
                             "verdict": crypto_verdict(j, activity, on)["verdict"]})
    return pd.DataFrame(rows)
