"""The frame every page lives in: page config, language, presenter mode, sidebar and menu.

Language: ``?lang=`` if valid → the language chosen earlier in this session → the browser's
``st.context.locale`` (zh* → 中文) → English.  Presenter mode: ``?present=1`` or the sidebar
switch.  Unknown values of either parameter fall back quietly.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.i18n import DEFAULT_LANG, LANGS, ROOT, Translator, normalize_lang

#: (page id, script path relative to the project root, icon); the menu shows those whose file exists
PAGES = [
    ("home", "app.py", "🏠"),
    ("payments", "pages/1_payments.py", "💳"),
    ("lending", "pages/2_lending.py", "🤝"),
    ("insurance", "pages/3_insurance.py", "🛡️"),
    ("blockchain", "pages/4_blockchain.py", "⛓️"),
    ("regulation", "pages/5_regulation.py", "⚖️"),
    ("bcfinance", "pages/6_blockchain_finance.py", "🏦"),
    ("classroom", "pages/7_classroom.py", "🧑‍🏫"),
    ("lessons", "pages/8_lessons.py", "🗂️"),
    ("glossary", "pages/9_glossary.py", "📖"),
]

_LANG_STATE = "_lang"
_PRESENT_STATE = "_present"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

BASE_CSS = """
<style>
/* cards on the home page and notes boxes */
.fl-card {border: 1px solid rgba(128,128,128,.35); border-radius: .6rem; padding: .9rem 1rem;
          height: 100%; background: rgba(0,114,178,.06);}
