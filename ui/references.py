"""Each page's references (issue 11, item 6): the sources its facts, formulas and data come from, as links.

The table is ``data/references.csv`` (page, kind, title_zh, title_en, url, date, accessed, source); a page ends
with ``ui.references(page_id)``, a folded expander that lists its rows in the reader's language."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import streamlit as st

from ui.frame import lang, translator

PATH = Path(__file__).resolve().parent.parent / "data" / "references.csv"
KINDS = ("fact", "formula", "data")


@lru_cache(maxsize=1)
def table() -> pd.DataFrame:
    """The whole references table, read once (read-only: callers must not mutate it)."""
    return pd.read_csv(PATH, dtype=str, keep_default_na=False)


def rows(page_id: str) -> pd.DataFrame:
    """The references of ``page_id``, formulas first, then data, then facts (the table's order within a kind)."""
    df = table()
    df = df[df["page"] == page_id]
    order = {"formula": 0, "data": 1, "fact": 2}
    return df.iloc[sorted(range(len(df)), key=lambda i: (order.get(df.iloc[i]["kind"], 3), i))]


def _line(row, language: str, T) -> str:
    title = (row["title_zh"] if language == "zh" else row["title_en"]).replace("[", "(").replace("]", ")")
    when = T("references.published", date=row["date"]) if row["date"] else ""
    parts = [f"[{title}]({row['url']})", T(f"references.kind.{row['kind']}")] + ([when] if when else [])
    return "- " + " · ".join(parts)


def references(page_id: str) -> None:
    """A folded expander "References" at the end of the page: its sources as links, with kind and date."""
    T = translator()
    df = rows(page_id)
    if df.empty:
        return
    language = lang()
    with st.expander(f"📚 {T('references.title')}", expanded=False):
        st.markdown("\n".join(_line(row, language, T) for _, row in df.iterrows()))
        st.caption(T("references.accessed", date=df["accessed"].max()))
