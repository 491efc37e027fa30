"""Cached results and plotly figures of the blockchain-in-finance page (pages/6_blockchain_finance.py).

No financial maths here: that is core/contracts.py, core/tokens.py, core/defi.py and core/microfinance.py.
This module is imported once; the page script runs on every rerun, so the caches live here.  Cached
runs are ``st.cache_resource`` objects shared by every visitor: read them, never change them.  Every
chart is a ``@figure`` builder taking plain tuples.
"""
from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import contracts, credit, defi, microfinance, tokens
from core.trace import Step, Trace
from ui.draw_lending import wrap_title
from ui.frame import translator
from ui.widgets import figure, money

DATA = Path(__file__).resolve().parent.parent / "data"
BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"
# anchored to the bottom of the whole figure, so plotly keeps the plot area (ticks, axis titles) clear of it
H_LEGEND = dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0, xanchor="left")
YUAN_TICKS = dict(tickformat=",.0f")      # 10,000 rather than 10k (no Latin unit letters in the Chinese view)


def _title(text: str) -> dict:
    """A chart title wrapped for a phone (plotly cuts a long title off rather than wrapping it)."""
    return dict(text=wrap_title(text, translator().lang), automargin=True, yref="paper", y=1, yanchor="bottom",
                pad=dict(b=30))


# ====================================================================== cached results
@st.cache_resource(max_entries=1, show_spinner=False)
def scorecard() -> SimpleNamespace:
    """The lending page's scorecard (German credit, seed 42, 600 points at 50:1, PDO 20) and every row's score."""
    card = credit.fit_scorecard()
    data = credit.load_german_credit()
    scores = card.score_rows(data)
    scores.setflags(write=False)
    return SimpleNamespace(card=card, scores=scores, n=len(data))


@st.cache_resource(max_entries=32, show_spinner=False)
def loan_run(score: float, cutoff: int, principal_fen: int, rate: float, months: int, method: str,
             ratio: float, default_month: int, drop: float) -> contracts.ContractRun:
    return contracts.loan_contract(score, cutoff, principal_fen, rate, months, method, ratio, default_month, drop)


@st.cache_resource(max_entries=32, show_spinner=False)
def escrow_run(price_fen: int, deadline: int, ship_day: int, path: str) -> contracts.ContractRun:
    return contracts.escrow_contract(price_fen, deadline, ship_day, path)


@st.cache_resource(max_entries=32, show_spinner=False)
def dvp_run(units: int, price_fen: int, cash_fen: int, held: int, atomic: bool):
    return contracts.dvp_settlement(units, price_fen, cash_fen, held, atomic)


@st.cache_resource(max_entries=32, show_spinner=False)
def token_run(value_fen: int, n_tokens: int, purchases: tuple, rent_fen: int, months: int, trade: tuple | None,
              trade_month: int):
    return tokens.tokenise_property(value_fen, n_tokens, dict(purchases), rent_fen, months, trade, trade_month)


@st.cache_resource(max_entries=32, show_spinner=False)
def amm_run(x: int, y: int, n: int, seed: int, fee_bps: int, big: int):
    trades = defi.random_trades(n, seed, x, y)
    if big:
        trades.append(("whale", "x", big))
    return defi.amm_trace(x, y, trades, fee_bps)


@st.cache_resource(max_entries=32, show_spinner=False)
def pool_run(n: int, seed: int, price_fen: int, drop: float, ltv: float, threshold: float, bonus: float):
    return defi.lending_pool(n, seed, price_fen, drop, ltv, threshold, bonus)


@st.cache_resource(max_entries=32, show_spinner=False)
def audit_run(n: int, seed: int, reserve_share: float, scenario: str) -> dict:
    balances = contracts.customer_balances(n, seed)
    reserves = int(sum(balances.values()) * reserve_share)
    return contracts.reserves_audit(balances, reserves, scenario)


@st.cache_resource(max_entries=32, show_spinner=False)
def micro_run(n: int, group: int, p: float, shock: float, cover: int, seed: int) -> dict:
    return microfinance.group_lending(n=n, group=group, p=p, shock=shock, cover=cover, seed=seed)


