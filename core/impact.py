"""Chapter 7, the impact of internet finance on the industry: the figures the home page's explorer shows.

Five topics, each read from sourced tables in ``data/`` (every row names its source; "derived" rows are
worked back from a later year's published growth rate and are marked as such):

- ``payments``: PBOC payment statistics (a year's total is plotted at mid-year, 1 July) (``payments_volume.csv``): mobile payments handled by banks against
  online payments handled by non-bank payment institutions (Alipay, Tenpay …), the platforms' share of the
  two, and the Alipay/Tenpay market shares (``mobile_payment_shares.csv``, Analysys);
- ``funds``: Yu'e Bao, the money-market fund inside Alipay, against all Chinese money-market funds and one
  large bank's personal deposits (``impact_funds.csv``);
- ``p2p``: operating P2P platforms, from the trackers' counts to zero in November 2020 (``p2p_platforms.csv``);
- ``inclusion``: adults with an account, World Bank Global Findex 2011–2024 (``findex.csv``);
- ``costs``: the average cost of sending US$200 abroad, World Bank Remittance Prices Worldwide
  (``impact_costs.csv``).

Rule changes that shaped the series (NetsUnion, reserve custody, caps on Yu'e Bao, the P2P rules) are in
``impact_events.csv``.  The module returns plain DataFrames and numbers; the page draws them.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core.errors import require

DATA = Path(__file__).resolve().parent.parent / "data"
DAYS_PER_YEAR = 365.25

TOPICS = ("payments", "funds", "p2p", "inclusion", "costs")
#: the measures of each topic, first one the default
MEASURES = {
    "payments": ("value", "count", "ticket", "platform_share", "market_share"),
    "funds": ("assets",),
    "p2p": ("platforms",),
    "inclusion": ("account_share",),
    "costs": ("cost_share", "fee_200"),
}
#: the series a measure can show (a country or region for inclusion), first ones shown by default
SERIES = {
    ("payments", "value"): ("bank_mobile", "nonbank_online"),
    ("payments", "count"): ("bank_mobile", "nonbank_online"),
    ("payments", "ticket"): ("bank_mobile", "nonbank_online"),
    ("payments", "platform_share"): ("nonbank_share_count", "nonbank_share_value"),
    ("payments", "market_share"): ("alipay", "tenpay"),
    ("funds", "assets"): ("yuebao", "all_mmf", "cmb_personal"),
    ("p2p", "platforms"): ("platforms",),
    ("inclusion", "account_share"): ("china", "world", "developing"),
    ("costs", "cost_share"): ("global_average", "banks", "digital", "non_digital"),
    ("costs", "fee_200"): ("global_average", "banks", "digital", "non_digital"),
}
#: unit of each measure (a locale key suffix on the page)
UNITS = {"value": "trillion_yuan", "count": "billion_payments", "ticket": "yuan", "platform_share": "share",
         "market_share": "share", "assets": "billion_yuan", "platforms": "platforms", "account_share": "share",
         "cost_share": "share", "fee_200": "usd"}
COLUMNS = ["series", "when", "label", "value", "derived", "source"]


@lru_cache(maxsize=None)
def _csv(name: str) -> pd.DataFrame:
    df = pd.read_csv(DATA / f"{name}.csv", dtype={"date": str, "period": str})
    blank = df["source"].isna() | (df["source"].astype(str).str.strip() == "")
    require(not blank.any(), "data_no_source", f"{name}.csv has rows without a source", table=name)
    return df


def _quarter_mid(period: str) -> pd.Timestamp:
    """'2011Q3' → 2011-08-15, the middle of the quarter (RPW and Analysys publish quarterly figures)."""
    year, q = int(period[:4]), int(period[-1])
    return pd.Timestamp(year=year, month=3 * q - 1, day=15)


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["series", "when"], kind="stable").reset_index(drop=True)


# ====================================================================== formulas
def years_between(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Length of the interval in years: days ÷ 365.25."""
    return (pd.Timestamp(end) - pd.Timestamp(start)).days / DAYS_PER_YEAR


