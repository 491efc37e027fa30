"""Shared presentation pieces: header, guard, charts, URL state, quiz, download, number formats."""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ui import i18n
from ui.frame import lang, presenter, translator

#: Okabe & Ito (2008) colour-blind-safe palette, readable on light and dark backgrounds
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]


# ------------------------------------------------------------------ numbers in the reader's language
def money(fen: int) -> str:
    """Integer fen → '¥1,234.56'."""
    return i18n.format_money(fen, lang())


def yuan(x: float) -> str:
    """Float yuan → '¥1,234.56'."""
    return i18n.format_yuan(x, lang())


def num(x: float, digits: int = 0) -> str:
    """Grouped number."""
    return i18n.format_num(x, lang(), digits)


def pct(fraction: float, digits: int = 1) -> str:
    """Fraction → percentage."""
    return i18n.format_pct(fraction, lang(), digits)


def big(x: float) -> str:
    """Large count in words (万/亿 or thousand/million)."""
    return i18n.format_big(x, lang())


# ------------------------------------------------------------------ page anatomy
def header(page_id: str) -> None:
    """Title, the chapter it teaches and its learning goals, from ``<page>.title/chapter/goals``."""
    T = translator()
    st.title(T(f"{page_id}.title"))
    st.caption(T(f"{page_id}.chapter"))
    goals = T.list(f"{page_id}.goals")
    if goals:
        st.markdown(f"**{T('common.goals')}**\n" + "\n".join(f"- {g}" for g in goals))


def what_happened(text: str) -> None:
    """The 'what just happened' box, quoting this run's numbers."""
    T = translator()
    st.success(f"**{T('common.what_happened')}** {text}", icon="🔎")


def explain(text: str, label: str) -> None:
    """A tab's long explanation: shown as it is, folded behind ``label`` in presenter mode (the projected
    screen stays short; the lecturer tells the story).  Every page folds its explanations this way."""
    if presenter():
        with st.expander(label):
            st.markdown(text)
    else:
        st.markdown(text)


def run_summary(label: str, text: str, at_end: bool) -> None:
    """The 'what just happened' of a whole step-player run: folded behind ``label`` (which says it is the run's
    summary) until the player reaches the last step, so it does not give away what the steps are about to show."""
    with st.expander(label, expanded=at_end, icon="🏁"):
        what_happened(text)


def takeaway(text: str) -> None:
    """The one-line takeaway of a tab."""
    T = translator()
    st.markdown(f"> 💡 **{T('common.takeaway')}** {text}")


def source_note(text: str) -> None:
    """A small source line under a chart or a fact."""
    T = translator()
    st.caption(f"{T('common.source')}: {text}")


_log = logging.getLogger("fintechlab.guard")


def _strict() -> bool:
    """Under the test suite an arithmetic error is not swallowed: a page that divides by zero on some
    input is a bug for the core to refuse (``InputError``), and AppTest must see it."""
    return bool(os.environ.get("PYTEST_CURRENT_TEST")) or os.environ.get("FINTECHLAB_STRICT_GUARD") == "1"


@contextmanager
def guard():
    """Run a block; a bad-input error becomes a translated ``st.error`` and the page goes on.

    ``ValueError`` (``InputError`` with its locale key) → its message; ``ArithmeticError`` (a division by
    zero or an overflow reached with extreme values) → ``errors.arithmetic``, logged with its traceback for
    the developers, never shown.  Other exceptions are bugs and propagate (the app's config shows a plain
    message without paths: ``client.showErrorDetails = "none"``)."""
    T = translator()
    try:
        yield
    except ArithmeticError as exc:
        if _strict():
            raise
        _log.warning("arithmetic error caught by ui.guard: %s", type(exc).__name__, exc_info=True)
        st.error(T("errors.arithmetic"), icon="⚠️")
    except ValueError as exc:
        # duck-typed rather than isinstance(InputError): objects kept in the session across a code
        # reload still raise the class they were created with
        key = f"errors.{getattr(exc, 'key', '')}"
        params = getattr(exc, "params", None) or {}
        if T.has(key):
            st.error(T(key, **params), icon="⚠️")
        elif getattr(exc, "key", None) is not None:     # a core refusal whose key has no message yet: its English
            st.error(T("errors.generic", detail=str(exc)), icon="⚠️")
        else:                                          # a library's ValueError: not a sentence for a student
            _log.warning("ValueError caught by ui.guard: %s", type(exc).__name__, exc_info=True)
            st.error(T("errors.invalid"), icon="⚠️")


# ------------------------------------------------------------------ charts
def _template(size: int) -> go.layout.Template:
    """Our palette and type size; colours of text, grid and background still come from the app's light/dark
    theme, which Streamlit's frontend applies to every chart shown with ``theme="streamlit"``."""
    template = go.layout.Template()
    axis = dict(tickfont=dict(size=size), title=dict(font=dict(size=size)), automargin=True)
    template.layout.update(colorway=OKABE_ITO, font=dict(size=size), legend=dict(font=dict(size=size)),
                           hoverlabel=dict(font=dict(size=size)), margin=dict(l=10, r=10, t=50, b=10),
                           xaxis=axis, yaxis=axis)
    template.data.bar = [go.Bar(textfont=dict(size=size))]
    return template


