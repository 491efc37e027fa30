"""pages/3_insurance.py in AppTest: only the open tab runs; each tab shows core's numbers, controls change them,
bad input gives a translated error in both languages, the smart-contract player steps through the ledger, a
link (``?tab=`` and the scenario) opens the prepared scenario, controls keep their values across tab switches,
and the run summary quotes the tabs opened on this visit."""
import base64
import json

import numpy as np
import pytest

import ui
from core import insurance as ins
from tests.apptest import error_texts, raw_keys_on_screen, run_page
from ui import i18n

PAGE = "pages/3_insurance.py"
TABS = ("price", "ruin", "param", "mutual", "ubi")


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def T(lang, key, **params):
    return i18n.translate(lang, key, **params)


def values(data) -> list:
    """A plotly array from the chart's JSON: a plain list, or a typed array {dtype, bdata}."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def open_tab(at, name: str):
    """The student opens another tab in the same session (only the open tab runs)."""
    at.query_params["tab"] = name
    at.run()
    return at


def shown_tabs(at, lang) -> list[str]:
    """The page's tabs that have content: the open one."""
    labels = {T(lang, f"insurance.tab.{name}"): name for name in TABS}
    return [labels[t.label] for t in at.tabs if t.label in labels and len(t.children) > 0]


def quiz_radios(at) -> list:
    return [r for r in at.radio if r.key and r.key.startswith("quiz_insurance_")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_tab_quotes_core_numbers_and_only_the_open_tab_runs(lang):
    at = run_page(PAGE, lang)
    assert not at.exception and not error_texts(at)
    assert raw_keys_on_screen(at, lang) == []
    assert [t.label for t in at.tabs][:5] == [T(lang, f"insurance.tab.{k}") for k in TABS]
    assert shown_tabs(at, lang) == ["price"]
    m = metrics(at)
    # tab 1: p = 3 %, ¥12, expected value principle, θ = 0.3 → E[X] = ¥0.36, P = ¥0.468
    assert m[T(lang, "insurance.price.pure")] == "¥0.36"
    assert m[T(lang, "insurance.price.premium")] == "¥0.47"
    premium_before = m[T(lang, "insurance.price.premium")]
    # the quiz is there, whichever tab is open
    assert len(quiz_radios(at)) == 6

    # tab 2: θ = 0.3, μ = 5, u = 10 → ψ(10) = 0.48486
    open_tab(at, "ruin")
    assert not at.exception and not error_texts(at)
    assert raw_keys_on_screen(at, lang) == []
    assert shown_tabs(at, lang) == ["ruin"]
    m = metrics(at)
    assert T(lang, "insurance.price.premium") not in m          # the pricing tab did not run
    assert m[T(lang, "insurance.ruin.psi_exact")] == "48.49%"
    sim = ins.simulate_ruin(10.0, 0.3, 5.0, 1.0, 200.0, 2000, 7)
    assert m[T(lang, "insurance.ruin.psi_mc")] == f"{sim.estimate * 100:.2f}%"

    # tab 3: the pool of the default scenario
    open_tab(at, "param")
    assert raw_keys_on_screen(at, lang) == []
    run = ins.run_parametric_pool(ins.simulate_flights(30, 0.35, 100.0, 28), 2500, 20_000, 120, 100_000)
    assert metrics(at)[T(lang, "insurance.param.paid")] == i18n.format_money(run.paid_fen, lang)

    # tab 4: the first share of the default mutual-aid plan
    open_tab(at, "mutual")
    assert raw_keys_on_screen(at, lang) == []
    df = ins.simulate_mutual_aid(ins.MutualAidParams())
    assert metrics(at)[T(lang, "insurance.mutual.first_share")] == i18n.format_money(int(df["share_fen"].iloc[0]), lang)

    # tab 5: the reference driver's factor is exactly 1 and the premium is the revenue-neutral base · k
    open_tab(at, "ubi")
    assert raw_keys_on_screen(at, lang) == []
    book = ins.ubi_premiums(ins.ubi_population(2000, 5), 3000.0, 2400.0)
    quote = ins.ubi_quote(book, 2.0, 0.05, 0.05, 12_000, 3000.0, 2400.0)
    m = metrics(at)
    assert m[T(lang, "insurance.ubi.factor")] == "× 1.00"
    assert m[T(lang, "insurance.ubi.your_premium")] == i18n.format_yuan(quote["premium"], lang)

    # θ = 0 in the ruin model: a translated explanation, not a crash
    open_tab(at, "ruin")
    at.slider(key="th").set_value(0.0).run()
    assert not at.exception
    errors = error_texts(at)
    assert errors == [T(lang, "errors.insurance_theta", value=0.0)]
    assert "ψ(u) = 1" in errors[0]
    assert len(quiz_radios(at)) == 6                            # the rest of the page goes on
    # the other tabs keep working, and the bad θ is still there when the student comes back
    open_tab(at, "price")
    assert not error_texts(at)
    assert metrics(at)[T(lang, "insurance.price.premium")] == premium_before
    open_tab(at, "ruin")
    assert at.slider(key="th").value == 0.0
    assert error_texts(at) == errors
    at.slider(key="th").set_value(0.5).run()
    assert not error_texts(at)
    assert metrics(at)[T(lang, "insurance.ruin.psi_exact")] == \
        f"{ins.ruin_probability_exponential(10, 0.5, 5) * 100:.2f}%"


def test_switching_principle_and_loading_reprices():
    at = run_page(PAGE, "en")
    at.radio(key="ins_principle").set_value("variance").run()
    at.slider(key="ld_variance").set_value(0.1).run()
    expected = ins.micro_premium("variance", 0.03, 12.0, 0.1)
    assert metrics(at)["Premium P"] == f"¥{expected:,.2f}"
    at.radio(key="ins_principle").set_value("std_dev").run()
    at.slider(key="ld_std_dev").set_value(0.5).run()
    assert metrics(at)["Premium P"] == f"¥{ins.micro_premium('std_dev', 0.03, 12.0, 0.5):,.2f}"
    assert at.query_params["pr"] in ("std_dev", ["std_dev"])
    # a tiny market: 100 policies at 15 % returns → the losing-day probability is core's exact binomial
    at.number_input(key="n").set_value(100).run()
    at.slider(key="p").set_value(15.0).run()
    prem = ins.micro_premium("std_dev", 0.15, 12.0, 0.5)
    assert metrics(at)["P(a day loses money)"] == f"{ins.underwriting_loss_probability(100, 0.15, 12.0, prem) * 100:.2f}%"
    # the variance principle's loading kept its own value while the other principle was chosen
    at.radio(key="ins_principle").set_value("variance").run()
    assert at.slider(key="ld_variance").value == 0.1
    assert metrics(at)["Premium P"] == f"¥{ins.micro_premium('variance', 0.15, 12.0, 0.1):,.2f}"

    # mutual aid without a fee: the share and the chart follow core
    open_tab(at, "mutual")
    at.slider(key="fee").set_value(0.0).run()
    df = ins.simulate_mutual_aid(ins.MutualAidParams(fee_rate=0.0))
    assert metrics(at)["Share, first period"] == i18n.format_money(int(df["share_fen"].iloc[0]), "en")
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bars = [tr for spec in charts for tr in spec["data"] if tr.get("name") == "mutual-aid share"]
    assert bars and values(bars[0]["y"])[:3] == pytest.approx([v / 100 for v in df["share_fen"].iloc[:3]])

    # usage-based pricing: a harsher driver gets core's factor, capped at ×1.5
    open_tab(at, "ubi")
    at.slider(key="ins_brakes").set_value(10.0).run()
    assert metrics(at)["Your telematics factor"] == f"× {ins.telematics_factor(10, 0.05, 0.05, 12_000):.2f}"
    at.slider(key="ins_speeding").set_value(50).run()
    assert metrics(at)["Your telematics factor"] == "× 1.50"


def test_parametric_player_steps_through_the_ledger():
    at = run_page(PAGE, "en", params={"tab": "param"})
    assert shown_tabs(at, "en") == ["param"]
    run = ins.run_parametric_pool(ins.simulate_flights(30, 0.35, 100.0, 28), 2500, 20_000, 120, 100_000)
    for _ in range(3):          # capital → premiums → flight 1
        at.button(key="ins_param_player_next").click().run()
    infos = [str(i.value) for i in at.info]
    step = run.trace[3]
    expected = i18n.translate("en", step.key, **step.params)
    assert any(expected in text for text in infos)
    captions = [str(c.value) for c in at.caption]
    assert any("sum of all balances = ¥0.00" in c for c in captions)
    at.button(key="ins_param_player_last").click().run()
    assert any(i18n.translate("en", run.trace[-1].key, **run.trace[-1].params) in str(i.value) for i in at.info)

    # no capital and a big payout: the pool runs dry and the page says so
    at.number_input(key="cap").set_value(0).run()
    at.number_input(key="po").set_value(5000).run()
    run = ins.run_parametric_pool(ins.simulate_flights(30, 0.35, 100.0, 28), 2500, 500_000, 120, 0)
    assert run.shortfall_fen > 0
    warnings = [str(w.value) for w in at.warning]
    assert T("en", "insurance.param.short_warning", short=run.shortfall_fen) in warnings


def test_url_opens_the_prepared_scenario():
    at = run_page(PAGE, "en", params={"tab": "ruin", "u": 20, "th": 0.5, "mu": 4, "np": 5000, "present": 1})
    assert "About this chapter" in [e.label for e in at.expander]      # presenter mode folds the long intro
    assert shown_tabs(at, "en") == ["ruin"]
    assert at.slider(key="u").value == 20.0
    assert at.slider(key="th").value == 0.5
    assert at.select_slider(key="ins_paths").value == 5000
    m = metrics(at)
    assert m["ψ(u) exact"] == f"{ins.ruin_probability_exponential(20, 0.5, 4) * 100:.2f}%"
    sim = ins.simulate_ruin(20.0, 0.5, 4.0, 1.0, 200.0, 5000, 7)
    assert m["Monte Carlo ψ(u, T)"] == f"{sim.estimate * 100:.2f}%"

    at = run_page(PAGE, "en", params={"pr": "std_dev", "ld_std_dev": 0.5, "n": 100, "p": 15})
    assert at.radio(key="ins_principle").value == "std_dev"
    assert at.slider(key="ld_std_dev").value == 0.5
    assert metrics(at)["Premium P"] == f"¥{ins.micro_premium('std_dev', 0.15, 12.0, 0.5):,.2f}"

    at = run_page(PAGE, "en", params={"tab": "param", "nf": 12, "thr": 180, "cap": 0})
    assert at.slider(key="nf").value == 12
    assert at.select_slider(key="ins_thr").value == 180
    run = ins.run_parametric_pool(ins.simulate_flights(12, 0.35, 100.0, 28), 2500, 20_000, 180, 0)
    assert metrics(at)["Paid automatically"] == i18n.format_money(run.paid_fen, "en")

    at = run_page(PAGE, "en", params={"tab": "mutual", "m0": 500000, "ben": 300000})
    assert at.number_input(key="m0").value == 500_000
    assert at.select_slider(key="ins_benefit").value == 300_000
    df = ins.simulate_mutual_aid(ins.MutualAidParams(members0=500_000, benefit_yuan=300_000))
    assert metrics(at)["Share, first period"] == i18n.format_money(int(df["share_fen"].iloc[0]), "en")


BAD = {"abc": "abc", "1e309": "1e309", "-inf": "-inf", "nan": "nan", "below": "-5", "above": "100000",
       "309-digits": "9" * 309, "empty": ""}


@pytest.mark.parametrize("bad", list(BAD.values()), ids=list(BAD))
def test_a_bad_link_value_falls_back_to_the_default(bad):
    at = run_page(PAGE, "en", params={"tab": "ruin", "u": bad, "th": bad, "np": bad, "s2": bad})
    assert not at.exception and not error_texts(at)
    assert at.slider(key="u").value == 10.0
    assert at.slider(key="th").value == 0.3
    assert at.select_slider(key="ins_paths").value == 2000
    assert at.number_input(key="s2").value == 7
    assert metrics(at)["ψ(u) exact"] == "48.49%"


@pytest.mark.parametrize("tab,key,name,default", [("price", "ins_principle", "pr", "expected_value"),
                                                   ("param", "ins_thr", "thr", 120),
                                                   ("mutual", "ins_benefit", "ben", 200_000)])
def test_a_bad_choice_in_a_link_falls_back_to_the_default(tab, key, name, default):
    for bad in ("1e309", "std", "120 min"):
        at = run_page(PAGE, "en", params={"tab": tab, name: bad})
        assert not at.exception and not error_texts(at), bad
        widget = at.radio(key=key) if key == "ins_principle" else at.select_slider(key=key)
        assert widget.value == default, bad
        assert name not in at.query_params      # the link is repaired: the default is left out of it


def test_controls_keep_their_values_across_tab_switches():
    at = run_page(PAGE, "en", params={"tab": "ruin"})
    at.slider(key="th").set_value(0.5).run()
    at.select_slider(key="ins_paths").set_value(500).run()
    open_tab(at, "ubi")
    at.slider(key="ins_brakes").set_value(10.0).run()
    assert "th" not in [s.key for s in at.slider]                 # the ruin tab did not run
    open_tab(at, "price")
    open_tab(at, "ruin")
    assert at.slider(key="th").value == 0.5
    assert at.select_slider(key="ins_paths").value == 500
    sim = ins.simulate_ruin(10.0, 0.5, 5.0, 1.0, 200.0, 500, 7)
    assert metrics(at)["Monte Carlo ψ(u, T)"] == f"{sim.estimate * 100:.2f}%"
    open_tab(at, "ubi")
    assert at.slider(key="ins_brakes").value == 10.0
    assert metrics(at)["Your telematics factor"] == f"× {ins.telematics_factor(10, 0.05, 0.05, 12_000):.2f}"


def test_run_summary_quotes_the_tabs_opened_on_this_visit(monkeypatch):
    offered = {}
    original = ui.widgets.download_csv

    def record(df, file_name, key, label=None):
        offered[file_name] = df
        return original(df, file_name, key=key, label=label)

    monkeypatch.setattr(ui.widgets, "download_csv", record)

    def summary(at) -> dict:
        df = offered["insurance-run-summary.csv"]
        return dict(zip(df["metric"], df["value"]))

    at = run_page(PAGE, "en")
    s = summary(at)
    assert set(s) == {"price_premium_yuan", "price_pure_yuan", "price_day_loss_ratio", "price_p_underwriting_loss"}
    assert s["price_premium_yuan"] == pytest.approx(ins.micro_premium("expected_value", 0.03, 12.0, 0.3))
    assert s["price_pure_yuan"] == pytest.approx(0.36)

    open_tab(at, "ruin")
    s = summary(at)
    assert {k.split("_")[0] for k in s} == {"price", "ruin"}      # the tabs opened so far, in page order
    assert list(s)[0].startswith("price")
    assert s["ruin_psi_exact"] == pytest.approx(ins.ruin_probability_exponential(10, 0.3, 5))
    assert s["ruin_psi_mc"] == pytest.approx(ins.simulate_ruin(10.0, 0.3, 5.0, 1.0, 200.0, 2000, 7).estimate)

    at.slider(key="th").set_value(0.5).run()                       # the summary follows the controls
    assert summary(at)["ruin_psi_exact"] == pytest.approx(ins.ruin_probability_exponential(10, 0.5, 5))
    at.slider(key="th").set_value(0.0).run()                       # no numbers for a scenario that failed
    assert not any(k.startswith("ruin") for k in summary(at))
    assert summary(at)["price_premium_yuan"] == pytest.approx(ins.micro_premium("expected_value", 0.03, 12.0, 0.3))

    for name in ("param", "mutual", "ubi"):
        open_tab(at, name)
    s = summary(at)
    assert {k.split("_")[0] for k in s} == {"price", "param", "mutual", "ubi"}
    run = ins.run_parametric_pool(ins.simulate_flights(30, 0.35, 100.0, 28), 2500, 20_000, 120, 100_000)
    assert s["param_paid_yuan"] == pytest.approx(run.paid_fen / 100)
    ms = ins.mutual_aid_summary(ins.simulate_mutual_aid(ins.MutualAidParams()))
    assert s["mutual_member_paid_yuan"] == pytest.approx(ms["member_paid_fen"] / 100)
    assert s["ubi_your_factor"] == pytest.approx(1.0)


@pytest.mark.parametrize("tab", TABS)
def test_a_plain_rerun_builds_no_chart(tab, monkeypatch):
    """Every chart comes from a shared ``@ui.figure`` builder (``ui.chart`` restyles any other figure), so a
    rerun that shows the same charts, the step player's and the timeline's included, builds and styles none."""
    from ui import widgets

    at = run_page(PAGE, "en", params={"tab": tab})
    styled = []
    original = widgets.style_figure
    monkeypatch.setattr(widgets, "style_figure", lambda fig: styled.append(fig) or original(fig))
    at.run()
    assert not at.exception and not error_texts(at)
    assert len(at.get("plotly_chart")) >= 2
    assert styled == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fact_notes_list_every_fact_of_their_topic_with_its_sources(lang):
    at = run_page(PAGE, lang)
    facts = ins.load_facts()
    shown = "\n".join(str(m.value) for m in at.markdown)
    captions = [str(c.value) for c in at.caption]
    for topic in ("zhongan", "shipping", "regulation", "sales", "market"):      # the price tab's and the page's own
        rows = facts[facts["topic"] == topic]
        for row in rows.itertuples():
            assert f"- **{row.date}** · {getattr(row, f'label_{lang}')}" in shown
        assert any(c.endswith(" · ".join(dict.fromkeys(rows["source"]))) for c in captions), topic
