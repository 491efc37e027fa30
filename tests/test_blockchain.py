"""core.blockchain / core.consensus / core.utxo against published values and invariants."""
import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import crypto
from core.blockchain import (Block, attacker_success_probability, avalanche, avalanche_sample, bits_to_target,
                             build_chain, check_header, difficulty_from_bits, edit_block, header_hash,
                             merkle_levels, merkle_proof, merkle_root, min_confirmations, mine_chunk,
                             mining_lottery, nakamoto_table, parse_header, repair_chain, serialize_header,
                             sha256_text, toy_txid, validate_chain, verify_merkle_proof)
from core.consensus import (block_subsidy, exact_race_probability, hash_power_path, majority_vote,
                            monte_carlo_race, network_trace, retarget_simulation, supply_at, supply_schedule,
                            tamper_copy)
from core.errors import InputError
from core.utxo import COIN, new_ledger

GENESIS = dict(version=1, prev_hash="0" * 64,
               merkle_root="4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
               timestamp=1231006505, bits=0x1D00FFFF, nonce=2083236893)
GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
# Bitcoin mainnet block 100 000 (4 transactions) and its successor 100 001
B100K = dict(version=1, prev_hash="000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250",
             merkle_root="f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766",
             timestamp=1293623863, bits=0x1B04864C, nonce=274148111)
B100K_HASH = "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506"
B100K_TXIDS = ["8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
               "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
               "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
               "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d"]
B100K_HEADER = ("0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9252aacd5c0b2940996"
                "ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710")
B100001_HEADER = ("0100000006e533fd1ada86391f3f6c343204b0d278d4aaec1c0b20aa27ba0300000000006abbb3eb3d733a9fe18967"
                  "fd7d4c117e4ccbbac5bec4d910d900b3ae0793e77f54241b4d4c86041b4089cc9b")
B100001_HASH = "00000000000080b66c911bd5ba14a74260057311eaeb1982802f7010f1a9f090"