def cagr(first: float, last: float, years: float) -> float:
    """Compound annual growth rate: (last ÷ first)^(1 ÷ years) − 1.

    The constant yearly rate that turns ``first`` into ``last`` in ``years`` years (e.g. Brealey, Myers & Allen,
    *Principles of Corporate Finance*, ch. 2).  A fall to zero gives −100 %.  Every input must be a finite
    number (``not_finite``); a rate too large for a float (a tiny first figure, a huge last one or a
    vanishing interval) is refused (``impact_cagr_range``), never an overflow."""
    require(all(_finite(v) for v in (first, last, years)), "not_finite", "CAGR needs finite numbers")
    require(first > 0, "impact_cagr", "CAGR needs a positive first value", first=first)
    require(last >= 0, "impact_cagr", "CAGR needs a non-negative last value", first=last)
    require(years > 0, "impact_cagr_years", "CAGR needs an interval longer than zero", years=years)
    try:
        rate = (last / first) ** (1 / years) - 1
    except (OverflowError, ZeroDivisionError):   # the ratio or its power exceeds a float
        rate = math.inf
    require(math.isfinite(rate), "impact_cagr_range", "CAGR too large to compute", first=first, last=last,
            years=years)
    return rate


def _finite(value) -> bool:
    """A real number (not a bool) that a float can hold and that is neither infinite nor NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        return False
    try:
        return math.isfinite(float(value))
    except (OverflowError, TypeError, ValueError):
        return False


def share(part: float, other: float) -> float:
    """``part`` as a fraction of ``part + other``."""
    require(part >= 0 and other >= 0 and part + other > 0, "share_range", "shares need non-negative parts",
            value=part)
    return part / (part + other)


def per_payment(value_wanyi: float, count_yi: float) -> float:
    """Average value of one payment in yuan: value (万亿元 = 10^12) ÷ count (亿笔 = 10^8)."""
    require(count_yi > 0, "negative_value", "count must be positive", value=count_yi)
    return value_wanyi * 1e12 / (count_yi * 1e8)


# ====================================================================== the topics' tables
def _payments(measure: str) -> pd.DataFrame:
    vol = _csv("payments_volume")
    rows = []
    if measure in ("value", "count", "ticket"):
        for r in vol.itertuples():
            value = {"value": r.value_wanyi, "count": r.transactions_yi / 10,  # 亿笔 → billion payments
                     "ticket": per_payment(r.value_wanyi, r.transactions_yi)}[measure]
            rows.append({"series": r.series, "when": pd.Timestamp(year=int(r.year), month=7, day=1),
                         "label": str(r.year), "value": float(value), "derived": r.derived == "yes",
                         "source": r.source})
    elif measure == "platform_share":
        bank = vol[vol["series"] == "bank_mobile"].set_index("year")
        plat = vol[vol["series"] == "nonbank_online"].set_index("year")
        for year in sorted(set(bank.index) & set(plat.index)):
            derived = bank.loc[year, "derived"] == "yes" or plat.loc[year, "derived"] == "yes"
            source = f"{plat.loc[year, 'source']} ; {bank.loc[year, 'source']}"
            for name, col in (("nonbank_share_count", "transactions_yi"), ("nonbank_share_value", "value_wanyi")):
                rows.append({"series": name, "when": pd.Timestamp(year=int(year), month=7, day=1),
                             "label": str(year), "value": share(plat.loc[year, col], bank.loc[year, col]),
                             "derived": bool(derived), "source": source})
    else:  # market_share
        shares = _csv("mobile_payment_shares")
        for r in shares.itertuples():
            rows.append({"series": r.provider, "when": _quarter_mid(r.period), "label": r.period,
                         "value": float(r.share), "derived": False, "source": f"{r.publisher}: {r.source}"})
    return _frame(rows)


def _funds() -> pd.DataFrame:
    funds = _csv("impact_funds")
    return _frame([{"series": r.series, "when": pd.Timestamp(r.date), "label": r.date[:7], "value": float(r.bn_yuan),
                    "derived": False, "source": r.source} for r in funds.itertuples()])


def _p2p() -> pd.DataFrame:
    counts = _csv("p2p_platforms")
    return _frame([{"series": "platforms", "when": pd.Timestamp(r.date), "label": r.date[:7],
                    "value": float(r.platforms), "derived": r.kind == "derived", "source": r.source}
                   for r in counts.itertuples()])


def _inclusion() -> pd.DataFrame:
    findex = _csv("findex")
    return _frame([{"series": r.region, "when": pd.Timestamp(year=int(r.year), month=7, day=1), "label": str(r.year),
                    "value": float(r.account_share), "derived": False, "source": r.source}
                   for r in findex.itertuples()])


def _costs(measure: str) -> pd.DataFrame:
    costs = _csv("impact_costs")
    factor = 200.0 if measure == "fee_200" else 1.0  # the World Bank prices a US$200 transfer
    return _frame([{"series": r.series, "when": _quarter_mid(r.period), "label": r.period,
                    "value": float(r.cost_share) * factor, "derived": False, "source": r.source}
                   for r in costs.itertuples()])


def check_choice(topic: str, measure: str) -> None:
    """Raise ``InputError("impact_unknown")`` unless ``measure`` is one of ``topic``'s measures."""
    require(topic in TOPICS, "impact_unknown", f"topic must be one of {TOPICS}", what=str(topic))
    require(measure in MEASURES[topic], "impact_unknown", f"measure must be one of {MEASURES[topic]}",
            what=str(measure))


