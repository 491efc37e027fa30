"""Plotly figures for the regulation page (pages/5_regulation.py).  Drawing only: no rules, no maths."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.widgets import OKABE_ITO

BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY, YELLOW = OKABE_ITO
JUR_COLOUR = {"cn": RED, "us": BLUE, "eu": GREEN}
VERDICT_COLOUR = {"none": "#DDDDDD", "commodity": SKY, "licence": GREEN, "banned": RED}
VERDICT_CODE = {"none": 0, "commodity": 1, "licence": 2, "banned": 3}


def _legend_below(fig: go.Figure) -> go.Figure:
    fig.update_layout(legend=dict(orientation="h", y=-0.25, x=0))
    return fig


# ------------------------------------------------------------------ 1. three jurisdictions
def timeline_figure(df: pd.DataFrame, T, title_col: str) -> go.Figure:
    """Milestones on a time axis, one row per jurisdiction; key laws drawn larger."""
    fig = go.Figure()
    for j in ("cn", "us", "eu"):
        part = df[df["jurisdiction"] == j]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["when"], y=[T(f"regulation.jur.{j}")] * len(part), mode="markers", name=T(f"regulation.jur.{j}"),
            marker=dict(size=[20 if k == "yes" else 12 for k in part["key"]], color=JUR_COLOUR[j],
                        symbol=["diamond" if k == "yes" else "circle" for k in part["key"]],
                        line=dict(width=1, color="white")),
            text=part[title_col], customdata=part["date"], hovertemplate="%{customdata}<br>%{text}<extra></extra>"))
    fig.update_layout(height=300, showlegend=False, xaxis_title=T("regulation.compare.axis_year"))
    fig.update_yaxes(type="category")
    return fig


def counts_figure(counts: dict, T, highlight: str | None = None) -> go.Figure:
    """Milestones so far per jurisdiction (the replay's running count)."""
    js = list(counts)
    fig = go.Figure(go.Bar(x=[counts[j] for j in js], y=[T(f"regulation.jur.{j}") for j in js], orientation="h",
                           marker_color=[JUR_COLOUR[j] for j in js],
                           marker_line=dict(width=[4 if j == highlight else 0 for j in js], color="black")))
    fig.update_layout(height=220, title=T("regulation.compare.so_far"))
    fig.update_xaxes(tickformat=",d", rangemode="tozero", dtick=1)
    return fig


def area_heatmap(table: pd.DataFrame, T) -> go.Figure:
    """Milestones per jurisdiction and area: who has written rules about what."""
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[T(f"regulation.area.{a}") for a in table.columns],
        y=[T(f"regulation.jur.{j}") for j in table.index], colorscale=[[0, "#F7F7F7"], [1, BLUE]],
        text=table.to_numpy(), texttemplate="%{text}", showscale=False,
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>"))
    fig.update_layout(height=260, title=T("regulation.compare.heat_title"))
    return fig


# ------------------------------------------------------------------ 2. AML
def running_cash_figure(state: pd.DataFrame, line_units: float, currency: str, T) -> go.Figure:
    """Cash deposited so far per customer (bars) against the reporting line (dashed).

    A bar's colour tells who the customer really is (structurer or not); a ✓ marks customers whose
    running total has reached the line, a ✗ those whose single deposits never reach it on their own."""
    labels = [T("regulation.aml.customer", c=int(c)) for c in state["customer"]]
    colour = [ORANGE if s else BLUE for s in state["structurer"]]
    fig = go.Figure(go.Bar(x=state["total"] / 100, y=labels, orientation="h", marker_color=colour,
                           text=[("✓ " if d else "") + (T("regulation.aml.single_hit") if s else "")
                                 for d, s in zip(state["by_daily"], state["by_single"])],
                           textposition="outside", customdata=state["n_tx"],
                           hovertemplate="%{y}: " + currency + "%{x:,.0f} (%{customdata})<extra></extra>"))
    fig.add_vline(x=line_units, line=dict(color=RED, width=3, dash="dash"),
                  annotation_text=T("regulation.aml.line", line=f"{currency}{line_units:,.0f}"),
                  annotation_position="top right", annotation_font_color=RED, annotation_yshift=12)
    top = max(float(state["total"].max()) / 100 if len(state) else 0.0, line_units) * 1.25
    fig.update_yaxes(automargin=True)
    fig.update_layout(height=max(300, 28 * len(state) + 90), showlegend=False,
                      xaxis_title=T("regulation.aml.axis_cash", currency=currency))
    fig.update_xaxes(range=[0, top], tickformat=",d")
    return fig


# ------------------------------------------------------------------ 3. sandbox
def funnel_figure(real: pd.DataFrame, sim: dict, T) -> go.Figure:
    """Applications → accepted → tested: the FCA's real cohorts beside this simulated cohort."""
    stages = ["applications", "accepted", "tested"]
    names = [T(f"regulation.sandbox.stage.{s}") for s in stages]
    fig = go.Figure()
    for i, row in enumerate(real.itertuples()):
        values = [getattr(row, s) for s in stages]
        fig.add_trace(go.Bar(x=names, y=[None if pd.isna(v) else int(v) for v in values],
                             name=T("regulation.sandbox.real_label", cohort=int(row.cohort)),
                             marker_color=[SKY, BLUE, GREY, "#555555"][i % 4], text=[
                                 "" if pd.isna(v) else f"{int(v)}" for v in values], textposition="outside"))
    fig.add_trace(go.Bar(x=names, y=[sim[s] for s in stages], name=T("regulation.sandbox.sim_label"),
                         marker_color=ORANGE, marker_pattern_shape="/", text=[str(sim[s]) for s in stages],
                         textposition="outside"))
    fig.update_layout(height=340, barmode="group", title=T("regulation.sandbox.funnel_title"),
                      yaxis_title=T("regulation.sandbox.firms_axis"))
    return _legend_below(fig)


def exposure_figure(state: pd.DataFrame, T) -> go.Figure:
    """Customers exposed so far to each flawed product: with the sandbox's cap vs a full launch."""
    flawed = state[state["flawed"]]
    labels = [T("regulation.sandbox.firm", n=int(f)) + (" ⚠" if s else "") for f, s in zip(flawed["firm"],
                                                                                          flawed["shown"])]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=flawed["full"], name=T("regulation.sandbox.path_full"), marker_color=RED))
    fig.add_trace(go.Bar(x=labels, y=flawed["sandbox"], name=T("regulation.sandbox.path_sandbox"), marker_color=GREEN))
    fig.update_layout(height=340, barmode="group", yaxis_title=T("regulation.sandbox.exposed_axis"))
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return _legend_below(fig)


