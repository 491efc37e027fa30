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

from core import impact, overview
from ui.frame import lang, translator
from ui.widgets import OKABE_ITO, figure

#: a horizontal legend at the figure's bottom edge, below the axis title (never over the tick labels)
LEGEND_BELOW = dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left")

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
    # whole milestones only: one tick per milestone up to five, then every ⌈max / 5⌉ (never "0 0 0 1 1 1")
    bar.update_xaxes(tickformat=",d", rangemode="tozero", tick0=0, dtick=max(1, -(-max(counts, default=0) // 5)))
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
    # a time axis, one tick a year: a year without figures (2019) stays an honest gap instead of vanishing
    fig.update_layout(height=240, yaxis_title=T("home.traits.efficiency.per_second"),
                      xaxis=dict(tickmode="linear", dtick=1, tickformat="d"))
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
    fig.update_layout(height=260, yaxis_title="%", xaxis=dict(tickvals=[2015, 2017, 2019]), legend=LEGEND_BELOW)
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
    fees through non-digital and digital channels that the page quotes: both from the same quarter (Q3 2025),
    so the saving compares figures of one period (the banks' average is from 2023)."""
    fees = overview.remittance_fees(amount, per_year, table("remittance_costs"))
    by = fees.set_index("channel")
    return {"fees": fees, "bank": by.loc["non_digital", "fees_per_year_usd"],
            "digital": by.loc["digital", "fees_per_year_usd"]}


@figure
def cost_figure(amount: int, per_year: int) -> go.Figure:
    """Fees a year through each channel (horizontal bars with their amounts)."""
    T = translator()
    fees = remittance(amount, per_year)["fees"]
    fig = go.Figure(go.Bar(y=[T(f"home.channel.{c}") for c in fees["channel"]], x=fees["fees_per_year_usd"],
                           orientation="h", text=[f"${v:,.0f}" for v in fees["fees_per_year_usd"]],
                           textposition="outside", cliponaxis=False, marker_color=OKABE_ITO[:len(fees)]))
    # bars tall enough for every channel's name (plotly skips labels that do not fit) and its amount beside it
    fig.update_layout(height=110 + 44 * len(fees), xaxis_title=T("home.traits.cost.axis"))
    fig.update_xaxes(range=[0, float(fees["fees_per_year_usd"].max()) * 1.25])
    fig.update_yaxes(automargin=True, dtick=1)
    return fig


# ------------------------------------------------------------------ impact (chapter 7 explorer)
SERIES_COLOUR = {"bank_mobile": OKABE_ITO[0], "nonbank_online": OKABE_ITO[1], "nonbank_share_count": OKABE_ITO[1],
                 "nonbank_share_value": OKABE_ITO[5], "alipay": OKABE_ITO[0], "tenpay": OKABE_ITO[2],
                 "yuebao": OKABE_ITO[1], "all_mmf": OKABE_ITO[0], "cmb_personal": OKABE_ITO[5],
                 "platforms": OKABE_ITO[2], "china": OKABE_ITO[5], "world": OKABE_ITO[0], "developing": OKABE_ITO[2],
                 "global_average": OKABE_ITO[0], "banks": OKABE_ITO[5], "digital": OKABE_ITO[2],
                 "non_digital": OKABE_ITO[3]}


@st.cache_resource(max_entries=128, show_spinner=False)
def impact_view(topic: str, measure: str, series: tuple, start: int, end: int) -> dict:
    """The explorer's points (``core.impact.view``), their summary per series, the rule changes in the window
    and the table offered for download; bad input raises ``InputError``."""
    shown = impact.view(topic, measure, series, start, end)
    return {"shown": shown, "summary": impact.summary(shown).set_index("series"),
            "events": impact.events(topic, start, end), "download": shown.drop(columns=["when"])}


def fmt_value(value: float, unit: str, language: str) -> str:
    """A figure of the explorer in the reader's language (亿 and 万亿 in Chinese, billion/trillion in English)."""
    if unit == "share":
        return f"{value * 100:.1f}%"
    if language == "zh":
        return {"trillion_yuan": f"{value:,.1f} 万亿元", "billion_payments": f"{value * 10:,.0f} 亿笔",
                "yuan": f"{value:,.0f} 元", "billion_yuan": f"{value * 10:,.0f} 亿元", "platforms": f"{value:,.0f} 家",
                "usd": f"{value:.2f} 美元"}[unit]
    return {"trillion_yuan": f"¥{value:,.1f} trillion", "billion_payments": f"{value:,.1f} billion",
            "yuan": f"¥{value:,.0f}", "billion_yuan": f"¥{value:,.0f} billion", "platforms": f"{value:,.0f}",
            "usd": f"${value:.2f}"}[unit]


@figure
def impact_figure(topic: str, measure: str, series: tuple, start: int, end: int) -> go.Figure:
    """The chosen series over the chosen years (derived points hollow), the topic's rule changes as numbered
    dotted lines, and for remittance costs the UN 2030 target."""
    T = translator()
    view = impact_view(topic, measure, series, start, end)
    shown, unit = view["shown"], impact.UNITS[measure]
    # shares in %; in Chinese, billions are read as 亿 (10^8): ×10
    scale = 100 if unit == "share" else 10 if lang() == "zh" and unit in ("billion_yuan", "billion_payments") else 1
    fig = go.Figure()
    for name in series:
        part = shown[shown["series"] == name]
        if part.empty:
            continue
        colour = SERIES_COLOUR.get(name, OKABE_ITO[0])
        fig.add_trace(go.Scatter(
            # one or two figures years apart: points only, a straight line between them would invent the path
            x=part["when"], y=part["value"] * scale, mode="markers" if len(part) <= 2 else "lines+markers",
            name=T(f"home.impact.series.{name}"),
            line=dict(color=colour, width=3), customdata=part["label"],
            marker=dict(size=11, color=[("white" if d else colour) for d in part["derived"]],
                        line=dict(color=colour, width=2)),
            hovertemplate="%{customdata}: %{y:,.2f}<extra>" + T(f"home.impact.series.{name}") + "</extra>"))
    for n, ev in enumerate(view["events"].itertuples(), start=1):
        fig.add_shape(type="line", x0=ev.when, x1=ev.when, y0=0, y1=1, yref="paper",
                      line=dict(color="#777777", width=1, dash="dot"))
        fig.add_annotation(x=ev.when, y=1.0 + 0.05 * (n % 2 == 0), yref="paper", text=str(n), showarrow=False,
                           yanchor="bottom", font=dict(color="#555555"))  # staggered: close dates stay legible
    if topic == "costs":
        target = 3.0 if measure == "cost_share" else 6.0   # 3 % of US$200
        fig.add_hline(y=target, line=dict(color=OKABE_ITO[5], dash="dash"),
                      annotation_text=T("home.impact.sdg_line"), annotation_position="bottom right")
    fig.update_layout(height=430, title=T(f"home.impact.measures.{measure}"), yaxis_title=T(f"home.impact.axis.{unit}"),
                      legend=LEGEND_BELOW, margin=dict(t=70))
    fig.update_yaxes(rangemode="tozero")
    return fig
