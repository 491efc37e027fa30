"""The blockchain page's shared work and its charts (pages/4_blockchain.py).

Defined here rather than in the page: a page script runs again on every rerun, and each cached function
or ``@figure`` builder it defines is re-created there (Streamlit re-reads its source for the cache key);
this module is imported once.

- Cached work, keyed by the lesson's inputs (seed, sliders, texts). ``cache_data`` hands every visitor
  their own copy (the chain is edited per visitor); ``cache_resource`` objects are shared by all
  visitors and only ever read.  A private key or message a student types is memoised in that student's
  session only (``ui.secrets.session_memo``), never in a cache another visitor could hit or time.
- Charts: ``@figure`` builders, built once per (inputs, language, presenter mode) and shared read-only.
  A builder takes the few numbers and strings that say what its chart shows (hashing a long tuple costs
  more than a lookup saves) and takes its data from the cached work and its labels from ``translator()``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import blockchain as bc
from core import consensus as cs
from core import crypto
from core.trace import Step, Trace
from ui.frame import lang, presenter, translator
from ui.i18n import Translator
from ui.secrets import session_memo
from ui.widgets import OKABE_ITO, figure

# Okabe & Ito colours by name (the shared palette's order may change; these names must not)
BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"
MERKLE_NAMES = ["Alice", "Bob", "Carol", "Dave", "Eve"]


def short(h: str, n: int = 8) -> str:
    """First ``n`` characters of a hash followed by an ellipsis."""
    return f"{h[:n]}…" if len(h) > n else h


def step_index(trace: Trace, step: Step) -> int:
    """Position of ``step`` in ``trace`` (a step player hands its draw function the step itself)."""
    return next(i for i, s in enumerate(trace.steps) if s is step)


# =========================================================================== cached work
@st.cache_data(max_entries=32, show_spinner=False)
def cached_chain(datas: tuple, difficulty: int):
    return bc.build_chain(list(datas), difficulty)   # 5–8 blocks × difficulty 1–4; up to a second each


HASH_TEXT = "Hello, blockchain"      # the hash tab's own text (pages/4_blockchain.py), shared by everyone


@st.cache_resource(max_entries=32, show_spinner=False)
def _shared_avalanche(text: str, trials: int, seed: int) -> np.ndarray:
    return bc.avalanche_sample(text, trials, seed)


@session_memo(max_entries=4)
def _own_avalanche(text: str, trials: int, seed: int) -> np.ndarray:
    return bc.avalanche_sample(text, trials, seed)


def cached_avalanche(text: str, trials: int, seed: int) -> np.ndarray:
    """One-character edits of ``text``: shared for the lesson's text, kept in the session for a typed one
    (what a student types never sits in a cache another visitor could hit or time)."""
    return (_shared_avalanche if text == HASH_TEXT else _own_avalanche)(text, trials, seed)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_lottery(difficulty: int, rounds: int, seed: int) -> np.ndarray:
    return bc.mining_lottery(difficulty, rounds, seed)


@st.cache_resource(max_entries=64, show_spinner=True)
def cached_race(q: float, z: int, trials: int, seed: int) -> dict:
    return cs.monte_carlo_race(q, z, trials, seed)


@st.cache_resource(max_entries=64, show_spinner=False)
def race_curves(q: float, z: int) -> dict:
    """Nakamoto's formula and the exact race for z = 0 … max(z, 12), and the confirmations for < 0.1 %
    (up to 340 sums at q = 0.45: too slow to redo on every rerun)."""
    zs = np.arange(0, max(z, 12) + 1)
    return {"zs": zs, "formula": [bc.attacker_success_probability(q, int(k)) for k in zs],
            "exact": [cs.exact_race_probability(q, int(k)) for k in zs],
            "p_formula": bc.attacker_success_probability(q, z), "p_exact": cs.exact_race_probability(q, z),
            "need": bc.min_confirmations(q), "need_exact": exact_min_confirmations(q)}


def exact_min_confirmations(q: float, risk: float = 0.001) -> int:
    """Smallest z whose exact race probability is below ``risk`` (q = 0.1 → 6, q = 0.3 → 32; Nakamoto's
    Poisson approximation gives 5 and 24: it undercounts the risk)."""
    z = 0
    while cs.exact_race_probability(q, z) >= risk:
        z += 1
    return z


@st.cache_resource(max_entries=1, show_spinner=False)
def cached_table() -> dict:
    return bc.nakamoto_table()


# Nakamoto (2008) §11 as printed: q = 0.1 for z = 0 … 10, q = 0.3 for z = 0, 5 … 50, and the z that brings
# the attacker's chance below 0.1 % for q = 0.10, 0.15 … 0.45
PAPER_Q10 = [1.0, 0.2045873, 0.0509779, 0.0131722, 0.0034552, 0.0009137, 0.0002428, 0.0000647, 0.0000173, 0.0000046,
             0.0000012]
PAPER_Q30 = [1.0, 0.1773523, 0.0416605, 0.0101008, 0.0024804, 0.0006132, 0.0001522, 0.0000379, 0.0000095, 0.0000024,
             0.0000006]
PAPER_SOLVE = [5, 8, 11, 15, 24, 41, 89, 340]


@st.cache_resource(max_entries=2, show_spinner=False)
def paper_tables(language: str) -> dict:
    """The paper's three tables beside the values recomputed here, and whether every value matches."""
    T = Translator(language)
    table = cached_table()
    paper, here = T("blockchain.net.col_paper"), T("blockchain.net.col_here")
    same = all(round(p, 7) == r for (_, p), r in zip(table["q10"] + table["q30"], PAPER_Q10 + PAPER_Q30)) and \
        [z_ for _, z_ in table["solve"]] == PAPER_SOLVE
    return {"q10": pd.DataFrame({"z": [z_ for z_, _ in table["q10"]], paper: PAPER_Q10,
                                 here: [round(p, 7) for _, p in table["q10"]]}),
            "q30": pd.DataFrame({"z": [z_ for z_, _ in table["q30"]], paper: PAPER_Q30,
                                 here: [round(p, 7) for _, p in table["q30"]]}),
            "solve": pd.DataFrame({"q": [q_ for q_, _ in table["solve"]], paper: PAPER_SOLVE,
                                   here: [z_ for _, z_ in table["solve"]]}),
            "same": same}


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_csv(name: str) -> pd.DataFrame:
    return bc.load_table(name)        # every use selects or copies


