"""Regulation core: AML reporting rules on hand-built days, aggregation invariants, GDPR/PIPL ceilings,
the sandbox cohort, crypto verdicts, pseudonymisation round trips and linkage attacks."""
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from core import aml, crypto, privacy, regulation as reg
from core.errors import InputError
from ui import i18n

Y = 100  # fen per yuan / cents per dollar


def day(rows):
    """A hand-built day: (customer, customer_type, channel, direction, cross_border, amount in whole units)."""
    return pd.DataFrame([{"tx_id": i + 1, "minute": 540 + 10 * i, "customer": c, "customer_type": t, "channel": ch,
                          "direction": d, "cross_border": x, "amount": a * Y}
                         for i, (c, t, ch, d, x, a) in enumerate(rows)])


CN_DAY = day([
    (1, "person", "cash", "in", False, 30_000), (1, "person", "cash", "in", False, 15_000),
    (1, "person", "cash", "in", False, 8_000),                      # 53,000 summed → report
    (2, "person", "cash", "in", False, 49_999),                     # just under → nothing
    (3, "person", "cash", "out", False, 50_000),                    # exactly the line (≥) → report
    (4, "person", "cash", "in", False, 30_000), (4, "person", "cash", "out", False, 30_000),  # directions apart
    (5, "person", "transfer", "out", False, 300_000), (5, "person", "transfer", "out", False, 250_000),
    (6, "person", "transfer", "out", True, 200_000),                # cross-border person line
    (7, "entity", "transfer", "in", False, 1_999_999),              # company under 2 m → nothing
    (8, "entity", "transfer", "in", False, 1_500_000), (8, "entity", "transfer", "in", True, 600_000),
    (9, "entity", "cash", "in", False, 60_000),                     # cash line holds for companies too
])


