"""A lesson over any page: ``?lesson=<id>`` shows the plan's current step, links to every step and a clock.

Two ways to follow a lesson, both from the same plan (``core.lessons``):
- class (default): the step's question for the class and a running clock; in presenter mode (the class links
  carry ``present=1``) the step's speaker notes and expected answer sit in a folded expander in the sidebar, which
  presenter mode collapses: the projector shows the page, the lecturer unfolds the notes when needed;
- self-study (``&study=1``): the same step phrased for one student, a "check your answer" box and progress
  (tabs visited, self-checks passed) kept in this browser session only — nothing is stored about the student.

``panel(page_id)`` is called by ``ui.frame()``; without ``?lesson=`` it costs one dictionary lookup.
"""
from __future__ import annotations

import time

import streamlit as st

from core import lessons as core_lessons
from core.errors import InputError
from ui.frame import available_pages, link_params, presenter, translator
from ui.i18n import _Formatter

PARAM = "lesson"
STEP_PARAM = "step"
STUDY_PARAM = "study"
_PROGRESS = "_lesson_progress"
#: pages that read ?lesson= themselves (the lessons page shows that lesson's worksheet)
_OWN_PAGES = {"lessons", "glossary"}


def _query(name: str):
    try:
        return st.query_params.get(name)
    except Exception:  # noqa: BLE001 - no query params outside a session
        return None


def page_path(page_id: str) -> str | None:
    """Script path of a page id (from the menu's list), None if its script does not exist yet."""
    return next((path for pid, path, _ in available_pages() if pid == page_id), None)


def fill(template: str, values: dict, lang: str) -> str:
    """A lesson text with the answer key's numbers, formatted the reader's way ({x:pct2}, {x:money} …)."""
    if not values:
        return template
    try:
        return _Formatter(lang).format(template, **values)
    except (KeyError, IndexError, ValueError, TypeError):
        return template


def step_query(lesson: core_lessons.Lesson, index: int, study: bool = False) -> dict:
    """Query parameters of the link that opens step ``index`` (0-based) of ``lesson`` with its scenario."""
    params = dict(link_params())
    params.update(lesson.steps[index].query())
    params[PARAM] = lesson.lesson_id
    params[STEP_PARAM] = str(index + 1)
    if study:
        params[STUDY_PARAM] = "1"
        params.pop("present", None)
    else:
        params["present"] = "1"     # a class step is the lecturer's: large type, notes in the folded sidebar
    return params


def step_label(lesson: core_lessons.Lesson, index: int, lang: str) -> str:
    """'3 · Encryption · 6′' — a step's number, title and minutes."""
    step = lesson.steps[index]
    return f"{index + 1} · {step.t('title', lang)} · {step.minutes}′"


def progress(lesson_id: str) -> dict:
    """This session's progress on a lesson: {'visited': set of step indexes, 'passed': set of step indexes}."""
    store = st.session_state.setdefault(_PROGRESS, {})
    return store.setdefault(lesson_id, {"visited": set(), "passed": set()})


def _current_tab(page_id: str) -> str | None:
    info = core_lessons.pages().get(page_id)
    if info is None:
        return None
    raw = _query("tab")
    return raw if raw in info.tabs else info.tabs[0]


def _wanted_step() -> int | None:
    raw = _query(STEP_PARAM)
    try:
        return int(raw) - 1 if raw is not None else None
    except (TypeError, ValueError):
        return None


