"""Distributed consensus, simulated: peers holding copies of a chain, block propagation, forks and
their resolution by the most-work chain, Nakamoto's double-spend race by Monte Carlo, difficulty
retargeting and Bitcoin's supply schedule.

Pure and deterministic given a seed (``numpy.random.Generator``); Monte Carlo is vectorised.

Sources: S. Nakamoto, "Bitcoin: A Peer-to-Peer Electronic Cash System" (2008) §5 (network), §11
(calculations); M. Rosenfeld, "Analysis of Hashrate-Based Double Spending" (2014) for the exact
negative-binomial form of the race; bitcoin/bitcoin ``src/pow.cpp`` (``CalculateNextWorkRequired``),
``src/validation.cpp`` (``GetBlockSubsidy``), ``src/kernel/chainparams.cpp`` (2016-block interval,
two-week timespan, 210 000-block halving interval).
"""
from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import replace

import numpy as np

from core import crypto
from core.blockchain import Block, check_race, mine_block, validate_chain
from core.errors import require
from core.trace import Trace


# ================================================================ peers that each hold a copy
def check_peers(n_peers: int) -> int:
    """The network demo runs 3 … 10 peers."""
    require(isinstance(n_peers, (int, np.integer)) and 3 <= int(n_peers) <= 10, "blockchain_peers",
            "the network needs 3 to 10 peers", lo=3, hi=10)
    return int(n_peers)


def tamper_copy(chain: list[Block], index: int, data: str, difficulty: int, remine: bool) -> list[Block]:
    """One peer's copy with block ``index`` rewritten; with ``remine`` it also redoes all later work."""
    require(0 <= index < len(chain), "blockchain_block_index", "no such block", index=index)
    out = list(chain)
    out[index] = replace(out[index], data=str(data))
    if remine:
        for i in range(index, len(out)):
            prev = out[i - 1].hash if i else out[i].prev_hash
            out[i], _ = mine_block(replace(out[i], prev_hash=prev, nonce=0), difficulty)
    return out


def chain_fingerprint(chain: list[Block]) -> str:
    """SHA-256 over the hashes of all blocks in order: equal fingerprints ⇔ identical copies."""
    return crypto.sha256("".join(b.hash for b in chain).encode("ascii")).hex()


def majority_vote(copies: list[list[Block]], difficulty: int) -> list[dict]:
    """Compare the peers' copies: each copy's fingerprint, whether it validates, and whether it equals
    the most common fingerprint among valid copies (the honest majority)."""
    prints = [chain_fingerprint(c) for c in copies]
    valid = [all(s["valid"] for s in validate_chain(c, difficulty)) for c in copies]
    counts = Counter(f for f, ok in zip(prints, valid) if ok)
    majority, votes = counts.most_common(1)[0] if counts else (None, 0)
    reference = next((c for c, f in zip(copies, prints) if f == majority), copies[0])
    return [{"peer": i + 1, "fingerprint": f, "tip": c[-1].hash, "valid": ok, "agrees": ok and f == majority,
             "votes": votes,
             "differs_at": next((j + 1 for j, (a, b) in enumerate(zip(c, reference)) if a.hash != b.hash), None)}
            for i, (f, ok, c) in enumerate(zip(prints, valid, copies))]