def outcome_figure(summary: dict, T) -> go.Figure:
    """What became of the tested firms."""
    kinds = ["sound", "fixed", "missed"]
    colours = [GREEN, SKY, RED]
    fig = go.Figure(go.Bar(x=[summary[k] for k in kinds], y=[T(f"regulation.sandbox.outcome.{k}") for k in kinds],
                           orientation="h", marker_color=colours, text=[summary[k] for k in kinds],
                           textposition="outside"))
    fig.update_layout(height=230, title=T("regulation.sandbox.outcome_title"))
    fig.update_xaxes(tickformat=",d", rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return fig


# ------------------------------------------------------------------ 4. data protection
def fine_figure(curve: pd.DataFrame, point: tuple[float, float], kink: float, T) -> go.Figure:
    """The GDPR ceiling as a function of turnover (flat, then 2 % / 4 %), with this firm marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=curve["turnover"] / 1e6, y=curve["ceiling"] / 1e6, mode="lines",
                             line=dict(color=BLUE, width=3), name=T("regulation.privacy.ceiling"),
                             hovertemplate="€%{x:,.0f} m → €%{y:,.1f} m<extra></extra>"))
    fig.add_trace(go.Scatter(x=[point[0] / 1e6], y=[point[1] / 1e6], mode="markers",
                             marker=dict(size=16, color=ORANGE, line=dict(width=2, color="black")),
                             name=T("regulation.privacy.this_firm"),
                             hovertemplate="€%{x:,.1f} m → €%{y:,.2f} m<extra></extra>"))
    fig.add_vline(x=kink / 1e6, line=dict(color=GREY, dash="dot"),
                  annotation_text=T("regulation.privacy.kink", kink=T("regulation.privacy.million", x=kink / 1e6)))
    fig.update_layout(height=320, xaxis_title=T("regulation.privacy.turnover_axis"),
                      yaxis_title=T("regulation.privacy.fine_axis"))
    fig.update_xaxes(tickformat=",d", rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    return _legend_below(fig)


def attack_figure(counts: dict, n_known: int, T) -> go.Figure:
    """Records correctly re-identified by the attacker under each release."""
    kinds = ["sha256", "hmac_secret", "hmac_leaked", "quasi", "anonymous"]
    colours = [RED, GREEN, RED, ORANGE, GREEN]
    fig = go.Figure(go.Bar(x=[T(f"regulation.privacy.scenario.{k}") for k in kinds], y=[counts[k] for k in kinds],
                           marker_color=colours, text=[counts[k] for k in kinds], textposition="outside"))
    fig.add_hline(y=n_known, line=dict(color=GREY, dash="dash"),
                  annotation_text=T("regulation.privacy.known_line", n=n_known))
    fig.update_layout(height=360, yaxis_title=T("regulation.privacy.reid_axis"))
    fig.update_yaxes(rangemode="tozero", range=[0, n_known * 1.2 + 1])
    return fig


# ------------------------------------------------------------------ 5. crypto
def verdict_heatmap(grid: pd.DataFrame, T, chosen: str | None = None) -> go.Figure:
    """Verdict of each activity (rows) at each date (columns), China's rows above the EU's; the chosen date framed."""
    z = grid.map(lambda v: VERDICT_CODE[v]).to_numpy()
    text = grid.map(lambda v: T(f"regulation.crypto.verdict_short.{v}")).to_numpy()
    scale = [[0.0, VERDICT_COLOUR["none"]], [0.25, VERDICT_COLOUR["none"]], [0.25, VERDICT_COLOUR["commodity"]],
             [0.5, VERDICT_COLOUR["commodity"]], [0.5, VERDICT_COLOUR["licence"]], [0.75, VERDICT_COLOUR["licence"]],
             [0.75, VERDICT_COLOUR["banned"]], [1.0, VERDICT_COLOUR["banned"]]]
    fig = go.Figure(go.Heatmap(z=z, x=list(grid.columns), y=list(grid.index), zmin=-0.5, zmax=3.5, colorscale=scale,
                               text=text, texttemplate="%{text}", showscale=False, xgap=2, ygap=2,
                               hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
    if chosen in list(grid.columns):
        i = list(grid.columns).index(chosen)
        fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=-0.5, y1=len(grid) - 0.5, xref="x", yref="y",
                      line=dict(color="black", width=4), fillcolor="rgba(0,0,0,0)")
    fig.update_layout(height=90 + 34 * len(grid), title=T("regulation.crypto.heat_title"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig
