"""Lessons & worksheets: 45-minute lesson plans for every chapter, self-study paths, printable worksheets with
answer keys, and the map from the course slides and the article to the tabs.

The plans are data (data/lessons/*.toml, read by core.lessons); a step's link opens its page with
``?lesson=<id>&step=<n>``, where ui.lesson draws the plan over the page.  Only the open tab runs (ui.sections)."""
import pandas as pd
import streamlit as st

import ui
from core import lessons
from ui import lesson as ui_lesson

T = ui.frame("lessons")
ui.header("lessons")
LANG = ui.lang()


def chapter_name(chapter: int) -> str:
    """'Chapter 3' or, for 0, the article."""
    return T("lessons.plans.article") if chapter == 0 else T("lessons.plans.chapter", n=chapter)


def tab_label(page: str, tab: str) -> str:
    """A page's tab as the reader sees it: 'Internet payments → 🔐 Encryption'."""
    key = f"{page}.tab.{tab}"
    return f"{T(f'nav.{page}')} → {T(key) if T.has(key) else tab}"


def by_chapter() -> dict:
    """Lessons grouped by the first chapter they teach, in chapter order (the article last)."""
    groups: dict = {}
    for lesson in lessons.all_lessons():
        groups.setdefault(lesson.chapters[0], []).append(lesson)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == 0, kv[0])))


def lesson_title(lesson) -> str:
    return f"{lesson.t('title', LANG)} · {T('lessons.plans.minutes', minutes=lesson.minutes, n=len(lesson.steps))}"


def first_link(lesson, study: bool, label: str) -> None:
    step = lesson.steps[0]
    path = ui_lesson.page_path(step.page)
    if path:
        st.page_link(path, label=label, icon="▶️", query_params=ui_lesson.step_query(lesson, 0, study))


# =========================================================================== lesson plans
def plans() -> None:
    st.markdown(T("lessons.plans.intro"))
    for chapter, group in by_chapter().items():
        st.markdown(f"#### {chapter_name(chapter)}")
        for lesson in group:
            with st.expander(lesson_title(lesson)):
                st.markdown(lesson.t("goal", LANG))
                first_link(lesson, False, T("lessons.plans.open"))
                table = pd.DataFrame({
                    T("lessons.plans.col_step"): [f"{i + 1}. {s.t('title', LANG)}" for i, s in enumerate(lesson.steps)],
                    T("lessons.plans.col_tab"): [tab_label(s.page, s.tab) for s in lesson.steps],
                    T("lessons.plans.col_minutes"): [s.minutes for s in lesson.steps],
                    T("lessons.plans.col_ask"): [s.t("ask", LANG) for s in lesson.steps],
                })
                st.dataframe(table, hide_index=True, width="stretch")
                for i, step in enumerate(lesson.steps):
                    path = ui_lesson.page_path(step.page)
                    if path:
                        st.page_link(path, label=ui_lesson.step_label(lesson, i, LANG),
                                     query_params=ui_lesson.step_query(lesson, i))
                st.markdown(f"**{T('lessons.plans.closing')}** ({lesson.closing_minutes}′)")
                st.markdown("\n".join(f"- {q}" for q in lesson.closing[LANG]))
    st.caption(T("lessons.plans.ids", ids=", ".join(f"`{i}`" for i in lessons.lesson_ids())))   # ids as code


# =========================================================================== self-study
def study() -> None:
    st.markdown(T("lessons.study.intro"))
    groups = {str(c): g for c, g in by_chapter().items()}
    names = {c: chapter_name(int(c)) for c in groups}
    chapter = st.selectbox(T("lessons.study.pick"), list(groups), format_func=lambda c: names.get(c, c),
                           key="study_chapter", persist_state="page")
    for lesson in groups.get(chapter, []):
        mine = ui_lesson.progress(lesson.lesson_id)
        n = len(lesson.steps)
        with st.container(border=True):
            st.markdown(f"**{lesson.t('title', LANG)}**")
            st.progress(len(mine["visited"]) / n,
                        text=T("lessons.study.progress", visited=len(mine["visited"]), n=n,
                               passed=len(mine["passed"])))
            for i, step in enumerate(lesson.steps):
                path = ui_lesson.page_path(step.page)
                mark = "✅" if i in mine["passed"] else ("👁️" if i in mine["visited"] else "▫️")
                label = T("lessons.study.step", k=i + 1, title=step.t("title", LANG), minutes=step.minutes)
                if path:
                    st.page_link(path, label=f"{label} — {step.t('task', LANG)}", icon=mark,
                                 query_params=ui_lesson.step_query(lesson, i, study=True))


# =========================================================================== worksheets
def worksheets() -> None:
    st.markdown(T("lessons.ws.intro"))
    ids = lessons.lesson_ids()
    asked = st.query_params.get("lesson")
    if asked is not None and asked not in ids:   # a worksheet for an unknown lesson: say so, offer the list
        st.warning(T("lessons.ws.unknown", lesson=str(asked)[:40]), icon="📝")
    titles = {l.lesson_id: l.t("title", LANG) for l in lessons.all_lessons()}
    chosen = st.selectbox(T("lessons.ws.pick"), ids, index=ids.index(asked) if asked in ids else 0,
                          format_func=lambda i: titles.get(i, i), key="ws_lesson", persist_state="page")
    c1, c2 = st.columns(2)
    # the HTML is built only when a button is clicked (a callable), in the reader's language
    c1.download_button(f"⬇️ {T('lessons.ws.download')}", data=lambda: ui_lesson.worksheet_html(chosen, LANG),
                       file_name=f"worksheet-{chosen}-{LANG}.html", mime="text/html", key="dl_ws",
                       on_click="ignore")
    c2.download_button(f"⬇️ {T('lessons.ws.download_key')}",
                       data=lambda: ui_lesson.worksheet_html(chosen, LANG, answer_key=True),
                       file_name=f"answer-key-{chosen}-{LANG}.html", mime="text/html", key="dl_ws_key",
                       on_click="ignore")
    if chosen not in ids:
        return
    lesson = lessons.load_lesson(chosen)
    with st.expander(T("lessons.ws.preview")):
        for i, step in enumerate(lesson.steps):
            st.markdown(f"**{T('lessons.ws.task', k=i + 1)} · {step.t('title', LANG)}** — {tab_label(step.page, step.tab)}")
            st.markdown(ui_lesson.fill(step.t("expect", LANG), ui_lesson.core_answer_values(chosen, i), LANG))


# =========================================================================== slide map
@st.cache_data(max_entries=1, show_spinner=False)
def slide_map() -> pd.DataFrame:
    """data/slide_map.csv: every heading of the course deck and every section of the article, with its tab."""
    return pd.read_csv(lessons.ROOT / "data" / "slide_map.csv", dtype=str)


def slides() -> None:
    st.markdown(T("lessons.slides.intro"))
    df = slide_map()
    paths = {pid: path for pid, path, _ in ui.available_pages()}
    shown = df[df["page"].isin(paths)]
    table = pd.DataFrame({
        T("lessons.slides.col_source"): [T(f"lessons.slides.{s}") for s in shown["doc"]],
        T("lessons.slides.col_heading"): shown[f"heading_{LANG}"].tolist(),
        T("lessons.slides.col_tab"): [tab_label(p, t) for p, t in zip(shown["page"], shown["tab"])],
        T("lessons.slides.col_link"): [ui_lesson.tab_url(p, t, LANG) for p, t in zip(shown["page"], shown["tab"])],
    })
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 * len(table) + 40, 900),
                 column_config={T("lessons.slides.col_link"): st.column_config.LinkColumn(
                     display_text="↗")})
    ui.download_csv(df, "slide-map.csv", key="dl_slides", label=T("lessons.slides.download"))


ui.sections("lessons", {"plans": plans, "study": study, "worksheets": worksheets, "slides": slides})
ui.references("lessons")