@st.cache_resource(max_entries=64, show_spinner=False)
def network_trace(n_peers: int, seed: int) -> Trace:
    return cs.network_trace(n_peers, seed)


@st.cache_resource(max_entries=64, show_spinner=False)
def peer_votes(datas: tuple, difficulty: int, n_peers: int, bad_peer: int, bad_block: int, remine: bool) -> list:
    """Every peer's copy of the chain, one tampered with (and re-mined if asked), put to the vote."""
    base, _ = cached_chain(datas, difficulty)
    copies = [list(base) for _ in range(n_peers)]
    copies[bad_peer - 1] = cs.tamper_copy(base, bad_block - 1, base[bad_block - 1].data + " ×10", difficulty, remine)
    return cs.majority_vote(copies, difficulty)


def merkle_texts(n_tx: int) -> list[str]:
    """The lesson's ``n_tx`` transactions."""
    names = MERKLE_NAMES
    return [f"{names[i % 5]} → {names[(i + 2) % 5]} {i + 1} BTC" for i in range(n_tx)]


def merkle_default_edit(n_tx: int, edit_i: int) -> str:
    """The edit the Merkle tab proposes: one more zero in the transaction's amount."""
    return merkle_texts(n_tx)[edit_i].replace(" BTC", "0 BTC")


def merkle_edit(n_tx: int, edit_i: int, new_text: str) -> dict:
    """The tree before and after the edit: shared for the proposed edit, kept in the session for a typed one."""
    if new_text == merkle_default_edit(n_tx, edit_i):
        return _shared_merkle_edit(n_tx, edit_i, new_text)
    return _own_merkle_edit(n_tx, edit_i, new_text)


@session_memo(max_entries=4)
def _own_merkle_edit(n_tx: int, edit_i: int, new_text: str) -> dict:
    return _merkle_edit(n_tx, edit_i, new_text)


@st.cache_resource(max_entries=64, show_spinner=False)
def _shared_merkle_edit(n_tx: int, edit_i: int, new_text: str) -> dict:
    return _merkle_edit(n_tx, edit_i, new_text)


