"""AppTest of the blockchain page: key interactions, values shown, errors in both languages."""
import pytest

from core import blockchain as bc
from core import consensus as cs
from tests.apptest import error_texts, happened_texts, rerun, run_page
from ui import i18n

PAGE = "pages/4_blockchain.py"


def texts(at):
    return " ".join([str(m.value) for m in at.markdown] + [str(s.value) for s in at.success] +
                    [str(c.value) for c in at.caption])


def metrics(at):
    return {m.label: m.value for m in at.metric}


def open_tab(at, name):
    """Open another tab in the same session, by its URL name (only the open tab runs)."""
    at.query_params["tab"] = name
    return rerun(at)


def open_page(lang="en", tab=None, **params):
    """The page opened by a link ``?tab=<tab>&<params>``.

    ``run_page`` runs app.py first, whose own tabs drop a ``?tab=`` they do not know; if the tab did not
    survive that, it is opened once the page runs, as a click on it would.
    """
    at = run_page(PAGE, lang, params={**({"tab": tab} if tab else {}), **params})
    if tab and query(at, "tab") != tab and tab != "hash":
        open_tab(at, tab)
    return at


def query(at, name):
    """The URL's value of ``name`` (None if absent), whichever shape AppTest gives it."""
    value = at.query_params.get(name)
    return value[-1] if isinstance(value, list) and value else value


def keys_of(widgets):
    return {w.key for w in widgets}


def test_each_tab_shows_core_values_and_only_the_open_tab_runs():
    at = run_page(PAGE, "en")                              # the first tab: hash
    assert not at.exception and not at.error
    flips = bc.avalanche("Hello, blockchain", "Hello, blockchain!")["count"]
    assert metrics(at)["Bits that differ"] == f"{flips} / 256"
    assert "Expected tries 16^d" not in metrics(at) and "bc_job" not in at.session_state
    open_tab(at, "mining")
    assert metrics(at)["Expected tries 16^d"] == "65,536"
    assert "Bits that differ" not in metrics(at)
    assert "bc_job" not in at.session_state          # nothing is mined on first load
    open_tab(at, "network")
    found = metrics(at)
    assert found["Nakamoto's formula (Poisson)"] == f"{bc.attacker_success_probability(0.3, 6):.7f}" == "0.1321112"
    assert found["Exact race (negative binomial)"] == f"{cs.exact_race_probability(0.3, 6):.7f}"
    assert found["Monte Carlo"] == f"{cs.monte_carlo_race(0.3, 6, 10000, 42)['rate']:.5f}"
    assert "Every value of the paper's three tables is reproduced" in texts(at)
    open_tab(at, "economics")
    assert metrics(at)["Total that will ever exist"] == "20,999,999.97690000 BTC"
    assert not at.exception and not at.error


def test_mining_button_finds_the_same_nonce_as_core():
    at = open_page("en", "mining")
    at.slider(key="diff").set_value(3).run()
    at.button(key="bc_mine_go").click().run()
    job = at.session_state["bc_job"]
    expected = bc.mine(bc.Block(1, bc.CHAIN_START_TIME, "Alice → Bob 10", "0" * 64).prefix(), 3)
    assert job["found"] == expected.nonce and job["tries"] == expected.tries
    assert any(f"{expected.nonce:,}" in str(s.value) for s in at.success)
    # the browser writes a bound widget's value into the URL (AppTest has none): the slider is bound to ?diff=,
    # and a link with ?diff=3 opens difficulty 3 (test_scenario_link_opens_the_same_scenario_in_every_tab)
    assert at.slider(key="diff").proto.query_param_key == "diff" and at.slider(key="diff").value == 3


