"""Drawing helpers of the internet-payments page (chapter 2): ledger bars, message paths, chains, charts,
and the page's cached results.

This module is imported once; the page script runs again on every rerun.  So the page's caches live here
(a cached function defined in the page would be re-created, and its source re-read, on every rerun), and
every chart is a ``@figure`` builder (``ui.figure``): built once per distinct input, language and presenter
mode, shared read-only by every visitor, so a rerun or a replayed step that shows the same chart is a
lookup.  A builder takes what it shows as plain, cheaply hashed arguments (numbers, strings, tuples, never a
DataFrame), or the arguments of a cached function here that gives it its data, and its words from
``translator()``; nobody changes the figure it returns.  Cached results are shared read-only as well.

A table whose rows follow from a few inputs is cached as an Arrow table (``arrow``): ``st.dataframe`` sends
it as it is, the same bytes it would make from the DataFrame, without converting a DataFrame on every rerun
(~1 ms a table); an Arrow table cannot be changed, so it is safe to share.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from core import biometrics, crypto, iot, payments
from core import timeline as tl
from core import crossborder as xborder
from core import risk as fraud
from ui.frame import lang, presenter, translator
from ui.i18n import Translator, format_money, format_yuan
from ui.widgets import OKABE_ITO, chart, figure, money
from ui.secrets import session_memo


def arrow(df: pd.DataFrame) -> pa.Table:
    """``df`` as the Arrow table ``st.dataframe`` would make of it (checked: the same bytes on the wire)."""
    return pa.Table.from_pandas(df)


# ====================================================================== cached results (shared read-only)
# cache_resource objects are shared by every visitor and never mutated; cache_data hands each caller a copy.
@st.cache_resource(show_spinner=False, max_entries=4)
def facts(name: str) -> pd.DataFrame:
    return payments.load_facts(name)


@st.cache_resource(show_spinner=False, max_entries=4)
def fact_rows(name: str) -> dict[str, dict]:
    """The fact table ``name`` as {id: {column: value}}: a page quoting a few facts looks them up in a dict
    rather than filtering the DataFrame for each one."""
    return facts(name).to_dict("index")


@st.cache_resource(show_spinner=False, max_entries=4)
def message_path(model: str):
    """The message path of one payment model (a read-only trace shared by every visitor)."""
    return payments.message_path_trace(model)


@st.cache_data(show_spinner=False, max_entries=64)
def sealed(seed: int, amount_fen: int) -> tuple[bytes, dict]:
    """The payment order and its AES-GCM box (key, nonce, ciphertext, tag), derived from the seed."""
    message = payments.payment_message("user-1024", "shop-88", amount_fen, f"A{seed:04d}")
    return message, payments.encrypt_payment(seed, message)


@st.cache_data(show_spinner=False, max_entries=64)
def gcm_steps(seed: int, message: bytes, changed_at: int | None, xor: int):
    return payments.gcm_trace(seed, message, changed_at, xor)


@st.cache_data(show_spinner=False, max_entries=16)
def guess_cost(scheme: str, iters: int) -> float:
    return payments.seconds_per_guess(scheme, iters)


# typed passwords never enter a cache shared by every visitor (ui/secrets.py): memoised per session only
@session_memo(max_entries=16)
def stored(pw: str, scheme: str, salt: bytes, iters: int) -> str:
    return payments.store_password(pw, scheme, salt, iters)


@session_memo(max_entries=4)
def stored_passwords(pw: str, seed: int, iters: int) -> tuple[tuple[str, str, str, float], ...]:
    """For each storage scheme: (scheme, stored for user A, stored for user B, seconds per guess); the two
    users have the same password and their own salts, derived from the seed."""
    salts = payments.demo_key(seed, "salt-a"), payments.demo_key(seed, "salt-b")
    # a salt does not change the work of one SHA-256, so both SHA-256 rows use one measurement
    return tuple((scheme, stored(pw, scheme, salts[0], iters), stored(pw, scheme, salts[1], iters),
                  guess_cost("salted_sha256" if scheme == "sha256" else scheme, iters)) for scheme in payments.SCHEMES)


@st.cache_data(show_spinner=False, max_entries=64)
def signed_order(seed: int, signed_fen: int, received_fen: int) -> tuple[bytes, bytes, dict, bool]:
    """The order as signed, the order as received, the key and signature, and whether it verifies."""
    order = payments.payment_message("user-1024", "shop-88", signed_fen, f"A{seed:04d}")
    received = payments.payment_message("user-1024", "shop-88", received_fen, f"A{seed:04d}")
    signed = payments.sign_order(seed, order)
    return order, received, signed, payments.verify_order(signed["public_key"], received, signed["signature"])


@st.cache_data(show_spinner=False, max_entries=1)
def rfc6238_check() -> list[tuple[int, str, str]]:
    """RFC 6238 appendix B test vectors (SHA-1, 8 digits): time, expected code, code computed here."""
    vectors = [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")]
    return [(t, want, crypto.totp(b"12345678901234567890", t, digits=8)) for t, want in vectors]


def weights_key(weights: dict) -> str:
    """The rule weights as one short string ("amount=30,device=20,…"), the key of the risk caches below:
    Streamlit hashes a string about four times faster than a tuple of pairs, and a rerun of the risk tab
    looks these caches up about ten times."""
    return ",".join(f"{name}={int(weight)}" for name, weight in sorted(weights.items()))


def _weights(key: str) -> dict[str, int]:
    return {name: int(weight) for name, weight in (pair.split("=") for pair in key.split(","))}


@st.cache_resource(show_spinner=False, max_entries=8)
def risk_stream(seed_: int, n: int, d: int, a: int) -> pd.DataFrame:
    return fraud.generate_stream(seed_, n, d, a)


@st.cache_resource(show_spinner=False, max_entries=16)
def risk_scores(seed_: int, n: int, d: int, a: int, w: str) -> tuple[pd.Series, pd.DataFrame]:
    """Every payment's score under the rule weights ``w`` (``weights_key``), and precision/recall at every
    threshold."""
    stream = risk_stream(seed_, n, d, a)
    scores = fraud.score(stream, _weights(w))
    return scores, fraud.threshold_sweep(stream["is_fraud"], scores, np.arange(0, 171, 5))


@st.cache_resource(show_spinner=False, max_entries=16)
def risk_costs(seed_: int, n: int, d: int, a: int, w: str, review: int) -> pd.DataFrame:
    stream = risk_stream(seed_, n, d, a)
    return fraud.cost_curve(stream, risk_scores(seed_, n, d, a, w)[0], float(review), np.arange(0, 171, 5))


@st.cache_resource(show_spinner=False, max_entries=32)
def risk_at(seed_: int, n: int, d: int, a: int, w: str, thr: int) -> dict:
    """What the risk tab quotes at threshold ``thr``: confusion counts, frauds caught per pattern
    ((pattern, caught, total), ...) and the alert queue."""
    stream = risk_stream(seed_, n, d, a)
    scores = risk_scores(seed_, n, d, a, w)[0]
    per_pattern = (stream.assign(alert=scores >= thr)[stream["is_fraud"] == 1].groupby("pattern")["alert"]
                   .agg(["sum", "count"]))
    return {"conf": fraud.confusion(stream["is_fraud"], scores, thr), "fraud_n": int(stream["is_fraud"].sum()),
            "per_pattern": tuple((p, int(r["sum"]), int(r["count"])) for p, r in per_pattern.iterrows()),
            "queue": fraud.alert_queue(stream, scores, thr, limit=12)}


# a copy of the whole stream (up to ~90,000 payments, 11 MB): few entries
@st.cache_resource(show_spinner=False, max_entries=4)
def risk_download(seed_: int, n: int, d: int, a: int, w: str, thr: int) -> pd.DataFrame:
    """The stream with every payment's score and alert at threshold ``thr``, for the CSV download."""
    stream = risk_stream(seed_, n, d, a)
    scores = risk_scores(seed_, n, d, a, w)[0]
    return stream.assign(score=scores, alert=(scores >= thr).astype(int)).drop(columns=["x", "y"])


