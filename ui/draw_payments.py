"""Drawing helpers of the internet-payments page (chapter 2): ledger bars, message paths, chains, charts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.frame import presenter, translator
from ui.widgets import OKABE_ITO, chart, money

# who holds each account: colour by institution
HOLDER = {"user.bank": "bank_a", "merchant.bank": "bank_b", "user.wallet": "platform", "merchant.wallet": "platform",
          "customer_funds": "platform", "fee_income": "platform", "reserve": "pboc"}
HOLDER_COLOUR = {"bank_a": OKABE_ITO[0], "bank_b": OKABE_ITO[4], "platform": OKABE_ITO[1], "pboc": OKABE_ITO[2]}
SHOWN = ["user.bank", "user.wallet", "merchant.wallet", "merchant.bank", "reserve", "customer_funds", "fee_income"]


def account_label(account: str) -> str:
    """Translated account name (locale key payments.acct.<name with _>)."""
    return translator()(f"payments.acct.{account.replace('.', '_')}")


def draw_ledger_step(step) -> None:
    """Balances of every account after this step (moved accounts outlined), the journal entry and the two checks."""
    T = translator()
    s = step.state
    bal = s["balances"]
    left, right = st.columns([3, 2])
    with left:
        accounts = [a for a in SHOWN if a in bal]
        values = [bal[a] / 100 for a in accounts]
        fig = go.Figure(go.Bar(
            x=values, y=list(range(len(accounts))), orientation="h", width=0.45,
            marker=dict(color=[HOLDER_COLOUR[HOLDER[a]] for a in accounts],
                        line=dict(color=["#D55E00" if a in s["moved"] else "rgba(0,0,0,0)" for a in accounts],
                                  width=4)),
            hovertext=[f"{account_label(a)}: {money(bal[a])}" for a in accounts], hoverinfo="text"))
        # the account name and balance sit above each bar, so narrow screens keep the full plot width
        notes = [dict(xref="paper", x=0, y=i, yshift=17, xanchor="left", showarrow=False,
                      font=dict(size=20 if presenter() else 14),
                      text=f"{'<b>' if a in s['moved'] else ''}{account_label(a)}: {money(bal[a])}"
                           f"{'</b>' if a in s['moved'] else ''}") for i, a in enumerate(accounts)]
        low, high = min(values + [0]), max(values + [1])
        fig.update_layout(height=60 + 52 * len(accounts), annotations=notes,
                          yaxis=dict(visible=False, autorange="reversed", range=None),
                          xaxis=dict(title=T("payments.life.axis_yuan"), range=[low * 1.05, high * 1.05], zeroline=True),
                          title=T("payments.life.chart_title", day=s["day"] + 1))
        chart(fig)
        st.caption(" · ".join(f"■ {T('payments.holder.' + h)}" for h in HOLDER_COLOUR))
    with right:
        c = s["checks"]
        st.markdown(f"**{T('payments.life.checks')}**")
        st.markdown(("✅ " if c["balanced"] else "❌ ") + T("payments.life.check_total", total_fen=c["total_fen"]))
        st.markdown(("✅ " if c["reserve_ok"] else "❌ ") +
                    T("payments.life.check_reserve", reserve_fen=c["reserve_fen"], customers_fen=c["customers_fen"]))
        if s["entry"]:
            st.markdown(f"**{T('payments.life.entry')}**")
            rows = [{T("payments.life.col_account"): account_label(a),
                     T("payments.life.col_change"): ("+" if d > 0 else "−") + money(abs(d))} for a, d in s["entry"]]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
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
    T = translator()
    model, edges = step.state["model"], step.state["edges"]
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
    chart(fig)


def links_figure(n: int, m: int, markers: list[tuple[str, int, int]]) -> go.Figure:
    """Links needed as the number of payment institutions grows (banks fixed at m): N×M against N+M."""
    T = translator()
    xs = np.arange(1, max(n, 300) + 1)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=xs * m, name=T("payments.clear.direct_links"), line=dict(color=OKABE_ITO[5])))
    fig.add_trace(go.Scatter(x=xs, y=xs + m, name=T("payments.clear.switch_links"), line=dict(color=OKABE_ITO[2])))
    fig.add_trace(go.Scatter(x=[n, n], y=[n * m, n + m], mode="markers", marker=dict(size=12, color="#000000"),
                             name=T("payments.clear.your_choice")))
    for label, pis, banks in markers:
        fig.add_trace(go.Scatter(x=[pis], y=[pis * banks], mode="markers+text", text=[label],
                                 textposition="top left", marker=dict(size=10, symbol="diamond", color=OKABE_ITO[3]),
                                 name=label, showlegend=False))
    fig.update_layout(height=360, yaxis_type="log", xaxis_title=T("payments.clear.axis_institutions"),
                      yaxis_title=T("payments.clear.axis_links"), legend=dict(orientation="h", y=1.12))
    return fig


# ---------------------------------------------------------------- cross-border chain
def draw_chain_step(step) -> None:
    """Banks of the chain as boxes; the money's current position, fees so far and hours elapsed."""
    T = translator()
    s = step.state
    banks = s["banks"]
    nodes = ["sender", *banks, "beneficiary"]
    bal = s["balances"]
    fig = go.Figure()
    colours = []
    for i, node in enumerate(nodes):
        here = bal.get(node, 0) > 0 and node not in ("sender",)
        colours.append(OKABE_ITO[5] if here else (OKABE_ITO[2] if i <= s["position"] + 1 else "#BBBBBB"))
    labels = [_chain_label(T, n) for n in nodes]
    fig.add_trace(go.Scatter(x=list(range(len(nodes))), y=[0] * len(nodes), mode="markers+text",
                             marker=dict(size=40, color=colours, symbol="square"), text=labels,
                             textposition=["bottom center" if i % 2 == 0 else "top center" for i in range(len(nodes))],
                             hoverinfo="text",
                             hovertext=[f"{lab}: ${bal.get(n, 0) / 100:,.2f}" for lab, n in zip(labels, nodes)]))
    for i in range(len(nodes) - 1):
        fig.add_annotation(x=i + 1, y=0, ax=i, ay=0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=2, arrowwidth=2, arrowcolor="#999999", standoff=22, startstandoff=22)
    fig.update_layout(height=230, showlegend=False, xaxis=dict(visible=False, range=[-0.7, len(nodes) - 0.3]),
                      yaxis=dict(visible=False, range=[-1.0, 1.0]))
    chart(fig)
    c1, c2, c3 = st.columns(3)
    c1.metric(T("payments.xb.m_hours"), f"{s['hours']:.1f} h")
    c2.metric(T("payments.xb.m_fees"), f"${(s['fees_cents'] + s['fx_cents']) / 100:,.2f}")
    moving = sum(v for k, v in bal.items() if k in banks or k == "beneficiary")
    c3.metric(T("payments.xb.m_moving"), f"${moving / 100:,.2f}")


