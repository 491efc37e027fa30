"""Plotly figures for the P2P lending page (pages/2_lending.py).  Drawing only: no financial maths.

Every figure is built in one ``go.Figure(data=..., layout=...)`` call: plotly validates the whole
spec once, which is ~15× faster than ``make_subplots`` followed by ``update_*`` calls (measured
here: 7 ms against 124 ms for a two-panel bar chart).

Every chart is a ``@figure`` builder (``ui.figure``): built once per distinct input, language and
presenter mode and shared read-only by every visitor, so a rerun that shows the same chart is a
lookup.  A builder takes what it shows as plain, cheaply hashed arguments (numbers, tuples, numeric
or fixed-width ``str`` numpy arrays; never a DataFrame, whose hash costs 1–6 ms, nor an object
array, which would be hashed by its pointers) and its words from ``translator()``.  The ``*_args``
helpers turn a DataFrame or a step's state into those arguments.  Nobody changes a returned figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.frame import translator
from ui.widgets import figure

# Okabe & Ito (2008) colour-blind-safe hues, named so each series keeps its meaning on every chart
BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"
H_LEGEND = dict(orientation="h", yanchor="top", y=-0.28)


def _title(text: str) -> dict:
    return dict(text=text)


def _panel_titles(left: str, right: str, split: float = 0.5) -> list[dict]:
    """Subplot titles as annotations above two side-by-side panels."""
    gap = 0.06
    return [dict(text=left, x=(split - gap) / 2, xref="paper", y=1.0, yref="paper", yanchor="bottom", showarrow=False),
            dict(text=right, x=(split + gap + 1) / 2, xref="paper", y=1.0, yref="paper", yanchor="bottom", showarrow=False)]


def _vline(x: float, colour: str, dash: str = "solid", width: int = 3) -> dict:
    return dict(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper", line=dict(color=colour, dash=dash,
                                                                                        width=width))


def _hline(y: float, colour: str, dash: str = "dot") -> dict:
    return dict(type="line", x0=0, x1=1, y0=y, y1=y, xref="paper", yref="y", line=dict(color=colour, dash=dash))


def column(df: pd.DataFrame, name: str) -> np.ndarray:
    """A column as a builder argument: numbers as they are, text as a fixed-width ``str`` array."""
    values = df[name].to_numpy()
    return values.astype(str) if values.dtype == object else values


@figure(max_entries=128)       # one per student's own inputs: a class of 80 fits
def points_bar(features: tuple[str, ...], points: np.ndarray, woe: np.ndarray) -> go.Figure:
    """Horizontal bars: points of each characteristic for this applicant (lowest at the top)."""
    T = translator()
    order = np.argsort(points, kind="quicksort")        # as DataFrame.sort_values("points")
    pts, w = points[order], woe[order]
    colours = [RED if x < 0 else GREEN for x in w]
    bar = go.Bar(x=pts, y=[T(f"lending.feature.{features[i]}") for i in order], orientation="h", marker_color=colours,
                 text=[f"{p:.0f}" for p in pts], textposition="auto", customdata=w,
                 hovertemplate="%{y}: %{x:.1f}<br>WOE %{customdata:.3f}<extra></extra>")
    return go.Figure(data=[bar], layout=dict(height=max(320, 34 * len(pts) + 80),
                                             title=_title(T("lending.score.points_title")),
                                             xaxis=dict(title=T("lending.score.points_axis"))))


@figure
def roc_figure(fpr: np.ndarray, tpr: np.ndarray, auc: float, ks: float, ks_at: int) -> go.Figure:
    """ROC curve of the held-out split, the diagonal of a coin toss and the KS gap."""
    T = translator()
    f_ks, t_ks = fpr[ks_at], tpr[ks_at]
    data = [go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color=GREY), name=T("lending.score.chance")),
            go.Scatter(x=fpr, y=tpr, mode="lines", line=dict(color=BLUE, width=3),
                       name=T("lending.score.roc_name", auc=auc)),
            go.Scatter(x=[f_ks, f_ks], y=[f_ks, t_ks], mode="lines+markers", line=dict(color=ORANGE, width=3),
                       name=T("lending.score.ks_name", ks=ks))]
    return go.Figure(data=data, layout=dict(height=380, title=_title(T("lending.score.roc_title")), legend=H_LEGEND,
                                            xaxis=dict(title=T("lending.score.fpr"), range=[0, 1]),
                                            yaxis=dict(title=T("lending.score.tpr"), range=[0, 1.02])))


@figure(max_entries=128)       # one per student's own inputs: a class of 80 fits
def score_hist(score: np.ndarray, bad: np.ndarray, mine: float, cutoff: float | None = None) -> go.Figure:
    """Held-out scores of goods and bads, where this applicant lands and (optionally) the cut-off."""
    T = translator()
    data = [go.Histogram(x=score[bad == 0], name=T("lending.score.good"), marker_color=GREEN, opacity=0.65,
                         xbins=dict(size=10)),
            go.Histogram(x=score[bad == 1], name=T("lending.score.bad"), marker_color=RED, opacity=0.65, xbins=dict(size=10))]
    return go.Figure(data=data, layout=dict(
        barmode="overlay", height=340, title=_title(T("lending.score.hist_title")), legend=H_LEGEND,
        xaxis=dict(title=T("lending.score.score_axis")), yaxis=dict(title=T("lending.score.count_axis")),
        shapes=[_vline(mine, BLUE)] + ([_vline(cutoff, GREY, "dash", 2)] if cutoff is not None else []),
        annotations=[dict(x=mine, y=1, xref="x", yref="paper", text=T("lending.score.you"), showarrow=False,
                          xanchor="left", yanchor="bottom")]
        + ([dict(x=cutoff, y=0.9, xref="x", yref="paper", text=T("lending.score.cutoff_mark"), showarrow=False,
                 xanchor="right", yanchor="bottom")] if cutoff is not None else [])))


def match_args(state: dict) -> tuple:
    """A matching step's state as ``match_figure``'s first arguments: allocation, raised, asked (fen), current."""
    return state["alloc"], state["raised"], state["asked"], state["current"]


@figure(max_entries=128)
def match_figure(alloc_fen: np.ndarray, raised: np.ndarray, asked: np.ndarray, current: int,
                 investors: tuple[str, ...], loans: tuple[str, ...]) -> go.Figure:
    """Left: who funds which loan (heat map of notes, yuan).  Right: raised against asked per loan.

    One entry per step (see ``match_args``), so replaying a step is a lookup."""
    T = translator()
    investors, loans = list(investors), list(loans)
    alloc = alloc_fen / 100
    colours = [ORANGE if j == current else (GREEN if r == a else (SKY if r > 0 else GREY))
               for j, (r, a) in enumerate(zip(raised, asked))]
    data = [go.Heatmap(z=alloc, x=loans, y=investors, colorscale="Blues", showscale=False, zmin=0,
                       zmax=max(1.0, float(alloc.max())),
                       text=[[f"{v:,.0f}" if v else "" for v in row] for row in alloc], texttemplate="%{text}",
                       hovertemplate="%{y} → %{x}: ¥%{z:,.0f}<extra></extra>"),
            go.Bar(x=loans, y=asked / 100, marker_color="rgba(128,128,128,0.25)", name=T("lending.match.asked"),
                   xaxis="x2", yaxis="y2", hovertemplate="%{x}: ¥%{y:,.0f}<extra></extra>"),
            go.Bar(x=loans, y=raised / 100, marker_color=colours, name=T("lending.match.raised"),
                   xaxis="x2", yaxis="y2", hovertemplate="%{x}: ¥%{y:,.0f}<extra></extra>")]
    layout = dict(barmode="overlay", height=max(400, 18 * len(investors) + 140), showlegend=False,
                  title=_title(T("lending.match.chart_title")),
                  xaxis=dict(domain=[0, 0.56]), yaxis=dict(autorange="reversed"),
                  xaxis2=dict(domain=[0.66, 1], anchor="y2"), yaxis2=dict(anchor="x2"),
                  annotations=_panel_titles(T("lending.match.heat_title"), T("lending.match.bar_title"), 0.61))
    return go.Figure(data=data, layout=layout)


def schedule_args(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A repayment schedule as ``schedule_figure``'s argument: (month, principal, interest, payment)."""
    return df.index.to_numpy(), df["principal"].to_numpy(), df["interest"].to_numpy(), df["payment"].to_numpy()