@st.cache_resource(show_spinner=False, max_entries=32)
def risk_cost_at(seed_: int, n: int, d: int, a: int, w: str, review: int, thr: int) -> dict:
    """Review cost, fraud loss and total at threshold ``thr`` ("here") and the cheapest threshold's row ("best")."""
    stream = risk_stream(seed_, n, d, a)
    costs = risk_costs(seed_, n, d, a, w, review)
    return {"here": fraud.cost_curve(stream, risk_scores(seed_, n, d, a, w)[0], float(review), [thr]).iloc[0],
            "best": costs.loc[costs["total"].idxmin()]}


@st.cache_resource(show_spinner=False, max_entries=8)
def live_trace(seed_: int, n: int, d: int, a: int, w: str, thr: int):
    return fraud.stream_trace(risk_stream(seed_, n, d, a), risk_scores(seed_, n, d, a, w)[0], thr, steps=24, tail=8)


def queue_table(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Alerts as the page lists them, headed and worded in ``language``."""
    T = Translator(language)
    return pd.DataFrame({
        T("payments.risk.col_tx"): frame["tx"],
        T("payments.risk.col_time"): [f"D{int(mi // 1440) + 1} {int(mi % 1440 // 60):02d}:{int(mi % 60):02d}"
                                      for mi in frame["minute"]],
        T("payments.risk.col_customer"): frame["customer"],
        T("payments.risk.col_amount"): [format_yuan(a, language) for a in frame["amount"]],
        T("payments.risk.col_score"): frame["score"],
        T("payments.risk.col_rules"): [T("payments.risk.sep").join(T(f"payments.risk.rule.{r}") for r in rules) or "—"
                                       for rules in frame["rules"]],
        T("payments.risk.col_truth"): [T(f"payments.risk.pattern.{p}") for p in frame["pattern"]],
    })


@st.cache_resource(show_spinner=False, max_entries=64)
def alert_table(seed_: int, n: int, d: int, a: int, w: str, thr: int, language: str) -> pa.Table | None:
    """The alert queue at threshold ``thr`` as the page lists it; None if nothing raised an alert."""
    queue = risk_at(seed_, n, d, a, w, thr)["queue"]
    return None if queue.empty else arrow(queue_table(queue, language))


@st.cache_resource(show_spinner=False, max_entries=128)
def live_alert_table(seed_: int, n: int, d: int, a: int, w: str, thr: int, index: int,
                     language: str) -> pa.Table | None:
    """The latest alerts at step ``index`` of the live stream, as the page lists them; None if none yet."""
    latest = live_trace(seed_, n, d, a, w, thr)[index].state["latest"]
    return None if latest.empty else arrow(queue_table(latest, language))


@st.cache_resource(show_spinner=False, max_entries=64)
def chain_steps(amount_usd: float, hops: int, sender_fee: float, hop_fee: float, recv_fee: float, fx: float,
                leg_hours: float):
    return xborder.chain_trace(amount_usd, hops, sender_fee, hop_fee, recv_fee, fx, leg_hours)


@st.cache_data(show_spinner=False, max_entries=32)
def arrivals(leg: int, cut: int) -> list[tuple[float, float, float]]:
    """For 0–6 intermediaries: share credited within 1 h and within 24 h, and the median hours (Monte Carlo)."""
    out = []
    for k in range(7):
        h = xborder.arrival_hours(1, k, leg, cut / 100, 20_000)
        out.append((xborder.share_within(h, 1), xborder.share_within(h, 24), float(np.median(h))))
    return out


@st.cache_resource(show_spinner=False, max_entries=16)
def bio_run(seed_: int, d: float, s_: float):
    """Simulated genuine and impostor scores, the equal error rate and the FAR/FRR curve (shared read-only)."""
    scores_ = biometrics.simulate_scores(seed_, 5_000, 50_000, d, s_)
    return scores_, biometrics.equal_error_rate(scores_["genuine"], scores_["impostor"]), \
        biometrics.error_curve(scores_["genuine"], scores_["impostor"])


BIO_EDGES = np.linspace(0, 100, 101)


@st.cache_resource(show_spinner=False, max_entries=16)
def bio_histogram(seed_: int, d: float, s_: float) -> dict:
    """Density of the impostor and genuine scores in 100 bins of one point (shared read-only)."""
    sc = bio_run(seed_, d, s_)[0]
    return {kind: np.histogram(sc[kind], bins=BIO_EDGES, density=True)[0] for kind in ("impostor", "genuine")}


def label_col() -> str:
    return "label_zh" if lang() == "zh" else "label_en"


@st.cache_resource(show_spinner=False, max_entries=4)
def crossborder_fact_table(language: str) -> pa.Table:
    """The cross-border facts as the expander shows them, headed in ``language``."""
    T = Translator(language)
    table = facts("crossborder").reset_index()[["label_zh" if language == "zh" else "label_en", "value", "unit",
                                                 "period", "source"]]
    table.columns = [T("payments.xb.col_fact"), T("payments.xb.col_value"), T("payments.xb.col_unit"),
                     T("payments.xb.col_period"), T("common.source")]
    return arrow(table)


# who holds each account: colour by institution
HOLDER = {"user.bank": "bank_a", "merchant.bank": "bank_b", "user.wallet": "platform", "merchant.wallet": "platform",
          "customer_funds": "platform", "fee_income": "platform", "reserve": "pboc"}
HOLDER_COLOUR = {"bank_a": OKABE_ITO[0], "bank_b": OKABE_ITO[4], "platform": OKABE_ITO[1], "pboc": OKABE_ITO[2]}
SHOWN = ["user.bank", "user.wallet", "merchant.wallet", "merchant.bank", "reserve", "customer_funds", "fee_income"]


#: reference lines: a mid grey reads on the light and the dark theme (black vanished on dark)
NEUTRAL = "#8A8A8A"
#: a horizontal legend in its own strip at the foot of the figure: Plotly reserves the room for it below the x
#: axis title (a legend placed at y=-0.3 of the plot area overlapped the title on short or tall charts)
LEGEND_BELOW = dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left")


def account_label(account: str) -> str:
    """Translated account name (locale key payments.acct.<name with _>)."""
    return translator()(f"payments.acct.{account.replace('.', '_')}")


@figure
def ledger_figure(accounts: tuple, balances_fen: tuple, moved: tuple, day: int) -> go.Figure:
    """One bar per account (coloured by who holds it), the accounts this step moved outlined."""
    T = translator()
    values = [fen / 100 for fen in balances_fen]
    fig = go.Figure(go.Bar(
        x=values, y=list(range(len(accounts))), orientation="h", width=0.45,
        marker=dict(color=[HOLDER_COLOUR[HOLDER[a]] for a in accounts],
                    line=dict(color=["#D55E00" if a in moved else "rgba(0,0,0,0)" for a in accounts],
                              width=4)),
        hovertext=[f"{account_label(a)}: {money(fen)}" for a, fen in zip(accounts, balances_fen)], hoverinfo="text",
        showlegend=False))
    # the colour key as a real legend, one entry per institution in its own colour
    for holder, colour in HOLDER_COLOUR.items():
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", marker_color=colour, hoverinfo="skip",
                             name=T(f"payments.holder.{holder}")))
    # the account name and balance sit above each bar, so narrow screens keep the full plot width
    notes = [dict(xref="paper", x=0, y=i, yshift=17, xanchor="left", showarrow=False,
                  font=dict(size=20 if presenter() else 14),
                  text=f"{'<b>' if a in moved else ''}{account_label(a)}: {money(fen)}"
                       f"{'</b>' if a in moved else ''}") for i, (a, fen) in enumerate(zip(accounts, balances_fen))]
    low, high = min(values + [0]), max(values + [1])
    fig.update_layout(height=120 + 52 * len(accounts), annotations=notes, legend=LEGEND_BELOW,
                      yaxis=dict(visible=False, autorange="reversed", range=None),
                      xaxis=dict(title=T("payments.life.axis_yuan"), range=[low * 1.05, high * 1.05], zeroline=True),
                      title=T("payments.life.chart_title", day=day + 1))
    return fig


@st.cache_resource(show_spinner=False, max_entries=256)
def entry_table(entry: tuple, language: str) -> pa.Table:
    """One journal entry ((account, change in fen), ...) as the page lists it."""
    T = Translator(language)
    return arrow(pd.DataFrame([{T("payments.life.col_account"): T(f"payments.acct.{a.replace('.', '_')}"),
                                T("payments.life.col_change"): ("+" if d > 0 else "−")
                                + format_money(abs(d), language)} for a, d in entry]))


#: the try-it books' accounts, in the order the page lists them
TRY_ACCOUNTS = ("u0.bank", "u0.wallet", "m0.wallet", "m0.bank", "reserve", "fee_income")


@st.cache_resource(show_spinner=False, max_entries=256)
def try_balances_table(balances_fen: tuple, language: str) -> pa.Table:
    """The try-it books' balances (fen, in the order of ``TRY_ACCOUNTS``) as the page lists them."""
    T = Translator(language)
    names = [a.replace("u0", "user").replace("m0", "merchant").replace(".", "_") for a in TRY_ACCOUNTS]
    return arrow(pd.DataFrame([{T("payments.life.col_account"): T(f"payments.acct.{name}"),
                                T("payments.try.col_balance"): format_money(fen, language)}
                               for name, fen in zip(names, balances_fen)]))


def draw_ledger_step(step) -> None:
    """Balances of every account after this step (moved accounts outlined), the journal entry and the two checks."""
    T = translator()
    s = step.state
    bal = s["balances"]
    left, right = st.columns([3, 2])
    with left:
        accounts = tuple(a for a in SHOWN if a in bal)
        chart(ledger_figure(accounts, tuple(bal[a] for a in accounts), tuple(s["moved"]), s["day"]))
    with right:
        c = s["checks"]
        st.markdown(f"**{T('payments.life.checks')}**")
        st.markdown(("✅ " if c["balanced"] else "❌ ") + T("payments.life.check_total", total_fen=c["total_fen"]))
        st.markdown(("✅ " if c["reserve_ok"] else "❌ ") +
                    T("payments.life.check_reserve", reserve_fen=c["reserve_fen"], customers_fen=c["customers_fen"]))
        if s["entry"]:
            st.markdown(f"**{T('payments.life.entry')}**")
            st.dataframe(entry_table(tuple(s["entry"]), lang()), hide_index=True, width="stretch")
        st.markdown(f"**{T('payments.life.owes')}**")
        st.markdown("\n".join([
            "- " + T("payments.life.owe_bank_a", amount_fen=bal.get("user.bank", 0)),
            "- " + T("payments.life.owe_platform", user_fen=bal.get("user.wallet", 0),
                     merchant_fen=bal.get("merchant.wallet", 0)),
            "- " + T("payments.life.owe_pboc", amount_fen=bal.get("reserve", 0)),
            "- " + T("payments.life.owe_bank_b", amount_fen=bal.get("merchant.bank", 0)),
        ]))


# ---------------------------------------------------------------- message paths
NODE_XY = {
    "four_party": {"cardholder": (0, 1), "merchant": (3, 1), "issuer": (0, 0), "acquirer": (3, 0), "scheme": (1.5, -0.8)},
    "direct": {"payer": (0, 1), "platform": (1.5, 1), "payee": (3, 1), "payer_bank": (0, -0.6),
               "payee_bank": (3, -0.6)},
    "netsunion": {"payer": (0, 1), "platform": (1.5, 1), "payee": (3, 1), "netsunion": (1.5, 0.2),
                  "payer_bank": (0, -0.6), "payee_bank": (3, -0.6)},
}


def draw_path_step(step) -> None:
    """The parties of a payment model as a diagram; messages so far drawn as arrows, the latest highlighted."""
    chart(path_figure(step.state["model"], tuple(step.state["edges"])))


@figure
def path_figure(model: str, edges: tuple) -> go.Figure:
    """The parties of ``model`` and the messages ``edges`` ((from, to, message), ...) so far, the last highlighted."""
    T = translator()
    pos = NODE_XY[model]
    fig = go.Figure()
    for i, (src, dst, msg) in enumerate(edges):
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        last = i == len(edges) - 1
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=3, arrowsize=1.4, arrowwidth=4 if last else 2,
                           arrowcolor=OKABE_ITO[5] if last else "#999999", standoff=28, startstandoff=28)
        if last:
            fig.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2 + 0.12, text=T(f"payments.clear.short.{msg}"),
                               showarrow=False, font=dict(color=OKABE_ITO[5], size=16 if not presenter() else 22))
    names = list(pos)
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in names], y=[pos[n][1] for n in names], mode="markers+text",
        marker=dict(size=46, color=[OKABE_ITO[2] if n == "netsunion" or n == "scheme" else OKABE_ITO[0] for n in names],
                    line=dict(width=2, color="white")),
        text=[T(f"payments.node.{n}") for n in names], textposition="bottom center", hoverinfo="text"))
    fig.update_layout(height=380, showlegend=False, xaxis=dict(visible=False, range=[-0.7, 3.7]),
                      yaxis=dict(visible=False, range=[-1.3, 1.4]))
    return fig


