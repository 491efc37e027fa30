"""Chapter 2 models: risk rules, biometric FAR/FRR, cross-border chain."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import biometrics, crossborder, risk
from core.errors import InputError


# ---------------------------------------------------------------- risk monitoring
@pytest.fixture(scope="module")
def stream():
    return risk.generate_stream(seed=7, n_customers=300, days=7, attacks=40)


def test_stream_is_seeded_and_labels_the_injected_patterns(stream):
    again = risk.generate_stream(seed=7, n_customers=300, days=7, attacks=40)
    pd.testing.assert_frame_equal(stream, again)
    assert set(stream["pattern"]) == {"normal", "velocity", "takeover", "structuring"}
    assert (stream["is_fraud"] == (stream["pattern"] != "normal")).all()
    assert stream["minute"].is_monotonic_increasing
    assert not risk.generate_stream(seed=8).equals(stream)


def test_features_on_a_hand_made_stream():
    df = pd.DataFrame({"tx": range(4), "minute": [720, 722, 725, 1320], "customer": [1, 1, 1, 1],
                       "amount": [10.0, 10.0, 500.0, 49_000.0], "x": [0, 0, 0, 1000], "y": [0, 0, 0, 0],
                       "new_device": [False, False, True, False], "habit": [10.0] * 4,
                       "pattern": "normal", "episode": -1, "is_fraud": 0})
    f = risk.add_features(df)
    assert list(f["recent"]) == [1, 2, 3, 1]            # payments in the last 10 minutes, this one included
    assert list(f["km"]) == [0, 0, 0, 1000]
    assert f["speed_kmh"].iloc[3] == pytest.approx(1000 / (595 / 60), abs=1)   # 1000 km in 595 min ≈ 101 km/h
    hits = risk.rule_hits(f)
    assert list(hits["velocity"]) == [False, False, True, False]
    assert list(hits["amount"]) == [False, False, True, True]
    assert list(hits["structuring"]) == [False, False, False, True]
    assert list(hits["travel"]) == [False] * 4
    assert list(risk.score(f)) == [0, 0, 30 + 30 + 20, 30 + 40]


def test_confusion_matrix_arithmetic():
    c = risk.confusion([1, 1, 0, 0, 1], [90, 10, 80, 0, 60], 50)
    assert (c["tp"], c["fp"], c["fn"], c["tn"]) == (2, 1, 1, 1)
    assert c["precision"] == pytest.approx(2 / 3) and c["recall"] == pytest.approx(2 / 3)
    assert math.isnan(risk.confusion([1, 0], [0, 0], 50)["precision"])


def test_threshold_trades_recall_for_precision(stream):
    s = risk.score(stream)
    sweep = risk.threshold_sweep(stream["is_fraud"], s)
    assert sweep["recall"].is_monotonic_decreasing
    assert (sweep["tp"] + sweep["fn"] == stream["is_fraud"].sum()).all()
    assert sweep.iloc[0]["recall"] == 1.0                 # threshold 0 alerts on everything
    low, high = risk.confusion(stream["is_fraud"], s, 20), risk.confusion(stream["is_fraud"], s, 60)
    assert high["precision"] > low["precision"] and high["recall"] < low["recall"]


def test_alert_queue_is_sorted_and_explained(stream):
    s = risk.score(stream)
    q = risk.alert_queue(stream, s, 40, limit=10)
    assert len(q) == 10 and q["score"].is_monotonic_decreasing and (q["score"] >= 40).all()
    weights = {r.name: r.weight for r in risk.DEFAULT_RULES}
    assert all(sum(weights[r] for r in rules) == sc for rules, sc in zip(q["rules"], q["score"]))


def test_stream_trace_ends_with_the_full_confusion(stream):
    s = risk.score(stream)
    trace = risk.stream_trace(stream, s, 40, steps=12)
    assert len(trace) == 12
    final = trace[-1].state["counts"]
    assert final == risk.confusion(stream["is_fraud"], s, 40)


def test_weights_are_bounded(stream):
    with pytest.raises(InputError):
        risk.score(stream, {"velocity": 500})


# ---------------------------------------------------------------- biometrics
def test_far_frr_definitions():
    g, i = np.array([10, 20, 30, 40.0]), np.array([5, 15, 25, 35.0])
    assert biometrics.far(i, 20) == 0.5 and biometrics.frr(g, 20) == 0.25
    curve = biometrics.error_curve(g, i, [0, 20, 100])
    assert list(curve["far"]) == [1.0, 0.5, 0.0] and list(curve["frr"]) == [0.0, 0.25, 1.0]


def test_eer_matches_the_normal_theory():
    # N(0,1) impostors, N(d′,1) genuines: EER = Φ(−d′/2); d′ = 3 → 0.0668
    assert biometrics.theoretical_eer(3.0) == pytest.approx(0.066807, abs=1e-6)
    d = biometrics.simulate_scores(seed=1, n_genuine=100_000, n_impostor=100_000, separation=3.0)
    _, eer = biometrics.equal_error_rate(d["genuine"], d["impostor"])
    assert eer == pytest.approx(0.0668, abs=0.004)


@settings(max_examples=20, deadline=None)
@given(st.floats(0, 100))
def test_raising_the_threshold_trades_false_accepts_for_false_rejects(t):
    d = biometrics.simulate_scores(seed=2, n_genuine=500, n_impostor=2000)
    assert biometrics.far(d["impostor"], t) >= biometrics.far(d["impostor"], t + 5)
    assert biometrics.frr(d["genuine"], t) <= biometrics.frr(d["genuine"], t + 5)


def test_det_axes_are_normal_deviates():
    assert biometrics.det_axes([0.5])[0] == pytest.approx(0.0)
    assert biometrics.det_axes([0.01])[0] == pytest.approx(-2.326348, abs=1e-6)


# ---------------------------------------------------------------- cross-border
def test_chain_cost_and_ledger_balance():
    trace = crossborder.chain_trace(200, hops=2, sender_fee_usd=5, hop_fee_usd=3, receiver_fee_usd=2,
                                    fx_margin=0.02, hop_hours=4)
    # $5 + 2 × $3 + $2 + 2 % × $200 = $17 = 8.5 % of $200; 3 inter-bank legs × 4 h
    assert trace.meta["cost_cents"] == 1700 and trace.meta["received_cents"] == 18_800
    assert trace.meta["hours"] == 12
    assert crossborder.chain_cost(200, 2, 5, 3, 2, 0.02) == pytest.approx(0.085)
    assert all(step.state["total"] == 0 for step in trace)
    assert len(trace) == 2 + 3


def test_more_hops_cost_more_and_take_longer():
    costs = [crossborder.chain_cost(200, k, 5, 3, 2, 0.02) for k in range(6)]
    assert costs == sorted(costs) and costs[-1] - costs[0] == pytest.approx(5 * 3 / 200)
    fast = crossborder.share_within(crossborder.arrival_hours(1, 0), 1)
    slow = crossborder.share_within(crossborder.arrival_hours(1, 5), 1)
    assert fast > slow
    assert crossborder.ledger_cost(200, 1, 0.005) == pytest.approx(0.01)


def test_crossborder_bounds():
    with pytest.raises(InputError):
        crossborder.chain_trace(200, hops=9)
    with pytest.raises(InputError):
        crossborder.arrival_hours(1, 2, cutoff_prob=1.5)


def test_facts_tables_have_sources():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "data"
    for name in ("crossborder.csv", "payments_facts.csv"):
        table = pd.read_csv(root / name)
        assert len(table) >= 5
        assert table["source"].notna().all() and (table["source"].str.len() > 10).all()
    from core.payments import load_facts
    xb = load_facts("crossborder")
    assert load_facts("payments_facts").loc["netsunion_cutover", "date"] == "2018-06-30"
    assert xb.loc["wb_global_avg_q3_2025", "value"] == pytest.approx(6.36)
    assert xb.loc["g20_retail_cost", "value"] == pytest.approx(1.0)


def test_cost_curve_adds_review_cost_and_missed_fraud():
    df = pd.DataFrame({"is_fraud": [1, 1, 0, 0], "amount": [1000.0, 50.0, 20.0, 30.0]})
    curve = risk.cost_curve(df, [90, 10, 80, 0], review_cost=5, thresholds=[0, 50, 100])
    # t=0: 4 alerts × 5 = 20, nothing missed; t=50: 2 alerts = 10 + missed 50; t=100: no alerts, missed 1,050
    assert list(curve["total"]) == [20.0, 60.0, 1050.0]
    assert list(curve["fraud_loss"]) == [0.0, 50.0, 1050.0]
    with pytest.raises(InputError):
        risk.cost_curve(df, [0, 0, 0, 0], review_cost=-1)