@st.cache_resource(max_entries=1, show_spinner=False)
def facts() -> pd.DataFrame:
    """The page's sourced facts (data/bcfinance_facts.csv), read once; shared, read-only."""
    return pd.read_csv(DATA / "bcfinance_facts.csv", dtype={"date": str, "value": str})


def fact(fid: str, language: str) -> tuple[str, str, str]:
    """(text, date, source) of one fact in ``language``."""
    row = facts().set_index("id").loc[fid]
    return row[f"text_{language}"], row["date"], row["source"]


# ====================================================================== drawing a contract step
def short(h: str, n: int = 12) -> str:
    return f"{h[:n]}…" if h and len(h) > n else h


def who(actor: str, T) -> str:
    """An actor's name in the reader's language (investors and traders keep their own names)."""
    key = f"bcfinance.actor.{actor}"
    return T(key) if T.has(key) else actor


def what(action: str, T) -> str:
    key = f"bcfinance.action.{action}"
    return T(key) if T.has(key) else action


def localise(trace, T) -> Trace:
    """A copy of ``trace`` whose actor, action and state parameters are in the reader's language (the
    player formats a step's message with its params)."""
    steps = []
    for step in trace:
        params = dict(step.params)
        for role in ("signer", "investor", "seller", "buyer"):      # people named in the step's sentence
            if isinstance(params.get(role), str):
                params[role] = who(params[role], T)
        if "action" in params:
            params["action"] = what(params["action"], T)
        if "now" in params:
            params["now"] = T(f"bcfinance.state.{params['now']}")
        steps.append(Step(step.key, params, step.state))
    return Trace(steps=steps, meta=trace.meta)


def draw_block(block: dict | None, T, refused: bool = False) -> None:
    """The block that recorded the step: number, links, signer, signature and its check."""
    if not block:
        st.caption(T("bcfinance.block.none" if refused else "bcfinance.block.start"))
        return
    lines = [
        T("bcfinance.block.line_number", number=block["number"], nonce=block["nonce"]),
        T("bcfinance.block.line_prev", prev=short(block["prev_hash"], 16)),
        T("bcfinance.block.line_hash", hash=short(block["hash"], 16)),
        T("bcfinance.block.line_tx", txid=short(block["txid"], 16), action=what(block["action"], T),
          signer=who(block["signer"], T)),
        T("bcfinance.block.line_sig", r=short(block["r"], 16),
          ok=T("bcfinance.block.ok") if block["verified"] else T("bcfinance.block.bad")),
    ]
    st.code("\n".join(lines), language=None)


def draw_contract_step(step, T, accounts: tuple, asset_accounts: tuple = (), unit_word: str = "") -> None:
    """State, balances (yuan), asset units and the recording block of one contract step."""
    s = step.state
    if s.get("refused"):
        st.warning(T("bcfinance.block.refused"), icon="🚫")
    state = T(f"bcfinance.state.{s['state']}")
    st.markdown(T("bcfinance.col.state_line", state=state))
    cols = st.columns(len(accounts) + len(asset_accounts))
    for col, acct in zip(cols, accounts):
        col.metric(T(f"bcfinance.acct.{acct}"), money(s["balances"].get(acct, 0)))
    for col, acct in zip(cols[len(accounts):], asset_accounts):
        col.metric(T("bcfinance.acct.units_of", who=T(f"bcfinance.acct.{acct}")), f"{s['assets'].get(acct, 0)} {unit_word}")
    draw_block(s.get("block"), T, bool(s.get("refused")))


def balance_series(trace, accounts: tuple) -> tuple:
    """Per account, its balance (yuan) after each step, and the step keys' block numbers, as tuples."""
    rows = tuple(tuple(st_.state["balances"].get(a, 0) / 100.0 for st_ in trace) for a in accounts)
    return rows


