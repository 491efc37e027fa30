"""Insurance sales channels as a funnel: how many people a channel reaches, how many buy, what each policy
costs to sell and which premium the channel needs to break even (course chapter 4, 互联网保险的销售模式).

The four channels of the lesson: online direct sales on the insurer's own site or app (线上直销), sales on a
social platform such as WeChat (微信保险), embedded sales at checkout such as return-shipping insurance
(场景嵌入), and agents (代理人).  Each is described by six numbers the student tunes:

- ``reach`` R: people who see the offer (in a month, say);
- ``conversion`` c: the share of them who buy, 0 < c ≤ 1;
- ``acquisition`` a: what reaching one person costs (advertising, a platform's traffic fee, an agent's time), ¥;
- ``commission`` k: the share of the premium paid to whoever sells (platform, agency, agent);
- ``claims_ratio`` L: expected claims as a share of the premium charged (the loss ratio, 赔付率);
- ``expense_ratio`` e: the insurer's own running costs as a share of the premium (费用率).

With the premium P charged and the target margin m, per policy:

    policies                 N  = R × c
    acquisition per policy   A  = a / c                      (every buyer also "pays" for c⁻¹ people reached)
    cost per policy          C  = a / c + k × P              (what it costs to *sell* one policy)
    expected claims          E  = L × P
    combined ratio           CR = L + k + e + A / P
    result per policy        π  = P − E − k P − e P − A = P (1 − L − k − e) − a / c
    break-even premium       P* = (E + A) / (1 − k − e − m)  (claims E in yuan fixed by the risk; the loads
                                                               k, e, m are shares of whatever premium is charged)
    break-even conversion    c* = a / (P (1 − L − k − e − m))

These are the standard cost-plus pricing identities of insurance (gross premium = (expected claims + fixed
costs) / (1 − variable loads); e.g. Werner & Modlin, *Basic Ratemaking*, CAS 2016, ch. 7, the "loss ratio"
and "pure premium" methods).  The default numbers are illustrative assumptions for teaching, not market
data; the sourced market figures live in ``data/insurance_channels.csv``.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError, require

DATA = Path(__file__).resolve().parent.parent / "data"
CHANNELS = ("direct", "social", "embedded", "agent")
MAX_REACH = 1_000_000_000
#: (lowest, highest) allowed for each share
RATE_BOUNDS = {"commission": (0.0, 0.95), "claims_ratio": (0.0, 3.0), "expense_ratio": (0.0, 0.95)}


@dataclass(frozen=True)
class Channel:
    """One sales channel's funnel: reach, conversion, acquisition cost per person reached (¥), commission,
    claims ratio and expense ratio (shares of the premium)."""

    reach: int
    conversion: float
    acquisition: float
    commission: float
    claims_ratio: float
    expense_ratio: float


#: illustrative starting points (assumptions for the lesson, not market data):
#: direct — own site, paid search traffic; social — a WeChat-style mini-program, cheap reach, a platform fee;
#: embedded — one tick box at checkout: huge reach, almost free, but the platform takes a large cut and the
#: buyers who tick it claim often; agent — few people, each costing an agent's hour, a high commission.
DEFAULTS = {
    "direct": Channel(200_000, 0.010, 0.50, 0.00, 0.55, 0.15),
    "social": Channel(1_000_000, 0.005, 0.08, 0.10, 0.55, 0.12),
    "embedded": Channel(5_000_000, 0.100, 0.01, 0.20, 0.65, 0.05),
    "agent": Channel(2_000, 0.100, 20.0, 0.30, 0.40, 0.20),
}


def _finite(x) -> bool:
    """A real number (not a bool) that a float can hold and that is neither infinite nor NaN."""
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        return False
    try:
        return math.isfinite(float(x))
    except OverflowError:           # an int with more digits than a float can hold
        return False


def check_channel(name: str, ch: Channel) -> None:
    """Raise ``InputError`` unless every number of ``ch`` is in its domain."""
    require(isinstance(ch.reach, (int, np.integer)) and not isinstance(ch.reach, bool)
            and 1 <= ch.reach <= MAX_REACH, "insurance_channel_reach",
            f"reach must be a whole number from 1 to {MAX_REACH}", channel=name, value=ch.reach, hi=MAX_REACH)
    require(_finite(ch.conversion) and 0 < ch.conversion <= 1, "insurance_channel_conversion",
            "conversion must be in (0, 1]", channel=name, value=ch.conversion)
    require(_finite(ch.acquisition) and ch.acquisition >= 0, "insurance_channel_cost",
            "acquisition cost must be zero or positive", channel=name, value=ch.acquisition)
    for field, (lo, hi) in RATE_BOUNDS.items():
        value = getattr(ch, field)
        require(_finite(value) and lo <= value <= hi, "insurance_channel_rate", f"{field} must be in [{lo}, {hi}]",
                channel=name, field=field, value=value, lo=lo, hi=hi)


def check_pricing(premium: float, margin: float) -> None:
    """The premium must be positive; the target margin a share in [0, 0.5]."""
    require(_finite(premium) and 0 < premium <= 1_000_000, "insurance_channel_premium",
            "premium must be positive (at most ¥1,000,000)", value=premium)
    require(_finite(margin) and 0 <= margin <= 0.5, "insurance_channel_margin", "margin must be in [0, 0.5]",
            value=margin)


def _check_reach(reach, channel: str = "") -> None:
    require(isinstance(reach, (int, np.integer)) and not isinstance(reach, bool) and 1 <= reach <= MAX_REACH,
            "insurance_channel_reach", f"reach must be a whole number from 1 to {MAX_REACH}", channel=channel,
            value=str(reach)[:40], hi=MAX_REACH)


def _check_conversion(conversion, channel: str = "") -> None:
    require(_finite(conversion) and 0 < conversion <= 1, "insurance_channel_conversion",
            "conversion must be in (0, 1]", channel=channel, value=str(conversion)[:40])


def policies(reach: int, conversion: float) -> float:
    """Policies sold: N = R × c (reach a whole number 1 … ``MAX_REACH``, conversion in (0, 1], else
    ``InputError``)."""
    _check_reach(reach)
    _check_conversion(conversion)
    return reach * conversion


def acquisition_per_policy(acquisition: float, conversion: float) -> float:
    """Acquisition cost carried by each policy: A = a / c (each buyer stands for 1/c people reached)."""
    require(_finite(conversion) and conversion > 0, "insurance_channel_conversion", "conversion must be positive",
            channel="", value=conversion)
    return acquisition / conversion


def cost_per_policy(acquisition: float, conversion: float, commission: float, premium: float) -> float:
    """Cost of selling one policy: C = a / c + k × P."""
    return acquisition_per_policy(acquisition, conversion) + commission * premium


def combined_ratio(claims_ratio: float, commission: float, expense_ratio: float, acquisition: float,
                   conversion: float, premium: float) -> float:
    """Combined ratio at premium P: CR = L + k + e + (a / c) / P  (below 1: the channel makes money).

    Every number is checked first (``InputError``): the shares within ``RATE_BOUNDS``, a ≥ 0, c in (0, 1] and
    0 < P ≤ ¥1,000,000 — so P is never zero."""
    for field, value in (("claims_ratio", claims_ratio), ("commission", commission),
                         ("expense_ratio", expense_ratio)):
        lo, hi = RATE_BOUNDS[field]
        require(_finite(value) and lo <= value <= hi, "insurance_channel_rate", f"{field} must be in [{lo}, {hi}]",
                channel="", field=field, value=str(value)[:40], lo=lo, hi=hi)
    require(_finite(acquisition) and acquisition >= 0, "insurance_channel_cost",
            "acquisition cost must be zero or positive", channel="", value=str(acquisition)[:40])
    _check_conversion(conversion)
    require(_finite(premium) and 0 < premium <= 1_000_000, "insurance_channel_premium",
            "premium must be positive (at most ¥1,000,000)", value=str(premium)[:40])
    return claims_ratio + commission + expense_ratio + acquisition_per_policy(acquisition, conversion) / premium


def result_per_policy(premium: float, claims_ratio: float, commission: float, expense_ratio: float,
                      acquisition: float, conversion: float) -> float:
    """Underwriting result of one policy: π = P (1 − L − k − e) − a / c."""
    return premium * (1 - claims_ratio - commission - expense_ratio) - acquisition_per_policy(acquisition, conversion)


def break_even_premium(expected_claims: float, acquisition_each: float, commission: float, expense_ratio: float,
                       margin: float, channel: str = "") -> float:
    """Premium at which a channel covers claims, costs and margin: P* = (E + A) / (1 − k − e − m).

    The loads k, e and m are shares of the premium itself, so they must leave something: k + e + m < 1,
    else no premium is high enough (``insurance_channel_loads``)."""
    loads = commission + expense_ratio + margin
    require(loads < 1, "insurance_channel_loads", "commission + expenses + margin must stay below 100 %",
            channel=channel, commission=commission, expense=expense_ratio, margin=margin, total=loads)
    return (expected_claims + acquisition_each) / (1 - loads)


def break_even_conversion(acquisition: float, premium: float, claims_ratio: float, commission: float,
                          expense_ratio: float, margin: float) -> float:
    """Lowest conversion at which the channel earns the margin at premium P: c* = a / (P (1 − L − k − e − m));
    ``inf`` when claims and loads alone already take the whole premium, 0 when reaching people is free."""
    room = premium * (1 - claims_ratio - commission - expense_ratio - margin)
    if room <= 1e-9 * premium:          # nothing left (up to rounding): no conversion is enough
        return math.inf
    return acquisition / room


def channel_row(name: str, ch: Channel, premium: float, margin: float) -> dict:
    """All the funnel's numbers for one channel at premium P and margin m (validated)."""
    check_channel(name, ch)
    n = policies(ch.reach, ch.conversion)
    acq_each = acquisition_per_policy(ch.acquisition, ch.conversion)
    claims = ch.claims_ratio * premium
    result = result_per_policy(premium, ch.claims_ratio, ch.commission, ch.expense_ratio, ch.acquisition,
                               ch.conversion)
    return {
        "channel": name, **asdict(ch),
        "policies": n,
        "premium_income": n * premium,
        "acquisition_per_policy": acq_each,
        "commission_per_policy": ch.commission * premium,
        "cost_per_policy": cost_per_policy(ch.acquisition, ch.conversion, ch.commission, premium),
        "claims_per_policy": claims,
        "expenses_per_policy": ch.expense_ratio * premium,
        "combined_ratio": combined_ratio(ch.claims_ratio, ch.commission, ch.expense_ratio, ch.acquisition,
                                         ch.conversion, premium),
        "result_per_policy": result,
        "result_total": n * result,
        "break_even_premium": break_even_premium(claims, acq_each, ch.commission, ch.expense_ratio, margin, name),
        "break_even_conversion": break_even_conversion(ch.acquisition, premium, ch.claims_ratio, ch.commission,
                                                       ch.expense_ratio, margin),
    }


