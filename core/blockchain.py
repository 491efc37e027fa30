"""Blockchain teaching models: hashing, proof-of-work mining, tamper-evident chains, Merkle trees,
Bitcoin block headers, Nakamoto's double-spend analysis and Bitcoin's monetary rules.

Pure and deterministic: no streamlit; randomness only through a seeded ``numpy.random.Generator``.
Hashes come from ``core.crypto`` (pycryptodome's one-shot SHA-256).  Consensus simulations (peers,
propagation, forks, the 51 % race, difficulty retargeting) live in ``core.consensus``; the UTXO
wallet ledger in ``core.utxo``.

Sources: FIPS 180-4 (SHA-256); S. Nakamoto, "Bitcoin: A Peer-to-Peer Electronic Cash System" (2008);
bitcoin/bitcoin ``src/consensus/merkle.cpp``, ``src/primitives/block.h``, ``src/arith_uint256.cpp``
(compact ``bits``), ``src/validation.cpp`` (``GetBlockSubsidy``), ``src/kernel/chainparams.cpp``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from core import crypto
from core.errors import InputError, require
from core.trace import Trace

HEX_DIGITS = 64                      # a SHA-256 digest is 64 hex characters
MAX_DIFFICULTY = 8                   # hex zeros the teaching miner accepts (16^8 ≈ 4.3e9 expected tries)
_HEX = re.compile(r"^[0-9a-fA-F]*$")


# ================================================================ hashing and the avalanche effect
def sha256_text(text: str) -> str:
    """SHA-256 (FIPS 180-4) of UTF-8 text, as 64 hex characters."""
    return crypto.sha256(str(text).encode("utf-8")).hex()


def hex_to_bits(hex_digest: str) -> list[int]:
    """The bits (most significant first) of a hex string: 64 hex characters → 256 bits."""
    check_hex(hex_digest, HEX_DIGITS)
    value = int(hex_digest, 16)
    return [(value >> (255 - i)) & 1 for i in range(256)]


def flipped_bits(hex_a: str, hex_b: str) -> list[int]:
    """1 where two 256-bit digests differ (bitwise XOR), 0 where they agree."""
    a, b = hex_to_bits(hex_a), hex_to_bits(hex_b)
    return [x ^ y for x, y in zip(a, b)]


def avalanche(text_a: str, text_b: str) -> dict:
    """Hash two texts and count the bits that differ.

    Strict avalanche criterion (Webster & Tavares 1985): a one-bit change of the input flips each
    output bit with probability ½, so about 128 of SHA-256's 256 bits change.
    """
    ha, hb = sha256_text(text_a), sha256_text(text_b)
    flips = flipped_bits(ha, hb)
    return {"hash_a": ha, "hash_b": hb, "flips": flips, "count": sum(flips),
            "hex_changed": sum(x != y for x, y in zip(ha, hb))}


def avalanche_sample(text: str, trials: int, seed: int) -> np.ndarray:
    """Flipped-bit counts for ``trials`` random one-character edits of ``text`` (seeded).

    Each trial replaces the character at a random position by a different printable ASCII
    character (an empty text gets one character appended).  The counts follow Binomial(256, ½)
    if SHA-256 behaves like a random function: mean 128, standard deviation 8.
    """
    require(1 <= trials <= 5000, "blockchain_trials", "trials must be between 1 and 5000", lo=1, hi=5000)
    rng = np.random.default_rng(seed)
    base = sha256_text(text)
    base_int = int(base, 16)
    counts = np.empty(trials, dtype=int)
    for i in range(trials):
        if text:
            pos = int(rng.integers(len(text)))
            old = text[pos]
            new = old
            while new == old:
                new = chr(int(rng.integers(33, 127)))
            edited = text[:pos] + new + text[pos + 1:]
        else:
            edited = chr(int(rng.integers(33, 127)))
        counts[i] = bin(base_int ^ int(sha256_text(edited), 16)).count("1")
    return counts


def binomial_pmf(n: int, p: float, ks) -> np.ndarray:
    """P(K = k) for K ~ Binomial(n, p), computed through log-gamma (no overflow)."""
    ks = np.asarray(ks, dtype=float)
    logc = np.array([math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) for k in ks])
    return np.exp(logc + ks * math.log(p) + (n - ks) * math.log1p(-p))


# ================================================================ input checks
def check_hex(text: str, length: int | None = None, what: str = "hash") -> str:
    """Return ``text`` stripped and lower-cased if it is hex (of ``length`` characters when given)."""
    text = str(text).strip().lower()
    if text.startswith("0x"):
        text = text[2:]
    require(_HEX.match(text) is not None, "blockchain_not_hex", f"{what} must contain only 0-9 and a-f",
            what=what)
    if length is not None:
        require(len(text) == length, "blockchain_hex_length", f"{what} must be {length} hex characters",
                what=what, expected=length, actual=len(text))
    return text


def check_difficulty(difficulty: int) -> int:
    """A teaching difficulty is a whole number of leading hex zeros, 0 … ``MAX_DIFFICULTY``."""
    require(isinstance(difficulty, (int, np.integer)) and 0 <= int(difficulty) <= MAX_DIFFICULTY,
            "blockchain_difficulty", f"difficulty must be 0 … {MAX_DIFFICULTY} hex zeros",
            lo=0, hi=MAX_DIFFICULTY)
    return int(difficulty)


# ================================================================ a teaching block and proof-of-work
@dataclass(frozen=True)
class Block:
    """A teaching block: number, timestamp (Unix s), data, the previous block's hash and a nonce.

    Its hash is SHA-256 of ``"number|timestamp|data|prev_hash|nonce"`` — the same idea as
    Bitcoin's header hash (tab "Real Bitcoin"), written as readable text.
    """

    number: int
    timestamp: int
    data: str
    prev_hash: str
    nonce: int = 0

    def prefix(self) -> bytes:
        """Everything the hash covers except the nonce (fixed while mining)."""
        return block_prefix(self.number, self.timestamp, self.data, self.prev_hash)

    @property
    def hash(self) -> str:
        """SHA-256 of the block's fields, 64 hex characters."""
        return crypto.sha256(self.prefix() + str(self.nonce).encode("ascii")).hex()


