"""Core of the blockchain-in-finance page: published worked examples, invariants, and bad input that
changes nothing (issue 10, "Checked through" and "Bad input")."""
import copy

import pytest
from hypothesis import given, settings, strategies as st

from core import contracts, defi, microfinance, tokens
from core.errors import InputError
from core.lending import equal_installment_schedule


# ------------------------------------------------------------------ AMM: Uniswap v2 getAmountOut
def uniswap_v2_get_amount_out(amount_in, reserve_in, reserve_out):
    """UniswapV2Library.getAmountOut, transcribed: amountInWithFee = amountIn*997;
    amountOut = amountInWithFee*reserveOut / (reserveIn*1000 + amountInWithFee)."""
    with_fee = amount_in * 997
    return with_fee * reserve_out // (reserve_in * 1000 + with_fee)


def test_swap_output_worked_example():
    # 1,000 X / 1,000 Y, 100 X in: 100·997·1000 // (1000·1000 + 100·997) = 99,700,000 // 1,099,700 = 90
    assert defi.swap_output(1000, 1000, 100) == 90
    # 1 ETH into a 10 ETH / 20,000 USDC pool (6-decimals and 18-decimals units)
    e18 = 10 ** 18
    assert defi.swap_output(10 * e18, 20_000 * 10 ** 6, e18) == uniswap_v2_get_amount_out(e18, 10 * e18, 20_000 * 10 ** 6)
    assert defi.swap_output(10 * e18, 20_000 * 10 ** 6, e18) == 1_813_221_787   # ≈ 1,813.22 USDC


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10 ** 15), st.integers(1, 10 ** 15), st.integers(1, 10 ** 15))
def test_swap_output_matches_uniswap_and_k_never_falls(x, y, a):
    a = min(a, x)
    out = defi.swap_output(x, y, a)
    assert out == uniswap_v2_get_amount_out(a, x, y)
    assert 0 <= out < y
    assert (x + a) * (y - out) >= x * y          # fee and rounding down keep k from falling


def test_fee_zero_is_pure_constant_product():
    assert defi.swap_output(1000, 1000, 1000, fee_bps=0) == 500


@pytest.mark.parametrize("args,key", [((0, 100, 10), "bcf_reserve"), ((100, 100, 0), "bcf_amount"),
                                      ((100, 100, -5), "bcf_amount"), ((100, 100, 101), "bcf_swap_too_big"),
                                      ((100, 100, 10, 10_000), "bcf_fee"), ((100.0, 100, 10), "bcf_reserve")])
def test_swap_bad_input(args, key):
    with pytest.raises(InputError) as exc:
        defi.swap_output(*args)
    assert exc.value.key == key


def test_amm_trace_refuses_a_too_big_trade_and_changes_nothing():
    with pytest.raises(InputError) as exc:
        defi.amm_trace(1000, 1000, [("a", "x", 10), ("whale", "x", 5000)])
    assert exc.value.key == "bcf_swap_too_big"


def test_amm_trace_fees_grow_k_and_chain_is_valid():
    trace = defi.amm_trace(100_000, 700_000, defi.random_trades(6, 7, 100_000, 700_000))
    assert trace.meta["chain_valid"]
    ks = [s.state["k"] for s in trace]
    assert all(b >= a for a, b in zip(ks, ks[1:]))


def test_impermanent_loss_textbook_values():
    # price doubles: 2√2/3 − 1 = −5.72 %; ×4: −20 %; unchanged: 0
    assert defi.impermanent_loss(2.0) == pytest.approx(-0.057191, abs=1e-6)
    assert defi.impermanent_loss(4.0) == pytest.approx(-0.2)
    assert defi.impermanent_loss(1.0) == 0.0
    curve = defi.lp_versus_hold(1.0, 1.0, [0.25, 1.0, 4.0])
    assert curve["il"][0] == pytest.approx(-0.2) and curve["il"][2] == pytest.approx(-0.2)


def test_lending_pool_liquidates_exactly_the_unhealthy():
    pool = defi.lending_pool(10, 3, 300_000, 0.25)
    under = pool.steps[1].params["under"]
    assert pool.meta["liquidated"] == under > 0
    assert defi.lending_pool(10, 3, 300_000, 0.0).meta["liquidated"] == 0
    assert defi.health_factor(10, 100, 500, 0.8) == pytest.approx(1.6)


@pytest.mark.parametrize("ltv,thr,bonus", [(0.9, 0.8, 0.05), (0.0, 0.8, 0.05), (0.5, 1.0, 0.05), (0.5, 0.8, 0.6)])
def test_lending_pool_ratios_outside_domain(ltv, thr, bonus):
    with pytest.raises(InputError) as exc:
        defi.lending_pool(5, 1, 300_000, 0.2, ltv, thr, bonus)
    assert exc.value.key in ("bcf_collateral_ratio_pool", "bcf_bonus")