# ================================================================ propagation, fork and resolution
def peer_graph(n_peers: int, seed: int) -> dict:
    """A connected peer-to-peer graph: a ring (every peer has two neighbours) plus a few random
    chords, laid out on a circle for drawing."""
    n = check_peers(n_peers)
    rng = np.random.default_rng(seed)
    edges = {tuple(sorted((i, (i + 1) % n))) for i in range(n)}
    for _ in range(max(1, n // 3)):
        a, b = (int(x) for x in rng.choice(n, size=2, replace=False))
        if abs(a - b) not in (1, n - 1):
            edges.add(tuple(sorted((a, b))))
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    return {"n": n, "edges": sorted(edges), "x": np.round(np.cos(angles), 4).tolist(),
            "y": np.round(np.sin(angles), 4).tolist()}


def _neighbours(graph: dict) -> list[list[int]]:
    nb: list[list[int]] = [[] for _ in range(graph["n"])]
    for a, b in graph["edges"]:
        nb[a].append(b)
        nb[b].append(a)
    return nb


def _hops(graph: dict, sources: list[int]) -> list[int]:
    """Breadth-first distance (in hops) from the nearest source: one hop = one relay round."""
    dist = [-1] * graph["n"]
    queue = deque()
    for s in sources:
        dist[s] = 0
        queue.append(s)
    nb = _neighbours(graph)
    while queue:
        u = queue.popleft()
        for v in nb[u]:
            if dist[v] < 0:
                dist[v] = dist[u] + 1
                queue.append(v)
    return dist


def network_trace(n_peers: int, seed: int) -> Trace:
    """Step by step: a block is broadcast and validated hop by hop; then two miners find competing
    blocks at the same moment (a fork); the next block lands on one branch and every peer switches
    to the chain with the most work (Nakamoto 2008 §5: nodes work on the longest chain; a tie is
    broken when the next proof-of-work is found)."""
    graph = peer_graph(n_peers, seed)
    n = graph["n"]
    rng = np.random.default_rng(seed + 1)
    trace = Trace(meta={"n_peers": n, "seed": seed, "graph": graph})
    chains = [["G", "1"] for _ in range(n)]

    def snap(active: list[int], received: list[int], edges: list[tuple[int, int]]) -> dict:
        return {"graph": graph, "chains": [list(c) for c in chains], "active": list(active),
                "received": list(received), "edges": list(edges)}

    trace.add("blockchain.net.step.start", snap([], [], []), peers=n, height=1)
    # 1. an ordinary block 2 found by one miner, relayed hop by hop
    miner = int(rng.integers(n))
    dist = _hops(graph, [miner])
    chains[miner].append("2")
    trace.add("blockchain.net.step.found", snap([miner], [miner], []), miner=miner + 1, block="2")
    for hop in range(1, max(dist) + 1):
        got = [i for i in range(n) if dist[i] == hop]
        edges = [(a, b) for a, b in graph["edges"] if {dist[a], dist[b]} == {hop - 1, hop}]
        for i in got:
            chains[i].append("2")
        trace.add("blockchain.net.step.relay", snap(got, got, edges), hop=hop, count=len(got),
                  total=sum(1 for d in dist if 0 <= d <= hop))
    trace.add("blockchain.net.step.synced", snap([], list(range(n)), []), height=2, peers=n)
    # 2. two miners far apart find block 3 at the same time: a fork
    a = int(rng.integers(n))
    b = (a + n // 2) % n
    da, db = _hops(graph, [a]), _hops(graph, [b])
    side = ["A" if (da[i], rng.random()) < (db[i], rng.random()) else "B" for i in range(n)]
    side[a], side[b] = "A", "B"
    for i in range(n):
        chains[i].append("3A" if side[i] == "A" else "3B")
    n_a = side.count("A")
    trace.add("blockchain.net.step.fork", snap([a, b], [a, b], []), miner_a=a + 1, miner_b=b + 1)
    trace.add("blockchain.net.step.split", snap([], list(range(n)), []), count_a=n_a, count_b=n - n_a)
    # 3. the next block: its miner is on side A with probability (share of peers on A)
    winner_side = "A" if rng.random() < n_a / n else "B"
    candidates = [i for i in range(n) if side[i] == winner_side]
    m4 = int(rng.choice(candidates))
    chains[m4].append("4" + winner_side)
    trace.add("blockchain.net.step.extend", snap([m4], [m4], []), miner=m4 + 1, branch=winner_side,
              share=n_a / n if winner_side == "A" else 1 - n_a / n)
    d4 = _hops(graph, [m4])
    loser = "B" if winner_side == "A" else "A"
    switched_total = 0
    for hop in range(1, max(d4) + 1):
        got = [i for i in range(n) if d4[i] == hop]
        switched = [i for i in got if side[i] == loser]
        switched_total += len(switched)
        for i in got:
            chains[i] = ["G", "1", "2", "3" + winner_side, "4" + winner_side]
        edges = [(x, y) for x, y in graph["edges"] if {d4[x], d4[y]} == {hop - 1, hop}]
        trace.add("blockchain.net.step.reorg", snap(got, got, edges), hop=hop, count=len(got),
                  switched=len(switched))
    trace.add("blockchain.net.step.resolved", snap([], list(range(n)), []), branch=winner_side,
              orphan="3" + loser, switched=switched_total, height=4)
    trace.meta.update({"winner": winner_side, "orphan": "3" + loser, "switched": switched_total})
    return trace


# ================================================================ the double-spend race, simulated
def exact_race_probability(q: float, z: int) -> float:
    """The race without Nakamoto's Poisson shortcut: while honest miners find z blocks the attacker
    finds K ~ NegativeBinomial(z, p) blocks (each block is the attacker's with probability q), then
    catches up from z − K behind with probability (q/p)^(z−K) (gambler's ruin):
        P = 1 − Σ_{k=0..z} C(k+z−1, k)·p^z·q^k·(1 − (q/p)^(z−k))   (Rosenfeld 2014, eq. for his
    success criterion "catch up"; the Monte Carlo below simulates exactly this process)."""
    check_race(q, z)
    q, z = float(q), int(z)
    if z == 0:
        return 1.0
    p = 1.0 - q
    log_r = math.log(q / p)
    total_caught = []
    below = []
    for k in range(z + 1):
        log_nb = math.lgamma(k + z) - math.lgamma(k + 1) - math.lgamma(z) + z * math.log(p) + k * math.log(q)
        below.append(math.exp(log_nb))
        total_caught.append(math.exp(log_nb + (z - k) * log_r))
    return min(1.0, max(0.0, 1.0 - math.fsum(below)) + math.fsum(total_caught))


def monte_carlo_race(q: float, z: int, trials: int, seed: int, give_up: int = 80) -> dict:
    """Simulate the attacker's race block by block, ``trials`` times at once (vectorised numpy).

    Phase 1: honest miners find z blocks; every new block is the attacker's with probability q,
    so the attacker's count is negative binomial.  Phase 2: from a deficit D = z − K the race is a
    random walk (−1 with probability q, +1 with p); success when D reaches 0.  An attacker who falls
    ``give_up`` blocks behind stops (his chance of returning, (q/p)^give_up, is below 1e-6 for q ≤ 0.45,
    the range of the paper's table and of the page).
    """
    check_race(q, z)
    require(isinstance(trials, (int, np.integer)) and 100 <= int(trials) <= 1_000_000, "blockchain_trials",
            "trials must be between 100 and 1000000", lo=100, hi=1_000_000)
    q, z, trials = float(q), int(z), int(trials)
    rng = np.random.default_rng(seed)
    p = 1.0 - q
    attacker_blocks = rng.negative_binomial(z, p, size=trials) if z > 0 else np.zeros(trials, dtype=np.int64)
    deficit = z - attacker_blocks
    success = deficit <= 0
    active = np.flatnonzero(~success)
    d = deficit[active].astype(np.int16)
    threshold = np.uint16(round(q * 65536))      # attacker finds the next block iff a 16-bit draw < q·2^16
    steps = 0
    while active.size and steps < 200_000:
        attacker = rng.integers(0, 65536, size=(active.size, 64), dtype=np.uint16) < threshold
        path = d[:, None] + np.cumsum(1 - 2 * attacker.astype(np.int16), axis=1, dtype=np.int16)
        reach_zero = path <= 0
        reach_cap = path >= give_up
        zero_any, cap_any = reach_zero.any(axis=1), reach_cap.any(axis=1)
        # when a path touches both barriers in this stretch, the earlier one decides
        first_zero = np.where(zero_any, np.argmax(reach_zero, axis=1), 1 << 14)
        first_cap = np.where(cap_any, np.argmax(reach_cap, axis=1), 1 << 14)
        hit = zero_any & (first_zero < first_cap)
        lost = cap_any & (first_cap < first_zero)
        success[active[hit]] = True
        keep = ~(hit | lost)
        active, d = active[keep], path[keep, -1]
        steps += 64
    wins = int(success.sum())
    rate = wins / trials
    half_width = 1.96 * math.sqrt(max(rate * (1 - rate), 1e-12) / trials)
    return {"q": q, "z": z, "trials": trials, "successes": wins, "rate": rate,
            "ci_low": max(0.0, rate - half_width), "ci_high": min(1.0, rate + half_width),
            "attacker_blocks": attacker_blocks}


# ================================================================ Bitcoin's monetary rules
COIN = 100_000_000                 # satoshi per bitcoin
INITIAL_SUBSIDY = 50 * COIN        # chainparams.cpp / validation.cpp GetBlockSubsidy
HALVING_INTERVAL = 210_000         # consensus.nSubsidyHalvingInterval
RETARGET_INTERVAL = 2016           # nPowTargetTimespan / nPowTargetSpacing = 14 days / 10 min
TARGET_SPACING = 600               # seconds
TARGET_TIMESPAN = RETARGET_INTERVAL * TARGET_SPACING


def block_subsidy(height: int) -> int:
    """New coins (satoshi) in the block at ``height``: 50 BTC shifted right once per 210 000 blocks,
    zero from the 64th halving on (``GetBlockSubsidy``)."""
    require(isinstance(height, (int, np.integer)) and int(height) >= 0, "blockchain_height",
            "block height must be a non-negative integer", height=height)
    halvings = int(height) // HALVING_INTERVAL
    return 0 if halvings >= 64 else INITIAL_SUBSIDY >> halvings


def supply_schedule() -> list[dict]:
    """One row per halving era until the subsidy reaches zero: era, first height, subsidy and the
    cumulative supply at the era's end (integer satoshi; the total is 20 999 999.9769 BTC)."""
    rows = []
    total = 0
    era = 0
    while True:
        subsidy = block_subsidy(era * HALVING_INTERVAL)
        if subsidy == 0:
            break
        total += subsidy * HALVING_INTERVAL
        rows.append({"era": era, "start_height": era * HALVING_INTERVAL, "subsidy_sat": subsidy,
                     "era_supply_sat": subsidy * HALVING_INTERVAL, "cumulative_sat": total,
                     "approx_year": 2009 + era * HALVING_INTERVAL * TARGET_SPACING / (365.25 * 86400)})
        era += 1
    return rows


def supply_at(height: int) -> int:
    """Coins in existence (satoshi) after blocks 0 … height−1 have been mined (the genesis output,
    unspendable in practice, is counted as the rule creates it)."""
    require(isinstance(height, (int, np.integer)) and int(height) >= 0, "blockchain_height",
            "block height must be a non-negative integer", height=height)
    total = 0
    remaining = int(height)
    era = 0
    while remaining > 0 and era < 64:
        blocks = min(remaining, HALVING_INTERVAL)
        total += blocks * (INITIAL_SUBSIDY >> era)
        remaining -= blocks
        era += 1
    return total


def retarget_simulation(hash_path: list[float], seed: int, random_times: bool = True) -> list[dict]:
    """Difficulty adjustment every 2016 blocks (``CalculateNextWorkRequired``):
        new difficulty = old · (2 weeks / actual time of the last 2016 blocks),
    the actual time clamped to [½ week, 8 weeks] (a factor of 4 either way).

    ``hash_path[e]`` is the network's hash power during epoch e, relative to the power that the
    starting difficulty was set for (1.0 = exactly 10 minutes a block).  With ``random_times``, an
    epoch's duration is the sum of 2016 exponential block times (a Gamma draw, seeded).
    """
    require(1 <= len(hash_path) <= 200, "blockchain_epochs", "1 to 200 epochs", lo=1, hi=200)
    require(all(0 < h <= 1000 for h in hash_path), "blockchain_hash_power", "hash power must be positive",
            lo=0, hi=1000)
    rng = np.random.default_rng(seed)
    difficulty = 1.0
    rows = []
    for epoch, power in enumerate(hash_path):
        mean_block = TARGET_SPACING * difficulty / power
        duration = rng.gamma(RETARGET_INTERVAL, mean_block) if random_times else RETARGET_INTERVAL * mean_block
        clamped = min(max(duration, TARGET_TIMESPAN / 4), TARGET_TIMESPAN * 4)
        rows.append({"epoch": epoch + 1, "hash_power": power, "difficulty": difficulty,
                     "mean_block_minutes": duration / RETARGET_INTERVAL / 60, "epoch_days": duration / 86400,
                     "next_difficulty": difficulty * TARGET_TIMESPAN / clamped, "clamped": clamped != duration})
        difficulty = difficulty * TARGET_TIMESPAN / clamped
    return rows


def hash_power_path(epochs: int, change_epoch: int, factor: float) -> list[float]:
    """Hash power 1.0 until ``change_epoch``, then multiplied by ``factor`` (miners join if > 1, leave if < 1)."""
    require(2 <= epochs <= 200, "blockchain_epochs", "2 to 200 epochs", lo=2, hi=200)
    require(0 < factor <= 100, "blockchain_hash_power", "the change factor must be positive", lo=0, hi=100)
    return [1.0 if e < change_epoch else float(factor) for e in range(epochs)]

