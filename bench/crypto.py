"""Throughput of the primitives in core/crypto.py, against the bare library calls.

Prints figures and ratios; asserts nothing.  Usage: python bench/crypto.py
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import rate  # noqa: E402

from Crypto.Hash import SHA256  # noqa: E402  (bench measures the library's own limit)

from core import crypto  # noqa: E402




def main():
    data = b"x" * 80
    one_shot = rate(lambda i: SHA256.digest(data), 100_000)
    new_digest = rate(lambda i: SHA256.new(data).digest(), 50_000)
    ours = rate(lambda i: crypto.sha256(data), 100_000)
    print(f"SHA256.digest one-shot      {one_shot:12,.0f} /s")
    print(f"SHA256.new(data).digest()   {new_digest:12,.0f} /s")
    print(f"core.crypto.sha256          {ours:12,.0f} /s")
    print(f"sha256d                     {rate(lambda i: crypto.sha256d(data), 50_000):12,.0f} /s")
    print(f"hash160                     {rate(lambda i: crypto.hash160(data), 20_000):12,.0f} /s")
    print(f"sign (RFC 6979)             {rate(lambda i: crypto.sign(12345, b'msg%d' % i), 200):12,.0f} /s")
    sig = crypto.sign(12345, b"msg")
    pub = crypto.public_key(12345)
    print(f"verify                      {rate(lambda i: crypto.verify(pub, b'msg', sig), 200):12,.0f} /s")
    print(f"totp                        {rate(lambda i: crypto.totp(b'12345678901234567890', i), 20_000):12,.0f} /s")
    print(f"one_shot_over_new_ratio={one_shot / new_digest:.2f}")
    print(f"core_sha256_ratio={ours / one_shot:.2f}")


if __name__ == "__main__":
    main()