# ------------------------------------------------------------------ tokens: largest remainder
def test_pro_rata_three_equal_holders():
    assert tokens.pro_rata(10_000, {"a": 1, "b": 1, "c": 1}) == {"a": 3334, "b": 3333, "c": 3333}


def test_pro_rata_where_naive_rounding_loses_a_fen():
    holdings = {"issuer": 7693, "ann": 7, "bo": 300, "chen": 1500, "dev": 500}
    assert sum(tokens.naive_split(700_401, holdings).values()) == 700_400
    shares = tokens.pro_rata(700_401, holdings)
    assert sum(shares.values()) == 700_401
    assert shares == {"issuer": 538_819, "ann": 490, "bo": 21_012, "chen": 105_060, "dev": 35_020}


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10 ** 12), st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10 ** 6),
                                                min_size=1, max_size=12))
def test_pro_rata_sums_exactly_and_within_one_fen(amount, holdings):
    total = sum(holdings.values())
    if total == 0:
        with pytest.raises(InputError):
            tokens.pro_rata(amount, holdings)
        return
    shares = tokens.pro_rata(amount, holdings)
    assert sum(shares.values()) == amount
    for h, u in holdings.items():
        assert abs(shares[h] * total - amount * u) < total     # |share − exact| < 1 fen, in integers


@pytest.mark.parametrize("amount,holdings", [(0, {"a": 1}), (-5, {"a": 1}), (100, {}), (100, {"a": -1}),
                                             (1.5, {"a": 1})])
def test_pro_rata_bad_input(amount, holdings):
    with pytest.raises(InputError):
        tokens.pro_rata(amount, holdings)


def test_cap_table_refuses_more_tokens_than_issued_and_is_unchanged():
    table = tokens.CapTable(100)
    table.buy("ann", 60)
    before = table.holders()
    with pytest.raises(InputError) as exc:
        table.buy("bo", 41)
    assert exc.value.key == "bcf_tokens_exceed"
    with pytest.raises(InputError):
        table.transfer("ann", "bo", 61)
    with pytest.raises(InputError):
        table.buy("bo", 0)
    assert table.holders() == before
    with pytest.raises(InputError) as exc:
        tokens.tokenise_property(10_000_000, 100, {"a": 60, "b": 50}, 1000, 3)
    assert exc.value.key == "bcf_tokens_exceed"


def test_tokenised_property_pays_every_fen_and_records_blocks():
    trace = tokens.tokenise_property(300_000_000, 10_000, {"ann": 7, "bo": 300, "chen": 2000}, 700_401, 6,
                                     ("chen", "dev", 500), 3)
    assert sum(trace.meta["received"].values()) == 6 * 700_401
    assert trace.meta["chain_valid"] and trace.meta["blocks"] == len(trace) == 1 + 3 + 1 + 6
    assert trace.meta["price"] == 30_000


# ------------------------------------------------------------------ proof of liabilities: Merkle-sum tree
BAL = {"alice": 12_345, "bob": 0, "carol": 99_999, "dave": 1, "erin": 500_000}


def test_tree_total_root_and_every_proof_verifies():
    tree = contracts.liabilities_tree(BAL)
    assert tree.total == sum(BAL.values())
    assert len(tree.root) == 64
    for acct, bal in BAL.items():
        proof = tree.proof(acct)
        assert len(proof) == 3                    # 5 leaves → padded to 6, 3, 2 → 3 levels up
        assert contracts.verify_inclusion(tree.root, acct, bal, proof)
        assert not contracts.verify_inclusion(tree.root, acct, bal + 1, proof)
        assert not contracts.verify_inclusion(tree.root, acct, bal - 1, proof)
    assert not contracts.verify_inclusion(tree.root, "mallory", 12_345, tree.proof("alice"))


def test_root_commits_to_the_total():
    a = contracts.liabilities_tree(BAL)
    b = contracts.liabilities_tree({**BAL, "erin": 499_999})
    assert a.root != b.root and a.total - b.total == 1


def test_odd_level_is_padded_with_zero_not_a_duplicate():
    tree = contracts.liabilities_tree({"a": 5, "b": 7, "c": 11})
    assert tree.total == 23                      # duplicating "c" would give 34


def test_a_tampered_sibling_sum_fails():
    tree = contracts.liabilities_tree(BAL)
    proof = copy.deepcopy(tree.proof("alice"))
    proof[1]["sum"] -= 100
    assert not contracts.verify_inclusion(tree.root, "alice", 12_345, proof)


@pytest.mark.parametrize("scenario,caught", [("honest", False), ("lower_balance", True), ("removed", True),
                                             ("negative", True)])
