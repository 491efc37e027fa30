"""Every cryptographic primitive of FinTech Lab, on pycryptodome only.

Python's ``hashlib`` and ``hmac`` are not used anywhere in this project (the build is asked to be
hashlib-free; ``tests/test_no_hashlib.py`` enforces it).  Hot loops use the one-shot
``SHA256.digest(data)``, measured ≈ 4× faster here than ``SHA256.new(data).digest()``.

Sources: FIPS 180-4 (SHA-2), ISO/IEC 10118-3 (RIPEMD-160), SEC 2 (secp256k1), RFC 6979
(deterministic ECDSA), BIP 62/146 (low-S signatures), RFC 2104 (HMAC), RFC 4226/6238 (HOTP/TOTP),
NIST SP 800-38D (GCM), RFC 8018 (PBKDF2), RFC 7914 (scrypt), Bitcoin's Base58Check.
"""
from __future__ import annotations

from Crypto.Cipher import AES
from Crypto.Hash import HMAC, RIPEMD160, SHA1, SHA256, SHA512
from Crypto.Protocol.KDF import PBKDF2, scrypt as _scrypt
from Crypto.PublicKey import ECC
from Crypto.Random import get_random_bytes
from Crypto.Signature import DSS
from Crypto.Util.asn1 import DerSequence

from core.errors import InputError, check_count, require

# secp256k1 group order n and field prime p (SEC 2, §2.4.1)
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
SECP256K1_P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F

_DIGESTS = {"sha1": SHA1, "sha256": SHA256, "sha512": SHA512}
#: bounded work: a key-derivation call with more than this many iterations (or scrypt memory) is refused,
#: never started — the C loops of pycryptodome cannot be interrupted once running
MAX_KDF_ITERATIONS = 10_000_000        # OWASP 2023 asks 600,000 for PBKDF2-SHA256; ×16 is ample headroom
MAX_SCRYPT_N = 2 ** 17                 # scrypt uses 128·r·N bytes: 128 MiB at r = 8 (RFC 7914 §2)
MAX_KEY_LENGTH = 1024                  # bytes of derived key
MAX_OTP_COUNTER = 2 ** 64 - 1          # RFC 4226: the counter is an 8-byte value
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# ---------------------------------------------------------------- hashes
def sha256(data: bytes) -> bytes:
    """SHA-256 digest (FIPS 180-4), 32 bytes."""
    return SHA256.digest(data)


def sha256d(data: bytes) -> bytes:
    """Bitcoin's double hash: SHA256(SHA256(data))."""
    return SHA256.digest(SHA256.digest(data))


def ripemd160(data: bytes) -> bytes:
    """RIPEMD-160 digest, 20 bytes."""
    return RIPEMD160.new(data).digest()


def hash160(data: bytes) -> bytes:
    """Bitcoin's HASH160 = RIPEMD160(SHA256(data)), used for P2PKH addresses."""
    return ripemd160(sha256(data))


def sha256_hex(text: str) -> str:
    """SHA-256 of UTF-8 text as 64 hex characters."""
    return sha256(text.encode("utf-8")).hex()


def random_bytes(n: int) -> bytes:
    """``n`` bytes from the operating system's CSPRNG (for salts, nonces, secrets); 0 ≤ n ≤ 1 MiB."""
    return get_random_bytes(check_count(n, 0, 2 ** 20))


# ---------------------------------------------------------------- HMAC, TOTP
def hmac_digest(key: bytes, message: bytes, digest: str = "sha256") -> bytes:
    """HMAC(key, message) per RFC 2104 with SHA-1, SHA-256 or SHA-512."""
    require(digest in _DIGESTS, "digest_unknown", f"digest must be one of {sorted(_DIGESTS)}", digest=digest)
    return HMAC.new(key, message, digestmod=_DIGESTS[digest]).digest()


