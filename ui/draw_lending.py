"""Plotly figures for the P2P lending page (pages/2_lending.py).  Drawing only: no financial maths."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe & Ito (2008) colour-blind-safe hues, named so each series keeps its meaning on every chart
BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"


def points_bar(points: pd.DataFrame, names: dict, T) -> go.Figure:
    """Horizontal bars: points of each characteristic for this applicant, weakest at the top."""
    df = points.sort_values("points")
    colours = [RED if w < 0 else GREEN for w in df["woe"]]
    fig = go.Figure(go.Bar(x=df["points"], y=[names[f] for f in df["feature"]], orientation="h",
                           marker_color=colours, text=[f"{p:.0f}" for p in df["points"]], textposition="auto",
                           customdata=df["woe"], hovertemplate="%{y}: %{x:.1f}<br>WOE %{customdata:.3f}<extra></extra>"))
    fig.update_layout(height=max(300, 26 * len(df) + 60), xaxis_title=T("lending.score.points_axis"),
                      title=T("lending.score.points_title"))
    return fig


def roc_figure(roc: pd.DataFrame, auc: float, ks: float, ks_at: int, T) -> go.Figure:
    """ROC curve of the held-out split, the diagonal of a coin toss and the KS gap."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color=GREY),
                             name=T("lending.score.chance")))
    fig.add_trace(go.Scatter(x=roc["fpr"], y=roc["tpr"], mode="lines", line=dict(color=BLUE, width=3),
                             name=T("lending.score.roc_name", auc=auc)))
    r = roc.iloc[ks_at]
    fig.add_trace(go.Scatter(x=[r["fpr"], r["fpr"]], y=[r["fpr"], r["tpr"]], mode="lines+markers",
                             line=dict(color=ORANGE, width=3), name=T("lending.score.ks_name", ks=ks)))
    fig.update_layout(height=360, xaxis_title=T("lending.score.fpr"), yaxis_title=T("lending.score.tpr"),
                      title=T("lending.score.roc_title"), legend=dict(orientation="h", y=-0.25))
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return fig


def score_hist(score: np.ndarray, bad: np.ndarray, mine: float, T) -> go.Figure:
    """Held-out scores of goods and bads, and where this applicant lands."""
    fig = go.Figure()
    fig.add_trace(go.Histogram(x=score[bad == 0], name=T("lending.score.good"), marker_color=GREEN, opacity=0.65,
                               xbins=dict(size=10)))
    fig.add_trace(go.Histogram(x=score[bad == 1], name=T("lending.score.bad"), marker_color=RED, opacity=0.65,
                               xbins=dict(size=10)))
    fig.add_vline(x=mine, line=dict(color=BLUE, width=3), annotation_text=T("lending.score.you"))
    fig.update_layout(barmode="overlay", height=360, xaxis_title=T("lending.score.score_axis"),
                      yaxis_title=T("lending.score.count_axis"), title=T("lending.score.hist_title"),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def match_figure(state: dict, investors: list[str], loans: list[str], T) -> go.Figure:
    """Left: who funds which loan (heat map of notes, yuan).  Right: raised against asked per loan."""
    alloc = state["alloc"] / 100
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.12,
                        subplot_titles=(T("lending.match.heat_title"), T("lending.match.bar_title")))
    fig.add_trace(go.Heatmap(z=alloc, x=loans, y=investors, colorscale="Blues", showscale=False,
                             zmin=0, zmax=max(1.0, float(alloc.max())),
                             text=[[f"{v:,.0f}" if v else "" for v in row] for row in alloc],
                             texttemplate="%{text}", hovertemplate="%{y} → %{x}: ¥%{z:,.0f}<extra></extra>"),
                  row=1, col=1)
    cur = state["current"]
    colours = [ORANGE if j == cur else (GREEN if r == a else (SKY if r > 0 else GREY))
               for j, (r, a) in enumerate(zip(state["raised"], state["asked"]))]
    fig.add_trace(go.Bar(x=loans, y=state["asked"] / 100, marker_color="rgba(128,128,128,0.25)",
                         name=T("lending.match.asked"), hovertemplate="%{x}: ¥%{y:,.0f}<extra></extra>"), row=1, col=2)
    fig.add_trace(go.Bar(x=loans, y=state["raised"] / 100, marker_color=colours, name=T("lending.match.raised"),
                         hovertemplate="%{x}: ¥%{y:,.0f}<extra></extra>"), row=1, col=2)
    fig.update_layout(barmode="overlay", height=max(380, 18 * len(investors) + 120), showlegend=False)
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    return fig