@figure
def links_figure(n: int, m: int, markers: tuple[tuple[str, int, int], ...]) -> go.Figure:
    """Links needed as the number of payment institutions grows (banks fixed at m): N×M against N+M;
    ``markers`` are (label, institutions, banks) of real dates."""
    T = translator()
    xs = np.arange(1, max(n, 300) + 1)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=xs * m, name=T("payments.clear.direct_links"), line=dict(color=OKABE_ITO[5])))
    fig.add_trace(go.Scatter(x=xs, y=xs + m, name=T("payments.clear.switch_links"), line=dict(color=OKABE_ITO[2])))
    fig.add_trace(go.Scatter(x=[n, n], y=[n * m, n + m], mode="markers", marker=dict(size=12, color=OKABE_ITO[0]),
                             name=T("payments.clear.your_choice")))    # not black: the dark theme would hide it
    for label, pis, banks in markers:
        fig.add_trace(go.Scatter(x=[pis], y=[pis * banks], mode="markers+text", text=[label],
                                 textposition="top left", marker=dict(size=10, symbol="diamond", color=OKABE_ITO[3]),
                                 name=label, showlegend=False, cliponaxis=False))
    # decades only (no stray "2" and "5" between them), with thousands separators
    fig.update_layout(height=400, yaxis=dict(type="log", dtick=1, tickformat=",d"),
                      xaxis_title=T("payments.clear.axis_institutions"),
                      yaxis_title=T("payments.clear.axis_links"), legend=LEGEND_BELOW)
    return fig


