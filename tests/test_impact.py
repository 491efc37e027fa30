"""Chapter 7 impact explorer (issue 14, item 6): values recomputed from the CSVs, bad input, the tab in both
languages, and the chapter checks at the end of the last tabs (item 7)."""
import math

import pandas as pd
import pytest

from core import impact as im
from core.errors import InputError
from tests.apptest import happened_texts, raw_keys_on_screen, run_page
from ui import i18n

DATA = im.DATA


def test_cagr_textbook_values():
    assert im.cagr(100, 200, 10) == pytest.approx(2 ** 0.1 - 1)          # doubling in ten years: 7.177 %
    assert im.cagr(100, 200, 10) == pytest.approx(0.0717735, abs=1e-7)
    assert im.cagr(1575, 0, 5) == -1.0                                    # a fall to zero is −100 %
    with pytest.raises(InputError):
        im.cagr(0, 5, 3)
    with pytest.raises(InputError):
        im.cagr(5, 6, 0)


def test_bank_mobile_payments_cagr_recomputed_from_the_csv():
    raw = pd.read_csv(DATA / "payments_volume.csv")
    bank = raw[raw["series"] == "bank_mobile"].set_index("year")["value_wanyi"]
    expected = (bank[2023] / bank[2015]) ** (1 / 8) - 1                  # 2015-07-01 → 2023-07-01 = 8.0 years
    row = im.summary(im.view("payments", "value", ["bank_mobile"], 2015, 2023)).set_index("series").loc["bank_mobile"]
    assert row["years"] == pytest.approx(8.0)
    assert row["cagr"] == pytest.approx(expected)
    assert row["cagr"] == pytest.approx(0.2268, abs=1e-4)                # 108.22 → 555.33 trillion yuan
    assert row["ratio"] == pytest.approx(555.33 / 108.22)


def test_platform_share_and_average_ticket():
    shares = im.view("payments", "platform_share", im.SERIES[("payments", "platform_share")], 2021, 2021)
    by = shares.set_index("series")["value"]
    assert by["nonbank_share_count"] == pytest.approx(10283.22 / (10283.22 + 1512.28))
    assert by["nonbank_share_value"] == pytest.approx(355.46 / (355.46 + 526.98))
    ticket = im.view("payments", "ticket", ["nonbank_online"], 2021, 2021)["value"].iloc[0]
    assert ticket == pytest.approx(355.46e12 / 10283.22e8)               # ≈ ¥345.7 per payment
    assert im.per_payment(355.46, 10283.22) == pytest.approx(345.67, abs=0.01)


def test_yuebao_peak_and_p2p_clearance():
    funds = im.summary(im.view("funds", "assets", ["yuebao"], 2013, 2019)).set_index("series").loc["yuebao"]
    raw = pd.read_csv(DATA / "impact_funds.csv")
    yeb = raw[raw["series"] == "yuebao"]
    assert (funds["peak"], funds["peak_label"]) == (yeb["bn_yuan"].max(), "2018-03") == (1690.0, "2018-03")
    assert funds["first"] == 185.3 and funds["last"] == 1030.0
    p2p = im.summary(im.view("p2p", "platforms", ["platforms"], 2010, 2026)).iloc[0]
    assert (p2p["peak"], p2p["last"], p2p["last_label"], p2p["cagr"]) == (2595.0, 0.0, "2020-11", -1.0)


def test_inclusion_and_costs():
    world = im.summary(im.view("inclusion", "account_share", ["world"], 2011, 2024)).iloc[0]
    assert (world["first"], world["last"]) == (0.51, 0.79)               # Findex 2011 → Findex 2025 (2024 survey)
    fee = im.view("costs", "fee_200", ["global_average"], 2011, 2011)["value"].iloc[0]
    assert fee == pytest.approx(0.093 * 200)                             # 9.30 % of US$200 = US$18.60
    single = im.summary(im.view("costs", "cost_share", ["digital"], 2025, 2025)).iloc[0]
    assert math.isnan(single["cagr"])                                    # one figure: no growth rate