def panel(page_id: str) -> None:
    """The lesson panel above the page (``?lesson=<id>``); nothing without it."""
    raw = _query(PARAM)
    if raw is None or page_id in _OWN_PAGES:
        return
    T = translator()
    lang = T.lang
    try:
        lesson = core_lessons.load_lesson(raw)
    except InputError:
        st.warning(T("lessons.panel.unknown", lesson=str(raw)[:40]), icon="🗂️")
        return
    study = _query(STUDY_PARAM) == "1"
    index = core_lessons.current_step(lesson, page_id, _current_tab(page_id), _wanted_step())
    mine = progress(lesson.lesson_id)
    if index is not None:
        mine["visited"].add(index)
    n = len(lesson.steps)
    with st.container(border=True):
        kind = T("lessons.panel.study") if study else T("lessons.panel.class")
        st.markdown(f"**🗂️ {kind} · {lesson.t('title', lang)}**")
        if index is None:
            st.info(T("lessons.panel.off_path"))
        else:
            step = lesson.steps[index]
            st.caption(T("lessons.panel.step_of", k=index + 1, n=n, title=step.t("title", lang),
                         start=lesson.start_minute(index), end=lesson.start_minute(index) + step.minutes))
            if study:
                _study_step(lesson, index, mine, T)
            else:
                st.markdown(f"**{T('lessons.panel.ask')}** {step.t('ask', lang)}")
        _navigation(lesson, index, study, T)
        if not study:
            _clock(lesson.lesson_id, lesson.start_minute(index or 0),
                   lesson.start_minute(index or 0) + (lesson.steps[index].minutes if index is not None else 0),
                   lesson.minutes)
        else:
            st.caption(T("lessons.panel.progress", visited=len(mine["visited"]), passed=len(mine["passed"]), n=n))
    if not study and index is not None:
        if presenter():
            _speaker_notes(lesson, index, T)
        else:
            st.caption(T("lessons.panel.notes_hint"))


def _study_step(lesson: core_lessons.Lesson, index: int, mine: dict, T) -> None:
    lang = T.lang
    step = lesson.steps[index]
    st.markdown(f"**{T('lessons.panel.question')}** {step.t('ask', lang)}")
    st.markdown(f"**{T('lessons.panel.task')}** {step.t('task', lang)}")
    with st.expander(T("lessons.panel.check")):
        st.markdown(fill(step.t("expect", lang), core_answer_values(lesson.lesson_id, index), lang))
        done = index in mine["passed"]
        if st.toggle(T("lessons.panel.passed"), value=done, key=f"_lesson_pass_{lesson.lesson_id}_{index}"):
            mine["passed"].add(index)
        else:
            mine["passed"].discard(index)


@st.cache_data(max_entries=256, show_spinner=False)
def core_answer_values(lesson_id: str, index: int) -> dict:
    """The answer key numbers of one step (core functions on the step's prepared scenario), cached."""
    return core_lessons.answer_values(core_lessons.load_lesson(lesson_id).steps[index])


def _navigation(lesson: core_lessons.Lesson, index: int | None, study: bool, T) -> None:
    lang = T.lang
    n = len(lesson.steps)
    left, right = st.columns(2)
    if index is not None and index > 0 and page_path(lesson.steps[index - 1].page):
        prev = lesson.steps[index - 1]
        left.page_link(page_path(prev.page), label=f"◀ {step_label(lesson, index - 1, lang)}",
                       query_params=step_query(lesson, index - 1, study))
    nxt = 0 if index is None else index + 1
    if nxt < n and page_path(lesson.steps[nxt].page):
        step = lesson.steps[nxt]
        right.page_link(page_path(step.page), label=f"{step_label(lesson, nxt, lang)} ▶",
                        query_params=step_query(lesson, nxt, study))
    with st.expander(T("lessons.panel.plan", n=n, minutes=lesson.minutes)):
        for i, step in enumerate(lesson.steps):
            if not page_path(step.page):     # a page not built yet: its step waits
                continue
            st.page_link(page_path(step.page), label=step_label(lesson, i, lang), disabled=i == index,
                         icon="▶️" if i == index else "▫️", query_params=step_query(lesson, i, study))
        st.markdown(f"**{T('lessons.panel.closing', minutes=lesson.closing_minutes)}**")
        st.markdown("\n".join(f"- {q}" for q in lesson.closing[lang]))
        back = dict(link_params())
        back[PARAM] = lesson.lesson_id
        if page_path("lessons"):
            st.page_link(page_path("lessons"), label=T("lessons.panel.all_lessons"), icon="🗂️", query_params=back)
    if index == n - 1:
        st.markdown(f"**{T('lessons.panel.closing', minutes=lesson.closing_minutes)}** "
                    + " ".join(f"({k}) {q}" for k, q in enumerate(lesson.closing[lang], start=1)))


