"""Biometric payment (face, fingerprint) as a matching threshold on score distributions.

A matcher compares a live sample with the enrolled template and returns a similarity score.
Genuine attempts (the account holder) and impostor attempts (someone else) give two overlapping
score distributions; the system accepts when score ≥ threshold.
FAR (false accept rate) = share of impostor scores ≥ t; FRR (false reject rate) = share of genuine
scores < t (terms of ISO/IEC 19795-1, biometric performance testing).  Plotting FRR against FAR on
normal-deviate axes gives the DET curve (Martin et al., "The DET curve in assessment of detection
task performance", Eurospeech 1997).  Scores here are synthetic (seeded), not from a real matcher.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from statistics import NormalDist

from core.errors import check_number, require

_STD = NormalDist()


def simulate_scores(seed: int = 11, n_genuine: int = 2000, n_impostor: int = 20000,
                    separation: float = 3.0, spread_ratio: float = 1.0) -> dict:
    """Genuine scores ~ N(separation, σ_g²), impostor scores ~ N(0, 1) with σ_g = spread_ratio,
    then mapped to 0–100 with a logistic so they read like a matcher's similarity score.
    ``separation`` is d′ (distance between the means in impostor standard deviations)."""
    require(100 <= n_genuine <= 200_000 and 100 <= n_impostor <= 500_000, "payments_bio_size",
            "sample sizes are 100 to 200,000 (genuine) and 500,000 (impostor)")
    require(0 <= separation <= 8, "payments_bio_separation", "d′ must be between 0 and 8", lo=0, hi=8)
    require(0.25 <= spread_ratio <= 4, "payments_bio_spread", "spread ratio must be 0.25 to 4", lo=0.25, hi=4)
    rng = np.random.default_rng(seed)
    genuine = rng.normal(separation, spread_ratio, n_genuine)
    impostor = rng.normal(0.0, 1.0, n_impostor)
    to_score = lambda z: 100 / (1 + np.exp(-(z - separation / 2)))   # noqa: E731 — monotone, keeps the ranks
    return {"genuine": to_score(genuine), "impostor": to_score(impostor)}


def far(impostor: np.ndarray, threshold: float) -> float:
    """False accept rate: share of impostor scores ≥ threshold."""
    return float(np.mean(np.asarray(impostor) >= threshold))


def frr(genuine: np.ndarray, threshold: float) -> float:
    """False reject rate: share of genuine scores < threshold."""
    return float(np.mean(np.asarray(genuine) < threshold))


def error_curve(genuine: np.ndarray, impostor: np.ndarray, thresholds=None) -> pd.DataFrame:
    """FAR and FRR at each threshold (default 0, 0.25, …, 100), computed by sorting (O(n log n))."""
    thresholds = np.linspace(0, 100, 401) if thresholds is None else np.asarray(thresholds, dtype=float)
    g, i = np.sort(genuine), np.sort(impostor)
    frr_v = np.searchsorted(g, thresholds, side="left") / g.size
    far_v = 1 - np.searchsorted(i, thresholds, side="left") / i.size
    return pd.DataFrame({"threshold": thresholds, "far": far_v, "frr": frr_v})


def equal_error_rate(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """(threshold, EER) where FAR and FRR are closest, searched on every observed score."""
    candidates = np.unique(np.concatenate([genuine, impostor]))
    curve = error_curve(genuine, impostor, candidates)
    k = int(np.argmin(np.abs(curve["far"] - curve["frr"])))
    row = curve.iloc[k]
    return float(row["threshold"]), float((row["far"] + row["frr"]) / 2)


def det_axes(rate: np.ndarray, floor: float = 1e-5) -> np.ndarray:
    """Normal deviate Φ⁻¹(rate) used on DET axes (rates clipped to [floor, 1 − floor])."""
    clipped = np.clip(np.asarray(rate, dtype=float), floor, 1 - floor)
    return np.vectorize(_STD.inv_cdf, otypes=[float])(clipped)


def theoretical_eer(separation: float, spread_ratio: float = 1.0) -> float:
    """For N(0,1) impostors and N(d′, s²) genuines the EER is Φ(−d′/(1+s)) (FAR = FRR at t = d′/(1+s))."""
    check_number(separation, -1e6, 1e6)
    check_number(spread_ratio, 1e-9, 1e6)   # a spread is positive (s = 0 or −1 would divide by zero)
    return float(_STD.cdf(-separation / (1 + spread_ratio)))