def _merkle_edit(n_tx: int, edit_i: int, new_text: str) -> dict:
    """The tree of the lesson's transactions and the tree after transaction ``edit_i`` became ``new_text``."""
    txs = merkle_texts(n_tx)
    edited = list(txs)
    edited[edit_i] = new_text
    ids = [bc.toy_txid(t) for t in txs]
    ids_new = [bc.toy_txid(t) for t in edited]
    levels_old = bc.merkle_levels(ids)
    levels_new = bc.merkle_levels(ids_new)
    changed = {(lv, i) for lv, (a, b) in enumerate(zip(levels_old, levels_new)) for i, (x, y) in enumerate(zip(a, b))
               if x != y}
    return {"txs": txs, "edited": edited, "ids": ids, "ids_new": ids_new, "levels_old": levels_old,
            "levels_new": levels_new, "changed": changed}


@st.cache_resource(max_entries=64, show_spinner=False)
def merkle_proof_check(n_tx: int, prove_i: int) -> dict:
    """The proof that transaction ``prove_i`` is in the lesson's tree, and its check against the root."""
    ids = [bc.toy_txid(t) for t in merkle_texts(n_tx)]
    proof = bc.merkle_proof(ids, prove_i)
    ok, path = bc.verify_merkle_proof(ids[prove_i], proof, bc.merkle_root(ids))
    return {"proof": proof, "ok": ok, "path": path}


@st.cache_resource(max_entries=64, show_spinner=False)
def merkle_proof_trace(n_tx: int, prove_i: int) -> Trace:
    return bc.merkle_proof_trace([bc.toy_txid(t) for t in merkle_texts(n_tx)], prove_i)


@st.cache_resource(max_entries=1, show_spinner=False)
def block_100000() -> dict:
    """Block 100000's transactions, their Merkle root recomputed here and the root in its header."""
    real = cached_csv("bitcoin_block100000_txids")
    header = cached_csv("bitcoin_headers").set_index("height").loc["100000", "header_hex"]
    return {"txids": real[["position", "txid", "role"]], "root": bc.merkle_root(list(real["txid"])),
            "in_header": bc.parse_header(header)["merkle_root"], "source": real["source"].iloc[0]}


@st.cache_resource(max_entries=1, show_spinner=False)
def header_presets() -> dict:
    """The published headers by height (the genesis block's rebuilt from its fields), with their names."""
    headers = cached_csv("bitcoin_headers")
    genesis_hex = bc.serialize_header(1, "0" * 64, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
                                      1231006505, 0x1D00FFFF, 2083236893).hex()
    return {"hex": {row["height"]: (row["header_hex"] or genesis_hex) for _, row in headers.iterrows()},
            "name": {code: dict(zip(headers["height"], headers[f"name_{code}"])) for code in ("zh", "en")},
            "known": {row["block_hash"]: {"zh": row["name_zh"], "en": row["name_en"], "source": row["source"]}
                      for _, row in headers.iterrows()}}


def known_header(block_hash: str) -> dict | None:
    """The published header with this hash (its name in the reader's language and its source), if any."""
    row = header_presets()["known"].get(block_hash)
    return None if row is None else {"name": row[lang()], "source": row["source"]}


# a typed private key or message never enters a cache shared by every visitor (ui/secrets.py)
@session_memo(max_entries=8)
def address_steps(k: int) -> tuple[list, list]:
    """Private key → address, uncompressed and compressed."""
    return bc.address_steps(k, compressed=False), bc.address_steps(k, compressed=True)


@session_memo(max_entries=8)
def signature_check(k: int, message: str, checked: str, which: str) -> dict:
    """Sign ``message`` with ``k`` (RFC 6979: the same signature every time) and verify it against
    ``checked`` with the signer's public key ("own") or the next key's ("other")."""
    signature = crypto.sign(k, message.encode("utf-8"))
    r, s = crypto.signature_rs(signature)
    other = k + 1 if k + 1 < crypto.SECP256K1_N else 1
    pub = crypto.public_key(k if which == "own" else other)
    twin = crypto.high_s_twin(signature)
    return {"signature": signature, "r": r, "s": s, "valid": crypto.verify(pub, checked.encode("utf-8"), signature),
            "twin_s": crypto.signature_rs(twin)[1],
            "twin_valid": crypto.verify(crypto.public_key(k), message.encode("utf-8"), twin)}