# ---------------------------------------------------------------- cross-border chain
@figure
def chain_figure(nodes: tuple, balances_cents: tuple, position: int) -> go.Figure:
    """The chain's parties as boxes: where the money is now (orange), passed (green), still ahead (grey)."""
    T = translator()
    fig = go.Figure()
    colours = []
    for i, (node, cents) in enumerate(zip(nodes, balances_cents)):
        here = cents > 0 and node not in ("sender",)
        colours.append(OKABE_ITO[5] if here else (OKABE_ITO[2] if i <= position + 1 else "#BBBBBB"))
    labels = [_chain_label(T, n) for n in nodes]
    fig.add_trace(go.Scatter(x=list(range(len(nodes))), y=[0] * len(nodes), mode="markers+text",
                             marker=dict(size=40, color=colours, symbol="square"), text=labels,
                             textposition=["bottom center" if i % 2 == 0 else "top center" for i in range(len(nodes))],
                             hoverinfo="text",
                             hovertext=[f"{lab}: ${cents / 100:,.2f}" for lab, cents in zip(labels, balances_cents)]))
    for i in range(len(nodes) - 1):
        fig.add_annotation(x=i + 1, y=0, ax=i, ay=0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=2, arrowwidth=2, arrowcolor="#999999", standoff=22, startstandoff=22)
    fig.update_layout(height=230, showlegend=False, xaxis=dict(visible=False, range=[-0.7, len(nodes) - 0.3]),
                      yaxis=dict(visible=False, range=[-1.0, 1.0]))
    return fig


def draw_chain_step(step) -> None:
    """Banks of the chain as boxes; the money's current position, fees so far and hours elapsed."""
    T = translator()
    s = step.state
    banks = s["banks"]
    nodes = ("sender", *banks, "beneficiary")
    bal = s["balances"]
    chart(chain_figure(nodes, tuple(bal.get(n, 0) for n in nodes), s["position"]))
    c1, c2, c3 = st.columns(3)
    c1.metric(T("payments.xb.m_hours"), f"{s['hours']:.1f} h")
    c2.metric(T("payments.xb.m_fees"), f"${(s['fees_cents'] + s['fx_cents']) / 100:,.2f}")
    moving = sum(v for k, v in bal.items() if k in banks or k == "beneficiary")
    c3.metric(T("payments.xb.m_moving"), f"${moving / 100:,.2f}")


def _chain_label(T, node: str) -> str:
    if node.startswith("intermediary_"):
        return T("payments.xb.node.intermediary", i=int(node.split("_")[1]))
    return T(f"payments.xb.node.{node}")


@figure
def confusion_figure(tp: int, fn: int, fp: int, tn: int) -> go.Figure:
    """2 × 2 confusion matrix as a heatmap with counts."""
    T = translator()
    z = [[tp, fn], [fp, tn]]
    fig = go.Figure(go.Heatmap(
        z=np.log10(np.array(z, dtype=float) + 1), x=[T("payments.risk.pred_alert"), T("payments.risk.pred_pass")],
        y=[T("payments.risk.true_fraud"), T("payments.risk.true_normal")], text=[[f"{v:,}" for v in row] for row in z],
        texttemplate="%{text}", textfont=dict(size=22 if presenter() else 18), showscale=False,
        colorscale=[[0, "#F2F5F8"], [1, OKABE_ITO[0]]], hoverinfo="skip"))
    fig.update_layout(height=300, yaxis=dict(autorange="reversed"), title=T("payments.risk.matrix_title"))
    return fig


def reference_lines(fig: go.Figure, lines: list[tuple[float, str, str, str]], vertical: bool = False) -> go.Figure:
    """Add labelled horizontal (or vertical) reference lines in one layout update — much faster than
    repeated ``add_hline``.  Each line is (value, text, dash, colour)."""
    shapes, notes = list(fig.layout.shapes or []), list(fig.layout.annotations or [])
    for value, text, dash, colour in lines:
        if vertical:
            shapes.append(dict(type="line", xref="x", yref="paper", x0=value, x1=value, y0=0, y1=1,
                               line=dict(dash=dash, color=colour, width=2)))
            if text:
                notes.append(dict(xref="x", yref="paper", x=value, y=1, text=text, showarrow=False,
                                  xanchor="left", yanchor="bottom"))
        else:
            shapes.append(dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=value, y1=value,
                               line=dict(dash=dash, color=colour, width=2)))
            if text:
                notes.append(dict(xref="paper", yref="y", x=0, y=value, text=text, showarrow=False,
                                  xanchor="left", yanchor="bottom", bgcolor="rgba(255,255,255,0.6)"))
    fig.update_layout(shapes=shapes, annotations=notes)
    return fig


#: bytes drawn at once: 16 cells stay readable on a phone (≈20 px each) and on a projector
BYTE_WINDOW = 16


