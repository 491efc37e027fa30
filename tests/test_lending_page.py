"""AppTest checks of the P2P lending page: values on screen come from core, bad input is explained."""
from __future__ import annotations

import pytest

from core import credit, lending
from tests.apptest import error_texts, raw_keys_on_screen, run_page

PAGE = "pages/2_lending.py"


def metric(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


@pytest.fixture(scope="module")
def en():
    return run_page(PAGE, "en")


def test_page_runs_and_scores_with_core_values(en):
    assert not en.exception and not error_texts(en)
    assert not raw_keys_on_screen(en, "en")
    card = credit.fit_scorecard(seed=42)
    data = credit.load_german_credit()
    expected = card.score_rows(data.iloc[[0]])[0]
    assert metric(en, "Score") == [f"{expected:,.0f}"]
    auc = credit.auc(card.test_score, card.test_bad)
    assert any(f"AUC {auc:.3f}" in str(s.value) for s in en.success)
    # schedules: the published example is the default scenario
    assert metric(en, "First payment") == ["¥1,055.77", "¥1,241.67"]


def test_loading_another_applicant(en):
    en.number_input(key="lend_row").set_value(2)
    en.button(key="lend_load").click().run()
    card = credit.fit_scorecard(seed=42)
    data = credit.load_german_credit()
    assert metric(en, "Score") == [f"{card.score_rows(data.iloc[[1]])[0]:,.0f}"]


@pytest.fixture(scope="module")
def zh():
    return run_page(PAGE, "zh")


def test_chinese_page_has_no_raw_keys_and_explains_zero_months(zh):
    assert not zh.exception and not raw_keys_on_screen(zh, "zh")
    assert metric(zh, "信用等级")
    zh.number_input(key="lend_n").set_value(0).run()
    assert any("借款期数必须是" in e for e in error_texts(zh)), error_texts(zh)
    assert not zh.exception
    assert metric(zh, "首月还款") == ["¥1,055.77", "¥1,241.67"]     # last valid schedule kept


def test_bad_loan_terms_are_explained_in_english():
    at = run_page(PAGE, "en")
    at.number_input(key="lend_n").set_value(0).run()
    assert any("whole number of months" in e for e in error_texts(at))
    assert metric(at, "First payment") == ["¥1,055.77", "¥1,241.67"]          # nothing recomputed from garbage
    at.number_input(key="lend_n").set_value(120)
    at.number_input(key="lend_r").set_value(500.0).run()
    assert any("typing error" in e for e in error_texts(at))
    at.number_input(key="lend_r").set_value(4.9)
    at.number_input(key="lend_p").set_value(0.0).run()
    assert any("principal must be more than" in e for e in error_texts(at))


def test_scenario_from_the_url():
    at = run_page(PAGE, "en", {"p": 12000, "r": 12, "n": 12, "up": 0, "mf": 0})
    s = lending.equal_installment_schedule(12000.0, 0.12, 12)
    assert metric(at, "First payment")[0] == f"¥{s['payment'].iloc[0]:,.2f}"
    assert metric(at, "True annual cost (EAR)")[0] == f"{((1 + 0.01) ** 12 - 1) * 100:.2f}%"


def test_matching_player_reaches_the_summary(en):
    en.button(key="lend_match_player_last").click().run()
    assert any("Done:" in str(i.value) for i in en.info)


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
    at.slider(key="lend_cut_42_600_50_20").set_value(600).run()
    higher = credit.cutoff_effect(card.test_score, card.test_bad, 600)
    assert higher["approval_rate"] < eff["approval_rate"]
    assert metric(at, "Approved") == [f"{higher['approval_rate'] * 100:.1f}%"]
