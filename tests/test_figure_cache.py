"""``@ui.figure``: a chart is built once per distinct input and language, shared, styled, and never
confused with another builder's chart that has the same inputs."""
from streamlit.testing.v1 import AppTest


def _app(root):
    import sys

    sys.path.insert(0, root)
    import plotly.graph_objects as go
    import streamlit as st

    import ui

    calls = st.session_state.setdefault("calls", [])

    @ui.figure
    def bars(n):
        calls.append(("bars", n))
        return go.Figure(go.Bar(x=[1, 2], y=[n, n]))

    @ui.figure
    def line(n):
        calls.append(("line", n))
        return go.Figure(go.Scatter(x=[1, 2], y=[n, 0]))

    n = st.number_input("n", 0, 9, 3, key="n")
    first, second = bars(n), line(n)
    ui.chart(first, key="a")
    ui.chart(second, key="b")
    st.write(type(first.data[0]).__name__, type(second.data[0]).__name__, bars(n) is first,
             first.layout.template.layout.font.size, len(calls))


def _run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.markdown[0].value.replace("`", "").split()


def _apptest():
    from tests.apptest import ROOT
    return AppTest.from_function(_app, args=(str(ROOT),), default_timeout=60)


def test_figures_are_built_once_shared_and_kept_apart():
    at = _apptest()
    kinds = _run(at)
    assert kinds[:3] == ["Bar", "Scatter", "True"]     # two builders, same input: two different charts
    assert kinds[3] == "14"                             # styled with the app's template
    built = int(kinds[4])
    assert _run(at)[4] == str(built)                    # a rerun builds nothing
    at.number_input(key="n").set_value(5)
    assert int(_run(at)[4]) == built + 2                # a new input builds both once


def test_presenter_mode_gets_its_own_large_type_figure():
    at = _apptest()
    at.session_state["_present"] = True
    assert _run(at)[3] == "20"