def byte_window(n: int, centre: int, width: int = BYTE_WINDOW) -> tuple[int, int]:
    """The ``width`` bytes [start, stop) of an ``n``-byte message around byte ``centre``."""
    start = max(0, min(n - width, centre - width // 2))
    return start, min(n, start + width)


def draw_bytes_step(step, centre: int = 0) -> None:
    """The message as byte strips around byte ``centre`` (the changed byte, or the amount): plaintext
    (characters), ciphertext sent and received (hex); a changed byte boxed."""
    s = step.state
    n = len(s["plain"])
    start, stop = byte_window(n, centre)
    chart(bytes_figure(tuple(s["rows"]), tuple(bytes(s[row][start:stop]) for row in s["rows"]), start, s["changed"]))
    st.caption(translator()("payments.enc.window", a=start, b=stop - 1, n=n))


@figure
def bytes_figure(rows: tuple, strips: tuple, start: int, changed: int | None) -> go.Figure:
    """One heatmap row of bytes per strip (``rows`` names them: plain, sent, received), starting at byte
    ``start`` of the message; byte ``changed`` boxed."""
    T = translator()
    z, text = [], []
    for row, data in zip(rows, strips):
        z.append(list(data))
        text.append([chr(b) if row == "plain" and 32 <= b < 127 else f"{b:02x}" for b in data])
    width = len(strips[0]) if strips else 0
    fig = go.Figure(go.Heatmap(z=z, text=text, texttemplate="%{text}", textfont=dict(size=14),
                               y=[T(f"payments.enc.row.{r}") for r in rows], x=list(range(start, start + width)),
                               showscale=False, colorscale=[[0, "#DCE9F5"], [1, "#7FB2DA"]], zmin=0, zmax=255,
                               xgap=2, ygap=3,
                               hovertemplate="%{y} · " + T("payments.enc.axis_byte") + " %{x}: %{text}<extra></extra>"))
    if changed is not None and start <= changed < start + width:
        i = changed
        fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=-0.5, y1=len(rows) - 0.5,
                      line=dict(color="#D55E00", width=3))
    # no axis title (the caption under the strip names the bytes shown): a title here collided with the ticks
    fig.update_layout(height=90 + 50 * len(rows), yaxis=dict(autorange="reversed"), xaxis=dict(dtick=2))
    return fig


def legend_lines(fig: go.Figure, lines: list[tuple[float, str, str, str]], x_range: tuple[float, float]) -> go.Figure:
    """Reference levels drawn as flat line traces with legend entries (value, label, dash, colour),
    so their labels never sit on top of the bars."""
    for value, label, dash, colour in lines:
        fig.add_trace(go.Scatter(x=list(x_range), y=[value, value], mode="lines", name=label,
                                 line=dict(dash=dash, color=colour, width=2), hoverinfo="name"))
    fig.update_xaxes(range=list(x_range))
    return fig


@figure
def mesh_figure(n: int, m: int, through_switch: bool, title: str) -> go.Figure:
    """Payment institutions (left column) and banks (right column): every pair linked directly, or each
    linked once to a switch in the middle.  At most 10 of each are drawn so the picture stays readable."""
    T = translator()
    n_show, m_show = min(n, 10), min(m, 10)
    ys_n = np.linspace(1, 0, n_show) if n_show > 1 else np.array([0.5])
    ys_m = np.linspace(1, 0, m_show) if m_show > 1 else np.array([0.5])
    xs, ys = [], []
    if through_switch:
        for y in ys_n:
            xs += [0, 0.5, None]; ys += [y, 0.5, None]
        for y in ys_m:
            xs += [0.5, 1, None]; ys += [0.5, y, None]
    else:
        for y0 in ys_n:
            for y1 in ys_m:
                xs += [0, 1, None]; ys += [y0, y1, None]
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", line=dict(width=1, color="#999999"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[0] * n_show, y=ys_n, mode="markers", marker=dict(size=12, color=OKABE_ITO[1]),
                             name=T("payments.clear.institutions"), hoverinfo="name"))
    fig.add_trace(go.Scatter(x=[1] * m_show, y=ys_m, mode="markers", marker=dict(size=12, color=OKABE_ITO[0]),
                             name=T("payments.clear.banks"), hoverinfo="name"))
    if through_switch:
        fig.add_trace(go.Scatter(x=[0.5], y=[0.5], mode="markers+text", marker=dict(size=26, color=OKABE_ITO[2]),
                                 text=[T("payments.node.netsunion")], textposition="top center", hoverinfo="skip"))
    fig.update_layout(height=300, showlegend=False, title=title, xaxis=dict(visible=False, range=[-0.15, 1.15]),
                      yaxis=dict(visible=False, range=[-0.1, 1.15]))
    return fig


# ---------------------------------------------------------------- identity: time to crack a password
def crack_duration(T, seconds: float) -> str:
    """A duration in ``T``'s language, in seconds, hours, days or years."""
    if seconds < 120:
        return T("payments.id.duration", value=f"{seconds:,.1f}", unit_name=T("payments.id.unit_s"))
    if seconds < 3 * 86_400:
        return T("payments.id.duration", value=f"{seconds / 3600:,.1f}", unit_name=T("payments.id.unit_h"))
    if seconds < 730 * 86_400:
        return T("payments.id.duration", value=f"{seconds / 86_400:,.1f}", unit_name=T("payments.id.unit_d"))
    return T("payments.id.duration", value=f"{seconds / 31_557_600:,.0f}", unit_name=T("payments.id.unit_y"))


@session_memo(max_entries=4)
def password_table(pw: str, seed: int, iters: int, alphabet: int, length: int, language: str) -> pa.Table:
    """How each scheme stores the two users' equal password, the work of one guess and the time to find a
    password of ``length`` characters from ``alphabet`` symbols, as the page lists them."""
    T = Translator(language)
    rows = []
    for scheme, a, b, per_guess in stored_passwords(pw, seed, iters):
        seconds = payments.brute_force_seconds(alphabet, length, per_guess)
        rows.append({T("payments.id.col_scheme"): T(f"payments.id.scheme_{scheme}"),
                     T("payments.id.col_user_a"): a[:24] + ("…" if len(a) > 24 else ""),
                     T("payments.id.col_user_b"): b[:24] + ("…" if len(b) > 24 else ""),
                     T("payments.id.col_same"): "⚠️" if a == b else "—",
                     T("payments.id.col_guess"): f"{per_guess * 1e6:,.1f} µs",
                     T("payments.id.col_crack"): T("payments.id.instant") if scheme == "plain"
                     else crack_duration(T, seconds)})
    return arrow(pd.DataFrame(rows))


@figure
def crack_figure(schemes: tuple, seconds: tuple, length: int) -> go.Figure:
    """Time to find one password of ``length`` characters under each storage scheme (log scale)."""
    T = translator()
    marks = [(1, "s"), (3600, "h"), (86_400, "d"), (31_557_600, "y")]
    fig = go.Figure(go.Bar(x=[T(f"payments.id.scheme_{sc}") for sc in schemes], y=list(seconds),
                           marker_color=[OKABE_ITO[5], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[0]],
                           text=[crack_duration(T, v) for v in seconds], textposition="outside"))
    fig.update_layout(height=320, yaxis=dict(type="log", tickvals=[m for m, _ in marks],
                                             ticktext=[T(f"payments.id.tick_{u}") for _, u in marks]),
                      title=T("payments.id.crack_title", length=length))
    return fig


# ---------------------------------------------------------------- risk monitoring
@figure
def sweep_figure(scenario: tuple, w: str, threshold: int) -> go.Figure:
    """Precision and recall at every threshold of the scenario's stream, the chosen threshold dashed."""
    T = translator()
    sweep = risk_scores(*scenario, w)[1]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=sweep["threshold"], y=sweep["precision"] * 100, name=T("payments.risk.m_precision")))
    fig.add_trace(go.Scatter(x=sweep["threshold"], y=sweep["recall"] * 100, name=T("payments.risk.m_recall")))
    reference_lines(fig, [(threshold, "", "dash", "#D55E00")], vertical=True)
    fig.update_layout(height=300, xaxis_title=T("payments.risk.threshold"), yaxis_title="%",
                      title=T("payments.risk.sweep_title"), legend=LEGEND_BELOW)
    return fig


