"""IoT payment (core.iot) and the payments page's iot and history tabs.

Core: a valid signed order is accepted and moves exactly its amount; a forged signature, a replayed order,
an order over a limit, an order from a revoked device and one beyond the wallet are refused with the first
failed check named; money is conserved in every run.  Page: both new tabs open in both languages and quote
this run's numbers."""
import pandas as pd
import pytest

from core import crypto, iot
from core.errors import InputError
from tests.apptest import ROOT, error_texts, happened_texts, run_page
from ui import i18n

PAGE = "pages/1_payments.py"
KEY = iot.device_private_key(7)
PUB = crypto.public_key(KEY)


def platform(balance_fen: int = 10_000, per_tx: int = 5_000, daily: int = 8_000) -> iot.IotPlatform:
    p = iot.IotPlatform({"owner": balance_fen})
    p.register("car-1", PUB, "owner", per_tx, daily)
    return p


def order(amount_fen: int, counter: int, minute: int = 480, merchant: str = "toll-1") -> tuple[bytes, bytes]:
    message = iot.order_bytes("car-1", merchant, amount_fen, counter, minute)
    return message, iot.sign_order(KEY, message)


def test_order_bytes_are_canonical_json():
    assert iot.order_bytes("car-1", "toll-1", 1500, 1, 7 * 60 + 40) == (
        b'{"amount_fen":1500,"counter":1,"device":"car-1","merchant":"toll-1","time":"2026-11-30T07:40"}')
    assert iot.clock(2 * 1440 + 61) == "2026-12-02T01:01"


def test_valid_order_is_accepted_and_moves_exactly_its_amount():
    p = platform()
    d = p.authorise(*order(1234, 1))
    assert d.accepted and d.reason == "accepted"
    assert [c[1] for c in d.checks] == [True] * 7
    assert p.balances == {"owner": 10_000 - 1234, "toll-1": 1234}
    assert p.total() == 10_000


def test_forged_signature_is_refused_and_nothing_moves():
    p = platform()
    message, signature = order(1000, 1)
    tampered = message.replace(b"toll-1", b"shop-x")
    d = p.authorise(tampered, signature)
    assert not d.accepted and d.reason == "signature"
    assert [c[1] for c in d.checks] == [True, False, None, None, None, None, None]
    # a key the platform does not know signs a well-formed order: refused the same way
    other = iot.device_private_key(8)
    d2 = p.authorise(message, iot.sign_order(other, message))
    assert d2.reason == "signature"
    assert p.balances == {"owner": 10_000}


def test_replayed_order_is_refused_although_its_signature_is_valid():
    p = platform()
    message, signature = order(1000, 1)
    assert p.authorise(message, signature).accepted
    again = p.authorise(message, signature)
    assert again.reason == "counter"
    assert [c[1] for c in again.checks][:4] == [True, True, True, False]
    assert p.balances["owner"] == 9_000
    # a lower counter from the real device is refused too; a higher one passes
    assert p.authorise(*order(100, 0)).reason == "counter"
    assert p.authorise(*order(100, 5)).accepted


def test_limits_are_refused_and_a_refused_counter_is_spent():
    p = platform(per_tx=5_000, daily=8_000)
    assert p.authorise(*order(5_001, 1)).reason == "per_tx"
    assert p.authorise(*order(5_000, 2)).accepted
    assert p.authorise(*order(3_001, 3)).reason == "daily"        # 5,000 + 3,001 > 8,000
    assert p.authorise(*order(3_000, 4)).accepted                 # exactly the limit
    # the next day the limit has room again, but the refused order #3 cannot be replayed
    message, signature = order(3_001, 3, minute=1440 + 480)
    assert p.authorise(message, signature).reason == "counter"
    assert p.authorise(*order(3_001, 6, minute=1440 + 480)).reason == "balance"   # wallet holds 2,000
    assert p.total() == 10_000


def test_revoked_device_is_refused_after_the_revocation_only():
    p = platform()
    assert p.authorise(*order(100, 1, minute=600)).accepted
    p.revoke("car-1", 700)
    assert p.authorise(*order(100, 2, minute=701)).reason == "not_revoked"
    # an order the car signed before the report (say, delayed in a tunnel) still counts
    assert p.authorise(*order(100, 3, minute=650)).accepted


def test_unknown_device_and_garbage_are_refused():
    p = platform()
    message = iot.order_bytes("car-2", "toll-1", 100, 1, 480)
    assert p.authorise(message, iot.sign_order(KEY, message)).reason == "registered"
    assert p.authorise(b"not an order", b"\x30\x00").reason == "registered"


@pytest.mark.parametrize("seed", [0, 42, 2026])
def test_scenario_conserves_money_and_shows_every_defence(seed):
    trace = iot.simulate(seed)
    s = iot.summary(trace)
    assert s["total_start_fen"] == s["total_end_fen"] == 30_000
    assert s["wallet_start_fen"] - s["wallet_end_fen"] == s["accepted_fen"]
    assert sum(trace.meta["balances"].values()) == 30_000
    by = s["by_reason"]
    assert by["signature"] == 1 and by["counter"] == 1 and by["per_tx"] == 1 and by["daily"] == 1
    assert by["not_revoked"] == 3                                  # the thief's three orders
    assert s["orders"] == 15 and by["accepted"] + by["balance"] == 8   # a seed with dear days may empty the wallet
    frame = iot.run_frame(trace)
    assert list(frame["decision"]).count("accepted") == by["accepted"]
    # every accepted row's signed bytes verify against the device's registered key
    pub = bytes.fromhex(trace.meta["public_key"])
    for step in trace:
        if step.state.get("kind") == "order" and step.state["who"] in ("device", "replay"):
            assert crypto.verify(pub, step.state["message"].encode(), bytes.fromhex(step.state["signature"]))


