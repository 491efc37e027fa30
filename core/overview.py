"""Chapter 1 and 7 (home page): the history timeline, the four traits on real figures, the impact.

Everything here reads sourced tables in ``data/`` and turns them into the numbers the home page
shows.  Each table has a ``source`` column; a row without a source is refused when loading.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from core.errors import require
from core.trace import Trace

DATA = Path(__file__).resolve().parent.parent / "data"
CATEGORIES = ("general", "payments", "lending", "insurance", "currency", "blockchain", "regulation")
SECONDS_PER_YEAR = 365 * 24 * 3600
YI = 1e8                 # 亿 = 10^8
WAN_YI = 1e12            # 万亿 = 10^12


def load_table(name: str) -> pd.DataFrame:
    """Read ``data/<name>.csv``; every row must name its source."""
    require(isinstance(name, str) and re.fullmatch(r"[a-z0-9_]{1,64}", name) is not None
            and (DATA / f"{name}.csv").exists(), "data_empty", "no such table", table=str(name)[:40])
    df = pd.read_csv(DATA / f"{name}.csv", dtype={"date": str})
    require("source" in df.columns, "data_no_source", f"{name}.csv has no source column", table=name)
    missing = df["source"].isna() | (df["source"].astype(str).str.strip() == "")
    require(not missing.any(), "data_no_source", f"{name}.csv has rows without a source", table=name)
    return df


# ------------------------------------------------------------------ history
def load_timeline() -> pd.DataFrame:
    """Milestones sorted by date, with a ``year`` column and a plotting date (year-only → 1 July)."""
    df = load_table("timeline")
    require(set(df["category"]) <= set(CATEGORIES), "data_bad_category", "unknown category in timeline.csv",
            table="timeline")
    df["year"] = df["date"].str[:4].astype(int)
    df["when"] = pd.to_datetime(df["date"].map(_plot_date))
    return df.sort_values(["when", "category"], kind="stable").reset_index(drop=True)


def _plot_date(text: str) -> str:
    parts = text.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-07-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15"
    return text


def filter_timeline(df: pd.DataFrame, categories, start_year: int, end_year: int) -> pd.DataFrame:
    """Milestones in the chosen categories and years (inclusive)."""
    require(start_year <= end_year, "year_range", "start year must not be after end year",
            start=start_year, end=end_year)
    keep = df["category"].isin(list(categories)) & df["year"].between(start_year, end_year)
    return df[keep].reset_index(drop=True)


def timeline_trace(df: pd.DataFrame) -> Trace:
    """One step per milestone; the state is how many milestones of each category have happened so far."""
    trace = Trace(meta={"milestones": len(df)})
    counts = {c: 0 for c in CATEGORIES}
    for i, row in df.iterrows():
        counts[row["category"]] += 1
        trace.add("home.history.step", state={"index": i, "counts": dict(counts)},
                  date=row["date"], category=row["category"], title_zh=row["title_zh"],
                  title_en=row["title_en"], source=row["source"], seen=i + 1, total=len(df))
    return trace


def milestones_per_period(df: pd.DataFrame, width: int = 5) -> pd.DataFrame:
    """Count of milestones per category in periods of ``width`` years (1995–1999, 2000–2004 …)."""
    require(isinstance(width, int) and 1 <= width <= 1000, "period_width", "period width must be at least one year",
            width=width)
    period = (df["year"] // width) * width
    table = df.assign(period=period).groupby(["period", "category"]).size().rename("milestones")
    return table.reset_index()


# ------------------------------------------------------------------ trait: efficiency
def payments_per_second(transactions_yi: float) -> float:
    """Average payments per second over a year: count (亿笔) × 10^8 ÷ (365 × 24 × 3600 s)."""
    require(transactions_yi >= 0, "negative_value", "count must be non-negative", value=transactions_yi)
    return transactions_yi * YI / SECONDS_PER_YEAR


def average_ticket(transactions_yi: float, value_wanyi: float) -> float:
    """Average value per payment in yuan: value (万亿元) × 10^12 ÷ count (亿笔) × 10^8."""
    require(transactions_yi > 0, "negative_value", "count must be positive", value=transactions_yi)
    return value_wanyi * WAN_YI / (transactions_yi * YI)


def payment_volume() -> pd.DataFrame:
    """PBOC payment statistics with per-second rate and average ticket computed for each year."""
    df = load_table("payments_volume")
    df["per_second"] = df["transactions_yi"].map(payments_per_second)
    df["avg_ticket_yuan"] = [average_ticket(c, v) for c, v in zip(df["transactions_yi"], df["value_wanyi"])]
    return df


def growth_multiple(df: pd.DataFrame, series: str, column: str, start: int, end: int) -> float:
    """How many times ``column`` of ``series`` grew from year ``start`` to year ``end``."""
    sub = df[df["series"] == series].set_index("year")[column]
    require(start in sub.index and end in sub.index, "year_missing", "year not in the table",
            start=start, end=end)
    require(sub[start] > 0, "negative_value", "start value must be positive", value=float(sub[start]))
    return float(sub[end] / sub[start])


# ------------------------------------------------------------------ trait: inclusion
def people_with_accounts(share: float, people: int = 100) -> tuple[int, int]:
    """Of ``people`` adults, how many have an account and how many do not (rounded)."""
    require(0 <= share <= 1, "share_range", "share must be between 0 and 1", value=share)
    require(isinstance(people, int) and 1 <= people <= 10 ** 12, "negative_value", "people must be positive",
            value=people)
    have = round(share * people)
    return have, people - have


def percentage_point_change(df: pd.DataFrame, region: str, start: int, end: int) -> float:
    """Change in account ownership between two survey years, in percentage points."""
    sub = df[df["region"] == region].set_index("year")["account_share"]
    require(start in sub.index and end in sub.index, "year_missing", "year not in the table",
            start=start, end=end)
    return float((sub[end] - sub[start]) * 100)


# ------------------------------------------------------------------ trait: low cost
def remittance_fees(amount_usd: float, transfers_per_year: int, costs: pd.DataFrame) -> pd.DataFrame:
    """Fee per transfer and per year at each channel's average cost share.

    fee = amount × cost share; per year = fee × transfers.  The World Bank's shares are measured
    on a US$200 transfer; applying them to other amounts is the simplification stated on screen.
    """
    require(amount_usd > 0, "amount_not_positive", "amount must be positive", amount=amount_usd)
    require(transfers_per_year >= 1, "negative_value", "transfers per year must be at least 1",
            value=transfers_per_year)
    out = costs[["channel", "cost_share", "period", "source"]].copy()
    out["fee_usd"] = out["cost_share"] * amount_usd
    out["fees_per_year_usd"] = out["fee_usd"] * transfers_per_year
    return out


# ------------------------------------------------------------------ impact
def platform_counts() -> pd.DataFrame:
    """China's operating P2P platforms 2014–2020 (trackers and official counts), sorted by date."""
    df = load_table("p2p_platforms")
    df["when"] = pd.to_datetime(df["date"])
    return df.sort_values("when").reset_index(drop=True)


def peak_and_fall(df: pd.DataFrame) -> dict:
    """The peak count, its date, the last count and the fall from the peak (share of the peak lost)."""
    require(len(df) > 0, "data_empty", "no rows", table="p2p_platforms")
    peak_row = df.loc[df["platforms"].idxmax()]
    last_row = df.iloc[-1]
    fall = 1 - last_row["platforms"] / peak_row["platforms"] if peak_row["platforms"] else 0.0
    return {"peak": int(peak_row["platforms"]), "peak_date": str(peak_row["date"]),
            "last": int(last_row["platforms"]), "last_date": str(last_row["date"]), "fall": float(fall)}