def block_prefix(number: int, timestamp: int, data: str, prev_hash: str) -> bytes:
    """The bytes ``"number|timestamp|data|prev_hash|"`` the nonce is appended to."""
    return f"{int(number)}|{int(timestamp)}|{data}|{prev_hash}|".encode("utf-8")


def difficulty_target(difficulty: int) -> bytes:
    """The 32-byte bound a hash must stay below: d leading hex zeros ⇔ hash < 16^(64−d).

    Comparing 32-byte big-endian strings is comparing the numbers, so the loop compares bytes.
    """
    d = check_difficulty(difficulty)
    return (16 ** (HEX_DIGITS - d)).to_bytes(33, "big")[1:] if d else b"\xff" * 32 + b"\x00"


def meets_difficulty(hash_hex: str, difficulty: int) -> bool:
    """True iff the hash starts with ``difficulty`` hex zeros."""
    return hash_hex.startswith("0" * check_difficulty(difficulty))


def expected_tries(difficulty: int) -> int:
    """Each try succeeds with probability 16^−d, so the expected number of tries is 16^d."""
    return 16 ** check_difficulty(difficulty)


@dataclass(frozen=True)
class MiningChunk:
    """What one chunk of nonces produced: a hit (``nonce``/``hash``) or none, and the best hash seen."""

    found: bool
    nonce: int | None
    hash: str | None
    tries: int
    best_hash: str
    best_nonce: int
    next_nonce: int