def hotp(secret: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str:
    """HOTP (RFC 4226 §5.3): dynamic truncation of HMAC(secret, counter as 8-byte big-endian)."""
    require(isinstance(digits, int) and 6 <= digits <= 10, "otp_digits", "digits must be between 6 and 10",
            digits=digits)
    require(isinstance(counter, int) and 0 <= counter <= MAX_OTP_COUNTER, "otp_counter",
            "counter must be a non-negative 8-byte integer", counter=counter)
    mac = hmac_digest(secret, counter.to_bytes(8, "big"), digest)
    offset = mac[-1] & 0x0F
    code = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(code % 10 ** digits).zfill(digits)


def totp(secret: bytes, for_time: int, digits: int = 6, step: int = 30, digest: str = "sha1") -> str:
    """TOTP (RFC 6238 §4): HOTP with counter T = floor(for_time / step) (Unix time, T0 = 0)."""
    require(isinstance(step, int) and 0 < step <= 10 ** 9, "otp_step", "step must be positive", step=step)
    require(isinstance(for_time, int) and 0 <= for_time <= 10 ** 15, "otp_time", "time must be non-negative",
            time=for_time)
    return hotp(secret, int(for_time) // step, digits, digest)


def totp_seconds_left(for_time: int, step: int = 30) -> int:
    """Seconds until the current TOTP code expires."""
    require(isinstance(step, int) and 0 < step <= 10 ** 9, "otp_step", "step must be positive", step=step)
    return step - int(for_time) % step


# ---------------------------------------------------------------- password storage
def pbkdf2_sha256(password: str, salt: bytes, iterations: int, length: int = 32) -> bytes:
    """PBKDF2-HMAC-SHA256 (RFC 8018 §5.2)."""
    require(isinstance(iterations, int) and 1 <= iterations <= MAX_KDF_ITERATIONS, "kdf_iterations",
            f"iterations must be 1 … {MAX_KDF_ITERATIONS:,}", iterations=iterations, hi=MAX_KDF_ITERATIONS)
    require(isinstance(length, int) and 1 <= length <= MAX_KEY_LENGTH, "kdf_length", "key length out of range",
            hi=MAX_KEY_LENGTH)
    return PBKDF2(password.encode("utf-8"), salt, dkLen=length, count=iterations, hmac_hash_module=SHA256)


def scrypt_hash(password: str, salt: bytes, n: int = 2 ** 14, r: int = 8, p: int = 1, length: int = 32) -> bytes:
    """scrypt (RFC 7914): memory-hard key derivation; N must be a power of two."""
    require(isinstance(n, int) and 2 <= n <= MAX_SCRYPT_N and n & (n - 1) == 0, "kdf_n",
            "N must be a power of two ≥ 2", n=n, hi=MAX_SCRYPT_N)
    require(isinstance(r, int) and isinstance(p, int) and 1 <= r <= 16 and 1 <= p <= 16 and n * r <= 2 ** 20,
            "kdf_n", "scrypt's r and p must be 1 … 16 (memory 128·r·N bytes at most 128 MiB)", n=n, hi=MAX_SCRYPT_N)
    require(isinstance(length, int) and 1 <= length <= MAX_KEY_LENGTH, "kdf_length", "key length out of range",
            hi=MAX_KEY_LENGTH)
    return _scrypt(password.encode("utf-8"), salt, key_len=length, N=n, r=r, p=p)


# ---------------------------------------------------------------- AES-GCM
def aes_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"", nonce: bytes | None = None):
    """AES-GCM (NIST SP 800-38D): returns (nonce, ciphertext, tag). A 12-byte nonce is drawn if none is given."""
    require(len(key) in (16, 24, 32), "aes_key_length", "AES key must be 16, 24 or 32 bytes", length=len(key))
    nonce = nonce if nonce is not None else get_random_bytes(12)
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(aad)
    ciphertext, tag = cipher.encrypt_and_digest(plaintext)
    return nonce, ciphertext, tag


def aes_gcm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, tag: bytes, aad: bytes = b"") -> bytes:
    """Decrypt and authenticate; raises ``InputError('aes_tampered')`` if any byte was changed."""
    require(len(key) in (16, 24, 32), "aes_key_length", "AES key must be 16, 24 or 32 bytes", length=len(key))
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(aad)
    try:
        return cipher.decrypt_and_verify(ciphertext, tag)
    except ValueError:
        raise InputError("aes_tampered", "authentication failed: the message or its tag was changed") from None


# ---------------------------------------------------------------- secp256k1 keys and ECDSA
def check_private_key(private_key: int) -> None:
    """A secp256k1 private key is an integer 1 ≤ k < n (SEC 1 §3.2.1)."""
    require(isinstance(private_key, int) and 1 <= private_key < SECP256K1_N, "private_key_range",
            "private key must be an integer with 1 ≤ k < n (secp256k1 order)")


def _ecc_private(private_key: int) -> ECC.EccKey:
    check_private_key(private_key)
    return ECC.construct(curve="secp256k1", d=private_key)


def public_point(private_key: int) -> tuple[int, int]:
    """The public point K = k·G on secp256k1, as integers (x, y)."""
    point = _ecc_private(private_key).public_key().pointQ
    return int(point.x), int(point.y)