def test_editing_a_block_breaks_the_chain_and_repair_fixes_it():
    at = open_page("en", "chain")
    gen = at.session_state["bc_chain_gen"]
    at.text_input(key=f"bc_chain_data_{gen}_1").set_value("Alice → Bob 500").run()
    caught = " ".join(str(w.value) for w in at.warning)   # a tamper caught is the lesson, not an app error
    assert "broken link" in caught and "rests on an invalid block" in caught and not error_texts(at)
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
    at = open_page(lang, "wallets")
    at.number_input(key="bc_tx_amount").set_value(10.0).run()
    at.button(key="bc_tx_send").click().run()
    ledger = at.session_state["bc_ledger"]
    assert len(ledger.mempool) == 1 and not error_texts(at)
    at.button(key="bc_tx_double").click().run()
    assert len(at.session_state["bc_ledger"].mempool) == 1
    want = i18n.translate(lang, "errors.blockchain_double_spend", coin="X", where="mempool").split("X")[0]
    assert any(want in str(w.value) for w in at.warning) and not error_texts(at)   # refused: the lesson, not an error
    at.button(key="bc_tx_mine").click().run()
    ledger = at.session_state["bc_ledger"]
    assert ledger.balance("Carol") == 10 * cs.COIN and ledger.balance("Dave") == 50 * cs.COIN + 10_000
    assert sum(ledger.balance(n) for n in ledger.names) == 150 * cs.COIN
    at.number_input(key="bc_tx_amount").set_value(1000.0).run()
    at.button(key="bc_tx_send").click().run()
    over = i18n.translate(lang, "errors.blockchain_overspend", wallet="Alice", balance=0.0, amount=0.0).split("Alice")[0]
    assert any(over in str(w.value) for w in at.warning) and not error_texts(at)
    assert at.session_state["bc_ledger"].balance("Alice") == 40 * cs.COIN - 10_000   # nothing was lost
    at.number_input(key="bc_tx_amount").set_value(0.0).run()
    at.button(key="bc_tx_send").click().run()
    assert any(i18n.translate(lang, "errors.blockchain_amount", amount=0)[:6] in e for e in error_texts(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_private_keys_and_headers_are_explained(lang):
    at = open_page(lang, "keys")
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
    open_tab(at, "bitcoin")
    at.radio(key="bc_hdr_preset").set_value("own").run()
    at.text_area(key="bc_hdr_text").set_value("0100abc").run()
    assert any(i18n.translate(lang, "errors.blockchain_hex_length", what="X", expected=160, actual=7).split("X")[-1]
               in e for e in error_texts(at))


def test_pasted_header_of_block_100001_is_verified():
    at = open_page("en", "bitcoin")
    at.radio(key="bc_hdr_preset").set_value("100001").run()
    assert any("Matches the published hash of Block 100001" in str(s.value) for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Hash ≤ target?"] == "yes"
    assert metrics["Difficulty"] == "14,484.16"


def test_race_controls_update_the_formula():
    at = open_page("en", "network")
    at.slider(key="q").set_value(0.1).run()
    at.slider(key="z").set_value(5).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Nakamoto's formula (Poisson)"] == "0.0009137"
    mc = cs.monte_carlo_race(0.1, 5, 10000, 42)
    assert metrics["Monte Carlo"] == f"{mc['rate']:.5f}"


def test_scenario_link_opens_the_same_scenario_in_every_tab():
    link = {"seed": "7", "diff": "3", "lotd": "3", "rounds": "50", "blocks": "6", "cdiff": "2", "peers": "7",
            "q": "0.1", "z": "5", "ntx": "9", "wallets": "3", "epochs": "20", "change": "4", "factor": "6.0"}
    at = open_page("en", "network", **link)
    assert not at.exception and not at.error
    assert at.number_input(key="seed").value == 7
    assert at.slider(key="peers").value == 7 and at.slider(key="q").value == 0.1 and at.slider(key="z").value == 5
    assert metrics(at)["Monte Carlo"] == f"{cs.monte_carlo_race(0.1, 5, 10000, 7)['rate']:.5f}"
    open_tab(at, "mining")
    assert at.slider(key="diff").value == 3 and at.select_slider(key="lotd").value == 3
    assert at.slider(key="rounds").value == 50
    open_tab(at, "chain")
    assert at.slider(key="blocks").value == 6 and at.slider(key="cdiff").value == 2
    chain = at.session_state["bc_chain"]
    assert len(chain) == 6 and all(s["valid"] for s in bc.validate_chain(chain, 2))
    open_tab(at, "merkle")
    assert at.slider(key="ntx").value == 9
    open_tab(at, "wallets")
    assert at.slider(key="wallets").value == 3 and len(at.session_state["bc_ledger"].names) == 3
    open_tab(at, "economics")
    assert at.slider(key="epochs").value == 20 and at.slider(key="change").value == 4
    assert at.select_slider(key="factor").value == 6.0
    assert not at.exception and not at.error
    # the open tab's scenario (and the page's seed) is in the URL, as the link gave it
    assert {name: query(at, name) for name in ("seed", "epochs", "change", "factor")} == {
        "seed": "7", "epochs": "20", "change": "4", "factor": "6.0"}


def test_bad_scenario_values_are_dropped_for_the_defaults():
    at = open_page("en", "network", q="0.9", z="-3", peers="50", seed="abc", diff="abc", lotd="3", rounds="500",
                   factor="7")
    assert not at.exception and not at.error
    assert at.slider(key="q").value == 0.3 and at.slider(key="z").value == 6
    assert at.slider(key="peers").value == 5 and at.number_input(key="seed").value == 42
    assert all(query(at, name) is None for name in ("q", "z", "peers", "seed"))     # removed from the URL
    open_tab(at, "mining")
    assert at.slider(key="diff").value == 4 and at.select_slider(key="lotd").value == 3
    assert at.slider(key="rounds").value == 40                 # 500 is beyond difficulty 3's range: its default
    open_tab(at, "economics")
    assert at.select_slider(key="factor").value == 2.0
    assert not at.exception and not at.error


def test_controls_and_the_wallets_keep_their_values_across_tab_switches():
    at = open_page("en", "wallets")
    at.slider(key="wallets").set_value(5).run()
    at.number_input(key="bc_tx_amount").set_value(7.0).run()
    at.button(key="bc_tx_send").click().run()
    assert len(at.session_state["bc_ledger"].mempool) == 1
    open_tab(at, "hash")
    assert "bc_tx_amount" not in keys_of(at.number_input) and "wallets" not in keys_of(at.slider)
    at.text_input(key="bc_hash_a").set_value("Hello, class").run()
    open_tab(at, "wallets")
    assert at.number_input(key="bc_tx_amount").value == 7.0 and at.slider(key="wallets").value == 5
    ledger = at.session_state["bc_ledger"]
    assert len(ledger.names) == 5 and len(ledger.mempool) == 1 and ledger.mempool[0].outputs[0].amount == 7 * cs.COIN
    open_tab(at, "hash")
    assert at.text_input(key="bc_hash_a").value == "Hello, class"
    assert metrics(at)["Bits that differ"] == f"{bc.avalanche('Hello, class', 'Hello, blockchain!')['count']} / 256"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_lucky_edit_is_shown_as_changed_not_as_the_accepted_chain(lang):
    """At difficulty 1 one edit in 16 keeps a valid hash: "Dave → Eve 1" in the last block does. The block is
    shown as a valid proof of work that differs from the accepted block, never as "all blocks are valid"."""
    at = open_page(lang, "chain", cdiff=1)
    at.slider(key="cdiff").set_value(1).run()
    gen = at.session_state["bc_chain_gen"]
    accepted = at.session_state["bc_chain_accepted"]
    at.text_input(key=f"bc_chain_data_{gen}_4").set_value("Dave → Eve 1").run()
    chain = at.session_state["bc_chain"]
    status = bc.validate_chain(chain, 1, accepted)
    assert all(s["valid"] for s in status) and status[4]["changed"]            # the lucky case
    assert not at.exception and not at.error
    warned = " ".join(str(w.value) for w in at.warning)
    assert i18n.translate(lang, "blockchain.chain.reason.changed_valid", accepted="X").split("X")[0] in warned
    info = " ".join(str(i.value) for i in at.info)
    assert i18n.translate(lang, "blockchain.chain.lucky", blocks="5", d=1, per=16, genesis=4295032833,
                          b100k=62209952899966)[:12] in info
    happened = " ".join(str(s.value) for s in at.success)
    assert i18n.translate(lang, "blockchain.chain.happened_ok", total=5, tries=0, d=1)[:10] not in happened


def test_a_header_whose_target_decodes_to_zero_is_explained():
    at = open_page("en", "bitcoin")
    at.radio(key="bc_hdr_preset").set_value("own").run()
    header = bc.serialize_header(1, "0" * 64, "0" * 64, 1231006505, 0x01003456, 0).hex()
    at.text_area(key="bc_hdr_text").set_value(header).run()
    assert not at.exception
    assert any(i18n.translate("en", "errors.blockchain_bits", bits="01003456")[:20] in e for e in error_texts(at))


def test_the_signature_tab_teaches_malleability_and_refuses_the_twin():
    for lang in ("en", "zh"):
        at = open_page(lang, "keys")
        shown = " ".join(str(m.value) for m in at.markdown)
        assert i18n.translate(lang, "blockchain.keys.twin_refused") in shown
        assert "BIP 146" in shown


def test_players_tell_the_outcome_at_their_last_step():
    """Issue 12: the fork's outcome and the Merkle proof's verdict are the last step's news, not shown before."""
    at = open_page("en", "network")
    fork = "became an orphan"
    assert not any(fork in t for t in happened_texts(at))
    at.button(key="bc_net_last").click().run()
    assert any(fork in t for t in happened_texts(at))
    open_tab(at, "merkle")
    assert not any("folding them into" in t for t in happened_texts(at))
    at.button(key="bc_mk_player_last").click().run()
    assert any("folding them into" in t and "valid = yes" in t for t in happened_texts(at))
