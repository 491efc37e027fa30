"""A small Bitcoin-style UTXO ledger: wallets with secp256k1 keys, signed transactions, a mempool,
coinbase rewards and mined blocks.  Amounts are integer satoshi (1 BTC = 10^8 sat): no float money.

Model (Nakamoto 2008 §2 "Transactions", §6 "Incentive"; Bitcoin's P2PKH outputs): an output locks an
amount to an address = Base58Check(HASH160(public key)); spending it needs the public key that hashes
to that address and an ECDSA signature over the spending transaction.  A node refuses a transaction
whose inputs do not exist or are already spent (double spend), whose signature fails, whose outputs
exceed its inputs (overspend) or whose amounts are not positive.  A refused transaction changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core import crypto
from core.blockchain import block_prefix, mine
from core.consensus import COIN, block_subsidy
from core.errors import InputError, require

WALLET_NAMES = ("Alice", "Bob", "Carol", "Dave", "Eve")


@dataclass(frozen=True)
class TxOut:
    """An output: ``amount`` satoshi locked to ``address``."""

    address: str
    amount: int


@dataclass(frozen=True)
class TxIn:
    """An input spends output ``index`` of transaction ``txid``, unlocked by a public key and a signature."""

    txid: str
    index: int
    public_key: bytes = b""
    signature: bytes = b""


@dataclass(frozen=True)
class Transaction:
    """Inputs, outputs, and a memo; a coinbase has no inputs and creates new coins."""

    inputs: tuple[TxIn, ...]
    outputs: tuple[TxOut, ...]
    memo: str = ""

    @property
    def is_coinbase(self) -> bool:
        return not self.inputs

    def signing_bytes(self) -> bytes:
        """What every input signs: all spent outpoints and all outputs (like SIGHASH_ALL), no signatures."""
        ins = ";".join(f"{i.txid}:{i.index}" for i in self.inputs)
        outs = ";".join(f"{o.address}:{o.amount}" for o in self.outputs)
        return f"in[{ins}]out[{outs}]memo[{self.memo}]".encode("utf-8")

    @property
    def txid(self) -> str:
        """Double SHA-256 of the transaction including its signatures, shown reversed like Bitcoin's."""
        sigs = b"".join(i.public_key + i.signature for i in self.inputs)
        return crypto.sha256d(self.signing_bytes() + sigs)[::-1].hex()


def wallet_key(seed: int, name: str) -> int:
    """A reproducible teaching private key: SHA-256("fintech-lab|seed|name") reduced into [1, n−1]."""
    digest = crypto.sha256(f"fintech-lab|{int(seed)}|{name}".encode("utf-8"))
    return int.from_bytes(digest, "big") % (crypto.SECP256K1_N - 1) + 1


def sign_transaction(tx: Transaction, keys: list[int]) -> Transaction:
    """Fill each input's public key and signature (input i signed with ``keys[i]``)."""
    message = tx.signing_bytes()
    ins = tuple(TxIn(i.txid, i.index, crypto.public_key(k), crypto.sign(k, message))
                for i, k in zip(tx.inputs, keys))
    return Transaction(ins, tx.outputs, tx.memo)


