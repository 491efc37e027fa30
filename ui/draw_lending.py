"""Plotly figures of the P2P lending page (pages/2_lending.py), and the page's cached results.  No
financial maths here: that is core/credit.py, core/lending.py and core/p2p.py.

This module is imported once; the page script runs again on every rerun.  So the page's caches live
here: a cached function defined in the page would be re-created, and its source re-read, on every
rerun (~0.2–0.6 ms each, measured).

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

import pickle
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from core import credit, lending, p2p
from ui.frame import presenter, translator
from ui.i18n import LANGS, Translator
from ui.widgets import figure

DATA = Path(__file__).resolve().parent.parent / "data"

# Okabe & Ito (2008) colour-blind-safe hues, named so each series keeps its meaning on every chart
BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"
# A legend anchored to the bottom of the whole figure (not of the plot area): plotly then keeps the plot
# area clear of it, so it never lands on tick labels or axis titles, at 20 px on a projector or on a phone.
H_LEGEND = dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0, xanchor="left")


def wrap_title(text: str, lang: str) -> str:
    """A chart title broken into lines short enough for a phone (plotly cuts a long title off, it does not
    wrap it): about 40 Latin characters or 20 Chinese ones a line, at a space or after punctuation."""
    if lang == "zh":
        limit, lines = 20, []
        while len(text) > limit + 2:
            cut = max((i + 1 for i, c in enumerate(text[:limit + 1]) if c in "：，、；（—"), default=limit)
            cut = cut if cut > limit // 2 else limit
            if text[cut - 1] == "（":
                cut -= 1
            lines.append(text[:cut])
            text = text[cut:]
        return "<br>".join(lines + [text])
    import textwrap
    return "<br>".join(textwrap.wrap(text, 40, break_long_words=False))


def _title(text: str) -> dict:
    """A wrapped title that pushes the top margin as far as its lines need (never onto the plot)."""
    return dict(text=wrap_title(text, translator().lang), automargin=True, yref="paper", y=1, yanchor="bottom",
                pad=dict(b=30))


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


def arrow(df: pd.DataFrame) -> pa.Table:
    """``df`` as the Arrow table ``st.dataframe`` would make of it (the same bytes on the wire, checked): a
    cached table is converted once instead of on every rerun, and an Arrow table cannot be changed."""
    return pa.Table.from_pandas(df)


def column(df: pd.DataFrame, name: str) -> np.ndarray:
    """A column as a builder argument: numbers as they are, text as a fixed-width ``str`` array."""
    values = df[name].to_numpy()
    return values.astype(str) if values.dtype == object else values


# ====================================================================== cached results (the page's work)
# cache_data hands every visitor their own copy; cache_resource objects are shared: read them, never mutate.
@st.cache_resource(max_entries=16, show_spinner=False)
def fit(seed: int, base_score: int, base_odds: int, pdo: int) -> SimpleNamespace:
    """The fitted scorecard, its held-out ROC, AUC and KS, its points table and the tables shown in each
    language: shared, read-only (as cache_data the scorecard was unpickled on every rerun, ~1 ms)."""
    card = credit.fit_scorecard(seed=seed, base_score=base_score, base_odds=base_odds, pdo=pdo)
    card.test_score.setflags(write=False)
    card.test_bad.setflags(write=False)
    roc = credit.roc_curve(card.test_score, card.test_bad)
    ks, ks_cut = credit.ks_statistic(card.test_score, card.test_bad)
    points = card.points_table()
    return SimpleNamespace(card=card, roc=roc, auc=credit.auc(card.test_score, card.test_bad), ks=ks, ks_cut=ks_cut,
                           ks_at=credit.ks_index(roc), points=points,
                           tables={lang: score_tables(card, points, Translator(lang)) for lang in LANGS})


@st.cache_resource(max_entries=1, show_spinner=False)
def tables() -> SimpleNamespace:
    """The data shipped with the page, read once: German credit rows, the rules quoted in the failure tab and
    the platform counts (with their headline numbers).  Shared, read-only."""
    rules = pd.read_csv(DATA / "p2p_rules.csv")
    rules = rules[rules["id"].isin(["self_financing", "pooling", "guarantee", "maturity_split", "false_promotion",
                                    "custody"])]
    counts = pd.read_csv(DATA / "p2p_platforms.csv")
    peak = counts.loc[counts["platforms"].idxmax()]
    return SimpleNamespace(
        german=credit.load_german_credit(),
        rules=[(r["id"], r["rule"], r["rule_zh"], r["text_zh"], r["text_en"]) for _, r in rules.iterrows()],
        counts=tuple(column(counts, c) for c in ("date", "platforms", "kind", "source")),
        counts_text=dict(peak=int(peak["platforms"]), peak_date=peak["date"][:7],
                         y2018=int(counts.loc[counts["date"] == "2018-12-31", "platforms"].iloc[0]),
                         last=int(counts["platforms"].iloc[-1]), last_date=counts["date"].iloc[-1][:7]))


@st.cache_data(max_entries=32, show_spinner=False)
def market(seed: int, n_loans: int, n_investors: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    return p2p.make_market(seed, n_loans, n_investors)


# a DataFrame argument is keyed by its pickle (~0.06 ms) rather than Streamlit's own hash (~1.5 ms each)
@st.cache_data(max_entries=32, show_spinner=False, hash_funcs={pd.DataFrame: pickle.dumps})
def match_run(loans: pd.DataFrame, bids: pd.DataFrame, note: int, cap: int) -> tuple:
    """The matching trace and its per-loan and per-investor summaries."""
    trace = p2p.match_investors(loans, bids, note=note, max_per_loan=cap)
    return (trace, *p2p.match_summary(trace, loans, bids))


@st.cache_data(max_entries=64, show_spinner=False)
def costs(principal: float, rate: float, months: int, upfront: float, monthly_fee: float) -> tuple[dict, dict]:
    """The borrower's cost of the loan repaid in equal installments and in equal principal."""
    return tuple(lending.borrower_cost(principal, rate, months, upfront, monthly_fee, method)
                 for method in ("installment", "principal"))


