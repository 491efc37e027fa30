"""Dated, sourced milestones of any history, filtered by area and years and replayed step by step.

The home page's history (core/overview.py) showed the mechanism; this module is its generic form, for a
chapter page's own history (insurance, payments …).  A milestone table is ``data/<name>.csv`` with the
columns ``date, category, title_zh, title_en, source``:

- ``date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` — as precise as the source is, never more;
- ``category`` is one of the areas the page names (the page passes them, in the order it shows them);
- ``source`` names the public source and its address; a row without one is refused.

For plotting, a year-only date sits on 1 July and a month-only date on the 15th (the middle of what is
known), as on the home page.  ``milestone_trace`` turns the filtered table into a ``core.trace.Trace``:
one step per milestone, whose state counts the milestones of each area seen so far, for
``ui.step_player`` (ui/timeline.py draws it).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from core.errors import require
from core.trace import Trace

DATA = Path(__file__).resolve().parent.parent / "data"
COLUMNS = ("date", "category", "title_zh", "title_en", "source")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def plot_date(text: str) -> str:
    """The date a milestone is drawn at: ``YYYY`` → ``YYYY-07-01``, ``YYYY-MM`` → ``YYYY-MM-15``, a full
    date as it is (the middle of what the source tells)."""
    require(bool(_DATE.match(str(text))), "timeline_date", f"not a date: {text!r}", value=str(text))
    parts = str(text).split("-")
    if len(parts) == 1:
        return f"{parts[0]}-07-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15"
    return str(text)


def read_milestones(path: Path | str, categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Read a milestone table from ``path``: every row sourced, dated and (if ``categories`` is given) in
    one of them; sorted by date (then by the order of ``categories``), with ``year`` and ``when`` added."""
    path = Path(path)
    table = path.stem
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    require(not missing, "data_no_source", f"{path.name} lacks columns {missing}", table=table)
    require(len(df) > 0, "data_empty", f"{path.name} is empty", table=table)
    unsourced = df["source"].str.strip().str.len() < 5
    require(not unsourced.any(), "data_no_source", f"{path.name} has rows without a source", table=table)
    if categories is not None:
        require(set(df["category"]) <= set(categories), "data_bad_category",
                f"unknown category in {path.name}", table=table)
    df["when"] = pd.to_datetime(df["date"].map(plot_date))
    df["year"] = df["date"].str[:4].astype(int)
    order = {c: i for i, c in enumerate(categories or sorted(set(df["category"])))}
    df["_order"] = df["category"].map(order)
    df = df.sort_values(["when", "_order"], kind="stable").drop(columns="_order")
    return df.reset_index(drop=True)


def load_milestones(name: str, categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """``read_milestones(data/<name>.csv, categories)``.

    ``name`` is a table of ``data/`` (lower-case letters, digits and ``_``, at most 64); any other name, or one
    without a file, is ``timeline_table`` — never a path outside ``data/`` or an operating-system error."""
    ok = isinstance(name, str) and bool(_NAME.fullmatch(name))
    path = DATA / f"{name}.csv" if ok else None
    require(ok and path.is_file(), "timeline_table", "no milestone table of that name",
            name=str(name)[:40])
    return read_milestones(path, categories)


def year_span(df: pd.DataFrame) -> tuple[int, int]:
    """First and last year of a milestone table."""
    return int(df["year"].min()), int(df["year"].max())


def filter_milestones(df: pd.DataFrame, categories, start_year: int, end_year: int) -> pd.DataFrame:
    """The milestones of the chosen ``categories`` from ``start_year`` to ``end_year`` (inclusive).

    The years must be in order and overlap the table's span (``year_range`` / ``timeline_years`` otherwise);
    an empty choice of areas gives an empty table (the page says so)."""
    require(start_year <= end_year, "year_range", "start year must not be after end year",
            start=start_year, end=end_year)
    lo, hi = year_span(df)
    require(end_year >= lo and start_year <= hi, "timeline_years",
            f"years {start_year}-{end_year} are outside the data ({lo}-{hi})",
            start=start_year, end=end_year, lo=lo, hi=hi)
    keep = df["category"].isin(list(categories)) & df["year"].between(start_year, end_year)
    return df[keep].reset_index(drop=True)


def category_counts(df: pd.DataFrame, categories) -> dict[str, int]:
    """How many milestones each category has (every category named, zero if none)."""
    counts = df["category"].value_counts()
    return {c: int(counts.get(c, 0)) for c in categories}


def longest_gap(df: pd.DataFrame) -> tuple[int, int, int] | None:
    """The longest stretch without a milestone: (index before, index after, days between the two plotted
    dates); ``None`` with fewer than two milestones."""
    if len(df) < 2:
        return None
    days = df["when"].diff().dt.days.to_numpy()[1:]
    i = int(days.argmax())
    return i, i + 1, int(days[i])


def milestone_trace(df: pd.DataFrame, step_key: str, categories) -> Trace:
    """One step per milestone, in date order.

    ``step_key`` names the locale message of a step (it may quote ``date``, ``title_zh``/``title_en``,
    ``seen`` and ``total``); the state holds the step's ``index`` and ``counts``, the milestones of each
    category seen so far."""
    trace = Trace(meta={"milestones": len(df)})
    counts = {c: 0 for c in categories}
    for i, row in enumerate(df.itertuples(index=False)):
        counts[row.category] = counts.get(row.category, 0) + 1
        trace.add(step_key, state={"index": i, "counts": dict(counts)},
                  date=row.date, category=row.category, title_zh=row.title_zh, title_en=row.title_en,
                  source=row.source, seen=i + 1, total=len(df))
    return trace


def download_table(df: pd.DataFrame) -> pd.DataFrame:
    """The milestones as a student downloads them: the table's own columns, no plotting helpers."""
    return df.drop(columns=[c for c in ("when",) if c in df.columns])
