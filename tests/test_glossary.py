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