@st.cache_data(max_entries=8, show_spinner=False)
def risk_run(n_loans: int, n_scen: int, rho: float, shock: float, fee: float, reserve: float, seed: int) -> dict:
    portfolio = p2p.make_portfolio(n_loans)
    t0 = time.perf_counter()
    mc = p2p.simulate_defaults(portfolio, n_scen, rho=rho, shock=shock, fee=fee, seed=seed)
    ms = (time.perf_counter() - t0) * 1000
    book = mc.portfolio_return()
    div = p2p.diversification(mc)
    shocks = sorted({1.0, 1.5, 2.0, 3.0, 4.0, 5.0, float(shock)})
    res = p2p.reserve_test(portfolio, reserve_share=reserve, shocks=shocks, n_scenarios=n_scen, rho=rho, seed=seed)
    return {"book": book, "div": div, "ms": ms, "reserve": res, "summary": p2p.risk_summary(book, div)}


@st.cache_data(max_entries=16, show_spinner=False)
def platform(params: p2p.PlatformParams) -> tuple:
    """The platform story and its month-by-month history as a table (the download)."""
    story = p2p.platform_story(params)
    return story, pd.DataFrame(story[-1].state["history"])


@st.cache_data(max_entries=8, show_spinner=False)
def loan_book(seed: int, n_borrowers: int, months: int):
    book = p2p.make_loan_book(seed, n_borrowers, months)
    return book, p2p.disclosure(book, months)


@st.cache_data(max_entries=32, show_spinner=False)
def violations(seed: int, n_borrowers: int, months: int, month: int) -> pd.DataFrame:
    book, _ = loan_book(seed, n_borrowers, months)
    return p2p.cap_violations(book, month)


def feature_name(short: str, T) -> str:
    return T(f"lending.feature.{short}")


def level_name(short: str, value, T) -> str:
    if credit.FEATURES[short][1] == "cat":
        return T.list(f"lending.levels.{short}")[credit.LEVELS[short].index(value)]
    return str(value)


def score_tables(card: credit.Scorecard, points: pd.DataFrame, T) -> tuple[pa.Table, pa.Table]:
    """The points table and the information values with translated names, as shown (built once per fit)."""
    table = points.copy()
    table["feature"] = [feature_name(f, T) for f in points["feature"]]
    table["label"] = [level_name(f, lab, T) if credit.FEATURES[f][1] == "cat" else lab
                      for f, lab in zip(points["feature"], points["label"])]
    iv = card.iv.rename(index=lambda f: feature_name(f, T)).round(3).rename("IV").reset_index()
    iv.columns = [T("lending.score.col_feature"), T("lending.score.col_iv")]
    table = table.drop(columns=["bin"]).round({"bad_rate": 3, "woe": 3, "points": 1})
    table.columns = [T(f"lending.score.col_{c}") for c in table.columns]     # headers in the reader's language
    return arrow(table), arrow(iv)


