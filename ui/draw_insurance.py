"""Plotly figures of the internet insurance page (pages/3_insurance.py), and the page's cached results.
No insurance maths here: that is core/insurance.py.

This module is imported once; the page script runs again on every rerun.  So the page's caches live here
(a cached function defined in the page would be re-created, and its source re-read, on every rerun), and
every chart is a ``@figure`` builder (``ui.figure``): built once per distinct input, language and presenter
mode, shared read-only by every visitor, so a rerun that shows the same chart is a lookup.  A builder takes
what it shows as plain, cheaply hashed arguments (numbers, tuples, numeric or fixed-width ``str`` numpy
arrays; never a DataFrame, whose hash costs 1–6 ms, nor an object array, which would be hashed by its
pointers) and its words from ``translator()``; nobody changes the figure it returns.

A new input still builds its chart (a slider moved, a step played), so each figure is built in one
``go.Figure(data=..., layout=...)`` call, as in ui/draw_lending.py: plotly validates the spec once, where
``add_trace``/``add_vline``/``update_layout``/``make_subplots`` validated it piece by piece (10–25 ms a chart,
measured here, against 2–6 ms).  The figures are the same, spec for spec, as those built piece by piece."""
from __future__ import annotations

import copy
from functools import cache
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import channels as chn
from core import insurance as ins
from ui.frame import translator
from ui.i18n import format_yuan
from ui.widgets import OKABE_ITO, figure

BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY, YELLOW = OKABE_ITO
OUTCOME_COLOUR = {"hit": GREEN, "extra": SKY, "missed": RED, "none": GREY}


def _legend_below(y: float = -0.22) -> dict:
    """A horizontal legend in its own strip at the foot of the figure (``y`` is no longer used): Plotly reserves
    the room below the x axis title, where a legend at a fraction of the plot area overlapped it."""
    return dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left")


def _wrap(label: str, width: int = 14) -> str:
    """A long category label in lines of about ``width`` characters (``<br>``), so a phone does not tilt and cut
    it; labels without spaces (Chinese) are short and stay as they are."""
    lines, line = [], ""
    for word in label.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def _vline(x, line: dict, axis: str = "", **extra) -> dict:
    """What ``fig.add_vline`` adds: a line across the plot's height at ``x`` (``axis`` "2" for the second panel)."""
    return dict(type="line", x0=x, x1=x, xref=f"x{axis}", y0=0, y1=1, yref=f"y{axis} domain", line=line, **extra)


def _hline(y, line: dict) -> dict:
    """What ``fig.add_hline`` adds: a line across the plot's width at ``y``."""
    return dict(type="line", x0=0, x1=1, xref="x domain", y0=y, y1=y, yref="y", line=line)


@cache
def _grid(name: str) -> dict:
    """The axes and subplot-title annotations ``make_subplots`` lays out for one of this page's grids, computed
    once per process (``make_subplots`` itself costs ~10 ms a figure).  Copy before use."""
    from plotly.subplots import make_subplots

    if name == "pool":
        fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.14,
                            subplot_titles=("a", "b"))
    else:  # "mutual"
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.08,
                            subplot_titles=("a", "b"))
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)        # the app's template is set when the figure is styled
    return layout


def _grid_layout(name: str, titles: tuple[str, str]) -> dict:
    """A fresh copy of grid ``name``'s axes, its subplot titles set to ``titles``."""
    layout = copy.deepcopy(_grid(name))
    for annotation, title in zip(layout["annotations"], titles):
        annotation["text"] = title
    return layout


