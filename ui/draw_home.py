"""The home page's cached tables and charts (app.py: chapter 1 history and traits, chapter 7 impact).

This module is imported once; app.py runs again on every rerun.  So the page's caches live here (a cached
function defined in the page would be re-created, and its source re-read, on every rerun), and every chart
is a ``@figure`` builder (``ui.figure``): built once per distinct input, language and presenter mode, shared
read-only by every visitor, so a rerun that shows the same chart is a lookup.  A builder takes what it
shows as plain, cheaply hashed arguments (numbers, strings, tuples, never a DataFrame) and reads the
sourced tables from the caches below; its words come from ``translator()``; nobody changes the figure it
returns.  The tables are shared read-only as well: the page filters them into new frames, never edits them.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import overview
from ui.frame import lang, translator
from ui.widgets import OKABE_ITO, figure

# one Okabe–Ito colour per area; the pale yellow is left out (too faint on a white projector screen)
CAT_COLOUR = {"general": "#999999", "payments": "#E69F00", "lending": "#009E73", "insurance": "#CC79A7",
              "currency": "#56B4E9", "blockchain": "#0072B2", "regulation": "#D55E00"}


# ------------------------------------------------------------------ sourced tables (shared read-only)
@st.cache_resource(max_entries=8, show_spinner=False)
def timeline() -> pd.DataFrame:
    return overview.load_timeline()


@st.cache_resource(max_entries=8, show_spinner=False)
def table(name: str) -> pd.DataFrame:
    return overview.load_table(name)


@st.cache_resource(max_entries=8, show_spinner=False)
def volume() -> pd.DataFrame:
    return overview.payment_volume()


@st.cache_resource(max_entries=8, show_spinner=False)
def platforms() -> pd.DataFrame:
    return overview.platform_counts()


def title_col(language: str) -> str:
    return "title_zh" if language == "zh" else "title_en"


# ------------------------------------------------------------------ history
@st.cache_resource(max_entries=64, show_spinner=False)
def history_view(chosen: tuple, start: int, end: int) -> dict:
    """The milestones of the chosen categories and years, their replay trace, the busiest five-year period
    (start year, count) and the table offered for download; a bad year range raises ``InputError``."""
    shown = overview.filter_timeline(timeline(), chosen, start, end)
    view = {"shown": shown}
    if not shown.empty:
        busiest = overview.milestones_per_period(shown).groupby("period")["milestones"].sum()
        view.update(trace=overview.timeline_trace(shown), busiest=(int(busiest.idxmax()), int(busiest.max())),
                    download=shown.drop(columns=["when"]))
    return view


@figure
def timeline_figure(chosen: tuple, start: int, end: int) -> go.Figure:
    """One row of dots per chosen category, one dot per milestone (hover: date and title)."""
    T = translator()
    shown = history_view(chosen, start, end)["shown"]
    fig = go.Figure()
    for cat in chosen:
        part = shown[shown["category"] == cat]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["when"], y=[T(f"home.category.{cat}")] * len(part), mode="markers",
            marker=dict(size=14, color=CAT_COLOUR[cat], line=dict(width=1, color="white")),
            name=T(f"home.category.{cat}"), text=part[title_col(lang())], customdata=part["date"],
            hovertemplate="%{customdata}<br>%{text}<extra></extra>"))
    fig.update_layout(height=380, showlegend=False, xaxis_title=T("home.history.axis_year"))
    return fig


@figure
def milestones_so_far_figure(categories: tuple, counts: tuple) -> go.Figure:
    """Milestones so far per category (horizontal bars)."""
    T = translator()
    bar = go.Figure(go.Bar(x=list(counts), y=[T(f"home.category.{c}") for c in categories],
                           orientation="h", marker_color=[CAT_COLOUR[c] for c in categories]))
    bar.update_layout(height=260, title=T("home.history.so_far"))
    bar.update_xaxes(tickformat=",d", rangemode="tozero")
    return bar


# ------------------------------------------------------------------ four traits
@st.cache_resource(max_entries=4, show_spinner=False)
def efficiency_years(series: str) -> tuple[list, dict]:
    """The years of one series of the payment statistics, and {year: that year's row}."""
    volumes = volume()
    sub = volumes[volumes["series"] == series]
    return list(sub["year"]), {year: sub.iloc[i] for i, year in enumerate(sub["year"])}


@figure
def efficiency_figure(series: str, year: int) -> go.Figure:
    """Payments per second of one series by year, the chosen year highlighted."""
    T = translator()
    volumes = volume()
    sub = volumes[volumes["series"] == series]
    fig = go.Figure(go.Bar(x=sub["year"], y=sub["per_second"],
                           marker_color=[OKABE_ITO[1] if y == year else OKABE_ITO[0] for y in sub["year"]]))
    fig.update_layout(height=240, yaxis_title=T("home.traits.efficiency.per_second"), xaxis_type="category")
    return fig


@figure
def innovation_figure(markets: tuple) -> go.Figure:
    """FinTech adoption (%) in each chosen market by survey edition."""
    T = translator()
    adoption = table("fintech_adoption")
    fig = go.Figure()
    for mkt in markets:
        part = adoption[adoption["market"] == mkt]
        fig.add_trace(go.Scatter(x=part["edition"], y=part["adoption"] * 100, mode="lines+markers",
                                 name=T(f"home.market.{mkt}")))
    fig.update_layout(height=240, yaxis_title="%", xaxis=dict(tickvals=[2015, 2017, 2019]))
    return fig


@st.cache_resource(max_entries=1, show_spinner=False)
def innovation_numbers() -> dict:
    """FinTech adoption in China and worldwide in 2019, and how many times the world's grew since 2015."""
    adoption = table("fintech_adoption")
    china = adoption[adoption["market"] == "china"].set_index("edition")["adoption"]
    world = adoption[adoption["market"] == "global"].set_index("edition")["adoption"]
    return {"china": china[2019], "world": world[2019], "times": world[2019] / world[2015]}


@st.cache_resource(max_entries=4, show_spinner=False)
def inclusion_years(region: str) -> tuple[list, int, dict]:
    """The survey years of one region, its first survey year and {year: (share with an account, source,
    change since the first survey in percentage points)}."""
    findex = table("findex")
    part = findex[findex["region"] == region]
    first = int(part["year"].min())
    rows = {}
    for year in part["year"]:
        row = part[part["year"] == year]
        rows[year] = (float(row["account_share"].iloc[0]), row["source"].iloc[0],
                      overview.percentage_point_change(findex, region, first, year))
    return list(part["year"]), first, rows


@figure
def inclusion_figure(have: int) -> go.Figure:
    """100 people as dots, those with an account coloured."""
    grid = go.Figure(go.Scatter(
        x=[i % 20 for i in range(100)], y=[-(i // 20) for i in range(100)], mode="markers",
        marker=dict(size=16, symbol="circle", color=[OKABE_ITO[2] if i < have else "#BBBBBB" for i in range(100)]),
        hoverinfo="skip"))
    grid.update_layout(height=170, xaxis=dict(visible=False), yaxis=dict(visible=False), showlegend=False)
    return grid


@st.cache_resource(max_entries=64, show_spinner=False)
def remittance(amount: int, per_year: int) -> dict:
    """Fees per transfer and per year through each channel (``overview.remittance_fees``), and the yearly
    fees through banks and digital channels that the page quotes."""
    fees = overview.remittance_fees(amount, per_year, table("remittance_costs"))
    by = fees.set_index("channel")
    return {"fees": fees, "bank": by.loc["banks", "fees_per_year_usd"],
            "digital": by.loc["digital", "fees_per_year_usd"]}


@figure
def cost_figure(amount: int, per_year: int) -> go.Figure:
    """Fees a year through each channel (horizontal bars with their amounts)."""
    T = translator()
    fees = remittance(amount, per_year)["fees"]
    fig = go.Figure(go.Bar(y=[T(f"home.channel.{c}") for c in fees["channel"]], x=fees["fees_per_year_usd"],
                           orientation="h", text=[f"${v:,.0f}" for v in fees["fees_per_year_usd"]],
                           marker_color=OKABE_ITO[:len(fees)]))
    fig.update_layout(height=240, xaxis_title=T("home.traits.cost.axis"))
    return fig


# ------------------------------------------------------------------ impact
@figure
def volume_figure() -> go.Figure:
    """Value of bank mobile and non-bank online payments by year."""
    T = translator()
    volumes = volume()
    fig = go.Figure()
    for series in ("bank_mobile", "nonbank_online"):
        part = volumes[volumes["series"] == series]
        fig.add_trace(go.Scatter(x=part["year"], y=part["value_wanyi"], mode="lines+markers",
                                 name=T(f"home.series.{series}")))
    fig.update_layout(height=330, title=T("home.impact.volume_title"), yaxis_title=T("home.impact.volume_axis"),
                      legend=dict(orientation="h", y=-0.2))
    return fig


@figure
def share_figure() -> go.Figure:
    """Market shares (%) of Alipay and Tenpay in mobile payments by period."""
    T = translator()
    shares = table("mobile_payment_shares")
    fig = go.Figure()
    for provider in ("alipay", "tenpay"):
        part = shares[shares["provider"] == provider]
        fig.add_trace(go.Bar(x=part["period"], y=part["share"] * 100, name=T(f"home.provider.{provider}")))
    fig.update_layout(height=330, barmode="group", title=T("home.impact.share_title"), yaxis_title="%",
                      legend=dict(orientation="h", y=-0.2))
    return fig


@figure
def p2p_figure() -> go.Figure:
    """Operating P2P lending platforms over time (official counts in orange)."""
    T = translator()
    counts = platforms()
    fig = go.Figure(go.Scatter(x=counts["when"], y=counts["platforms"], mode="lines+markers",
                               marker=dict(size=10, color=[OKABE_ITO[5] if k == "official" else OKABE_ITO[0]
                                                          for k in counts["kind"]]),
                               text=counts["source"], hovertemplate="%{x|%Y-%m}: %{y:,}<br>%{text}<extra></extra>"))
    fig.update_layout(height=340, title=T("home.impact.p2p_title"), yaxis_title=T("home.impact.p2p_axis"))
    return fig


@st.cache_resource(max_entries=1, show_spinner=False)
def impact_numbers() -> dict:
    """What the impact section quotes: growth of bank mobile payments 2015–2023, the last period's two
    providers' combined share, and the P2P platforms' rise and fall."""
    shares = table("mobile_payment_shares")
    period = shares["period"].iloc[-1]
    last = shares[shares["period"] == period].set_index("provider")["share"]
    return {"multiple": overview.growth_multiple(volume(), "bank_mobile", "value_wanyi", 2015, 2023),
            "period": period, "both": last.sum(), "p2p": overview.peak_and_fall(platforms())}
