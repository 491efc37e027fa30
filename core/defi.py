"""DeFi, honestly: a constant-product market maker and an over-collateralised lending pool.

AMM (Uniswap v2 whitepaper, H. Adams, N. Zinsmeister, D. Robinson, 2020; ``UniswapV2Library.getAmountOut``):
reserves x, y keep x·y = k; a trader adds Δx and receives
    Δy = ⌊ Δx·(10000 − fee_bps)·y / (x·10000 + Δx·(10000 − fee_bps)) ⌋
(fee 0.30 % = 30 bps, taken from the input and left in the pool, so k grows).  Impermanent loss of a
liquidity provider when the price moves by a factor r, against simply holding: IL(r) = 2√r / (1 + r) − 1.

Lending pool (Aave V3 technical paper, 2022; docs.aave.com "Health factor"): health factor
HF = Σ collateral·price·liquidation threshold / debt; HF < 1 → a liquidator repays up to the close
factor (50 %) of the debt and seizes collateral worth repaid × (1 + liquidation bonus).
All amounts are integers (token base units or fen).
"""
from __future__ import annotations

import math

import numpy as np

from core.contracts import TeachingChain, block_view, sign_tx
from core.errors import require
from core.trace import Trace

MAX_RESERVE = 2 ** 112 - 1              # Uniswap v2 stores reserves as uint112
MAX_TRADES = 1_000                      # random trades one call may draw (the page offers up to 12)