# ====================================================================== figures
@figure
def balances_figure(accounts: tuple, series: tuple, labels: tuple, current: int) -> go.Figure:
    """Each account's balance after every step of a contract up to the ``current`` one (a step line): the player
    reveals the history as it goes; the axes already span the whole run, so they do not jump."""
    T = translator()
    colours = [BLUE, ORANGE, GREEN, PINK]
    x = list(range(1, len(series[0]) + 1))
    top = max(1.0, max(max(ys) for ys in series)) * 1.08
    data = [go.Scatter(x=x[:current], y=list(ys[:current]), name=T(f"bcfinance.acct.{a}"), mode="lines+markers",
                       line=dict(shape="hv", color=colours[i % 4], width=3)) for i, (a, ys) in enumerate(zip(accounts, series))]
    return go.Figure(data=data, layout=dict(
        title=_title(T("bcfinance.fig.balances")), xaxis=dict(title=dict(text=T("bcfinance.fig.step")),
                                                                  tickvals=x, ticktext=list(labels), range=[0.5, len(x) + 0.5]),
        yaxis=dict(title=dict(text=T("bcfinance.fig.yuan")), range=[0, top], **YUAN_TICKS), legend=H_LEGEND, height=420,
        showlegend=True,
        shapes=[dict(type="line", x0=current, x1=current, y0=0, y1=1, xref="x", yref="paper",
                     line=dict(color=GREY, dash="dot"))]))


@figure
def workflow_figure(contract_steps: tuple, contract_days: tuple, manual_steps: tuple, manual_days: tuple) -> go.Figure:
    """Cumulative days to each step: the contract's run against a traditional workflow (days assumed)."""
    T = translator()
    data = [go.Scatter(x=list(np.cumsum(manual_days)), y=list(manual_steps), mode="lines+markers",
                       name=T("bcfinance.loan.traditional"),
                       line=dict(color=ORANGE, width=3), showlegend=True),
            go.Scatter(x=list(contract_days), y=list(contract_steps), mode="lines+markers", name=T("bcfinance.loan.contract"),
                       line=dict(color=BLUE, width=3))]
    return go.Figure(data=data, layout=dict(title=_title(T("bcfinance.loan.workflow_title")),
                                            xaxis=dict(title=dict(text=T("bcfinance.fig.days"))),
                                            yaxis=dict(title=dict(text=T("bcfinance.fig.step_count"))),
                                            legend=H_LEGEND, height=400))


@figure
def captable_figure(events: tuple, holders: tuple, units: tuple, current: int) -> go.Figure:
    """Stacked area: units held by each holder after each event (the cap table over time), up to event
    ``current`` (1-based: the player reveals it; the axes span the whole run)."""
    T = translator()
    colours = [GREY, BLUE, ORANGE, GREEN, PINK, SKY, RED]
    x = list(range(1, len(events) + 1))
    total = max(sum(u[0] for u in units), 1)
    data = [go.Scatter(x=x[:current], y=list(u[:current]), name=T("bcfinance.acct.issuer") if h == "issuer" else who(h, T),
                       stackgroup="one", mode="lines+markers", marker=dict(size=5),
                       line=dict(width=0.5, color=colours[i % len(colours)]))
            for i, (h, u) in enumerate(zip(holders, units))]
    return go.Figure(data=data, layout=dict(title=_title(T("bcfinance.token.fig_title")),
                                            # slanted event names need room on the right, or a phone hides the last ones
                                            xaxis=dict(title=dict(text=T("bcfinance.fig.event")), tickvals=x,
                                                       ticktext=list(events), tickangle=-45,
                                                       range=[0.5, len(x) + 0.5]),
                                            margin=dict(l=10, r=50, t=50, b=10),
                                            yaxis=dict(title=dict(text=T("bcfinance.token.fig_units")),
                                                       range=[0, total * 1.05], **YUAN_TICKS), showlegend=True,
                                            legend=H_LEGEND, height=480))