def mine_chunk(prefix: bytes, difficulty: int, start: int, count: int,
               best_hash: str | None = None, best_nonce: int = -1) -> MiningChunk:
    """Try nonces ``start … start+count−1`` in order and stop at the first hash below the target.

    Proof-of-work (Nakamoto 2008 §4): find a nonce so that SHA-256(block ‖ nonce) < target.  The loop
    is the hot path: one-shot SHA-256, one bytes comparison per nonce, nothing else.
    """
    require(isinstance(prefix, (bytes, bytearray)), "blockchain_prefix", "prefix must be bytes")
    require(0 <= start and 1 <= count <= 50_000_000, "blockchain_chunk", "chunk size out of range",
            lo=1, hi=50_000_000)
    target = difficulty_target(difficulty)
    sha = crypto.sha256
    prefix = bytes(prefix)
    best = bytes.fromhex(best_hash) if best_hash else b"\xff" * 32 + b"\x01"
    best_n = best_nonce
    for nonce in range(start, start + count):
        digest = sha(prefix + b"%d" % nonce)
        if digest < best:
            best, best_n = digest, nonce
            if digest < target:
                return MiningChunk(True, nonce, digest.hex(), nonce - start + 1, digest.hex(), nonce, nonce + 1)
    return MiningChunk(False, None, None, count, best.hex(), best_n, start + count)


def mine(prefix: bytes, difficulty: int, start: int = 0, max_tries: int = 5_000_000) -> MiningChunk:
    """Mine to completion (or ``max_tries``): returns the winning nonce and the tries it took."""
    chunk = mine_chunk(prefix, difficulty, start, max_tries)
    if not chunk.found:
        raise InputError("blockchain_mining_gave_up", "no nonce found within the try limit", tries=max_tries)
    return replace(chunk, tries=chunk.nonce - start + 1)


def mine_block(block: Block, difficulty: int, max_tries: int = 5_000_000) -> tuple[Block, int]:
    """Search nonces from 0 for ``block``; returns the mined block and the number of tries."""
    chunk = mine(block.prefix(), difficulty, 0, max_tries)
    return replace(block, nonce=chunk.nonce), chunk.tries


def mining_lottery(difficulty: int, rounds: int, seed: int) -> np.ndarray:
    """Tries needed in ``rounds`` independent mining rounds (each with different, seeded block data).

    The number of tries is geometric with success probability p = 16^−d: P(T = t) = (1−p)^(t−1)·p,
    mean 1/p — mining is a lottery in which every ticket (nonce) has the same small chance.
    """
    d = check_difficulty(difficulty)
    require(d <= 4, "blockchain_lottery_difficulty", "the repeated-mining experiment allows 1–4 hex zeros",
            lo=1, hi=4)
    require(1 <= rounds <= 2000, "blockchain_trials", "rounds must be between 1 and 2000", lo=1, hi=2000)
    rng = np.random.default_rng(seed)
    tags = rng.integers(0, 2 ** 62, size=rounds)
    tries = np.empty(rounds, dtype=np.int64)
    for i, tag in enumerate(tags):
        tries[i] = mine(block_prefix(i, 0, f"round-{int(tag)}", "0" * 64), d, 0, 50_000_000).tries
    return tries


def geometric_cdf(p: float, t) -> np.ndarray:
    """P(T ≤ t) = 1 − (1−p)^t for the geometric number of tries T."""
    return 1.0 - np.power(1.0 - p, np.asarray(t, dtype=float))


# ================================================================ a chain of teaching blocks
GENESIS_PREV = "0" * 64
CHAIN_START_TIME = 1_700_000_000       # 2023-11-14 22:13:20 UTC, a fixed clock keeps runs reproducible
BLOCK_SPACING = 600                    # Bitcoin's target spacing: 10 minutes (chainparams.cpp)


def build_chain(datas: list[str], difficulty: int, start_time: int = CHAIN_START_TIME) -> tuple[list[Block], list[int]]:
    """Mine a chain whose block i stores ``datas[i]`` and the hash of block i−1; returns blocks and tries."""
    require(1 <= len(datas) <= 12, "blockchain_chain_length", "a chain needs 1 to 12 blocks", lo=1, hi=12)
    blocks: list[Block] = []
    tries: list[int] = []
    prev = GENESIS_PREV
    for i, data in enumerate(datas):
        block, t = mine_block(Block(i + 1, start_time + i * BLOCK_SPACING, data, prev), difficulty)
        blocks.append(block)
        tries.append(t)
        prev = block.hash
    return blocks, tries


