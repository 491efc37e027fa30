"""AppTest of the regulation page: each tab quotes numbers computed by core in this run, in both languages.

Only the open tab runs (issue 8): a test of a later tab opens it with ``?tab=<name>``.
"""
import re

import pytest
from streamlit.testing.v1 import AppTest

from core import aml, privacy, regulation as reg
from tests.apptest import APP, TIMEOUT, error_texts, happened_texts, raw_keys_on_screen, run_page
from ui import i18n

PAGE = "pages/5_regulation.py"
TABS = ["compare", "aml", "sandbox", "privacy", "crypto", "regulators"]
# "what just happened" boxes per tab: the data-protection tab has two (the fine, the pseudonymisation)
HAPPENED = {"compare": 1, "aml": 1, "sandbox": 1, "privacy": 2, "crypto": 1, "regulators": 1}


def shown_tabs(at) -> list[str]:
    """Labels of the tabs that ran (the others are drawn empty)."""
    return [t.label for t in at.tabs if t.label and len(t.children) > 0]


def open_tab(name: str, lang: str = "en", params: dict | None = None) -> AppTest:
    """The page with tab ``name`` open, from a link ``?tab=<name>&...``."""
    at = run_page(PAGE, lang, params={**(params or {}), "tab": name})
    label = i18n.catalog(lang)[f"regulation.tab.{name}"]
    if shown_tabs(at) != [label]:
        # run_page passes through app.py, whose own sections drop a ?tab= they do not know:
        # state the tab again, as the browser's address bar would on this page
        at.query_params["tab"] = name
        at.run()
    assert shown_tabs(at) == [label], shown_tabs(at)
    return at


def switch_tab(at: AppTest, name: str) -> AppTest:
    """The student opens another tab of the same page (same session)."""
    at.query_params["tab"] = name
    at.run()
    return at