@figure
def amm_figure(prices: tuple, impacts: tuple, current: int) -> go.Figure:
    """Spot price after each swap (line) and each swap's price impact (bars, right axis), up to swap ``current``
    (the player reveals them one by one; the axes already span the whole run)."""
    T = translator()
    x = list(range(len(prices)))
    lo, hi = min(prices), max(prices)
    pad = 0.08 * (hi - lo or hi or 1.0)
    top = max(max(impacts) * 100, 0.01) * 1.1
    k = current + 1
    return go.Figure(data=[
        go.Scatter(x=x[:k], y=list(prices[:k]), name=T("bcfinance.amm.price"), mode="lines+markers",
                   line=dict(color=BLUE, width=3)),
        go.Bar(x=x[:k], y=[v * 100 for v in impacts[:k]], name=T("bcfinance.amm.impact"), marker_color=ORANGE,
               opacity=0.6, yaxis="y2")],
        layout=dict(title=_title(T("bcfinance.amm.fig_title")), showlegend=True,
                    xaxis=dict(title=dict(text=T("bcfinance.amm.swap_no")), range=[-0.5, len(x) - 0.5], dtick=1),
                    yaxis=dict(title=dict(text=T("bcfinance.amm.price")), range=[lo - pad, hi + pad]),
                    yaxis2=dict(title=dict(text=T("bcfinance.amm.impact_pct")), overlaying="y", side="right",
                                showgrid=False, range=[0, top], tickmode="auto", nticks=5),
                    legend=H_LEGEND, height=420,
                    shapes=[dict(type="line", x0=current, x1=current, y0=0, y1=1, xref="x", yref="paper",
                                 line=dict(color=GREY, dash="dot"))]))


@figure
def il_figure(r: tuple, lp: tuple, hold: tuple, mark: float) -> go.Figure:
    """Value of the LP position against holding, for price factors r (log scale)."""
    T = translator()
    return go.Figure(data=[
        go.Scatter(x=list(r), y=list(hold), name=T("bcfinance.amm.hold"), line=dict(color=ORANGE, width=3)),
        go.Scatter(x=list(r), y=list(lp), name=T("bcfinance.amm.lp"), line=dict(color=BLUE, width=3))],
        layout=dict(title=_title(T("bcfinance.amm.il_title")), xaxis=dict(type="log", title=dict(
            text=T("bcfinance.amm.ratio")), tickvals=[0.1, 0.2, 0.5, 1, 2, 5, 10], ticktext=["0.1", "0.2", "0.5", "1", "2",
                                                                                         "5", "10"]),
            yaxis=dict(title=dict(text=T("bcfinance.amm.value"))), legend=H_LEGEND,
            height=400, shapes=[dict(type="line", x0=mark, x1=mark, y0=0, y1=1, xref="x", yref="paper",
                                     line=dict(color=GREY, dash="dot"))],
            annotations=[dict(x=math.log10(mark), y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                              text=f"r = {mark:g}")]))


@figure
def hf_figure(names: tuple, before: tuple, after: tuple) -> go.Figure:
    """Health factors before and after the price shock; below 1 means liquidation."""
    T = translator()
    clip = lambda v: min(v, 5.0)
    return go.Figure(data=[
        go.Bar(x=list(names), y=[clip(v) for v in before], name=T("bcfinance.pool.before"), marker_color=GREEN),
        go.Bar(x=list(names), y=[clip(v) for v in after], name=T("bcfinance.pool.after"), marker_color=RED)],
        layout=dict(title=_title(T("bcfinance.pool.fig_title")), barmode="group", legend=H_LEGEND, height=400,
                    yaxis=dict(title=dict(text=T("bcfinance.pool.hf"))),
                    shapes=[dict(type="line", x0=0, x1=1, y0=1, y1=1, xref="paper", yref="y",
                                 line=dict(color=GREY, dash="dash"))]))


