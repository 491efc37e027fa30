"""core.insurance: published ruin vectors, premium principles on textbook numbers, the parametric pool's
ledger conserves money for any seed, Monte Carlo agrees with the exact ψ(u), bad input is refused."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import insurance as ins
from core.errors import InputError


# ------------------------------------------------------------------ ruin: published vectors
@pytest.mark.parametrize("u,psi", [(0, 0.76923), (1, 0.73453), (2, 0.70140), (5, 0.61071), (10, 0.48486)])
def test_exact_ruin_probability_matches_cizek_hardle_weron(u, psi):
    # Čížek, Härdle & Weron, XploRe INSexactexp: θ = 0.3, exponential claims with mean 5
    assert ins.ruin_probability_exponential(u, 0.3, 5) == pytest.approx(psi, abs=5e-6)


def test_exact_ruin_probability_actuar_example():
    # actuar risk vignette: claims Exp(rate 5) (μ = 0.2), Poisson rate 3, c = 1 → θ = 1/0.6 − 1 = 2/3
    theta = 1 / (3 * 0.2) - 1
    assert ins.ruin_probability_exponential([0, 1, 2], theta, 0.2) == pytest.approx([0.6, 0.08120, 0.01099],
                                                                                    abs=5e-6)


def test_adjustment_coefficient_and_lundberg_bound():
    theta, mu, lam = 0.3, 5.0, 1.0
    R = ins.adjustment_coefficient_exponential(theta, mu)
    c = ins.premium_rate(lam, mu, theta)
    assert c == pytest.approx(6.5)
    assert R == pytest.approx(1 / mu - lam / c)          # R = 1/μ − λ/c for exponential claims
    u = np.linspace(0, 100, 11)
    assert np.all(ins.ruin_probability_exponential(u, theta, mu) <= ins.lundberg_bound(u, R) + 1e-15)
    # exponential claims: ψ(u) = ψ(0)·e^{−Ru}, the bound is off by exactly the factor 1/(1+θ)
    assert ins.ruin_probability_exponential(40, theta, mu) / ins.lundberg_bound(40, R) == pytest.approx(1 / 1.3)


def test_monte_carlo_ruin_within_band_of_exact_psi():
    sim = ins.simulate_ruin(u=10, theta=0.3, mu=5, lam=1, horizon=500, n_paths=20_000, seed=7)
    exact = ins.ruin_probability_exponential(10, 0.3, 5)
    assert sim.n_paths == 20_000
    assert abs(sim.estimate - exact) < 0.02                # ±0.02 ≈ 5.6 standard errors at n = 20,000
    assert sim.estimate <= exact + 4 * sim.stderr          # finite horizon: ψ(u, T) ≤ ψ(u)
    curve = sim.estimate_at([0, 5, 20])
    assert curve == pytest.approx(ins.ruin_probability_exponential([0, 5, 20], 0.3, 5), abs=0.02)
    # the ruin time is a claim instant before the horizon; u + min_gap < 0 ⇔ ruined
    assert np.all(sim.ruin_time[sim.ruined] <= 500)
    assert np.array_equal(sim.ruined, 10 + sim.min_gap < 0)


def test_monte_carlo_is_seeded_and_shown_paths_replay_the_same_claims():
    a = ins.simulate_ruin(5, 0.2, 2, 1.5, 50, 300, seed=3)
    b = ins.simulate_ruin(5, 0.2, 2, 1.5, 50, 300, seed=3)
    assert np.array_equal(a.min_gap, b.min_gap)
    times, claims = a.shown[0]
    gap = a.c * times - np.cumsum(claims)
    assert gap.min() == pytest.approx(a.min_gap[0])
    path = ins.surplus_path(times, claims, a.u, a.c, a.horizon, stop_at_ruin=False)
    assert path["surplus"].iloc[-1] == pytest.approx(a.u + a.c * a.horizon - claims.sum())


def test_surplus_path_stops_at_ruin():
    path = ins.surplus_path(np.array([1.0, 2.0, 3.0]), np.array([2.0, 30.0, 1.0]), u=10, c=5, horizon=10)
    assert path["t"].tolist() == [0, 1, 1, 2, 2]
    assert path["surplus"].tolist() == pytest.approx([10, 15, 13, 18, -12])
    whole = ins.surplus_path(np.array([1.0, 2.0, 3.0]), np.array([2.0, 30.0, 1.0]), 10, 5, 10, stop_at_ruin=False)
    assert whole["surplus"].iloc[-1] == pytest.approx(10 + 50 - 33)


def test_claims_trace_stops_at_ruin():
    times = np.array([1.0, 2.0, 3.0])
    claims = np.array([2.0, 30.0, 1.0])
    trace = ins.claims_trace(times, claims, u=10, c=5)
    assert [s.key.rsplit(".", 1)[1] for s in trace] == ["step_start", "step_claim", "step_ruin"]
    assert trace[1].params["after"] == pytest.approx(13.0)        # 10 + 5 − 2
    assert trace[2].params["after"] == pytest.approx(-12.0)       # 13 + 5 − 30


# ------------------------------------------------------------------ premium principles
def test_premium_principles_on_the_pooling_textbook_example():
    # loss 10,000 with probability 0.05: E = 500, Var = 4,750,000, SD = 2,179.4 (lecture "Risk Pooling II")
    mean, var, sd = ins.bernoulli_loss_moments(0.05, 10_000)
    assert (mean, var) == pytest.approx((500, 4_750_000))
    assert sd == pytest.approx(2179.449, abs=1e-3)
    assert ins.micro_premium("expected_value", 0.05, 10_000, 0.2) == pytest.approx(600)
    assert ins.micro_premium("variance", 0.05, 10_000, 0.0001) == pytest.approx(975)
    assert ins.micro_premium("std_dev", 0.05, 10_000, 0.1) == pytest.approx(717.945, abs=1e-3)
    # zero loading = pure premium under every principle
    for principle in ins.PRINCIPLES:
        assert ins.micro_premium(principle, 0.05, 10_000, 0) == pytest.approx(500)


def test_return_shipping_premium_fits_the_reported_price():
    # avg shipping ≈ ¥12, premium < ¥0.5 per order (Insurance Journal / Bloomberg 2017): with 3 % returns
    # and a 30 % loading the expected value premium is ¥0.468
    assert ins.micro_premium("expected_value", 0.03, 12, 0.3) == pytest.approx(0.468)


def test_binomial_tail_exact():
    # P(K ≥ 1), K ~ Bin(4, 0.05) = 1 − 0.95⁴; P(K ≥ 2) from the pooling table: .013538 + .000475 + .000006
    assert ins.binomial_tail(4, 0.05, 1) == pytest.approx(1 - 0.95 ** 4)
    assert ins.binomial_tail(4, 0.05, 2) == pytest.approx(0.014019, abs=1e-6)
    assert ins.binomial_tail(10, 0.3, 0) == 1.0 and ins.binomial_tail(10, 0.3, 11) == 0.0
    exact = sum(math.comb(200, k) * 0.3 ** k * 0.7 ** (200 - k) for k in range(70, 201))
    assert ins.binomial_tail(200, 0.3, 70) == pytest.approx(exact, rel=1e-9)


def test_underwriting_loss_probability_and_day():
    # 1,000 policies at ¥0.468: a loss needs K·12 > 468, K ≥ 40 returns out of 1,000 at p = 3 %
    prob = ins.underwriting_loss_probability(1000, 0.03, 12, 0.468)
    assert prob == pytest.approx(ins.binomial_tail(1000, 0.03, 40))
    assert 0.03 < prob < 0.06
    # more policies, same price: the law of large numbers makes a loss rarer
    assert ins.underwriting_loss_probability(100_000, 0.03, 12, 0.468) < 1e-10
    day = ins.simulate_policy_day(5000, 0.03, 12, 0.468, seed=1)
    assert day.claims == day.n_claims * 12
    assert day.loss_ratio == pytest.approx(day.n_claims * 12 / (5000 * 0.468))
    run = day.running()
    assert run["policies"].iloc[-1] == 5000 and run["claims"].iloc[-1] == pytest.approx(day.claims)
    ratios = ins.simulate_loss_ratios(5000, 0.03, 12, 0.468, days=4000, seed=2)
    assert ratios.mean() == pytest.approx(0.36 / 0.468, rel=0.01)
    assert ratios.std() == pytest.approx(ins.loss_ratio_sd(5000, 0.03, 12, 0.468), rel=0.05)


# ------------------------------------------------------------------ parametric pool
def test_parametric_pool_pays_by_rule_and_returns_the_rest():
    flights = ins.simulate_flights(30, 0.35, 100, seed=3)
    run = ins.run_parametric_pool(flights, premium_fen=2500, payout_fen=20_000, threshold_min=120,
                                  capital_fen=100_000)
    triggered = flights["delay_min"] >= 120
    assert run.flights["triggered"].tolist() == triggered.tolist()
    assert run.paid_fen == 20_000 * int(triggered.sum())
    assert run.ledger.balance("pool") == 0
    assert run.ledger.balance("insurer") == 30 * 2500 - run.paid_fen     # capital back plus the result
    assert set(run.flights["outcome"]) == {"hit", "extra", "missed", "none"}
    assert run.trace[-1].params["result"] == 30 * 2500 - run.paid_fen


def test_parametric_pool_short_of_money_records_the_shortfall():
    flights = ins.simulate_flights(5, 0.5, 100, seed=1)
    flights["delay_min"] = [200, 300, 10, 250, 400]
    run = ins.run_parametric_pool(flights, premium_fen=100, payout_fen=400, threshold_min=120, capital_fen=0)
    # pool 500: pays 400, then 100 of 400 (short 300), then 0 (short 400 twice)
    assert run.flights["paid_fen"].tolist() == [400, 100, 0, 0, 0]
    assert run.shortfall_fen == 300 + 400 + 400
    assert [s.key.rsplit(".", 1)[1] for s in run.trace][2:7] == ["step_pay", "step_short", "step_no_pay",
                                                                 "step_short", "step_short"]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), premium=st.integers(1, 10_000),
       payout=st.integers(1, 100_000), threshold=st.integers(15, 600), capital=st.integers(0, 1_000_000),
       p_delay=st.floats(0.01, 0.99))
def test_parametric_pool_conserves_money_for_any_seed(seed, n, premium, payout, threshold, capital, p_delay):
    flights = ins.simulate_flights(n, p_delay, 90, seed)
    run = ins.run_parametric_pool(flights, premium, payout, threshold, capital)
    for step in run.trace:
        balances = step.state["balances"]
        assert sum(balances.values()) == 0                      # double entry: nothing created or lost
        assert balances["pool"] >= 0                            # the contract never overdraws
    assert run.ledger.total() == 0
    assert run.paid_fen + run.shortfall_fen == payout * int(run.flights["triggered"].sum())
    assert run.ledger.balance("travellers") == run.paid_fen - premium * n
    assert run.ledger.balance("insurer") == premium * n - run.paid_fen
    assert sum(p.amount_fen for p in run.ledger.postings if p.target == "pool") == capital + premium * n


def test_delay_probability_formula():
    assert ins.delay_probability(120, 0.35, 100) == pytest.approx(0.35 * math.exp(-1.2))
    flights = ins.simulate_flights(500, 0.35, 100, seed=9)
    share = (flights["delay_min"] >= 120).mean()
    assert share == pytest.approx(ins.delay_probability(120, 0.35, 100), abs=0.04)


# ------------------------------------------------------------------ mutual aid
def test_mutual_aid_share_rule():
    # benefits ¥100,000 shared by 1,000,000 members with an 8 % fee: ¥0.108 → 11 fen (rounded half up)
    assert ins.mutual_aid_share_fen(10_000_000, 1_000_000, 0.08) == 11
    # ¥300,000 among 75,000,000 members: 0.432 fen → 0 fen; ¥5.6亿 to share among 7,500万 → ¥7.47
    assert ins.mutual_aid_share_fen(30_000_000, 75_000_000) == 0
    assert ins.mutual_aid_share_fen(56_000_000_000, 75_000_000, 0.0) == 747
    assert ins.mutual_aid_share_fen(0, 10) == 0


def test_mutual_aid_simulation_accounts_add_up():
    p = ins.MutualAidParams(periods=30)
    df = ins.simulate_mutual_aid(p)
    assert len(df) == 30
    assert (df["benefits_fen"] == df["cases"] * p.benefit_yuan * 100).all()
    assert (df["fee_fen"] == df["benefits_fen"] * 8 // 100).all()
    shares = [ins.mutual_aid_share_fen(int(b), int(m), p.fee_rate) for b, m in zip(df["benefits_fen"], df["members"])]
    assert df["share_fen"].tolist() == shares
    # the fixed premium is set once a year: periods 1–24 share one price, 25–30 another (higher: drift > 0)
    assert df["fixed_premium_fen"].iloc[:24].nunique() == 1
    assert df["fixed_premium_fen"].iloc[24] > df["fixed_premium_fen"].iloc[0]
    assert df["fixed_premium_fen"].iloc[0] == ins.fixed_premium_fen(
        float(np.mean(1.75 * 1.02 ** np.arange(24))), 200_000, 0.25)
    summary = ins.mutual_aid_summary(df)
    assert summary["member_paid_fen"] == df["share_fen"].sum()
    assert pd_equal(ins.simulate_mutual_aid(p), df)


def pd_equal(a, b) -> bool:
    return a.equals(b)


# ------------------------------------------------------------------ usage-based pricing
def test_telematics_factor_reference_driver_and_bounds():
    assert ins.telematics_factor(2, 0.05, 0.05, 12_000) == pytest.approx(1.0)
    assert ins.telematics_factor(0, 0, 0, 1000) == pytest.approx(math.exp(-0.08 - 0.03 - 0.06 - 0.22))
    assert ins.telematics_factor(0, 0, 0, 1000, floor=0.7) == 0.7             # floor
    assert ins.telematics_factor(50, 1, 1, 100_000) == 1.5                    # cap
    assert ins.telematics_factor(4, 0.05, 0.05, 12_000) == pytest.approx(math.exp(0.08))


def test_ubi_book_is_revenue_neutral():
    pop = ins.ubi_population(2000, seed=3)
    book = ins.ubi_premiums(pop, 3000, 2400)
    assert book["telematics"].sum() == pytest.approx(book["flat"].sum())
    s = ins.ubi_summary(book)
    assert s["night"]["n"] + s["day"]["n"] == 2000
    # the tariff weighs night driving twice as much as the true risk does: night workers pay more per ¥ of risk
    assert s["night"]["telematics"] / s["night"]["true_cost"] > s["day"]["telematics"] / s["day"]["true_cost"]


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("call,key", [
    (lambda: ins.micro_premium("expected_value", 0.03, 12, -0.1), "insurance_negative_loading"),
    (lambda: ins.micro_premium("expected_value", 0.03, 12, float("nan")), "insurance_negative_loading"),
    (lambda: ins.micro_premium("magic", 0.03, 12, 0.1), "insurance_principle"),
    (lambda: ins.micro_premium("variance", 0.0, 12, 0.1), "insurance_probability"),
    (lambda: ins.micro_premium("variance", 1.0, 12, 0.1), "insurance_probability"),
    (lambda: ins.micro_premium("variance", 0.1, 0, 0.1), "insurance_cost"),
    (lambda: ins.simulate_policy_day(0, 0.03, 12, 0.5, 1), "insurance_policies"),
    (lambda: ins.ruin_probability_exponential(1, 0.0, 5), "insurance_theta"),
    (lambda: ins.ruin_probability_exponential(1, -0.2, 5), "insurance_theta"),
    (lambda: ins.ruin_probability_exponential(-1, 0.3, 5), "insurance_capital"),
    (lambda: ins.ruin_probability_exponential(1, 0.3, 0), "insurance_mean_claim"),
    (lambda: ins.simulate_ruin(1, 0.3, 5, lam=0), "insurance_rate"),
    (lambda: ins.simulate_ruin(1, 0.3, 5, n_paths=0), "insurance_paths"),
    (lambda: ins.simulate_ruin(1, 0.3, 5, horizon=0), "insurance_horizon"),
    (lambda: ins.mutual_aid_share_fen(100, 0), "insurance_members"),
    (lambda: ins.mutual_aid_share_fen(100, 10, 0.9), "insurance_fee"),
    (lambda: ins.simulate_mutual_aid(ins.MutualAidParams(members0=0)), "insurance_members"),
    (lambda: ins.simulate_flights(0, 0.3, 60, 1), "insurance_flights"),
    (lambda: ins.run_parametric_pool(ins.simulate_flights(3, 0.3, 60, 1), 0, 100, 120, 0), "insurance_premium"),
    (lambda: ins.run_parametric_pool(ins.simulate_flights(3, 0.3, 60, 1), 10, 100, 5, 0), "insurance_threshold"),
    (lambda: ins.run_parametric_pool(ins.simulate_flights(3, 0.3, 60, 1), 10, 1.5, 120, 0), "insurance_payout"),
    (lambda: ins.telematics_factor(-1, 0, 0, 1000), "insurance_ubi_input"),
])
def test_bad_input_raises_input_error_with_a_translated_key(call, key):
    from ui import i18n
    with pytest.raises(InputError) as err:
        call()
    assert err.value.key == key
    for lang in ("zh", "en"):
        assert f"errors.{key}" in i18n.catalog(lang)
        text = i18n.translate(lang, f"errors.{key}", **err.value.params)
        assert text != f"errors.{key}" and "{" not in text


# ------------------------------------------------------------------ sourced facts
def test_facts_are_sourced_and_dated():
    facts = ins.load_facts()
    assert facts["source"].str.strip().str.len().min() > 5
    assert set(facts["topic"]) <= set(ins.FACT_TOPICS)
    assert facts["id"].is_unique
    line = ins.facts_timeline(facts)
    assert line["when"].is_monotonic_increasing
    row = line.set_index("id")
    assert str(row.loc["fizzy_launch", "when"].date()) == "2017-09-13"
    assert str(row.loc["zhongan_open", "when"].date()) == "2013-11-15"      # year-month → the 15th
    assert str(row.loc["xhb_share2020", "when"].date()) == "2020-07-01"     # year only → 1 July
    # the figures the page quotes from the table
    assert row.loc["xhb_rule", "value"] == 8 and row.loc["fizzy_launch", "value"] == 2