# ---------------------------------------------------------------- hashing
def test_sha256_fips_vector_and_avalanche():
    assert sha256_text("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    same = avalanche("abc", "abc")
    assert same["count"] == 0 and same["hex_changed"] == 0
    one = avalanche("abc", "abd")
    assert one["count"] == sum(one["flips"]) and 60 < one["count"] < 196
    counts = avalanche_sample("The Times 03/Jan/2009", 600, seed=1)
    assert abs(counts.mean() - 128) < 2.0          # Binomial(256, ½): mean 128, sd 8, se ≈ 0.33
    assert 6.0 < counts.std() < 10.0
    assert np.array_equal(counts, avalanche_sample("The Times 03/Jan/2009", 600, seed=1))


# ---------------------------------------------------------------- mining
def test_mining_finds_the_first_nonce_below_the_target():
    block = Block(1, 1_700_000_000, "Alice pays Bob 10", "0" * 64)
    chunk = mine_chunk(block.prefix(), 2, 0, 100_000)
    assert chunk.found and chunk.hash.startswith("00")
    mined = Block(1, 1_700_000_000, "Alice pays Bob 10", "0" * 64, chunk.nonce)
    assert mined.hash == chunk.hash
    assert all(not Block(1, 1_700_000_000, "Alice pays Bob 10", "0" * 64, n).hash.startswith("00")
               for n in range(chunk.nonce))
    assert chunk.tries == chunk.nonce + 1


def test_mining_in_chunks_equals_mining_at_once():
    prefix = Block(3, 1_700_000_600, "chunks", "ab" * 32).prefix()
    whole = mine_chunk(prefix, 3, 0, 2_000_000)
    start, best, best_n, tries = 0, None, -1, 0
    while True:
        part = mine_chunk(prefix, 3, start, 500, best, best_n)
        tries += part.tries
        if part.found:
            break
        start, best, best_n = part.next_nonce, part.best_hash, part.best_nonce
    assert (part.nonce, part.hash, tries) == (whole.nonce, whole.hash, whole.tries)
    assert part.best_hash <= best  # the best hash so far never gets worse


def test_mining_lottery_is_geometric():
    tries = mining_lottery(2, 400, seed=3)
    assert (tries >= 1).all()
    # mean 1/p = 256, sd ≈ 255.5 → standard error ≈ 12.8
    assert abs(tries.mean() - 256) < 4 * 12.8
    assert np.array_equal(tries, mining_lottery(2, 400, seed=3))


# ---------------------------------------------------------------- chain
def test_editing_a_block_invalidates_it_and_everything_after():
    blocks, tries = build_chain(["genesis", "A→B 5", "B→C 2", "C→D 1", "D→E 4"], 2)
    assert all(s["valid"] for s in validate_chain(blocks, 2)) and all(t >= 1 for t in tries)
    edited = edit_block(blocks, 1, "A→B 500")
    status = validate_chain(edited, 2)
    assert status[0]["valid"]
    assert not any(s["valid"] for s in status[1:])
    assert "broken_link" in status[2]["reasons"]
    assert status[3]["reasons"] == ["after_invalid"] and status[4]["reasons"] == ["after_invalid"]
    expected_own = [] if edited[1].hash.startswith("00") else ["above_target"]
    assert status[1]["reasons"] == (expected_own or ["ok"]) or status[1]["reasons"] == expected_own
    repaired, work = repair_chain(edited, 2)
    assert all(s["valid"] for s in validate_chain(repaired, 2))
    assert work[0] == 0 and all(w >= 1 for w in work[1:])
    assert repaired[1].data == "A→B 500"


def test_majority_exposes_a_tampered_peer_even_if_it_remines():
    chain, _ = build_chain(["g", "a", "b", "c", "d"], 2)
    copies = [list(chain) for _ in range(5)]
    copies[2] = tamper_copy(chain, 1, "a'", 2, remine=False)
    copies[4] = tamper_copy(chain, 3, "c'", 2, remine=True)
    votes = majority_vote(copies, 2)
    assert [v["agrees"] for v in votes] == [True, True, False, True, False]
    assert votes[2]["valid"] is False and votes[4]["valid"] is True
    assert votes[4]["differs_at"] == 4 and votes[0]["votes"] == 3


def test_network_trace_ends_in_one_chain_and_orphans_the_loser():
    for seed in range(6):
        trace = network_trace(7, seed)
        final = trace[-1].state["chains"]
        assert all(c == final[0] for c in final) and len(final[0]) == 5
        assert trace.meta["orphan"] not in final[0]
        fork = next(s for s in trace if s.key.endswith(".split"))
        assert fork.params["count_a"] + fork.params["count_b"] == 7


# ---------------------------------------------------------------- Nakamoto 2008 §11
PAPER_Q10 = [1.0, 0.2045873, 0.0509779, 0.0131722, 0.0034552, 0.0009137, 0.0002428, 0.0000647, 0.0000173,
             0.0000046, 0.0000012]
PAPER_Q30 = [1.0, 0.1773523, 0.0416605, 0.0101008, 0.0024804, 0.0006132, 0.0001522, 0.0000379, 0.0000095,
             0.0000024, 0.0000006]
PAPER_SOLVE = [(0.10, 5), (0.15, 8), (0.20, 11), (0.25, 15), (0.30, 24), (0.35, 41), (0.40, 89), (0.45, 340)]


def test_attacker_probability_reproduces_the_paper():
    for z, p in enumerate(PAPER_Q10):
        assert round(attacker_success_probability(0.1, z), 7) == p
    for i, p in enumerate(PAPER_Q30):
        assert round(attacker_success_probability(0.3, 5 * i), 7) == p
    assert [(q, min_confirmations(q)) for q, _ in PAPER_SOLVE] == PAPER_SOLVE
    table = nakamoto_table()
    assert [round(p, 7) for _, p in table["q30"]] == PAPER_Q30 and table["solve"] == PAPER_SOLVE


def _nakamoto_decimal(q: float, z: int) -> Decimal:
    """The paper's C code, in 100-digit decimal arithmetic (independent reference)."""
    getcontext().prec = 100
    q = Decimal(str(q))
    p = 1 - q
    lam = z * q / p
    total = Decimal(1)
    poisson = (-lam).exp()
    for k in range(z + 1):
        if k:
            poisson = poisson * lam / k
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


@pytest.mark.parametrize("q,z", [(0.45, 340), (0.45, 500), (0.4, 300), (0.3, 200), (0.1, 100), (0.49, 800)])
def test_attacker_probability_is_stable_for_large_z(q, z):
    got = attacker_success_probability(q, z)
    ref = float(_nakamoto_decimal(q, z))
    assert got == pytest.approx(ref, rel=1e-9, abs=1e-300)


def test_attacker_probability_rejects_bad_input():
    for q, z in [(0.5, 3), (0.0, 3), (-0.1, 3), (0.7, 3), (0.1, -1), (0.1, 2.5)]:
        with pytest.raises(InputError) as err:
            attacker_success_probability(q, z)
        assert err.value.key in {"blockchain_q_range", "blockchain_z_range"}


def test_exact_race_and_monte_carlo_agree():
    assert exact_race_probability(0.1, 1) == pytest.approx(0.2)      # z=1: 1 − p + q = 2q
    assert exact_race_probability(0.3, 1) == pytest.approx(0.6)
    for q, z in [(0.1, 2), (0.3, 5), (0.45, 10)]:
        mc = monte_carlo_race(q, z, 60_000, seed=11)
        assert mc["ci_low"] - 0.004 <= exact_race_probability(q, z) <= mc["ci_high"] + 0.004
    again = monte_carlo_race(0.3, 5, 1000, seed=4)
    assert again["successes"] == monte_carlo_race(0.3, 5, 1000, seed=4)["successes"]
    # the Poisson shortcut underestimates the risk for a small attacker at 6 confirmations
    assert exact_race_probability(0.1, 6) > 2 * attacker_success_probability(0.1, 6)


# ---------------------------------------------------------------- Merkle trees
def test_merkle_root_of_block_100000():
    assert merkle_root(B100K_TXIDS) == B100K["merkle_root"]
    assert merkle_root(B100K_TXIDS[:1]) == B100K_TXIDS[0]     # one transaction: the root is its txid


def test_merkle_odd_levels_duplicate_the_last_hash():
    ids = [toy_txid(f"tx {i}") for i in range(5)]
    assert merkle_root(ids[:3]) == merkle_root(ids[:3] + ids[2:3])
    assert merkle_root(ids) == merkle_root(ids + ids[4:5])
    assert [len(level) for level in merkle_levels(ids)] == [5, 3, 2, 1]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 13])