@st.cache_resource(max_entries=1, show_spinner=False)
def real_edit_odds() -> dict:
    """One in how many random edits of a real Bitcoin header still meets its target, 1 / p with
    p = (target + 1) / 2^256: the genesis block's (the easiest target Bitcoin allows, bits 0x1d00ffff)
    and block 100000's (from its published header)."""
    header = cached_csv("bitcoin_headers").set_index("height").loc["100000", "header_hex"]
    bits = bc.parse_header(header)["bits"]
    return {"genesis": 1 / bc.chance_edit_meets(bc.bits_to_target(0x1D00FFFF)),
            "b100k": 1 / bc.chance_edit_meets(bc.bits_to_target(bits))}


@st.cache_resource(max_entries=1, show_spinner=False)
def supply_table() -> pd.DataFrame:
    return pd.DataFrame(cs.supply_schedule())


@st.cache_resource(max_entries=64, show_spinner=False)
def retarget(epochs: int, change_at: int, factor: float, seed: int) -> pd.DataFrame:
    return pd.DataFrame(cs.retarget_simulation(cs.hash_power_path(epochs, change_at - 1, factor), seed))


# =========================================================================== charts
#: a horizontal legend above the plot area (anchored by its bottom, so a larger presenter font grows it upwards,
#: never into the bars or the top tick label) or below a chart without axes
TOP_LEGEND = dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0)
BOTTOM_LEGEND = dict(orientation="h", yanchor="top", y=-0.02, xanchor="left", x=0)


@figure
def bit_grid_figure(bits: str) -> go.Figure:
    """256 bits (a string of 0 and 1) as a 16 × 16 grid: flipped bits in vermillion, unchanged in pale grey."""
    T = translator()
    flips = [int(b) for b in bits]
    changed_label, same_label = T("blockchain.hash.flipped"), T("blockchain.hash.same")
    z = [flips[r * 16:(r + 1) * 16] for r in range(16)]
    text = [[changed_label if v else same_label for v in row] for row in z]
    fig = go.Figure(go.Heatmap(z=z, text=text, hovertemplate="bit %{x}+16·%{y}: %{text}<extra></extra>",
                               colorscale=[[0, "#E8ECF0"], [1, RED]], zmin=0, zmax=1, showscale=False,
                               xgap=2, ygap=2))
    fig.update_layout(title=T("blockchain.hash.grid_title"), height=360,
                      yaxis=dict(autorange="reversed", showticklabels=False, showgrid=False, zeroline=False),
                      xaxis=dict(showticklabels=False, scaleanchor="y", showgrid=False, zeroline=False))
    return fig


def avalanche_chart(text: str, trials: int, seed: int) -> go.Figure:
    """The avalanche histogram: the shared figure for the lesson's text, a session-kept one for a typed text."""
    if text == HASH_TEXT:
        return avalanche_figure(text, trials, seed)
    return _own_figure(avalanche_figure.__wrapped__, text, trials, seed, lang(), presenter())


def merkle_changed_chart(n_tx: int, edit_i: int, new_text: str, height: int = 420) -> go.Figure:
    """The edited tree: the shared figure for the proposed edit, a session-kept one for a typed text."""
    if new_text == merkle_default_edit(n_tx, edit_i):
        return merkle_changed_figure(n_tx, edit_i, new_text, height=height)
    return _own_figure(merkle_changed_figure.__wrapped__, n_tx, edit_i, new_text, height, lang(), presenter())


@session_memo(max_entries=4)
def _own_figure(build, *args) -> go.Figure:
    """A figure of typed text, built for this session (its last two arguments, language and presenter mode,
    are part of the memo's key only)."""
    return build(*args[:-2])


@figure
def avalanche_figure(text: str, trials: int, seed: int) -> go.Figure:
    """Flipped bits of ``trials`` one-character edits of ``text`` against Binomial(256, ½)."""
    T = translator()
    counts = cached_avalanche(text, trials, seed)
    ks = np.arange(96, 161)
    fig = go.Figure(go.Histogram(x=counts, xbins=dict(start=95.5, end=160.5, size=1), histnorm="probability",
                                 name=T("blockchain.hash.observed")))
    fig.add_trace(go.Scatter(x=ks, y=bc.binomial_pmf(256, 0.5, ks), mode="lines", name=T("blockchain.hash.binomial")))
    fig.update_layout(height=300, xaxis_title=T("blockchain.hash.bits_axis"), yaxis_title=T("blockchain.share_axis"),
                      legend=TOP_LEGEND)
    return fig


