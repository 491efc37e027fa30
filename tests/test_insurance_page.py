"""pages/3_insurance.py in AppTest: defaults show core's numbers, controls change them, bad input gives a
translated error in both languages, the smart-contract player steps through the ledger, the URL sets the scenario."""
import base64
import json

import numpy as np
import pytest

from core import insurance as ins
from tests.apptest import error_texts, raw_keys_on_screen, run_page
from ui import i18n

PAGE = "pages/3_insurance.py"


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def T(lang, key, **params):
    return i18n.translate(lang, key, **params)


def values(data) -> list:
    """A plotly array from the chart's JSON: a plain list, or a typed array {dtype, bdata}."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_defaults_quote_core_numbers(lang):
    at = run_page(PAGE, lang)
    assert not at.exception and not error_texts(at)
    assert raw_keys_on_screen(at, lang) == []
    assert [t.label for t in at.tabs][:5] == [T(lang, f"insurance.tab.{k}") for k in
                                               ("price", "ruin", "param", "mutual", "ubi")]
    m = metrics(at)
    # tab 1: p = 3 %, ¥12, expected value principle, θ = 0.3 → E[X] = ¥0.36, P = ¥0.468
    assert m[T(lang, "insurance.price.pure")] == "¥0.36"
    assert m[T(lang, "insurance.price.premium")] == "¥0.47"
    # tab 2: θ = 0.3, μ = 5, u = 10 → ψ(10) = 0.48486
    assert m[T(lang, "insurance.ruin.psi_exact")] == "48.49%"
    sim = ins.simulate_ruin(10.0, 0.3, 5.0, 1.0, 200.0, 2000, 7)
    assert m[T(lang, "insurance.ruin.psi_mc")] == f"{sim.estimate * 100:.2f}%"
    # tab 3: the pool of the default scenario
    run = ins.run_parametric_pool(ins.simulate_flights(30, 0.35, 100.0, 28), 2500, 20_000, 120, 100_000)
    assert m[T(lang, "insurance.param.paid")] == i18n.format_money(run.paid_fen, lang)
    # tab 4: the first share of the default mutual-aid plan
    df = ins.simulate_mutual_aid(ins.MutualAidParams())
    assert m[T(lang, "insurance.mutual.first_share")] == i18n.format_money(int(df["share_fen"].iloc[0]), lang)
    # the quiz is there
    assert len([r for r in at.radio if r.key and r.key.startswith("quiz_insurance_")]) == 4

    # θ = 0 in the ruin model: a translated explanation, not a crash
    psi_before = metrics(at)[T(lang, "insurance.price.premium")]
    at.slider(key="ins_theta").set_value(0.0).run()
    assert not at.exception
    errors = error_texts(at)
    assert errors == [T(lang, "errors.insurance_theta", value=0.0)]
    assert "ψ(u) = 1" in errors[0]
    # the other tabs keep working
    assert metrics(at)[T(lang, "insurance.price.premium")] == psi_before
    at.slider(key="ins_theta").set_value(0.5).run()
    assert not error_texts(at)
    assert metrics(at)[T(lang, "insurance.ruin.psi_exact")] == \
        f"{ins.ruin_probability_exponential(10, 0.5, 5) * 100:.2f}%"


def test_switching_principle_and_loading_reprices():
    at = run_page(PAGE, "en")
    at.radio(key="ins_principle").set_value("variance").run()
    at.slider(key="ins_loading_variance").set_value(0.1).run()
    expected = ins.micro_premium("variance", 0.03, 12.0, 0.1)
    assert metrics(at)["Premium P"] == f"¥{expected:,.2f}"
    at.radio(key="ins_principle").set_value("std_dev").run()
    at.slider(key="ins_loading_std_dev").set_value(0.5).run()
    assert metrics(at)["Premium P"] == f"¥{ins.micro_premium('std_dev', 0.03, 12.0, 0.5):,.2f}"
    assert at.query_params["pr"] in ("std_dev", ["std_dev"])
    # a tiny market: 100 policies at 15 % returns → the losing-day probability is core's exact binomial
    at.number_input(key="ins_n").set_value(100).run()
    at.slider(key="ins_p").set_value(15.0).run()
    prem = ins.micro_premium("std_dev", 0.15, 12.0, 0.5)
    assert metrics(at)["P(a day loses money)"] == f"{ins.underwriting_loss_probability(100, 0.15, 12.0, prem) * 100:.2f}%"

    # mutual aid without a fee: the share and the chart follow core
    at.slider(key="ins_fee").set_value(0.0).run()
    df = ins.simulate_mutual_aid(ins.MutualAidParams(fee_rate=0.0))
    assert metrics(at)["Share, first period"] == i18n.format_money(int(df["share_fen"].iloc[0]), "en")
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bars = [tr for spec in charts for tr in spec["data"] if tr.get("name") == "mutual-aid share"]
    assert bars and values(bars[0]["y"])[:3] == pytest.approx([v / 100 for v in df["share_fen"].iloc[:3]])

    # usage-based pricing: a harsher driver gets core's factor, capped at ×1.5
    at.slider(key="ins_brakes").set_value(10.0).run()
    assert metrics(at)["Your telematics factor"] == f"× {ins.telematics_factor(10, 0.05, 0.05, 12_000):.2f}"
    at.slider(key="ins_speeding").set_value(50).run()
    assert metrics(at)["Your telematics factor"] == "× 1.50"


def test_parametric_player_steps_through_the_ledger():
    at = run_page(PAGE, "en")
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
    at.number_input(key="ins_cap").set_value(0).run()
    at.number_input(key="ins_pay").set_value(5000).run()
    run = ins.run_parametric_pool(ins.simulate_flights(30, 0.35, 100.0, 28), 2500, 500_000, 120, 0)
    assert run.shortfall_fen > 0
    warnings = [str(w.value) for w in at.warning]
    assert T("en", "insurance.param.short_warning", short=run.shortfall_fen) in warnings


def test_url_opens_the_prepared_scenario():
    at = run_page(PAGE, "en", params={"u": 20, "th": 0.5, "mu": 4, "nf": 12, "m0": 500000, "pr": "std_dev",
                                      "present": 1})
    assert "About this chapter" in [e.label for e in at.expander]      # presenter mode folds the long intro
    assert at.slider(key="ins_u").value == 20.0
    assert at.slider(key="ins_theta").value == 0.5
    assert at.slider(key="ins_nf").value == 12
    assert at.number_input(key="ins_m0").value == 500_000
    assert at.radio(key="ins_principle").value == "std_dev"
    assert metrics(at)["ψ(u) exact"] == f"{ins.ruin_probability_exponential(20, 0.5, 4) * 100:.2f}%"
