"""core.crypto against published vectors (FIPS 180-2, RIPEMD-160 paper, RFC 6238, RFC 4231, Bitcoin, RFC 6979)."""
import pytest

from core import crypto
from core.errors import InputError

RFC6238_SECRETS = {"sha1": b"12345678901234567890", "sha256": b"12345678901234567890123456789012",
                   "sha512": b"1234567890123456789012345678901234567890123456789012345678901234"}


def test_sha256_fips_vectors():
    assert crypto.sha256(b"abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert crypto.sha256(b"").hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert crypto.sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex() == (
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")


def test_sha256d_and_ripemd160():
    assert crypto.sha256d(b"hello").hex() == "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50"
    assert crypto.ripemd160(b"").hex() == "9c1185a5c5e9fc54612808977ee8f548b2258d31"
    assert crypto.ripemd160(b"abc").hex() == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"


def test_hash160_of_generator_point():
    # HASH160 of the compressed public key of k = 1 (the well-known 1BgGZ9... address's payload)
    assert crypto.hash160(crypto.public_key(1)).hex() == "751e76e8199196d454941c45d1b3a323f1433bd6"


@pytest.mark.parametrize("t,digest,code", [
    (59, "sha1", "94287082"), (1111111109, "sha1", "07081804"), (1234567890, "sha1", "89005924"),
    (2000000000, "sha1", "69279037"), (20000000000, "sha1", "65353130"),
    (59, "sha256", "46119246"), (1111111109, "sha256", "68084774"), (20000000000, "sha256", "77737706"),
    (59, "sha512", "90693936"), (1234567890, "sha512", "93441116"),
])
def test_totp_rfc6238_appendix_b(t, digest, code):
    assert crypto.totp(RFC6238_SECRETS[digest], t, digits=8, digest=digest) == code


def test_hotp_rfc4226_appendix_d():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [crypto.hotp(b"12345678901234567890", c) for c in range(10)] == expected


def test_hmac_rfc4231_case2():
    assert crypto.hmac_digest(b"Jefe", b"what do ya want for nothing?", "sha256").hex() == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


def test_totp_rejects_bad_arguments():
    with pytest.raises(InputError) as err:
        crypto.totp(b"k", 59, digits=4)
    assert err.value.key == "otp_digits"
    with pytest.raises(ValueError):
        crypto.totp(b"k", -1)


@pytest.mark.parametrize("k,compressed,address", [
    (1, True, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"),
    (1, False, "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm"),
    (2, True, "1cMh228HTCiwS8ZsaakH8A8wze1JR5ZsP"),
    (3, True, "1CUNEBjYrCn2y1SdiUMohaKUi4wpP326Lb"),
])
def test_p2pkh_addresses(k, compressed, address):
    assert crypto.p2pkh_address(crypto.public_key(k, compressed=compressed)) == address


def test_public_key_encodings():
    g = crypto.public_key(1, compressed=False)
    assert g.hex() == ("0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                       "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
    assert crypto.public_key(1).hex() == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    assert len(crypto.public_key(crypto.SECP256K1_N - 1)) == 33


@pytest.mark.parametrize("k", [0, -1, crypto.SECP256K1_N, crypto.SECP256K1_N + 5])
def test_private_key_out_of_range(k):
    with pytest.raises(InputError) as err:
        crypto.public_key(k)
    assert err.value.key == "private_key_range"


def test_rfc6979_signature_vector():
    # Well-known secp256k1 RFC 6979 vector: k=1, message "Satoshi Nakamoto", low-S form
    r, s = crypto.signature_rs(crypto.sign(1, b"Satoshi Nakamoto"))
    assert r == 0x934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8
    assert s == 0x2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5
    assert s <= crypto.SECP256K1_N // 2


def test_sign_is_deterministic_and_verifies():
    sig = crypto.sign(12345, b"pay 100 to bob")
    assert sig == crypto.sign(12345, b"pay 100 to bob")
    assert crypto.verify(crypto.public_key(12345), b"pay 100 to bob", sig)
    assert crypto.verify(crypto.public_key(12345, compressed=False), b"pay 100 to bob", sig)


def test_forged_or_altered_signatures_fail():
    sig = crypto.sign(12345, b"pay 100 to bob")
    assert not crypto.verify(crypto.public_key(12345), b"pay 900 to bob", sig)
    assert not crypto.verify(crypto.public_key(54321), b"pay 100 to bob", sig)
    forged = bytearray(sig)
    forged[-1] ^= 1
    assert not crypto.verify(crypto.public_key(12345), b"pay 100 to bob", bytes(forged))
    assert not crypto.verify(crypto.public_key(12345), b"pay 100 to bob", b"\x30\x00")
    assert not crypto.verify(b"\x02" + b"\x00" * 32, b"pay 100 to bob", sig)


def test_base58check_roundtrip_and_checksum():
    payload = b"\x00" + bytes(range(20))
    text = crypto.base58check_encode(payload)
    assert crypto.base58check_decode(text) == payload
    assert text.startswith("1")
    broken = text[:-1] + ("2" if text[-1] != "2" else "3")
    with pytest.raises(InputError) as err:
        crypto.base58check_decode(broken)
    assert err.value.key == "base58_checksum"
    with pytest.raises(InputError):
        crypto.base58_decode("0OIl")


def test_aes_gcm_roundtrip_and_tamper():
    key = bytes(range(32))
    nonce, ct, tag = crypto.aes_gcm_encrypt(key, b"pay 100 to bob", aad=b"order-1", nonce=bytes(12))
    assert crypto.aes_gcm_decrypt(key, nonce, ct, tag, aad=b"order-1") == b"pay 100 to bob"
    flipped = bytes([ct[0] ^ 1]) + ct[1:]
    with pytest.raises(InputError) as err:
        crypto.aes_gcm_decrypt(key, nonce, flipped, tag, aad=b"order-1")
    assert err.value.key == "aes_tampered"
    with pytest.raises(InputError):
        crypto.aes_gcm_decrypt(key, nonce, ct, tag, aad=b"order-2")


def test_aes_gcm_nist_test_case_2():
    # McGrew & Viega GCM spec, test case 2: K = 0^128, P = 0^128, IV = 0^96
    nonce, ct, tag = crypto.aes_gcm_encrypt(bytes(16), bytes(16), nonce=bytes(12))
    assert ct.hex() == "0388dace60b6a392f328c2b971b2fe78"
    assert tag.hex() == "ab6e47d42cec13bdf53a67b21257bddf"


def test_pbkdf2_rfc6070_style_vector():
    # PBKDF2-HMAC-SHA256, "password"/"salt", 1 iteration, 32 bytes (RFC 7914 §11 lists the 64-byte form)
    assert crypto.pbkdf2_sha256("password", b"salt", 1).hex() == (
        "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")


def test_scrypt_rfc7914_vector():
    out = crypto.scrypt_hash("password", b"NaCl", n=1024, r=8, p=16, length=64)
    assert out.hex().startswith("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162")


def test_verify_refuses_the_high_s_twin_as_bitcoin_standardness_does():
    """BIP 146 LOW_S: (r, n − s) is mathematically valid too; verification is as strict as signing."""
    for k in (1, 2, 0xC0FFEE, crypto.SECP256K1_N - 1):
        pub = crypto.public_key(k)
        sig = crypto.sign(k, b"Pay Bob 1 BTC")
        r, s = crypto.signature_rs(sig)
        assert s <= crypto.SECP256K1_N // 2 and crypto.verify(pub, b"Pay Bob 1 BTC", sig)
        twin = crypto.high_s_twin(sig)
        assert crypto.signature_rs(twin) == (r, crypto.SECP256K1_N - s)
        assert not crypto.verify(pub, b"Pay Bob 1 BTC", twin)


def test_key_derivation_work_is_bounded_before_it_starts():
    with pytest.raises(InputError) as err:
        crypto.pbkdf2_sha256("pw", b"salt", 2 ** 63)
    assert err.value.key == "kdf_iterations"
    with pytest.raises(InputError):
        crypto.scrypt_hash("pw", b"salt", n=2 ** 30)
    with pytest.raises(InputError):
        crypto.hotp(b"k", 2 ** 64)