def open_link(lang: str, params: dict) -> AppTest:
    """A prepared link reached as run_page reaches a page, where a list repeats the parameter
    (a range slider's ``?cyears=2023&cyears=2026``)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    for name, value in params.items():
        at.query_params[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


@pytest.fixture(scope="module")
def en():
    return {name: open_tab(name, "en") for name in TABS}


@pytest.fixture(scope="module")
def zh():
    return {name: open_tab(name, "zh") for name in TABS}


def test_page_runs_clean_in_both_languages(en, zh):
    assert shown_tabs(run_page(PAGE, "en")) == ["① Three jurisdictions"]      # no ?tab=: the first tab
    for pages, lang in ((en, "en"), (zh, "zh")):
        for name, at in pages.items():
            assert not at.exception and not error_texts(at), name
            assert raw_keys_on_screen(at, lang) == [], name
            assert len(happened_texts(at)) == HAPPENED[name], name
            assert len(at.tabs) == len(TABS)
    assert sum(HAPPENED.values()) == 7     # compare, AML, sandbox, fine, pseudonymisation, crypto, regulators


def test_compare_tab_counts_the_milestones(en, zh):
    m = reg.load_milestones()
    per = m["jurisdiction"].value_counts()
    text = happened_texts(en["compare"])[0]
    assert f"**{len(m)}** milestones" in text and f"China **{per['cn']}**" in text and f"the EU **{per['eu']}**" in text
    assert f"**{len(m)}** 条里程碑" in happened_texts(zh["compare"])[0]


def test_aml_tab_quotes_the_days_reports(en, zh):
    s = aml.simulate_day(60, 0.10, 2017, "cn").summary()
    text = happened_texts(en["aml"])[0]
    assert f"**{s['n_tx']}** transactions" in text
    assert f"gives **{s['daily_reports']}** large-value reports" in text
    assert f"Of **{s['structurers']}** structurers, the daily sum catches **{s['caught_daily']}**" in text
    assert "catches **0**" in text
    assert f"¥{s['total'] / 100:,.0f}" in text
    assert f"**{s['daily_reports']}** 份大额交易报告" in happened_texts(zh["aml"])[0]


def test_switching_to_the_us_ctr_and_no_structurers():
    at = open_tab("aml")
    at.radio(key="aml_regime").set_value("us")
    at.slider(key="ash").set_value(0).run()
    s = aml.simulate_day(60, 0.0, 2017, "us").summary()
    text = happened_texts(at)[0]
    assert "United States (CTR, $)" in text and f"${s['total'] / 100:,.0f}" in text
    assert "Of **0** structurers" in text
    sar = [m.value for m in at.markdown if "Suspicious Activity Reports" in m.value]
    assert sar and f"**{s['flagged']}** flagged customers, **{s['suspicious_reports']}** involve" in sar[0]
    assert not error_texts(at)
    # the regime's label is translated, so the page writes its id to the URL itself; the share is bound by
    # Streamlit (the browser writes ?ash=), and that link opens the same day
    assert at.query_params["areg"] in ("us", ["us"])
    assert at.slider(key="ash").proto.query_param_key == "ash"
    assert happened_texts(open_tab("aml", params={"areg": "us", "ash": 0}))[0] == text


def test_sandbox_tab_labels_real_and_simulated(en):
    s = reg.sandbox_summary(reg.simulate_sandbox(reg.SandboxParams()))
    text = happened_texts(en["sandbox"])[0]
    assert f"Of **{s['applications']}** applications, **{s['accepted']}** were accepted and **{s['tested']}** tested" in text
    assert f"**{s['sandbox_exposed']:,}** with the sandbox" in text and f"**{s['full_exposed']:,}** if every" in text
    assert "simulated" in text


def test_sandbox_link_sets_the_select_sliders_by_their_values():
    at = open_tab("sandbox", params={"scap": 5000, "slaunch": 200000, "sapp": 120})
    p = reg.SandboxParams(applications=120, cap=5000, launch_per_month=200000)
    s = reg.sandbox_summary(reg.simulate_sandbox(p))
    assert at.select_slider(key="scap").value == 5000 and at.select_slider(key="slaunch").value == 200000
    assert f"Of **{s['applications']}** applications" in happened_texts(at)[0] and s["applications"] == 120
    assert f"**{s['full_exposed']:,}** if every" in happened_texts(at)[0]


def test_gdpr_ceiling_follows_the_turnover():
    at = open_tab("privacy", params={"gto": 2000})
    metric = [m for m in at.metric if m.label == "GDPR maximum fine"][0]
    assert metric.value == f"€{reg.gdpr_max_fine(2_000_000_000):,}" == "€80,000,000"
    at.radio(key="pv_tier").set_value("gdpr_83_4").run()
    metric = [m for m in at.metric if m.label == "GDPR maximum fine"][0]
    assert metric.value == "€40,000,000"
    assert at.query_params["gtier"] in ("gdpr_83_4", ["gdpr_83_4"])
    pipl = {m.label: m.value for m in at.metric if "RMB" in m.label or "turnover" in m.label}
    assert pipl["Ceiling: RMB 50 million"] == "¥50,000,000" and pipl["Ceiling: 5 % of turnover"] == "¥100,000,000"


def test_pseudonymisation_tab_quotes_the_attacks(en, zh):
    e = privacy.privacy_experiment(60, 7, 0.5, 3, 10)
    c = e["counts"]
    text = happened_texts(en["privacy"])[1]
    assert f"attacker knows {e['known']}" in text and f"all **{e['n']}** pseudonyms" in text
    assert f"finds **{c['hmac_secret']}**" in text and f"finds **{c['hmac_leaked']}** again" in text
    assert f"single out **{c['quasi']}** people" in text and f"re-identifies **{c['anonymous']}**" in text
    assert f"认出了 **{c['sha256']}** 人" in happened_texts(zh["privacy"])[1]


def test_crypto_self_check_keeps_its_answer_key_until_revealed():
    """Regulation ⑤: before the student reveals the key, no verdict heat map (its framed date column is the key),
    no counts of illegal / licensed activities and no answer-key download."""
    at = open_tab("crypto", params={"on": "2024-12-30"})
    assert not at.get("plotly_chart") and "dl_cr" not in [b.key for b in at.get("download_button")]
    text = happened_texts(at)[0]
    assert "you have answered **0** of 6 lines" in text and "illegal" not in text
    at.toggle(key="cr_reveal_offshore_exchange").set_value(True).run()
    assert len(at.get("plotly_chart")) == 1 and "illegal" in happened_texts(at)[-1]


def test_crypto_checklist_is_graded_against_the_rule_table():
    at = open_tab("crypto", params={"on": "2024-12-30"})
    at.selectbox(key="cr_ans_offshore_exchange_exchange_cn_en").set_value("Illegal")
    at.selectbox(key="cr_ans_offshore_exchange_exchange_eu_en").set_value("Illegal")
    at.toggle(key="cr_reveal_offshore_exchange").set_value(True).run()
    assert "You answered 2 of 6 lines, **1** of them matching" in happened_texts(at)[-1]
    table = at.dataframe[-1].value
    assert list(table["Match"])[:2] == ["✓", "✗"]
    assert "Illegal" in list(table["Rule table says"]) and "Allowed only with authorisation / under the regime" in list(
        table["Rule table says"])
    at.select_slider(key="on").set_value("2013-01-01").run()
    assert "In China **0** of them are illegal" in happened_texts(at)[-1]


def test_url_opens_the_prepared_scenario():
    # one link carries the scenario of two tabs; each tab uses its part when it is opened
    at = open_tab("aml", "zh", params={"an": 120, "ash": 20, "aseed": 7, "areg": "cn", "gto": 2000})
    s = aml.simulate_day(120, 0.20, 7, "cn").summary()
    assert f"**{s['n_tx']}** 笔交易" in happened_texts(at)[0]
    switch_tab(at, "privacy")
    assert "€80.0 百万" in happened_texts(at)[0]
    assert not error_texts(at)


def test_compare_filter_by_years_changes_the_story(en):
    m = reg.filter_milestones(reg.load_milestones(), reg.JURISDICTIONS, reg.AREAS, 2023, 2026)
    per = m["jurisdiction"].value_counts()
    assert per["eu"] > per["cn"]
    for years in (["2023", "2026"], ["2026", "2023"]):          # a hand-written link may reverse the two years
        at = open_link("en", {"cyears": years})
        assert sorted(at.slider(key="cyears").value) == [2023, 2026] and not error_texts(at)
        text = happened_texts(at)[0]
        assert f"**{len(m)}** milestones: China **{per['cn']}**, the US **{per['us']}**, the EU **{per['eu']}**" in text
        assert "China's count is the largest" not in text
    assert "China's count is the largest" in happened_texts(en["compare"])[0]


BAD_LINKS = {   # every bound control of a tab given a value it cannot take: the tab opens with its defaults
    "compare": {"cyears": "inf"},
    "aml": {"an": "inf", "ash": "abc", "aseed": "1e309"},
    "sandbox": {"sapp": "1e309", "sacc": "-inf", "stst": "nan", "scap": "1,000", "smon": "0", "sflaw": "81",
                "sshow": "inf", "slaunch": "7", "sseed": "9" * 309},
    "privacy": {"gto": "-inf", "pto": "1e309", "pn": "abc", "psh": "5", "pk": "11", "pw": "3", "pseed": "inf"},
    "crypto": {"on": "2099-01-01"},
    "regulators": {"ryear": "2099", "ract": "astronaut"},
}


@pytest.mark.parametrize("name", TABS)
def test_a_bad_link_opens_the_tab_with_its_defaults(name, en):
    at = open_tab(name, params=BAD_LINKS[name])
    assert not at.exception, [e.value for e in at.exception]
    assert not error_texts(at)
    assert happened_texts(at) == happened_texts(en[name])


def test_controls_keep_their_values_when_the_student_comes_back():
    at = open_tab("compare")
    at.multiselect(key="cmp_jur").set_value(["cn"]).run()
    switch_tab(at, "aml")
    assert not at.multiselect                                   # the compare tab did not run
    at.slider(key="an").set_value(120)
    at.number_input(key="aseed").set_value(7).run()
    switch_tab(at, "sandbox")
    switch_tab(at, "aml")
    assert at.slider(key="an").value == 120 and at.number_input(key="aseed").value == 7
    s = aml.simulate_day(120, 0.10, 7, "cn").summary()
    assert f"**{s['n_tx']}** transactions" in happened_texts(at)[0]
    switch_tab(at, "compare")
    assert at.multiselect(key="cmp_jur").value == ["cn"]
    # the summary download at the end lists the numbers of every tab opened, each from its own run
    kept = {name: entry["figures"] for name, entry in at.session_state["_figures_regulation"].items()}
    assert set(kept) == {"compare", "aml", "sandbox"}
    assert kept["aml"]["aml_n_tx"] == s["n_tx"] and kept["aml"]["aml_n_customers"] == 120
    shown = reg.filter_milestones(reg.load_milestones(), ["cn"], reg.AREAS, 1900, 2100)
    assert kept["compare"]["milestones_shown"] == len(shown)
    assert kept["sandbox"]["sandbox_applications"] == reg.SandboxParams().applications


def test_presenter_mode_folds_the_explanations():
    explanations = 0
    for name in TABS:
        at = open_tab(name, params={"present": 1})
        labels = [e.label for e in at.expander]
        assert labels.count("Explanation") >= 2 and not error_texts(at)   # the page's intro and the tab's
        explanations += labels.count("Explanation") - 1
        assert len(happened_texts(at)) == HAPPENED[name]
    assert explanations + 1 == 8        # the page intro, one per tab, and the pseudonymisation intro


def test_regulators_answer_in_chinese_has_no_literal_markup():
    """A bold name ending in a full-width bracket right before a Chinese character is not closed by Markdown
    (CommonMark's flanking rule): the page showed '当时由**国家金融监督管理总局（金融监管总局）**决定'."""
    text = happened_texts(open_tab("regulators", "zh"))[0]
    assert "由 **" in text and not re.search(r"[）」”]\*\*[\u4e00-\u9fff]", text)


def test_compare_summary_waits_for_the_replays_end():
    """Regulation ①: the comparison of all milestones is the replay's summary, folded (and named so) until the
    player reaches the last milestone."""
    at = open_tab("compare")
    summary = [e for e in at.expander if "replay's summary" in e.label]
    assert len(summary) == 1 and not summary[0].proto.expanded
    at.button(key="cmp_player_last").click().run()
    summary = [e for e in at.expander if "replay's summary" in e.label]
    assert summary[0].proto.expanded
