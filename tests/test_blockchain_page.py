"""AppTest of the blockchain page: key interactions, values shown, errors in both languages."""
import pytest

from core import blockchain as bc
from core import consensus as cs
from tests.apptest import error_texts, run_page
from ui import i18n

PAGE = "pages/4_blockchain.py"


def texts(at):
    return " ".join([str(m.value) for m in at.markdown] + [str(s.value) for s in at.success] +
                    [str(c.value) for c in at.caption])


@pytest.fixture(scope="module")
def page_en():
    return run_page(PAGE, "en")


def test_first_load_shows_core_values(page_en):
    at = page_en
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    flips = bc.avalanche("Hello, blockchain", "Hello, blockchain!")["count"]
    assert metrics["Bits that differ"] == f"{flips} / 256"
    assert metrics["Nakamoto's formula (Poisson)"] == f"{bc.attacker_success_probability(0.3, 6):.7f}" == "0.1321112"
    assert metrics["Exact race (negative binomial)"] == f"{cs.exact_race_probability(0.3, 6):.7f}"
    assert metrics["Expected tries 16^d"] == "65,536"
    assert metrics["Total that will ever exist"] == "20,999,999.97690000 BTC"
    assert "Every value of the paper's three tables is reproduced" in texts(at)
    assert "bc_job" not in at.session_state          # nothing is mined on first load


def test_mining_button_finds_the_same_nonce_as_core():
    at = run_page(PAGE, "en")
    at.slider(key="bc_mine_diff").set_value(3).run()
    at.button(key="bc_mine_go").click().run()
    job = at.session_state["bc_job"]
    expected = bc.mine(bc.Block(1, bc.CHAIN_START_TIME, "Alice → Bob 10", "0" * 64).prefix(), 3)
    assert job["found"] == expected.nonce and job["tries"] == expected.tries
    assert any(f"{expected.nonce:,}" in str(s.value) for s in at.success)
    assert at.query_params["diff"] in ("3", ["3"])


def test_editing_a_block_breaks_the_chain_and_repair_fixes_it():
    at = run_page(PAGE, "en")
    gen = at.session_state["bc_chain_gen"]
    at.text_input(key=f"bc_chain_data_{gen}_1").set_value("Alice → Bob 500").run()
    errors = " ".join(error_texts(at))
    assert "broken link" in errors and "rests on an invalid block" in errors
    assert sum(not s["valid"] for s in bc.validate_chain(at.session_state["bc_chain"], 3)) == 4
    at.button(key=f"bc_chain_remine_{gen}_1").click().run()       # re-mine block 2 only
    status = bc.validate_chain(at.session_state["bc_chain"], 3)
    assert status[1]["valid"] and status[2]["reasons"] == ["broken_link"]
    at.button(key="bc_chain_repair").click().run()
    chain = at.session_state["bc_chain"]
    assert all(s["valid"] for s in bc.validate_chain(chain, 3)) and chain[1].data == "Alice → Bob 500"
    assert at.session_state["bc_chain_work"]["tries"] > 0
    assert not error_texts(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wallet_payment_double_spend_and_overspend(lang):
    at = run_page(PAGE, lang)
    at.number_input(key="bc_tx_amount").set_value(10.0).run()
    at.button(key="bc_tx_send").click().run()
    ledger = at.session_state["bc_ledger"]
    assert len(ledger.mempool) == 1 and not error_texts(at)
    at.button(key="bc_tx_double").click().run()
    assert len(at.session_state["bc_ledger"].mempool) == 1
    want = i18n.translate(lang, "errors.blockchain_double_spend", coin="X", where="mempool").split("X")[0]
    assert any(want in e for e in error_texts(at))
    at.button(key="bc_tx_mine").click().run()
    ledger = at.session_state["bc_ledger"]
    assert ledger.balance("Carol") == 10 * cs.COIN and ledger.balance("Dave") == 50 * cs.COIN + 10_000
    assert sum(ledger.balance(n) for n in ledger.names) == 150 * cs.COIN
    at.number_input(key="bc_tx_amount").set_value(1000.0).run()
    at.button(key="bc_tx_send").click().run()
    over = i18n.translate(lang, "errors.blockchain_overspend", wallet="Alice", balance=0.0, amount=0.0).split("Alice")[0]
    assert any(over in e for e in error_texts(at))
    assert at.session_state["bc_ledger"].balance("Alice") == 40 * cs.COIN - 10_000   # nothing was lost
    at.number_input(key="bc_tx_amount").set_value(0.0).run()
    at.button(key="bc_tx_send").click().run()
    assert any(i18n.translate(lang, "errors.blockchain_amount", amount=0)[:6] in e for e in error_texts(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_private_keys_and_headers_are_explained(lang):
    at = run_page(PAGE, lang)
    at.text_input(key="bc_key_hex").set_value("0").run()
    assert i18n.translate(lang, "errors.blockchain_key_range") in error_texts(at)
    n_hex = f"{bc.crypto.SECP256K1_N:x}"
    at.text_input(key="bc_key_hex").set_value(n_hex).run()
    assert i18n.translate(lang, "errors.blockchain_key_range") in error_texts(at)
    at.text_input(key="bc_key_hex").set_value("xyz").run()
    assert any(i18n.translate(lang, "errors.blockchain_not_hex", what="X").split("X")[-1] in e
               for e in error_texts(at))
    at.text_input(key="bc_key_hex").set_value("1").run()
    assert not error_texts(at)
    assert any("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH" in str(s.value) for s in at.success)
    at.radio(key="bc_hdr_preset").set_value("own").run()
    at.text_area(key="bc_hdr_text").set_value("0100abc").run()
    assert any(i18n.translate(lang, "errors.blockchain_hex_length", what="X", expected=160, actual=7).split("X")[-1]
               in e for e in error_texts(at))


def test_pasted_header_of_block_100001_is_verified(page_en):
    at = page_en
    at.radio(key="bc_hdr_preset").set_value("100001").run()
    assert any("Matches the published hash of Block 100001" in str(s.value) for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Hash ≤ target?"] == "yes"
    assert metrics["Difficulty"] == "14,484.16"


def test_race_controls_update_the_formula(page_en):
    at = page_en
    at.slider(key="bc_q").set_value(0.1).run()
    at.slider(key="bc_z").set_value(5).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Nakamoto's formula (Poisson)"] == "0.0009137"
    mc = cs.monte_carlo_race(0.1, 5, 10000, 42)
    assert metrics["Monte Carlo"] == f"{mc['rate']:.5f}"


def test_scenario_link_is_read_and_clamped():
    at = run_page(PAGE, "en", params={"q": "0.9", "z": "-3", "peers": "50", "lotd": "3", "rounds": "500",
                                      "factor": "6.0", "diff": "abc", "seed": "7"})
    assert not at.exception and not at.error
    assert at.slider(key="bc_q").value == 0.45 and at.slider(key="bc_z").value == 0
    assert at.slider(key="bc_peers").value == 10 and at.slider(key="bc_lot_rounds").value == 60
    assert at.slider(key="bc_mine_diff").value == 4 and at.number_input(key="bc_seed").value == 7
    assert at.select_slider(key="bc_factor").value == 6.0
