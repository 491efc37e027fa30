"""AppTest of the internet-payments page: key interactions, translated refusals, numbers from core."""
import json

import pytest

from core import biometrics, payments, risk
from tests.apptest import error_texts, happened_texts, run_page
from ui import i18n

PAGE = "pages/1_payments.py"


def open_tabs(at) -> list[str]:
    """Labels of the tabs that ran (only the open one has content)."""
    return [t.label for t in at.tabs if len(t.children) > 0]


def open_page(lang: str, tab: str, **params):
    """The page with ``?tab=<tab>`` (only that tab runs) and any scenario parameters.

    run_page runs app.py first, and the home page's own tabs drop a ``?tab=`` they do not know before
    the switch to this page; if the tab did not arrive, open it the way a click does and run again."""
    at = run_page(PAGE, lang, params={"tab": tab, **params})
    label = i18n.catalog(lang)[f"payments.tab.{tab}"]
    if open_tabs(at) != [label]:
        at.query_params["tab"] = tab
        at.run()
    assert open_tabs(at) == [label] and not at.exception
    return at


@pytest.fixture(scope="module")
def en():
    return run_page(PAGE, "en")


def test_lifecycle_quotes_this_runs_numbers(en):
    text = happened_texts(en)[0]
    # ¥388.00 paid, 0.60 % fee = ¥2.33 (half up), the merchant receives ¥385.67; reserve ¥700.00 at the end
    for figure in ("¥1,000.00", "¥388.00", "¥2.33", "¥385.67", "¥88.00", "¥700.00"):
        assert figure in text
    assert not en.exception and not en.error


def refusal_texts(at) -> list[str]:
    """The platform's refusals: expected outcomes of the lesson, shown as warnings (not app errors)."""
    return [str(w.value) for w in at.warning]


@pytest.mark.parametrize("lang, word", [("en", "Luhn"), ("zh", "Luhn")])
def test_bad_card_is_refused_in_both_languages_and_the_refusal_replaces_the_run(lang, word):
    at = run_page(PAGE, lang)
    assert happened_texts(at)
    at.text_input(key="life_card").input("6222020200112345670").run()
    refusals = refusal_texts(at)
    assert len(refusals) == 1 and word in refusals[0] and "9" in refusals[0]
    if lang == "zh":
        assert "注册未完成" in refusals[0]
    assert not error_texts(at)
    assert not happened_texts(at)        # no earlier run stays on screen as if it were this one


def test_expired_code_and_bad_id_are_explained():
    at = run_page(PAGE, "en")
    at.radio(key="life_code").set_value("expired").run()
    assert any("expired" in e for e in refusal_texts(at))
    at.radio(key="life_code").set_value("correct").run()
    at.text_input(key="life_id").input("110105194912310021").run()
    assert any("should be X" in e for e in refusal_texts(at))


def test_try_it_refusal_leaves_the_books_and_success_posts():
    at = run_page(PAGE, "en")
    # the try-it balances (this was dataframe[1] when every tab ran: the password table, which never moves)
    table = at.dataframe[0].value.copy()
    assert list(table.columns) == ["Account", "Balance"]
    at.radio(key="try_op").set_value("pay").run()
    at.number_input(key="try_amount").set_value(50.0).run()
    at.button(key="try_go").click().run()
    assert any("Refused" in e and "Nothing was posted" in e for e in refusal_texts(at))
    assert at.dataframe[0].value.equals(table)                    # balances exactly as they were
    at.radio(key="try_op").set_value("top_up").run()
    at.number_input(key="try_amount").set_value(120.0).run()
    at.button(key="try_go").click().run()
    assert not error_texts(at)
    assert any("top-up of ¥120.00" in i.value for i in at.info)
    status = [m.value for m in at.markdown if m.value.startswith(("✅", "❌")) and "business day" in m.value][0]
    assert status.startswith("✅") and "Reserve ¥120.00 = customer balances ¥120.00" in status
    at.number_input(key="try_amount").set_value(0.0).run()
    at.button(key="try_go").click().run()
    assert any("greater than zero" in e for e in refusal_texts(at))