.fl-card h4 {margin: 0 0 .3rem 0;}
.fl-source {font-size: .8rem; opacity: .75;}
/* touch screens: plotly's mode bar would cover chart titles and needs a mouse anyway */
@media (hover: none) { .modebar-container {display: none !important;} }
/* the one-line history script of ui.frame takes no room */
[data-testid="stHtml"]:has(> script:only-child) {display: none;}
</style>
"""

PRESENTER_CSS = """
<style>
/* presenter mode: readable from the back of a lecture hall */
html, body, [data-testid="stAppViewContainer"] {font-size: 21px;}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {font-size: 1.3rem; line-height: 1.5;}
h1 {font-size: 3.1rem !important;} h2 {font-size: 2.4rem !important;} h3 {font-size: 1.9rem !important;}
[data-baseweb="tab"] p {font-size: 1.3rem !important;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p {font-size: 2.6rem !important; line-height: 1.2;}
[data-testid="stMetricLabel"] p {font-size: 1.15rem !important;}
[data-testid="stWidgetLabel"] p {font-size: 1.15rem !important;}
/* what a lecturer points at: typed values, code, captions, tables, expanders */
input, textarea, [data-baseweb="select"] div, [data-baseweb="input"] input {font-size: 1.2rem !important;}
[data-testid="stCode"] code, [data-testid="stCode"] pre {font-size: 1.1rem !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {font-size: 1.05rem !important;}
[data-testid="stExpander"] summary p {font-size: 1.2rem !important;}
[data-testid="stSliderThumbValue"], [data-testid="stTickBarMin"], [data-testid="stTickBarMax"] {font-size: 1.05rem !important;}
[data-testid="stElementContainer"]:has(> [data-testid="stDataFrame"]),
[data-testid="stElementContainer"]:has(> [data-testid="stTable"]) {
  zoom: 1.3; width: calc(100% / 1.3) !important; max-width: calc(100% / 1.3) !important;}
.block-container {padding-top: 1.5rem; max-width: 100% !important;}
</style>
"""


def available_pages() -> list[tuple[str, str, str]]:
    """The pages whose script exists: a menu entry never leads to a missing page."""
    return [(pid, path, icon) for pid, path, icon in PAGES if (ROOT / path).exists()]


def page_exists(page_id: str) -> bool:
    """True if the page's script is in the project."""
    return any(pid == page_id for pid, _, _ in available_pages())


def _query(name: str):
    try:
        return st.query_params.get(name)
    except Exception:  # noqa: BLE001 - no query params outside a browser session
        return None


def detect_lang() -> str:
    """?lang= → session choice → browser locale → English."""
    chosen = normalize_lang(_query("lang"))
    if chosen:
        return chosen
    if normalize_lang(st.session_state.get(_LANG_STATE)):
        return st.session_state[_LANG_STATE]
    try:
        from_browser = normalize_lang(st.context.locale)
    except Exception:  # noqa: BLE001
        from_browser = None
    return from_browser or DEFAULT_LANG


def detect_presenter() -> bool:
    """?present=1 → on, ?present=0 → off, anything else → the session's choice (default off)."""
    raw = _query("present")
    if isinstance(raw, str) and raw.strip().lower() in _TRUE:
        return True
    if isinstance(raw, str) and raw.strip().lower() in _FALSE:
        return False
    return bool(st.session_state.get(_PRESENT_STATE, False))


def lang() -> str:
    """The reader's language of this run: 'zh' or 'en'."""
    return st.session_state.get(_LANG_STATE) or detect_lang()


def presenter() -> bool:
    """True when presenter mode is on."""
    return bool(st.session_state.get(_PRESENT_STATE, False))


def translator() -> Translator:
    """The translator for this run's language."""
    return Translator(lang())


def _on_lang_change() -> None:
    new = st.session_state.get("_lang_choice")
    if new in LANGS:
        st.session_state[_LANG_STATE] = new
        st.query_params["lang"] = new


def _on_present_change() -> None:
    on = bool(st.session_state.get("_present_choice"))
    st.session_state[_PRESENT_STATE] = on
    if on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def link_params() -> dict:
    """Query parameters that every menu link carries, so language and presenter mode survive navigation."""
    params = {"lang": lang()}
    if presenter():
        params["present"] = "1"
    return params


# Streamlit pushes a browser-history entry whenever the server changes the query string (a tab, a translated
# choice mirrored into the link), so Back stepped through every control before leaving a page.  Within one
# page the link is replaced instead: Back leaves the page in one press (a page change still pushes).
HISTORY_JS = """<script>
(() => {
  const h = window.history;
  if (h.__flSamePageReplace) return;
  h.__flSamePageReplace = true;
  const push = h.pushState.bind(h);
  h.pushState = function (state, title, url) {
    try {
      if (url != null && new URL(url, window.location.href).pathname === window.location.pathname) {
        return h.replaceState(state, title, url);
      }
    } catch (e) { /* fall through to a normal push */ }
    return push(state, title, url);
  };
})();
</script>"""


def frame(page_id: str) -> Translator:
    """Set the page up and return its translator ``T``. Call first on every page."""
    current = detect_lang()
    present = detect_presenter()
    st.session_state[_LANG_STATE] = current
    st.session_state[_PRESENT_STATE] = present
    T = Translator(current)
    icon = dict((pid, ic) for pid, _, ic in PAGES).get(page_id, "📘")
    st.set_page_config(
        page_title=f"{T(f'nav.{page_id}')} · {T('app.name')}",
        page_icon=icon,
        layout="wide",
        initial_sidebar_state="collapsed" if present else "auto",
    )
    st.markdown(BASE_CSS, unsafe_allow_html=True)  # our own constant, no user text
    st.html(HISTORY_JS, unsafe_allow_javascript=True, width=1)   # our own constant (see HISTORY_JS)
    if present:
        st.markdown(PRESENTER_CSS, unsafe_allow_html=True)  # our own constant, no user text
    _sidebar(T, page_id)
    from ui.lesson import panel as lesson_panel  # noqa: PLC0415 - ui.lesson imports this module
    lesson_panel(page_id)  # ?lesson=<id>: the lesson's current step, links, clock and speaker notes
    return T


def _sidebar(T: Translator, page_id: str) -> None:
    with st.sidebar:
        st.markdown(f"### {T('app.name')}")
        st.session_state["_lang_choice"] = lang()
        st.radio(T("frame.language"), list(LANGS), key="_lang_choice", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code],
                 on_change=_on_lang_change, help=T("frame.language_help"))
        st.session_state["_present_choice"] = presenter()
        st.toggle(T("frame.presenter"), key="_present_choice", on_change=_on_present_change,
                  help=T("frame.presenter_help"))
        st.divider()
        st.caption(T("frame.menu"))
        for pid, path, icon in available_pages():
            st.page_link(path, label=T(f"nav.{pid}"), icon=icon, query_params=link_params(),
                         disabled=pid == page_id)
        st.divider()
        st.caption(T("frame.footer"))
