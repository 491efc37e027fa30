"""Mining speed: the app's proof-of-work loop against a bare loop of one-shot SHA-256 calls.

The bare loop (``SHA256.digest`` on a fixed buffer, nothing else) is the limit for this library; the
app's loop (``core.blockchain.mine_chunk``) also builds each candidate (prefix ‖ nonce) and compares
the digest with the best hash so far.  Both run here, on the same machine, in the same process.
Prints figures; the last line is ``mining_ratio=<app nonces/s ÷ bare nonces/s>``.  Never asserts.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import crypto  # noqa: E402

from core.blockchain import Block, expected_tries, mine_chunk  # noqa: E402

N = 400_000
ROUNDS = 3


def bare_rate(n: int) -> float:
    """Nonces per second of the tightest loop: one-shot SHA-256 of a fixed 100-byte buffer."""
    digest = crypto.SHA256.digest  # the raw pycryptodome one-shot, as re-exported by core.crypto
    data = b"x" * 100
    start = time.perf_counter()
    for _ in range(n):
        digest(data)
    return n / (time.perf_counter() - start)


def app_rate(n: int) -> float:
    """Nonces per second of the app's miner on a teaching block at an unreachable difficulty."""
    prefix = Block(1, 1_700_000_000, "Alice pays Bob 10", "0" * 64).prefix()
    start = time.perf_counter()
    chunk = mine_chunk(prefix, 8, 0, n)
    elapsed = time.perf_counter() - start
    return chunk.tries / elapsed


def main() -> None:
    bare = max(bare_rate(N) for _ in range(ROUNDS))
    app = max(app_rate(N) for _ in range(ROUNDS))
    print(f"bare SHA256.digest loop : {bare:,.0f} hashes/s")
    print(f"app mining loop         : {app:,.0f} nonces/s")
    for d in (3, 4, 5, 6):
        print(f"difficulty {d}: expected {expected_tries(d):,} tries ≈ {expected_tries(d) / app:.2f} s here")
    print(f"mining_ratio={app / bare:.3f}")


if __name__ == "__main__":
    main()
