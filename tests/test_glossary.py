"""The glossary (data/glossary.toml): ≥150 unique bilingual terms, each linked to a tab that exists and used by the
pages; the glossary page searches in either language."""
from __future__ import annotations

import collections

import pytest

from core import glossary, lessons
from tests.apptest import error_texts, raw_keys_on_screen, run_page
from ui.i18n import LANGS, catalog

TERMS = glossary.terms()


def test_at_least_150_terms():
    assert len(TERMS) >= 150


def test_terms_are_unique_in_both_languages():
    for lang in LANGS:
        counts = collections.Counter(glossary.fold(t.name(lang)) for t in TERMS)
        assert not [name for name, n in counts.items() if n > 1]


def test_every_term_is_bilingual_and_its_tab_exists():
    for t in TERMS:
        assert t.zh and t.en and t.def_zh and t.def_en, t
        assert lessons.tab_exists(t.page, t.tab), (t.zh, t.page, t.tab)
        assert t.def_zh.endswith("。") and not t.def_en.endswith("。"), t.zh   # full-width stop in Chinese only


def test_the_issue_terms_are_in():
    names = {t.zh for t in TERMS}
    for needed in ("备付金", "网联", "资金存管", "等额本息", "风险准备金", "工作量证明", "默克尔树", "双重支付", "智能合约",
                   "监管沙盒", "反洗钱", "大额交易报告"):
        assert needed in names


def test_terms_are_the_pages_terms():
    """Every term appears in the app's own texts (Chinese name in the Chinese texts or English name in the
    English ones), and nearly all on the very page that teaches them."""
    text = {lang: " ".join(str(v) for v in catalog(lang).values()).casefold() for lang in LANGS}
    on_page = 0
    for t in TERMS:
        assert t.zh.casefold() in text["zh"] or t.en.casefold() in text["en"], (t.zh, t.en)
        prefix = "home." if t.page == "home" else f"{t.page}."
        page_text = {lang: " ".join(str(v) for k, v in catalog(lang).items() if k.startswith(prefix)).casefold()
                     for lang in LANGS}
        on_page += t.zh.casefold() in page_text["zh"] or t.en.casefold() in page_text["en"]
    assert on_page >= 0.95 * len(TERMS)


def test_search_both_languages():
    assert [t.zh for t in glossary.search("备付金")][:1] == ["备付金"]
    assert [t.en for t in glossary.search("customer reserve")][:1] == ["customer reserve"]
    assert "默克尔树" in [t.zh for t in glossary.search("ＭＥＲＫＬＥ tree")]    # full-width input folds
    assert glossary.search("zzzz-not-a-term") == []
    assert len(glossary.search("", page="lending")) == sum(t.page == "lending" for t in TERMS)
    assert glossary.search("x" * 500) == []                                    # long input is cut, no error


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("query", ["", "备付金", "merkle", "zzzz"])
def test_glossary_page(query, lang):
    at = run_page("pages/9_glossary.py", lang, {"q": query} if query else {})
    assert not at.exception, [e.value for e in at.exception]
    assert not error_texts(at)
    assert not raw_keys_on_screen(at, lang)
    if query == "备付金":
        assert any("备付金" in str(m.value) for m in at.markdown)


# ------------------------------------------------------------------ ui.quiz: shuffled per session, revisit advice
def _quiz_run(seed: int, lang: str = "en"):
    from streamlit.testing.v1 import AppTest
    from tests.apptest import APP, TIMEOUT
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.session_state["_quiz_seed"] = seed
    at.run()
    at.query_params["tab"] = "hash"
    at.switch_page("pages/4_blockchain.py")
    at.run()
    return at


def test_quiz_options_are_shuffled_per_session_and_score_shows_tabs_to_revisit():
    import random
    c = catalog("en")
    at = _quiz_run(seed=1)
    radios = [r for r in at.radio if r.key and r.key.startswith("quiz_blockchain_")]
    assert len(radios) == 7
    positions = []
    for r in radios:
        qid = r.key.removeprefix("quiz_blockchain_")
        options = list(c[f"blockchain.quiz.{qid}.options"])
        order = list(range(len(options)))
        random.Random(f"1:blockchain:{qid}").shuffle(order)
        assert list(r.options) == [options[i] for i in order]          # the session's seeded order
        positions.append(order.index(int(c[f"blockchain.quiz.{qid}.answer"])))
    assert len(set(positions)) > 1                                       # the right answer moves around
    for r in radios:                                                     # answer every question wrong
        qid = r.key.removeprefix("quiz_blockchain_")
        answer = int(c[f"blockchain.quiz.{qid}.answer"])
        r.set_value(next(i for i in range(len(c[f"blockchain.quiz.{qid}.options"])) if i != answer))
    at.run()
    assert not at.exception
    assert any("7" in str(w.value) for w in at.warning)
    labels = [p.proto.label for p in at.get("page_link")]
    assert c["blockchain.tab.merkle"] in labels or c["blockchain.tab.mining"] in labels
    for r in [r for r in at.radio if r.key and r.key.startswith("quiz_blockchain_")]:   # now all right
        r.set_value(int(c[f"blockchain.quiz.{r.key.removeprefix('quiz_blockchain_')}.answer"]))
    at.run()
    assert any(c["glossary.quiz.all_right"] in str(i.value) for i in at.info)
