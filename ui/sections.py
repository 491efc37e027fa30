"""A page is a list of sections, one per tab, and only the open one runs.

``ui.sections("payments", {"lifecycle": lifecycle, "clearing": clearing, ...})`` draws Streamlit's
own tabs (``st.tabs(..., key=..., on_change=...)``, so each tab knows whether it is ``.open``) and
calls only the open section's function.  The open tab lives in the URL as ``?tab=<name>``: a stable,
language-independent name (the section's key), so a lecturer's link opens the exact tab and a
language switch keeps it.  The first tab is the default and leaves the URL clean; an unknown or
repeated ``?tab=`` falls back to the first tab quietly.

Why not ``bind="query-params"`` on the tabs: Streamlit binds a tab by its *label*, which is
translated, so a Chinese link would not open the English page's tab (checked on 1.67).

Scenario controls use Streamlit's own binding: ``st.slider(..., key="fee", **ui.BIND)`` puts the
value in the URL as ``?fee=`` (bounds checked by Streamlit: a malformed or out-of-range value is
dropped and the default used), and ``persist_state="page"`` keeps the value while its tab is hidden.
"""
from __future__ import annotations

from typing import Callable, Mapping

import streamlit as st
from streamlit.elements.widgets import number_input as _number_input

from ui.frame import lang, translator

#: keyword arguments for a scenario control bound to the URL (its ``key`` is the parameter's name)
BIND = {"bind": "query-params", "persist_state": "page"}

TAB_PARAM = "tab"


def _guard_int_binding() -> None:
    """Make a URL-bound whole-number input fall back to its default on ``?seed=inf``.

    Streamlit 1.67 rejects a non-finite or out-of-range *float* from the URL, but for an integer input
    it calls ``int(float("inf"))`` first and the ``OverflowError`` replaces the page (checked here with
    ``inf``, ``-inf``, ``1e309`` and a 309-digit number).  The guard returns the widget's default, which
    Streamlit then treats like any other rejected URL value (it also clears the parameter)."""
    serde = _number_input.NumberInputSerde
    if getattr(serde.deserialize, "_fintechlab_guarded", False):
        return
    original = serde.deserialize

    def deserialize(self, ui_value):
        try:
            return original(self, ui_value)
        except OverflowError:
            return self.value

    deserialize._fintechlab_guarded = True
    serde.deserialize = deserialize


_guard_int_binding()


def _widget_key(page_id: str) -> str:
    # the tabs' identity includes their labels, so each language gets its own widget
    return f"_tabs_{page_id}_{lang()}"


def requested_tab(names: list[str]) -> str:
    """The section named by ``?tab=`` if it is one of ``names``, else the first section."""
    try:
        raw = st.query_params.get(TAB_PARAM)
    except Exception:  # noqa: BLE001 - no query params outside a session
        raw = None
    return raw if raw in names else names[0]


def _on_switch(key: str, names: list[str], labels: list[str]) -> None:
    """The student opened another tab: write its stable name to the URL (the first tab leaves it clean)."""
    label = st.session_state.get(key)
    name = names[labels.index(label)] if label in labels else names[0]
    if name == names[0]:
        if TAB_PARAM in st.query_params:
            del st.query_params[TAB_PARAM]
    else:
        st.query_params[TAB_PARAM] = name


def sections(page_id: str, run: Mapping[str, Callable[[], None]]) -> str:
    """Draw the tabs ``<page_id>.tab.<name>`` and run only the open section; return its name."""
    T = translator()
    names = list(run)
    labels = [T(f"{page_id}.tab.{name}") for name in names]
    current = requested_tab(names)
    if st.query_params.get(TAB_PARAM) is not None and current == names[0]:
        del st.query_params[TAB_PARAM]  # unknown or default: keep the link clean
    key = _widget_key(page_id)
    st.session_state[key] = labels[names.index(current)]
    tabs = st.tabs(labels, key=key, on_change=_on_switch, args=(key, names, labels))
    for name, tab in zip(names, tabs):
        if tab.open:
            with tab:
                run[name]()
    return current