# ====================================================================== cached results (the page's work)
# st.cache_resource objects are shared by every visitor and never mutated (their arrays are frozen);
# small results use st.cache_data (a private copy per hit).
def frozen(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.setflags(write=False)


@st.cache_resource(max_entries=1, show_spinner=False)
def facts() -> SimpleNamespace:
    """The chapter's sourced facts, prepared once:

    - ``notes[topic, lang]``: the topic's facts as a markdown list and their sources (a dict read per note,
      where filtering the DataFrame per note cost ~8 % of a rerun);
    - ``timeline``: the dated facts in time order as read-only arrays, the inputs of ``timeline_figure``."""
    facts = ins.load_facts()
    notes = {}
    for lang, label in (("zh", "label_zh"), ("en", "label_en")):
        for topic in dict.fromkeys(facts["topic"]):
            rows = facts[facts["topic"] == topic]
            notes[topic, lang] = ("\n".join(f"- **{r.date}** · {getattr(r, label)}" for r in rows.itertuples()),
                                  " · ".join(dict.fromkeys(rows["source"])))
    tl = ins.facts_timeline(facts)
    timeline = {"when": tl["when"].to_numpy()}
    for col in ("topic", "date", "label_zh", "label_en"):
        timeline[col] = tl[col].to_numpy(dtype=str)
    frozen(*timeline.values())
    return SimpleNamespace(notes=notes, timeline=timeline)


@st.cache_data(max_entries=64, show_spinner=False)
def price_scenario(p: float, cost: float, n: int, seed: int, principle: str, loading: float) -> SimpleNamespace:
    """One pricing scenario: the loss moments, the premium, a simulated day (thinned) and a year of days."""
    mean, var, sd = ins.bernoulli_loss_moments(p, cost)
    premium = ins.micro_premium(principle, p, cost, loading)
    day = ins.simulate_policy_day(n, p, cost, premium, seed)
    return SimpleNamespace(mean=mean, sd=sd, premium=premium, running=day.running(), n_claims=day.n_claims,
                           claims=day.claims, premiums=day.premiums, loss_ratio=day.loss_ratio, profit=day.profit,
                           ratios=ins.simulate_loss_ratios(n, p, cost, premium, 365, seed + 1),
                           p_loss=ins.underwriting_loss_probability(n, p, cost, premium),
                           lr_sd=ins.loss_ratio_sd(n, p, cost, premium))


@st.cache_resource(max_entries=16, show_spinner=False)
def ruin_run(u: float, theta: float, mu: float, lam: float, horizon: float, n_paths: int, seed: int) -> SimpleNamespace:
    """The Monte Carlo of one ruin scenario, the shown surplus paths and the replay of the first: read-only."""
    sim = ins.simulate_ruin(u, theta, mu, lam, horizon, n_paths, seed)
    frozen(sim.ruin_time, sim.min_gap, *(a for pair in sim.shown for a in pair))
    paths = [ins.surplus_path(t, x, u, sim.c, horizon) for t, x in sim.shown]
    # the shown paths as (t, surplus) arrays: what the charts are built from (cheap to hash, unlike a DataFrame)
    arrays = tuple((p["t"].to_numpy(), p["surplus"].to_numpy()) for p in paths)
    frozen(*(a for pair in arrays for a in pair))
    times, claims = sim.shown[0]
    return SimpleNamespace(sim=sim, paths=paths, arrays=arrays, trace=ins.claims_trace(times, claims, u, sim.c))


@st.cache_data(max_entries=64, show_spinner=False)
def pool_run(n: int, p_late: float, mean_late: float, seed: int, threshold: int, premium_fen: int, payout_fen: int,
          capital_fen: int) -> tuple[ins.ParametricRun, dict]:
    """The pool's run, and how many flights had each outcome (and triggered the payout)."""
    run = ins.run_parametric_pool(ins.simulate_flights(n, p_late, mean_late, seed), premium_fen, payout_fen,
                                  threshold, capital_fen)
    outcome = run.flights["outcome"]
    tally = {o: int((outcome == o).sum()) for o in ("hit", "extra", "missed", "none")}
    tally["triggered"] = int(run.flights["triggered"].sum())
    return run, tally


@st.cache_data(max_entries=64, show_spinner=False)
def mutual_run(params: ins.MutualAidParams) -> tuple[pd.DataFrame, dict]:
    df = ins.simulate_mutual_aid(params)
    return df, ins.mutual_aid_summary(df)


@st.cache_resource(max_entries=16, show_spinner=False)
def ubi_book(seed: int, base: float, cost: float) -> tuple[pd.DataFrame, dict]:
    """2,000 drivers priced flat and by telematics, and who over-pays: read-only."""
    book = ins.ubi_premiums(ins.ubi_population(2000, seed), base, cost)
    return book, ins.ubi_summary(book)


# ------------------------------------------------------------------ 1. pricing
@figure
def day_figure(policies: np.ndarray, premiums: np.ndarray, claims: np.ndarray) -> go.Figure:
    """Cumulative premiums and claims over one day's policies."""
    T = translator()
    data = [go.Scatter(x=policies, y=premiums, mode="lines", line=dict(color=BLUE, width=3),
                       name=T("insurance.price.premiums_line"), hovertemplate="%{x:,}: ¥%{y:,.2f}<extra></extra>"),
            go.Scatter(x=policies, y=claims, mode="lines", line=dict(color=ORANGE, width=3, shape="hv"),
                       name=T("insurance.price.claims_line"), hovertemplate="%{x:,}: ¥%{y:,.2f}<extra></extra>")]
    return go.Figure(data=data, layout=dict(
        height=360, title=dict(text=T("insurance.price.day_title")), legend=_legend_below(),
        xaxis=dict(title=dict(text=T("insurance.price.policies_axis")), tickformat=",d"),
        yaxis=dict(title=dict(text=T("insurance.price.yuan_axis")))))


@figure
def loss_ratio_figure(ratios: np.ndarray, expected: float, today: float) -> go.Figure:
    """Histogram of simulated daily loss ratios, with break-even (100 %), the expectation and today's day."""
    T = translator()
    hist = go.Histogram(x=ratios * 100, nbinsx=40, marker_color=SKY, name=T("insurance.price.days"), showlegend=False)
    # vertical markers as legend entries: annotations would collide with each other and with the bars
    shapes = [_vline(100, dict(color=RED, width=3, dash="dash"), showlegend=True, name=T("insurance.price.break_even")),
              _vline(expected * 100, dict(color=BLUE, width=3), showlegend=True, name=T("insurance.price.expected")),
              _vline(today * 100, dict(color=ORANGE, width=3, dash="dot"), showlegend=True,
                     name=T("insurance.price.today"))]
    x_range = [min(float(ratios.min()) * 100, today * 100) - 5, max(105.0, float(ratios.max()) * 100 + 5)]
    return go.Figure(data=[hist], layout=dict(
        shapes=shapes, height=360, title=dict(text=T("insurance.price.hist_title")), bargap=0.05,
        xaxis=dict(title=dict(text=T("insurance.price.lr_axis")), range=x_range),
        yaxis=dict(title=dict(text=T("insurance.price.days_axis"))), legend=_legend_below()))


# ------------------------------------------------------------------ 2. ruin
@figure
def paths_figure(paths: tuple[tuple[np.ndarray, np.ndarray], ...], ruin_times: tuple[float, ...]) -> go.Figure:
    """A few surplus paths U(t) (saw-tooth), each as (t, surplus), and the ruin line U = 0; a cross where a
    path is ruined."""
    T = translator()
    data = []
    for i, ((t, surplus), rt) in enumerate(zip(paths, ruin_times)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        data.append(go.Scatter(x=t, y=surplus, mode="lines", line=dict(color=colour, width=2),
                               name=T("insurance.ruin.path_name", i=i + 1),
                               hovertemplate="t = %{x:.1f}<br>U = %{y:.2f}<extra></extra>"))
        if rt is not None and np.isfinite(rt):
            at_ruin = surplus[t == rt]
            after = at_ruin.min() if at_ruin.size else np.nan
            data.append(go.Scatter(x=[rt], y=[after], mode="markers", showlegend=False,
                                   marker=dict(symbol="x", size=14, color=RED, line=dict(width=2)),
                                   hovertemplate=T("insurance.ruin.ruined_at") + " t = %{x:.1f}<extra></extra>"))
    # paths ruined early end near the origin, too short to see on a long horizon: name them with an arrow
    ruined = [(i + 1, rt) for i, rt in enumerate(ruin_times) if rt is not None and np.isfinite(rt)]
    notes = []
    if ruined:
        first = min(rt for _, rt in ruined)
        sep = "、" if T.lang == "zh" else ", "
        notes.append(dict(x=first, y=0, ax=60, ay=-70, showarrow=True, arrowhead=2, arrowcolor=RED, xanchor="left",
                          font=dict(color=RED), text=T("insurance.ruin.ruined_note", n=len(ruined),
                                                       paths=sep.join(str(i) for i, _ in ruined), t=first)))
    return go.Figure(data=data, layout=dict(
        shapes=[_hline(0, dict(color=RED, width=2, dash="dash"))], height=380, annotations=notes,
        title=dict(text=T("insurance.ruin.paths_title")), xaxis=dict(title=dict(text=T("insurance.ruin.t_axis"))),
        yaxis=dict(title=dict(text=T("insurance.ruin.u_axis"))), legend=_legend_below()))


@figure
def psi_figure(us: np.ndarray, exact: np.ndarray, bound: np.ndarray, mc: np.ndarray, se: np.ndarray,
               u_now: float) -> go.Figure:
    """ψ(u) against the initial capital: exact formula, Lundberg bound, Monte Carlo with 95 % bars."""
    T = translator()
    data = [go.Scatter(x=us, y=bound, mode="lines", line=dict(color=GREY, width=2, dash="dot"),
                       name=T("insurance.ruin.bound_name")),
            go.Scatter(x=us, y=exact, mode="lines", line=dict(color=BLUE, width=3),
                       name=T("insurance.ruin.exact_name")),
            go.Scatter(x=us, y=mc, mode="markers", marker=dict(color=ORANGE, size=9),
                       error_y=dict(type="data", array=1.96 * se, color=ORANGE), name=T("insurance.ruin.mc_name"))]
    your_u = dict(showarrow=False, text=T("insurance.ruin.your_u"), x=u_now, xanchor="left", xref="x", y=1,
                  yanchor="top", yref="y domain")
    return go.Figure(data=data, layout=dict(
        shapes=[_vline(u_now, dict(color=GREEN, width=2))], annotations=[your_u], height=380,
        title=dict(text=T("insurance.ruin.psi_title")), xaxis=dict(title=dict(text=T("insurance.ruin.u0_axis"))),
        yaxis=dict(title=dict(text="ψ(u)"), range=[0, 1.05]), legend=_legend_below()))


@figure(max_entries=128)
def claim_step_figure(t: np.ndarray, surplus: np.ndarray, t_now: float) -> go.Figure:
    """The replayed path (t, surplus) up to the current claim: one entry per step, so replaying is a lookup."""
    T = translator()
    part = t <= t_now + 1e-12
    line = go.Scatter(x=t[part], y=surplus[part], mode="lines+markers", line=dict(color=BLUE, width=3),
                      marker=dict(size=5), hovertemplate="t = %{x:.2f}<br>U = %{y:.2f}<extra></extra>")
    x_hi = max(float(t_now) * 1.05, 1.0)
    y_lo = min(0.0, float(surplus.min())) - 1
    y_hi = float(surplus[t <= x_hi].max()) + 1
    return go.Figure(data=[line], layout=dict(
        shapes=[_hline(0, dict(color=RED, width=2, dash="dash"))], height=300, showlegend=False,
        xaxis=dict(title=dict(text=T("insurance.ruin.t_axis")), range=[0, x_hi]),
        yaxis=dict(title=dict(text=T("insurance.ruin.u_axis")), range=[y_lo, y_hi])))


# ------------------------------------------------------------------ 3. parametric pool
ACCOUNTS = ("insurer", "pool", "travellers")


def pool_step_args(state: dict) -> tuple:
    """A step's state as the builder's plain arguments: balances (insurer, pool, travellers) in fen and the
    flight (outcome, delay_min, buffer_min), or None before the first flight."""
    row = state.get("row")
    return (tuple(state["balances"][a] for a in ACCOUNTS),
            (row["outcome"], row["delay_min"], row["buffer_min"]) if row else None)


@figure(max_entries=128)
def pool_step_figure(balances: tuple, row: tuple | None, threshold: int) -> go.Figure:
    """Left: the three ledger balances (yuan).  Right: this flight's delay against the trigger and the
    traveller's buffer.

    ``balances`` and ``row`` come from ``pool_step_args(step.state)``: one entry per step, so replaying is a lookup."""
    T = translator()
    layout = _grid_layout("pool", (T("insurance.param.balances_title"), T("insurance.param.flight_title")))
    values = [b / 100 for b in balances]
    data = [go.Bar(x=[T(f"insurance.param.account.{a}") for a in ACCOUNTS], y=values, marker_color=[PINK, BLUE, ORANGE],
                   text=[format_yuan(v, T.lang) for v in values], textposition="outside", cliponaxis=False,
                   constraintext="none",     # full-size labels: Plotly shrank them to the bar's width on a phone
                   hovertemplate="%{x}: ¥%{y:,.2f}<extra></extra>", xaxis="x", yaxis="y")]
    if row:
        outcome, delay_min, buffer_min = row
        data.append(go.Bar(x=[delay_min], y=[T("insurance.param.delay_bar")], orientation="h",
                           marker_color=OUTCOME_COLOUR[outcome], text=[T("insurance.param.minutes_fmt", m=delay_min)],
                           textposition="outside", cliponaxis=False, constraintext="none",
                           hovertemplate="%{x} " + T("insurance.param.minutes") + "<extra></extra>",
                           xaxis="x2", yaxis="y2"))
        layout["shapes"] = [_vline(threshold, dict(color=RED, width=3, dash="dash"), "2"),
                            _vline(buffer_min, dict(color=GREEN, width=2, dash="dot"), "2")]
        top = max(threshold, buffer_min, delay_min) * 1.25
        layout["annotations"] += [
            dict(x=threshold, y=0.45, text=T("insurance.param.trigger_mark", m=threshold), showarrow=False,
                 xanchor="left", font=dict(color=RED), xref="x2", yref="y2"),
            dict(x=buffer_min, y=-0.45, text=T("insurance.param.buffer_mark", m=buffer_min), showarrow=False,
                 xanchor="right", font=dict(color=GREEN), xref="x2", yref="y2")]
        layout["xaxis2"].update(range=[0, top], title=dict(text=T("insurance.param.minutes")))
    else:
        layout["annotations"].append(dict(x=0.78, y=0.5, xref="paper", yref="paper",
                                          text=T("insurance.param.no_flight_yet"), showarrow=False))
        layout["xaxis2"]["visible"] = False
        layout["yaxis2"]["visible"] = False
    layout.update(height=330, showlegend=False)
    return go.Figure(data=data, layout=layout)


@figure
def outcome_figure(flight: np.ndarray, delay_min: np.ndarray, buffer_min: np.ndarray, outcomes: tuple[str, ...],
                   threshold: int) -> go.Figure:
    """Every flight: delay (x) against the traveller's buffer (y); the four basis-risk quadrants."""
    T = translator()
    kind = np.asarray(outcomes, dtype=str)
    data = []
    for outcome in ("hit", "extra", "missed", "none"):
        part = kind == outcome
        data.append(go.Scatter(x=delay_min[part], y=buffer_min[part], mode="markers",
                               marker=dict(size=12, color=OUTCOME_COLOUR[outcome], line=dict(width=1, color="white")),
                               name=f"{T(f'insurance.param.outcome.{outcome}')} ({int(part.sum())})",
                               customdata=flight[part],
                               hovertemplate="#%{customdata}: %{x} min / %{y} min<extra></extra>"))
    top = max(300, int(delay_min.max() * 1.05) + 10)
    data.append(go.Scatter(x=[0, top], y=[0, top], mode="lines", line=dict(color=GREY, dash="dot"),
                           name=T("insurance.param.diagonal")))
    return go.Figure(data=data, layout=dict(
        shapes=[_vline(threshold, dict(color=RED, width=2, dash="dash"))], height=380,
        title=dict(text=T("insurance.param.outcome_title")),
        xaxis=dict(title=dict(text=T("insurance.param.delay_axis")), range=[0, top]),
        yaxis=dict(title=dict(text=T("insurance.param.buffer_axis")), range=[40, 260]), legend=_legend_below(-0.3)))


# ------------------------------------------------------------------ 4. mutual aid
@figure
def mutual_figure(period: np.ndarray, share_fen: np.ndarray, fixed_premium_fen: np.ndarray,
                  members: np.ndarray) -> go.Figure:
    """Share per member each period (bars) against the fixed premium (line); members on a second panel."""
    T = translator()
    layout = _grid_layout("mutual", (T("insurance.mutual.share_title"), T("insurance.mutual.members_title")))
    above = share_fen > fixed_premium_fen
    data = [go.Bar(x=period, y=share_fen / 100, name=T("insurance.mutual.share_name"),
                   marker_color=[RED if a else SKY for a in above], hovertemplate="%{x}: ¥%{y:,.2f}<extra></extra>",
                   xaxis="x", yaxis="y"),
            go.Scatter(x=period, y=fixed_premium_fen / 100, mode="lines", line=dict(color=BLUE, width=3, shape="hv"),
                       name=T("insurance.mutual.fixed_name"), hovertemplate="%{x}: ¥%{y:,.2f}<extra></extra>",
                       xaxis="x", yaxis="y"),
            go.Scatter(x=period, y=members, mode="lines", line=dict(color=GREEN, width=3),
                       name=T("insurance.mutual.members_name"), hovertemplate="%{x}: %{y:,}<extra></extra>",
                       xaxis="x2", yaxis="y2")]
    layout["yaxis"]["title"] = dict(text=T("insurance.price.yuan_axis"))
    layout["yaxis2"].update(tickformat=",d", rangemode="tozero")
    layout["xaxis2"]["title"] = dict(text=T("insurance.mutual.period_axis"))
    layout.update(height=560, legend=_legend_below())
    return go.Figure(data=data, layout=layout)


# ------------------------------------------------------------------ 5. usage-based pricing
@figure(max_entries=128)       # one per student's own inputs: a class of 80 fits
def ubi_figure(night_worker: np.ndarray, true_cost: np.ndarray, telematics: np.ndarray,
               you: tuple[float, float] | None) -> go.Figure:
    """True expected cost against the telematics premium, night-shift workers apart; the fair line y = x·k."""
    T = translator()
    data = []
    for flag, colour, key in ((False, BLUE, "insurance.ubi.day_group"), (True, ORANGE, "insurance.ubi.night_group")):
        part = night_worker == flag
        data.append(go.Scattergl(x=true_cost[part], y=telematics[part], mode="markers",
                                 marker=dict(size=6, color=colour, opacity=0.55), name=T(key),
                                 hovertemplate="¥%{x:,.0f} → ¥%{y:,.0f}<extra></extra>"))
    lo = float(min(true_cost.min(), telematics.min()))
    hi = float(max(true_cost.max(), telematics.max()))
    ratio = telematics.sum() / true_cost.sum()
    data.append(go.Scatter(x=[lo, hi], y=[lo * ratio, hi * ratio], mode="lines", line=dict(color=GREY, dash="dot"),
                           name=T("insurance.ubi.fair_line")))
    if you is not None:
        data.append(go.Scatter(x=[you[0]], y=[you[1]], mode="markers", name=T("insurance.ubi.you"),
                               marker=dict(symbol="star", size=26, color=RED, line=dict(width=2, color="black"))))
    return go.Figure(data=data, layout=dict(
        height=420, title=dict(text=T("insurance.ubi.scatter_title")),
        xaxis=dict(title=dict(text=T("insurance.ubi.true_axis"))),
        yaxis=dict(title=dict(text=T("insurance.ubi.premium_axis"))), legend=_legend_below()))


# ------------------------------------------------------------------ rules and market
TOPIC_COLOUR = {"zhongan": BLUE, "shipping": BLUE, "sales": SKY, "fizzy": ORANGE, "mutual": PINK,
                "regulation": RED, "market": GREEN, "ubi": GREY}


@figure(max_entries=8)
def timeline_figure(when: np.ndarray, topics: np.ndarray, dates: np.ndarray, texts: np.ndarray) -> go.Figure:
    """Dated facts of the chapter on one time axis, a row per topic; hover shows the fact (``texts``, in the
    reader's language).  One fact per element of the four arrays (strings as fixed-width ``str`` arrays)."""
    T = translator()
    data = []
    for topic in dict.fromkeys(topics.tolist()):
        part = topics == topic
        label = T(f"insurance.rules.topic.{topic}")
        data.append(go.Scatter(x=when[part], y=[label] * int(part.sum()), mode="markers", name=label,
                               marker=dict(size=15, color=TOPIC_COLOUR.get(topic, GREY), line=dict(width=1, color="white")),
                               text=texts[part], customdata=dates[part],
                               hovertemplate="%{customdata}<br>%{text}<extra></extra>"))
    return go.Figure(data=data, layout=dict(
        height=360, showlegend=False,
        title=dict(text=T("insurance.rules.timeline_title"), automargin=True, yref="paper"),   # two lines fit a phone
        hoverlabel=dict(namelength=-1), xaxis=dict(title=dict(text=T("insurance.rules.timeline_axis")))))


# ------------------------------------------------------------------ sales channels (core/channels.py)
CHANNEL_COLOUR = {"direct": BLUE, "social": GREEN, "embedded": ORANGE, "agent": PINK}
COST_PARTS = ("claims", "commission", "expenses", "acquisition")
COST_COLOUR = {"claims": GREY, "commission": PINK, "expenses": SKY, "acquisition": ORANGE}


@st.cache_data(max_entries=256, show_spinner=False)
def channel_run(channels: tuple, premium: float, margin: float) -> pd.DataFrame:
    """The funnel of every channel: ``channels`` is ((name, reach, conversion, acquisition, commission,
    claims ratio, expense ratio), ...); bad input raises ``InputError``."""
    return chn.funnel({c[0]: chn.Channel(int(c[1]), *map(float, c[2:])) for c in channels}, premium, margin)


@st.cache_resource(max_entries=1, show_spinner=False)
def channel_market() -> SimpleNamespace:
    """The sourced market table (shared read-only), its premium series and the 2020/2021 channel shares."""
    market = chn.load_market()
    return SimpleNamespace(table=market, premiums=chn.premium_series(market),
                           shares={"2021": chn.channel_shares(market, "2021")})


@figure(max_entries=128)
def channel_cost_figure(names: tuple, parts: tuple, premium: float, break_even: tuple) -> go.Figure:
    """Per channel, a stacked bar of what one policy costs (claims, commission, running expenses, acquisition),
    a dashed line at the premium charged and a diamond at the premium the channel needs (``break_even``)."""
    T = translator()
    labels = [T(f"insurance.channels.name.{n}") for n in names]
    data = [go.Bar(y=labels, x=[p[i] for p in parts], orientation="h", name=T(f"insurance.channels.part.{part}"),
                   marker_color=COST_COLOUR[part], hovertemplate="%{y}: ¥%{x:,.2f}<extra>%{fullData.name}</extra>")
            for i, part in enumerate(COST_PARTS)]
    data.append(go.Scatter(y=labels, x=list(break_even), mode="markers", name=T("insurance.channels.needed"),
                           marker=dict(symbol="diamond", size=15, color=RED, line=dict(width=1, color="white")),
                           hovertemplate="%{y}: ¥%{x:,.2f}<extra>%{fullData.name}</extra>"))
    return go.Figure(data=data, layout=dict(
        barmode="stack", height=400, title=dict(text=T("insurance.channels.cost_title")),
        shapes=[_vline(premium, dict(color=BLUE, width=2, dash="dash"))],
        annotations=[dict(x=premium, y=1.02, xref="x", yref="paper", showarrow=False, yanchor="bottom",
                          text=T("insurance.channels.premium_mark", p=premium))],
        xaxis=dict(title=dict(text=T("insurance.channels.cost_axis")), rangemode="tozero"),
        yaxis=dict(autorange="reversed"), legend=_legend_below(-0.3)))


@figure(max_entries=128)
def channel_curve_figure(names: tuple, channels: tuple, premium: float, margin: float) -> go.Figure:
    """The premium each channel needs as its conversion varies from 0.1 % to 100 % (log axes), its current
    conversion marked, and the premium charged as a dashed line.  ``channels`` as in ``channel_run``."""
    T = translator()
    grid = np.logspace(-3, 0, 61)
    data = []
    for name, c in zip(names, channels):
        ch = chn.Channel(int(c[1]), *map(float, c[2:]))
        label = T(f"insurance.channels.name.{name}")
        colour = CHANNEL_COLOUR[name]
        data.append(go.Scatter(x=grid * 100, y=chn.break_even_curve(ch, premium, margin, grid), mode="lines",
                               name=label, line=dict(color=colour, width=3), legendgroup=name,
                               hovertemplate="%{x:.2f}% → ¥%{y:,.2f}<extra>" + label + "</extra>"))
        now = float(chn.break_even_curve(ch, premium, margin, [ch.conversion])[0])
        data.append(go.Scatter(x=[ch.conversion * 100], y=[now], mode="markers", legendgroup=name, showlegend=False,
                               marker=dict(size=13, color=colour, line=dict(width=2, color="black")),
                               hovertemplate="%{x:.2f}% → ¥%{y:,.2f}<extra>" + label + "</extra>"))
    return go.Figure(data=data, layout=dict(
        height=400, title=dict(text=T("insurance.channels.curve_title")),
        shapes=[_hline(premium, dict(color=BLUE, width=2, dash="dash"))],
        # whole powers of ten only: plotly's minor log labels (2, 5, 2 …) read as stray numbers
        xaxis=dict(type="log", dtick=1, tickformat="~g", title=dict(text=T("insurance.channels.curve_x"))),
        yaxis=dict(type="log", dtick=1, tickformat=",~g", title=dict(text=T("insurance.channels.curve_y"))),
        legend=_legend_below(-0.3)))


@figure(max_entries=8)
def market_premium_figure() -> go.Figure:
    """China's internet insurance premium (all lines) by year, ¥100 million, each bar dated by its source."""
    T = translator()
    s = channel_market().premiums
    # 亿 (10^8) is a Chinese unit: the English view counts in billions (÷ 10)
    values = s["value_yi"] if T.lang == "zh" else s["value_yi"] / 10
    fmt = ",.0f" if T.lang == "zh" else ",.1f"
    return go.Figure(data=[go.Bar(x=s["year"].astype(str), y=values, marker_color=BLUE,
                                  customdata=s["published"], text=[format(v, fmt) for v in values],
                                  textposition="outside", cliponaxis=False,
                                  hovertemplate="%{x}: %{y:" + fmt + "}<br>" + T("insurance.channels.published")
                                                + " %{customdata}<extra></extra>")],
                     layout=dict(height=340, title=dict(text=T("insurance.channels.market_title"), automargin=True,
                                                        yref="paper"),
                                 yaxis=dict(title=dict(text=T("insurance.channels.market_axis"))),
                                 xaxis=dict(type="category")))


@figure(max_entries=8)
def market_share_figure() -> go.Figure:
    """Internet property & casualty premium by channel in 2021, as shares (IAC)."""
    T = translator()
    shares = channel_market().shares["2021"]
    colours = {"intermediary": GREEN, "own": BLUE, "referral": ORANGE}
    parts = [p for p in colours if p in shares]
    data = [go.Bar(x=[_wrap(T(f"insurance.channels.share.{p}")) for p in parts], y=[shares[p] * 100 for p in parts],
                   marker_color=[colours[p] for p in parts], text=[f"{shares[p] * 100:.0f}%" for p in parts],
                   textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{y:.0f}%<extra></extra>")]
    return go.Figure(data=data, layout=dict(
        height=320, title=dict(text=T("insurance.channels.share_title")),
        yaxis=dict(title=dict(text="%"), range=[0, 60]), xaxis=dict(type="category")))