@figure
def risk_cost_figure(scenario: tuple, w: str, review: int, threshold: int) -> go.Figure:
    """Review cost, fraud loss and their total at every threshold; the cheapest starred, the chosen dashed."""
    T = translator()
    costs = risk_costs(*scenario, w, review)
    best = costs.loc[costs["total"].idxmin()]
    fig = go.Figure()
    for col, colour in (("review_cost", OKABE_ITO[1]), ("fraud_loss", OKABE_ITO[5]), ("total", OKABE_ITO[0])):
        fig.add_trace(go.Scatter(x=costs["threshold"], y=costs[col], name=T(f"payments.risk.cost_{col}"),
                                 line=dict(color=colour, width=3 if col == "total" else 2)))
    fig.add_trace(go.Scatter(x=[best["threshold"]], y=[best["total"]], mode="markers", showlegend=False,
                             marker=dict(size=12, color=OKABE_ITO[0], symbol="star"), hoverinfo="skip"))
    reference_lines(fig, [(threshold, "", "dash", "#D55E00")], vertical=True)
    # log scale: a few large structured payments would otherwise flatten the interesting low region
    fig.update_layout(height=360, xaxis_title=T("payments.risk.threshold"),
                      yaxis=dict(type="log", title="¥", tickformat=",.0f"), legend=LEGEND_BELOW)
    return fig


@figure
def live_figure(seen: tuple, tp: tuple, fp: tuple, fn: tuple, total: int) -> go.Figure:
    """Running counts of caught frauds, false alarms and missed frauds as the stream arrives."""
    T = translator()
    fig = go.Figure()
    x = np.array(seen, dtype=np.int64)
    for col, y, colour in (("tp", tp, OKABE_ITO[2]), ("fp", fp, OKABE_ITO[1]), ("fn", fn, OKABE_ITO[5])):
        fig.add_trace(go.Scatter(x=x, y=np.array(y, dtype=np.int64), mode="lines+markers", line=dict(color=colour),
                                 name=T(f"payments.risk.live_{col}")))
    # whole counts only: no "0.5 frauds", and no "0 0 1 1" when the counts are still small
    top = max([1, *tp, *fp, *fn])
    fig.update_layout(height=360, xaxis=dict(range=[0, total], title=T("payments.risk.live_x")),
                      yaxis=dict(range=[0, top * 1.08], tickformat=",d", dtick=1 if top <= 6 else None),
                      legend=LEGEND_BELOW)
    return fig


# ---------------------------------------------------------------- cross-border
def _reference(xb: pd.DataFrame, fid: str, dash: str, colour: str) -> tuple[float, str, str, str]:
    return (float(xb.loc[fid, "value"]), f"{xb.loc[fid, label_col()]} {xb.loc[fid, 'value']:g}%", dash, colour)


@figure
def xb_cost_figure(amount_usd: float, hops: int, sender_fee: float, hop_fee: float, recv_fee: float,
                   fx_margin: float, ledger_pct: float) -> go.Figure:
    """Cost of a correspondent chain by number of intermediaries (this one highlighted), against a shared
    ledger and the published averages and targets."""
    T = translator()
    xb = facts("crossborder")
    ks = list(range(7))
    fig = go.Figure()
    fig.add_trace(go.Bar(x=ks, y=[xborder.chain_cost(amount_usd, k, sender_fee, hop_fee, recv_fee, fx_margin) * 100
                                  for k in ks], name=T("payments.xb.chain"), showlegend=False,
                         marker_color=[OKABE_ITO[5] if k == hops else OKABE_ITO[0] for k in ks]))
    legend_lines(fig, [(ledger_pct * 100, f"{T('payments.xb.ledger')} {ledger_pct * 100:.1f}%", "solid",
                        OKABE_ITO[2])] + [
        _reference(xb, fid, dash, colour) for fid, dash, colour in (("wb_global_avg_q3_2025", "dot", NEUTRAL),
                                                                    ("g20_remittance_cost", "dash", OKABE_ITO[3]),
                                                                    ("g20_retail_cost", "dashdot", OKABE_ITO[4]))],
        (-0.5, 6.5))
    fig.update_layout(height=520, title=T("payments.xb.cost_title"), xaxis_title=T("payments.xb.hops"),
                      yaxis_title="%", legend=LEGEND_BELOW)
    return fig


@figure
def xb_speed_figure(hops: int, leg_minutes: int, cutoff: int) -> go.Figure:
    """Share credited within an hour by number of intermediaries (this one highlighted), against a shared
    ledger and the published SWIFT gpi figures and G20 target."""
    T = translator()
    xb = facts("crossborder")
    by_hops = arrivals(leg_minutes, cutoff)
    ks = list(range(7))
    shares = [by_hops[k][0] * 100 for k in ks]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=ks, y=shares, name=T("payments.xb.chain"), showlegend=False,
                         marker_color=[OKABE_ITO[5] if k == hops else OKABE_ITO[0] for k in ks]))
    legend_lines(fig, [(1.0 * 100, T("payments.xb.ledger"), "solid", OKABE_ITO[2])] + [
        _reference(xb, fid, dash, colour) for fid, dash, colour in (("g20_speed_1h", "dash", OKABE_ITO[3]),
                                                                    ("gpi_bank_1h_2024", "dot", NEUTRAL),
                                                                    ("gpi_customer_1h_2024", "dashdot", OKABE_ITO[4]))],
        (-0.5, 6.5))
    fig.update_layout(height=520, title=T("payments.xb.speed_title"), xaxis_title=T("payments.xb.hops"),
                      yaxis_title="%", yaxis_range=[0, 105], legend=LEGEND_BELOW)
    return fig


# ---------------------------------------------------------------- biometrics
@figure
def bio_dist_figure(seed: int, separation: float, spread: float, threshold: float) -> go.Figure:
    """Densities of impostor and genuine match scores, the threshold dashed."""
    T = translator()
    density = bio_histogram(seed, separation, spread)
    fig = go.Figure()
    for kind, colour in (("impostor", OKABE_ITO[5]), ("genuine", OKABE_ITO[0])):
        fig.add_trace(go.Bar(x=BIO_EDGES[:-1] + 0.5, y=density[kind], width=1.0, name=T(f"payments.bio.{kind}"),
                             opacity=0.6, marker_color=colour))
    reference_lines(fig, [(threshold, "", "dash", NEUTRAL)], vertical=True)
    fig.update_layout(barmode="overlay", bargap=0, height=340, xaxis_title=T("payments.bio.score"),
                      title=T("payments.bio.dist_title"), legend=LEGEND_BELOW)
    return fig


