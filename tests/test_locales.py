"""The two languages have identical keys, quiz answers agree, and every message formats."""
import re
import tomllib

import pytest

from ui import i18n


def _flat(lang):
    return i18n.catalog(lang)


def test_same_keys_in_both_languages():
    zh, en = set(_flat("zh")), set(_flat("en"))
    assert zh - en == set(), f"only in Chinese: {sorted(zh - en)[:20]}"
    assert en - zh == set(), f"only in English: {sorted(en - zh)[:20]}"


def test_each_page_file_has_its_partner():
    zh = {p.name.replace(".zh.toml", "") for p in i18n.LOCALE_DIR.glob("*.zh.toml")}
    en = {p.name.replace(".en.toml", "") for p in i18n.LOCALE_DIR.glob("*.en.toml")}
    assert zh == en


def test_files_parse():
    for path in i18n.LOCALE_DIR.glob("*.toml"):
        with path.open("rb") as handle:
            tomllib.load(handle)


def test_values_have_same_shape_and_placeholders():
    zh, en = _flat("zh"), _flat("en")
    field = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)")
    for key in en:
        assert type(en[key]) is type(zh[key]), key
        if isinstance(en[key], str):
            # a field may pick the reader's language from bilingual data: title_en ↔ title_zh
            norm = lambda names, suffix: {n[: -len(suffix)] + "_LANG" if n.endswith(suffix) else n for n in names}
            assert norm(field.findall(en[key]), "_en") == norm(field.findall(zh[key]), "_zh"), key
            assert en[key].strip() and zh[key].strip(), f"empty message {key}"
        if isinstance(en[key], list):
            assert len(en[key]) == len(zh[key]), key
        if key.endswith(".answer"):
            assert en[key] == zh[key], f"quiz answer differs between languages: {key}"


def test_chinese_catalogue_is_chinese():
    zh = _flat("zh")
    han = re.compile(r"[\u4e00-\u9fff]")
    texts = [v for v in zh.values() if isinstance(v, str) and len(v) > 12]
    with_han = [v for v in texts if han.search(v)]
    assert len(with_han) / len(texts) > 0.9


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_formats(lang):
    assert i18n.format_money(123456, lang) == "¥1,234.56"
    assert i18n.format_money(-5, lang) == "−¥0.05"
    assert i18n.format_pct(0.1234, lang) == "12.3%"
    assert i18n.format_num(1234567.891, lang, 2) == "1,234,567.89"


def test_big_numbers_per_language():
    assert i18n.format_big(123_456_789, "zh") == "1.23 亿"
    assert i18n.format_big(56_000, "zh") == "5.60 万"
    assert i18n.format_big(123_456_789, "en") == "123 million"
    assert i18n.format_big(1.03e12, "en") == "1.03 trillion"


def test_translate_formats_and_reports_missing():
    i18n.MISSING.clear()
    assert i18n.translate("en", "errors.insufficient_funds", account="alice", balance_fen=500, amount_fen=1000) == (
        "Refused: “alice” holds ¥5.00 and cannot pay ¥10.00. Nothing was posted.")
    assert i18n.translate("en", "no.such.key") == "no.such.key"
    assert "en:no.such.key" in i18n.MISSING


def test_normalize_lang():
    assert i18n.normalize_lang("zh-CN") == "zh"
    assert i18n.normalize_lang("en_US") == "en"
    assert i18n.normalize_lang("fr") is None
    assert i18n.normalize_lang(None) is None
