"""Insurance sales channels (core/channels.py) and the replayable insurance history (core/timeline.py,
ui/timeline.py) — worked examples, invariants, bad input, sourced data, and the two tabs of
pages/3_insurance.py in AppTest in both languages, with the chapter check at the end of the last tab."""
import json
import math

import numpy as np
import pytest

from core import channels as chn
from core import timeline as tl
from core.errors import InputError
from tests.apptest import error_texts, happened_texts, raw_keys_on_screen, run_page
from ui import i18n

PAGE = "pages/3_insurance.py"
AREAS = ("sales", "product", "company", "mutual", "regulation")


# ------------------------------------------------------------------ worked examples
def test_direct_channel_worked_example():
    # R = 200,000, c = 1 %, a = ¥0.50, k = 0, L = 55 %, e = 15 %, P = ¥300, m = 5 %
    row = chn.channel_row("direct", chn.DEFAULTS["direct"], 300.0, 0.05)
    assert row["policies"] == pytest.approx(2000)                 # N = R × c
    assert row["acquisition_per_policy"] == pytest.approx(50.0)   # a / c = 0.50 / 0.01
    assert row["cost_per_policy"] == pytest.approx(50.0)          # a / c + k P = 50 + 0
    assert row["claims_per_policy"] == pytest.approx(165.0)       # L P
    assert row["break_even_premium"] == pytest.approx(268.75)     # (165 + 50) / (1 − 0 − 0.15 − 0.05)
    assert row["combined_ratio"] == pytest.approx(0.55 + 0.15 + 50 / 300)
    assert row["result_per_policy"] == pytest.approx(40.0)        # 300 × 0.30 − 50
    assert row["result_total"] == pytest.approx(80_000.0)
    assert row["break_even_conversion"] == pytest.approx(0.5 / 75)   # a / (P (1 − L − k − e − m))


def test_agent_channel_worked_example():
    # R = 2,000, c = 10 %, a = ¥20, k = 30 %, L = 40 %, e = 20 %: each policy costs 200 + 90 = ¥290 to sell
    row = chn.channel_row("agent", chn.DEFAULTS["agent"], 300.0, 0.05)
    assert row["policies"] == pytest.approx(200)
    assert row["cost_per_policy"] == pytest.approx(290.0)
    assert row["break_even_premium"] == pytest.approx((120 + 200) / 0.45)   # ¥711.11
    assert row["result_per_policy"] == pytest.approx(300 * 0.1 - 200)       # loses ¥170 a policy
    assert row["break_even_conversion"] == pytest.approx(20 / 15)           # 133 %: impossible


def test_formula_functions():
    assert chn.policies(1_000_000, 0.005) == pytest.approx(5000)
    assert chn.cost_per_policy(0.01, 0.1, 0.2, 0.5) == pytest.approx(0.1 + 0.1)
    assert chn.break_even_premium(165.0, 50.0, 0.0, 0.15, 0.05) == pytest.approx(268.75)
    assert chn.break_even_conversion(1.0, 100.0, 0.9, 0.1, 0.0, 0.0) == math.inf   # nothing left
    assert chn.break_even_conversion(0.0, 100.0, 0.5, 0.1, 0.1, 0.05) == 0.0        # free reach


def test_funnel_keeps_channel_order_and_every_channel():
    df = chn.funnel(chn.DEFAULTS, 300.0, 0.05)
    assert list(df["channel"]) == list(chn.CHANNELS)
    assert df.loc[df["channel"] == "embedded", "policies"].item() == pytest.approx(500_000)


# ------------------------------------------------------------------ invariants
@pytest.mark.parametrize("name", chn.CHANNELS)
def test_cost_and_needed_premium_fall_as_conversion_rises(name):
    ch = chn.DEFAULTS[name]
    conv = np.linspace(0.001, 1.0, 200)
    cost = [chn.cost_per_policy(ch.acquisition, c, ch.commission, 300.0) for c in conv]
    curve = chn.break_even_curve(ch, 300.0, 0.05, conv)
    assert np.all(np.diff(cost) <= 0) and cost[0] > cost[-1]
    assert np.all(np.diff(curve) <= 0) and curve[0] > curve[-1]