# ---------------------------------------------------------------- rules on hand-built days
def test_cn_daily_reports_exact_list():
    rep = aml.daily_reports(CN_DAY, "cn")
    got = [(r.customer, r.rule, r.direction, r.total // Y, r.n_tx) for r in rep.itertuples()]
    assert got == [(1, "cn_cash", "in", 53_000, 3), (3, "cn_cash", "out", 50_000, 1),
                   (5, "cn_person_domestic", "out", 550_000, 2), (6, "cn_person_cross_border", "out", 200_000, 1),
                   (8, "cn_entity_transfer", "in", 2_100_000, 2), (9, "cn_cash", "in", 60_000, 1)]
    # the running total of customer 1 reaches ¥50,000 with the third deposit (minute 560)
    assert rep.set_index("customer").loc[1, "crossed_at"] == 560
    assert rep.set_index("customer").loc[5, "tx_ids"] == (8, 9)


def test_cn_per_transaction_rule_misses_the_sums():
    single = aml.per_transaction_reports(CN_DAY, "cn")
    assert [(r.customer, r.amount // Y) for r in single.itertuples()] == [(3, 50_000), (6, 200_000), (9, 60_000)]


def test_us_ctr_is_strictly_more_than_10000_summed_per_day():
    d = day([(1, "person", "cash", "in", False, 10_000),               # exactly $10,000 → no CTR
             (2, "person", "cash", "in", False, 10_001),
             (3, "person", "cash", "in", False, 6_000), (3, "person", "cash", "in", False, 5_000),
             (4, "entity", "transfer", "out", True, 5_000_000)])       # wires: no CTR
    rep = aml.daily_reports(d, "us")
    assert [(r.customer, r.total // Y) for r in rep.itertuples()] == [(2, 10_001), (3, 11_000)]
    assert list(aml.per_transaction_reports(d, "us")["customer"]) == [2]


def test_each_transaction_counts_towards_at_most_one_rule():
    for regime in aml.REGIMES:
        rules = aml.rules_for(regime)
        for ctype in ("person", "entity"):
            for channel in ("cash", "transfer"):
                for cross in (False, True):
                    assert sum(r.matches(ctype, channel, cross) for r in rules) <= 1


def test_rule_table_matches_the_published_thresholds():
    lines = {r.rule_id: r.threshold // Y for r in aml.rules_for("cn")}
    assert lines == {"cn_cash": 50_000, "cn_entity_transfer": 2_000_000, "cn_person_domestic": 500_000,
                     "cn_person_cross_border": 200_000}
    (ctr,) = aml.rules_for("us")
    assert (ctr.threshold // Y, ctr.comparison) == (10_000, "gt")
    assert all(aml.load_rule_table()["source"].str.len() > 20)


@pytest.mark.parametrize("regime", aml.REGIMES)
@settings(max_examples=25, deadline=None)
@given(pieces=st.integers(2, 8), gaps=st.lists(st.integers(1, 1000), min_size=8, max_size=8))
def test_structurer_splitting_just_under_the_line_is_caught_by_the_daily_rule(regime, pieces, gaps):
    line = aml.cash_line(regime)                                  # minor units
    # each deposit is 1 to 1,000 units (≤ 10 % of the $10,000 line) under the line
    parts = [line - g * Y for g in gaps[:pieces]]
    d = pd.DataFrame({"tx_id": range(1, pieces + 1), "minute": range(600, 600 + pieces), "customer": 1,
                      "customer_type": "person", "channel": "cash", "direction": "in", "cross_border": False,
                      "amount": parts})
    assert aml.per_transaction_reports(d, regime).empty          # no single deposit reaches the line
    (report,) = aml.daily_reports(d, regime).itertuples()         # the day's sum does
    assert report.total == sum(parts) and report.n_tx == pieces
    assert report.crossed_at == 601                              # the second deposit already crosses it
    assert aml.red_flags(d, regime)["just_below"].tolist() == [True]


# ---------------------------------------------------------------- synthetic days
@pytest.mark.parametrize("regime", aml.REGIMES)
@pytest.mark.parametrize("seed", [0, 7, 2017])
def test_aggregation_invariants_on_synthetic_days(regime, seed):
    r = aml.simulate_day(120, 0.2, seed, regime)
    s = r.summary()
    assert s["daily_amount"] <= s["total"]
    ids = [t for tx in r.daily["tx_ids"] for t in tx]
    assert len(ids) == len(set(ids))                                      # no transaction reported twice
    assert set(zip(r.single["customer"], r.single["rule"], r.single["direction"])) <= set(
        zip(r.daily["customer"], r.daily["rule"], r.daily["direction"]))  # daily ⊇ per transaction
    assert s["structurers"] == round(120 * 0.2)
    assert s["caught_daily"] == s["structurers"] and s["caught_single"] == 0
    assert s["structurers_flagged"] == s["structurers"]
    struct_cash = r.day[(r.day["profile"] == "structurer") & (r.day["channel"] == "cash")]["amount"]
    assert (struct_cash < aml.cash_line(regime)).all()


def test_synthetic_day_is_reproducible_and_seed_dependent():
    a, b = aml.synthetic_day(50, 0.1, 42, "cn"), aml.synthetic_day(50, 0.1, 42, "cn")
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(aml.synthetic_day(50, 0.1, 43, "cn"))
    assert a["amount"].dtype.kind == "i" and (a["amount"] % Y == 0).all()


def test_day_trace_ends_with_the_days_totals():
    r = aml.simulate_day(60, 0.1, 2017, "cn")
    trace = aml.day_trace(r)
    assert len(trace) == 8 and trace[-1].params["hour"] == "17:00"
    assert trace[-1].params["daily"] == len(r.daily) and trace[-1].params["caught"] == r.summary()["caught_daily"]
    counts = [s.params["daily"] for s in trace]
    assert counts == sorted(counts)


@pytest.mark.parametrize("call, key", [
    (lambda: aml.synthetic_day(4, 0.1, 1, "cn"), "regulation_customers"),
    (lambda: aml.synthetic_day(50, 0.6, 1, "cn"), "regulation_share"),
    (lambda: aml.synthetic_day(50, 0.1, -1, "cn"), "regulation_seed"),
    (lambda: aml.synthetic_day(50, 0.1, 1, "uk"), "regulation_regime"),
    (lambda: aml.daily_reports(CN_DAY.drop(columns=["channel"]), "cn"), "regulation_day_columns"),
    (lambda: aml.daily_reports(CN_DAY.assign(amount=CN_DAY["amount"] / 3), "cn"), "regulation_day_amounts"),
    (lambda: reg.gdpr_max_fine(-1), "regulation_turnover"),
    (lambda: reg.gdpr_max_fine(10, "gdpr_99"), "regulation_fine_tier"),
    (lambda: reg.SandboxParams(cap=50).check(), "regulation_sandbox_cap"),
    (lambda: reg.filter_milestones(reg.load_milestones(), ["cn"], ["crypto"], 2020, 2010), "regulation_years"),
    (lambda: reg.crypto_verdict("us", "exchange", date(2024, 1, 1)), "regulation_crypto_jurisdiction"),
    (lambda: privacy.synthetic_customers(5, 1), "regulation_privacy_n"),
    (lambda: privacy.anonymise(privacy.synthetic_customers(20, 1), k=0), "regulation_privacy_k"),
    (lambda: privacy.pseudonym("13800000000", b"k", b"s", "md5"), "regulation_privacy_method"),
])
def test_bad_input_raises_a_translated_input_error(call, key):
    with pytest.raises(InputError) as info:
        call()
    assert info.value.key == key
    for lang in ("zh", "en"):
        text = i18n.translate(lang, f"errors.{key}", **info.value.params)
        assert text != f"errors.{key}" and "{" not in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in i18n.translate("zh", f"errors.{key}", **info.value.params))


# ---------------------------------------------------------------- fines
@pytest.mark.parametrize("turnover, tier, ceiling", [
    (0, "gdpr_83_5", 20_000_000), (100_000_000, "gdpr_83_5", 20_000_000), (500_000_000, "gdpr_83_5", 20_000_000),
    (1_000_000_000, "gdpr_83_5", 40_000_000), (2_000_000_000, "gdpr_83_5", 80_000_000),
    (100_000_000, "gdpr_83_4", 10_000_000), (2_000_000_000, "gdpr_83_4", 40_000_000),
    (123_456_789_012, "gdpr_83_5", 4_938_271_560),
])
def test_gdpr_ceiling_is_the_higher_of_fixed_and_percentage(turnover, tier, ceiling):
    assert reg.gdpr_max_fine(turnover, tier) == ceiling


def test_gdpr_kink_and_pipl_two_ceilings():
    assert reg.gdpr_kink("gdpr_83_5") == reg.gdpr_kink("gdpr_83_4") == 500_000_000
    assert reg.pipl_ceilings(2_000_000_000) == (50_000_000, 100_000_000)
    assert reg.pipl_ceilings(0) == (50_000_000, 0)
    curve = reg.gdpr_curve("gdpr_83_5", 2_000_000_000, 5)
    assert list(curve["ceiling"]) == [20_000_000, 20_000_000, 40_000_000, 60_000_000, 80_000_000]


# ---------------------------------------------------------------- milestones
def test_milestones_are_sourced_and_well_formed():
    m = reg.load_milestones()
    assert (m["source"].str.len() > 10).all()
    assert set(m["jurisdiction"]) <= set(reg.JURISDICTIONS) and set(m["area"]) <= set(reg.AREAS)
    assert set(m["aim"]) <= set(reg.AIMS) and set(m["key"]) <= {"yes", "no"}
    assert not m["title_en"].str.contains("UNVERIFIED|from memory", case=False).any()
    dates = dict(zip(m["title_en"].str[:20], m["date"]))
    assert "2018-05-25" in set(m["date"]) and {"2024-06-30", "2024-12-30"} <= set(m["date"])
    assert m["when"].is_monotonic_increasing and dates


def test_comparison_matrix_counts_add_up():
    m = reg.load_milestones()
    matrix = reg.comparison_matrix(m)
    assert matrix["n"].sum() == len(m)
    assert sum(sum(a.values()) for a in matrix["aims"]) == len(m)
    assert reg.area_counts(m).to_numpy().sum() == len(m)
    trace = reg.milestones_trace(m)
    assert len(trace) == len(m) and sum(trace[-1].state["counts"].values()) == len(m)


# ---------------------------------------------------------------- sandbox
def test_real_fca_cohorts():
    real = reg.real_cohorts().set_index("cohort")
    assert (real.loc[1, "applications"], real.loc[1, "accepted"], real.loc[1, "tested"]) == (69, 24, 18)
    assert (real.loc[2, "applications"], real.loc[2, "accepted"], real.loc[2, "tested"]) == (77, 31, 24)
    assert real.loc[1, "test_rate"] == pytest.approx(0.75)


@pytest.mark.parametrize("seed", [1, 2016, 9999])
def test_sandbox_invariants(seed):
    p = reg.SandboxParams(seed=seed, flaw_rate=0.4)
    firms = reg.simulate_sandbox(p)
    s = reg.sandbox_summary(firms)
    assert s["sound"] + s["fixed"] + s["missed"] == s["tested"] <= s["accepted"] <= s["applications"]
    assert (firms["sandbox_exposed"] <= firms["full_exposed"] + 1).all()
    assert (firms.loc[firms["outcome"] == "fixed", "sandbox_exposed"] <= p.cap).all()
    assert (firms.loc[firms["outcome"] == "sound", ["sandbox_exposed", "full_exposed"]] == 0).all().all()
    last = reg.sandbox_trace(firms, p)[-1].params
    assert abs(last["sandbox"] - s["sandbox_exposed"]) <= len(firms)
    assert abs(last["full"] - s["full_exposed"]) <= len(firms)
    pd.testing.assert_frame_equal(firms, reg.simulate_sandbox(p))


def test_sandbox_without_flaws_exposes_nobody():
    s = reg.sandbox_summary(reg.simulate_sandbox(reg.SandboxParams(flaw_rate=0.0)))
    assert s["sandbox_exposed"] == s["full_exposed"] == 0 and s["launch_share"] == 1.0


# ---------------------------------------------------------------- crypto
@pytest.mark.parametrize("j, activity, on, verdict", [
    ("cn", "hold_trade", date(2013, 12, 4), "none"), ("cn", "hold_trade", date(2013, 12, 5), "commodity"),
    ("cn", "token_issuance", date(2017, 9, 3), "none"), ("cn", "token_issuance", date(2017, 9, 4), "banned"),
    ("cn", "exchange", date(2021, 9, 23), "none"), ("cn", "exchange", date(2021, 9, 24), "banned"),
    ("cn", "offshore_service", date(2025, 1, 1), "banned"),
    ("eu", "stablecoin", date(2024, 6, 29), "none"), ("eu", "stablecoin", date(2024, 6, 30), "licence"),
    ("eu", "exchange", date(2024, 12, 29), "none"), ("eu", "exchange", date(2024, 12, 30), "licence"),
])
def test_crypto_verdicts_follow_the_dated_rules(j, activity, on, verdict):
    assert reg.crypto_verdict(j, activity, on)["verdict"] == verdict


def test_checklist_grading():
    key = reg.crypto_checklist(reg.BUSINESSES["offshore_exchange"], date(2024, 12, 30))
    assert len(key) == 6
    answers = {("exchange", "cn"): "banned", ("exchange", "eu"): "banned", ("derivatives", "cn"): "banned"}
    assert reg.grade_checklist(answers, key) == {"right": 2, "answered": 3, "total": 6}


# ---------------------------------------------------------------- privacy
def test_pseudonym_is_truncated_hmac_sha256_of_salt_and_phone():
    key, salt = b"k" * 32, b"s" * 16
    expected = crypto.hmac_digest(key, salt + b"13800138000", "sha256").hex()[:16]
    assert privacy.pseudonym("13800138000", key, salt) == expected
    assert privacy.pseudonym("13800138000", b"other key", salt) != expected
    assert privacy.pseudonym("13800138000", key, salt, "sha256") == crypto.sha256(salt + b"13800138000").hex()[:16]


def test_pseudonymisation_round_trip_through_the_lookup():
    people = privacy.synthetic_customers(80, 3)
    release = privacy.pseudonymise(people, privacy.demo_key(3), privacy.demo_salt(3))
    assert "phone" not in release.table and "name_en" not in release.table
    back = privacy.reidentify(release, people)
    pd.testing.assert_frame_equal(back.reset_index(drop=True), people.reset_index(drop=True))


def test_linkage_attack_needs_the_key_and_quasi_identifiers_single_people_out():
    e = privacy.privacy_experiment(120, 11, 0.5, 3, 10)
    known = e["known"]
    assert known == 60
    assert e["counts"]["sha256"] == known                     # unkeyed hashes fall to a dictionary attack
    assert e["counts"]["hmac_secret"] == 0                    # without the key, nothing
    assert e["counts"]["hmac_leaked"] == known                # the key leaks: everyone the attacker knows
    assert e["results"]["hmac_leaked"]["correct"].all()
    # quasi-identifier linkage: exactly the known people whose (birth year, gender, city) is unique in the table
    table = e["keyed"].table
    sizes = table.groupby(list(privacy.QUASI)).size()
    unique = sum(sizes[tuple(r)] == 1 for r in e["aux"][list(privacy.QUASI)].itertuples(index=False))
    assert e["counts"]["quasi"] == unique and e["results"]["quasi"]["correct"].all()
    assert e["counts"]["anonymous"] == 0


@pytest.mark.parametrize("k", [2, 3, 5])
def test_anonymised_table_is_k_anonymous(k):
    anon = privacy.anonymise(privacy.synthetic_customers(200, 5), k=k, width=5)
    assert anon.groupby(["birth_band", "gender", "region"]).size().min() >= k
    assert not {"phone", "name_zh", "pseudonym", "birth_year", "city"} & set(anon.columns)


def test_privacy_experiment_is_reproducible():
    a, b = privacy.privacy_experiment(60, 7, 0.5, 3, 10), privacy.privacy_experiment(60, 7, 0.5, 3, 10)
    assert a["counts"] == b["counts"]
    pd.testing.assert_frame_equal(a["keyed"].table, b["keyed"].table)
    assert np.array_equal(a["customers"]["phone"], b["customers"]["phone"])
    assert a["customers"]["phone"].is_unique and a["customers"]["phone"].str.len().eq(11).all()


def test_sar_candidates_use_the_us_5000_floor_and_china_has_none():
    flags = pd.DataFrame({"customer": [1, 2, 3], "just_below": True, "burst": False, "cash_then_wire": False,
                          "n_tx": 2, "involved": [4_999 * Y, 5_000 * Y, 20_000 * Y]})
    assert list(aml.sar_candidates(flags, "us")["customer"]) == [2, 3]
    assert list(aml.sar_candidates(flags, "cn")["customer"]) == [1, 2, 3]
    r = aml.simulate_day(80, 0.2, 5, "us")
    assert r.summary()["suspicious_reports"] == int((r.flags["involved"] >= 5_000 * Y).sum())