def test_audit_catches_hidden_shortfall(scenario, caught):
    bal = contracts.customer_balances(8, 1)
    audit = contracts.reserves_audit(bal, int(sum(bal.values()) * 0.9), scenario)
    assert bool(audit["caught_by"]) is caught
    if caught:
        assert audit["target"] in audit["caught_by"]
        assert audit["published_total"] == audit["true_total"] - audit["hidden"]
    else:
        assert audit["published_total"] == audit["true_total"]


def test_negative_balance_is_rejected_by_the_verifier():
    tree = contracts.liabilities_tree({"a": 100, "fake": -100, "b": 50, "c": 50})
    assert tree.total == 100
    assert not contracts.verify_inclusion(tree.root, "a", 100, tree.proof("a"))      # sibling sum < 0
    assert not contracts.verify_inclusion(tree.root, "fake", -100, tree.proof("fake"))


@pytest.mark.parametrize("proof", ["not a list", [{"side": "up", "hash": "0" * 64, "sum": 1}],
                                   [{"side": "left", "hash": "xyz", "sum": 1}],
                                   [{"side": "left", "hash": "0" * 64, "sum": "1"}], [1, 2, 3],
                                   [{"side": "left", "hash": "0" * 64}]])
def test_malformed_proof_is_an_input_error(proof):
    tree = contracts.liabilities_tree(BAL)
    with pytest.raises(InputError) as exc:
        contracts.verify_inclusion(tree.root, "alice", 12_345, proof)
    assert exc.value.key == "bcf_proof_malformed"
    with pytest.raises(InputError):
        contracts.verify_inclusion("not-a-root", "alice", 12_345, tree.proof("alice"))


# ------------------------------------------------------------------ contracts on the teaching chain
def test_signed_transactions_verify_and_tampering_breaks_them():
    tx = contracts.sign_tx("loan", 1, "apply", "borrower", {"principal": 100})
    assert tx.verify()
    forged = contracts.SignedTx(tx.contract, tx.seq, tx.action, "lender", tx.payload, tx.signature, tx.txid)
    assert not forged.verify()


def test_loan_repaid_in_full_matches_the_lending_schedule():
    run = contracts.loan_contract(620, 600, 10_000_000, 0.049, 12)
    sched = equal_installment_schedule(100_000.0, 0.049, 12)
    total = int(round(sched["payment"].sum() * 100))
    summary = contracts.loan_summary(run, 10_000_000)
    assert summary["state"] == "closed" and summary["paid"] == 12
    assert run.money.balance("lender") == total
    assert run.assets.balance("borrower") == run.extra["collateral_units"] > 0
    assert summary["chain_valid"]
    blocks = [s.state["block"] for s in run.trace if s.state["block"]]
    assert all(b["verified"] for b in blocks)
    assert [b["number"] for b in blocks] == list(range(1, len(blocks) + 1))
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(blocks, blocks[1:]))


def test_loan_rejected_below_cutoff_returns_collateral():
    run = contracts.loan_contract(580, 600, 1_000_000, 0.12, 12)
    assert run.machine.state == "rejected"
    assert run.money.balance("lender") == 1_000_000 and run.assets.balance("contract") == 0


def test_loan_default_liquidates_collateral():
    run = contracts.loan_contract(620, 600, 1_000_000, 0.12, 12, collateral_ratio=0.8, default_month=5, price_drop=0.3)
    summary = contracts.loan_summary(run, 1_000_000)
    assert summary["state"] == "liquidated" and summary["paid"] == 4
    last = run.trace.steps[-1].params
    assert last["proceeds"] == 80 * 7_000 and last["to_lender"] + last["surplus"] == last["proceeds"]
    assert last["loss"] == summary["loss_fen"] > 0
    rich = contracts.loan_contract(620, 600, 1_000_000, 0.12, 12, collateral_ratio=2.0, default_month=5, price_drop=0.1)
    assert rich.trace.steps[-1].params["loss"] == 0 and rich.trace.steps[-1].params["surplus"] > 0


def test_refused_transitions_leave_state_balances_and_chain_unchanged():
    run = contracts.escrow_contract(50_000, path="happy")
    refused = [s for s in run.trace if s.state["refused"]]
    assert refused and all(s.state["block"] is None for s in refused)
    machine = contracts.StateMachine("escrow", contracts.ESCROW_RULES, "funded",
                                     {"buyer": "buyer", "seller": "seller", "keeper": "keeper", "arbiter": "arbiter"})
    for action, signer, facts, key in [("confirm", "seller", {"day": 0, "deadline": 7}, "bcf_transition"),
                                       ("ship", "buyer", {"day": 0, "deadline": 7}, "bcf_signer"),
                                       ("ship", "seller", {"day": 9, "deadline": 7}, "bcf_guard"),
                                       ("refund_timeout", "keeper", {"day": 3, "deadline": 7}, "bcf_guard")]:
        with pytest.raises(InputError) as exc:
            machine.find(action, signer, facts)
        assert exc.value.key == key and machine.state == "funded"


