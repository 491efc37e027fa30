"""AppTest of the regulation page: each tab quotes numbers computed by core in this run, in both languages."""
import pytest

from core import aml, privacy, regulation as reg
from tests.apptest import error_texts, happened_texts, raw_keys_on_screen, run_page

PAGE = "pages/5_regulation.py"



@pytest.fixture(scope="module")
def en():
    return run_page(PAGE, "en")


@pytest.fixture(scope="module")
def zh():
    return run_page(PAGE, "zh")


def test_page_runs_clean_in_both_languages(en, zh):
    for at, lang in ((en, "en"), (zh, "zh")):
        assert not at.exception and not error_texts(at)
        assert raw_keys_on_screen(at, lang) == []
        assert len(happened_texts(at)) == 6          # compare, AML, sandbox, fine, pseudonymisation, crypto
        assert len(at.tabs) == 5


def test_compare_tab_counts_the_milestones(en, zh):
    m = reg.load_milestones()
    per = m["jurisdiction"].value_counts()
    text = happened_texts(en)[0]
    assert f"**{len(m)}** milestones" in text and f"China **{per['cn']}**" in text and f"the EU **{per['eu']}**" in text
    assert f"**{len(m)}** 条里程碑" in happened_texts(zh)[0]


def test_aml_tab_quotes_the_days_reports(en, zh):
    s = aml.simulate_day(60, 0.10, 2017, "cn").summary()
    text = happened_texts(en)[1]
    assert f"**{s['n_tx']}** transactions" in text
    assert f"gives **{s['daily_reports']}** large-value reports" in text
    assert f"Of **{s['structurers']}** structurers, the daily sum catches **{s['caught_daily']}**" in text
    assert "catches **0**" in text
    assert f"¥{s['total'] / 100:,.0f}" in text
    assert f"**{s['daily_reports']}** 份大额交易报告" in happened_texts(zh)[1]


def test_switching_to_the_us_ctr_and_no_structurers():
    at = run_page(PAGE, "en")
    at.radio(key="aml_regime").set_value("us")
    at.slider(key="aml_share").set_value(0).run()
    s = aml.simulate_day(60, 0.0, 2017, "us").summary()
    text = happened_texts(at)[1]
    assert "United States (CTR, $)" in text and f"${s['total'] / 100:,.0f}" in text
    assert "Of **0** structurers" in text
    sar = [m.value for m in at.markdown if "Suspicious Activity Reports" in m.value]
    assert sar and f"**{s['flagged']}** flagged customers, **{s['suspicious_reports']}** involve" in sar[0]
    assert at.query_params["areg"] in ("us", ["us"]) and at.query_params["ash"] in ("0", ["0"])
    assert not error_texts(at)


def test_sandbox_tab_labels_real_and_simulated(en):
    s = reg.sandbox_summary(reg.simulate_sandbox(reg.SandboxParams()))
    text = happened_texts(en)[2]
    assert f"Of **{s['applications']}** applications, **{s['accepted']}** were accepted and **{s['tested']}** tested" in text
    assert f"**{s['sandbox_exposed']:,}** with the sandbox" in text and f"**{s['full_exposed']:,}** if every" in text
    assert "simulated" in text


def test_gdpr_ceiling_follows_the_turnover():
    at = run_page(PAGE, "en", params={"gto": 2000})
    metric = [m for m in at.metric if m.label == "GDPR maximum fine"][0]
    assert metric.value == f"€{reg.gdpr_max_fine(2_000_000_000):,}" == "€80,000,000"
    at.radio(key="pv_tier").set_value("gdpr_83_4").run()
    metric = [m for m in at.metric if m.label == "GDPR maximum fine"][0]
    assert metric.value == "€40,000,000"
    pipl = {m.label: m.value for m in at.metric if "RMB" in m.label or "turnover" in m.label}
    assert pipl["Ceiling: RMB 50 million"] == "¥50,000,000" and pipl["Ceiling: 5 % of turnover"] == "¥100,000,000"


def test_pseudonymisation_tab_quotes_the_attacks(en, zh):
    e = privacy.privacy_experiment(60, 7, 0.5, 3, 10)
    c = e["counts"]
    text = happened_texts(en)[4]
    assert f"attacker knows {e['known']}" in text and f"all **{e['n']}** pseudonyms" in text
    assert f"finds **{c['hmac_secret']}**" in text and f"finds **{c['hmac_leaked']}** again" in text
    assert f"single out **{c['quasi']}** people" in text and f"re-identifies **{c['anonymous']}**" in text
    assert f"认出了 **{c['sha256']}** 人" in happened_texts(zh)[4]


def test_crypto_checklist_is_graded_against_the_rule_table():
    at = run_page(PAGE, "en", params={"on": "2024-12-30"})
    at.selectbox(key="cr_ans_offshore_exchange_exchange_cn_en").set_value("Illegal")
    at.selectbox(key="cr_ans_offshore_exchange_exchange_eu_en").set_value("Illegal")
    at.toggle(key="cr_reveal_offshore_exchange").set_value(True).run()
    assert "You answered 2 of 6 lines, **1** of them matching" in happened_texts(at)[-1]
    table = at.dataframe[-1].value
    assert list(table["Match"])[:2] == ["✓", "✗"]
    assert "Illegal" in list(table["Rule table says"]) and "Allowed only with authorisation / under the regime" in list(
        table["Rule table says"])
    at.select_slider(key="cr_date").set_value("2013-01-01").run()
    assert "In China **0** of them are illegal" in happened_texts(at)[-1]


def test_url_opens_the_prepared_scenario():
    at = run_page(PAGE, "zh", params={"an": 120, "ash": 20, "aseed": 7, "areg": "cn", "gto": 2000})
    s = aml.simulate_day(120, 0.20, 7, "cn").summary()
    assert f"**{s['n_tx']}** 笔交易" in happened_texts(at)[1]
    assert "€80.0 百万" in happened_texts(at)[3]
    assert not error_texts(at)


def test_compare_filter_by_years_changes_the_story(en):
    at = run_page(PAGE, "en", params={"y0": 2023, "y1": 2026})
    m = reg.filter_milestones(reg.load_milestones(), reg.JURISDICTIONS, reg.AREAS, 2023, 2026)
    per = m["jurisdiction"].value_counts()
    text = happened_texts(at)[0]
    assert f"**{len(m)}** milestones: China **{per['cn']}**, the US **{per['us']}**, the EU **{per['eu']}**" in text
    assert per["eu"] > per["cn"] and "China's count is the largest" not in text
    assert "China's count is the largest" in happened_texts(en)[0]


def test_presenter_mode_folds_the_explanations():
    at = run_page(PAGE, "en", params={"present": 1})
    labels = [e.label for e in at.expander]
    assert labels.count("Explanation") == 7 and not error_texts(at)
    assert len(happened_texts(at)) == 6