def validate_chain(blocks: list[Block], difficulty: int, accepted: list[str] | None = None) -> list[dict]:
    """Check every block: its hash must meet the target and ``prev_hash`` must equal the previous hash.

    A block whose own checks pass but which sits on an invalid block is reported as
    ``after_invalid``: honest nodes reject everything built on an invalid block.
    Reasons: ``ok``, ``above_target``, ``broken_link``, ``after_invalid``.

    ``accepted`` (the hashes of the copy the network accepted) adds ``changed``: the block's hash differs
    from the accepted one.  Any edit changes the hash, so an edited block is always ``changed``; at a low
    difficulty its new hash may still meet the target by chance (probability 16^−d per edit), so it can be
    ``valid`` and ``changed`` at once — a valid proof of work, but not the block everyone else holds.
    """
    out = []
    prev_hash = GENESIS_PREV
    chain_ok = True
    for i, block in enumerate(blocks):
        h = block.hash
        reasons = []
        if not meets_difficulty(h, difficulty):
            reasons.append("above_target")
        if block.prev_hash != prev_hash:
            reasons.append("broken_link")
        if not reasons and not chain_ok:
            reasons.append("after_invalid")
        valid = not reasons
        chain_ok = chain_ok and valid
        known = accepted[i] if accepted is not None and i < len(accepted) else None
        out.append({"number": block.number, "hash": h, "valid": valid, "reasons": reasons or ["ok"],
                    "expected_prev": prev_hash, "accepted_hash": known,
                    "changed": accepted is not None and h != known})
        prev_hash = h
    return out


def chance_edit_meets(target: int) -> float:
    """Probability that an edited block's new (uniformly random) hash still meets ``target``:
    p = (target + 1) / 2^256 (a hash is valid iff, read as a number, it is ≤ target)."""
    require(isinstance(target, (int, np.integer)) and 0 <= int(target) < 2 ** 256, "blockchain_bits",
            "a target is an integer below 2^256", bits=str(target)[:20])
    return (int(target) + 1) / 2 ** 256


def edit_block(blocks: list[Block], index: int, data: str) -> list[Block]:
    """A copy of the chain with block ``index``'s data replaced (nonce and links untouched)."""
    require(0 <= index < len(blocks), "blockchain_block_index", "no such block", index=index)
    out = list(blocks)
    out[index] = replace(out[index], data=str(data))
    return out


def remine_block(blocks: list[Block], index: int, difficulty: int) -> tuple[list[Block], int]:
    """Re-link block ``index`` to its predecessor's current hash and mine it again; returns chain and tries."""
    require(0 <= index < len(blocks), "blockchain_block_index", "no such block", index=index)
    prev = blocks[index - 1].hash if index else GENESIS_PREV
    block, tries = mine_block(replace(blocks[index], prev_hash=prev, nonce=0), difficulty)
    out = list(blocks)
    out[index] = block
    return out, tries


def repair_chain(blocks: list[Block], difficulty: int) -> tuple[list[Block], list[int]]:
    """Re-mine every block from the first invalid one to the tip: the work rewriting history costs."""
    status = validate_chain(blocks, difficulty)
    first_bad = next((i for i, s in enumerate(status) if not s["valid"]), None)
    tries = [0] * len(blocks)
    if first_bad is None:
        return list(blocks), tries
    out = list(blocks)
    for i in range(first_bad, len(out)):
        out, tries[i] = remine_block(out, i, difficulty)
    return out, tries


# ================================================================ Merkle trees (Bitcoin's convention)
def _internal(txid_hex: str) -> bytes:
    """Display hex (big-endian, as explorers print it) → internal byte order (reversed)."""
    return bytes.fromhex(check_hex(txid_hex, HEX_DIGITS, "txid"))[::-1]


