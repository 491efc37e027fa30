"""AppTest checks of the P2P lending page: values on screen come from core, bad input is explained.

Only the open tab runs (issue 8): a test of a later tab opens it with ``?tab=<name>``.
"""
from __future__ import annotations

import pytest

from core import credit, lending, p2p
from tests.apptest import error_texts, happened_texts, raw_keys_on_screen, run_page
from ui import i18n

PAGE = "pages/2_lending.py"
TABS = ["score", "match", "repay", "risk", "fail", "disclose"]


def metric(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def shown_tabs(at) -> list[str]:
    """Labels of the tabs that ran (the others are drawn empty)."""
    return [t.label for t in at.tabs if t.label and len(t.children) > 0]


def open_tab(name: str, lang: str = "en", params: dict | None = None):
    """The page with tab ``name`` open, from a link ``?tab=<name>&...``."""
    at = run_page(PAGE, lang, params={**(params or {}), "tab": name})
    assert shown_tabs(at) == [i18n.catalog(lang)[f"lending.tab.{name}"]], shown_tabs(at)   # only that tab ran
    return at


@pytest.fixture(scope="module")
def en():
    return run_page(PAGE, "en")


def test_page_runs_and_scores_with_core_values(en):
    assert not en.exception and not error_texts(en)
    assert not raw_keys_on_screen(en, "en")
    assert shown_tabs(en) == ["① Credit assessment"]       # only the first tab ran
    card = credit.fit_scorecard(seed=42)
    data = credit.load_german_credit()
    expected = card.score_rows(data.iloc[[0]])[0]
    assert metric(en, "Score") == [f"{expected:,.0f}"]
    auc = credit.auc(card.test_score, card.test_bad)
    assert any(f"AUC {auc:.3f}" in str(s.value) for s in en.success)
    assert metric(en, "First payment") == []               # the schedules tab did not run


def test_schedules_tab_shows_the_published_example():
    at = open_tab("repay")
    assert not at.exception and not error_texts(at)
    assert not raw_keys_on_screen(at, "en")
    # the published example is the default scenario
    assert metric(at, "First payment") == ["¥1,055.77", "¥1,241.67"]
    assert metric(at, "Score") == []                       # the scoring tab did not run


def test_loading_another_applicant(en):
    en.number_input(key="lend_row").set_value(2)
    en.button(key="lend_load").click().run()
    card = credit.fit_scorecard(seed=42)
    data = credit.load_german_credit()
    assert metric(en, "Score") == [f"{card.score_rows(data.iloc[[1]])[0]:,.0f}"]


@pytest.fixture(scope="module")
def zh():
    return run_page(PAGE, "zh")


def test_chinese_page_has_no_raw_keys(zh):
    assert not zh.exception and not raw_keys_on_screen(zh, "zh")
    assert metric(zh, "信用等级")


def test_chinese_page_explains_zero_months():
    at = open_tab("repay", "zh")
    assert not at.exception and not raw_keys_on_screen(at, "zh")
    assert metric(at, "首月还款") == ["¥1,055.77", "¥1,241.67"]
    at.number_input(key="n").set_value(0).run()
    assert any("借款期数必须是" in e for e in error_texts(at)), error_texts(at)
    assert not at.exception
    assert metric(at, "首月还款") == ["¥1,055.77", "¥1,241.67"]     # last valid schedule kept


def test_bad_loan_terms_are_explained_in_english():
    at = open_tab("repay")
    at.number_input(key="n").set_value(0).run()
    assert any("whole number of months" in e for e in error_texts(at))
    assert metric(at, "First payment") == ["¥1,055.77", "¥1,241.67"]          # nothing recomputed from garbage
    at.number_input(key="n").set_value(120)
    at.number_input(key="r").set_value(500.0).run()
    assert any("typing error" in e for e in error_texts(at))
    at.number_input(key="r").set_value(4.9)
    at.number_input(key="p").set_value(0.0).run()
    assert any("principal must be more than" in e for e in error_texts(at))


def test_scenario_from_the_url():
    at = open_tab("repay", params={"p": 12000, "r": 12, "n": 12, "up": 0, "mf": 0})
    s = lending.equal_installment_schedule(12000.0, 0.12, 12)
    assert metric(at, "First payment")[0] == f"¥{s['payment'].iloc[0]:,.2f}"
    assert metric(at, "True annual cost (EAR)")[0] == f"{((1 + 0.01) ** 12 - 1) * 100:.2f}%"


BAD_VALUES = ["99999", "-1", "abc", "", "nan", "inf", "-inf", "1e309", "9" * 309]


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_a_bad_value_in_the_link_falls_back_to_the_default(bad):
    at = open_tab("repay", params={"n": bad, "r": bad})
    assert not at.exception and not error_texts(at)
    assert (at.number_input(key="n").value, at.number_input(key="r").value) == (120, 4.9)
    assert metric(at, "First payment") == ["¥1,055.77", "¥1,241.67"]


def test_bad_seeds_in_the_link_fall_back_to_the_default_fit():
    for bad in BAD_VALUES:
        at = run_page(PAGE, "en", params={"seed": bad, "base": bad, "cut": bad})
        assert not at.exception and not error_texts(at), bad
        assert (at.number_input(key="seed").value, at.number_input(key="base").value) == (42, 600), bad


def test_matching_player_reaches_the_summary():
    at = open_tab("match")
    at.button(key="lend_match_player_last").click().run()
    assert any("Done:" in str(i.value) for i in at.info)


def test_matching_scenario_from_the_url():
    # ?note= and ?cap= are shown as money, so they stay on ui.url_value; the others are bound widgets
    at = open_tab("match", params={"mseed": 3, "loans": 5, "investors": 12, "note": 2000, "cap": 5000})
    assert not at.exception and not error_texts(at)
    assert at.number_input(key="mseed").value == 3
    assert (at.slider(key="loans").value, at.slider(key="investors").value) == (5, 12)
    assert (at.select_slider(key="lend_note").value, at.select_slider(key="lend_cap").value) == (2000, 5000)
    loans, investors = p2p.make_market(3, 5, 12)
    done = p2p.match_investors(loans, investors, note=2000, max_per_loan=5000)[-1].params
    happened = [t for t in happened_texts(at) if "fully funded" in t]
    assert len(happened) == 1, happened_texts(at)
    assert f"{done['full']} of 5 loans were fully funded, {done['partial']} partly and {done['none']} not at all" \
        in happened[0]


def test_portfolio_risk_from_the_url_matches_core():
    at = open_tab("risk", params={"mcloans": 1000, "scen": 200, "rho": 0.2, "fee": 0.5})
    assert not at.exception and not error_texts(at)
    portfolio = p2p.make_portfolio(1000)
    mc = p2p.simulate_defaults(portfolio, 200, rho=0.2, shock=1.0, fee=0.005, seed=42)
    s = p2p.risk_summary(mc.portfolio_return(), p2p.diversification(mc))
    assert metric(at, "Mean return of the book") == [f"{s['mean'] * 100:.2f}%"]


def test_disclosure_month_from_the_url_matches_core():
    at = open_tab("disclose", params={"bseed": 5, "borrowers": 100, "month": 6})
    assert not at.exception and not error_texts(at)
    disc = p2p.disclosure(p2p.make_loan_book(5, 100, 12), 12)
    row = disc[disc["month"] == 6].iloc[0]
    assert metric(at, "Cumulative loans") == [f"{int(row['cum_loans']):,}"]


def test_controls_keep_their_values_across_tabs_and_the_summary_collects_opened_tabs():
    at = run_page(PAGE, "en")
    at.query_params["tab"] = "repay"
    at.run()
    at.number_input(key="r").set_value(6.0).run()
    at.query_params["tab"] = "risk"
    at.run()
    assert "r" not in [w.key for w in at.number_input]       # the schedules tab did not run
    at.query_params["tab"] = "repay"
    at.run()
    assert at.number_input(key="r").value == 6.0              # kept while its tab was hidden
    cost = lending.borrower_cost(100000.0, 0.06, 120, 0.03, 0.002, "installment")
    kept = {name: entry["figures"] for name, entry in at.session_state["_figures_lending"].items()}
    assert list(kept) == ["score", "repay", "risk"]           # the tabs opened, each with its latest figures
    assert kept["repay"]["installment_total_interest"] == cost["total_interest"]
    card = credit.fit_scorecard(seed=42)
    assert kept["score"]["test_auc"] == round(credit.auc(card.test_score, card.test_bad), 6)


def test_every_step_message_and_ledger_label_is_translated():
    from core import p2p
    from ui import i18n

    story = p2p.platform_story()
    loans, investors = p2p.make_market(7)
    match = p2p.match_investors(loans, investors)
    for lang in ("en", "zh"):
        cat = i18n.catalog(lang)
        for step in list(story) + list(match):
            assert step.key in cat
            text = i18n.translate(lang, step.key, **step.params)
            assert "{" not in text, text
        for step in story:
            for a, b, _, memo in step.state["now"]["pool_moves"] + step.state["now"]["cus_moves"]:
                assert f"lending.fail.acct.{a}" in cat and f"lending.fail.acct.{b}" in cat
                assert f"lending.fail.memo.{memo}" in cat


def test_cutoff_slider_matches_core():
    at = run_page(PAGE, "en", {"cut": 560})
    card = credit.fit_scorecard(seed=42)
    eff = credit.cutoff_effect(card.test_score, card.test_bad, 560)
    assert metric(at, "Approved") == [f"{eff['approval_rate'] * 100:.1f}%"]
    assert metric(at, "Bads turned away") == [f"{eff['bads_rejected'] * 100:.1f}%"]
    at.slider(key="cut").set_value(600).run()
    higher = credit.cutoff_effect(card.test_score, card.test_bad, 600)
    assert higher["approval_rate"] < eff["approval_rate"]
    assert metric(at, "Approved") == [f"{higher['approval_rate'] * 100:.1f}%"]


def test_a_new_fit_moves_the_cutoff_into_its_own_range():
    at = run_page(PAGE, "en")
    at.number_input(key="base").set_value(300).run()       # a new score scale: the old cut-off is out of range
    assert not at.exception and not error_texts(at)
    card = credit.fit_scorecard(seed=42, base_score=300)
    _, ks_cut = credit.ks_statistic(card.test_score, card.test_bad)
    cut = at.slider(key="cut")
    assert (cut.min, cut.max) == (int(card.test_score.min()), int(card.test_score.max()) + 1)
    assert cut.value == int(round(ks_cut))
    eff = credit.cutoff_effect(card.test_score, card.test_bad, cut.value)
    assert metric(at, "Approved") == [f"{eff['approval_rate'] * 100:.1f}%"]


@pytest.mark.parametrize("tab", TABS)
def test_a_plain_rerun_builds_no_chart(tab, monkeypatch):
    """Every chart comes from a shared ``@ui.figure`` builder (``ui.chart`` restyles any other figure), so a
    rerun that shows the same charts, the step players' included, builds and styles none."""
    from ui import widgets

    at = open_tab(tab)
    styled = []
    original = widgets.style_figure
    monkeypatch.setattr(widgets, "style_figure", lambda fig: styled.append(fig) or original(fig))
    at.run()
    assert not at.exception and not error_texts(at)
    assert at.get("plotly_chart")
    assert styled == []