def topic_table(topic: str, measure: str) -> pd.DataFrame:
    """Every sourced point of ``topic``/``measure``: series, when, label, value, derived, source."""
    check_choice(topic, measure)
    if topic == "payments":
        return _payments(measure)
    if topic == "funds":
        return _funds()
    if topic == "p2p":
        return _p2p()
    if topic == "inclusion":
        return _inclusion()
    return _costs(measure)


def data_years(topic: str, measure: str) -> tuple[int, int]:
    """First and last year with a figure for ``topic``/``measure``."""
    table = topic_table(topic, measure)
    return int(table["when"].dt.year.min()), int(table["when"].dt.year.max())


def view(topic: str, measure: str, series, start: int, end: int) -> pd.DataFrame:
    """The points of the chosen ``series`` whose year lies in [start, end].

    Bad input raises ``InputError``: an unknown topic, measure or series ("impact_unknown"), a start after the
    end ("year_range"), or a window with no figure at all ("impact_no_data", with the years the data covers)."""
    check_choice(topic, measure)
    series = list(series)
    allowed = SERIES[(topic, measure)]
    require(len(series) > 0, "impact_no_series", "choose at least one series")
    for s in series:
        require(s in allowed, "impact_unknown", f"series must be among {allowed}", what=str(s))
    require(start <= end, "year_range", "start year must not be after end year", start=start, end=end)
    table = topic_table(topic, measure)
    years = table["when"].dt.year
    shown = table[table["series"].isin(series) & years.between(start, end)].reset_index(drop=True)
    first, last = int(years.min()), int(years.max())
    require(len(shown) > 0, "impact_no_data", "no figure in this window", start=start, end=end, first=first,
            last=last)
    return shown


def summary(shown: pd.DataFrame) -> pd.DataFrame:
    """One row per series of a view: first and last point, change, CAGR between them, peak and its date.

    ``cagr`` is NaN when a series has a single point or starts at zero; ``change`` is last − first and
    ``ratio`` last ÷ first (NaN when first is zero)."""
    rows = []
    for name, part in shown.groupby("series", sort=False):
        part = part.sort_values("when")
        first, last = part.iloc[0], part.iloc[-1]
        peak = part.loc[part["value"].idxmax()]
        span = years_between(first["when"], last["when"])
        growth = cagr(first["value"], last["value"], span) if span > 0 and first["value"] > 0 else float("nan")
        rows.append({"series": name, "points": len(part), "first_label": first["label"], "first": first["value"],
                     "last_label": last["label"], "last": last["value"], "change": last["value"] - first["value"],
                     "ratio": last["value"] / first["value"] if first["value"] else float("nan"),
                     "years": span, "cagr": growth, "peak_label": peak["label"], "peak": peak["value"]})
    return pd.DataFrame(rows)


def events(topic: str, start: int, end: int) -> pd.DataFrame:
    """The dated rule changes of ``topic`` in [start, end], with a ``when`` timestamp."""
    require(topic in TOPICS, "impact_unknown", f"topic must be one of {TOPICS}", what=str(topic))
    ev = _csv("impact_events").copy()
    ev["when"] = pd.to_datetime([d if len(d) > 7 else f"{d}-01" for d in ev["date"]])
    keep = (ev["topic"] == topic) & ev["when"].dt.year.between(start, end)
    return ev[keep].sort_values("when").reset_index(drop=True)