@figure
def bio_det_figure(seed: int, separation: float, spread: float, threshold: float) -> go.Figure:
    """The DET curve (FRR against FAR on normal-deviate axes), this threshold and the equal error rate."""
    T = translator()
    sc, (_, eer), curve = bio_run(seed, separation, spread)
    far_v, frr_v = biometrics.far(sc["impostor"], threshold), biometrics.frr(sc["genuine"], threshold)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=biometrics.det_axes(curve["far"]), y=biometrics.det_axes(curve["frr"]),
                             mode="lines", name="DET", line=dict(color=OKABE_ITO[0])))
    fig.add_trace(go.Scatter(x=biometrics.det_axes([far_v]), y=biometrics.det_axes([frr_v]), mode="markers",
                             marker=dict(size=14, color="#D55E00"), name=T("payments.bio.here")))
    fig.add_trace(go.Scatter(x=biometrics.det_axes([eer]), y=biometrics.det_axes([eer]), mode="markers",
                             marker=dict(size=10, color=OKABE_ITO[2], symbol="diamond"), name="EER"))
    ticks = [0.0001, 0.001, 0.01, 0.05, 0.2, 0.5]
    axis = dict(tickvals=list(biometrics.det_axes(ticks)), ticktext=[f"{t * 100:g}%" for t in ticks],
                range=[float(biometrics.det_axes([0.00005])[0]), float(biometrics.det_axes([0.6])[0])])
    fig.update_layout(height=340, title=T("payments.bio.det_title"), xaxis=dict(title=T("payments.bio.far"), **axis),
                      yaxis=dict(title=T("payments.bio.frr"), **axis), legend=LEGEND_BELOW)
    return fig


# ---------------------------------------------------------------- IoT payment (core.iot)
#: a decision's colour: accepted green; each refusal its own colour (Okabe & Ito)
IOT_COLOUR = {"accepted": OKABE_ITO[2], "registered": OKABE_ITO[6], "signature": OKABE_ITO[5],
              "not_revoked": "#8C564B", "counter": OKABE_ITO[3], "per_tx": OKABE_ITO[1], "daily": OKABE_ITO[7],
              "balance": OKABE_ITO[4]}     # revoked in brown, not black: the dark theme would hide it


@st.cache_resource(show_spinner=False, max_entries=32)
def iot_run(seed: int, per_tx_fen: int, daily_fen: int, balance_fen: int, stolen: bool, replay: bool, forge: bool):
    """The car's three days against the platform (a read-only trace shared by every visitor)."""
    return iot.simulate(seed, per_tx_fen, daily_fen, balance_fen, stolen, replay, forge)


def iot_rows(trace) -> tuple:
    """The run's orders as plain tuples (time, who, merchant, amount, decision, spent that day, wallet) — the
    chart builders' cheaply hashed input."""
    return tuple((r["time"], r["who"], r["merchant"], r["amount_fen"], r["decision"], r["spent_today_fen"],
                  r["wallet_fen"]) for r in trace[-1].state["rows"])


@figure
def iot_spend_figure(rows: tuple, daily_fen: int, per_tx_fen: int, upto: int) -> go.Figure:
    """One bar per order (its amount, coloured by the decision), the amount accepted so far that day as a line,
    the daily and per-payment limits dashed; orders after ``upto`` are left out (the player's current step)."""
    T = translator()
    shown = rows[:upto]
    # orders numbered in time order; the axis names only the day at its first order (fits a phone too), the
    # hover gives the exact time
    x = list(range(1, len(rows) + 1))
    day_starts = [i for i, r in enumerate(rows) if i == 0 or r[0][:10] != rows[i - 1][0][:10]]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x[:len(shown)], y=[r[3] / 100 for r in shown], name=T("payments.iot.chart_amount"),
                         marker_color=[IOT_COLOUR[r[4]] for r in shown], showlegend=False,
                         hovertext=[f"{r[0].replace('T', ' ')} · {T('payments.iot.who.' + r[1])} → {r[2]}: {money(r[3])} · "
                                    f"{T('payments.iot.reason.' + r[4])}" for r in shown], hoverinfo="text"))
    fig.add_trace(go.Scatter(x=x[:len(shown)], y=[r[5] / 100 for r in shown], mode="lines+markers",
                             line=dict(color=OKABE_ITO[0], width=3, shape="hv"), name=T("payments.iot.chart_spent")))
    for fen, name, dash, colour in ((daily_fen, T("payments.iot.chart_daily"), "dash", "#D55E00"),
                                    (per_tx_fen, T("payments.iot.chart_per_tx"), "dot", OKABE_ITO[1])):
        fig.add_trace(go.Scatter(x=[0.5, len(x) + 0.5], y=[fen / 100] * 2, mode="lines", name=name,
                                 line=dict(color=colour, dash=dash, width=2), hoverinfo="skip"))
    top = max([daily_fen, per_tx_fen] + [r[3] for r in rows]) / 100 * 1.15
    fig.update_layout(height=360, title=T("payments.iot.chart_title"), yaxis=dict(title="¥", range=[0, top]),
                      xaxis=dict(range=[0.5, len(x) + 0.5], title=T("payments.iot.chart_x"),
                                 tickvals=[x[i] for i in day_starts], ticktext=[rows[i][0][5:10] for i in day_starts]),
                      legend=LEGEND_BELOW, bargap=0.35)
    return fig


@figure
def iot_reason_figure(counts: tuple) -> go.Figure:
    """How many orders ended in each decision ((reason, count), ...)."""
    T = translator()
    fig = go.Figure(go.Bar(x=[c for _, c in counts], y=[T(f"payments.iot.reason.{r}") for r, _ in counts],
                           orientation="h", marker_color=[IOT_COLOUR[r] for r, _ in counts],
                           text=[str(c) for _, c in counts], textposition="outside"))
    fig.update_layout(height=360, title=T("payments.iot.reason_title"), xaxis=dict(title=T("payments.iot.orders"),
                      rangemode="tozero", dtick=1), yaxis=dict(autorange="reversed"), showlegend=False)
    return fig


def _iot_check_line(T, name: str, passed, params: dict) -> str:
    mark = {True: "✅", False: "❌", None: "⬜"}[passed]
    detail = T(f"payments.iot.detail.{name}", **params) if passed is not None else T("payments.iot.not_reached")
    return f"{mark} **{T('payments.iot.check.' + name)}** — {detail}"


def draw_iot_step(step, full_rows: tuple, daily_fen: int, per_tx_fen: int) -> None:
    """One step of the car's run: what the device signed, the platform's seven checks and the decision, then
    the spending so far against the limits (``full_rows``, the whole run's ``iot_rows``, fix the time axis)."""
    T = translator()
    s = step.state
    if s["kind"] == "register":
        st.markdown(T("payments.iot.register_card", device=iot.DEVICE_ID, per_tx_fen=per_tx_fen, daily_fen=daily_fen,
                      wallet_fen=s["balances"]["owner"]))
    if s["kind"] == "order":
        left, right = st.columns([3, 2])
        with left:
            # the forger's bytes were never signed by the car: say "received", not "signed"
            heading = "payments.iot.received" if s["who"] == "forger" else "payments.iot.signed"
            st.markdown(f"**{T(heading, who=T('payments.iot.who.' + s['who']))}**")
            st.code(s["message"], language="json", wrap_lines=True)
            st.markdown(f"**{T('payments.iot.signature')}** ({len(s['signature']) // 2} B)")
            st.code(s["signature"], language=None, wrap_lines=True)
        with right:
            st.markdown(f"**{T('payments.iot.checks_heading')}**")
            st.markdown("\n\n".join(_iot_check_line(T, name, passed, params) for name, passed, params in s["checks"]))
            reason = s["rows"][-1]["decision"]
            if reason == "accepted":
                st.success(T("payments.iot.decision_ok", wallet_fen=s["balances"]["owner"]))
            else:
                # a refusal is the platform working, not an input error: a warning, not st.error
                st.warning(T("payments.iot.decision_refused", reason=T(f"payments.iot.reason.{reason}")), icon="⛔")
    elif s["kind"] == "revoke":
        st.warning(T("payments.iot.revoked_card", time=s["revoked_at"].replace("T", " ")), icon="🚨")
    if full_rows:
        chart(iot_spend_figure(full_rows, daily_fen, per_tx_fen, len(s["rows"])))
        st.caption(T("payments.iot.colours"))