def score_table_formats(T) -> dict:
    """Column formats of the points table: a count with separators, a share in %, fixed decimals."""
    return {T("lending.score.col_count"): st.column_config.NumberColumn(format="localized"),
            T("lending.score.col_bad_rate"): st.column_config.NumberColumn(format="percent"),
            T("lending.score.col_woe"): st.column_config.NumberColumn(format="%.3f"),
            T("lending.score.col_points"): st.column_config.NumberColumn(format="%.1f"),
            T("lending.score.col_iv"): st.column_config.NumberColumn(format="%.3f")}


@figure(max_entries=128)       # one per student's own inputs: a class of 80 fits
def points_bar(features: tuple[str, ...], points: np.ndarray, woe: np.ndarray) -> go.Figure:
    """Horizontal bars: points of each characteristic for this applicant (lowest at the top)."""
    T = translator()
    order = np.argsort(points, kind="quicksort")        # as DataFrame.sort_values("points")
    pts, w = points[order], woe[order]
    names = np.array([T(f"lending.feature.{features[i]}") for i in order])
    data = []
    for risky, colour, name in ((False, GREEN, T("lending.score.lower_risk")), (True, RED, T("lending.score.higher_risk"))):
        part = (w < 0) == risky
        # upright numbers just outside the bar end, never clipped (cliponaxis) nor turned sideways
        data.append(go.Bar(x=pts[part], y=names[part], orientation="h", marker_color=colour, name=name,
                           text=[f"{p:.0f}" for p in pts[part]], textposition="outside", textangle=0, cliponaxis=False,
                           customdata=w[part], hovertemplate="%{y}: %{x:.1f}<br>WOE %{customdata:.3f}<extra></extra>"))
    lo, hi = min(0.0, float(pts.min())), max(0.0, float(pts.max()))
    pad = 0.15 * (hi - lo or 1.0)
    return go.Figure(data=data, layout=dict(height=max(360, 34 * len(pts) + 150), legend=H_LEGEND,
                                           title=_title(T("lending.score.points_title")),
                                           yaxis=dict(categoryorder="array", categoryarray=list(names)),
                                           xaxis=dict(title=T("lending.score.points_axis"),
                                                      range=[lo - (pad if lo < 0 else 0), hi + pad])))


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
    return go.Figure(data=data, layout=dict(height=440, title=_title(T("lending.score.roc_title")), legend=H_LEGEND,
                                            xaxis=dict(title=T("lending.score.fpr"), range=[0, 1.02]),
                                            yaxis=dict(title=T("lending.score.tpr"), range=[0, 1.02])))


