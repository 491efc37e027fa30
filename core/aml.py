"""Anti-money-laundering reporting rules as code: large-value reports and structuring.

China: PBOC Order [2016] No. 3 (《金融机构大额交易和可疑交易报告管理办法》, published 2016-12-30,
effective 2017-07-01) asks for a large-value report when one customer's transactions of one kind
reach a threshold, *single or same-day cumulative*, each direction (in / out) summed on its own:
cash ≥ RMB 50,000; natural-person domestic transfers ≥ RMB 500,000; natural-person cross-border
transfers ≥ RMB 200,000; non-natural-person transfers ≥ RMB 2,000,000.
United States: a Currency Transaction Report (CTR) for cash of more than $10,000 in one business
day, several transactions aggregated (31 CFR 1010.311/313).  Splitting cash to stay under the line
("structuring") is itself illegal (31 U.S.C. §5324).

The thresholds live in ``data/regulation_aml_rules.csv`` with their sources; this module is the
engine that applies them.  Amounts are integer minor units (fen or cents).  The day of
transactions is synthetic and seeded: no real customer is involved.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import require
from core.trace import Trace

DATA = Path(__file__).resolve().parent.parent / "data"
REGIMES = ("cn", "us")
OPEN_MINUTE, CLOSE_MINUTE = 9 * 60, 17 * 60          # the synthetic business day, 09:00–17:00
JUST_BELOW = 0.90                                      # "just below" = 90 %–100 % of the line (FFIEC App. F)
SAR_FLOOR_US = 5_000 * 100                             # 31 CFR 1020.320: banks file a SAR from $5,000 (cents)
DAY_COLUMNS = ("tx_id", "minute", "customer", "customer_type", "channel", "direction", "cross_border",
               "amount")


@dataclass(frozen=True)
class ReportingRule:
    """One large-value rule: which transactions it sums and the line they must reach (minor units)."""

    rule_id: str
    regime: str
    channel: str           # "cash" | "transfer"
    customer_type: str     # "any" | "person" | "entity"
    scope: str             # "any" | "domestic" | "cross_border"
    threshold: int         # minor units (fen / cents)
    comparison: str        # "ge" (≥, China) | "gt" (>, US CTR)
    currency: str

    def matches(self, customer_type: str, channel: str, cross_border: bool) -> bool:
        """True if a transaction of this kind counts towards the rule."""
        if channel != self.channel:
            return False
        if self.customer_type != "any" and customer_type != self.customer_type:
            return False
        if self.scope == "domestic":
            return not cross_border
        if self.scope == "cross_border":
            return bool(cross_border)
        return True

    def reached(self, amount: int) -> bool:
        """≥ threshold (PBOC: "以上（含）") or > threshold (CTR: "more than $10,000")."""
        return amount >= self.threshold if self.comparison == "ge" else amount > self.threshold


@lru_cache(maxsize=1)
def load_rule_table() -> pd.DataFrame:
    """The sourced rule table ``data/regulation_aml_rules.csv`` (thresholds in whole currency units)."""
    return pd.read_csv(DATA / "regulation_aml_rules.csv")


def rules_for(regime: str) -> tuple[ReportingRule, ...]:
    """The reporting rules of one regime ("cn" PBOC Order [2016] No. 3, "us" FinCEN CTR)."""
    require(regime in REGIMES, "regulation_regime", f"regime must be one of {REGIMES}", regime=regime)
    table = load_rule_table()
    rows = table[table["regime"] == regime]
    return tuple(ReportingRule(r.rule_id, r.regime, r.channel, r.customer_type, r.scope, int(r.threshold_units) * 100,
                               r.comparison, r.currency) for r in rows.itertuples())


def cash_line(regime: str) -> int:
    """The cash reporting line of a regime in minor units (RMB 50,000 or $10,000)."""
    return next(r.threshold for r in rules_for(regime) if r.channel == "cash")


# ------------------------------------------------------------------ a synthetic day
def _check_day_args(n_customers: int, structurer_share: float, seed: int, regime: str) -> None:
    require(regime in REGIMES, "regulation_regime", f"regime must be one of {REGIMES}", regime=regime)
    require(isinstance(n_customers, (int, np.integer)) and 5 <= n_customers <= 500, "regulation_customers",
            "number of customers must be an integer from 5 to 500", lo=5, hi=500)
    require(0.0 <= structurer_share <= 0.5, "regulation_share", "share of structurers must be 0 to 0.5",
            lo=0.0, hi=0.5)
    require(isinstance(seed, (int, np.integer)) and 0 <= seed <= 9999, "regulation_seed",
            "seed must be an integer from 0 to 9999", lo=0, hi=9999)


def synthetic_day(n_customers: int = 60, structurer_share: float = 0.1, seed: int = 2017,
                  regime: str = "cn") -> pd.DataFrame:
    """One seeded business day of transactions (09:00–17:00) at one bank, amounts in minor units.

    With L the regime's cash line (RMB 50,000 or $10,000) every amount is drawn as a multiple of L,
    so both regimes tell the same story at their own scale:
    - ordinary customers (85 % persons, 15 % entities): 1–4 payments, cash 1–40 % of L, transfers
      5–300 % of L (entities 20–3,000 %), 8 % of them cross-border;
    - large but honest customers (10 % of the rest): one payment of 1–3 L in cash or 10–20 L by transfer;
    - structurers (``structurer_share`` of customers, all persons): 3–6 cash deposits, each between
      90 % and 99.9 % of L (rounded to 100 units), spread over the day — no single one reaches the line
      (FFIEC App. F, FATF 2020 category 1); half of them then wire 80–95 % of the cash abroad.
    Returns columns tx_id, minute, customer, customer_type, channel, direction, cross_border, amount,
    profile ("ordinary", "large", "structurer").
    """
    _check_day_args(n_customers, structurer_share, seed, regime)
    rng = np.random.default_rng(seed)
    line = cash_line(regime) // 100                  # whole currency units
    n_struct = int(round(n_customers * structurer_share))
    profiles = ["structurer"] * n_struct
    rest = n_customers - n_struct
    large = rng.random(rest) < 0.10
    profiles += ["large" if b else "ordinary" for b in large]
    order = rng.permutation(n_customers)
    profiles = [profiles[i] for i in order]
    rows = []

    def add(cust, ctype, channel, direction, cross, units, profile):
        rows.append((int(rng.integers(OPEN_MINUTE, CLOSE_MINUTE)), cust, ctype, channel, direction, bool(cross),
                     int(max(1, round(units))) * 100, profile))

    for cust, profile in enumerate(profiles):
        ctype = "person" if profile == "structurer" or rng.random() < 0.85 else "entity"
        if profile == "structurer":
            k = int(rng.integers(3, 7))
            pieces = np.floor(line * rng.uniform(JUST_BELOW, 0.999, k) / 100) * 100
            times = np.sort(rng.integers(OPEN_MINUTE, CLOSE_MINUTE - 60, k))
            for t, units in zip(times, pieces):
                rows.append((int(t), cust, ctype, "cash", "in", False, int(units) * 100, profile))
            if rng.random() < 0.5:
                wire = pieces.sum() * rng.uniform(0.80, 0.95)
                rows.append((int(min(CLOSE_MINUTE - 1, times[-1] + rng.integers(5, 60))), cust, ctype, "transfer",
                             "out", True, int(round(wire)) * 100, profile))
            continue
        if profile == "large":
            if rng.random() < 0.5:
                add(cust, ctype, "cash", rng.choice(["in", "out"]), False, line * rng.uniform(1.0, 3.0), profile)
            else:
                add(cust, ctype, "transfer", rng.choice(["in", "out"]), rng.random() < 0.2,
                    line * rng.uniform(10.0, 20.0) * (4 if ctype == "entity" else 1), profile)
        for _ in range(int(rng.integers(1, 5))):
            direction = rng.choice(["in", "out"])
            if rng.random() < 0.45:
                add(cust, ctype, "cash", direction, False, line * rng.uniform(0.01, 0.40), profile)
            else:
                hi = 30.0 if ctype == "entity" else 3.0
                lo = 0.20 if ctype == "entity" else 0.05
                add(cust, ctype, "transfer", direction, rng.random() < 0.08, line * rng.uniform(lo, hi), profile)
    day = pd.DataFrame(rows, columns=["minute", "customer", "customer_type", "channel", "direction", "cross_border",
                                      "amount", "profile"])
    day = day.sort_values(["minute", "customer"], kind="stable").reset_index(drop=True)
    day.insert(0, "tx_id", np.arange(1, len(day) + 1))
    return day


# ------------------------------------------------------------------ the rules applied
def check_day(day: pd.DataFrame) -> None:
    """A day must have the columns the rules read, integer non-negative amounts, in/out directions."""
    missing = [c for c in DAY_COLUMNS if c not in day.columns]
    require(not missing, "regulation_day_columns", f"missing columns: {missing}", columns=", ".join(missing))
    amounts = day["amount"].to_numpy()
    require(len(day) == 0 or (np.issubdtype(amounts.dtype, np.integer) and (amounts >= 0).all()),
            "regulation_day_amounts", "amounts must be non-negative integers in minor units")
    require(set(day["direction"]) <= {"in", "out"}, "regulation_day_direction", "direction must be 'in' or 'out'")


def rule_of(row, rules) -> str | None:
    """The id of the rule a transaction counts towards, or None (at most one rule matches in each regime)."""
    for rule in rules:
        if rule.matches(row.customer_type, row.channel, row.cross_border):
            return rule.rule_id
    return None


def _reached(amounts: np.ndarray, lines: np.ndarray, ge: np.ndarray) -> np.ndarray:
    """Element-wise rule test: amount ≥ line where the rule says "≥", amount > line where it says ">"."""
    return np.where(ge, amounts >= lines, amounts > lines)


def tag_rules(day: pd.DataFrame, regime: str) -> pd.DataFrame:
    """The day with ``rule`` (the reporting rule each transaction counts towards, "" if none), ``line``
    (that rule's threshold, 0 if none) and ``ge`` (True where the rule compares with ≥)."""
    check_day(day)
    tagged = day.copy()
    rule = np.full(len(day), "", dtype=object)
    line = np.zeros(len(day), dtype=np.int64)
    ge = np.ones(len(day), dtype=bool)
    ctype, channel = day["customer_type"].to_numpy(), day["channel"].to_numpy()
    cross = day["cross_border"].to_numpy(dtype=bool)
    for r in rules_for(regime):
        mask = (channel == r.channel) & (rule == "")
        if r.customer_type != "any":
            mask &= ctype == r.customer_type
        if r.scope == "domestic":
            mask &= ~cross
        elif r.scope == "cross_border":
            mask &= cross
        rule[mask], line[mask], ge[mask] = r.rule_id, r.threshold, r.comparison == "ge"
    tagged["rule"], tagged["line"], tagged["ge"] = rule, line, ge
    return tagged


def daily_reports(day: pd.DataFrame, regime: str) -> pd.DataFrame:
    """Large-value reports due under the *daily aggregation* rule.

    For each (customer, rule, direction): total = Σ amounts that day; a report is due when the total
    reaches the rule's line (PBOC Order [2016] No. 3: "单笔或者当日累计", one direction at a time;
    CTR: multiple cash transactions aggregated per business day).  Columns: customer, rule, direction,
    n_tx, total, largest, crossed_at (minute the running total first reached the line), tx_ids.
    """
    columns = ["customer", "rule", "direction", "n_tx", "total", "largest", "crossed_at", "tx_ids"]
    t = tag_rules(day, regime)
    t = t[t["rule"] != ""].sort_values(["minute", "tx_id"], kind="stable")
    # one pass in time order with a running total per (customer, rule, direction): at these sizes (hundreds
    # to a few thousand rows) a dict beats a pandas groupby by about 2x (bench/regulation.py)
    groups: dict = {}
    for cust, rule, direction, amount, minute, tx, line, ge in zip(
            t["customer"].to_numpy(), t["rule"].to_numpy(), t["direction"].to_numpy(), t["amount"].to_numpy(),
            t["minute"].to_numpy(), t["tx_id"].to_numpy(), t["line"].to_numpy(), t["ge"].to_numpy()):
        g = groups.setdefault((int(cust), rule, direction), {"n_tx": 0, "total": 0, "largest": 0,
                                                               "crossed_at": None, "tx_ids": []})
        g["n_tx"] += 1
        g["total"] += int(amount)
        g["largest"] = max(g["largest"], int(amount))
        g["tx_ids"].append(int(tx))
        if g["crossed_at"] is None and (g["total"] >= line if ge else g["total"] > line):
            g["crossed_at"] = int(minute)
    rows = [{"customer": c, "rule": r, "direction": d, **{**g, "tx_ids": tuple(sorted(g["tx_ids"]))}}
            for (c, r, d), g in sorted(groups.items()) if g["crossed_at"] is not None]
    return pd.DataFrame(rows, columns=columns)


def per_transaction_reports(day: pd.DataFrame, regime: str) -> pd.DataFrame:
    """The naive rule a structurer hopes for: report only single transactions that reach the line."""
    t = tag_rules(day, regime)
    hit = (t["rule"] != "").to_numpy() & _reached(t["amount"].to_numpy(), t["line"].to_numpy(), t["ge"].to_numpy())
    return t.loc[hit, ["tx_id", "customer", "rule", "direction", "amount", "minute"]].reset_index(drop=True)


def red_flags(day: pd.DataFrame, regime: str) -> pd.DataFrame:
    """Per customer, the red flags that call for a suspicious-transaction review (no amount threshold in China).

    just_below: ≥ 2 transactions of a reportable kind between 90 % and 100 % of its line (FFIEC App. F;
    FATF 2020 cat. 1); burst: ≥ 3 transactions each ≥ half the line of their kind in the day (FATF 2020
    cat. 1); cash_then_wire: cash in, then ≥ 80 % of it wired abroad the same day (FFIEC App. F).
    Only customers with at least one flag are returned, with the amount involved (Σ of their transactions).
    """
    columns = ["customer", "just_below", "burst", "cash_then_wire", "n_tx", "involved"]
    t = tag_rules(day, regime)
    amount, line, ge = t["amount"].to_numpy(), t["line"].to_numpy(), t["ge"].to_numpy()
    ruled = (t["rule"] != "").to_numpy()
    cash_in = (t["channel"] == "cash") & (t["direction"] == "in")
    wire_out = (t["channel"] == "transfer") & (t["direction"] == "out") & t["cross_border"].astype(bool)
    parts = pd.DataFrame({
        "customer": t["customer"],
        "below": ruled & (amount >= JUST_BELOW * line) & ~_reached(amount, line, ge),
        "big": ruled & (2 * amount >= line),
        "cash_in": np.where(cash_in, amount, 0), "wired": np.where(wire_out, amount, 0), "amount": amount})
    g = parts.groupby("customer", sort=True).agg(below=("below", "sum"), big=("big", "sum"), cash_in=("cash_in", "sum"),
                                                 wired=("wired", "sum"), n_tx=("amount", "size"),
                                                 involved=("amount", "sum")).reset_index()
    g["just_below"] = g["below"] >= 2
    g["burst"] = g["big"] >= 3
    g["cash_then_wire"] = (g["cash_in"] > 0) & (g["wired"] >= 0.8 * g["cash_in"])
    flagged = g[g["just_below"] | g["burst"] | g["cash_then_wire"]]
    return flagged[columns].astype({"customer": int, "n_tx": int, "involved": "int64"}).reset_index(drop=True)


def sar_candidates(flags: pd.DataFrame, regime: str) -> pd.DataFrame:
    """Flagged customers for whom a suspicious-activity report may be due.

    US banks: a SAR is due for suspicious activity involving or aggregating ≥ $5,000 (31 CFR 1020.320).
    China: suspicious-transaction reports have no amount threshold, so every flagged customer qualifies.
    """
    require(regime in REGIMES, "regulation_regime", f"regime must be one of {REGIMES}", regime=regime)
    if regime == "us":
        return flags[flags["involved"] >= SAR_FLOOR_US].reset_index(drop=True)
    return flags.reset_index(drop=True)


@dataclass(frozen=True)
class DayResult:
    """Everything the AML tab shows about one day."""

    day: pd.DataFrame
    daily: pd.DataFrame
    single: pd.DataFrame
    flags: pd.DataFrame
    regime: str

    @property
    def structurers(self) -> set[int]:
        return set(self.day.loc[self.day["profile"] == "structurer", "customer"]) if "profile" in self.day else set()

    def summary(self) -> dict:
        """Counts and sums that the page quotes: reports, amounts, structurers whose cash each rule catches."""
        s = self.structurers
        cash = next(r.rule_id for r in rules_for(self.regime) if r.channel == "cash")
        caught_daily = s & set(self.daily.loc[self.daily["rule"] == cash, "customer"])
        caught_single = s & set(self.single.loc[self.single["rule"] == cash, "customer"])
        flagged = set(self.flags["customer"])
        return {"n_tx": len(self.day), "n_customers": int(self.day["customer"].nunique()),
                "total": int(self.day["amount"].sum()), "daily_reports": len(self.daily),
                "daily_amount": int(self.daily["total"].sum()), "single_reports": len(self.single),
                "single_amount": int(self.single["amount"].sum()), "structurers": len(s),
                "caught_daily": len(caught_daily), "caught_single": len(caught_single),
                "missed_by_single": len(caught_daily - caught_single), "flagged": len(flagged),
                "suspicious_reports": len(sar_candidates(self.flags, self.regime)),
                "structurers_flagged": len(s & flagged), "others_flagged": len(flagged - s)}


def analyse_day(day: pd.DataFrame, regime: str) -> DayResult:
    """Apply both rules and the red flags to one day."""
    return DayResult(day, daily_reports(day, regime), per_transaction_reports(day, regime), red_flags(day, regime),
                     regime)


def simulate_day(n_customers: int = 60, structurer_share: float = 0.1, seed: int = 2017,
                 regime: str = "cn") -> DayResult:
    """A seeded synthetic day, analysed."""
    return analyse_day(synthetic_day(n_customers, structurer_share, seed, regime), regime)


def day_trace(result: DayResult, top: int = 12) -> Trace:
    """The day hour by hour: running cash deposits per customer against the cash line.

    Each step's state: the ``top`` customers by cash deposited so far (structurers always kept), with
    their running total, their largest single deposit, and whether the per-transaction rule or only the
    daily rule has caught them; params: reports due so far under each rule.
    """
    day = result.day
    line = cash_line(result.regime)
    rules = {r.rule_id: r for r in rules_for(result.regime)}
    cash_rule = next(r for r in rules.values() if r.channel == "cash")
    cash_in = day[(day["channel"] == "cash") & (day["direction"] == "in")]
    structurers = result.structurers
    trace = Trace(meta={"line": line, "regime": result.regime})
    for hour in range(OPEN_MINUTE // 60 + 1, CLOSE_MINUTE // 60 + 1):
        upto = cash_in[cash_in["minute"] < hour * 60]
        agg = upto.groupby("customer")["amount"].agg(["sum", "max", "count"]).reset_index()
        agg["structurer"] = agg["customer"].isin(structurers)
        agg["by_single"] = [cash_rule.reached(int(m)) for m in agg["max"]]
        agg["by_daily"] = [cash_rule.reached(int(s)) for s in agg["sum"]]
        keep = agg.sort_values("sum", ascending=False).head(top)
        keep = pd.concat([keep, agg[agg["structurer"] & ~agg["customer"].isin(keep["customer"])]])
        state = keep.sort_values("sum").rename(columns={"sum": "total", "max": "largest", "count": "n_tx"})
        daily_so_far = int((result.daily["crossed_at"] < hour * 60).sum()) if len(result.daily) else 0
        single_so_far = int((result.single["minute"] < hour * 60).sum()) if len(result.single) else 0
        caught = int((agg["structurer"] & agg["by_daily"]).sum())
        trace.add("regulation.aml.step", state.reset_index(drop=True), hour=f"{hour:02d}:00", n_tx=len(
            day[day["minute"] < hour * 60]), daily=daily_so_far, single=single_so_far, caught=caught,
            structurers=len(structurers))
    return trace
