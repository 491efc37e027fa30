"""Plotly figures for the internet insurance page (pages/3_insurance.py).  Drawing only: no insurance maths."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.i18n import format_yuan
from ui.widgets import OKABE_ITO

BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY, YELLOW = OKABE_ITO
OUTCOME_COLOUR = {"hit": GREEN, "extra": SKY, "missed": RED, "none": GREY}


def _legend_below(fig: go.Figure, y: float = -0.22) -> go.Figure:
    fig.update_layout(legend=dict(orientation="h", y=y, x=0, yanchor="top"))
    return fig


# ------------------------------------------------------------------ 1. pricing
def day_figure(running: pd.DataFrame, T) -> go.Figure:
    """Cumulative premiums and claims over one day's policies."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=running["policies"], y=running["premiums"], mode="lines", line=dict(color=BLUE, width=3),
                             name=T("insurance.price.premiums_line"),
                             hovertemplate="%{x:,}: ¥%{y:,.2f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=running["policies"], y=running["claims"], mode="lines", line=dict(color=ORANGE, width=3),
                             name=T("insurance.price.claims_line"), line_shape="hv",
                             hovertemplate="%{x:,}: ¥%{y:,.2f}<extra></extra>"))
    fig.update_layout(height=360, title=T("insurance.price.day_title"), xaxis_title=T("insurance.price.policies_axis"),
                      yaxis_title=T("insurance.price.yuan_axis"))
    fig.update_xaxes(tickformat=",d")
    return _legend_below(fig)


def loss_ratio_figure(ratios: np.ndarray, expected: float, today: float, T) -> go.Figure:
    """Histogram of simulated daily loss ratios, with break-even (100 %), the expectation and today's day."""
    fig = go.Figure(go.Histogram(x=ratios * 100, nbinsx=40, marker_color=SKY, name=T("insurance.price.days"),
                                 showlegend=False))
    # vertical markers as legend entries: annotations would collide with each other and with the bars
    fig.add_vline(x=100, line=dict(color=RED, width=3, dash="dash"), showlegend=True,
                  name=T("insurance.price.break_even"))
    fig.add_vline(x=expected * 100, line=dict(color=BLUE, width=3), showlegend=True, name=T("insurance.price.expected"))
    fig.add_vline(x=today * 100, line=dict(color=ORANGE, width=3, dash="dot"), showlegend=True,
                  name=T("insurance.price.today"))
    fig.update_layout(height=360, title=T("insurance.price.hist_title"), xaxis_title=T("insurance.price.lr_axis"),
                      yaxis_title=T("insurance.price.days_axis"), bargap=0.05)
    fig.update_xaxes(range=[min(float(ratios.min()) * 100, today * 100) - 5, max(105.0, float(ratios.max()) * 100 + 5)])
    return _legend_below(fig)