@st.cache_resource(show_spinner=False, max_entries=64)
def iot_table(rows: tuple, language: str) -> pa.Table:
    """The run's orders (``iot_rows``) as the page lists them: time, sender, merchant, amount, decision."""
    T = Translator(language)
    return arrow(pd.DataFrame([{T("payments.iot.col_time"): r[0].replace("T", " "),
                                T("payments.iot.col_who"): T(f"payments.iot.who.{r[1]}"),
                                T("payments.iot.col_merchant"): r[2],
                                T("payments.iot.col_amount"): format_money(r[3], language),
                                T("payments.iot.col_decision"): T(f"payments.iot.reason.{r[4]}")} for r in rows]))


# ---------------------------------------------------------------- history (data/payments_history.csv)
#: the history's areas, in the order the timeline shows them (locale payments.hist.category.<name>)
HIST_AREAS = ("products", "rules", "clearing", "adoption")
#: milestones marked on the adoption chart (ids in the table)
HIST_MARKERS = ("first_licences_2011", "qr_rules_2017", "netsunion_2018", "regulations_effective_2024")


@st.cache_resource(show_spinner=False, max_entries=2)
def history_table() -> pd.DataFrame:
    """The payments history, dated and sourced (read-only, shared)."""
    return tl.load_milestones("payments_history", HIST_AREAS)


@st.cache_resource(show_spinner=False, max_entries=64)
def history_numbers(start: int, end: int) -> dict:
    """The adoption figures of the chosen years: the first and last count of online-payment users (亿), the
    first and last full-year count of non-bank online payments (亿笔), and the newest figure of any kind."""
    df = history_table()
    df = df[df["year"].between(start, end)]
    out: dict = {}
    for kind in ("users_online", "nonbank_txn"):
        rows = df[df["kind"] == kind]
        if len(rows):
            first, last = rows.iloc[0], rows.iloc[-1]
            # a "lower bound" figure ("more than 1 billion") is quoted as such
            out[kind] = (first["date"], float(first["value"]), last["date"], float(last["value"]),
                         "lower bound" in last["unit"])
    figures = df[df["kind"] != "milestone"]
    if len(figures):
        newest = figures.iloc[-1]
        out["newest"] = (newest["date"], newest["title_zh"], newest["title_en"])
    return out


@figure
def history_figure(start: int, end: int) -> go.Figure:
    """Online and mobile payment users (CNNIC, lines, left axis) and the year's online payments handled by
    non-bank payment institutions (PBOC, bars, right axis) in the chosen years, the NetsUnion platform's 2025
    count apart (a different scope), and the licence, QR, NetsUnion and 2024 rules marked."""
    T = translator()
    zh = lang() == "zh"
    df = history_table()
    df = df[df["year"].between(start, end)]
    fig = go.Figure()
    users_scale, txn_scale = (1.0, 1.0) if zh else (100.0, 0.1)     # 亿 → million users / billion payments
    for kind, colour, dash in (("users_online", OKABE_ITO[0], "solid"), ("users_mobile", OKABE_ITO[2], "dot")):
        rows = df[df["kind"] == kind]
        if len(rows):
            # the hover quotes the milestone's own words, with the share of internet users where CNNIC gave it
            fig.add_trace(go.Scatter(x=rows["when"], y=rows["value"].astype(float) * users_scale, mode="lines+markers",
                                     name=T(f"payments.hist.series.{kind}"), line=dict(color=colour, dash=dash, width=3),
                                     marker=dict(size=9), customdata=list(zip(rows["date"], rows[f"title_{lang()}"])),
                                     hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>"))
    for kind, colour in (("nonbank_txn", OKABE_ITO[1]), ("netsunion_txn", OKABE_ITO[3])):
        rows = df[df["kind"] == kind]
        if len(rows):
            fig.add_trace(go.Bar(x=rows["when"], y=rows["value"].astype(float) * txn_scale, yaxis="y2",
                                 name=T(f"payments.hist.series.{kind}"), marker_color=colour, opacity=0.45,
                                 width=1000 * 3600 * 24 * 200, customdata=rows["date"],
                                 hovertemplate="%{customdata}: %{y:,.1f}<extra></extra>"))
    shapes, notes = [], []
    full = history_table().set_index("id")
    years = [int(y) for y in df.loc[df["kind"] != "milestone", "year"]]
    for mid in HIST_MARKERS:
        row = full.loc[mid]
        if start <= int(row["year"]) <= end:
            x = row["when"].isoformat()
            years.append(int(row["year"]))
            shapes.append(dict(type="line", x0=x, x1=x, yref="paper", y0=0, y1=1, line=dict(color="#555", dash="dot")))
            # labels alternate between two heights, so neighbours (2017 QR rules, 2018 NetsUnion) do not overlap
            notes.append(dict(x=x, yref="paper", y=1.02 + 0.1 * (len(notes) % 2), text=T(f"payments.hist.marker.{mid}"),
                              showarrow=False, textangle=-30, xanchor="left", yanchor="bottom"))
    x_range = [f"{min(years)}-01-01", f"{max(years)}-12-31"] if years else None
    fig.update_layout(height=520 if presenter() else 460, shapes=shapes, annotations=notes, barmode="overlay",
                      title=dict(text=T("payments.hist.chart_title"), y=0.98),
                      yaxis=dict(title=T("payments.hist.axis_users"), rangemode="tozero"),
                      yaxis2=dict(title=T("payments.hist.axis_txn"), overlaying="y", side="right", rangemode="tozero",
                                  showgrid=False, tickmode="auto", nticks=6, tickformat=",.0f"),
                      xaxis=dict(title=T("payments.hist.axis_year"), range=x_range), legend=LEGEND_BELOW,
                      margin=dict(t=120))
    return fig


def hist_people(yi: float, lower_bound: bool = False) -> str:
    """A count of people given in 亿 (10⁸) as the reader says it: 4.16亿 / 416 million, 10亿 / 1 billion;
    a lower bound reads "more than"."""
    if lang() == "zh":
        return f"{'超过' if lower_bound else ''}{yi:g}亿"
    text = f"{yi / 10:g} billion" if yi >= 10 else f"{yi * 100:,.0f} million"
    return f"more than {text}" if lower_bound else text


def hist_payments(yi: float) -> str:
    """A count of payments given in 亿笔 as the reader says it: 2,867.47亿笔 / 286.7 billion."""
    return f"{yi:,.2f}亿笔" if lang() == "zh" else f"{yi / 10:,.1f} billion"
