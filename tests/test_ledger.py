"""core.ledger: double entry in integer fen; refused postings change nothing; history is complete."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InputError
from core.ledger import Ledger


def make():
    ledger = Ledger()
    ledger.open("bank", allow_negative=True)
    for name in ("alice", "bob", "shop"):
        ledger.open(name)
    return ledger


def test_transfer_moves_money_and_records_it():
    ledger = make()
    ledger.transfer("bank", "alice", 10_000, "top up")
    ledger.transfer("alice", "shop", 2_550, "coffee")
    assert ledger.balance("alice") == 7_450
    assert ledger.balance("shop") == 2_550
    assert ledger.balance("bank") == -10_000
    assert ledger.total() == 0
    assert [(p.source, p.target, p.amount_fen, p.memo) for p in ledger.postings] == [
        ("bank", "alice", 10_000, "top up"), ("alice", "shop", 2_550, "coffee")]


@pytest.mark.parametrize("source,target,amount,key", [
    ("alice", "shop", 1, "insufficient_funds"),
    ("bank", "alice", 0, "amount_not_positive"),
    ("bank", "alice", -5, "amount_not_positive"),
    ("bank", "alice", 1.5, "amount_not_integer"),
    ("bank", "alice", True, "amount_not_integer"),
    ("bank", "nobody", 5, "account_unknown"),
    ("alice", "alice", 5, "same_account"),
])
def test_refused_postings_leave_everything_untouched(source, target, amount, key):
    ledger = make()
    ledger.transfer("bank", "bob", 100)
    before = (ledger.balances(), ledger.postings)
    with pytest.raises(InputError) as err:
        ledger.transfer(source, target, amount)
    assert err.value.key == key
    assert (ledger.balances(), ledger.postings) == before


def test_overdraft_by_one_fen_is_refused():
    ledger = make()
    ledger.transfer("bank", "alice", 100)
    with pytest.raises(ValueError):
        ledger.transfer("alice", "bob", 101)
    ledger.transfer("alice", "bob", 100)
    assert ledger.balance("alice") == 0


def test_multi_leg_entry_must_balance():
    ledger = make()
    ledger.transfer("bank", "alice", 1_000)
    with pytest.raises(InputError) as err:
        ledger.post([("alice", -1_000), ("shop", 990), ("bank", 5)])
    assert err.value.key == "entry_unbalanced"
    made = ledger.post([("alice", -1_000), ("shop", 994), ("bank", 6)], "sale with fee")
    assert [(p.source, p.target, p.amount_fen) for p in made] == [("alice", "shop", 994), ("alice", "bank", 6)]
    assert ledger.total() == 0


def test_duplicate_and_empty_accounts_refused():
    ledger = make()
    with pytest.raises(InputError):
        ledger.open("alice")
    with pytest.raises(InputError):
        ledger.open("  ")


def test_postings_cannot_be_edited_from_outside():
    ledger = make()
    ledger.transfer("bank", "alice", 5)
    ledger.postings.clear()
    assert len(ledger.postings) == 1


ACCOUNTS = ["bank", "alice", "bob", "shop"]
operation = st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS),
                      st.one_of(st.integers(-1_000, 1_000_000), st.floats(-10, 10)))


@settings(max_examples=300, deadline=None)
@given(st.lists(operation, max_size=60))
def test_any_sequence_keeps_total_zero_and_loses_no_posting(ops):
    ledger = make()
    accepted = 0
    for source, target, amount in ops:
        before = ledger.balances()
        try:
            ledger.transfer(source, target, amount)
            accepted += 1
        except ValueError:
            assert ledger.balances() == before
        assert ledger.total() == 0
        assert all(v >= 0 for k, v in ledger.balances().items() if k != "bank")
    assert len(ledger.postings) == accepted
    # replaying the history from zero gives the same balances
    replay = {a: 0 for a in ACCOUNTS}
    for p in ledger.postings:
        replay[p.source] -= p.amount_fen
        replay[p.target] += p.amount_fen
    assert replay == ledger.balances()
    assert [p.seq for p in ledger.postings] == list(range(1, accepted + 1))


def test_a_posting_from_an_account_to_itself_is_refused():
    ledger = make()
    before = (ledger.balances(), ledger.postings)
    with pytest.raises(InputError) as err:
        ledger.post([("bank", -500), ("bank", 500)])
    assert err.value.key == "same_account"
    with pytest.raises(InputError) as err:          # the same account paying and receiving among other legs
        ledger.post([("bank", -500), ("bank", 200), (ledger.accounts[1], 300)])
    assert err.value.key == "same_account"
    assert (ledger.balances(), ledger.postings) == before