# Built once per process: naming a registered template costs ~1 ms a figure, where restyling
# each figure with update_layout/update_xaxes cost ~45 ms (measured here).
pio.templates["fintechlab"] = _template(14)
pio.templates["fintechlab_presenter"] = _template(20)


def style_figure(fig: go.Figure) -> go.Figure:
    """Apply the palette and, in presenter mode, larger type; the theme itself follows light/dark."""
    if not presenter():
        fig.layout.template = "fintechlab"
        return fig
    # The frontend's theme overrides a template's font sizes, so presenter mode sets them on the figure
    # itself (slower, ~45 ms a chart, but only for the lecturer's own session).
    size = 20
    fig.layout.template = "fintechlab_presenter"
    fig.update_layout(font=dict(size=size), legend=dict(font=dict(size=size)), hoverlabel=dict(font_size=size))
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    fig.update_annotations(font_size=size)
    for trace in fig.data:   # in-bar labels and heat-map cell numbers are pointed at too
        if "textfont" in trace and (trace.textfont.size or 0) < size - 2:
            trace.textfont.size = size - 2
    fig.update_traces(textfont_size=size, selector=dict(type="bar"))
    return fig


def chart(fig: go.Figure, key: str | None = None) -> None:
    """Show a plotly figure with the app's palette; ``theme='streamlit'`` follows light/dark mode.

    A figure made by a ``@ui.figure`` builder is already styled and shared: it is shown as it is."""
    if not getattr(fig, "_fl_shared", False):
        fig = style_figure(fig)
    st.plotly_chart(fig, theme="streamlit", key=key, width="stretch",
                    config={"displaylogo": False, "locale": "zh-CN" if lang() == "zh" else "en"})


class _SharedFigure(go.Figure):
    """A finished figure shared by every visitor: its dict is made once.

    ``st.plotly_chart`` turns a figure into a dict (a deep copy, ~1 ms a chart) on every rerun before it
    writes the JSON; a shared figure never changes, so it hands over the dict it made when it was built."""

    def __init__(self, fig: go.Figure):
        super().__init__(fig)
        self._fl_shared = True
        self._fl_dict = go.Figure.to_dict(self)

    def to_dict(self) -> dict:
        return self._fl_dict


def figure(builder=None, *, max_entries: int = 64):
    """Decorator for a function that builds a plotly figure from plain, hashable inputs.

    The figure is built and styled once per distinct (inputs, language, presenter mode) and shared by
    every visitor (``st.cache_resource``): a rerun whose chart shows the same thing costs a dictionary
    lookup instead of ~5–40 ms of plotly building (profiled: building figures was a quarter of a page's
    server time).  The builder may call ``ui.translator()``/``T``: language and presenter mode are part
    of the key.  Nobody may change the returned figure: ``ui.chart`` shows it as it is."""
    def wrap(fn):
        def build(args: tuple, kwargs: tuple, language: str, present: bool) -> go.Figure:
            return _SharedFigure(style_figure(fn(*args, **dict(kwargs))))

        # Streamlit keys a cache by the function's module, qualified name and source: give each builder's
        # cache its own name, else every decorated builder would share one cache
        build.__module__ = fn.__module__
        build.__qualname__ = f"{fn.__qualname__}<figure:{fn.__code__.co_filename}>"
        build = st.cache_resource(max_entries=max_entries, show_spinner=False)(build)

        def shared(*args, **kwargs) -> go.Figure:
            return build(args, tuple(sorted(kwargs.items())), lang(), presenter())

        shared.__doc__, shared.__name__, shared.__wrapped__ = fn.__doc__, fn.__name__, fn
        return shared

    return wrap(builder) if builder is not None else wrap


# ------------------------------------------------------------------ scenario in the URL
def url_value(name: str, default, lo=None, hi=None, options=None):
    """The scenario value ``?name=`` cast to the default's type and bounded; the default if absent or bad."""
    st.session_state.setdefault("_url_defaults", {})[name] = default   # for sync_url: defaults stay out of links
    raw = st.query_params.get(name)
    if raw is None:
        return default
    try:
        if isinstance(default, bool):
            value = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif isinstance(default, int):
            value = int(float(raw))
        elif isinstance(default, float):
            value = float(raw)
            if value != value:  # NaN
                return default
        else:
            value = str(raw)
    except (TypeError, ValueError, OverflowError):  # "inf", "1e309", a 309-digit number
        return default
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return default
    if options is not None and value not in options:
        return default
    if lo is not None and value < lo:
        value = lo
    if hi is not None and value > hi:
        value = hi
    return value


def sync_url(**values) -> None:
    """Mirror scenario controls into the URL so a prepared link opens the same scenario.

    A value equal to its default (from ``url_value``) is left out, as Streamlit does for bound widgets: the
    first visit changes no link, and a link carries only what differs from the page's own start."""
    defaults = st.session_state.get("_url_defaults", {})
    for name, value in values.items():
        text = str(int(value)) if isinstance(value, bool) else str(value)
        if name in defaults and value == defaults[name]:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != text:
            st.query_params[name] = text


