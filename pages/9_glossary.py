"""Glossary: every term the pages use, in both languages, searchable, each linked to the tab that teaches it.

The terms are data (data/glossary.toml, read by core.glossary); the search runs on each keystroke's rerun over
about two hundred short entries (well under a millisecond)."""
import pandas as pd
import streamlit as st

import ui
from core import glossary
from ui import lesson as ui_lesson

T = ui.frame("glossary")
ui.header("glossary")
LANG = ui.lang()
OTHER = "en" if LANG == "zh" else "zh"

pages = {pid: path for pid, path, _ in ui.available_pages()}
page_ids = [pid for pid in dict.fromkeys(t.page for t in glossary.terms()) if pid in pages]
c1, c2 = st.columns([3, 1])
query = c1.text_input(T("glossary.search"), "", max_chars=glossary.MAX_QUERY, key="q", help=T("glossary.search_help"),
                      **ui.BIND)
page_names = {None: T("glossary.all_pages"), **{p: T(f"nav.{p}") for p in page_ids}}
page = c2.selectbox(T("glossary.page"), [None] + page_ids, key="gp", format_func=lambda p: page_names.get(p, p),
                    persist_state="page")
found = [t for t in glossary.search(query, page) if t.page in pages]   # a term whose page is not built yet waits
total = len([t for t in glossary.terms() if t.page in pages])
st.caption(T("glossary.count", n=len(found), total=total))


def tab_label(term) -> str:
    key = f"{term.page}.tab.{term.tab}"
    return f"{T(f'nav.{term.page}')} → {T(key) if T.has(key) else term.tab}"


if not found:
    st.info(T("glossary.none", query=query))
elif query:
    # the best few matches as cards with a real link (the table below has them all)
    st.markdown(f"#### {T('glossary.top')}")
    for term in found[:5]:
        with st.container(border=True):
            st.markdown(f"**{term.name(LANG)}** · {term.name(OTHER)} — {term.definition(LANG)}")
            st.page_link(pages[term.page], label=f"{T('glossary.open')}: {tab_label(term)}", icon="➡️",
                         query_params=dict(ui.link_params(), tab=term.tab))

if found:
    table = pd.DataFrame({
        T("glossary.col_term"): [t.name(LANG) for t in found],
        T("glossary.col_other"): [t.name(OTHER) for t in found],
        T("glossary.col_def"): [t.definition(LANG) for t in found],
        T("glossary.col_tab"): [tab_label(t) for t in found],
        T("glossary.col_link"): [ui_lesson.tab_url(t.page, t.tab, LANG) for t in found],
    })
    st.dataframe(table, hide_index=True, width="stretch", height=min(36 * len(table) + 40, 760),
                 column_config={T("glossary.col_def"): st.column_config.TextColumn(width="large"),
                                T("glossary.col_link"): st.column_config.LinkColumn(display_text="↗", width="small")})
    ui.download_csv(pd.DataFrame([t.__dict__ for t in found]), "glossary.csv", key="dl_glossary",
                    label=T("glossary.download"))
ui.references("glossary")