def funnel(channels: dict[str, Channel], premium: float, margin: float) -> pd.DataFrame:
    """One row per channel (in the order given) with every number above; bad input raises ``InputError``."""
    check_pricing(premium, margin)
    require(len(channels) > 0, "insurance_channel_unknown", "no channel given", channel="")
    for name in channels:
        require(name in CHANNELS, "insurance_channel_unknown", f"unknown channel {name!r}", channel=str(name))
    return pd.DataFrame([channel_row(name, ch, float(premium), float(margin)) for name, ch in channels.items()])


def break_even_curve(ch: Channel, premium: float, margin: float, conversions) -> np.ndarray:
    """P*(c) for each conversion c, other numbers of ``ch`` fixed: (L P + a / c) / (1 − k − e − m) — falls as
    conversion rises (the acquisition cost is shared by more buyers)."""
    c = np.asarray(conversions, dtype=float)
    require(bool(np.all((c > 0) & (c <= 1))), "insurance_channel_conversion", "conversion must be in (0, 1]",
            channel="", value=float(c.min()) if c.size else 0.0)
    loads = ch.commission + ch.expense_ratio + margin
    require(loads < 1, "insurance_channel_loads", "commission + expenses + margin must stay below 100 %",
            channel="", commission=ch.commission, expense=ch.expense_ratio, margin=margin, total=loads)
    return (ch.claims_ratio * premium + ch.acquisition / c) / (1 - loads)


