"""A double-entry ledger in integer fen (1 yuan = 100 fen): no float money.

Every posting moves an amount from one account to another, so the sum of all balances is
always zero (Pacioli's rule: debits = credits).  Accounts that represent the outside world
(a bank's funding, equity, fee income) are opened with ``allow_negative=True``; every other
account may never go below zero.  A refused posting raises ``InputError`` (a ``ValueError``)
and leaves every balance and the history exactly as they were.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import InputError, require


@dataclass(frozen=True)
class Posting:
    """One balanced movement: ``amount_fen`` leaves ``source`` and arrives at ``target``."""

    seq: int
    source: str
    target: str
    amount_fen: int
    memo: str = ""


class Ledger:
    """Double-entry ledger: ``open`` accounts, ``transfer`` or ``post`` balanced entries, read ``balance``."""

    def __init__(self) -> None:
        self._balances: dict[str, int] = {}
        self._may_go_negative: dict[str, bool] = {}
        self._postings: list[Posting] = []

    # ------------------------------------------------------------ accounts
    def open(self, account: str, allow_negative: bool = False) -> None:
        """Open an empty account; ``allow_negative`` marks an outside-world account (bank, equity)."""
        require(isinstance(account, str) and account.strip() != "", "account_name", "account name must be non-empty")
        require(account not in self._balances, "account_exists", f"account {account!r} is already open",
                account=account)
        self._balances[account] = 0
        self._may_go_negative[account] = bool(allow_negative)

    def has(self, account: str) -> bool:
        """True if the account is open."""
        return account in self._balances

    @property
    def accounts(self) -> list[str]:
        """Open accounts in the order they were opened."""
        return list(self._balances)

    def balance(self, account: str) -> int:
        """Balance of ``account`` in fen."""
        self._require_open(account)
        return self._balances[account]

    def balances(self) -> dict[str, int]:
        """A copy of every balance, in fen."""
        return dict(self._balances)

    def total(self) -> int:
        """Sum of all balances; always 0 in a double-entry ledger."""
        return sum(self._balances.values())

    @property
    def postings(self) -> list[Posting]:
        """The full, ordered posting history (a copy: the history cannot be edited from outside)."""
        return list(self._postings)

    # ------------------------------------------------------------ posting
    def transfer(self, source: str, target: str, amount_fen: int, memo: str = "") -> Posting:
        """Move ``amount_fen`` (a positive integer) from ``source`` to ``target``."""
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
            raise InputError("amount_not_integer", "amounts are integer fen", amount=amount_fen)
        require(amount_fen > 0, "amount_not_positive", "amount must be positive", amount=amount_fen)
        require(source != target, "same_account", "source and target must differ", account=source)
        return self.post([(source, -amount_fen), (target, amount_fen)], memo)[0]

    def post(self, legs: list[tuple[str, int]], memo: str = "") -> list[Posting]:
        """Post a multi-leg journal entry: signed amounts per account that must sum to zero.

        Each leg's amount is +credit to the account's balance / −debit.  The entry is checked as a
        whole first (all accounts open, integers, non-zero, balanced, no overdraft), then applied
        as postings from the paying legs to the receiving legs — so it is all or nothing.  An account may
        not both pay and receive in one entry (a posting from an account to itself is refused).
        """
        self._check(legs)
        payers = [[acct, -amt] for acct, amt in legs if amt < 0]
        payees = [[acct, amt] for acct, amt in legs if amt > 0]
        made: list[Posting] = []
        i = j = 0
        while i < len(payers) and j < len(payees):
            amount = min(payers[i][1], payees[j][1])
            made.append(Posting(len(self._postings) + len(made) + 1, payers[i][0], payees[j][0], amount, memo))
            payers[i][1] -= amount
            payees[j][1] -= amount
            i += payers[i][1] == 0
            j += payees[j][1] == 0
        for acct, amt in legs:
            self._balances[acct] += amt
        self._postings.extend(made)
        return made

    def _check(self, legs: list[tuple[str, int]]) -> None:
        require(len(legs) >= 2, "entry_legs", "an entry needs at least two legs")
        delta: dict[str, int] = {}
        for acct, amt in legs:
            self._require_open(acct)
            if isinstance(amt, bool) or not isinstance(amt, int):
                raise InputError("amount_not_integer", "amounts are integer fen", amount=amt)
            require(amt != 0, "amount_not_positive", "amount must be positive", amount=0)
            delta[acct] = delta.get(acct, 0) + amt
        require(sum(amt for _, amt in legs) == 0, "entry_unbalanced", "debits and credits must be equal",
                difference=sum(amt for _, amt in legs))
        require(any(amt < 0 for _, amt in legs), "amount_not_positive", "amount must be positive",
                amount=min(amt for _, amt in legs))
        # money moved from an account to itself is no movement: a posting's source and target must differ
        both = {a for a, amt in legs if amt < 0} & {a for a, amt in legs if amt > 0}
        require(not both, "same_account", "source and target must differ", account=min(both) if both else "")
        for acct, change in delta.items():
            after = self._balances[acct] + change
            if after < 0 and not self._may_go_negative[acct]:
                raise InputError("insufficient_funds", f"{acct} would be overdrawn", account=acct,
                                 balance_fen=self._balances[acct], amount_fen=-change)

    def _require_open(self, account: str) -> None:
        require(account in self._balances, "account_unknown", f"no account {account!r}", account=account)