def test_risk_threshold_moves_the_metrics_to_core_values():
    at = open_page("en", "risk", thr=40)
    stream = risk.generate_stream(7, 300, 7, 40)
    scores = risk.score(stream)
    for threshold in (40, 80):
        if threshold != 40:
            at.slider(key="thr").set_value(threshold).run()
        c = risk.confusion(stream["is_fraud"], scores, threshold)
        metrics = {}
        for m in at.metric:                                       # the first "Alerts" is the whole stream's
            metrics.setdefault(m.label, m.value)
        assert metrics["Alerts"] == f"{c['alerts']:,}"
        assert metrics["Missed frauds"] == f"{c['fn']:,}"
    # the threshold is bound to ?thr= (the browser writes it to the URL): a link with thr=80 opens this scenario
    assert at.slider(key="thr").proto.query_param_key == "thr" and at.slider(key="thr").value == 80
    shared = open_page("en", "risk", thr=80)
    assert {m.label: m.value for m in shared.metric}["Missed frauds"] == metrics["Missed frauds"]
    assert shared.slider(key="thr").value == 80
    costs = risk.cost_curve(stream, scores, 20.0, list(range(0, 171, 5)))
    best = costs.loc[costs["total"].idxmin()]
    cheapest = [m for m in at.metric if m.label.startswith("Cheapest threshold")][0]
    assert cheapest.label == f"Cheapest threshold: {int(best['threshold'])} points"
    assert cheapest.value == f"¥{best['total']:,.2f}"
    at.slider(key="thr").set_value(170).run()                 # above the highest possible score
    assert any("no payment raised an alert" in t for t in happened_texts(at))


def test_tampered_ciphertext_is_refused_with_translated_message():
    at = open_page("zh", "encryption")
    at.radio(key="enc_attack").set_value("amount").run()
    assert not refusal_texts(at)                                   # the verdict waits for the player's last step
    at.button(key="pay_gcm_last").click().run()
    assert any("认证" in e for e in refusal_texts(at)) and not error_texts(at)
    codes = [c.value for c in at.code]
    assert any('"amount_fen":90000' in c for c in codes)          # what a tag-less receiver would read


def test_scenario_from_the_url_biometrics_and_links():
    at = open_page("en", "future", bthr=60, dprime=2.5, bseed=5)
    sc = biometrics.simulate_scores(5, 5_000, 50_000, 2.5, 1.0)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["False accept rate (FAR)"] == f"{biometrics.far(sc['impostor'], 60) * 100:.2f}%"
    assert metrics["False reject rate (FRR)"] == f"{biometrics.frr(sc['genuine'], 60) * 100:.2f}%"
    at = open_page("en", "clearing", inst=65, banks=248)
    metrics = {m.label: m.value for m in at.metric}
    # NetsUnion at the end of 2017: 65 institutions, 248 banks
    assert metrics["Direct links N × M"] == f"{payments.direct_links(65, 248):,}" == "16,120"
    assert metrics["Links through a switch N + M"] == "313"
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    links = [f for f in figs if any(t.get("name") == "Direct links N × M" for t in f["data"])][0]
    chosen = [t for t in links["data"] if t.get("mode") == "markers" and len(t.get("x", [])) == 2][0]
    assert chosen["x"] == [65, 65] and chosen["y"] == [16_120, 313]


def test_totp_box_accepts_the_shown_code_and_explains_bad_ones():
    at = open_page("en", "identity")
    code = [m.value for m in at.metric if m.label == "Current code"][0]
    assert len(code) == 6 and code.isdigit()
    at.text_input(key="id_otp").input(code).run()
    assert any("Code accepted" in s.value for s in at.success) and not error_texts(at)
    at.text_input(key="id_otp").input("12a456").run()
    assert any("6 digits" in e for e in error_texts(at))


def test_empty_password_is_explained_and_the_signature_part_stays():
    at = open_page("zh", "identity")
    at.text_input(key="id_password").input("").run()
    assert any("密码应为 1 到 64 个字符" in e for e in error_texts(at))
    assert any("字节的签名验证通过" in s.value for s in at.success)