def test_merkle_proofs_verify_and_detect_tampering(n):
    ids = [toy_txid(f"payment {i}") for i in range(n)]
    root = merkle_root(ids)
    for i in range(n):
        proof = merkle_proof(ids, i)
        assert len(proof) == math.ceil(math.log2(n)) if n > 1 else proof == []
        ok, path = verify_merkle_proof(ids[i], proof, root)
        assert ok and path[-1] == root
        if n > 1:
            assert not verify_merkle_proof(toy_txid("forged"), proof, root)[0]


def test_merkle_rejects_bad_input():
    with pytest.raises(InputError) as err:
        merkle_root([])
    assert err.value.key == "blockchain_merkle_empty"
    with pytest.raises(InputError) as err:
        merkle_root(["zz" * 32])
    assert err.value.key == "blockchain_not_hex"
    with pytest.raises(InputError) as err:
        merkle_root(["ab" * 31])
    assert err.value.key == "blockchain_hex_length"


# ---------------------------------------------------------------- Bitcoin headers
def test_genesis_and_block_100000_headers():
    assert header_hash(**GENESIS) == GENESIS_HASH
    assert header_hash(**B100K) == B100K_HASH
    assert serialize_header(**B100K).hex() == B100K_HEADER
    assert len(serialize_header(**GENESIS)) == 80
    assert parse_header(B100K_HEADER) == B100K
    nxt = parse_header(B100001_HEADER)
    assert nxt["prev_hash"] == B100K_HASH and header_hash(**nxt) == B100001_HASH


