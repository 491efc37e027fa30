"""AppTest of the blockchain-in-finance page: each tab runs alone, quotes this run's numbers computed by core,
in both languages, and bad input shows a translated message while the rest of the page goes on."""
import json

import pytest

from core import contracts, credit, defi, microfinance
from tests.apptest import error_texts, happened_texts, raw_keys_on_screen, run_page
from ui import i18n
from ui.i18n import format_money, format_pct

PAGE = "pages/6_blockchain_finance.py"
TABS = ["loan", "escrow", "tokens", "defi", "reserves", "micro", "today"]


def open_tab(name: str, lang: str = "en", params: dict | None = None):
    at = run_page(PAGE, lang, params={**(params or {}), "tab": name})
    label = i18n.catalog(lang)[f"bcfinance.tab.{name}"]
    if [t.label for t in at.tabs if t.label and len(t.children) > 0] != [label]:
        at.query_params["tab"] = name
        at.run()
    assert [t.label for t in at.tabs if t.label and len(t.children) > 0] == [label]
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("tab", TABS)
def test_each_tab_runs_clean_and_explains_itself(tab, lang):
    at = open_tab(tab, lang)
    assert not error_texts(at), error_texts(at)
    assert not raw_keys_on_screen(at, lang)
    assert happened_texts(at), "every tab has a 'what just happened' box"


def test_loan_tab_quotes_this_runs_contract():
    at = open_tab("loan", "en", {"row": 1, "cut": 520, "amt": 10_000, "rate": 12, "mon": 12, "coll": 80, "dm": 5,
                                 "drop": 30})
    card = credit.fit_scorecard()
    score = float(card.score_rows(credit.load_german_credit().iloc[[0]])[0])
    run = contracts.loan_contract(round(score, 2), 520, 1_000_000, 0.12, 12, "installment", 0.8, 5, 0.3)
    summary = contracts.loan_summary(run, 1_000_000)
    text = happened_texts(at)[0]
    assert summary["state"] == "liquidated"
    assert format_money(summary["lender_net_fen"], "en") in text
    assert format_money(summary["loss_fen"], "en") in text
    assert f"{summary['blocks']} blocks" in text


def test_escrow_dispute_path_in_chinese():
    at = open_tab("escrow", "zh")
    at.radio(key="bcf_path").set_value("dispute_buyer").run()
    text = happened_texts(at)[0]
    assert "已退还买方" in text and format_money(200_000, "zh") in text


def test_tokens_over_issue_is_refused_with_a_translated_message():
    at = open_tab("tokens", "en", {"ntok": 100, "ann": 50, "bo": 40, "chen": 20})
    errors = error_texts(at)
    assert any("only 100 of 100 are available" in e and "unchanged" in e for e in errors), errors
    assert not at.exception


def test_defi_swap_bigger_than_pool_is_refused_and_rest_of_tab_runs():
    at = open_tab("defi", "zh", {"whale": 150})
    errors = error_texts(at)
    assert any("大于资金池储备" in e for e in errors), errors
    assert not at.exception
    # the impermanent-loss and lending-pool parts still ran
    texts = happened_texts(at)
    assert any(format_pct(defi.impermanent_loss(2.0), "zh", 2) in t for t in texts)


def test_defi_pool_ltv_above_threshold_is_refused():
    at = open_tab("defi", "en", {"ltv": 90, "lt": 80})
    assert any("must be positive and not above the liquidation threshold" in e for e in error_texts(at))
    assert not at.exception


def test_reserves_removed_customer_is_caught_and_proof_checks_by_hand():
    at = open_tab("reserves", "en")
    at.radio(key="bcf_pol").set_value("removed").run()
    audit = contracts.reserves_audit(contracts.customer_balances(8, 1),
                                     int(sum(contracts.customer_balances(8, 1).values()) * 0.9), "removed")
    text = happened_texts(at)[0]
    assert f"Caught by: {audit['target']}" in text
    assert format_money(audit["hidden"], "en") in text
    # a student pastes a malformed proof: translated message, no traceback
    at = open_tab("reserves", "en")
    at.text_area(key="bcf_paste").input('{"oops": 1}').run()
    assert any("This proof is malformed" in e for e in error_texts(at))
    assert not at.exception
    # ... and her real proof
    audit = contracts.reserves_audit(contracts.customer_balances(8, 1),
                                     int(sum(contracts.customer_balances(8, 1).values()) * 0.9), "honest")
    me = audit["target"]
    proof = audit["tree"].proof(me)
    at.text_area(key="bcf_paste").input(json.dumps(proof)).run()
    assert any("is included under the published root" in s.value for s in at.success)


def test_micro_tab_quotes_core():
    at = open_tab("micro", "en")
    res = microfinance.group_lending(n=200, group=5, p=0.9, shock=0.1, cover=1, seed=7)
    text = happened_texts(at)[0]
    assert format_pct(res["joint_rate"], "en") in text and format_money(res["carried_fen"], "en") in text


def test_chinese_bold_closes():
    """A closing ** right after full-width punctuation and before a CJK character is shown literally by CommonMark
    (it is not right-flanking): every bold span of the page's Chinese text must close."""
    import re
    import unicodedata

    def punct(c):
        return unicodedata.category(c)[0] in "PS"

    for key, value in i18n.catalog("zh").items():
        if not key.startswith("bcfinance.") or not isinstance(value, str):
            continue
        text = re.sub(r"\{[^{}]*\}", "值", value)
        runs = list(re.finditer(r"(?<!\*)\*\*(?!\*)", text))
        for k, m in enumerate(runs):
            a = text[m.start() - 1] if m.start() else " "
            b = text[m.end()] if m.end() < len(text) else " "
            if k % 2:
                assert not a.isspace() and (not punct(a) or b.isspace() or punct(b)), (key, text[m.start() - 8:m.end() + 8])
            else:
                assert not b.isspace() and (not punct(b) or a.isspace() or punct(a)), (key, text[m.start() - 8:m.end() + 8])