@figure
def lottery_figure(difficulty: int, rounds: int, seed: int) -> go.Figure:
    """Tries per mined block over ``rounds`` rounds against the geometric distribution."""
    T = translator()
    tries_hist = cached_lottery(difficulty, rounds, seed)
    p_hit = 1.0 / bc.expected_tries(difficulty)
    fig = go.Figure(go.Histogram(x=tries_hist, nbinsx=30, histnorm="probability", name=T("blockchain.mining.observed")))
    grid = np.linspace(0, max(tries_hist.max(), 1), 30 + 1)
    fig.add_trace(go.Scatter(x=(grid[:-1] + grid[1:]) / 2,
                             y=bc.geometric_cdf(p_hit, grid[1:]) - bc.geometric_cdf(p_hit, grid[:-1]),
                             mode="lines+markers", name=T("blockchain.mining.geometric")))
    fig.add_vline(x=1 / p_hit, line_dash="dash", annotation_text=T("blockchain.mining.mean_line", mean=int(1 / p_hit)))
    fig.update_layout(height=320, xaxis_title=T("blockchain.mining.tries_axis"), yaxis_title=T("blockchain.share_axis"),
                      legend=TOP_LEGEND, bargap=0.05)
    return fig


@figure
def network_figure(n_peers: int, seed: int, index: int, height: int = 420) -> go.Figure:
    """Step ``index`` of the network replay: peers on a circle, each coloured by the tip of its chain,
    relaying edges highlighted."""
    T = translator()
    branch_names = {"main": T("blockchain.net.branch_main"), "A": T("blockchain.net.branch_a"),
                    "B": T("blockchain.net.branch_b")}
    state = network_trace(n_peers, seed)[index].state
    graph = state["graph"]
    xs, ys = graph["x"], graph["y"]
    fig = go.Figure()
    hot = {tuple(sorted(e)) for e in state.get("edges", [])}
    for on in (False, True):  # one trace per edge style: few traces keep the figure fast to build
        ex, ey = [], []
        for a, b in graph["edges"]:
            if (tuple(sorted((a, b))) in hot) == on:
                ex += [xs[a], xs[b], None]
                ey += [ys[a], ys[b], None]
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color=ORANGE if on else "rgba(128,128,128,.45)", width=5 if on else 1.5)))
    colours = {"A": SKY, "B": PINK}
    tips = [c[-1] for c in state["chains"]]
    groups: dict[str, list[int]] = {}
    for i, tip in enumerate(tips):
        branch = tip[-1] if tip[-1] in "AB" else "main"
        groups.setdefault(branch, []).append(i)
    for branch, members in sorted(groups.items()):
        fig.add_trace(go.Scatter(
            x=[xs[i] for i in members], y=[ys[i] for i in members], mode="markers+text",
            marker=dict(size=[54 if i in state.get("active", []) else 42 for i in members],
                        color=colours.get(branch, GREEN), line=dict(width=[4 if i in state.get("active", []) else 1
                                                                           for i in members], color="#10161D")),
            text=[f"P{i + 1}" for i in members], textfont=dict(color="white", size=16),
            customdata=["→".join(state["chains"][i]) for i in members],
            hovertemplate="%{text}: %{customdata}<extra></extra>", name=branch_names.get(branch, branch)))
        for i in members:
            fig.add_annotation(x=xs[i] * 1.36, y=ys[i] * 1.28, text="‑".join(state["chains"][i][-3:]),
                               showarrow=False, font=dict(size=15))
    fig.update_layout(height=height, xaxis=dict(visible=False, range=[-1.7, 1.7]),
                      yaxis=dict(visible=False, range=[-1.5, 1.5], scaleanchor="x"),
                      legend=BOTTOM_LEGEND)
    return fig


@figure
def race_figure(q: float, z: int, trials: int, seed: int) -> go.Figure:
    """The attacker's chance against z: Nakamoto's formula, the exact race and this run's Monte Carlo."""
    T = translator()
    curves, mc = race_curves(q, z), cached_race(q, z, trials, seed)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=curves["zs"], y=curves["formula"], mode="lines+markers", name=T("blockchain.net.p_formula")))
    fig.add_trace(go.Scatter(x=curves["zs"], y=curves["exact"], mode="lines", line=dict(dash="dash"),
                             name=T("blockchain.net.p_exact")))
    fig.add_trace(go.Scatter(x=[z], y=[max(mc["rate"], 1e-7)], mode="markers", marker=dict(size=14, symbol="x"),
                             error_y=dict(type="data", symmetric=False, array=[mc["ci_high"] - mc["rate"]],
                                          arrayminus=[mc["rate"] - mc["ci_low"]]),
                             name=T("blockchain.net.p_mc")))
    fig.update_layout(height=360, yaxis=dict(type="log", dtick=1, exponentformat="power"),
                      yaxis_title=T("blockchain.net.p_axis"), xaxis_title=T("blockchain.net.z_axis"),
                      legend=TOP_LEGEND)
    return fig