@pytest.mark.parametrize("name", chn.CHANNELS)
@pytest.mark.parametrize("margin", [0.0, 0.05, 0.2])
def test_at_the_break_even_premium_the_channel_earns_exactly_its_margin(name, margin):
    ch = chn.DEFAULTS[name]
    claims = ch.claims_ratio * 300.0                       # claims in yuan are fixed by the risk
    acq = chn.acquisition_per_policy(ch.acquisition, ch.conversion)
    p_star = chn.break_even_premium(claims, acq, ch.commission, ch.expense_ratio, margin)
    earned = p_star * (1 - ch.commission - ch.expense_ratio) - claims - acq
    assert earned == pytest.approx(margin * p_star)


def test_needed_premium_rises_with_commission_and_margin():
    base = chn.break_even_premium(100.0, 10.0, 0.1, 0.1, 0.05)
    assert chn.break_even_premium(100.0, 10.0, 0.3, 0.1, 0.05) > base
    assert chn.break_even_premium(100.0, 10.0, 0.1, 0.1, 0.2) > base


def test_at_the_break_even_conversion_the_result_is_the_margin():
    ch = chn.DEFAULTS["direct"]
    c_star = chn.break_even_conversion(ch.acquisition, 300.0, ch.claims_ratio, ch.commission, ch.expense_ratio, 0.05)
    result = chn.result_per_policy(300.0, ch.claims_ratio, ch.commission, ch.expense_ratio, ch.acquisition, c_star)
    assert result == pytest.approx(0.05 * 300.0)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("change,key", [
    (dict(commission=0.6, expense_ratio=0.4), "insurance_channel_loads"),
    (dict(conversion=0.0), "insurance_channel_conversion"),
    (dict(conversion=1.5), "insurance_channel_conversion"),
    (dict(conversion=float("nan")), "insurance_channel_conversion"),
    (dict(reach=0), "insurance_channel_reach"),
    (dict(acquisition=-1.0), "insurance_channel_cost"),
    (dict(claims_ratio=-0.1), "insurance_channel_rate"),
    (dict(commission=float("inf")), "insurance_channel_rate"),
])
def test_values_outside_their_domain_raise_a_translatable_error(change, key):
    bad = chn.DEFAULTS["direct"].__class__(**{**chn.DEFAULTS["direct"].__dict__, **change})
    with pytest.raises(InputError) as exc:
        chn.funnel({"direct": bad}, 300.0, 0.05)
    assert exc.value.key == key
    for lang in i18n.LANGS:
        assert i18n.catalog(lang).get(f"errors.{key}")
        i18n.translate(lang, f"errors.{key}", **exc.value.params)      # the message formats with its params


@pytest.mark.parametrize("premium,margin,key", [(0.0, 0.05, "insurance_channel_premium"),
                                                (300.0, 0.9, "insurance_channel_margin"),
                                                (float("nan"), 0.05, "insurance_channel_premium")])
def test_bad_pricing(premium, margin, key):
    with pytest.raises(InputError) as exc:
        chn.funnel(chn.DEFAULTS, premium, margin)
    assert exc.value.key == key


def test_unknown_channel():
    with pytest.raises(InputError) as exc:
        chn.funnel({"telemarketing": chn.DEFAULTS["direct"]}, 300.0, 0.05)
    assert exc.value.key == "insurance_channel_unknown"