@figure
def schedule_figure(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> go.Figure:
    """Monthly payment split into principal and interest: equal installments (left) vs equal principal (right).

    ``a`` and ``b`` come from ``schedule_args``."""
    T = translator()
    data = []
    for n, (month, principal, interest, _) in enumerate((a, b)):
        ax = {} if n == 0 else dict(xaxis="x2", yaxis="y2")
        data += [go.Bar(x=month, y=principal, marker_color=BLUE, name=T("lending.sched.col_principal"),
                        showlegend=n == 0, legendgroup="p", **ax),
                 go.Bar(x=month, y=interest, marker_color=ORANGE, name=T("lending.sched.col_interest"),
                        showlegend=n == 0, legendgroup="i", **ax)]
    top = float(max(a[3].max(), b[3].max())) * 1.05
    layout = dict(barmode="stack", bargap=0, height=380, legend=H_LEGEND, title=_title(T("lending.sched.chart_title")),
                  xaxis=dict(domain=[0, 0.47], title=T("lending.sched.axis_month")),
                  xaxis2=dict(domain=[0.53, 1], anchor="y2", title=T("lending.sched.axis_month")),
                  yaxis=dict(title=T("lending.sched.axis_payment"), range=[0, top]),
                  yaxis2=dict(anchor="x2", range=[0, top], showticklabels=False),
                  annotations=_panel_titles(T("lending.sched.installment"), T("lending.sched.principal")))
    return go.Figure(data=data, layout=layout)


@figure
def return_hist(returns: np.ndarray) -> go.Figure:
    """Distribution of the whole loan book's one-year return over the scenarios."""
    T = translator()
    return go.Figure(data=[go.Histogram(x=returns * 100, nbinsx=50, marker_color=BLUE)],
                     layout=dict(height=320, title=_title(T("lending.risk.book_title")), shapes=[_vline(0, RED, "dot", 2)],
                                 xaxis=dict(title=T("lending.risk.return_axis")), yaxis=dict(title=T("lending.risk.scenarios"))))


@figure
def diversification_figure(notes: np.ndarray, ret: np.ndarray) -> go.Figure:
    """Box plots of an investor's return with 1, 10 and 100 notes (one element per investor and scenario)."""
    T = translator()
    data = []
    for k, colour in zip(sorted(np.unique(notes)), [RED, ORANGE, GREEN]):
        part = notes == k
        label = T("lending.risk.notes_one") if int(k) == 1 else T("lending.risk.notes_name", k=int(k))
        data.append(go.Box(y=ret[part] * 100, name=label, marker_color=colour, boxpoints=False))
    return go.Figure(data=data, layout=dict(height=320, title=_title(T("lending.risk.div_title")), showlegend=False,
                                            yaxis=dict(title=T("lending.risk.return_axis")), shapes=[_hline(0, GREY)]))


@figure
def reserve_figure(shock: np.ndarray, p_exhausted: np.ndarray, mean_loss: np.ndarray, chosen: float) -> go.Figure:
    """Probability that the reserve is used up (left axis) and the mean loss (right axis) against the shock."""
    T = translator()
    data = [go.Scatter(x=shock, y=p_exhausted * 100, mode="lines+markers", line=dict(color=RED, width=3),
                       name=T("lending.risk.p_exhausted")),
            go.Scatter(x=shock, y=mean_loss * 100, mode="lines+markers", line=dict(color=BLUE, dash="dash"),
                       name=T("lending.risk.mean_loss"), yaxis="y2")]
    layout = dict(height=330, title=_title(T("lending.risk.reserve_title")), legend=H_LEGEND,
                  xaxis=dict(title=T("lending.risk.shock_axis")),
                  yaxis=dict(title=T("lending.risk.p_exhausted"), range=[0, 102]),
                  yaxis2=dict(title=T("lending.risk.mean_loss_axis"), overlaying="y", side="right", showgrid=False,
                              range=[0, float(mean_loss.max()) * 110], tickformat=".0f"),
                  shapes=[_vline(chosen, ORANGE, "solid", 2)])
    return go.Figure(data=data, layout=layout)


NOW_FIELDS = ("pool_cash", "pool_loans", "pool_claims", "pool_hidden", "pool_related", "pool_firesale", "cus_loans",
              "cus_losses")


def now_args(now: dict) -> tuple:
    """A month's state as ``platform_now``'s argument: its ``NOW_FIELDS`` in fen, in that order."""
    return tuple(now[k] for k in NOW_FIELDS)


@figure(max_entries=128)
def platform_now(values: tuple) -> go.Figure:
    """This month: what the pool holds against what it owes; the custody platform's loans and disclosed losses.

    ``values`` comes from ``now_args``: one entry per step, so replaying a step is a lookup."""
    T = translator()
    now = dict(zip(NOW_FIELDS, values))
    f = 1e-8   # fen → ¥ million
    holds, owes, gone = T("lending.fail.x_holds"), T("lending.fail.x_owes"), T("lending.fail.x_gone")
    bars = [(holds, now["pool_cash"], T("lending.fail.cash"), SKY), (holds, now["pool_loans"], T("lending.fail.loans"), BLUE),
            (owes, now["pool_claims"], T("lending.fail.claims"), ORANGE),
            (gone, now["pool_hidden"], T("lending.fail.hidden"), RED), (gone, now["pool_related"], T("lending.fail.siphoned"), PINK),
            (gone, now["pool_firesale"], T("lending.fail.firesale"), GREY)]
    data = [go.Bar(x=[x], y=[v * f], name=name, marker_color=colour, hovertemplate=name + ": ¥%{y:,.2f}m<extra></extra>")
            for x, v, name, colour in bars]
    data += [go.Bar(x=[T("lending.fail.x_lent")], y=[now["cus_loans"] * f], name=T("lending.fail.loans"), marker_color=BLUE,
                    showlegend=False, xaxis="x2", yaxis="y2"),
             go.Bar(x=[T("lending.fail.x_lost")], y=[now["cus_losses"] * f], name=T("lending.fail.disclosed"),
                    marker_color=GREEN, xaxis="x2", yaxis="y2")]
    layout = dict(barmode="stack", height=400, legend=dict(orientation="h", y=-0.15),
                  title=_title(T("lending.fail.now_title")),
                  xaxis=dict(domain=[0, 0.56]), yaxis=dict(title=T("lending.fail.axis_million")),
                  xaxis2=dict(domain=[0.68, 1], anchor="y2"), yaxis2=dict(anchor="x2"),
                  annotations=_panel_titles(T("lending.fail.pool_title"), T("lending.fail.custody_title"), 0.62))
    return go.Figure(data=data, layout=layout)


HISTORY_FIELDS = ("t", "pool_cash", "pool_loans", "pool_claims", "new_fen", "cus_losses")


def history_args(history: list[dict]) -> tuple[np.ndarray, ...]:
    """The months so far as ``platform_history``'s first argument: one array per ``HISTORY_FIELDS``."""
    return tuple(np.array([month[k] for month in history]) for k in HISTORY_FIELDS)


@figure(max_entries=128)
def platform_history(history: tuple[np.ndarray, ...], months: int) -> go.Figure:
    """Pool: assets against promises month by month (the gap is the hidden hole); custody losses for comparison.

    ``history`` comes from ``history_args``: one entry per step, so replaying a step is a lookup."""
    T = translator()
    h = dict(zip(HISTORY_FIELDS, history))
    f = 1e-8
    data = [go.Scatter(x=h["t"], y=(h["pool_cash"] + h["pool_loans"]) * f, mode="lines+markers", name=T("lending.fail.assets"),
                       line=dict(color=BLUE, width=3)),
            go.Scatter(x=h["t"], y=h["pool_claims"] * f, mode="lines+markers", name=T("lending.fail.claims"),
                       line=dict(color=ORANGE, width=3)),
            go.Scatter(x=h["t"], y=h["new_fen"] * f, mode="lines", name=T("lending.fail.inflow"), line=dict(color=SKY, dash="dash")),
            go.Scatter(x=h["t"], y=h["cus_losses"] * f, mode="lines", name=T("lending.fail.custody_losses"),
                       line=dict(color=GREEN, dash="dot"))]
    return go.Figure(data=data, layout=dict(height=400, title=_title(T("lending.fail.history_title")),
                                            legend=dict(orientation="h", y=-0.3),
                                            xaxis=dict(title=T("lending.fail.axis_month"), range=[0.5, months + 0.5]),
                                            yaxis=dict(title=T("lending.fail.axis_million"))))


@figure(max_entries=8)
def platform_counts(date: np.ndarray, platforms: np.ndarray, kinds: np.ndarray, source: np.ndarray) -> go.Figure:
    """China's operating P2P platforms, trackers and official counts marked apart (one element per count)."""
    T = translator()
    data = [go.Scatter(x=date, y=platforms, mode="lines", line=dict(color=GREY), showlegend=False,
                       hoverinfo="skip")]
    for kind, colour in (("tracker", BLUE), ("derived", SKY), ("official", RED)):
        part = kinds == kind
        data.append(go.Scatter(x=date[part], y=platforms[part], mode="markers", name=T(f"lending.fail.kind_{kind}"),
                               marker=dict(size=12, color=colour), text=source[part],
                               hovertemplate="%{x}: %{y:,}<br>%{text}<extra></extra>"))
    return go.Figure(data=data, layout=dict(height=380, title=_title(T("lending.fail.counts_title")), legend=H_LEGEND,
                                            yaxis=dict(title=T("lending.fail.counts_axis"))))


@figure
def disclosure_figure(months: np.ndarray, balance: np.ndarray, project_overdue_rate: np.ndarray,
                      amount_overdue_rate: np.ndarray, month: int) -> go.Figure:
    """Loan balance (bars, left axis) and the two overdue rates (lines, right axis) month by month."""
    T = translator()
    top = float(max(project_overdue_rate.max(), amount_overdue_rate.max()))
    data = [go.Bar(x=months, y=balance / 1e4, marker_color=[ORANGE if m == month else BLUE for m in months],
                   name=T("lending.disc.balance_axis")),
            go.Scatter(x=months, y=project_overdue_rate * 100, mode="lines+markers",
                       name=T("lending.disc.item.project_overdue_rate"), line=dict(color=RED), yaxis="y2"),
            go.Scatter(x=months, y=amount_overdue_rate * 100, mode="lines+markers",
                       name=T("lending.disc.item.amount_overdue_rate"), line=dict(color=PINK, dash="dash"), yaxis="y2")]
    layout = dict(height=330, legend=H_LEGEND, title=_title(T("lending.disc.chart_title")),
                  xaxis=dict(title=T("lending.disc.month_axis"), dtick=1),
                  yaxis=dict(title=T("lending.disc.balance_axis")),
                  yaxis2=dict(title="%", overlaying="y", side="right", showgrid=False, range=[0, max(top * 115, 1.0)],
                              tickformat=".1f"))
    return go.Figure(data=data, layout=layout)