@st.fragment(run_every=1)
def _clock(lesson_id: str, start: int, end: int, total: int) -> None:
    """The lesson clock: time since this session opened the lesson, against the current step's slot.
    Only this small fragment reruns each second, and only for a lecturer who opened a class lesson."""
    T = translator()
    key = f"_lesson_t0_{lesson_id}"
    t0 = st.session_state.setdefault(key, time.time())
    elapsed = int(time.time() - t0)
    c1, c2 = st.columns([4, 1])
    late = elapsed > end * 60
    c1.markdown(T("lessons.panel.clock", mm=elapsed // 60, ss=elapsed % 60, start=start, end=end, total=total)
                + (f" · **{T('lessons.panel.late')}**" if late else ""))
    if c2.button(T("lessons.panel.restart"), key=f"_lesson_restart_{lesson_id}"):
        st.session_state[key] = time.time()


#: the sidebar is the lecturer's own screen, not the projector: normal type and a wider panel for the notes
_NOTES_CSS = """
<style>
section[data-testid="stSidebar"] {min-width: 24rem;}
section[data-testid="stSidebar"] [data-testid="stMarkdownContainer"] p,
section[data-testid="stSidebar"] [data-testid="stMarkdownContainer"] li {font-size: 1rem !important; line-height: 1.45;}
</style>
"""


def _speaker_notes(lesson: core_lessons.Lesson, index: int, T) -> None:
    """The lecturer's notes in the sidebar: folded in presenter mode (the projector shows the page, not these)."""
    lang = T.lang
    step = lesson.steps[index]
    st.markdown(_NOTES_CSS, unsafe_allow_html=True)  # our own constant, no user text
    with st.sidebar:
        with st.expander(f"🗣️ {T('lessons.panel.notes')}", expanded=False):
            st.markdown(step.t("notes", lang))
            st.markdown(f"**{T('lessons.panel.expect')}** "
                        + fill(step.t("expect", lang), core_answer_values(lesson.lesson_id, index), lang))


# ------------------------------------------------------------------ worksheets (print-ready HTML)
_PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm; }
* { box-sizing: border-box; }
body { font-family: var(--fonts); font-size: 11.5pt; line-height: 1.55; color: #111; margin: 0 auto; max-width: 180mm; }
h1 { font-size: 17pt; margin: 0 0 4pt 0; } h2 { font-size: 13pt; margin: 14pt 0 4pt 0; }
.meta { display: flex; gap: 18pt; margin: 6pt 0 10pt 0; }
.meta span { flex: 1; border-bottom: 1px solid #555; padding-bottom: 2pt; }
.goal { font-size: 10.5pt; color: #333; margin-bottom: 8pt; }
.task { border: 1px solid #999; border-radius: 4pt; padding: 7pt 9pt; margin: 0 0 9pt 0;
        page-break-inside: avoid; break-inside: avoid; }
.task h2 { margin-top: 0; }
.where { font-size: 9.5pt; color: #333; }
.link { font-family: "Noto Sans Mono", Consolas, monospace; font-size: 8.5pt; color: #444; word-break: break-all; }
.answer { border: 1px dashed #777; min-height: 32mm; margin-top: 5pt; padding: 3pt 5pt; font-size: 9.5pt; color: #666; }
.key { background: #f3f6fa; border-left: 3pt solid #0072B2; padding: 5pt 8pt; margin-top: 4pt; }
.footer { font-size: 8.5pt; color: #666; margin-top: 12pt; border-top: 1px solid #ccc; padding-top: 4pt; }
ol { margin: 2pt 0 0 14pt; padding: 0; }
@media screen { body { padding: 12mm; } }
"""


def tab_url(page: str, tab: str, lang: str, params: dict | None = None) -> str:
    """A tab's address inside the app, e.g. ``/blockchain?tab=network&q=0.3&lang=zh`` (Streamlit names a page's URL
    after its script without the number: ``pages/4_blockchain.py`` → ``/blockchain``; the home page is ``/``)."""
    from urllib.parse import urlencode
    path = page_path(page) or core_lessons.pages()[page].path
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    head, _, tail = stem.partition("_")
    name = "" if path == "app.py" else (tail if head.isdigit() and tail else stem)
    return f"/{name}?" + urlencode(dict({"tab": tab}, **(params or {}), lang=lang))


def _url(step: core_lessons.Step, lang: str) -> str:
    """The step's address inside the app, with its scenario."""
    return tab_url(step.page, step.tab, lang, {k: v for k, v in step.query().items() if k != "tab"})


#: system fonts: Chinese text with a CJK face first; English text with a Latin face first (a CJK face would print
#: English quotes and dots full-width), the CJK faces behind it for any Chinese name
_CJK_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", ' \
             '"WenQuanYi Micro Hei"'
_LATIN_FONTS = '"Noto Sans", "Helvetica Neue", Arial, "Liberation Sans"'
FONTS = {"zh": f"{_CJK_FONTS}, {_LATIN_FONTS}, sans-serif", "en": f"{_LATIN_FONTS}, {_CJK_FONTS}, sans-serif"}


def _value_text(T, page: str, value) -> str:
    """A scenario value as the page shows it: a named choice (e.g. ``cn``) by its translated option label."""
    if not isinstance(value, str):
        return str(value)
    from ui.i18n import catalog
    prefix = "home." if page == "home" else f"{page}."
    for key in catalog(T.lang):
        if key.startswith(prefix) and key.endswith(f".{value}") and isinstance(catalog(T.lang)[key], str):
            return T(key)
    return value


def _tab_label(T, page: str, tab: str) -> str:
    key = f"{page}.tab.{tab}"
    return T(key) if T.has(key) else tab


def worksheet_html(lesson_id: str, lang: str, answer_key: bool = False) -> bytes:
    """A print-ready worksheet (or its answer key) for one lesson, as UTF-8 HTML.

    Only our own lesson texts go in, each escaped; the answer key's numbers come from ``core`` for the lesson's
    prepared scenario.  Fonts are the reader's system fonts (the Chinese ones are listed first)."""
    from html import escape
    from ui.i18n import Translator
    T = Translator(lang)
    lesson = core_lessons.load_lesson(lesson_id)
    title = lesson.t("title", lang)
    parts = [f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
             f"<title>{escape(title)}</title><style>:root {{ --fonts: {FONTS[lang]}; }}{_PRINT_CSS}</style></head><body>",
             f"<h1>{escape(title)}{' · ' + escape(T('lessons.ws.key_title')) if answer_key else ''}</h1>"]
    if answer_key:
        parts.append(f"<p class=\"goal\">{escape(T('lessons.ws.key_note'))}</p>")
    else:
        parts.append("<div class=\"meta\">" + "".join(f"<span>{escape(T(k))}：</span>" if lang == "zh" else
                                                      f"<span>{escape(T(k))}:</span>"
                                                      for k in ("lessons.ws.name", "lessons.ws.class_",
                                                                "lessons.ws.date")) + "</div>")
        parts.append(f"<p class=\"goal\">{escape(lesson.t('goal', lang))}</p>")
    for i, step in enumerate(lesson.steps):
        page, tab = T(f"nav.{step.page}"), _tab_label(T, step.page, step.tab)
        parts.append("<div class=\"task\">")
        parts.append(f"<h2>{escape(T('lessons.ws.task', k=i + 1))} · {escape(step.t('title', lang))}</h2>")
        parts.append(f"<div class=\"where\">{escape(T('lessons.ws.open_tab', page=page, tab=tab))}")
        if step.params:
            labels = core_lessons.pages()[step.page].labels
            values = ("；" if lang == "zh" else "; ").join(f"{T(labels[k]) if k in labels and T.has(labels[k]) else k} = {_value_text(T, step.page, v)}"
                               for k, v in step.params.items())
            parts.append(" · " + escape(T("lessons.ws.setting", values=values)))
        parts.append(f"</div><div class=\"link\">{escape(_url(step, lang))}</div>")
        parts.append(f"<p><b>{escape(step.t('ask', lang))}</b><br>{escape(step.t('task', lang))}</p>")
        if answer_key:
            values = core_lessons.answer_values(step)
            parts.append(f"<div class=\"key\">{escape(fill(step.t('expect', lang), values, lang))}</div>")
        else:
            parts.append(f"<div class=\"answer\">{escape(T('lessons.ws.answer_space'))}</div>")
        parts.append("</div>")
    parts.append(f"<h2>{escape(T('lessons.ws.closing'))}</h2><ol>"
                 + "".join(f"<li>{escape(q)}</li>" for q in lesson.closing[lang]) + "</ol>")
    parts.append(f"<div class=\"footer\">{escape(T('lessons.ws.footer', lesson=lesson.lesson_id, minutes=lesson.minutes))}"
                 "</div></body></html>")
    return "".join(parts).encode("utf-8")
