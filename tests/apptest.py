"""Helpers to run pages with Streamlit's AppTest (in-process, no browser)."""
from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120


def page_paths() -> list[str]:
    """Every page script, home first, as paths relative to the project root."""
    return ["app.py"] + sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def run_page(path: str = "app.py", lang: str = "en", params: dict | None = None) -> AppTest:
    """Run ``path`` (relative to the project root) in ``lang`` and return the AppTest.

    Pages are reached the way a browser reaches them: app.py runs first, then ``switch_page``.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    for name, value in (params or {}).items():
        at.query_params[name] = str(value)
    at.run()
    if path != "app.py":
        # the home page drops what it does not know (e.g. another page's ?tab=): a browser's deep
        # link never runs it, so give the page its link's parameters again
        for name, value in (params or {}).items():
            at.query_params[name] = str(value)
        at.switch_page(path)
        at.run()
    return at


def rerun(at: AppTest) -> AppTest:
    """Rerun after changing widgets."""
    at.run()
    return at


def visible_texts(at: AppTest) -> list[str]:
    """Text of the elements a reader sees: markdown, titles, captions, alerts, labels, buttons, tabs, metrics."""
    texts: list[str] = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "success", "info", "warning", "error",
                 "text", "latex"):
        texts += [str(e.value) for e in at.get(kind)]
    for kind in ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider", "select_slider",
                 "number_input", "text_input", "text_area", "date_input", "time_input", "color_picker"):
        texts += [str(getattr(e, "label", "")) for e in at.get(kind)]
    texts += [str(t.label) for t in at.tabs]
    for metric in at.metric:
        texts += [str(metric.label), str(metric.value)]
    return texts


def raw_keys_on_screen(at: AppTest, lang: str) -> list[str]:
    """Locale keys that appear verbatim on screen (a message that was never translated)."""
    keys = set(i18n.catalog(lang))
    pattern = re.compile(r"\b[a-z_]+(?:\.[a-z0-9_]+){1,}\b")
    found = []
    for text in visible_texts(at):
        for token in pattern.findall(text):
            if token in keys:
                found.append(token)
    return found


def error_texts(at: AppTest) -> list[str]:
    """Text of every st.error box and exception on screen."""
    return [str(e.value) for e in at.error] + [str(e.value) for e in at.exception]


def happened_texts(at: AppTest) -> list[str]:
    """The page's "what just happened" boxes, in order, in whichever language the page is shown."""
    marks = [i18n.catalog(lang)["common.what_happened"] for lang in i18n.LANGS]
    return [str(s.value) for s in at.success if any(mark in str(s.value) for mark in marks)]
