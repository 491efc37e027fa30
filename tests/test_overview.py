"""core.overview: the home page's figures are computed from sourced tables."""
import pandas as pd
import pytest

from core import overview
from core.errors import InputError


def test_timeline_is_complete_and_sourced():
    df = overview.load_timeline()
    assert len(df) >= 25
    assert df["year"].min() < 2000 and df["year"].max() >= 2024
    assert set(df["category"]) >= {"payments", "lending", "insurance", "blockchain", "regulation"}
    assert df["source"].str.len().min() > 10
    assert not df["source"].str.contains("UNVERIFIED").any()
    assert df["when"].is_monotonic_increasing


def test_timeline_trace_counts_cumulatively():
    df = overview.load_timeline()
    trace = overview.timeline_trace(df)
    assert len(trace) == len(df)
    last = trace[-1].state["counts"]
    assert sum(last.values()) == len(df)
    assert last["lending"] == (df["category"] == "lending").sum()
    assert trace[0].params["seen"] == 1 and trace[-1].params["total"] == len(df)


def test_filter_and_bad_range():
    df = overview.load_timeline()
    sub = overview.filter_timeline(df, ["lending"], 2005, 2010)
    assert set(sub["category"]) == {"lending"} and sub["year"].between(2005, 2010).all()
    with pytest.raises(InputError):
        overview.filter_timeline(df, ["lending"], 2010, 2005)


def test_payments_per_second_2021_nonbank():
    # PBOC 2021: 10,283.22 亿笔 of online payments by non-bank institutions
    assert overview.payments_per_second(10283.22) == pytest.approx(32_608, rel=1e-4)


def test_average_ticket():
    # 2023 bank mobile payments: 555.33 万亿元 over 1,851.47 亿笔 → about ¥2,999 a payment
    assert overview.average_ticket(1851.47, 555.33) == pytest.approx(2999.4, rel=1e-4)


def test_growth_multiple_bank_mobile():
    volume = overview.payment_volume()
    assert overview.growth_multiple(volume, "bank_mobile", "value_wanyi", 2015, 2023) == pytest.approx(
        555.33 / 108.22)


def test_people_with_accounts():
    assert overview.people_with_accounts(0.76) == (76, 24)
    with pytest.raises(InputError):
        overview.people_with_accounts(1.2)


def test_findex_change_china():
    findex = overview.load_table("findex")
    assert overview.percentage_point_change(findex, "china", 2011, 2021) == pytest.approx(25.0)


def test_remittance_fees_on_world_bank_benchmark():
    costs = overview.load_table("remittance_costs")
    fees = overview.remittance_fees(200, 12, costs).set_index("channel")
    assert fees.loc["global_average", "fee_usd"] == pytest.approx(12.72)
    assert fees.loc["banks", "fees_per_year_usd"] == pytest.approx(0.1148 * 200 * 12)
    with pytest.raises(InputError):
        overview.remittance_fees(0, 12, costs)


def test_p2p_rise_and_fall():
    counts = overview.platform_counts()
    story = overview.peak_and_fall(counts)
    assert story["peak"] == counts["platforms"].max()
    assert story["last"] == 0 and story["fall"] == pytest.approx(1.0)
    assert story["last_date"].startswith("2020-11")


def test_table_without_source_is_refused(tmp_path, monkeypatch):
    pd.DataFrame({"a": [1], "source": [""]}).to_csv(tmp_path / "x.csv", index=False)
    monkeypatch.setattr(overview, "DATA", tmp_path)
    with pytest.raises(InputError) as err:
        overview.load_table("x")
    assert err.value.key == "data_no_source"


def test_the_home_page_script_keeps_no_cache_and_builds_no_chart_itself():
    """app.py runs again on every rerun: its caches and chart builders live in ui.draw_home (imported once)."""
    from tests.apptest import ROOT
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "st.cache_" not in source and "go.Figure" not in source and "plotly" not in source
