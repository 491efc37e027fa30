"""Regulators (issue 14, item 5): the sourced table, the question → decider → rule answers, bad input, the tab."""
from datetime import date

import pytest

from core import regulators as rg
from core.errors import InputError
from tests.apptest import happened_texts, raw_keys_on_screen, run_page
from ui import i18n


def test_nfra_row_has_its_founding_date_and_a_public_source():
    regs = rg.load_regulators()
    nfra = regs.loc["nfra"]
    assert nfra["founded"] == "2023-05-18"
    assert nfra["source"].count("https://") >= 1 and "gov.cn" in nfra["source"]
    assert nfra["source_date"] == "2023-05-18"
    # it replaced the CBIRC, which ended that day and names it as successor
    assert regs.loc["cbirc", "ended"] == "2023-05-18" and regs.loc["cbirc", "successor"] == "nfra"
    assert regs.loc["cbirc", "founded"] == "2018-04-08"


def test_every_regulator_and_question_has_a_source_with_a_url():
    for table in (rg.load_regulators(), rg.load_queries(), rg.load_spells()):
        assert all("http" in s for s in table["source"]), table.columns.tolist()


@pytest.mark.parametrize("query", list(rg.load_queries().index))
def test_every_question_has_a_decider_a_rule_and_an_outcome(query):
    row = rg.load_queries().loc[query]
    assert row["rule_zh"].strip() and row["rule_en"].strip()
    date.fromisoformat(row["rule_date"])
    answer = rg.ask(query)
    assert answer.decider and answer.decider in rg.load_regulators().index
    assert answer.decider_today == answer.decider  # asked today
    assert answer.in_force and answer.outcome in rg.OUTCOMES
    assert rg.in_office(answer.decider_today, rg.TODAY)


def test_every_actor_has_questions():
    assert {a: len(rg.actions(a)) >= 3 for a in rg.ACTORS} == {a: True for a in rg.ACTORS}


def test_unknown_question_raises_input_error():
    with pytest.raises(InputError) as err:
        rg.ask("run_a_bank_in_the_metaverse")
    assert err.value.key == "regulators_unknown_query"
    with pytest.raises(InputError):
        rg.actions("astronaut")
    with pytest.raises(InputError):
        rg.supervisor_on("p2p", date(2005, 1, 1))


def test_successor_chain_and_authority_over_time():
    assert rg.successor_chain("cbrc") == ["cbrc", "cbirc", "nfra"]
    assert rg.authority_on("cbrc", date(2017, 1, 1)) == "cbrc"
    assert rg.authority_on("cbrc", date(2018, 4, 8)) == "cbirc"
    assert rg.authority_on("cbrc", date(2023, 5, 17)) == "cbirc"
    assert rg.authority_on("cbrc", date(2023, 5, 18)) == "nfra"
    assert rg.authority_on("pboc", date(2012, 1, 1)) == "pboc"


def test_answers_change_with_the_date_asked():
    before = rg.ask("p2p_pool", date(2015, 12, 31))
    assert (before.in_force, before.outcome, before.decider, before.area_status) == (False, "no_rule_yet", "cbrc",
                                                                                     "supervised")
    early = rg.ask("p2p_pool", date(2014, 12, 31))
    assert (early.decider, early.area_status) == ("", "none")       # nobody was in charge of P2P yet
    then = rg.ask("p2p_pool", date(2017, 12, 31))
    assert (then.outcome, then.decider, then.co_deciders) == ("forbidden", "cbrc", ("local",))
    assert rg.ask("p2p_pool", date(2019, 12, 31)).decider == "cbirc"
    assert rg.ask("p2p_pool").decider == "nfra"
    assert rg.ask("crypto_exchange", date(2020, 12, 31)).outcome == "no_rule_yet"
    assert rg.ask("crypto_exchange").outcome == "forbidden"
    assert rg.ask("pay_direct", date(2018, 12, 31)).decider == "pboc"


def test_p2p_hand_overs_and_today_matrix():
    assert rg.supervision_changes("p2p") == [("2015-07-18", "", "cbrc"), ("2018-04-08", "cbrc", "cbirc"),
                                             ("2020-11-15", "cbirc", "cbirc"), ("2023-05-18", "cbirc", "nfra")]
    today = rg.today_matrix().set_index("area")
    assert today.loc["payments", "regulator"] == "pboc"
    assert today.loc["insurance", "regulator"] == "nfra"
    assert today.loc["funds", "regulator"] == "csrc"
    assert today.loc["crypto", "status"] == "banned"
    assert today.loc["p2p", "status"] == "cleared"
    # every spell's supervisor existed during the spell
    for s in rg.load_spells().itertuples():
        if s.regulator:
            assert rg.in_office(s.regulator, s.start_date), (s.area, s.regulator, s.start)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regulators_tab_opens_and_quotes_its_answer(lang):
    at = run_page("pages/5_regulation.py", lang, params={"tab": "regulators", "ract": "payment",
                                                        "rq": "pay_direct", "ryear": "2018"})
    assert not at.exception and not at.error
    assert raw_keys_on_screen(at, lang) == []
    text = " ".join(happened_texts(at))
    assert "2018-12-31" in text and "2018-06-30" in text
    label = i18n.catalog(lang)["regulation.regulators.outcome.forbidden"]
    assert label in text


def test_unknown_question_in_the_link_is_explained_and_the_view_stays():
    at = run_page("pages/5_regulation.py", "en", params={"tab": "regulators", "rq": "nonsense"})
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.translate("en", "errors.regulators_unknown_query", query="nonsense")]
    assert happened_texts(at), "the default question is still answered"