@pytest.mark.parametrize("path,buyer,seller", [("happy", 0, 50_000), ("timeout", 50_000, 0),
                                               ("dispute_seller", 0, 50_000), ("dispute_buyer", 50_000, 0)])
def test_escrow_paths(path, buyer, seller):
    run = contracts.escrow_contract(50_000, path=path)
    assert (run.money.balance("buyer"), run.money.balance("seller"), run.money.balance("contract")) == (buyer, seller, 0)
    assert run.chain.valid()


def test_rules_are_data_and_unknown_guards_are_refused():
    with pytest.raises(InputError):
        contracts.StateMachine("x", (contracts.Rule("a", "go", "r", "b", "__import__('os')"),), "a", {"r": "r"})


def test_dvp_is_all_or_nothing():
    ok = contracts.dvp_settlement(10, 10_000, 200_000, 10)
    assert ok.meta["outcome"] == "settled" and ok.steps[-1].state["assets"]["buyer"] == 10
    short = contracts.dvp_settlement(10, 10_000, 50_000, 10)
    assert short.meta["outcome"] == "refused"
    assert short.steps[-1].state["assets"] == {"buyer": 0, "seller": 10}
    assert short.steps[-1].state["balances"] == {"buyer": 50_000, "seller": 0}
    free = contracts.dvp_settlement(10, 10_000, 50_000, 10, atomic=False)
    assert free.meta["outcome"] == "unpaid" and free.steps[-1].state["assets"]["buyer"] == 10


@pytest.mark.parametrize("kwargs,key", [(dict(principal_fen=0), "bcf_amount"), (dict(principal_fen=-100), "bcf_amount"),
                                        (dict(collateral_ratio=-0.1), "bcf_collateral_ratio"),
                                        (dict(collateral_ratio=6.0), "bcf_collateral_ratio"),
                                        (dict(price_drop=1.2), "bcf_price_drop"), (dict(months=0), "bcf_months"),
                                        (dict(default_month=13), "bcf_default_month")])
def test_loan_bad_input(kwargs, key):
    args = dict(score=620, cutoff=600, principal_fen=1_000_000, annual_rate=0.12, months=12)
    args.update(kwargs)
    with pytest.raises(InputError) as exc:
        contracts.loan_contract(**args)
    assert exc.value.key == key


# ------------------------------------------------------------------ micro-loans
def test_joint_liability_collects_at_least_individual_and_is_seeded():
    a = microfinance.group_lending(seed=7)
    b = microfinance.group_lending(seed=7)
    assert a["joint_rate"] == b["joint_rate"] and a["indiv_rate"] == b["indiv_rate"]
    assert a["joint_rate"] >= a["indiv_rate"]
    assert a["indiv_loss_fen"] - a["joint_loss_fen"] == a["carried_fen"]
    none = microfinance.group_lending(cover=0, seed=7)
    assert none["joint_rate"] <= none["indiv_rate"] + 1e-12 or none["carried_fen"] == 0
    sure = microfinance.group_lending(p=1.0, shock=0.0)
    assert sure["indiv_rate"] == sure["joint_rate"] == 1.0


# ------------------------------------------------------------------ facts brought up to date (issue 10)
def test_crypto_rules_know_the_2025_stablecoin_statement():
    from datetime import date

    from core import regulation as reg
    assert reg.crypto_verdict("cn", "stablecoin", date(2025, 11, 27))["verdict"] == "none"
    hit = reg.crypto_verdict("cn", "stablecoin", date(2025, 11, 28))
    assert hit["verdict"] == "banned" and hit["rule_id"] == "cn_2025_stablecoin" and "http" in hit["source"]
    assert "2025-11-28" in reg.CRYPTO_DATES


def test_no_fact_row_of_this_issue_cites_only_course_notes():
    import pandas as pd
    from pathlib import Path
    data = Path(__file__).resolve().parent.parent / "data"
    for name in ("regulation_crypto_rules.csv", "bcfinance_facts.csv"):
        df = pd.read_csv(data / name, dtype=str)
        assert not df["source"].str.contains("course reference notes|facts.md").any(), name
        assert df["source"].str.contains("http").all(), name
    for path in sorted(data.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        assert "course reference notes" not in text and "facts.md" not in text, path.name
    miles = pd.read_csv(data / "regulation_milestones.csv", dtype=str)
    genius = miles[miles["title_en"].str.contains("GENIUS")].iloc[0]
    assert "签署生效" not in genius["title_zh"] and "2027-01-18" in genius["title_en"]
    assert (miles["date"] == "2025-01-01").any()      # revised AML law in force