@figure(max_entries=128)       # one per student's own inputs: a class of 80 fits
def score_hist(score: np.ndarray, bad: np.ndarray, mine: float, cutoff: float | None = None) -> go.Figure:
    """Held-out scores of goods and bads, where this applicant lands and (optionally) the cut-off."""
    T = translator()
    data = [go.Histogram(x=score[bad == 0], name=T("lending.score.good"), marker_color=GREEN, opacity=0.65,
                         xbins=dict(size=10)),
            go.Histogram(x=score[bad == 1], name=T("lending.score.bad"), marker_color=RED, opacity=0.65, xbins=dict(size=10))]
    return go.Figure(data=data, layout=dict(
        barmode="overlay", height=400, title=_title(T("lending.score.hist_title")), legend=H_LEGEND,
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
    kind = np.array(["current" if j == current else ("full" if r == a else ("partial" if r > 0 else "none"))
                     for j, (r, a) in enumerate(zip(raised, asked))])
    loans_arr, raised_y = np.array(loans), raised / 100
    data = [go.Heatmap(z=alloc, x=loans, y=investors, colorscale="Blues", showscale=False, zmin=0,
                       zmax=max(1.0, float(alloc.max())),
                       text=[[f"{v:,.0f}" if v else "" for v in row] for row in alloc], texttemplate="%{text}",
                       hovertemplate="%{y} → %{x}: ¥%{z:,.0f}<extra></extra>"),
            go.Bar(x=loans, y=asked / 100, marker_color="rgba(128,128,128,0.25)", name=T("lending.match.asked"),
                   xaxis="x2", yaxis="y2", hovertemplate="%{x}: ¥%{y:,.0f}<extra></extra>")]
    # one bar trace per meaning, so the legend names each colour; a kind no loan has yet is a zero-height bar,
    # so its legend entry is there from the first step (plotly leaves an empty trace out of the legend)
    data += [go.Bar(x=loans_arr[kind == k] if (kind == k).any() else loans[:1],
                    y=raised_y[kind == k] if (kind == k).any() else [0], marker_color=colour,
                    name=T(f"lending.match.legend_{k}"), xaxis="x2", yaxis="y2",
                    hovertemplate="%{x}: ¥%{y:,.0f}<extra></extra>")
             for k, colour in (("current", ORANGE), ("full", GREEN), ("partial", SKY))]
    row = 26 if presenter() else 18       # every investor's name readable at 20 px
    layout = dict(barmode="overlay", height=max(420, row * len(investors) + 200), legend=H_LEGEND, showlegend=True,
                  title=_title(T("lending.match.chart_title")),
                  xaxis=dict(domain=[0, 0.56]), yaxis=dict(autorange="reversed", dtick=1),
                  xaxis2=dict(domain=[0.66, 1], anchor="y2", categoryorder="array", categoryarray=loans),
                  yaxis2=dict(anchor="x2", tickformat=",.0f"),
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
    layout = dict(barmode="stack", bargap=0, height=420, legend=H_LEGEND, title=_title(T("lending.sched.chart_title")),
                  xaxis=dict(domain=[0, 0.47], title=T("lending.sched.axis_month")),
                  xaxis2=dict(domain=[0.53, 1], anchor="y2", title=T("lending.sched.axis_month")),
                  yaxis=dict(title=T("lending.sched.axis_payment"), range=[0, top], tickformat=","),
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
    layout = dict(height=400, title=_title(T("lending.risk.reserve_title")), legend=H_LEGEND,
                  xaxis=dict(title=T("lending.risk.shock_axis")),
                  yaxis=dict(title=T("lending.risk.p_exhausted"), range=[0, 102], ticksuffix="%"),
                  yaxis2=dict(title=T("lending.risk.mean_loss_axis"), overlaying="y", side="right", showgrid=False,
                              range=[0, float(mean_loss.max()) * 110], tickmode="auto", nticks=6),
                  shapes=[_vline(chosen, ORANGE, "solid", 2)],
                  annotations=[dict(x=chosen, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                                    text=T("lending.risk.chosen", shock=chosen), font=dict(color=ORANGE))])
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
    layout = dict(barmode="stack", height=470, legend=H_LEGEND,
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
    return go.Figure(data=data, layout=dict(height=470, title=_title(T("lending.fail.history_title")),
                                            legend=H_LEGEND,
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
    return go.Figure(data=data, layout=dict(height=420, title=_title(T("lending.fail.counts_title")), legend=H_LEGEND,
                                            yaxis=dict(title=T("lending.fail.counts_axis"), tickformat=",")))


@figure
def disclosure_figure(months: np.ndarray, balance: np.ndarray, project_overdue_rate: np.ndarray,
                      amount_overdue_rate: np.ndarray, month: int) -> go.Figure:
    """Loan balance (bars, left axis) and the two overdue rates (lines, right axis) month by month."""
    T = translator()
    top = float(max(project_overdue_rate.max(), amount_overdue_rate.max()))
    here = months == month
    # the month shown above in its own colour, named in the legend
    data = [go.Bar(x=months[~here], y=balance[~here] / 1e4, marker_color=BLUE, name=T("lending.disc.balance_axis")),
            go.Bar(x=months[here], y=balance[here] / 1e4, marker_color=ORANGE, name=T("lending.disc.chosen", month=month)),
            go.Scatter(x=months, y=project_overdue_rate * 100, mode="lines+markers",
                       name=T("lending.disc.item.project_overdue_rate"), line=dict(color=RED), yaxis="y2"),
            go.Scatter(x=months, y=amount_overdue_rate * 100, mode="lines+markers",
                       name=T("lending.disc.item.amount_overdue_rate"), line=dict(color=PINK, dash="dash"), yaxis="y2")]
    layout = dict(height=400, legend=H_LEGEND, title=_title(T("lending.disc.chart_title")), barmode="overlay",
                  xaxis=dict(title=T("lending.disc.month_axis"), dtick=1),
                  yaxis=dict(title=T("lending.disc.balance_axis"), tickformat=","),
                  yaxis2=dict(title=T("lending.disc.rate_axis"), overlaying="y", side="right", showgrid=False,
                              range=[0, max(top * 115, 1.0)], tickmode="auto", ticksuffix="%", nticks=5))
    return go.Figure(data=data, layout=layout)