def merkle_parent(left_hex: str, right_hex: str) -> str:
    """Parent node: SHA256d(left ‖ right) over internal byte order, returned in display hex."""
    return crypto.sha256d(_internal(left_hex) + _internal(right_hex))[::-1].hex()


def merkle_levels(txids: list[str]) -> list[list[str]]:
    """Every level of the tree, leaves first, root last (display hex).

    Bitcoin (``src/consensus/merkle.cpp``): pair neighbours, hash each pair with double SHA-256;
    a level with an odd count pairs its last hash with itself.  The levels returned hold only the
    real nodes; the duplicated partner is implied.
    """
    require(isinstance(txids, (list, tuple)) and len(txids) >= 1, "blockchain_merkle_empty",
            "a Merkle tree needs at least one transaction")
    level = [check_hex(t, HEX_DIGITS, "txid") for t in txids]
    levels = [level]
    while len(level) > 1:
        if len(level) % 2:
            level = level + [level[-1]]
        level = [merkle_parent(level[i], level[i + 1]) for i in range(0, len(level), 2)]
        levels.append(level)
    return levels


def merkle_root(txids: list[str]) -> str:
    """Merkle root of a block's txids (display hex in, display hex out), Bitcoin's convention."""
    return merkle_levels(txids)[-1][0]


def merkle_proof(txids: list[str], index: int) -> list[dict]:
    """Inclusion proof (SPV, Nakamoto 2008 §8): the sibling hash at each level from leaf to root.

    Each item: ``sibling`` (display hex), ``side`` (``left``/``right`` = where the sibling sits) and
    ``level``.  A tree of n leaves needs ⌈log2 n⌉ siblings.
    """
    levels = merkle_levels(txids)
    require(0 <= index < len(levels[0]), "blockchain_merkle_index", "no such transaction", index=index,
            n=len(levels[0]))
    proof = []
    i = index
    for depth, level in enumerate(levels[:-1]):
        padded = level + [level[-1]] if len(level) % 2 else level
        j = i ^ 1
        proof.append({"level": depth, "sibling": padded[j], "side": "left" if j < i else "right"})
        i //= 2
    return proof


def verify_merkle_proof(txid: str, proof: list[dict], root: str) -> tuple[bool, list[str]]:
    """Fold the proof into the txid; returns (computed root == ``root``, the running hashes)."""
    current = check_hex(txid, HEX_DIGITS, "txid")
    path = [current]
    for item in proof:
        if item["side"] == "left":
            current = merkle_parent(item["sibling"], current)
        else:
            current = merkle_parent(current, item["sibling"])
        path.append(current)
    return current == check_hex(root, HEX_DIGITS, "merkle root"), path


def merkle_proof_trace(txids: list[str], index: int) -> Trace:
    """The SPV check of ``merkle_proof`` step by step: start from the txid, fold in one sibling per
    level (left or right), and compare the result with the root in the block header.

    Each step's state holds ``path`` (nodes computed so far) and ``siblings`` (nodes supplied by the
    proof), as (level, index) pairs of ``merkle_levels``.
    """
    levels = merkle_levels(txids)
    proof = merkle_proof(txids, index)
    root = levels[-1][0]
    trace = Trace(meta={"root": root, "n": len(levels[0]), "index": index, "hashes": len(proof)})
    current, i = levels[0][index], index
    path, siblings = [(0, i)], []
    trace.add("blockchain.merkle.step.leaf", {"path": list(path), "siblings": []}, i=index, hash=current[:12])
    for item in proof:
        level = item["level"]
        siblings.append((level, min(i ^ 1, len(levels[level]) - 1)))
        if item["side"] == "left":
            current = merkle_parent(item["sibling"], current)
        else:
            current = merkle_parent(current, item["sibling"])
        i //= 2
        path.append((level + 1, i))
        trace.add(f"blockchain.merkle.step.combine_{item['side']}", {"path": list(path), "siblings": list(siblings)},
                  level=level, sibling=item["sibling"][:12], result=current[:12])
    trace.add("blockchain.merkle.step.root_ok" if current == root else "blockchain.merkle.step.root_bad",
              {"path": list(path), "siblings": list(siblings)}, root=root[:12], k=len(proof), n=len(levels[0]))
    return trace