def _chain_label(T, node: str) -> str:
    if node.startswith("intermediary_"):
        return T("payments.xb.node.intermediary", i=int(node.split("_")[1]))
    return T(f"payments.xb.node.{node}")


def confusion_figure(c: dict) -> go.Figure:
    """2 × 2 confusion matrix as a heatmap with counts."""
    T = translator()
    z = [[c["tp"], c["fn"]], [c["fp"], c["tn"]]]
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


def draw_bytes_step(step) -> None:
    """The message as byte strips: plaintext (characters), ciphertext sent and received (hex); a changed byte boxed."""
    T = translator()
    s = step.state
    rows = s["rows"]
    n = len(s["plain"])
    z, text = [], []
    for row in rows:
        data = s[row]
        z.append(list(data))
        text.append([chr(b) if row == "plain" and 32 <= b < 127 else f"{b:02x}" for b in data])
    fig = go.Figure(go.Heatmap(z=z, text=text, texttemplate="%{text}", textfont=dict(size=10),
                               y=[T(f"payments.enc.row.{r}") for r in rows], x=list(range(n)), showscale=False,
                               colorscale=[[0, "#DCE9F5"], [1, "#7FB2DA"]], zmin=0, zmax=255, xgap=1, ygap=3,
                               hovertemplate="%{y} · byte %{x}: %{text}<extra></extra>"))
    if s["changed"] is not None:
        i = s["changed"]
        fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=-0.5, y1=len(rows) - 0.5,
                      line=dict(color="#D55E00", width=3))
    fig.update_layout(height=90 + 45 * len(rows), yaxis=dict(autorange="reversed"),
                      xaxis=dict(title=T("payments.enc.axis_byte"), dtick=8))
    chart(fig)


def legend_lines(fig: go.Figure, lines: list[tuple[float, str, str, str]], x_range: tuple[float, float]) -> go.Figure:
    """Reference levels drawn as flat line traces with legend entries (value, label, dash, colour),
    so their labels never sit on top of the bars."""
    for value, label, dash, colour in lines:
        fig.add_trace(go.Scatter(x=list(x_range), y=[value, value], mode="lines", name=label,
                                 line=dict(dash=dash, color=colour, width=2), hoverinfo="name"))
    fig.update_xaxes(range=list(x_range))
    return fig


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