# ------------------------------------------------------------------ sourced market figures
def load_market() -> pd.DataFrame:
    """``data/insurance_channels.csv``: China's internet insurance in figures and the rules on who may sell,
    every row with its source, the source's address and the date it was published."""
    df = pd.read_csv(DATA / "insurance_channels.csv", dtype={"period": str, "published": str})
    for column in ("source", "url", "published"):
        empty = df[column].isna() | (df[column].astype(str).str.strip() == "")
        require(not empty.any(), "data_no_source", f"insurance_channels.csv has rows without {column}",
                table="insurance_channels")
    return df


def premium_series(market: pd.DataFrame) -> pd.DataFrame:
    """Whole-year internet premium (all lines), ¥100 million (亿元) by year."""
    part = market[(market["topic"] == "premium") & market["period"].str.fullmatch(r"\d{4}")]
    return pd.DataFrame({"year": part["period"].astype(int), "value_yi": part["value"].astype(float),
                         "published": part["published"], "url": part["url"]}).reset_index(drop=True)


def channel_shares(market: pd.DataFrame, year: str) -> dict[str, float]:
    """Internet P&C premium by channel in ``year`` (intermediary, own platform, referral), as shares."""
    part = market[(market["topic"] == "channel_share") & (market["period"] == year)
                  & market["id"].str.match(r"share_(intermediary|own|referral)_")]
    require(len(part) > 0, "year_missing", f"no channel shares for {year}", start=year, end=year)
    return {row.id.split("_")[1]: float(row.value) for row in part.itertuples()}


__all__ = ["CHANNELS", "Channel", "DEFAULTS", "InputError", "acquisition_per_policy", "break_even_conversion",
           "break_even_curve", "break_even_premium", "channel_row", "channel_shares", "check_channel",
           "check_pricing", "combined_ratio", "cost_per_policy", "funnel", "load_market", "policies",
           "premium_series", "result_per_policy"]