def toy_txid(text: str) -> str:
    """A teaching txid: double SHA-256 of the transaction's text, displayed reversed like Bitcoin's."""
    return crypto.sha256d(str(text).encode("utf-8"))[::-1].hex()


# ================================================================ Bitcoin block headers
HEADER_FIELDS = ("version", "prev_hash", "merkle_root", "timestamp", "bits", "nonce")
MAX_TARGET = 0x00000000FFFF0000000000000000000000000000000000000000000000000000  # bits 0x1d00ffff


def _u32(value: int, name: str) -> bytes:
    require(isinstance(value, (int, np.integer)) and 0 <= int(value) < 2 ** 32, "blockchain_header_field",
            f"{name} must be an unsigned 32-bit integer", field=name)
    return int(value).to_bytes(4, "little")


def header_fields_bytes(version: int, prev_hash: str, merkle_root: str, timestamp: int, bits: int,
                        nonce: int) -> list[tuple[str, bytes]]:
    """The six header fields as the bytes they occupy (``src/primitives/block.h``), 80 bytes in all.

    version: int32 little-endian; prev_hash, merkle_root: 32 bytes in internal order (the display
    hex reversed); time, bits, nonce: uint32 little-endian.
    """
    require(isinstance(version, (int, np.integer)) and -2 ** 31 <= int(version) < 2 ** 32,
            "blockchain_header_field", "version must be a 32-bit integer", field="version")
    version_bytes = int(version).to_bytes(4, "little", signed=int(version) < 0)
    return [("version", version_bytes),
            ("prev_hash", bytes.fromhex(check_hex(prev_hash, HEX_DIGITS, "previous hash"))[::-1]),
            ("merkle_root", bytes.fromhex(check_hex(merkle_root, HEX_DIGITS, "merkle root"))[::-1]),
            ("timestamp", _u32(timestamp, "timestamp")),
            ("bits", _u32(bits, "bits")),
            ("nonce", _u32(nonce, "nonce"))]


def serialize_header(version: int, prev_hash: str, merkle_root: str, timestamp: int, bits: int, nonce: int) -> bytes:
    """The 80-byte block header Bitcoin hashes."""
    return b"".join(b for _, b in header_fields_bytes(version, prev_hash, merkle_root, timestamp, bits, nonce))


def header_hash(version: int, prev_hash: str, merkle_root: str, timestamp: int, bits: int, nonce: int) -> str:
    """Block hash: SHA256(SHA256(80-byte header)), shown byte-reversed (display hex)."""
    return crypto.sha256d(serialize_header(version, prev_hash, merkle_root, timestamp, bits, nonce))[::-1].hex()


def parse_header(header_hex: str) -> dict:
    """Split an 80-byte header (160 hex characters) back into its six fields."""
    text = re.sub(r"\s+", "", str(header_hex))
    raw = bytes.fromhex(check_hex(text, 160, "block header"))
    return {"version": int.from_bytes(raw[0:4], "little", signed=True),
            "prev_hash": raw[4:36][::-1].hex(),
            "merkle_root": raw[36:68][::-1].hex(),
            "timestamp": int.from_bytes(raw[68:72], "little"),
            "bits": int.from_bytes(raw[72:76], "little"),
            "nonce": int.from_bytes(raw[76:80], "little")}