def test_targets_from_bits():
    assert bits_to_target(0x1D00FFFF) == 0xFFFF << 208
    assert f"{bits_to_target(0x1D00FFFF):064x}".startswith("00000000ffff0000")
    assert difficulty_from_bits(0x1D00FFFF) == 1.0
    assert difficulty_from_bits(0x1B04864C) == pytest.approx(14484.1623612254, rel=1e-12)
    genesis = check_header(**GENESIS)
    assert genesis["meets_target"] and genesis["hash"] == GENESIS_HASH and genesis["leading_zero_bits"] >= 32
    assert not check_header(**{**GENESIS, "nonce": GENESIS["nonce"] + 1})["meets_target"]
    with pytest.raises(InputError):
        bits_to_target(0x1D800000)   # sign bit set: a negative target
    with pytest.raises(InputError) as err:
        parse_header(B100K_HEADER[:-2])
    assert err.value.key == "blockchain_hex_length"


# ---------------------------------------------------------------- keys and addresses
def test_p2pkh_addresses_of_private_key_one():
    assert crypto.p2pkh_address(crypto.public_key(1, compressed=False)) == "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm"
    assert crypto.p2pkh_address(crypto.public_key(1)) == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=crypto.SECP256K1_N - 1))
def test_p2pkh_address_round_trips_for_any_key(k):
    pub = crypto.public_key(k, compressed=False)
    address = crypto.p2pkh_address(pub)
    assert address.startswith("1")
    assert crypto.base58check_decode(address) == b"\x00" + crypto.hash160(pub)


# ---------------------------------------------------------------- Bitcoin's monetary rules
def test_supply_schedule():
    assert block_subsidy(0) == 50 * COIN and block_subsidy(209_999) == 50 * COIN
    assert block_subsidy(210_000) == 25 * COIN and block_subsidy(840_000) == 312_500_000
    rows = supply_schedule()
    assert len(rows) == 33 and rows[-1]["subsidy_sat"] == 1
    assert rows[-1]["cumulative_sat"] == 2_099_999_997_690_000 == supply_at(10 ** 8)
    assert supply_at(210_000) == 10_500_000 * COIN


def test_difficulty_retargeting():
    steady = retarget_simulation([1.0] * 5, seed=0, random_times=False)
    assert all(r["difficulty"] == pytest.approx(1.0) for r in steady)
    doubled = retarget_simulation(hash_power_path(6, 2, 2.0), seed=0, random_times=False)
    assert doubled[2]["mean_block_minutes"] == pytest.approx(5.0)
    assert doubled[3]["difficulty"] == pytest.approx(2.0) and doubled[3]["mean_block_minutes"] == pytest.approx(10.0)
    surge = retarget_simulation(hash_power_path(4, 1, 10.0), seed=0, random_times=False)
    assert surge[1]["clamped"] and surge[2]["difficulty"] == pytest.approx(4.0)   # at most ×4 per retarget
    noisy = retarget_simulation([1.0] * 20, seed=5)
    assert all(abs(r["mean_block_minutes"] - 10) < 1.5 for r in noisy)


# ---------------------------------------------------------------- UTXO wallets
def test_utxo_payments_double_spends_and_overspends():
    ledger = new_ledger(seed=7, n_wallets=4, difficulty=1)
    assert ledger.balance("Alice") == ledger.balance("Bob") == 50 * COIN
    fee = ledger.submit(ledger.create_payment("Alice", "Bob", 10 * COIN, fee=1_000))
    assert fee == 1_000 and ledger.spendable("Alice") == 0       # the only coin is pending
    before = (dict(ledger.utxos), list(ledger.mempool))
    with pytest.raises(InputError) as err:
        ledger.submit(ledger.conflicting_payment("Alice", "Carol"))
    assert err.value.key == "blockchain_double_spend" and err.value.params["where"] == "mempool"
    with pytest.raises(InputError) as err:
        ledger.create_payment("Carol", "Dave", 1 * COIN)
    assert err.value.key == "blockchain_overspend"
    with pytest.raises(InputError) as err:
        ledger.create_payment("Bob", "Dave", 0)
    assert err.value.key == "blockchain_amount"
    assert (dict(ledger.utxos), list(ledger.mempool)) == before   # refused transactions change nothing
    block = ledger.mine_block("Carol", difficulty=1)
    assert block["subsidy"] == 50 * COIN and block["fees"] == 1_000
    assert ledger.balance("Carol") == 50 * COIN + 1_000
    assert ledger.balance("Alice") == 40 * COIN - 1_000 and ledger.balance("Bob") == 60 * COIN
    assert sum(ledger.balance(n) for n in ledger.names) == 150 * COIN     # only coinbases create coins
    with pytest.raises(InputError) as err:
        ledger.submit(ledger.conflicting_payment("Alice", "Carol"))
    assert err.value.params["where"] == "chain"