# ------------------------------------------------------------------ 2. ruin
def paths_figure(paths: list[pd.DataFrame], ruin_times: list[float], T) -> go.Figure:
    """A few surplus paths U(t) (saw-tooth) and the ruin line U = 0; a cross where a path is ruined."""
    fig = go.Figure()
    for i, (path, rt) in enumerate(zip(paths, ruin_times)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        fig.add_trace(go.Scatter(x=path["t"], y=path["surplus"], mode="lines", line=dict(color=colour, width=2),
                                 name=T("insurance.ruin.path_name", i=i + 1),
                                 hovertemplate="t = %{x:.1f}<br>U = %{y:.2f}<extra></extra>"))
        if rt is not None and np.isfinite(rt):
            after = path[path["t"] == rt]["surplus"].min()
            fig.add_trace(go.Scatter(x=[rt], y=[after], mode="markers", showlegend=False,
                                     marker=dict(symbol="x", size=14, color=RED, line=dict(width=2)),
                                     hovertemplate=T("insurance.ruin.ruined_at") + " t = %{x:.1f}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color=RED, width=2, dash="dash"))
    fig.update_layout(height=380, title=T("insurance.ruin.paths_title"), xaxis_title=T("insurance.ruin.t_axis"),
                      yaxis_title=T("insurance.ruin.u_axis"))
    return _legend_below(fig)


def psi_figure(us: np.ndarray, exact: np.ndarray, bound: np.ndarray, mc: np.ndarray, se: np.ndarray,
               u_now: float, T) -> go.Figure:
    """ψ(u) against the initial capital: exact formula, Lundberg bound, Monte Carlo with 95 % bars."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=us, y=bound, mode="lines", line=dict(color=GREY, width=2, dash="dot"),
                             name=T("insurance.ruin.bound_name")))
    fig.add_trace(go.Scatter(x=us, y=exact, mode="lines", line=dict(color=BLUE, width=3),
                             name=T("insurance.ruin.exact_name")))
    fig.add_trace(go.Scatter(x=us, y=mc, mode="markers", marker=dict(color=ORANGE, size=9),
                             error_y=dict(type="data", array=1.96 * se, color=ORANGE),
                             name=T("insurance.ruin.mc_name")))
    fig.add_vline(x=u_now, line=dict(color=GREEN, width=2), annotation_text=T("insurance.ruin.your_u"))
    fig.update_layout(height=380, title=T("insurance.ruin.psi_title"), xaxis_title=T("insurance.ruin.u0_axis"),
                      yaxis_title="ψ(u)")
    fig.update_yaxes(range=[0, 1.05])
    return _legend_below(fig)


def claim_step_figure(path: pd.DataFrame, t_now: float, T) -> go.Figure:
    """The replayed path up to the current claim."""
    part = path[path["t"] <= t_now + 1e-12]
    fig = go.Figure(go.Scatter(x=part["t"], y=part["surplus"], mode="lines+markers", line=dict(color=BLUE, width=3),
                               marker=dict(size=5), hovertemplate="t = %{x:.2f}<br>U = %{y:.2f}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color=RED, width=2, dash="dash"))
    x_hi = max(float(t_now) * 1.05, 1.0)
    y_lo = min(0.0, float(path["surplus"].min())) - 1
    y_hi = float(path[path["t"] <= x_hi]["surplus"].max()) + 1
    fig.update_layout(height=300, xaxis_title=T("insurance.ruin.t_axis"), yaxis_title=T("insurance.ruin.u_axis"),
                      showlegend=False)
    fig.update_xaxes(range=[0, x_hi])
    fig.update_yaxes(range=[y_lo, y_hi])
    return fig


# ------------------------------------------------------------------ 3. parametric pool
def pool_step_figure(state: dict, threshold: int, names: dict, T) -> go.Figure:
    """Left: the three ledger balances (yuan).  Right: this flight's delay against the trigger and the traveller's buffer."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.14,
                        subplot_titles=(T("insurance.param.balances_title"), T("insurance.param.flight_title")))
    bal = state["balances"]
    accounts = ["insurer", "pool", "travellers"]
    values = [bal[a] / 100 for a in accounts]
    fig.add_trace(go.Bar(x=[names[a] for a in accounts], y=values, marker_color=[PINK, BLUE, ORANGE],
                         text=[format_yuan(v, T.lang) for v in values], textposition="outside", cliponaxis=False,
                         hovertemplate="%{x}: ¥%{y:,.2f}<extra></extra>"), row=1, col=1)
    row = state.get("row")
    if row:
        colour = OUTCOME_COLOUR[row["outcome"]]
        fig.add_trace(go.Bar(x=[row["delay_min"]], y=[T("insurance.param.delay_bar")], orientation="h",
                             marker_color=colour, text=[T("insurance.param.minutes_fmt", m=row["delay_min"])],
                             textposition="outside", cliponaxis=False,
                             hovertemplate="%{x} min<extra></extra>"), row=1, col=2)
        fig.add_vline(x=threshold, line=dict(color=RED, width=3, dash="dash"), row=1, col=2)
        fig.add_vline(x=row["buffer_min"], line=dict(color=GREEN, width=2, dash="dot"), row=1, col=2)
        top = max(threshold, row["buffer_min"], row["delay_min"]) * 1.25
        fig.add_annotation(x=threshold, y=0.45, text=T("insurance.param.trigger_mark", m=threshold), showarrow=False,
                           xanchor="left", font=dict(color=RED), row=1, col=2)
        fig.add_annotation(x=row["buffer_min"], y=-0.45, text=T("insurance.param.buffer_mark", m=row["buffer_min"]),
                           showarrow=False, xanchor="right", font=dict(color=GREEN), row=1, col=2)
        fig.update_xaxes(range=[0, top], title_text=T("insurance.param.minutes"), row=1, col=2)
    else:
        fig.add_annotation(x=0.78, y=0.5, xref="paper", yref="paper", text=T("insurance.param.no_flight_yet"),
                           showarrow=False)
        fig.update_xaxes(visible=False, row=1, col=2)
        fig.update_yaxes(visible=False, row=1, col=2)
    fig.update_layout(height=330, showlegend=False)
    return fig


def outcome_figure(flights: pd.DataFrame, threshold: int, labels: dict, T) -> go.Figure:
    """Every flight: delay (x) against the traveller's buffer (y); the four basis-risk quadrants."""
    fig = go.Figure()
    for outcome in ("hit", "extra", "missed", "none"):
        part = flights[flights["outcome"] == outcome]
        fig.add_trace(go.Scatter(x=part["delay_min"], y=part["buffer_min"], mode="markers",
                                 marker=dict(size=12, color=OUTCOME_COLOUR[outcome], line=dict(width=1, color="white")),
                                 name=f"{labels[outcome]} ({len(part)})", customdata=part["flight"],
                                 hovertemplate="#%{customdata}: %{x} min / %{y} min<extra></extra>"))
    top = max(300, int(flights["delay_min"].max() * 1.05) + 10)
    fig.add_vline(x=threshold, line=dict(color=RED, width=2, dash="dash"))
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", line=dict(color=GREY, dash="dot"),
                             name=T("insurance.param.diagonal")))
    fig.update_layout(height=380, title=T("insurance.param.outcome_title"), xaxis_title=T("insurance.param.delay_axis"),
                      yaxis_title=T("insurance.param.buffer_axis"))
    fig.update_xaxes(range=[0, top])
    fig.update_yaxes(range=[40, 260])
    return _legend_below(fig, y=-0.3)