def bits_to_target(bits: int) -> int:
    """Decode the compact target (``arith_uint256::SetCompact``): mantissa · 256^(exponent − 3).

    bits = 0xEEMMMMMM: exponent EE (bytes), 23-bit mantissa; the 0x00800000 bit is a sign and must be 0.
    """
    _u32(bits, "bits")
    exponent, mantissa = bits >> 24, bits & 0x007FFFFF
    require(not (bits & 0x00800000) and mantissa != 0, "blockchain_bits", "bits encode a negative or zero target",
            bits=f"{bits:08x}")
    target = mantissa >> (8 * (3 - exponent)) if exponent <= 3 else mantissa << (8 * (exponent - 3))
    # a small exponent can shift the whole mantissa away (0x01003456 → 0), a large one past 256 bits:
    # neither is a target a hash can be compared with (Bitcoin's SetCompact reports both as invalid)
    require(0 < target < 2 ** 256, "blockchain_bits", "bits encode a zero target or one beyond 256 bits",
            bits=f"{bits:08x}")
    return target


def difficulty_from_bits(bits: int) -> float:
    """Bitcoin's difficulty: the genesis (maximum) target divided by this block's target."""
    return MAX_TARGET / bits_to_target(bits)


def check_header(version: int, prev_hash: str, merkle_root: str, timestamp: int, bits: int, nonce: int) -> dict:
    """Serialise, hash and check proof-of-work: the hash read as a number must be ≤ the target from bits."""
    fields = header_fields_bytes(version, prev_hash, merkle_root, timestamp, bits, nonce)
    raw = b"".join(b for _, b in fields)
    first = crypto.sha256(raw)
    digest = crypto.sha256(first)
    display = digest[::-1].hex()
    target = bits_to_target(bits)
    value = int.from_bytes(digest, "little")
    return {"fields": [(name, b.hex()) for name, b in fields], "header_hex": raw.hex(), "sha256_once": first.hex(),
            "sha256d": digest.hex(), "hash": display, "target": target, "target_hex": f"{target:064x}",
            "meets_target": value <= target, "leading_zero_bits": 256 - value.bit_length(),
            "difficulty": difficulty_from_bits(bits), "work": (2 ** 256) // (target + 1)}


# ================================================================ Nakamoto 2008 §11: the attacker's race
def check_race(q: float, z: int) -> None:
    """0 < q < 0.5 (the attacker is a minority) and z a whole number of confirmations 0 … 10 000."""
    require(isinstance(q, (int, float, np.floating)) and 0.0 < float(q) < 0.5, "blockchain_q_range",
            "attacker share q must satisfy 0 < q < 0.5", q=q)
    require(isinstance(z, (int, np.integer)) and 0 <= int(z) <= 10_000, "blockchain_z_range",
            "confirmations z must be a whole number 0 … 10000", z=z)


def attacker_success_probability(q: float, z: int) -> float:
    """Probability an attacker with hash share q ever overtakes a transaction buried under z blocks.

    Nakamoto (2008) §11:  P = 1 − Σ_{k=0..z} Poisson(k; λ)·(1 − (q/p)^(z−k)),  p = 1 − q,  λ = z·q/p.
    Rewritten as two sums of positive terms so nothing cancels for large z:
        P = Σ_{k>z} Poisson(k; λ)  +  Σ_{k≤z} Poisson(k; λ)·(q/p)^(z−k),
    each term evaluated in log space (log-gamma), summed with ``math.fsum``.
    """
    check_race(q, z)
    q, z = float(q), int(z)
    if z == 0:
        return 1.0
    p = 1.0 - q
    lam = z * q / p
    log_lam, log_r = math.log(lam), math.log(q / p)

    def log_poisson(k: int) -> float:
        return k * log_lam - lam - math.lgamma(k + 1)

    caught_up_later = [math.exp(log_poisson(k) + (z - k) * log_r) for k in range(z + 1)]
    ahead_already = []
    k = z + 1
    while True:  # the Poisson tail beyond z (> λ): each term is λ/k < 1 times the one before
        term = math.exp(log_poisson(k))
        ahead_already.append(term)
        if term == 0.0 or term < 1e-18 * ahead_already[0] or k > z + 100_000:
            break
        k += 1
    return min(1.0, math.fsum(caught_up_later) + math.fsum(ahead_already))


def nakamoto_table() -> dict:
    """The three tables of Nakamoto (2008) §11, recomputed: q=0.1 for z=0…10, q=0.3 for z=0,5…50,
    and the smallest z with P < 0.1 % for q = 0.10, 0.15, …, 0.45."""
    q10 = [(z, attacker_success_probability(0.1, z)) for z in range(11)]
    q30 = [(z, attacker_success_probability(0.3, z)) for z in range(0, 51, 5)]
    solve = [(q, min_confirmations(q, 0.001)) for q in (0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45)]
    return {"q10": q10, "q30": q30, "solve": solve}


def min_confirmations(q: float, risk: float = 0.001) -> int:
    """Smallest z with attacker_success_probability(q, z) < risk (the paper's "solving for P < 0.1 %")."""
    require(0.0 < risk < 1.0, "blockchain_risk_range", "risk must be between 0 and 1", risk=risk)
    check_race(q, 0)
    z = 0
    while attacker_success_probability(q, z) >= risk:
        z += 1
        require(z <= 10_000, "blockchain_z_range", "no z up to 10000 reaches that risk", z=z)
    return z


# ================================================================ sourced tables
def load_table(name: str):
    """Read ``data/<name>.csv``; every row must carry a non-empty ``source``."""
    import pandas as pd
    from pathlib import Path

    require(isinstance(name, str) and re.fullmatch(r"[a-z0-9_]{1,64}", name) is not None, "data_empty",
            "a table name is 1-64 lower-case letters, digits or _", table=str(name)[:40])
    path = Path(__file__).resolve().parent.parent / "data" / f"{name}.csv"
    require(path.exists(), "data_empty", f"no table {name}", table=name)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    require(len(df) > 0, "data_empty", f"table {name} is empty", table=name)
    require("source" in df.columns and (df["source"].str.strip() != "").all(), "data_no_source",
            f"table {name} has rows without a source", table=name)
    return df


def new_private_key() -> int:
    """A fresh secp256k1 private key from the operating system's CSPRNG (uniform in 1 … n−1)."""
    while True:
        k = int.from_bytes(crypto.random_bytes(32), "big")
        if 1 <= k < crypto.SECP256K1_N:
            return k


def parse_private_key(text: str) -> int:
    """A private key typed as hex (up to 64 characters); must satisfy 1 ≤ k < n (SEC 1 §3.2.1)."""
    clean = check_hex(text, None, "private key")
    require(1 <= len(clean) <= 64, "blockchain_key_length", "a private key has 1 to 64 hex characters")
    k = int(clean, 16)
    require(1 <= k < crypto.SECP256K1_N, "blockchain_key_range", "private key must satisfy 1 ≤ k < n")
    return k


def address_steps(private_key: int, compressed: bool) -> list[tuple[str, str]]:
    """Every intermediate value from a private key to its P2PKH address (Bitcoin's Base58Check).

    K = k·G → SEC1 encoding → SHA-256 → RIPEMD-160 (= HASH160) → 0x00 ‖ HASH160 → checksum =
    first 4 bytes of SHA256d(0x00 ‖ HASH160) → Base58(0x00 ‖ HASH160 ‖ checksum).
    """
    x, y = crypto.public_point(private_key)
    pub = crypto.public_key(private_key, compressed=compressed)
    sha = crypto.sha256(pub)
    h160 = crypto.ripemd160(sha)
    payload = b"\x00" + h160
    checksum = crypto.sha256d(payload)[:4]
    address = crypto.base58_encode(payload + checksum)
    return [("private_key", f"{private_key:064x}"), ("point_x", f"{x:064x}"), ("point_y", f"{y:064x}"),
            ("public_key", pub.hex()), ("sha256", sha.hex()), ("hash160", h160.hex()),
            ("versioned", payload.hex()), ("checksum", checksum.hex()), ("address", address)]
