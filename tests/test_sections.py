"""Only the open tab runs, and ``?tab=<name>`` opens it, in both languages (issue 8).

The tab names are the keys of ``<page>.tab`` in the locale files: stable, language-independent.
"""
import pytest

from tests.apptest import run_page
from ui import i18n
from ui.frame import PAGES, available_pages

PAGE_IDS = {path: pid for pid, path, _ in PAGES}


def tab_names(page_id: str) -> list[str]:
    """The page's section names, in the order its locale lists them."""
    prefix = f"{page_id}.tab."
    return [k[len(prefix):] for k in i18n.catalog("en") if k.startswith(prefix)]


def open_tabs(at) -> list[str]:
    """Labels of the tabs that have content (the open one); the others are drawn empty."""
    return [t.label for t in at.tabs if len(t.children) > 0 and t.label]


CASES = [(path, name, lang) for pid, path, _ in available_pages() for name in tab_names(pid)
         for lang in ("zh", "en")]


@pytest.mark.parametrize("path,name,lang", CASES, ids=[f"{p}:{n}:{lg}" for p, n, lg in CASES])
def test_tab_opens_by_its_url_name_and_only_it_runs(path, name, lang):
    pid = PAGE_IDS[path]
    at = run_page(path, lang, params={"tab": name})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    label = i18n.catalog(lang)[f"{pid}.tab.{name}"]
    page_tabs = [t for t in at.tabs if t.label in {i18n.catalog(lang)[f"{pid}.tab.{n}"] for n in tab_names(pid)}]
    assert len(page_tabs) == len(tab_names(pid))
    shown = [t.label for t in page_tabs if len(t.children) > 0]
    assert shown == [label], f"only {label!r} should run, got {shown}"


@pytest.mark.parametrize("bad", ["nonsense", "", "Mining", "挖矿", "history&x=1"])
def test_unknown_tab_falls_back_to_the_first(bad):
    at = run_page("app.py", "en", params={"tab": bad})
    assert not at.exception
    assert open_tabs(at)[0] == i18n.catalog("en")["home.tab.history"]


def test_language_switch_keeps_the_open_tab():
    at = run_page("app.py", "zh", params={"tab": "impact"})
    assert open_tabs(at)[0] == i18n.catalog("zh")["home.tab.impact"]
    at.sidebar.radio[0].set_value("en").run()
    assert open_tabs(at)[0] == i18n.catalog("en")["home.tab.impact"]


def test_a_control_keeps_its_value_across_tab_switches():
    at = run_page("app.py", "en", params={"tab": "traits"})
    at.number_input(key="cost_amount").set_value(750).run()
    at.query_params["tab"] = "areas"
    at.run()
    assert not at.number_input  # the traits tab did not run
    at.query_params["tab"] = "traits"
    at.run()
    assert at.number_input(key="cost_amount").value == 750


def test_a_bound_control_opens_from_the_link_and_bad_values_fall_back():
    at = run_page("app.py", "en", params={"years": "2005"})
    assert not at.exception
    for bad in ("inf", "1e309", "-inf", "9" * 309, "nan", "abc"):
        at = run_page("app.py", "en", params={"years": bad})
        assert not at.exception, bad
        lo, hi = at.slider(key="years").value
        assert lo < hi, bad


@pytest.mark.parametrize("bad", ["inf", "-inf", "1e309", "9" * 309, "nan", "12abc", ""])
def test_a_bound_whole_number_input_falls_back_on_an_absurd_link(bad):
    """Streamlit 1.67 turns ?seed=inf into int(inf) for an integer number input: ui guards it."""
    at = run_page("pages/2_lending.py", "en", params={"seed": bad})
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="seed").value == 42


@pytest.mark.parametrize("params", [{"seed": ["3", "4"]}, {"tab": ["repay", "risk"]}, {"r": ["1", "abc"]}])
def test_repeated_parameters_do_not_break_the_page(params):
    at = run_with_repeats("pages/2_lending.py", params)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def run_with_repeats(path, params):
    """run_page with repeated URL parameters (``?seed=3&seed=4``), as a hand-edited link may have."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, TIMEOUT
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    for name, values in params.items():
        at.query_params[name] = values
    at.switch_page(path)
    at.run()
    return at