# the URL parameter names of the scenario controls, per tab: the names used before issue 8, so old links still work
URL_SCENARIOS = {
    "lifecycle": {"fee": 25, "seed": 1234},
    "clearing": {"inst": 65, "banks": 248},
    "encryption": {"seed": 1234},
    "identity": {"seed": 1234},
    "risk": {"rseed": 3, "cust": 500, "days": 3, "attacks": 10, "thr": 80, "review": 40},
    "crossborder": {"hops": 4},
    "future": {"bseed": 5, "dprime": 2.5, "bthr": 60.0},
}


def bound_controls(at) -> dict:
    """URL parameter name -> value of every control bound to the URL on screen."""
    return {w.proto.query_param_key: w.value for kind in ("slider", "number_input") for w in at.get(kind)
            if w.proto.query_param_key}


@pytest.mark.parametrize("tab", list(URL_SCENARIOS))
def test_each_tab_opens_its_scenario_from_an_old_link(tab):
    at = open_page("en", tab, **{k: v for t in URL_SCENARIOS.values() for k, v in t.items()})
    assert bound_controls(at) == URL_SCENARIOS[tab]


@pytest.mark.parametrize("bad", ["inf", "-inf", "1e309", "9" * 309, "nan", "abc", "-5", "99999"])
def test_bad_url_values_fall_back_to_the_defaults(bad):
    at = open_page("en", "risk", **{name: bad for name in ("rseed", "cust", "days", "attacks", "thr", "review")})
    assert bound_controls(at) == {"rseed": 7, "cust": 300, "days": 7, "attacks": 40, "thr": 50, "review": 20}
    stream = risk.generate_stream(7, 300, 7, 40)
    alerts = risk.confusion(stream["is_fraud"], risk.score(stream), 50)["alerts"]
    assert [m.value for m in at.metric if m.label == "Alerts"][0] == f"{alerts:,}"
    at = open_page("en", "future", bseed=bad, dprime=bad, bthr=bad)
    assert bound_controls(at) == {"bseed": 11, "dprime": 3.0, "bthr": 55.0}


def test_one_seed_for_the_lifecycle_encryption_and_identity_tabs():
    at = run_page(PAGE, "en")
    at.slider(key="seed").set_value(1234).run()
    at.query_params["tab"] = "encryption"
    at.run()
    assert at.slider(key="seed").value == 1234
    message = payments.payment_message("user-1024", "shop-88", 10_000, "A1234")
    assert message.decode() in [c.value for c in at.code]
    key = payments.encrypt_payment(1234, message)["key"].hex()
    assert any(key in m.value for m in at.markdown)
    at.query_params["tab"] = "identity"
    at.run()
    signature = payments.sign_order(1234, message)["signature"].hex()
    assert any(signature in c.value for c in at.code)


def test_controls_keep_their_values_when_the_student_comes_back_to_a_tab():
    at = open_page("en", "encryption")
    at.radio(key="enc_attack").set_value("amount").run()
    at.number_input(key="enc_amount").set_value(250.0).run()
    at.query_params["tab"] = "crossborder"
    at.run()
    assert {"enc_attack", "enc_amount"}.isdisjoint(w.key for w in [*at.radio, *at.number_input])   # encryption did not run
    at.slider(key="xb_leg").set_value(90).run()
    at.query_params["tab"] = "encryption"
    at.run()
    assert at.radio(key="enc_attack").value == "amount" and at.number_input(key="enc_amount").value == 250.0
    at.button(key="pay_gcm_last").click().run()                   # the tag-less reading is the last step's
    assert any('"amount_fen":95000' in c.value for c in at.code)   # the tampered order of ¥250.00 (first digit → 9)
    at.query_params["tab"] = "crossborder"
    at.run()
    assert at.slider(key="xb_leg").value == 90


def test_the_page_script_keeps_no_cache_and_builds_no_chart_itself():
    """The script runs again on every rerun: a cache defined in it is re-created (and its source re-read) each
    time, and a chart built in it is rebuilt; both belong in ui.draw_payments (imported once, charts shared)."""
    from tests.apptest import ROOT
    source = (ROOT / PAGE).read_text(encoding="utf-8")
    assert "st.cache_" not in source and "go.Figure" not in source and "plotly" not in source