def _merkle(levels: list[list[str]], changed: set, path: set, siblings: set, labels: list[str],
            height: int) -> go.Figure:
    """The tree leaves at the bottom, root on top; node (level, index) highlighted by role."""
    T = translator()
    names = {role: T(f"blockchain.merkle.role_{role}") for role in ("changed", "path", "sibling", "plain")}
    fig = go.Figure()
    depth = len(levels)
    pos = {}
    for lv, level in enumerate(levels):
        width = len(levels[0])
        count = len(level)
        for i in range(count):
            span = width / count
            pos[(lv, i)] = ((i + 0.5) * span, lv)
    lines = {False: ([], []), True: ([], [])}   # solid edges, dotted edges to a duplicated last hash
    for lv in range(1, depth):
        prev = levels[lv - 1]
        for i in range(len(levels[lv])):
            for child in (2 * i, 2 * i + 1):
                c = child if child < len(prev) else len(prev) - 1
                xs_, ys_ = lines[child >= len(prev)]
                xs_ += [pos[(lv - 1, c)][0], pos[(lv, i)][0], None]
                ys_ += [lv - 1, lv, None]
    for dashed, (xs_, ys_) in lines.items():
        if xs_:
            fig.add_trace(go.Scatter(x=xs_, y=ys_, mode="lines", hoverinfo="skip", showlegend=False,
                                     line=dict(color="rgba(128,128,128,.55)", width=1.5,
                                               dash="dot" if dashed else "solid")))
    roles = {"changed": RED, "path": ORANGE, "sibling": BLUE, "plain": GREY}
    buckets: dict[str, list] = {r: [] for r in roles}
    for (lv, i), (x, y) in pos.items():
        node = (lv, i)
        role = "changed" if node in changed else "path" if node in path else "sibling" if node in siblings else "plain"
        buckets[role].append((x, y, levels[lv][i], labels[i] if lv == 0 and i < len(labels) else ""))
    for role, items in buckets.items():
        if not items:
            continue
        fig.add_trace(go.Scatter(
            x=[t[0] for t in items], y=[t[1] for t in items], mode="markers+text", name=names[role],
            marker=dict(size=22, color=roles[role], symbol="square", line=dict(width=1, color="#10161D")),
            text=[t[2][:6] for t in items], textposition="top center", textfont=dict(size=12),
            customdata=[[t[2], t[3]] for t in items],
            hovertemplate="%{customdata[1]}<br>%{customdata[0]}<extra></extra>"))
    fig.update_layout(height=height, xaxis=dict(visible=False), showlegend=True,
                      yaxis=dict(visible=False, range=[-0.5, depth - 0.4]),
                      legend=BOTTOM_LEGEND)
    return fig


@figure
def merkle_changed_figure(n_tx: int, edit_i: int, new_text: str, height: int = 420) -> go.Figure:
    """The tree after transaction ``edit_i`` became ``new_text``: the hashes that changed in red."""
    work = merkle_edit(n_tx, edit_i, new_text)
    return _merkle(work["levels_new"], work["changed"], set(), set(),
                   [f"tx{i}: {t}" for i, t in enumerate(work["edited"])], height)


@figure
def merkle_proof_figure(n_tx: int, prove_i: int, index: int, height: int = 360) -> go.Figure:
    """Step ``index`` of the proof that transaction ``prove_i`` is in the tree: path and siblings."""
    state = merkle_proof_trace(n_tx, prove_i)[index].state
    txs = merkle_texts(n_tx)
    return _merkle(bc.merkle_levels([bc.toy_txid(t) for t in txs]), set(), set(state["path"]), set(state["siblings"]),
                   [f"tx{i}: {t}" for i, t in enumerate(txs)], height)