def test_events_mark_netsunion():
    ev = im.events("payments", 2018, 2018)
    assert list(ev["id"]) == ["netsunion_all", "netsunion_2018"]
    assert all("http" in s for s in im._csv("impact_events")["source"])


@pytest.mark.parametrize("name", ["impact_funds", "impact_costs", "impact_events"])
def test_every_new_row_has_a_source_with_a_url(name):
    df = pd.read_csv(DATA / f"{name}.csv", dtype=str)
    assert df["source"].str.contains("http|Issue 47|Remittance Prices Worldwide").all()


def test_bad_input_is_an_input_error():
    with pytest.raises(InputError) as err:
        im.view("p2p", "platforms", ["platforms"], 2010, 2012)
    assert err.value.key == "impact_no_data" and err.value.params["first"] == 2014
    for args in (("stocks", "value", [], 2010, 2020), ("payments", "assets", ["x"], 2010, 2020),
                 ("payments", "value", ["yuebao"], 2010, 2020), ("payments", "value", [], 2010, 2020),
                 ("payments", "value", ["bank_mobile"], 2020, 2015)):
        with pytest.raises(InputError):
            im.view(*args)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("topic", im.TOPICS)
def test_impact_tab_opens_every_topic_and_quotes_its_numbers(lang, topic):
    at = run_page("app.py", lang, params={"tab": "impact", "it": topic})
    assert not at.exception and not at.error
    assert raw_keys_on_screen(at, lang) == []
    text = happened_texts(at)
    assert len(text) == 1
    if topic == "payments":
        assert "22.7%" in text[0] and "5.13" in text[0]
    if topic == "p2p":
        assert "2,595" in text[0] and "2020-11" in text[0]
    labels = [r.label for r in at.radio]
    check = i18n.catalog(lang)["home.check.c1.question"]
    assert any(check in label for label in labels)                      # the chapter check closes the tab


def test_a_window_without_figures_is_explained_and_the_view_stays():
    at = run_page("app.py", "en", params={"tab": "impact", "it": "p2p"})
    before = happened_texts(at)
    at.slider(key="iyears").set_value((2010, 2012)).run()
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.translate("en", "errors.impact_no_data", start=2010, end=2012,
                                                          first=2014, last=2020)]
    assert happened_texts(at) == before                                  # the last good view is still shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regulators_tab_opens(lang):
    at = run_page("pages/5_regulation.py", lang, params={"tab": "regulators"})
    assert not at.exception and not at.error
    assert len(happened_texts(at)) == 1


@pytest.mark.parametrize("path,pid,tab,ids", [
    ("app.py", "home", "impact", ["c1", "c2", "c3", "c4"]),
    ("pages/2_lending.py", "lending", "disclose", ["c1", "c2", "c3", "c4", "c5"]),
    ("pages/4_blockchain.py", "blockchain", "economics", ["c1", "c2", "c3", "c4"]),
    ("pages/5_regulation.py", "regulation", "regulators", ["c1", "c2", "c3", "c4"]),
])
def test_chapter_check_closes_the_last_tab_and_grades_answers(path, pid, tab, ids):
    for lang in ("zh", "en"):
        cat = i18n.catalog(lang)
        assert set(cat[f"{pid}.tab.{n}"] for n in [tab]) and list(k for k in cat if k.startswith(f"{pid}.tab."))[-1] \
            == f"{pid}.tab.{tab}", "the check sits in the page's last tab"
    at = run_page(path, "en", params={"tab": tab})
    wrong = next(i for i in range(4) if i != int(i18n.catalog("en")[f"{pid}.check.{ids[0]}.answer"]))
    at.radio(key=f"check_{pid}_{ids[0]}").set_value(wrong).run()
    assert any("Not quite" in str(e.value) for e in at.error)
    for qid in ids:
        at.radio(key=f"check_{pid}_{qid}").set_value(int(i18n.catalog("en")[f"{pid}.check.{qid}.answer"]))
    at.run()
    assert not at.exception and not at.error
    assert i18n.catalog("en")[f"{pid}.check.done"] in [i.value for i in at.info]