@dataclass
class UtxoLedger:
    """The UTXO set, the mempool and the chain of mined blocks of one small network."""

    seed: int
    names: tuple[str, ...]
    keys: dict[str, int] = field(default_factory=dict)
    utxos: dict[tuple[str, int], TxOut] = field(default_factory=dict)
    mempool: list[Transaction] = field(default_factory=list)
    blocks: list[dict] = field(default_factory=list)
    log: list[dict] = field(default_factory=list)
    _addresses: dict[str, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ wallets
    def address(self, name: str) -> str:
        """P2PKH address of a wallet (compressed public key); computed once, then remembered."""
        require(name in self.keys, "blockchain_wallet_unknown", f"no wallet {name!r}", wallet=name)
        if name not in self._addresses:
            self._addresses[name] = crypto.p2pkh_address(crypto.public_key(self.keys[name]))
        return self._addresses[name]

    def owner(self, address: str) -> str | None:
        return next((n for n in self.names if self.address(n) == address), None)

    def _pending_spent(self) -> set[tuple[str, int]]:
        return {(i.txid, i.index) for tx in self.mempool for i in tx.inputs}

    def coins(self, name: str, include_pending: bool = True) -> list[tuple[tuple[str, int], TxOut]]:
        """Unspent outputs owned by ``name`` (optionally excluding those a mempool transaction spends)."""
        addr = self.address(name)
        pending = self._pending_spent() if include_pending else set()
        return [(op, out) for op, out in self.utxos.items() if out.address == addr and op not in pending]

    def balance(self, name: str) -> int:
        """Confirmed balance in satoshi: the sum of the wallet's unspent outputs in mined blocks."""
        addr = self.address(name)
        return sum(o.amount for o in self.utxos.values() if o.address == addr)

    def spendable(self, name: str) -> int:
        """Balance minus what the wallet's pending (mempool) transactions already spend."""
        return sum(o.amount for _, o in self.coins(name))

    # ------------------------------------------------------------ building and checking transactions
    def create_payment(self, sender: str, recipient: str, amount: int, fee: int = 0,
                       inputs: list[tuple[str, int]] | None = None) -> Transaction:
        """Pick the sender's coins (oldest first unless ``inputs`` is given), pay ``amount`` to the
        recipient, return the change to the sender, leave ``fee`` for the miner, and sign."""
        require(sender in self.keys, "blockchain_wallet_unknown", "unknown sender", wallet=sender)
        require(recipient in self.keys, "blockchain_wallet_unknown", "unknown recipient", wallet=recipient)
        require(sender != recipient, "blockchain_same_wallet", "sender and recipient must differ")
        _check_amount(amount)
        require(isinstance(fee, int) and fee >= 0, "blockchain_fee", "fee must be a non-negative integer")
        if inputs is None:
            chosen, total = [], 0
            for op, out in self.coins(sender):
                if total >= amount + fee:
                    break
                chosen.append(op)
                total += out.amount
            if total < amount + fee:
                raise InputError("blockchain_overspend", "the sender's unspent outputs do not cover amount + fee",
                                 wallet=sender, balance=self.spendable(sender) / COIN, amount=(amount + fee) / COIN)
        else:
            chosen = list(inputs)
            total = sum(self.utxos[op].amount for op in chosen if op in self.utxos)
        outputs = [TxOut(self.address(recipient), amount)]
        change = total - amount - fee
        if change > 0:
            outputs.append(TxOut(self.address(sender), change))
        tx = Transaction(tuple(TxIn(t, i) for t, i in chosen), tuple(outputs),
                         f"{sender}->{recipient}")
        return sign_transaction(tx, [self.keys[sender]] * len(chosen))

    def check(self, tx: Transaction) -> int:
        """Validate ``tx`` against the UTXO set and the mempool; returns its fee or raises InputError."""
        require(not tx.is_coinbase, "blockchain_coinbase_only_miner", "only a miner adds a coinbase")
        require(len(tx.outputs) >= 1, "blockchain_tx_empty", "a transaction needs an output")
        for out in tx.outputs:
            _check_amount(out.amount)
        seen: set[tuple[str, int]] = set()
        pending = self._pending_spent()
        spent_in_blocks = {op for b in self.blocks for op in b["spent"]}
        total_in = 0
        message = tx.signing_bytes()
        for txin in tx.inputs:
            op = (txin.txid, txin.index)
            require(op not in seen, "blockchain_double_spend", "the same coin is spent twice",
                    coin=f"{txin.txid[:8]}:{txin.index}", where="tx")
            seen.add(op)
            if op not in self.utxos or op in pending:
                where = "mempool" if op in pending else ("chain" if op in spent_in_blocks else "unknown")
                raise InputError("blockchain_double_spend", "input already spent or unknown",
                                 coin=f"{txin.txid[:8]}:{txin.index}", where=where)
            out = self.utxos[op]
            require(len(txin.public_key) in (33, 65) and crypto.p2pkh_address(txin.public_key) == out.address,
                    "blockchain_bad_owner", "the public key does not match the coin's address",
                    coin=f"{txin.txid[:8]}:{txin.index}")
            require(crypto.verify(txin.public_key, message, txin.signature), "blockchain_bad_signature",
                    "signature does not verify", coin=f"{txin.txid[:8]}:{txin.index}")
            total_in += out.amount
        total_out = sum(o.amount for o in tx.outputs)
        require(total_out <= total_in, "blockchain_overspend", "outputs exceed inputs",
                wallet=self.owner(tx.outputs[-1].address) or "?", balance=total_in / COIN, amount=total_out / COIN)
        return total_in - total_out

    def submit(self, tx: Transaction) -> int:
        """Check ``tx`` and, only if it is valid, put it in the mempool; returns its fee."""
        fee = self.check(tx)
        self.mempool.append(tx)
        self.log.append({"event": "mempool", "txid": tx.txid, "memo": tx.memo, "fee": fee,
                         "amount": tx.outputs[0].amount})
        return fee

    def conflicting_payment(self, sender: str, recipient: str) -> Transaction:
        """A double-spend attempt: re-use the inputs of the sender's latest payment (pending or mined)."""
        addr = self.address(sender)
        pending = [tx for tx in self.mempool if _payer(tx) == addr]
        mined = [tx for b in self.blocks for tx in b["txs"] if _payer(tx) == addr]
        history = pending or mined
        require(bool(history), "blockchain_no_history", "the sender has not paid anyone yet", wallet=sender)
        latest = history[-1]
        ops = [(i.txid, i.index) for i in latest.inputs]
        amount = sum(o.amount for o in latest.outputs)
        tx = Transaction(tuple(TxIn(t, i) for t, i in ops), (TxOut(self.address(recipient), amount),),
                         f"{sender}->{recipient} (double spend)")
        return sign_transaction(tx, [self.keys[sender]] * len(ops))

    # ------------------------------------------------------------ mining
    def mine_block(self, miner: str, difficulty: int = 3) -> dict:
        """Take every mempool transaction, add a coinbase paying subsidy + fees to ``miner``, mine the
        block (proof-of-work over its transaction ids) and apply it to the UTXO set."""
        require(miner in self.keys, "blockchain_wallet_unknown", "unknown miner", wallet=miner)
        height = len(self.blocks)
        fees = 0
        spent: list[tuple[str, int]] = []
        for tx in self.mempool:  # re-check in order: all were valid when admitted and none conflict
            for i in tx.inputs:
                spent.append((i.txid, i.index))
            fees += sum(self.utxos[(i.txid, i.index)].amount for i in tx.inputs) - sum(o.amount for o in tx.outputs)
        subsidy = block_subsidy(height)
        coinbase = Transaction((), (TxOut(self.address(miner), subsidy + fees),), f"coinbase {height} {miner}")
        txs = [coinbase] + list(self.mempool)
        prev = self.blocks[-1]["hash"] if self.blocks else "0" * 64
        prefix = block_prefix(height, 0, ",".join(t.txid for t in txs), prev)
        found = mine(prefix, difficulty)
        block = {"height": height, "miner": miner, "subsidy": subsidy, "fees": fees, "txs": txs,
                 "spent": spent, "prev": prev, "nonce": found.nonce, "hash": found.hash, "tries": found.tries}
        for op in spent:
            del self.utxos[op]
        for tx in txs:
            for idx, out in enumerate(tx.outputs):
                self.utxos[(tx.txid, idx)] = out
        self.blocks.append(block)
        self.mempool = []
        self.log.append({"event": "block", "txid": coinbase.txid, "memo": coinbase.memo, "fee": fees,
                         "amount": subsidy + fees})
        return block


def _payer(tx: Transaction) -> str | None:
    """Address of the key that signed the first input (the payer), None for a coinbase."""
    if not tx.inputs:
        return None
    first = tx.inputs[0]
    return crypto.p2pkh_address(first.public_key) if first.public_key else None


def to_satoshi(btc: float) -> int:
    """A BTC amount typed by a person → whole satoshi (1 BTC = 10^8 sat), rounded to the nearest satoshi."""
    require(isinstance(btc, (int, float)) and btc == btc and abs(btc) < 21_000_001, "blockchain_amount",
            "amount must be a finite number of BTC", amount=btc)
    return int(round(float(btc) * COIN))


def _check_amount(amount) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InputError("blockchain_amount", "amounts are positive integer satoshi", amount=amount)
    require(amount > 0, "blockchain_amount", "amounts are positive integer satoshi", amount=amount)


def new_ledger(seed: int, n_wallets: int = 4, difficulty: int = 2) -> UtxoLedger:
    """A fresh network of ``n_wallets`` (3–5) wallets in which the first wallet mined block 0 and the
    second block 1 (two coinbase rewards of 50 BTC each)."""
    require(3 <= n_wallets <= 5, "blockchain_wallets", "3 to 5 wallets", lo=3, hi=5)
    names = WALLET_NAMES[:n_wallets]
    ledger = UtxoLedger(seed=int(seed), names=names, keys={n: wallet_key(seed, n) for n in names})
    ledger.mine_block(names[0], difficulty)
    ledger.mine_block(names[1], difficulty)
    return ledger