def _real(value, key: str, lo: float, hi: float, lo_open: bool = False) -> float:
    """``float(value)`` if it is a finite real number with lo ≤ value ≤ hi (lo < value if ``lo_open``), else
    ``InputError(key, lo=, hi=)``."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    try:
        ok = ok and math.isfinite(float(value)) and (lo < value if lo_open else lo <= value) and value <= hi
    except OverflowError:               # an int too large for a float
        ok = False
    require(ok, key, f"must be a finite number within {lo}..{hi}", value=str(value)[:40], lo=lo, hi=hi)
    return float(value)


def _whole(value, key: str, lo: int, hi: int) -> int:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool) and lo <= int(value) <= hi
    require(ok, key, f"must be a whole number within {lo}..{hi}", value=value, lo=lo, hi=hi)
    return int(value)


def swap_output(reserve_in: int, reserve_out: int, amount_in: int, fee_bps: int = 30) -> int:
    """Output of a constant-product swap, fee taken from the input, rounded down (Uniswap v2 getAmountOut
    with fee_bps = 30: amount_in·997·reserve_out // (reserve_in·1000 + amount_in·997)).

    Bad input → ``InputError``: reserves and amount must be positive whole units, the fee 0..9999 bps,
    and a swap may not exceed the pool's input reserve (a teaching limit: the price would more than halve)."""
    x = _whole(reserve_in, "bcf_reserve", 1, MAX_RESERVE)
    y = _whole(reserve_out, "bcf_reserve", 1, MAX_RESERVE)
    a = _whole(amount_in, "bcf_amount", 1, MAX_RESERVE)
    f = _whole(fee_bps, "bcf_fee", 0, 9999)
    require(a <= x, "bcf_swap_too_big", "the swap is larger than the pool", amount=a, reserve=x)
    a_net = a * (10_000 - f)
    return a_net * y // (x * 10_000 + a_net)


def price_impact(reserve_in: int, reserve_out: int, amount_in: int, fee_bps: int = 30) -> float:
    """1 − (execution price / spot price): execution = out/in, spot = y/x before the trade."""
    out = swap_output(reserve_in, reserve_out, amount_in, fee_bps)
    return 1.0 - (out / amount_in) / (reserve_out / reserve_in)


def impermanent_loss(r: float) -> float:
    """LP value / hold value − 1 when the price of x in y changes by a factor r (no fees): 2√r/(1+r) − 1."""
    require(isinstance(r, (int, float, np.floating)) and math.isfinite(float(r)) and 0 < r <= 1000, "bcf_ratio",
            "price ratio must be positive", lo=0, hi=1000)
    return 2.0 * math.sqrt(r) / (1.0 + r) - 1.0


def amm_trace(reserve_x: int, reserve_y: int, trades: list, fee_bps: int = 30, lp_share: float = 0.1) -> Trace:
    """Replay ``trades`` [(trader, side 'x'|'y', amount_in)] against a pool; each swap is a signed
    transaction in a block.  State: reserves, spot price y/x, k, and the LP's share of the pool.

    A refused trade (too big, not positive) raises ``InputError`` before anything changes."""
    x = _whole(reserve_x, "bcf_reserve", 1, MAX_RESERVE)
    y = _whole(reserve_y, "bcf_reserve", 1, MAX_RESERVE)
    require(0.0 < float(lp_share) <= 1.0, "bcf_share", "share must be within 0..100%", lo=0, hi=1)
    for _, side, amount in trades:                      # check every trade before replaying any
        require(side in ("x", "y"), "bcf_side", "side must be x or y")
        _whole(amount, "bcf_amount", 1, MAX_RESERVE)
    chain, trace = TeachingChain(), Trace()
    k0 = x * y
    trace.meta = {"x0": x, "y0": y, "k0": k0, "fee_bps": fee_bps}
    seq = 0

    def state(view=None, **extra):
        return {"x": x, "y": y, "price": y / x, "k": x * y, "k_growth": x * y / k0 - 1.0, "block": view,
                "lp_x": x * lp_share, "lp_y": y * lp_share, **extra}

    trace.add("bcfinance.amm.step.start", state(), x=x, y=y, price=y / x)
    for trader, side, amount in trades:
        rin, rout = (x, y) if side == "x" else (y, x)
        out = swap_output(rin, rout, amount, fee_bps)
        impact = 1.0 - (out / amount) / (rout / rin)
        seq += 1
        tx = sign_tx("amm", seq, "swap", trader, {"side": side, "in": int(amount), "out": out})
        if side == "x":
            x, y = x + amount, y - out
        else:
            y, x = y + amount, x - out
        view = block_view(chain.record(tx), tx)
        trace.add(f"bcfinance.amm.step.swap_{side}", state(view, impact=impact), trader=trader, amount=int(amount),
                  out=out, impact=impact, price=y / x, block=view["number"])
    trace.meta.update(x=x, y=y, chain_valid=chain.valid())
    return trace


def lp_versus_hold(x0: float, y0: float, ratios) -> dict:
    """For each price factor r (price of x in y goes from p0 = y0/x0 to r·p0), the value in y of (a) the
    LP position after arbitrage, x' = √(k/(r·p0)), y' = √(k·r·p0), and (b) holding x0, y0."""
    k, p0 = x0 * y0, y0 / x0
    r = np.asarray(ratios, dtype=float)
    lp = 2.0 * np.sqrt(k * r * p0)
    hold = x0 * r * p0 + y0
    return {"r": r, "lp": lp, "hold": hold, "il": lp / hold - 1.0}


# ================================================================== the lending pool
def check_risk_params(ltv: float, threshold: float, bonus: float) -> None:
    """0 < max LTV ≤ liquidation threshold < 1; liquidation bonus 0..50 %."""
    ok = all(isinstance(v, (int, float, np.floating)) and math.isfinite(float(v)) for v in (ltv, threshold, bonus))
    require(ok and 0.0 < ltv <= threshold < 1.0, "bcf_collateral_ratio_pool",
            "need 0 < LTV ≤ liquidation threshold < 100%", ltv=float(ltv) if ok else 0.0,
            threshold=float(threshold) if ok else 0.0)
    require(0.0 <= bonus <= 0.5, "bcf_bonus", "bonus must be within 0..50%", lo=0.0, hi=0.5)


def health_factor(collateral_units: int, price_fen: int, debt_fen: int, threshold: float) -> float:
    """HF = collateral · price · liquidation threshold / debt (∞ without debt).

    Units, price and debt are whole numbers 0 … ``MAX_RESERVE``, the threshold a share in (0, 1); else
    ``InputError``."""
    collateral_units = _whole(collateral_units, "bcf_units", 0, MAX_RESERVE)
    price_fen = _whole(price_fen, "bcf_amount", 0, MAX_RESERVE)
    debt_fen = _whole(debt_fen, "bcf_amount", 0, MAX_RESERVE)
    threshold = _real(threshold, "bcf_threshold", 0.0, 1.0, lo_open=True)
    return math.inf if debt_fen <= 0 else collateral_units * price_fen * threshold / debt_fen


def lending_pool(n: int, seed: int, price_fen: int, drop: float, ltv: float = 0.75, threshold: float = 0.80,
                 bonus: float = 0.05, close_factor: float = 0.5) -> Trace:
    """``n`` seeded borrowers deposit collateral units and borrow at 30 %..100 % of the max LTV; the price
    falls by ``drop``; every position with HF < 1 is liquidated once (close factor of the debt repaid,
    collateral seized with the bonus; if collateral runs out, the rest is bad debt of the pool).
    The close factor is a share in (0, 1] (``bcf_close_factor``)."""
    check_risk_params(ltv, threshold, bonus)
    close_factor = _real(close_factor, "bcf_close_factor", 0.0, 1.0, lo_open=True)
    n = _whole(n, "bcf_borrowers", 1, 40)
    price = _whole(price_fen, "bcf_amount", 1, 10 ** 10)
    require(isinstance(drop, (int, float)) and 0.0 <= drop <= 0.95, "bcf_price_drop", "fall within 0..95%",
            lo=0.0, hi=0.95, value=float(drop) if isinstance(drop, (int, float)) else 0.0)
    rng = np.random.default_rng(int(seed))
    chain, trace = TeachingChain(), Trace()
    pos = []
    for i in range(n):
        units = int(rng.integers(5, 50))
        use = float(rng.uniform(0.3, 1.0))
        debt = int(units * price * ltv * use)
        pos.append({"who": f"b{i + 1:02d}", "units": units, "debt": debt, "use": use})
    new_price = int(price * (1.0 - drop))
    seq = 0

    def rows(p):
        return [{**q, "hf": health_factor(q["units"], p, q["debt"], threshold)} for q in pos]

    trace.add("bcfinance.pool.step.start", {"rows": rows(price), "price": price, "block": None, "bad_debt": 0},
              n=n, price=price, debt=sum(q["debt"] for q in pos))
    trace.add("bcfinance.pool.step.shock", {"rows": rows(new_price), "price": new_price, "block": None, "bad_debt": 0},
              price=new_price, drop=drop, under=sum(1 for r in rows(new_price) if r["hf"] < 1))
    bad_debt = 0
    seized_total = repaid_total = 0
    for q in pos:
        if health_factor(q["units"], new_price, q["debt"], threshold) >= 1.0:
            continue
        repay = int(q["debt"] * close_factor)
        seize = min(q["units"], math.ceil(repay * (1.0 + bonus) / max(new_price, 1)))
        if seize * new_price < repay:     # collateral is worth less than the repaid debt: the rest is bad debt
            repay = seize * new_price
        q["units"] -= seize
        q["debt"] -= repay
        if q["units"] == 0 and q["debt"] > 0:
            bad_debt += q["debt"]
        seized_total += seize
        repaid_total += repay
        seq += 1
        tx = sign_tx("pool", seq, "liquidate", "liquidator", {"who": q["who"], "repay": repay, "seize": seize})
        view = block_view(chain.record(tx), tx)
        trace.add("bcfinance.pool.step.liquidate", {"rows": rows(new_price), "price": new_price, "block": view,
                                                    "bad_debt": bad_debt},
                  who=q["who"], repay=repay, seize=seize, value=seize * new_price, block=view["number"],
                  hf=health_factor(q["units"], new_price, q["debt"], threshold))
    trace.meta = {"liquidated": seq, "bad_debt": bad_debt, "seized": seized_total, "repaid": repaid_total,
                  "new_price": new_price, "chain_valid": chain.valid()}
    return trace


def random_trades(n: int, seed: int, reserve_x: int, reserve_y: int, max_share: float = 0.05) -> list:
    """``n`` seeded trades, each up to ``max_share`` of the starting reserve of the side paid in.

    ``n`` is bounded (0 … ``MAX_TRADES``, ``bcf_trades``), reserves are whole units 1 … ``MAX_RESERVE`` and the
    share is in (0, 1]; else ``InputError``."""
    n = _whole(n, "bcf_trades", 0, MAX_TRADES)
    reserve_x = _whole(reserve_x, "bcf_reserve", 1, MAX_RESERVE)
    reserve_y = _whole(reserve_y, "bcf_reserve", 1, MAX_RESERVE)
    max_share = _real(max_share, "bcf_share", 0.0, 1.0, lo_open=True)
    rng = np.random.default_rng(int(seed))
    names = ["ann", "bo", "chen", "dev", "eli", "fang"]
    out = []
    for i in range(int(n)):
        side = "x" if rng.random() < 0.5 else "y"
        base = reserve_x if side == "x" else reserve_y
        out.append((names[i % len(names)], side, max(1, int(rng.uniform(0.002, max_share) * base))))
    return out