def test_scenario_without_attacks_and_with_a_small_wallet():
    s = iot.summary(iot.simulate(42, stolen=False, replay=False, forge=False, balance_fen=20_000))
    assert s["orders"] == 13 and s["by_reason"]["not_revoked"] == 0 and s["by_reason"]["balance"] >= 1
    assert s["total_end_fen"] == 20_000


@pytest.mark.parametrize("kwargs, key", [({"per_tx_limit_fen": 0}, "payments_iot_limit"), ({"daily_limit_fen": -5}, "payments_iot_limit"),
                                         ({"balance_fen": -1}, "payments_iot_balance"), ({"seed": -1}, "payments_iot_seed")])
def test_bad_scenario_input_raises_a_translated_error(kwargs, key):
    with pytest.raises(InputError) as err:
        iot.simulate(**kwargs)
    assert err.value.key == key
    for lang in i18n.LANGS:
        assert f"errors.{key}" in i18n.catalog(lang)


def test_bad_order_input_raises():
    with pytest.raises(InputError):
        iot.order_bytes("car-1", "toll-1", 0, 1, 0)
    with pytest.raises(InputError):
        iot.order_bytes("car-1", "toll-1", 1.5, 1, 0)
    with pytest.raises(InputError):
        platform().register("car-9", b"\x02" + b"\x00" * 32, "owner", 100, 100)


def test_history_table_is_dated_and_sourced():
    df = pd.read_csv(ROOT / "data" / "payments_history.csv", dtype=str, keep_default_na=False)
    assert {"date", "category", "title_zh", "title_en", "kind", "value", "source"} <= set(df.columns)
    assert (df["source"].str.contains("http")).all()
    dates = {row.id: row.date for row in df.itertuples()}
    assert dates["order_no2_2010"].startswith("2010") and dates["first_licences_2011"] == "2011-05-26"
    assert dates["netsunion_2018"] == "2018-06-30" and dates["reserve_100_2019"] == "2019-01-14"
    assert dates["regulations_effective_2024"] == "2024-05-01"
    assert any(d.startswith("2025") for d in df["date"])


# ---------------------------------------------------------------- the page
def open_tab(lang: str, tab: str, **params):
    at = run_page(PAGE, lang, params={"tab": tab, **params})
    label = i18n.catalog(lang)[f"payments.tab.{tab}"]
    if [t.label for t in at.tabs if len(t.children) > 0] != [label]:
        at.query_params["tab"] = tab
        at.run()
    assert [t.label for t in at.tabs if len(t.children) > 0] == [label]
    assert not at.exception and not error_texts(at)
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_iot_tab_opens_and_quotes_this_run(lang):
    at = open_tab(lang, "iot")
    s = iot.summary(iot.simulate(42))
    text = happened_texts(at)[0]
    assert i18n.format_money(s["accepted_fen"], lang) in text
    assert i18n.format_money(s["total_end_fen"], lang) in text
    assert len(at.get("plotly_chart")) >= 2


def test_iot_player_walks_every_step_and_shows_the_checks():
    at = open_tab("en", "iot")
    trace = iot.simulate(42)
    reasons = []
    for _ in range(len(trace) - 1):
        at.button(key="pay_iot_next").click().run()
        assert not at.exception
        reasons += [str(w.value) for w in at.warning]
    assert any("replay" in r for r in reasons) and any("revoked" in r for r in reasons)
    assert any("signature does not match" in r for r in reasons)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_history_tab_opens_in_both_languages(lang):
    at = open_tab(lang, "history")
    text = happened_texts(at)[0]
    # all years: CNNIC's 416 million (2015-12) to more than 1 billion (2024-12); PBOC 2017 → 2022
    want = {"en": ("416 million", "more than 1 billion", "286.7 billion", "1,024.2 billion"),
            "zh": ("4.16亿", "超过10亿", "2,867.47亿笔", "10,241.81亿笔")}[lang]
    for figure in want:
        assert figure in text
    assert len(at.get("plotly_chart")) >= 2          # the replayed timeline and the adoption chart


def test_history_years_outside_the_figures_say_so():
    at = open_tab("en", "history")
    at.slider(key="pyears").set_value((2003, 2010)).run()
    assert "no adoption figures" in happened_texts(at)[0] and not at.exception
    at.slider(key="pyears").set_value((2016, 2019)).run()
    text = happened_texts(at)[0]
    assert "531 million (2017-12) to 633 million (2019-06)" in text and "720.0 billion (2019)" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chapter_map_scores_the_decks_headings(lang):
    at = open_tab(lang, "iot")
    tabs = ["lifecycle", "clearing", "encryption", "identity", "risk", "crossborder", "future", "iot", "history"]
    at.selectbox(key="chmap_iot").set_value(tabs.index("iot")).run()
    at.selectbox(key="chmap_blockchain").set_value(tabs.index("crossborder")).run()
    at.selectbox(key="chmap_history").set_value(tabs.index("risk")).run()       # wrong on purpose
    cat = i18n.catalog(lang)
    score = cat["payments.map.score"].format(right=2, total=10)
    assert score in [str(c.value) for c in at.caption]
    wrong = cat["payments.map.wrong"].format(tab=cat["payments.tab.history"])
    assert any(wrong in str(c.value) for c in at.caption) and not at.exception
