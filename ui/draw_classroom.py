"""Drawing for the classroom page: the shared store, the join link and QR code, and the live charts.

The charts show live data that changes with every action, so they are built per rerun (not ``@ui.figure``):
only the projector and the lecturer draw them, never the eighty phones."""
from __future__ import annotations

import html
import io
import os
import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import plotly.graph_objects as go
import segno
import streamlit as st

from core import classroom as cr
from ui.frame import translator

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = f"sqlite:///{ROOT / 'var' / 'classroom.sqlite3'}"


def database_url() -> str:
    """``FINTECH_LAB_DATABASE_URL`` (PostgreSQL for several app processes) or the embedded SQLite file."""
    return os.environ.get("FINTECH_LAB_DATABASE_URL", "").strip() or DEFAULT_DB


@st.cache_resource(max_entries=4)
def store(url: str) -> cr.Store:
    """One store (with its connection pool) per database URL per process."""
    return cr.open_store(url)


def join_link(code: str, lang: str) -> str:
    """The link a phone opens: ``FINTECH_LAB_PUBLIC_URL`` (the address students can reach, e.g. the laptop's
    LAN address) or this page's own address, with ``?room=CODE&lang=…``."""
    base = os.environ.get("FINTECH_LAB_PUBLIC_URL", "").strip()
    if not base:
        try:
            base = st.context.url or ""
        except Exception:  # noqa: BLE001 - no browser context (tests)
            base = ""
    parts = urlsplit(base or "http://127.0.0.1:8501/classroom")
    path = parts.path.rstrip("/")
    if not path.endswith("classroom"):
        path = f"{path}/classroom"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode({"room": code, "lang": lang}), ""))


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(link: str, scale: int = 10) -> bytes:
    """The join link as a QR code (segno: pure Python, ISO/IEC 18004), error correction M, PNG bytes."""
    buf = io.BytesIO()
    segno.make(link, error="m").save(buf, kind="png", scale=scale, border=2, dark="#000000", light="#ffffff")
    return buf.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """A nickname as plain text inside Markdown: every Markdown character escaped (no links, no bold, no
    directives), so ``[x](http://…)`` or ``**x**`` shows exactly as typed."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def chart_text(text: str) -> str:
    """A nickname inside a plotly label: HTML-escaped, since plotly reads <a href>, <b> and <br> in labels."""
    return html.escape(str(text), quote=False)


def names(df: pd.DataFrame, column: str) -> pd.Series:
    """System accounts shown by their translated names (#merchant → 商户 / Merchant); nicknames escaped."""
    T = translator()
    return df[column].map(lambda a: T(f"classroom.account.{a[1:]}") if str(a).startswith("#") else chart_text(a))


def flow_figure(flows: pd.DataFrame, top: int = 12) -> go.Figure:
    """The biggest payment flows of the round: payer → payee, total in yuan."""
    T = translator()
    df = flows.sort_values("amount_fen", ascending=False).head(top).iloc[::-1].copy()
    df["pair"] = names(df, "actor") + " → " + names(df, "counterparty")
    fig = go.Figure(go.Bar(x=df["amount_fen"] / 100, y=df["pair"], orientation="h",
                           text=[f"¥{v / 100:,.2f} · {c}×" for v, c in zip(df["amount_fen"], df["count"])],
                           textposition="outside", cliponaxis=False))
    fig.update_layout(title=T("classroom.chart.flows"), xaxis_title=T("classroom.chart.yuan"),
                      height=140 + 34 * len(df), margin=dict(l=10, r=90, t=60, b=10))
    fig.update_yaxes(dtick=1)
    return fig


def payers_figure(events: pd.DataFrame, top: int = 10) -> go.Figure:
    """The busiest payers: number of payments each (participation, not wealth)."""
    T = translator()
    pay = events[events["kind"] == "pay"]
    counts = pay.groupby("actor").size().sort_values(ascending=False).head(top).iloc[::-1]
    fig = go.Figure(go.Bar(x=counts.values, y=[chart_text(n) for n in counts.index], orientation="h",
                           text=counts.values,
                           textposition="outside", textangle=0, cliponaxis=False))
    fig.update_layout(title=T("classroom.chart.payers"), xaxis_title=T("classroom.chart.count"),
                      height=140 + 34 * len(counts), margin=dict(l=10, r=40, t=60, b=10))
    fig.update_yaxes(dtick=1)
    return fig


def chain_figure(chain: pd.DataFrame) -> go.Figure:
    """Every block by height: the main chain (most work) and the stale forks that lost a race."""
    T = translator()
    fig = go.Figure()
    for main, name, symbol in ((True, T("classroom.chart.main"), "square"), (False, T("classroom.chart.stale"), "x")):
        part = chain[chain["main"] == main]
        fig.add_trace(go.Scatter(x=part["height"], y=part["miner"].map(chart_text), mode="markers", name=name,
                                 marker=dict(symbol=symbol, size=16), text=part["hash"].str[:12],
                                 hovertemplate="#%{x} · %{y}<br>%{text}…<extra></extra>"))
    fig.update_layout(title=T("classroom.chart.chain"), xaxis_title=T("classroom.chart.height"),
                      height=160 + 30 * chain["miner"].nunique(), showlegend=True,
                      legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
                      margin=dict(l=10, r=10, t=80, b=10))
    fig.update_yaxes(dtick=1)
    fig.update_xaxes(rangemode="nonnegative")
    return fig


def shares_figure(shares: pd.DataFrame, top: int = 15) -> go.Figure:
    """Each miner's share of the class's tries against their share of main-chain blocks."""
    T = translator()
    df = shares.sort_values("tries", ascending=False).head(top)
    x = df["nickname"].map(chart_text)
    fig = go.Figure([go.Bar(x=x, y=df["share_tries"] * 100, name=T("classroom.chart.share_tries")),
                     go.Bar(x=x, y=df["share_blocks"] * 100, name=T("classroom.chart.share_blocks"))])
    fig.update_layout(title=T("classroom.chart.shares"), yaxis_title="%", barmode="group", height=420,
                      legend=dict(orientation="h", y=-0.25), margin=dict(l=10, r=10, t=60, b=10))
    return fig


def loans_figure(loans: pd.DataFrame) -> go.Figure:
    """Funded principal by grade and outcome (funded, repaid, default)."""
    T = translator()
    fig = go.Figure()
    colours = {"funded": "#56B4E9", "repaid": "#009E73", "default": "#D55E00"}   # Okabe–Ito: blue, green, red
    for status in ("funded", "repaid", "default"):
        part = loans[loans["status"] == status].groupby("grade")["amount"].sum()
        fig.add_trace(go.Bar(x=part.index, y=part.values / 100, name=T(f"classroom.loan_status.{status}"),
                             marker_color=colours[status]))
    fig.update_layout(title=T("classroom.chart.loans"), xaxis_title=T("classroom.chart.grade"),
                      yaxis_title=T("classroom.chart.yuan"), barmode="stack", height=420,
                      legend=dict(orientation="h", y=-0.2), margin=dict(l=10, r=10, t=60, b=10))
    return fig