# ------------------------------------------------------------------ 4. mutual aid
def mutual_figure(df: pd.DataFrame, T) -> go.Figure:
    """Share per member each period (bars) against the fixed premium (line); members on a second panel."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.08,
                        subplot_titles=(T("insurance.mutual.share_title"), T("insurance.mutual.members_title")))
    above = df["share_fen"] > df["fixed_premium_fen"]
    fig.add_trace(go.Bar(x=df["period"], y=df["share_fen"] / 100, name=T("insurance.mutual.share_name"),
                         marker_color=[RED if a else SKY for a in above],
                         hovertemplate="%{x}: ¥%{y:,.2f}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=df["period"], y=df["fixed_premium_fen"] / 100, mode="lines", line_shape="hv",
                             line=dict(color=BLUE, width=3), name=T("insurance.mutual.fixed_name"),
                             hovertemplate="%{x}: ¥%{y:,.2f}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=df["period"], y=df["members"], mode="lines", line=dict(color=GREEN, width=3),
                             name=T("insurance.mutual.members_name"), hovertemplate="%{x}: %{y:,}<extra></extra>"),
                  row=2, col=1)
    fig.update_yaxes(title_text=T("insurance.price.yuan_axis"), row=1, col=1)
    fig.update_yaxes(tickformat=",d", row=2, col=1, rangemode="tozero")
    fig.update_xaxes(title_text=T("insurance.mutual.period_axis"), row=2, col=1)
    fig.update_layout(height=560)
    return _legend_below(fig)


# ------------------------------------------------------------------ 5. usage-based pricing
def ubi_figure(book: pd.DataFrame, you: tuple[float, float] | None, T) -> go.Figure:
    """True expected cost against the telematics premium, night-shift workers apart; the fair line y = x·k."""
    fig = go.Figure()
    for flag, colour, key in ((False, BLUE, "insurance.ubi.day_group"), (True, ORANGE, "insurance.ubi.night_group")):
        part = book[book["night_worker"] == flag]
        fig.add_trace(go.Scattergl(x=part["true_cost"], y=part["telematics"], mode="markers",
                                   marker=dict(size=6, color=colour, opacity=0.55), name=T(key),
                                   hovertemplate="¥%{x:,.0f} → ¥%{y:,.0f}<extra></extra>"))
    lo = float(min(book["true_cost"].min(), book["telematics"].min()))
    hi = float(max(book["true_cost"].max(), book["telematics"].max()))
    ratio = book["telematics"].sum() / book["true_cost"].sum()
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo * ratio, hi * ratio], mode="lines", line=dict(color=GREY, dash="dot"),
                             name=T("insurance.ubi.fair_line")))
    if you is not None:
        fig.add_trace(go.Scatter(x=[you[0]], y=[you[1]], mode="markers", name=T("insurance.ubi.you"),
                                 marker=dict(symbol="star", size=26, color=RED, line=dict(width=2, color="black"))))
    fig.update_layout(height=420, title=T("insurance.ubi.scatter_title"), xaxis_title=T("insurance.ubi.true_axis"),
                      yaxis_title=T("insurance.ubi.premium_axis"))
    return _legend_below(fig)


# ------------------------------------------------------------------ rules and market
TOPIC_COLOUR = {"zhongan": BLUE, "shipping": BLUE, "sales": SKY, "fizzy": ORANGE, "mutual": PINK,
                "regulation": RED, "market": GREEN, "ubi": GREY}


def timeline_figure(facts: pd.DataFrame, labels: dict, label_col: str, T) -> go.Figure:
    """Dated facts of the chapter on one time axis, a row per topic; hover shows the fact."""
    fig = go.Figure()
    for topic in dict.fromkeys(facts["topic"]):
        part = facts[facts["topic"] == topic]
        fig.add_trace(go.Scatter(x=part["when"], y=[labels[topic]] * len(part), mode="markers", name=labels[topic],
                                 marker=dict(size=15, color=TOPIC_COLOUR.get(topic, GREY), line=dict(width=1, color="white")),
                                 text=part[label_col], customdata=part["date"],
                                 hovertemplate="%{customdata}<br>%{text}<extra></extra>"))
    fig.update_layout(height=330, showlegend=False, title=T("insurance.rules.timeline_title"),
                      hoverlabel=dict(namelength=-1), xaxis_title=T("insurance.rules.timeline_axis"))
    return fig