def public_key(private_key: int, compressed: bool = True) -> bytes:
    """SEC 1 encoding of K = k·G: 02/03‖x (33 bytes) compressed, 04‖x‖y (65 bytes) uncompressed."""
    x, y = public_point(private_key)
    if compressed:
        return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def _ecc_public(public_key_bytes: bytes) -> ECC.EccKey:
    try:
        return ECC.import_key(bytes(public_key_bytes), curve_name="secp256k1")
    except (ValueError, IndexError, TypeError):
        raise InputError("public_key_invalid", "not a valid SEC1 secp256k1 public key") from None


def _der_to_rs(signature: bytes) -> tuple[int, int]:
    seq = DerSequence().decode(signature, strict=True)
    if len(seq) != 2:
        raise ValueError("DER sequence must hold r and s")
    return int(seq[0]), int(seq[1])


def sign(private_key: int, message: bytes) -> bytes:
    """ECDSA over SHA-256(message) with a deterministic nonce (RFC 6979), DER-encoded, low-S (BIP 62)."""
    signer = DSS.new(_ecc_private(private_key), "deterministic-rfc6979", encoding="binary")
    raw = signer.sign(SHA256.new(message))
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    if s > SECP256K1_N // 2:  # BIP 62: use the low-S twin so the signature is not malleable
        s = SECP256K1_N - s
    return DerSequence([r, s]).encode()


def high_s_twin(signature: bytes) -> bytes:
    """The malleated twin of a DER signature: (r, s) → (r, n − s).  ECDSA accepts both mathematically
    (s and n − s give the same check), which is why ``verify`` insists on the low-S one (BIP 146)."""
    r, s = signature_rs(signature)
    require(1 <= s < SECP256K1_N, "signature_malformed", "s must satisfy 1 ≤ s < n")
    return DerSequence([r, SECP256K1_N - s]).encode()


def signature_rs(signature: bytes) -> tuple[int, int]:
    """The (r, s) integers inside a DER signature."""
    try:
        return _der_to_rs(signature)
    except (ValueError, IndexError, TypeError):
        raise InputError("signature_malformed", "signature is not a DER sequence of two integers") from None


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True iff ``signature`` (DER) is a valid, low-S ECDSA signature of SHA-256(message) by ``public_key``.

    Verified as strictly as ``sign`` makes signatures: s ≤ n/2 (BIP 62 / BIP 146 LOW_S, Bitcoin Core's
    standardness rule).  The twin (r, n − s) of a valid signature is mathematically valid too; accepting it
    would let anyone change a transaction's id without the key (signature malleability), so it is refused."""
    try:
        r, s = _der_to_rs(signature)
        if not (1 <= r < SECP256K1_N and 1 <= s <= SECP256K1_N // 2):
            return False
        key = _ecc_public(public_key)
        # "fips-186-3" refuses secp256k1; verification does not use the nonce, so either mode verifies
        verifier = DSS.new(key, "deterministic-rfc6979", encoding="binary")
        verifier.verify(SHA256.new(message), r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        return True
    except (ValueError, IndexError, TypeError):
        return False


# ---------------------------------------------------------------- Base58Check, addresses
def base58_encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet); each leading zero byte becomes a leading '1'."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def base58_decode(text: str) -> bytes:
    """Inverse of ``base58_encode``; raises ``InputError('base58_char')`` on a character outside the alphabet."""
    number = 0
    for char in text:
        index = _B58.find(char)
        require(index >= 0, "base58_char", f"character {char!r} is not in the Base58 alphabet", char=char)
        number = number * 58 + index
    pad = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * pad + body


def base58check_encode(payload: bytes) -> str:
    """Base58Check: Base58(payload ‖ first 4 bytes of SHA256d(payload))."""
    return base58_encode(payload + sha256d(payload)[:4])


def base58check_decode(text: str) -> bytes:
    """Decode Base58Check and verify its checksum; returns the payload (version byte included)."""
    raw = base58_decode(text)
    require(len(raw) >= 5, "base58_short", "Base58Check string is too short")
    payload, checksum = raw[:-4], raw[-4:]
    require(sha256d(payload)[:4] == checksum, "base58_checksum", "Base58Check checksum does not match")
    return payload


def p2pkh_address(public_key: bytes, version: int = 0x00) -> str:
    """Bitcoin P2PKH address: Base58Check(version ‖ HASH160(public key)); version 0x00 = mainnet."""
    require(len(public_key) in (33, 65) and public_key[0] in (2, 3, 4), "public_key_invalid",
            "public key must be 33 (compressed) or 65 (uncompressed) SEC1 bytes")
    return base58check_encode(bytes([version]) + hash160(public_key))