def test_utxo_refuses_forged_signatures():
    ledger = new_ledger(seed=1, n_wallets=3, difficulty=1)
    tx = ledger.create_payment("Alice", "Bob", 5 * COIN)
    from dataclasses import replace
    from core.utxo import TxOut
    forged = replace(tx, outputs=(TxOut(ledger.address("Carol"), 5 * COIN),) + tx.outputs[1:])
    with pytest.raises(InputError) as err:
        ledger.submit(forged)
    assert err.value.key == "blockchain_bad_signature"
    stolen = ledger.create_payment("Bob", "Carol", 5 * COIN)
    alice_coin = ledger.coins("Alice")[0][0]
    from core.utxo import TxIn
    theft = replace(stolen, inputs=(TxIn(alice_coin[0], alice_coin[1], stolen.inputs[0].public_key,
                                         stolen.inputs[0].signature),))
    with pytest.raises(InputError) as err:
        ledger.submit(theft)
    assert err.value.key == "blockchain_bad_owner"
    assert ledger.mempool == []


def test_btc_amounts_become_whole_satoshi():
    from core.utxo import to_satoshi
    assert to_satoshi(10.0) == 1_000_000_000 and to_satoshi(0.0001) == 10_000
    assert to_satoshi(0.1 + 0.2) == 30_000_000            # float noise never reaches the ledger
    with pytest.raises(InputError):
        to_satoshi(float("nan"))


def test_merkle_proof_trace_replays_the_spv_check():
    from core.blockchain import merkle_proof_trace
    ids = [toy_txid(f"payment {i}") for i in range(6)]
    for i in range(6):
        trace = merkle_proof_trace(ids, i)
        assert trace[-1].key.endswith("root_ok") and trace[-1].params["k"] == 3
        assert len(trace) == 2 + 3 and trace[-1].state["path"][-1] == (3, 0)
        assert trace[-1].params["root"] == merkle_root(ids)[:12]


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4])
def test_any_single_edit_of_any_block_is_shown_as_changed_at_any_difficulty(difficulty):
    """An edit always changes the hash (it differs from the accepted one); the block is valid only if the new
    hash happens to meet the target (1 in 16^d), and everything after it then fails its link."""
    datas = ["Genesis", "Alice → Bob 5", "Bob → Carol 2", "Carol → Dave 1", "Dave → Eve 3"]
    chain, _ = build_chain(datas, difficulty)
    accepted = [b.hash for b in chain]
    assert not any(s["changed"] for s in validate_chain(chain, difficulty, accepted))
    lucky = 0
    for i in range(len(chain)):
        for n in range(40 if difficulty == 1 else 8):
            edited = edit_block(chain, i, f"{datas[i]} #{n}")
            status = validate_chain(edited, difficulty, accepted)
            assert status[i]["changed"] and status[i]["accepted_hash"] == accepted[i]
            meets = edited[i].hash.startswith("0" * difficulty)
            assert status[i]["valid"] == meets                    # invalid whenever its proof of work fails
            lucky += meets
            assert all(not s["valid"] for s in status[i + 1:])    # the next link no longer matches
            assert not any(s["changed"] for j, s in enumerate(status) if j != i)
    if difficulty == 1:
        assert lucky > 0            # at 1 in 16, 200 edits surely include lucky ones: still shown as changed


def test_bits_whose_target_decodes_to_zero_or_beyond_256_bits_are_refused():
    for bits in (0x01003456, 0x02000056, 0x22010000):
        with pytest.raises(InputError) as err:
            bits_to_target(bits)
        assert err.value.key == "blockchain_bits"
    with pytest.raises(InputError):
        difficulty_from_bits(0x01003456)
    assert bits_to_target(0x01123456) == 0x12 and difficulty_from_bits(0x1D00FFFF) == 1.0