def schedule_figure(a: pd.DataFrame, b: pd.DataFrame, T) -> go.Figure:
    """Monthly payment split into principal and interest: equal installments vs equal principal."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=(T("lending.sched.installment"), T("lending.sched.principal")))
    for col, df in ((1, a), (2, b)):
        fig.add_trace(go.Bar(x=df.index, y=df["principal"], marker_color=BLUE, name=T("lending.sched.col_principal"),
                             showlegend=col == 1), row=1, col=col)
        fig.add_trace(go.Bar(x=df.index, y=df["interest"], marker_color=ORANGE, name=T("lending.sched.col_interest"),
                             showlegend=col == 1), row=1, col=col)
    fig.update_layout(barmode="stack", bargap=0, height=360, legend=dict(orientation="h", y=-0.2),
                      yaxis_title=T("lending.sched.axis_payment"))
    fig.update_xaxes(title_text=T("lending.sched.axis_month"))
    return fig


def return_hist(returns: np.ndarray, T) -> go.Figure:
    """Distribution of the whole loan book's one-year return over the scenarios."""
    fig = go.Figure(go.Histogram(x=returns * 100, nbinsx=50, marker_color=BLUE))
    fig.add_vline(x=0, line=dict(color=RED, dash="dot"))
    fig.update_layout(height=320, xaxis_title=T("lending.risk.return_axis"), yaxis_title=T("lending.risk.scenarios"),
                      title=T("lending.risk.book_title"))
    return fig


def diversification_figure(dv: pd.DataFrame, T) -> go.Figure:
    """Box plots of an investor's return with 1, 10 and 100 notes."""
    fig = go.Figure()
    for k, colour in zip(sorted(dv["notes"].unique()), [RED, ORANGE, GREEN]):
        part = dv[dv["notes"] == k]
        label = T("lending.risk.notes_one") if int(k) == 1 else T("lending.risk.notes_name", k=int(k))
        fig.add_trace(go.Box(y=part["ret"] * 100, name=label, marker_color=colour,
                             boxpoints=False))
    fig.add_hline(y=0, line=dict(color=GREY, dash="dot"))
    fig.update_layout(height=320, yaxis_title=T("lending.risk.return_axis"), title=T("lending.risk.div_title"),
                      showlegend=False)
    return fig


def reserve_figure(res: pd.DataFrame, chosen: float, T) -> go.Figure:
    """Probability that the reserve is used up, and the mean loss, against the default-rate shock."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=res["shock"], y=res["p_exhausted"] * 100, mode="lines+markers",
                             line=dict(color=RED, width=3), name=T("lending.risk.p_exhausted")), secondary_y=False)
    fig.add_trace(go.Scatter(x=res["shock"], y=res["mean_loss"] * 100, mode="lines+markers",
                             line=dict(color=BLUE, dash="dash"), name=T("lending.risk.mean_loss")), secondary_y=True)
    fig.add_vline(x=chosen, line=dict(color=ORANGE, width=2))
    fig.update_layout(height=320, title=T("lending.risk.reserve_title"), legend=dict(orientation="h", y=-0.3))
    fig.update_xaxes(title_text=T("lending.risk.shock_axis"))
    fig.update_yaxes(title_text=T("lending.risk.p_exhausted"), range=[0, 102], secondary_y=False)
    fig.update_yaxes(title_text=T("lending.risk.mean_loss_axis"), range=[0, float(res["mean_loss"].max()) * 110],
                     showgrid=False, tickmode="auto", nticks=6, tickformat=".0f", secondary_y=True)
    return fig


def platform_now(now: dict, T) -> go.Figure:
    """This month: what the pool holds against what it owes; the custody platform's loans and disclosed losses."""
    f = 1e-8   # fen → ¥ million
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.14, column_widths=[0.6, 0.4],
                        subplot_titles=(T("lending.fail.pool_title"), T("lending.fail.custody_title")))
    holds, owes, gone = T("lending.fail.x_holds"), T("lending.fail.x_owes"), T("lending.fail.x_gone")
    bars = [(holds, now["pool_cash"], T("lending.fail.cash"), SKY), (holds, now["pool_loans"], T("lending.fail.loans"), BLUE),
            (owes, now["pool_claims"], T("lending.fail.claims"), ORANGE),
            (gone, now["pool_hidden"], T("lending.fail.hidden"), RED), (gone, now["pool_related"], T("lending.fail.siphoned"), PINK),
            (gone, now["pool_firesale"], T("lending.fail.firesale"), GREY)]
    for x, v, name, colour in bars:
        fig.add_trace(go.Bar(x=[x], y=[v * f], name=name, marker_color=colour,
                             hovertemplate=name + ": ¥%{y:,.2f}m<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(x=[T("lending.fail.x_lent")], y=[now["cus_loans"] * f], name=T("lending.fail.loans"),
                         marker_color=BLUE, showlegend=False), row=1, col=2)
    fig.add_trace(go.Bar(x=[T("lending.fail.x_lost")], y=[now["cus_losses"] * f], name=T("lending.fail.disclosed"),
                         marker_color=GREEN), row=1, col=2)
    fig.update_layout(barmode="stack", height=400, yaxis_title=T("lending.fail.axis_million"),
                      legend=dict(orientation="h", y=-0.15))
    return fig