# ------------------------------------------------------------------ sourced data
def test_market_figures_are_sourced_dated_and_consistent():
    market = chn.load_market()
    assert market["url"].str.startswith("http").all()
    assert market["published"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()
    series = chn.premium_series(market)
    assert dict(zip(series["year"], series["value_yi"]))[2023] == pytest.approx(4949)
    assert dict(zip(series["year"], series["value_yi"]))[2013] == pytest.approx(290)
    assert sum(chn.channel_shares(market, "2021").values()) == pytest.approx(1.0)
    # 2021 IAC: intermediaries ¥41.2 bn of ¥86.2 bn ≈ 48 %
    assert 412 / 862 == pytest.approx(chn.channel_shares(market, "2021")["intermediary"], abs=0.005)
    rules = market[market["topic"] == "rule"]
    assert {"2021-02-01", "2015-10-01"} <= set(rules["period"])
    assert market["period"].str[:4].astype(int).max() >= 2024          # the newest published figure


def test_history_is_sourced_and_holds_the_milestones_the_lesson_needs():
    df = tl.load_milestones("insurance_history", AREAS)
    assert df["source"].str.contains("http").all()
    dates = set(df["date"])
    assert {"1997", "2013-11-06", "2021-02-01", "2022-01-28", "2023-05-18"} <= dates
    assert list(df["when"]) == sorted(df["when"])
    assert df["year"].min() == 1997 and df["year"].max() >= 2024


# ------------------------------------------------------------------ core/timeline
def test_plot_dates_sit_in_the_middle_of_what_is_known():
    assert tl.plot_date("2013") == "2013-07-01"
    assert tl.plot_date("2013-11") == "2013-11-15"
    assert tl.plot_date("2013-11-06") == "2013-11-06"
    with pytest.raises(InputError) as exc:
        tl.plot_date("Nov 2013")
    assert exc.value.key == "timeline_date"


def test_filter_trace_and_gap():
    df = tl.load_milestones("insurance_history", AREAS)
    shown = tl.filter_milestones(df, ("mutual", "regulation"), 2018, 2023)
    assert set(shown["category"]) == {"mutual", "regulation"}
    assert shown["year"].between(2018, 2023).all()
    trace = tl.milestone_trace(shown, "insurance.history.step", AREAS)
    assert len(trace) == len(shown)
    assert trace[-1].state["counts"] == tl.category_counts(shown, AREAS)
    assert [s.params["seen"] for s in trace] == list(range(1, len(shown) + 1))
    i, j, days = tl.longest_gap(shown)
    assert j == i + 1 and days == max((shown["when"].diff().dt.days.dropna()).astype(int))
    assert tl.longest_gap(shown.iloc[:1]) is None


@pytest.mark.parametrize("start,end,key", [(2020, 2010, "year_range"), (1950, 1960, "timeline_years"),
                                           (2030, 2040, "timeline_years")])
def test_years_outside_the_data_raise(start, end, key):
    df = tl.load_milestones("insurance_history", AREAS)
    with pytest.raises(InputError) as exc:
        tl.filter_milestones(df, AREAS, start, end)
    assert exc.value.key == key
    for lang in i18n.LANGS:
        i18n.translate(lang, f"errors.{key}", **exc.value.params)


# ------------------------------------------------------------------ the page
def T(lang, key, **params):
    return i18n.translate(lang, key, **params)


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_channels_tab_opens_and_quotes_core_numbers(lang):
    at = run_page(PAGE, lang, {"tab": "channels"})
    assert not at.exception and not error_texts(at)
    assert raw_keys_on_screen(at, lang) == []
    assert T(lang, "insurance.tab.channels") in [t.label for t in at.tabs]
    happened = happened_texts(at)
    assert len(happened) == 1 and "¥268.75" in happened[0] and "¥711.11" in happened[0]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[T(lang, "insurance.channels.name.direct")] == "¥268.75"
    specs = charts(at)
    assert len(specs) >= 4                 # cost, curve; market premium, market shares (then the page's own)
    cost = specs[0]["data"]
    assert [round(v, 2) for v in cost[-1]["x"]] == [268.75, 247.95, 278.71, 711.11]   # the diamonds: P*
    assert {"cprem", "cmar", "dir_r", "dir_cv", "dir_ac", "dir_cm", "dir_cr", "dir_ex"} <= \
        {w.key for w in at.number_input} | {w.key for w in at.slider}


def test_a_link_sets_a_channel_whose_controls_are_not_shown():
    # only the tuned channel (online direct by default) shows its controls; the agent's commission comes from the link
    at = run_page(PAGE, "en", {"tab": "channels", "agt_cm": "50"})
    assert "agt_cm" not in {w.key for w in at.slider}
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Agent"] == "¥1,280.00"                 # (120 + 200) / (1 − 0.5 − 0.2 − 0.05)
    at.radio(key="ins_ch_tune").set_value("agent").run()
    assert at.slider(key="agt_cm").value == 50


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_loads_over_100_percent_give_a_translated_message_and_keep_the_view(lang):
    at = run_page(PAGE, lang, {"tab": "channels"})
    at.radio(key="ins_ch_tune").set_value("agent").run()
    at.slider(key="agt_cm").set_value(90)
    at.slider(key="agt_ex").set_value(60)
    at.run()
    errors = error_texts(at)
    assert not at.exception and len(errors) == 1
    assert errors[0].startswith("⚠️") or T(lang, "errors.insurance_channel_loads", commission=0.9, expense=0.6,
                                            margin=0.05, total=1.55) in errors[0]
    assert T(lang, "insurance.channels.kept") in [c.value for c in at.caption]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[T(lang, "insurance.channels.name.agent")] == "¥711.11"       # the last good view, unchanged
    at.slider(key="agt_cm").set_value(30)
    at.run()
    assert not error_texts(at)


def test_a_prepared_link_sets_the_premium():
    at = run_page(PAGE, "en", {"tab": "channels", "cprem": "0.5", "cmar": "0"})
    happened = happened_texts(at)[0]
    assert "premium of ¥0.50" in happened and "margin of 0.0%" in happened


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_history_tab_replays_the_milestones(lang):
    at = run_page(PAGE, lang, {"tab": "history"})
    assert not at.exception and not error_texts(at)
    assert raw_keys_on_screen(at, lang) == []
    n = len(tl.load_milestones("insurance_history", AREAS))
    infos = [i.value for i in at.info]
    assert any(T(lang, "player.position", i=1, n=n) in text for text in infos)
    happened = happened_texts(at)
    assert len(happened) == 1 and str(n) in happened[0]
    timeline = charts(at)[0]
    assert len(timeline["data"]) == len(AREAS)
    # a narrower range: fewer milestones, quoted
    at.slider(key="hy").set_value((2018, 2023)).run()
    shown = tl.filter_milestones(tl.load_milestones("insurance_history", AREAS), AREAS, 2018, 2023)
    assert T(lang, "insurance.history.happened", n=len(shown), start=2018, end=2023, areas="")[:8] in \
        happened_texts(at)[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chapter_check_gives_feedback(lang):
    at = run_page(PAGE, lang, {"tab": "history"})
    at.selectbox(key=f"ins_check_channels_{lang}").set_value(T(lang, "insurance.tab.channels"))
    at.selectbox(key=f"ins_check_pricing_{lang}").set_value(T(lang, "insurance.tab.price"))   # wrong: it is "ubi"
    at.run()
    assert any(T(lang, "insurance.chapter_check.items.channels.explain") in s.value for s in at.success)
    assert any(T(lang, "insurance.tab.ubi") in e.value for e in at.error)
    assert T(lang, "common.quiz_score", right=1, total=6) in [c.value for c in at.caption]


def test_a_channel_keeps_its_numbers_while_another_is_tuned():
    at = run_page(PAGE, "en", {"tab": "channels"})
    at.slider(key="dir_cv").set_value(2.0).run()              # a / c = 0.50 / 0.02 = ¥25 → P* = (165 + 25) / 0.8
    assert {m.label: m.value for m in at.metric}["Online direct"] == "¥237.50"
    at.radio(key="ins_ch_tune").set_value("social").run()
    assert "dir_cv" not in {w.key for w in at.slider}
    assert {m.label: m.value for m in at.metric}["Online direct"] == "¥237.50"
    at.radio(key="ins_ch_tune").set_value("direct").run()
    assert at.slider(key="dir_cv").value == pytest.approx(2.0)


@pytest.mark.parametrize("tab", ["channels", "history"])
def test_presenter_mode_opens_both_tabs(tab):
    at = run_page(PAGE, "zh", {"tab": tab, "present": "1"})
    assert not at.exception and not error_texts(at)
    assert raw_keys_on_screen(at, "zh") == []
    assert len(happened_texts(at)) == 1
