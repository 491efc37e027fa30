"""Risk monitoring of payments: a seeded synthetic stream with injected fraud, scored by transparent
weighted rules, evaluated against the injected truth at a chosen alert threshold.

The patterns follow the red flags named by regulators: velocity bursts and structuring just below a
reporting line (FATF, Virtual Assets Red Flag Indicators, 2020, category 1), large amounts far from a
customer's habit, new devices, night-time use and impossible travel (account takeover).  The
¥50,000 line is the large-value cash threshold of PBOC Order [2016] No. 3; here it is only an
illustrative line for the structuring rule.  Data are synthetic: no real customer is involved.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import require
from core.trace import Trace

REPORT_LINE_YUAN = 50_000          # PBOC Order [2016] No. 3, Art. 5: cash ≥ RMB 50,000 is reported
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Rule:
    """One transparent rule: a name (locale key payments.risk.rule.<name>) and its weight in points."""

    name: str
    weight: int


DEFAULT_RULES = (Rule("velocity", 30), Rule("amount", 30), Rule("device", 20), Rule("night", 10),
                 Rule("travel", 30), Rule("structuring", 40))
VELOCITY_COUNT, VELOCITY_MINUTES = 3, 10        # ≥ 3 payments within 10 minutes
AMOUNT_MULTIPLE = 10                            # ≥ 10 × the customer's usual amount
NIGHT_HOURS = (0, 6)                            # 00:00–05:59
TRAVEL_KMH = 800                                # faster than an airliner between two payments
STRUCTURING_BAND = (0.9, 1.0)                   # 90 %–100 % of the reporting line


def _customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    habit = np.exp(rng.normal(np.log(120), 0.9, n)).round(2)      # median amount ≈ ¥120, wide spread
    return pd.DataFrame({"customer": np.arange(n), "habit": np.clip(habit, 5, 5_000),
                         "x": rng.uniform(0, 3000, n), "y": rng.uniform(0, 2500, n),
                         "rate": rng.uniform(1, 5, n)})          # payments a day


def generate_stream(seed: int = 7, n_customers: int = 300, days: int = 7, attacks: int = 40) -> pd.DataFrame:
    """A seeded stream of payments: normal behaviour plus ``attacks`` injected fraud episodes.

    Normal: Poisson(rate·days) payments per customer, daytime-weighted hours, log-normal amounts
    around the habit; 1 % new devices, 3 % large one-off purchases, 1 % trips (far but slow).
    Fraud episodes (is_fraud = 1): velocity bursts (5–9 payments in ≤ 8 minutes), account takeovers
    (new device, mostly at night, a jump of ≥ 1,000 km within the hour, 10–60 × habit) and
    structuring (3–6 payments between ¥45,000 and ¥49,999 within a day).
    """
    require(20 <= n_customers <= 5000, "payments_risk_customers", "customers must be 20 to 5000", lo=20, hi=5000)
    require(1 <= days <= 30, "payments_risk_days", "days must be 1 to 30", lo=1, hi=30)
    require(0 <= attacks <= 500, "payments_risk_attacks", "attacks must be 0 to 500", lo=0, hi=500)
    rng = np.random.default_rng(seed)
    cust = _customers(rng, n_customers)
    counts = rng.poisson(cust["rate"].to_numpy() * days)
    owner = np.repeat(cust["customer"].to_numpy(), counts)
    n = owner.size
    hour_weights = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1.5, 3, 4, 4, 4, 5, 6, 5, 4, 4, 4, 5, 6, 7, 7, 6, 4, 2])
    hours = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    day = rng.integers(0, days, size=n)
    minute = day * MINUTES_PER_DAY + hours * 60 + rng.integers(0, 60, size=n)
    habit = cust["habit"].to_numpy()[owner]
    amount = habit * np.exp(rng.normal(0, 0.5, n))
    big = rng.random(n) < 0.03
    amount[big] *= rng.uniform(8, 25, big.sum())
    x, y = cust["x"].to_numpy()[owner].copy(), cust["y"].to_numpy()[owner].copy()
    trip = rng.random(n) < 0.01
    x[trip] += rng.uniform(500, 1500, trip.sum())
    normal = pd.DataFrame({"minute": minute, "customer": owner, "amount": amount, "x": x, "y": y,
                           "new_device": rng.random(n) < 0.01, "pattern": "normal", "episode": -1})

    episodes = []
    kinds = rng.choice(["velocity", "takeover", "structuring"], size=attacks, p=[0.4, 0.4, 0.2])
    for e, kind in enumerate(kinds):
        c = int(rng.integers(0, n_customers))
        start = int(rng.integers(0, days * MINUTES_PER_DAY - 600))
        h, cx, cy = cust.loc[c, "habit"], cust.loc[c, "x"], cust.loc[c, "y"]
        if kind == "velocity":
            k = int(rng.integers(5, 10))
            mins = start + np.sort(rng.integers(0, 9, k))
            amt = rng.uniform(50, 800, k)
            dev = rng.random(k) < 0.5
            xs, ys = np.full(k, cx), np.full(k, cy)
        elif kind == "takeover":
            k = int(rng.integers(1, 4))
            if rng.random() < 0.7:                                  # mostly at night
                start = (start // MINUTES_PER_DAY) * MINUTES_PER_DAY + int(rng.integers(60, 330))
            mins = start + np.sort(rng.integers(0, 40, k))
            amt = h * rng.uniform(10, 60, k)
            dev = np.ones(k, bool)
            jump = rng.uniform(1000, 2500)
            xs, ys = np.full(k, cx + jump), np.full(k, cy)
            # a genuine payment at home shortly before, so the jump is visible
            episodes.append(pd.DataFrame({"minute": [max(start - int(rng.integers(10, 50)), 0)], "customer": [c],
                                          "amount": [h], "x": [cx], "y": [cy], "new_device": [False],
                                          "pattern": ["normal"], "episode": [-1]}))
        else:
            k = int(rng.integers(3, 7))
            mins = start + np.sort(rng.integers(0, MINUTES_PER_DAY - 600, k))
            amt = REPORT_LINE_YUAN * rng.uniform(0.9, 0.99998, k)
            dev = np.zeros(k, bool)
            xs, ys = np.full(k, cx), np.full(k, cy)
        episodes.append(pd.DataFrame({"minute": mins, "customer": c, "amount": amt, "x": xs, "y": ys,
                                      "new_device": dev, "pattern": kind, "episode": e}))
    stream = pd.concat([normal, *episodes], ignore_index=True) if episodes else normal
    stream["amount"] = stream["amount"].clip(1, 200_000).round(2)
    stream["is_fraud"] = (stream["pattern"] != "normal").astype(int)
    stream = stream.sort_values(["minute", "customer"], kind="stable").reset_index(drop=True)
    stream.insert(0, "tx", np.arange(len(stream)))
    stream["habit"] = cust["habit"].to_numpy()[stream["customer"].to_numpy()]
    return add_features(stream)


def add_features(stream: pd.DataFrame) -> pd.DataFrame:
    """Per-customer features in time order: payments in the last 10 minutes (this one included),
    amount ÷ habit, hour of day, distance from and implied speed since the previous payment."""
    df = stream.copy()
    df["hour"] = (df["minute"] % MINUTES_PER_DAY) // 60
    df["ratio"] = df["amount"] / df["habit"]
    order = df.sort_values(["customer", "minute", "tx"], kind="stable").index
    s = df.loc[order]
    prev_cust = s["customer"].shift(1)
    same = (prev_cust == s["customer"]).to_numpy()
    dx = (s["x"] - s["x"].shift(1)).to_numpy()
    dy = (s["y"] - s["y"].shift(1)).to_numpy()
    km = np.where(same, np.hypot(dx, dy), 0.0)
    gap = np.where(same, (s["minute"] - s["minute"].shift(1)).to_numpy(), np.inf)
    speed = np.where(km > 0, km / (np.maximum(gap, 1) / 60), 0.0)
    recent = np.empty(len(s), dtype=int)
    mins, custs = s["minute"].to_numpy(), s["customer"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, custs[1:] != custs[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        m = mins[a:b]
        recent[a:b] = np.arange(b - a) - np.searchsorted(m, m - VELOCITY_MINUTES + 1, side="left") + 1
    df.loc[order, "km"] = km.round(1)
    df.loc[order, "speed_kmh"] = speed.round(0)
    df.loc[order, "recent"] = recent
    df["recent"] = df["recent"].astype(int)
    return df


def rule_hits(df: pd.DataFrame) -> pd.DataFrame:
    """Boolean matrix: which rule fires on which payment (the rule definitions are the constants above)."""
    line = REPORT_LINE_YUAN
    return pd.DataFrame({
        "velocity": df["recent"] >= VELOCITY_COUNT,
        "amount": df["ratio"] >= AMOUNT_MULTIPLE,
        "device": df["new_device"].astype(bool),
        "night": (df["hour"] >= NIGHT_HOURS[0]) & (df["hour"] < NIGHT_HOURS[1]),
        "travel": df["speed_kmh"] > TRAVEL_KMH,
        "structuring": (df["amount"] >= STRUCTURING_BAND[0] * line) & (df["amount"] < STRUCTURING_BAND[1] * line),
    }, index=df.index)


def score(df: pd.DataFrame, weights: dict[str, int] | None = None) -> pd.Series:
    """Risk score = Σ weight of every rule that fires (points; 0 when nothing fires)."""
    weights = weights or {r.name: r.weight for r in DEFAULT_RULES}
    for name, w in weights.items():
        require(0 <= int(w) <= 100, "payments_risk_weight", "rule weights are 0 to 100", lo=0, hi=100)
    hits = rule_hits(df)
    return sum(hits[name].astype(int) * int(weights.get(name, 0)) for name in hits.columns)


def confusion(is_fraud, scores, threshold: float) -> dict:
    """Alert when score ≥ threshold.  TP, FP, FN, TN; precision = TP/(TP+FP); recall = TP/(TP+FN);
    false-positive rate = FP/(FP+TN).  Precision is NaN when there are no alerts."""
    y = np.asarray(is_fraud, dtype=bool)
    alert = np.asarray(scores) >= threshold
    tp = int(np.sum(alert & y)); fp = int(np.sum(alert & ~y))
    fn = int(np.sum(~alert & y)); tn = int(np.sum(~alert & ~y))
    return {"threshold": threshold, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "alerts": tp + fp,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "fpr": fp / (fp + tn) if fp + tn else float("nan")}


def threshold_sweep(is_fraud, scores, thresholds=None) -> pd.DataFrame:
    """Confusion counts, precision and recall at every threshold (default: 0 … max score + 1)."""
    scores = np.asarray(scores)
    if thresholds is None:
        thresholds = np.arange(0, int(scores.max(initial=0)) + 2)
    return pd.DataFrame([confusion(is_fraud, scores, t) for t in thresholds])


def alert_queue(df: pd.DataFrame, scores: pd.Series, threshold: float, limit: int = 15) -> pd.DataFrame:
    """Alerts (score ≥ threshold) highest score first, with the rules that fired."""
    hits = rule_hits(df)
    flagged = df.assign(score=scores)[scores >= threshold]
    flagged = flagged.sort_values(["score", "minute"], ascending=[False, True]).head(limit)
    reasons = hits.loc[flagged.index].apply(lambda r: [c for c in hits.columns if r[c]], axis=1)
    return flagged.assign(rules=reasons)


def stream_trace(df: pd.DataFrame, scores: pd.Series, threshold: float, steps: int = 24, tail: int = 8) -> Trace:
    """The stream arriving in ``steps`` batches, for the step player: running confusion counts at
    ``threshold``, their history so far, and the latest ``tail`` alerts with the rules that fired."""
    require(2 <= steps <= 200, "payments_risk_steps", "steps must be 2 to 200")
    trace = Trace(meta={"threshold": threshold})
    edges = np.linspace(0, len(df), steps + 1).astype(int)[1:]
    hits = rule_hits(df)
    alert = np.asarray(scores) >= threshold
    history = []
    for end in edges:
        part = df.iloc[:end]
        c = confusion(part["is_fraud"], scores.iloc[:end], threshold)
        history.append({"seen": int(end), "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]})
        latest = part[alert[:end]].tail(tail)
        latest = latest.assign(score=scores.loc[latest.index],
                               rules=[[k for k in hits.columns if hits.at[i, k]] for i in latest.index])
        day = int(part["minute"].iloc[-1] // MINUTES_PER_DAY) + 1 if end else 1
        trace.add("payments.risk.stream_step", {"counts": c, "latest": latest, "seen": int(end),
                                                "history": list(history), "total": len(df)},
                  seen=int(end), total=len(df), alerts=c["alerts"], tp=c["tp"], fp=c["fp"], fn=c["fn"], day=day)
    return trace


def cost_curve(df: pd.DataFrame, scores, review_cost: float, thresholds=None) -> pd.DataFrame:
    """What each threshold costs: review cost = alerts × ``review_cost`` (analyst time per alert) plus
    fraud loss = Σ amount of the frauds that raise no alert; total = review + loss.
    The cheapest threshold is where the total is lowest."""
    require(0 <= review_cost <= 10_000, "payments_risk_review", "review cost must be ¥0 to ¥10,000", lo=0, hi=10_000)
    scores = np.asarray(scores)
    if thresholds is None:
        thresholds = np.arange(0, int(scores.max(initial=0)) + 2)
    fraud = df["is_fraud"].to_numpy().astype(bool)
    amount = df["amount"].to_numpy()
    rows = []
    for t in thresholds:
        alert = scores >= t
        review = float(alert.sum()) * review_cost
        loss = float(amount[fraud & ~alert].sum())
        rows.append({"threshold": t, "alerts": int(alert.sum()), "review_cost": review, "fraud_loss": loss,
                     "total": review + loss})
    return pd.DataFrame(rows)