def platform_history(history: list[dict], months: int, T) -> go.Figure:
    """Pool: assets against promises month by month; the gap is the hidden hole."""
    h = pd.DataFrame(history)
    f = 1e-8
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=h["t"], y=(h["pool_cash"] + h["pool_loans"]) * f, mode="lines+markers",
                             name=T("lending.fail.assets"), line=dict(color=BLUE, width=3)))
    fig.add_trace(go.Scatter(x=h["t"], y=h["pool_claims"] * f, mode="lines+markers", name=T("lending.fail.claims"),
                             line=dict(color=ORANGE, width=3)))
    fig.add_trace(go.Scatter(x=h["t"], y=h["new_fen"] * f, mode="lines", name=T("lending.fail.inflow"),
                             line=dict(color=GREEN, dash="dash")))
    fig.add_trace(go.Scatter(x=h["t"], y=h["cus_losses"] * f, mode="lines", name=T("lending.fail.custody_losses"),
                             line=dict(color=GREEN, dash="dot")))
    fig.update_layout(height=400, xaxis_title=T("lending.fail.axis_month"), yaxis_title=T("lending.fail.axis_million"),
                      title=T("lending.fail.history_title"), legend=dict(orientation="h", y=-0.3))
    fig.update_xaxes(range=[0.5, months + 0.5])
    return fig


def platform_counts(counts: pd.DataFrame, T) -> go.Figure:
    """China's operating P2P platforms, trackers and official counts marked apart."""
    fig = go.Figure()
    for kind, colour in (("tracker", BLUE), ("derived", SKY), ("official", RED)):
        part = counts[counts["kind"] == kind]
        fig.add_trace(go.Scatter(x=part["date"], y=part["platforms"], mode="markers", name=T(f"lending.fail.kind_{kind}"),
                                 marker=dict(size=12, color=colour), text=part["source"],
                                 hovertemplate="%{x}: %{y:,}<br>%{text}<extra></extra>"))
    fig.add_trace(go.Scatter(x=counts["date"], y=counts["platforms"], mode="lines", line=dict(color=GREY),
                             showlegend=False, hoverinfo="skip"))
    fig.update_layout(height=340, title=T("lending.fail.counts_title"), yaxis_title=T("lending.fail.counts_axis"),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def disclosure_figure(d: pd.DataFrame, month: int, T) -> go.Figure:
    """Loan balance (bars) and the two overdue rates (lines) month by month."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=d["month"], y=d["balance"] / 1e4,
                         marker_color=[ORANGE if m == month else BLUE for m in d["month"]],
                         name=T("lending.disc.balance_axis")), secondary_y=False)
    fig.add_trace(go.Scatter(x=d["month"], y=d["project_overdue_rate"] * 100, mode="lines+markers",
                             name=T("lending.disc.item.project_overdue_rate"), line=dict(color=RED)), secondary_y=True)
    fig.add_trace(go.Scatter(x=d["month"], y=d["amount_overdue_rate"] * 100, mode="lines+markers",
                             name=T("lending.disc.item.amount_overdue_rate"), line=dict(color=PINK, dash="dash")),
                  secondary_y=True)
    fig.update_layout(height=330, legend=dict(orientation="h", y=-0.25), title=T("lending.disc.chart_title"))
    fig.update_xaxes(title_text=T("lending.disc.month_axis"))
    fig.update_yaxes(title_text=T("lending.disc.balance_axis"), secondary_y=False)
    top = float(max(d["project_overdue_rate"].max(), d["amount_overdue_rate"].max()))
    fig.update_yaxes(title_text="%", range=[0, max(top * 115, 1.0)], showgrid=False,
                     tickmode="auto", nticks=6, tickformat=".1f", secondary_y=True)
    return fig