@figure
def balance_figure(names: tuple, balances: tuple, spendable: tuple) -> go.Figure:
    """Each wallet's balance and what it can spend now (satoshi in, BTC shown)."""
    T = translator()
    bal = go.Figure(go.Bar(x=list(names), y=[b / cs.COIN for b in balances], name=T("blockchain.wallets.col_balance")))
    bal.add_trace(go.Bar(x=list(names), y=[s / cs.COIN for s in spendable], name=T("blockchain.wallets.col_spendable")))
    bal.update_layout(height=260, yaxis_title="BTC", barmode="group", legend=TOP_LEGEND)
    return bal


@figure
def header_bytes_figure(fields: tuple) -> go.Figure:
    """The 80 header bytes as one bar split by field (4 + 32 + 32 + 4 + 4 + 4); ``fields`` are (name, hex)."""
    T = translator()
    labels = {n: T(f"blockchain.btc.field.{n}") for n in bc.HEADER_FIELDS}
    fig = go.Figure()
    for colour, (name, hex_bytes) in zip(OKABE_ITO, fields):
        size = len(hex_bytes) // 2
        # only the two 32-byte fields are wide enough for their name inside the bar (a 4-byte field's name would
        # be squeezed to unreadable glyphs on a phone): every field is named, with its size, in the legend
        fig.add_trace(go.Bar(x=[size], y=[""], orientation="h", name=f"{labels[name]} ({size} B)",
                             marker_color=colour, text=[labels[name] if size >= 32 else ""], textposition="inside",
                             insidetextanchor="middle",
                             hovertemplate=f"{labels[name]}: {size} B<br>{hex_bytes[:32]}…<extra></extra>"))
    # the legend at the figure's bottom edge, below the byte axis: on a phone it wraps to three rows there
    fig.update_layout(barmode="stack", height=300, xaxis=dict(range=[0, 80], dtick=8, title=T("blockchain.btc.byte_axis")),
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, xanchor="left", x=0,
                                  traceorder="normal"), showlegend=True)
    return fig


@figure
def supply_figure() -> go.Figure:
    """Coins in existence by year (line) and the block subsidy of each halving era (bars, log scale)."""
    T = translator()
    schedule = supply_table()
    era_years = cs.HALVING_INTERVAL * cs.TARGET_SPACING / (365.25 * 86400)
    fig = go.Figure(go.Scatter(x=[2009.0] + list(schedule["approx_year"] + era_years),
                               y=[0.0] + list(schedule["cumulative_sat"] / cs.COIN / 1e6),
                               mode="lines+markers", name=T("blockchain.econ.supply")))
    fig.add_trace(go.Bar(x=schedule["approx_year"] + era_years / 2, y=schedule["subsidy_sat"] / cs.COIN, yaxis="y2",
                         opacity=0.45, width=era_years * 0.9, name=T("blockchain.econ.subsidy")))
    fig.update_layout(height=360, xaxis_title=T("blockchain.econ.year_axis"),
                      yaxis=dict(title=T("blockchain.econ.supply_axis"), range=[0, 22.5]),
                      yaxis2=dict(title=T("blockchain.econ.subsidy_axis"), overlaying="y", side="right", type="log",
                                  dtick=2, exponentformat="power", showgrid=False),
                      legend=TOP_LEGEND)
    return fig


@figure
def retarget_figure(epochs: int, change_at: int, factor: float, seed: int) -> go.Figure:
    """Mean block time and difficulty per epoch when the hash power changes by ``factor``."""
    T = translator()
    sim = retarget(epochs, change_at, factor, seed)
    fig = go.Figure(go.Scatter(x=sim["epoch"], y=sim["mean_block_minutes"], mode="lines+markers",
                               name=T("blockchain.econ.block_time")))
    fig.add_trace(go.Scatter(x=sim["epoch"], y=sim["difficulty"], mode="lines+markers", yaxis="y2",
                             name=T("blockchain.econ.difficulty")))
    fig.add_hline(y=10, line_dash="dot", annotation_text=T("blockchain.econ.ten_minutes"))
    fig.update_layout(height=340, xaxis_title=T("blockchain.econ.epoch_axis"),
                      yaxis=dict(title=T("blockchain.econ.minutes_axis"), rangemode="tozero"),
                      yaxis2=dict(title=T("blockchain.econ.difficulty"), overlaying="y", side="right",
                                  tickformat=".2f", showgrid=False, rangemode="tozero"),
                      legend=TOP_LEGEND)
    return fig