# ------------------------------------------------------------------ self-check and download
def quiz(page_id: str, ids: list[str]) -> None:
    """Self-check questions with instant feedback, from ``<page>.quiz.<id>.question/options/answer/explain``.

    The options appear in an order shuffled per question and per browser session (so the right answer is not
    always in the same place, and two students side by side see different orders); the same order in both
    languages, because the option arrays are parallel.  Once every question is answered, the score is shown with
    the tabs to revisit for the questions missed (the tab that teaches the glossary terms the question uses)."""
    import random

    T = translator()
    st.subheader(f"📝 {T('common.quiz_title')}")
    seed = st.session_state.setdefault("_quiz_seed", random.SystemRandom().randrange(2 ** 32))
    right, answered, missed = 0, 0, []
    for n, qid in enumerate(ids, start=1):
        base = f"{page_id}.quiz.{qid}"
        options = T.list(f"{base}.options")
        answer = int(T.raw(f"{base}.answer", 0))
        order = list(range(len(options)))
        random.Random(f"{seed}:{page_id}:{qid}").shuffle(order)
        choice = st.radio(f"{n}. {T(f'{base}.question')}", order, index=None,
                          format_func=lambda i, o=options: o[i], key=f"quiz_{page_id}_{qid}")
        if choice is None:
            continue
        answered += 1
        if choice == answer:
            right += 1
            st.success(f"✅ {T('common.quiz_right')} {T(f'{base}.explain')}")
        else:
            st.error(f"❌ {T('common.quiz_wrong', answer=options[answer])} {T(f'{base}.explain')}")
            missed.append(f"{T(f'{base}.question')} {T(f'{base}.explain')}")
    st.caption(T("common.quiz_score", right=right, total=len(ids)))
    if answered == len(ids) and ids:
        _quiz_revisit(page_id, missed)


def _quiz_revisit(page_id: str, missed: list[str]) -> None:
    """The final score's advice: the tabs that teach what the missed questions asked about (by the glossary
    terms the question and its explanation use), each as a link that opens the tab."""
    from core import glossary
    from ui.frame import available_pages, link_params

    T = translator()
    language = lang()
    path = next((p for pid, p, _ in available_pages() if pid == page_id), None)
    tabs: list[str] = []
    for text in missed:
        folded = glossary.fold(text)
        hits = [t.tab for t in glossary.terms() if t.page == page_id and glossary.fold(t.name(language)) in folded]
        if hits:
            best = max(dict.fromkeys(hits), key=hits.count)
            if best not in tabs:
                tabs.append(best)
    if not missed:
        st.info(T("glossary.quiz.all_right"), icon="🎓")
        return
    st.warning(T("glossary.quiz.revisit", n=len(missed)), icon="🔁")
    for tab in tabs:
        key = f"{page_id}.tab.{tab}"
        if path and T.has(key):
            st.page_link(path, label=T(key), icon="↩️", query_params=dict(link_params(), tab=tab))


def file_figures(page_id: str, section: str, figures: dict | None = None, controls=()) -> dict:
    """File ``figures`` as ``section``'s headline numbers for the page's run-summary download (this
    student's session only) and return the dict: it is kept by reference, so a section may file an empty
    dict first (a failed run then leaves no stale numbers) and fill it as its work succeeds.  With
    ``controls`` (widget keys), the numbers count only while those controls keep the values they had."""
    figures = {} if figures is None else figures
    store = st.session_state.setdefault(f"_figures_{page_id}", {})
    store[section] = {"controls": {k: st.session_state.get(k) for k in controls}, "figures": figures}
    return figures


def filed_figures(page_id: str, sections) -> dict:
    """The filed numbers of ``sections``, in that order, whose controls still hold their filed values."""
    store = st.session_state.get(f"_figures_{page_id}", {})
    out: dict = {}
    for section in sections:
        entry = store.get(section)
        if entry and all(st.session_state.get(k, object()) == v for k, v in entry["controls"].items()):
            out.update(entry["figures"])
    return out


def summary_download(page_id: str, sections, file_name: str, key: str, label: str, column: str = "figure") -> None:
    """One CSV of the headline numbers of the sections opened on this visit (only the open tab runs, so a
    summary can quote only what ran)."""
    figures = filed_figures(page_id, sections)
    download_csv(pd.DataFrame({column: list(figures), "value": list(figures.values())}), file_name, key=key,
                 label=label)


def download_csv(df: pd.DataFrame, file_name: str, key: str, label: str | None = None) -> None:
    """A download button for this run's data as UTF-8 CSV (with BOM, so Excel shows Chinese correctly)."""
    T = translator()
    # a callable is run only when the button is clicked: building every CSV on every rerun cost
    # 14 % of a page's server time (profiled, see DESIGN.md)
    st.download_button(f"⬇️ {label or T('common.download')}", data=lambda: csv_bytes(df), file_name=file_name,
                       mime="text/csv", key=key, on_click="ignore")


def csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as UTF-8 CSV with a BOM (so Excel shows Chinese correctly)."""
    return df.to_csv(index=False).encode("utf-8-sig")