@figure
def reserves_figure(true_total: int, published: int, reserves: int) -> go.Figure:
    """Customers' real balances, what the tree publishes and the reserves, in yuan."""
    T = translator()
    labels = [T("bcfinance.pol.true_total"), T("bcfinance.pol.published"), T("bcfinance.pol.reserves")]
    return go.Figure(data=[go.Bar(x=labels, y=[true_total / 100, published / 100, reserves / 100],
                                  marker_color=[BLUE, ORANGE, GREEN], text=[money(v) for v in (true_total, published, reserves)],
                                  textposition="auto")],
                     layout=dict(title=_title(T("bcfinance.pol.fig_title")), height=340,
                                 yaxis=dict(title=dict(text=T("bcfinance.fig.yuan")), **YUAN_TICKS)))


@figure
def tree_figure(levels: tuple, path: tuple, sibs: tuple, bad: tuple) -> go.Figure:
    """The Merkle-sum tree: one dot per node (sum as label), the checked customer's path and the proof's
    siblings highlighted; a negative sum in red."""
    T = translator()
    xs, ys, text, colour, size = [], [], [], [], []
    depth = len(levels)
    for d, sums in enumerate(levels):
        n = len(sums)
        for i, s in enumerate(sums):
            xs.append((i + 0.5) / n)
            ys.append(d)
            text.append(f"{s / 100:,.0f}")
            key = (d, i)
            colour.append(RED if s < 0 or key in bad else BLUE if key in path else ORANGE if key in sibs else GREY)
            size.append(16 if key in path or key in sibs else 10)
    edges_x, edges_y = [], []
    for d in range(depth - 1):
        n, m = len(levels[d]), len(levels[d + 1])
        for i in range(n):
            edges_x += [(i + 0.5) / n, (i // 2 + 0.5) / m, None]
            edges_y += [d, d + 1, None]
    return go.Figure(data=[
        go.Scatter(x=edges_x, y=edges_y, mode="lines", line=dict(color=GREY, width=1), hoverinfo="skip", showlegend=False),
        go.Scatter(x=xs, y=ys, mode="markers+text", text=text, textposition="top center", hoverinfo="text",
                   marker=dict(color=colour, size=size), showlegend=False, textfont=dict(size=10))]
        # a legend entry per colour (markers drawn off the plot), so the colours mean something on screen
        + [go.Scatter(x=[None], y=[None], mode="markers", marker=dict(color=c, size=14), name=T(f"bcfinance.pol.key_{k}"))
           for k, c in (("path", BLUE), ("sibling", ORANGE), ("negative", RED), ("other", GREY))],
        layout=dict(title=_title(T("bcfinance.pol.tree_title")), height=440, legend=H_LEGEND,
                    xaxis=dict(visible=False), yaxis=dict(title=dict(text=T("bcfinance.pol.level")), dtick=1)))


@figure
def micro_figure(indiv: tuple, joint: tuple, bad: tuple) -> go.Figure:
    """Share of instalments collected each month under individual and joint liability; bad months shaded."""
    T = translator()
    x = list(range(1, len(indiv) + 1))
    shapes = [dict(type="rect", x0=m - 0.5, x1=m + 0.5, y0=0, y1=1, xref="x", yref="paper", fillcolor=GREY,
                   opacity=0.2, line=dict(width=0)) for m, b in zip(x, bad) if b]
    return go.Figure(data=[
        go.Scatter(x=x, y=[v * 100 for v in indiv], name=T("bcfinance.micro.individual"), line=dict(color=ORANGE, width=3)),
        go.Scatter(x=x, y=[v * 100 for v in joint], name=T("bcfinance.micro.joint"), line=dict(color=BLUE, width=3)),
        # the shading's legend entry (a marker off the plot in the shading's colour)
        go.Scatter(x=[None], y=[None], mode="markers", marker=dict(symbol="square", size=16, color=GREY, opacity=0.4),
                   name=T("bcfinance.micro.bad_key"))],
        layout=dict(title=_title(T("bcfinance.micro.fig_title")), legend=H_LEGEND, height=400, shapes=shapes,
                    xaxis=dict(title=dict(text=T("bcfinance.fig.month")), dtick=1),
                    yaxis=dict(title=dict(text=T("bcfinance.micro.collected")), range=[0, 105])))
