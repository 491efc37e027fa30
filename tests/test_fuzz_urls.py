"""URL fuzzer: every page × every tab × every parameter the open tab reads from the URL, with hostile values.

A link is something anyone can type or forward, so every value it can carry must end in a quiet fallback or a
translated message — never an exception, a raw locale key or a traceback.

Discovery (nothing listed by hand, so new pages, tabs and controls are covered by simply existing): each tab
is opened once with a clean URL; its parameters are the widgets Streamlit binds to the URL
(``key=..., **ui.BIND``: the widget's ``query_param_key``) plus every name the page asks ``ui.url_value`` for.

Fuzzing: each run sets *all* of a tab's parameters (and, once per page, ``tab``/``lang``/``present``) to one
value class — empty, non-numeric, ±inf, NaN, 1e309, 1e−300, a 400-digit integer, odd unicode, 5,000
characters, a repeated key.  To keep the file to a couple of minutes on two busy cores, each tab gets three
classes, rotating through the eleven from tab to tab (every page meets every class), and the language
alternates between runs (both languages on every page).
"""
from __future__ import annotations

import pytest

import ui
from tests.apptest import APP, TIMEOUT, error_texts, raw_keys_on_screen
from tests.test_sections import tab_names
from ui import i18n
from ui.frame import available_pages

from streamlit.testing.v1 import AppTest

VALUE_CLASSES = {
    "empty": "",
    "non_numeric": "abc",
    "inf": "inf",
    "minus_inf": "-inf",
    "nan": "nan",
    "1e309": "1e309",
    "1e-300": "1e-300",
    "huge_int": "9" * 400,
    "unicode": "中文🙂\u202e\x00",
    "very_long": "x" * 5000,
    "repeated": ["1", "2"],
}
CLASS_NAMES = list(VALUE_CLASSES)
PER_TAB = 3
WIDGET_KINDS = ("slider", "select_slider", "number_input", "selectbox", "radio", "multiselect", "text_input",
                "text_area", "toggle", "checkbox", "date_input", "time_input", "color_picker")
BROKEN = ("Traceback", 'File "', "Error:", "/work/", ".py")


def open_link(path: str, lang: str, params: dict) -> AppTest:
    """``tests.apptest.run_page`` for a link whose values may be lists (a repeated ``?x=1&x=2``)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)

    def put(target):
        target["lang"] = params.get("lang", lang)
        for name, value in params.items():
            target[name] = value if isinstance(value, list) else str(value)

    put(at.query_params)
    at.run()
    if path != "app.py":
        put(at.query_params)        # the home page drops what it does not know, as in run_page
        at.switch_page(path)
        at.run()
    return at


def discover(path: str, tab: str | None) -> list[str]:
    """The URL parameters the open tab reads: bound widgets and ``ui.url_value`` names."""
    asked: list[str] = []
    real = ui.url_value

    def recording(name, *args, **kwargs):
        asked.append(name)
        return real(name, *args, **kwargs)

    ui.url_value = recording
    try:
        at = open_link(path, "en", {"tab": tab} if tab else {})
    finally:
        ui.url_value = real
    assert not at.exception, [e.value for e in at.exception]
    bound = [w.proto.query_param_key for kind in WIDGET_KINDS for w in at.get(kind)
             if getattr(w.proto, "query_param_key", "")]
    return sorted(set(bound + asked) - {"tab", "lang"})


def _cases():
    cases, n = [], 0
    for pid, path, _ in available_pages():
        for i, tab in enumerate(tab_names(pid) or [None]):
            classes = [CLASS_NAMES[(PER_TAB * n + j) % len(CLASS_NAMES)] for j in range(PER_TAB)]
            cases.append((path, tab, classes, i == 0, n))
            n += 1
    return cases


CASES = _cases()


@pytest.mark.parametrize("path,tab,classes,frame_too,n", CASES,
                         ids=[f"{p}:{t}:{'+'.join(c)}" for p, t, c, _, _ in CASES])
def test_hostile_link_values_fall_back_or_explain(path, tab, classes, frame_too, n):
    names = discover(path, tab)
    for j, cls in enumerate(classes):
        lang = ("zh", "en")[(n + j) % 2]
        value = VALUE_CLASSES[cls]
        params = {name: value for name in names}
        if tab:
            params["tab"] = tab
        if frame_too and j == 0:     # the frame's own parameters, once per page
            params.update(present=value)
            if tab:
                params["tab"] = value
        i18n.MISSING.clear()
        at = open_link(path, lang, params)
        where = f"{path}?tab={tab} {cls} ({lang}) on {names}"
        assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
        assert raw_keys_on_screen(at, lang) == [], where
        assert {m for m in i18n.MISSING if m.startswith(lang)} == set(), where
        for text in error_texts(at):
            assert not any(mark in text for mark in BROKEN), f"{where}: {text[:200]}"


def test_discovery_finds_the_known_parameters():
    """A check of the discovery itself on parameters named in the docs (lending's schedule, blockchain's chain)."""
    assert {"p", "r", "n", "up", "mf"} <= set(discover("pages/2_lending.py", "repay"))
    assert {"blocks", "cdiff"} <= set(discover("pages/4_blockchain.py", "chain"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_issue_links_end_in_a_page_not_a_traceback(lang):
    """The exact links of issue 13: a yearly rate of 1e-13 on the lending schedule, ``?seed=inf`` and friends."""
    at = open_link("pages/2_lending.py", lang, {"tab": "repay", "r": "1e-13"})
    assert not at.exception and not at.error
    assert at.number_input(key="r").value == 1e-13
    assert any(i18n.catalog(lang)["common.what_happened"] in str(s.value) for s in at.success)
    for value in ("inf", "-inf", "1e309", "9" * 309):
        at = open_link("pages/4_blockchain.py", lang, {"tab": "mining", "seed": value})
        assert not at.exception, value
