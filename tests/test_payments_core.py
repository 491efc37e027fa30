"""Chapter 2 core: check digits (published vectors), TOTP, the payment platform's ledger invariants."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import crypto, payments
from core.errors import InputError
from core.payments import (ISSUED, RESERVE, PaymentPlatform, apply_operation, lifecycle_trace, luhn_valid,
                           resident_id_valid, seeded_platform)


# ---------------------------------------------------------------- Luhn (ISO/IEC 7812-1 Annex B)
@pytest.mark.parametrize("number, ok", [
    ("79927398713", True), ("79927398710", False),            # the classic worked example
    ("4111111111111111", True), ("4111111111111112", False),  # a well-known test card number
    ("0", False), ("", False), ("7992739871x", False), ("79927 398713", False), ("７９９２７３９８７１３", False),
])
def test_luhn_vectors(number, ok):
    assert luhn_valid(number) is ok


def test_luhn_rejects_non_strings():
    assert luhn_valid(79927398713) is False
    assert luhn_valid(None) is False


@given(st.text(alphabet="0123456789", min_size=1, max_size=18))
def test_luhn_check_digit_makes_a_valid_number_and_others_fail(payload):
    digit = payments.luhn_check_digit(payload)
    assert luhn_valid(payload + digit)
    for other in "0123456789":
        if other != digit:
            assert not luhn_valid(payload + other)


def test_luhn_detects_every_single_digit_error():
    good = "79927398713"
    for i in range(len(good)):
        for d in "0123456789":
            if d != good[i]:
                assert not luhn_valid(good[:i] + d + good[i + 1:])


# ---------------------------------------------------------------- GB 11643-1999
@pytest.mark.parametrize("number, ok", [
    ("11010519491231002X", True), ("11010519491231002x", True), ("110105194912310021", False),
    ("11010519491231002", False), ("11010519491231002XX", False), ("1101051949123100X2", False),
    ("11010519490230002X", False),   # 30 February does not exist
    ("11010519491331002X", False),   # month 13
    (" 11010519491231002X", False), (None, False), (11010519491231002, False),
])
def test_resident_id_vectors(number, ok):
    assert resident_id_valid(number) is ok


def test_resident_id_check_character_arithmetic():
    # Σ aᵢ·wᵢ for 11010519491231002 = 167; 167 mod 11 = 2 → "10X98765432"[2] = X
    assert sum(int(c) * w for c, w in zip("11010519491231002", payments.ID_WEIGHTS)) == 167
    assert payments.id_check_char("11010519491231002") == "X"
    # the weights are 2^(17-i) mod 11 (GB 11643-1999 §8.2)
    assert payments.ID_WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))


def test_resident_id_birth_date_must_be_real_and_not_future():
    body = "110105" + "20000229" + "123"                     # 2000 is a leap year
    assert resident_id_valid(body + payments.id_check_char(body))
    body = "110105" + "19000229" + "123"                     # 1900 is not
    assert not resident_id_valid(body + payments.id_check_char(body))
    body = "110105" + "20300101" + "123"
    number = body + payments.id_check_char(body)
    assert not resident_id_valid(number, today=dt.date(2026, 11, 22))
    assert resident_id_valid(number, today=dt.date(2031, 1, 1))


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_exactly_one_check_character_is_valid(body):
    valid = [c for c in "0123456789X" if resident_id_valid(body + c, today=dt.date(9999, 1, 1))]
    assert len(valid) == (1 if payments.id_birth_date(body + "0") and payments.id_birth_date(body + "0").year >= 1800
                          else 0)


def test_specific_reasons_for_bad_ids_and_cards():
    with pytest.raises(InputError) as e:
        payments.check_resident_id("110105194912310021")
    assert e.value.key == "payments_id_check" and e.value.params["expected"] == "X"
    with pytest.raises(InputError) as e:
        payments.check_resident_id("11010519491331002X")
    assert e.value.key == "payments_id_birth"
    with pytest.raises(InputError) as e:
        payments.check_resident_id("1101051949")
    assert e.value.key == "payments_id_format"
    assert payments.check_card("6222 0202 0011 2345 679") == "6222020200112345679"
    with pytest.raises(InputError) as e:
        payments.check_card("6222020200112345670")
    assert e.value.key == "payments_card_luhn" and e.value.params["expected"] == "9"
    with pytest.raises(InputError) as e:
        payments.check_card("79927398713")                    # Luhn-valid but too short for a bank card
    assert e.value.key == "payments_card_format"


# ---------------------------------------------------------------- TOTP (RFC 6238 Appendix B)
@pytest.mark.parametrize("t, code", [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"),
                                     (2000000000, "69279037")])
def test_totp_rfc6238(t, code):
    assert crypto.totp(b"12345678901234567890", t, digits=8) == code


def test_otp_accepts_current_and_previous_step_and_names_expired_and_wrong():
    secret, now = payments.otp_secret(1), 1_700_000_000
    assert 1 <= payments.verify_otp(secret, crypto.totp(secret, now), now) <= 30
    assert payments.verify_otp(secret, crypto.totp(secret, now - 30), now) >= 1
    with pytest.raises(InputError) as e:
        payments.verify_otp(secret, crypto.totp(secret, now - 120), now)
    assert e.value.key == "payments_otp_expired"
    wrong = f"{(int(crypto.totp(secret, now)) + 1) % 1_000_000:06d}"
    with pytest.raises(InputError) as e:
        payments.verify_otp(secret, wrong, now)
    assert e.value.key in ("payments_otp_wrong", "payments_otp_expired")
    with pytest.raises(InputError) as e:
        payments.verify_otp(secret, "12a456", now)
    assert e.value.key == "payments_otp_format"


# ---------------------------------------------------------------- the lifecycle
def test_lifecycle_numbers_and_invariants():
    trace = lifecycle_trace(seed=42, now=1_700_000_000, top_up_fen=100_000, pay_fen=38_800, refund_fen=8_800,
                            fee_bp=60)
    keys = [s.key.rsplit(".", 1)[1] for s in trace]
    assert keys == ["id", "card", "otp", "topup", "pay", "settle", "refund"]
    settle = trace[5].params
    assert settle["fee_fen"] == 233                  # 38,800 × 0.6 % = 232.8 → 233 fen (half up)
    assert settle["received_fen"] == 38_800 - 233
    for step in trace:
        c = step.state["checks"]
        assert c["total_fen"] == 0 and c["reserve_ok"]
    final = trace.meta["platform"]
    assert final.ledger.balance(RESERVE) == 100_000 - 38_800 + 8_800   # wallet after top-up, pay, refund
    assert final.ledger.balance("user.wallet") == 70_000
    assert final.ledger.balance("fee_income") == 233


def test_lifecycle_refuses_bad_input_before_any_step():
    with pytest.raises(InputError) as e:
        lifecycle_trace(now=1_700_000_000, card_number="6222020200112345670")
    assert e.value.key == "payments_card_luhn"
    with pytest.raises(InputError) as e:
        lifecycle_trace(now=1_700_000_000, pay_fen=200_000)          # more than the ¥1,000 top-up
    assert e.value.key == "payments_wallet_funds"
    with pytest.raises(InputError) as e:
        lifecycle_trace(now=1_700_000_000, pay_fen=50_000, daily_limit_fen=40_000, top_up_fen=100_000)
    assert e.value.key == "payments_daily_limit"
    with pytest.raises(InputError) as e:
        lifecycle_trace(now=1_700_000_000, refund_fen=40_000)
    assert e.value.key == "payments_refund_too_large"


def _platform():
    p = PaymentPlatform(fee_bp=60, daily_limit_fen=50_000)
    p.add_user("a", 100_000)
    p.add_merchant("m", 10_000)
    p.top_up("a", 60_000)
    p.pay("a", "m", 20_000)
    return p


@pytest.mark.parametrize("operation, key", [
    (lambda p: p.top_up("a", 0), "payments_amount_positive"),
    (lambda p: p.top_up("a", -5), "payments_amount_positive"),
    (lambda p: p.top_up("a", 1.5), "payments_amount_integer"),
    (lambda p: p.top_up("a", 100_000), "payments_bank_funds"),
    (lambda p: p.pay("a", "m", 40_001), "payments_wallet_funds"),
    (lambda p: p.pay("a", "m", 30_001), "payments_daily_limit"),
    (lambda p: p.pay("a", "nobody", 1), "payments_no_party"),
    (lambda p: p.refund(1, 20_001), "payments_refund_too_large"),
    (lambda p: p.refund(9, 1), "payments_no_payment"),
    (lambda p: p.withdraw("a", 40_001), "payments_wallet_funds"),
])
def test_refused_operation_leaves_the_ledger_exactly_as_it_was(operation, key):
    p = _platform()
    before, postings = p.snapshot(), p.ledger.postings
    with pytest.raises(InputError) as e:
        operation(p)
    assert e.value.key == key
    assert p.snapshot() == before and p.ledger.postings == postings


def test_refund_after_settlement_comes_back_from_the_merchants_bank():
    p = _platform()
    p.next_day()
    assert p.settle() == [{"merchant": "m", "net_fen": 20_000, "fee_fen": 120}]
    assert p.ledger.balance("m.bank") == 10_000 + 20_000 - 120
    p.refund(1, 20_000)                                  # the fee is kept by the platform in this model
    assert p.ledger.balance("m.bank") == 10_000 - 120
    assert p.ledger.balance("a.wallet") == 60_000
    assert p.checks()["reserve_ok"]


def test_settlement_is_t_plus_one():
    p = _platform()
    assert p.settle() == []                              # today's payment waits for tomorrow's batch
    p.next_day()
    assert len(p.settle()) == 1 and p.settle() == []     # and is settled once


def _invariants_hold(p):
    c = p.checks()
    return c["total_fen"] == 0 and c["reserve_fen"] == c["customers_fen"] == -p.ledger.balance(ISSUED)


op_strategy = st.tuples(st.sampled_from(payments.OPERATIONS), st.integers(0, 20), st.integers(0, 20),
                        st.integers(-2_000, 400_000))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.lists(op_strategy, max_size=40))
def test_property_books_balance_and_reserve_equals_customer_balances(seed, ops):
    p = seeded_platform(seed)
    assert _invariants_hold(p)
    for op in ops:
        before, postings = p.snapshot(), p.ledger.postings
        accepted = apply_operation(p, op)
        assert _invariants_hold(p)
        if not accepted:
            assert p.snapshot() == before and p.ledger.postings == postings
        for acct, bal in p.ledger.balances().items():
            assert bal >= 0 or acct in (ISSUED, payments.OUTSIDE)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_property_seeded_random_lifecycles(seed):
    p = seeded_platform(seed)
    outcomes = [apply_operation(p, op) for op in payments.random_operations(seed, 80)]
    assert _invariants_hold(p)
    assert any(outcomes)


# ---------------------------------------------------------------- clearing, message security
def test_links_n_times_m_against_n_plus_m():
    # NetsUnion end-2018: 115 payment institutions and 424 banks
    assert payments.direct_links(115, 424) == 48_760
    assert payments.switch_links(115, 424) == 539
    with pytest.raises(InputError):
        payments.direct_links(0, 5)


def test_message_paths_end_in_settlement():
    for model in payments.PATHS:
        trace = payments.message_path_trace(model)
        assert len(trace) == len(payments.PATHS[model])
        assert trace[-1].key == f"payments.clear.msg.{model}.h{len(trace)}"
        assert trace[-1].state["edges"][-1][2] == "settlement"
    assert any("netsunion" in (s, d) for s, d, _ in payments.PATHS["netsunion"])
    assert not any("netsunion" in (s, d) for s, d, _ in payments.PATHS["direct"])


def test_gcm_accepts_intact_message_and_refuses_any_changed_byte():
    msg = payments.payment_message("alice", "shop", 10_000, "A001")
    box = payments.encrypt_payment(7, msg)
    assert payments.receive_payment(box, box["ciphertext"])["amount_fen"] == 10_000
    for i in range(len(msg)):
        with pytest.raises(InputError) as e:
            payments.receive_payment(box, payments.flip_byte(box["ciphertext"], i))
        assert e.value.key == "aes_tampered"
    with pytest.raises(InputError):
        payments.receive_payment(box, box["ciphertext"], payments.flip_byte(box["tag"], 0))


def test_counter_mode_malleability_is_what_the_tag_stops():
    msg = payments.payment_message("alice", "shop", 10_000, "A001")
    box = payments.encrypt_payment(7, msg)
    i = msg.index(b"10000")
    tampered = payments.flip_byte(box["ciphertext"], i, ord("1") ^ ord("9"))
    assert b"90000" in payments.unauthenticated_view(msg, box["ciphertext"], tampered)


def test_signed_order_verifies_and_tampering_is_rejected():
    msg = payments.payment_message("alice", "shop", 10_000, "A001")
    signed = payments.sign_order(3, msg)
    assert payments.verify_order(signed["public_key"], msg, signed["signature"])
    forged = payments.payment_message("alice", "shop", 90_000, "A001")
    assert not payments.verify_order(signed["public_key"], forged, signed["signature"])
    other = payments.sign_order(4, msg)
    assert not payments.verify_order(other["public_key"], msg, signed["signature"])


def test_password_storage_schemes():
    salt = b"0123456789abcdef"
    assert payments.store_password("abc", "plain") == "abc"
    assert payments.store_password("abc", "sha256") == \
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"   # FIPS 180-2
    assert payments.store_password("abc", "salted_sha256", salt) != payments.store_password("abc", "sha256")
    assert payments.store_password("abc", "salted_sha256", salt) != payments.store_password("abc", "salted_sha256",
                                                                                             b"another salt....")
    # RFC 7914 §12 scrypt vector: P="password", S="NaCl", N=1024, r=8, p=16 starts fdbabe1c9d347200
    assert crypto.scrypt_hash("password", b"NaCl", n=1024, r=8, p=16, length=64).hex().startswith("fdbabe1c9d347200")
    assert payments.keyspace(26, 8) == 208_827_064_576
    assert payments.brute_force_seconds(10, 6, 0.1) == pytest.approx(50_000)


def test_gcm_trace_recomputes_the_tag_like_the_receiver():
    msg = payments.payment_message("alice", "shop", 10_000, "A001")
    box = payments.encrypt_payment(5, msg)
    assert payments.expected_tag(box, box["ciphertext"]) == box["tag"]      # unchanged → the real tag
    clean = payments.gcm_trace(5, msg)
    assert clean.meta["accepted"] and clean[-1].key == "payments.enc.step.verify_ok"
    for i in (0, 13, len(msg) - 1):
        bad = payments.gcm_trace(5, msg, i, 0x01)
        assert not bad.meta["accepted"] and bad[-1].key == "payments.enc.step.verify_bad"
        assert bad[2].params["i"] == i and bad[-1].params["computed"] != bad[-1].params["got"]
