"""Chapters 5–6 · Virtual currency and blockchain: hash → block → chain → network → Merkle tree →
keys → transactions → real Bitcoin → economics.  Every number is computed by core in this run."""
import time
from contextlib import contextmanager
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import streamlit as st

import ui
from core import blockchain as bc
from core import consensus as cs
from core import utxo
from core.errors import InputError
from ui import draw_blockchain as draw
from ui.check import chapter_check
from ui.draw_blockchain import cached_avalanche, cached_chain, cached_csv, cached_lottery, cached_race

T = ui.frame("blockchain")
ui.header("blockchain")

# the page's one seed, above the tabs: every section reads it (a link with ?seed= replays a lesson)
seed_col, _ = st.columns([1, 3])
seed = int(seed_col.number_input(T("blockchain.seed"), 0, 9999, 42, key="seed", help=T("blockchain.seed_help"),
                                 **ui.BIND))
DEFAULT_DATA = ["Genesis", "Alice → Bob 5", "Bob → Carol 2", "Carol → Dave 1", "Dave → Eve 3",
                "Eve → Alice 4", "Alice → Carol 1", "Bob → Dave 2"]
CHUNK = 20_000          # nonces per chunk of the miner
TICK_BUDGET = 0.15      # seconds of mining per tick: the rest of the time the server serves everyone else
TICK_EVERY = 0.25       # seconds between ticks while a search runs


def utc(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def btc(sat: int) -> str:
    return f"{sat / cs.COIN:,.8f}".rstrip("0").rstrip(".") + " BTC"


@contextmanager
def named(label: str):
    """Name the input in core's error message by its label on screen (core only knows an English name)."""
    try:
        yield
    except InputError as exc:
        if "what" in exc.params:
            exc.params["what"] = label
        raise


def caught(text: str) -> None:
    """A tamper or a forgery caught is the lesson working, not an app error: a warning with a stop sign."""
    st.warning(text, icon="🛑")


#: refusals that are the lesson working (the network keeps its rules), not bad input
REFUSALS = {"blockchain_double_spend", "blockchain_overspend"}


@contextmanager
def refused():
    """A double spend or an overspend refused: its reason as a stop-sign warning; the earlier success's message
    goes, so no earlier payment stays on screen as if it were this one.  Other errors go on to ``ui.guard``."""
    try:
        yield
    except InputError as exc:
        if exc.key not in REFUSALS:
            raise
        caught(T(f"errors.{exc.key}", **exc.params))
        st.session_state["bc_wallet_msg"] = ("blockchain.wallets.msg_refused", {})


def intro(key: str) -> None:
    """A tab's explanation; in presenter mode it folds away so the projected screen stays short."""
    ui.explain(T(key), T("blockchain.explanation"))


# Work is paid once for the whole class: results are cached by their inputs (bounded caches) and each chart is
# built once per input and language, in ui/draw_blockchain.py (imported once, not re-created on every rerun).
def download(df: pd.DataFrame, name: str) -> None:
    ui.download_csv(df, f"blockchain-{name}.csv", key=f"bc_dl_{name}", label=T(f"blockchain.download.{name}"))

# =========================================================================== 1. hash
def hash_section() -> None:
    st.subheader(T("blockchain.hash.heading"))
    intro("blockchain.hash.intro")
    c1, c2 = st.columns(2)
    text_a = c1.text_input(T("blockchain.hash.text_a"), draw.HASH_TEXT, max_chars=500, key="bc_hash_a",
                           persist_state="page", help=T("blockchain.hash.text_help"))
    text_b = c2.text_input(T("blockchain.hash.text_b"), "Hello, blockchain!", max_chars=500, key="bc_hash_b",
                           persist_state="page", help=T("blockchain.hash.text_help"))
    result = bc.avalanche(text_a, text_b)
    c1.code(result["hash_a"], language=None, wrap_lines=True)
    c2.code(result["hash_b"], language=None, wrap_lines=True)
    m1, m2, m3 = st.columns(3)
    m1.metric(T("blockchain.hash.bits_flipped"), f"{result['count']} / 256")
    m2.metric(T("blockchain.hash.share"), ui.pct(result["count"] / 256))
    m3.metric(T("blockchain.hash.hex_changed"), f"{result['hex_changed']} / 64")
    left, right = st.columns([1, 1.2])
    with left:
        ui.chart(draw.bit_grid_figure("".join(map(str, result["flips"]))), key="bc_bit_grid")
    with right:
        trials = st.slider(T("blockchain.hash.trials"), 50, 2000, 300, step=50, key="bc_hash_trials",
                           persist_state="page", help=T("blockchain.hash.trials_help"))
        counts = cached_avalanche(text_a, trials, seed)
        ui.chart(draw.avalanche_chart(text_a, trials, seed), key="bc_avalanche_hist")
    ui.what_happened(T("blockchain.hash.happened", count=result["count"], share=result["count"] / 256,
                       trials=trials, mean=float(counts.mean()), sd=float(counts.std()),
                       lo=int(counts.min()), hi=int(counts.max())))
    ui.takeaway(T("blockchain.hash.takeaway"))

# =========================================================================== 2. block and mining
def mining() -> None:
    st.subheader(T("blockchain.mining.heading"))
    intro("blockchain.mining.intro")
    c1, c2, c3 = st.columns([1, 2, 1])
    number = c1.number_input(T("blockchain.mining.number"), 1, 1_000_000, 1, key="bc_mine_number",
                             persist_state="page", help=T("blockchain.mining.number_help"))
    data = c2.text_input(T("blockchain.mining.data"), "Alice → Bob 10", max_chars=200, key="bc_mine_data",
                         persist_state="page", help=T("blockchain.mining.data_help"))
    difficulty = c3.slider(T("blockchain.mining.difficulty"), 1, 6, 4, key="diff",
                           help=T("blockchain.mining.difficulty_help"), **ui.BIND)
    prev_text = st.text_input(T("blockchain.mining.prev"), "0" * 64, max_chars=66, key="bc_mine_prev",
                              persist_state="page", help=T("blockchain.mining.prev_help"))
    prev_ok = None
    with ui.guard():
        prev_ok = bc.check_hex(prev_text, 64, T("blockchain.mining.prev"))
    if prev_ok is not None:
        block = bc.Block(int(number), bc.CHAIN_START_TIME, data, prev_ok)
        prefix = block.prefix()
        job = st.session_state.get("bc_job")
        if job and (job["prefix"] != prefix or job["difficulty"] != difficulty):
            job = None
            st.session_state.pop("bc_job", None)
        b1, b2, b3 = st.columns(3)
        b1.markdown(f"{T('blockchain.mining.timestamp')}  \n🕒 `{utc(block.timestamp)}`")
        b2.metric(T("blockchain.mining.expected"), ui.num(bc.expected_tries(difficulty)))
        b3.metric(T("blockchain.mining.target"), "0" * difficulty + "…")

        # Mining runs as a timed fragment: each tick mines for at most TICK_BUDGET seconds, shows the
        # counters and returns, so a click on Stop is handled between two ticks (a click inside a
        # fragment never interrupts a running fragment).  Starting or ending a search reruns the app
        # once, to switch the timer on or off.
        running = bool(job and job["running"])

        @st.fragment(run_every=TICK_EVERY if running else None)
        def mining_panel():
            job = st.session_state.get("bc_job")
            if job and job["prefix"] != prefix:
                job = None
            col_go, col_stop = st.columns(2)
            start = col_go.button(f"⛏️ {T('blockchain.mining.mine')}", key="bc_mine_go", type="primary",
                                  width="stretch", help=T("blockchain.mining.mine_help"),
                                  disabled=bool(job and job["running"]))
            stop = col_stop.button(f"⏹️ {T('blockchain.mining.stop')}", key="bc_mine_stop", width="stretch",
                                   help=T("blockchain.mining.stop_help"), disabled=not (job and job["running"]))
            if start and not (job and job["running"]):
                st.session_state["bc_job"] = {"prefix": prefix, "difficulty": difficulty, "next": 0, "tries": 0,
                                              "elapsed": 0.0, "best": None, "best_nonce": -1, "found": None,
                                              "running": True, "stopped": False}
                st.rerun(scope="app")          # switch the tick timer on
            if stop and job and job["running"]:
                st.session_state["bc_job"] = dict(job, running=False, stopped=True)
                st.rerun(scope="app")          # switch the tick timer off

            def show(job) -> None:
                """The search's counters, drawn into the slot (replacing what it held)."""
                with slot.container():
                    expected = bc.expected_tries(job["difficulty"])
                    st.progress(min(1.0, job["tries"] / (3 * expected)), text=T(
                        "blockchain.mining.progress", tries=job["tries"], ratio=job["tries"] / expected))
                    k1, k2, k3 = st.columns(3)
                    k1.metric(T("blockchain.mining.tries"), ui.num(job["tries"]))
                    k2.metric(T("blockchain.mining.rate"), ui.num(job["tries"] / max(job["elapsed"], 1e-9)))
                    k3.metric(T("blockchain.mining.nonce_now"), ui.num(max(job["next"] - 1, 0)))
                    if job["best"]:
                        st.caption(T("blockchain.mining.best", nonce=job["best_nonce"]))
                        st.code(job["best"], language=None, wrap_lines=True)
                    if job["found"] is not None:
                        mined = bc.Block(block.number, block.timestamp, block.data, block.prev_hash, job["found"])
                        st.success(T("blockchain.mining.found", nonce=job["found"], tries=job["tries"],
                                     seconds=job["elapsed"]))
                        st.code(mined.hash, language=None, wrap_lines=True)
                        ui.what_happened(T("blockchain.mining.happened", tries=job["tries"], expected=expected,
                                           ratio=job["tries"] / expected, d=difficulty,
                                           rate=job["tries"] / max(job["elapsed"], 1e-9)))
                    elif job["stopped"]:
                        st.warning(T("blockchain.mining.stopped", tries=job["tries"]))

            # the counters are drawn before this tick's mining and again after it: they are never left faded as
            # "stale" while the tick works, so a long search counts up smoothly
            slot = st.empty()
            if job and job["running"]:
                show(job)
                deadline = time.perf_counter() + TICK_BUDGET
                while job["running"] and time.perf_counter() < deadline:
                    t0 = time.perf_counter()
                    chunk = bc.mine_chunk(prefix, difficulty, job["next"], CHUNK, job["best"], job["best_nonce"])
                    job = dict(job, next=chunk.next_nonce, tries=job["tries"] + chunk.tries,
                               elapsed=job["elapsed"] + time.perf_counter() - t0, best=chunk.best_hash,
                               best_nonce=chunk.best_nonce)
                    if chunk.found:
                        job.update(found=chunk.nonce, running=False)
                    elif job["tries"] >= 200 * bc.expected_tries(difficulty):
                        job.update(running=False, stopped=True)
                st.session_state["bc_job"] = job
                if not job["running"] and running:
                    st.rerun(scope="app")      # done: switch the tick timer off
            if job:
                show(job)
            else:
                slot.info(T("blockchain.mining.idle", hash=block.hash[:16], d=difficulty))

        mining_panel()

    st.markdown(f"#### {T('blockchain.mining.lottery_heading')}")
    intro("blockchain.mining.lottery_intro")
    l1, l2 = st.columns(2)
    lot_d = l1.select_slider(T("blockchain.mining.lottery_d"), options=[1, 2, 3], value=2, key="lotd",
                             help=T("blockchain.mining.lottery_d_help"), **ui.BIND)
    # difficulty 3 costs 4,096 tries a block: fewer blocks (a new range, so a new widget with its own default)
    max_rounds = 500 if lot_d < 3 else 60
    rounds = l2.slider(T("blockchain.mining.rounds"), 20, max_rounds, 100 if lot_d < 3 else 40, step=10,
                       key="rounds", help=T("blockchain.mining.rounds_help"), **ui.BIND)
    tries_hist = cached_lottery(lot_d, rounds, seed)
    p_hit = 1.0 / bc.expected_tries(lot_d)
    ui.chart(draw.lottery_figure(lot_d, rounds, seed), key="bc_lottery_chart")
    ui.what_happened(T("blockchain.mining.lottery_happened", rounds=rounds, mean=float(tries_hist.mean()),
                       expected=int(1 / p_hit), lo=int(tries_hist.min()), hi=int(tries_hist.max()),
                       share=float((tries_hist > 2 / p_hit).mean()),
                       theory=float(1.0 - bc.geometric_cdf(p_hit, 2 / p_hit))))
    download(pd.DataFrame({"round": np.arange(1, rounds + 1), "difficulty": lot_d, "tries": tries_hist}),
             "mining_lottery")
    ui.takeaway(T("blockchain.mining.takeaway"))

# =========================================================================== 3. chain
def chain() -> None:
    st.subheader(T("blockchain.chain.heading"))
    intro("blockchain.chain.intro")
    k1, k2, k3 = st.columns([1, 1, 2])
    n_blocks = k1.slider(T("blockchain.chain.blocks"), 5, 8, 5, key="blocks", help=T("blockchain.chain.blocks_help"),
                         **ui.BIND)
    chain_d = k2.slider(T("blockchain.chain.difficulty"), 1, 4, 3, key="cdiff",
                        help=T("blockchain.chain.difficulty_help"), **ui.BIND)
    cfg = (n_blocks, chain_d)
    if st.session_state.get("bc_chain_cfg") != cfg:
        base, base_tries = cached_chain(tuple(DEFAULT_DATA[:n_blocks]), chain_d)
        st.session_state.update(bc_chain=list(base), bc_chain_cfg=cfg, bc_chain_gen=st.session_state.get(
            "bc_chain_gen", 0) + 1, bc_chain_work=None, bc_chain_build=sum(base_tries),
                                bc_chain_accepted=[b.hash for b in base])
    if k3.button(f"↩️ {T('blockchain.chain.reset')}", key="bc_chain_reset", help=T("blockchain.chain.reset_help")):
        base, base_tries = cached_chain(tuple(DEFAULT_DATA[:n_blocks]), chain_d)
        st.session_state.update(bc_chain=list(base), bc_chain_gen=st.session_state.get("bc_chain_gen", 0) + 1,
                                bc_chain_work=None, bc_chain_accepted=[b.hash for b in base])
    gen = st.session_state["bc_chain_gen"]
    chain = st.session_state["bc_chain"]
    # read edits first, so the status below already reflects them
    for i in range(len(chain)):
        typed = st.session_state.get(f"bc_chain_data_{gen}_{i}")
        if typed is not None and typed != chain[i].data:
            chain = bc.edit_block(chain, i, typed)
    st.session_state["bc_chain"] = chain
    remine_clicked = [st.session_state.get(f"bc_chain_remine_{gen}_{i}") for i in range(len(chain))]
    for i, clicked in enumerate(remine_clicked):
        if clicked:
            with ui.guard():
                chain, t_used = bc.remine_block(chain, i, chain_d)
                st.session_state["bc_chain"] = chain
                st.session_state["bc_chain_work"] = {"blocks": [i + 1], "tries": t_used}
    # the hashes the network accepted (the chain as mined): an edit always changes a block's hash, even when
    # the new hash meets a low target by chance
    status = bc.validate_chain(chain, chain_d, st.session_state.get("bc_chain_accepted"))
    per_row = {5: 5, 6: 3}.get(len(chain), 4)
    for row_start in range(0, len(chain), per_row):
        cols = st.columns(per_row)
        for col, i in zip(cols, range(row_start, min(row_start + per_row, len(chain)))):
            blk, s = chain[i], status[i]
            with col.container(border=True):
                badge = ("⚠️" if s["changed"] else "✅") if s["valid"] else "❌"
                st.markdown(f"**{badge} {T('blockchain.chain.block', n=blk.number)}**")
                st.caption(f"🕒 {utc(blk.timestamp)} · {T('blockchain.net.nonce')} {blk.nonce}")
                st.text_input(T("blockchain.chain.data"), blk.data, max_chars=120, key=f"bc_chain_data_{gen}_{i}",
                              persist_state="page", help=T("blockchain.chain.data_help"))
                st.caption(f"{T('blockchain.chain.prev')}: `{draw.short(blk.prev_hash, 12)}`")
                st.caption(f"{T('blockchain.chain.hash')}: `{draw.short(s['hash'], 12)}`")
                for reason in s["reasons"]:
                    if not (s["valid"] and s["changed"]):      # a lucky edit gets the warning below instead
                        (st.caption if s["valid"] else caught)(T(f"blockchain.chain.reason.{reason}"))
                if s["changed"]:
                    (st.warning if s["valid"] else st.caption)(T(
                        "blockchain.chain.reason.changed_valid" if s["valid"] else "blockchain.chain.reason.changed",
                        accepted=draw.short(s["accepted_hash"] or "", 12)))
                st.button(f"⛏️ {T('blockchain.chain.remine')}", key=f"bc_chain_remine_{gen}_{i}",
                          disabled=s["valid"], width="stretch", help=T("blockchain.chain.remine_help"))
    bad = [s["number"] for s in status if not s["valid"]]
    if bad and st.button(f"🛠️ {T('blockchain.chain.repair')}", key="bc_chain_repair", type="primary",
                         help=T("blockchain.chain.repair_help")):
        with ui.guard():
            fixed, work = bc.repair_chain(chain, chain_d)
            st.session_state["bc_chain"] = fixed
            st.session_state["bc_chain_work"] = {"blocks": [i + 1 for i, w in enumerate(work) if w],
                                                 "tries": sum(work)}
            st.rerun()
    lucky = [s["number"] for s in status if s["valid"] and s["changed"]]
    if lucky:
        odds = draw.real_edit_odds()
        st.info(T("blockchain.chain.lucky", blocks=", ".join(map(str, lucky)), d=chain_d,
                  per=bc.expected_tries(chain_d), genesis=odds["genesis"], b100k=odds["b100k"]), icon="🎲")
    work = st.session_state.get("bc_chain_work")
    if bad:
        first = bad[0]
        ui.what_happened(T("blockchain.chain.happened_bad", first=first, count=len(bad), total=len(chain),
                           expected=len(bad) * bc.expected_tries(chain_d)))
    elif lucky and not work:
        ui.what_happened(T("blockchain.chain.happened_lucky", blocks=", ".join(map(str, lucky)), total=len(chain),
                           d=chain_d, per=bc.expected_tries(chain_d)))
    elif work:
        ui.what_happened(T("blockchain.chain.happened_fixed", blocks=", ".join(map(str, work["blocks"])),
                           tries=work["tries"], per=bc.expected_tries(chain_d)))
    else:
        ui.what_happened(T("blockchain.chain.happened_ok", total=len(chain), tries=st.session_state.get(
            "bc_chain_build", 0), d=chain_d))
    download(pd.DataFrame([{"number": b.number, "timestamp": b.timestamp, "data": b.data, "prev_hash": b.prev_hash,
                            "nonce": b.nonce, "hash": s["hash"], "valid": s["valid"], "reasons": ";".join(s["reasons"]),
                            "differs_from_accepted": s["changed"]}
                           for b, s in zip(chain, status)]), "chain")
    ui.takeaway(T("blockchain.chain.takeaway"))

# =========================================================================== 4. network and consensus
def network() -> None:
    st.subheader(T("blockchain.net.heading"))
    intro("blockchain.net.intro")
    n_peers = st.slider(T("blockchain.net.peers"), 3, 10, 5, key="peers", help=T("blockchain.net.peers_help"),
                        **ui.BIND)

    st.markdown(f"#### {T('blockchain.net.vote_heading')}")
    v1, v2, v3 = st.columns(3)
    bad_peer_label = v1.selectbox(T("blockchain.net.bad_peer"), [f"P{i}" for i in range(1, n_peers + 1)],
                                  index=n_peers - 1, key="bc_bad_peer", persist_state="page",
                                  help=T("blockchain.net.bad_peer_help"))
    bad_peer = int(bad_peer_label[1:])
    bad_block = v2.selectbox(T("blockchain.net.bad_block"), list(range(2, 6)), index=0, key="bc_bad_block",
                             persist_state="page", help=T("blockchain.net.bad_block_help"))
    remine = v3.toggle(T("blockchain.net.remine"), False, key="bc_bad_remine", persist_state="page",
                       help=T("blockchain.net.remine_help"))
    votes = draw.peer_votes(tuple(DEFAULT_DATA[:5]), 2, n_peers, bad_peer, bad_block, remine)
    # the verdicts first (a phone shows the first columns), the fingerprint that explains them last
    vote_df = pd.DataFrame([{T("blockchain.net.col_peer"): f"P{v['peer']}",
                             T("blockchain.net.col_valid"): "✅" if v["valid"] else "❌",
                             T("blockchain.net.col_agrees"): "✅" if v["agrees"] else "❌",
                             T("blockchain.net.col_differs"): f"{v['differs_at']}" if v["differs_at"] else "—",
                             T("blockchain.net.col_tip"): draw.short(v["fingerprint"], 12)} for v in votes])
    st.dataframe(vote_df, hide_index=True, width="stretch")
    ui.what_happened(T("blockchain.net.vote_happened", peer=bad_peer, block=bad_block, votes=votes[0]["votes"],
                       n=n_peers,
                       state=T("blockchain.net.state_valid" if votes[bad_peer - 1]["valid"] else
                               "blockchain.net.state_invalid")))

    st.markdown(f"#### {T('blockchain.net.prop_heading')}")
    trace = draw.network_trace(n_peers, seed)

    def draw_network(step) -> None:
        at = draw.step_index(trace, step)
        left, right = st.columns([3, 2])
        with left:
            ui.chart(draw.network_figure(n_peers, seed, at, height=480), key="bc_net_fig")
        with right:
            active = set(step.state["active"])
            st.table(pd.DataFrame({T("blockchain.net.col_chain"): [" → ".join(c) for c in step.state["chains"]]},
                                  index=pd.Index([("▶ " if i in active else "") + f"P{i + 1}"
                                                  for i in range(len(step.state["chains"]))],
                                                 name=T("blockchain.net.col_peer"))))
        # how the fork ended is the last step's news: told when the player gets there, not before
        if at == len(trace) - 1:
            ui.what_happened(T("blockchain.net.prop_happened", n=n_peers, orphan=trace.meta["orphan"],
                               winner=trace.meta["winner"], switched=trace.meta["switched"]))

    ui.step_player(trace, draw_network, key="bc_net")

    st.markdown(f"#### {T('blockchain.net.race_heading')}")
    intro("blockchain.net.race_intro")
    r1, r2, r3 = st.columns(3)
    q = r1.slider(T("blockchain.net.q"), 0.01, 0.45, 0.3, step=0.01, key="q", help=T("blockchain.net.q_help"),
                  **ui.BIND)
    z = r2.slider(T("blockchain.net.z"), 0, 60, 6, key="z", help=T("blockchain.net.z_help"), **ui.BIND)
    trials = r3.select_slider(T("blockchain.net.trials"), options=[1000, 5000, 10000, 20000], value=10000,
                              key="bc_trials", persist_state="page", help=T("blockchain.net.trials_help"))
    with ui.guard():
        curves = draw.race_curves(q, z)
        p_formula, p_exact = curves["p_formula"], curves["p_exact"]
        mc = cached_race(q, z, trials, seed)
        m1, m2, m3 = st.columns(3)
        m1.metric(T("blockchain.net.p_formula"), f"{p_formula:.7f}")
        m2.metric(T("blockchain.net.p_exact"), f"{p_exact:.7f}")
        m3.metric(T("blockchain.net.p_mc"), f"{mc['rate']:.5f}",
                  help=T("blockchain.net.ci", lo=mc["ci_low"], hi=mc["ci_high"]))
        ui.chart(draw.race_figure(q, z, trials, seed), key="bc_race_chart")
        ui.what_happened(T("blockchain.net.race_happened", q=q, z=z, p=p_formula, exact=p_exact, rate=mc["rate"],
                           trials=trials, wins=mc["successes"], need=curves["need"],
                           need_exact=curves["need_exact"]))
        download(pd.DataFrame({"z": curves["zs"], "nakamoto": curves["formula"],
                               "exact_race": curves["exact"]}).assign(q=q), "race")
    with st.expander(T("blockchain.net.paper_heading"), expanded=False):
        paper = draw.paper_tables(ui.lang())
        t1, t2, t3 = st.columns(3)
        t1.markdown("**q = 0.1**")
        t1.dataframe(paper["q10"], hide_index=True, width="stretch")
        t2.markdown("**q = 0.3**")
        t2.dataframe(paper["q30"], hide_index=True, width="stretch")
        t3.markdown(f"**{T('blockchain.net.solve')}**")
        t3.dataframe(paper["solve"], hide_index=True, width="stretch")
        same = paper["same"]
        st.markdown(T("blockchain.net.paper_match" if same else "blockchain.net.paper_mismatch"))
        ui.source_note(T("blockchain.net.paper_source"))
    ui.takeaway(T("blockchain.net.takeaway"))

# =========================================================================== 5. Merkle tree
def merkle() -> None:
    st.subheader(T("blockchain.merkle.heading"))
    intro("blockchain.merkle.intro")
    n_tx = st.slider(T("blockchain.merkle.n"), 2, 16, 5, key="ntx", help=T("blockchain.merkle.n_help"), **ui.BIND)
    txs = draw.merkle_texts(n_tx)
    e1, e2, e3 = st.columns([1, 2, 1])
    tx_labels = [f"tx{i}" for i in range(n_tx)]
    edit_i = tx_labels.index(e1.selectbox(T("blockchain.merkle.edit"), tx_labels, index=min(2, n_tx - 1),
                                          key="bc_mk_edit", persist_state="page",
                                          help=T("blockchain.merkle.edit_help")))
    new_text = e2.text_input(T("blockchain.merkle.new_text"), draw.merkle_default_edit(n_tx, edit_i), max_chars=120,
                             key=f"bc_mk_text_{edit_i}_{n_tx}", persist_state="page",
                             help=T("blockchain.merkle.new_text_help"))
    prove_i = tx_labels.index(e3.selectbox(T("blockchain.merkle.prove"), tx_labels, index=0, key="bc_mk_prove",
                                           persist_state="page", help=T("blockchain.merkle.prove_help")))
    tree = draw.merkle_edit(n_tx, edit_i, new_text)
    levels_old, levels_new = tree["levels_old"], tree["levels_new"]
    check = draw.merkle_proof_check(n_tx, prove_i)
    proof, ok, path = check["proof"], check["ok"], check["path"]
    g1, g2 = st.columns(2)
    with g1:
        st.markdown(f"**{T('blockchain.merkle.tree_changed')}**")
        ui.chart(draw.merkle_changed_chart(n_tx, edit_i, new_text, height=420), key="bc_mk_changed")
    with g2:
        st.markdown(f"**{T('blockchain.merkle.tree_proof', i=prove_i)}**")
        proof_trace = draw.merkle_proof_trace(n_tx, prove_i)

        proof_df = pd.DataFrame([{T("blockchain.merkle.col_level"): p["level"], T("blockchain.merkle.col_side"):
                                  T(f"blockchain.merkle.side_{p['side']}"),
                                  T("blockchain.merkle.col_sibling"): draw.short(p["sibling"], 16),
                                  T("blockchain.merkle.col_result"): draw.short(path[k + 1], 16)}
                                 for k, p in enumerate(proof)])

        def draw_proof(step) -> None:
            at = draw.step_index(proof_trace, step)
            ui.chart(draw.merkle_proof_figure(n_tx, prove_i, at, height=360), key="bc_mk_proof")
            if at and len(proof_df):       # the proof's rows as the player folds them in, one per step
                st.dataframe(proof_df.head(at), hide_index=True, width="stretch")
            if at == len(proof_trace) - 1:  # the verdict belongs to the last step
                ui.what_happened(T("blockchain.merkle.happened_proof", p=prove_i, k=len(proof), n=n_tx,
                                   levels=len(levels_old), ok=T("blockchain.yes" if ok else "blockchain.no")))

        ui.step_player(proof_trace, draw_proof, key="bc_mk_player")
    ui.what_happened(T("blockchain.merkle.happened", i=edit_i, changed=len(tree["changed"]),
                       root_old=levels_old[-1][0][:12], root_new=levels_new[-1][0][:12]))
    with st.expander(T("blockchain.merkle.real_heading"), expanded=False):
        real = draw.block_100000()
        st.dataframe(real["txids"], hide_index=True, width="stretch")
        st.code(real["root"], language=None, wrap_lines=True)
        st.markdown(T("blockchain.merkle.real_result", root=real["root"][:16], same=T(
            "blockchain.yes" if real["root"] == real["in_header"] else "blockchain.no")))
        ui.source_note(real["source"])
    download(pd.DataFrame([{"level": lv, "index": i, "hash": h} for lv, level in enumerate(levels_new)
                           for i, h in enumerate(level)]), "merkle")
    ui.takeaway(T("blockchain.merkle.takeaway"))

# =========================================================================== 6. keys, addresses, signatures
def keys() -> None:
    st.subheader(T("blockchain.keys.heading"))
    intro("blockchain.keys.intro")
    st.session_state.setdefault("bc_key_hex", "1")
    if st.button(f"🎲 {T('blockchain.keys.random')}", key="bc_key_random", help=T("blockchain.keys.random_help")):
        st.session_state["bc_key_hex"] = f"{bc.new_private_key():064x}"
    key_hex = st.text_input(T("blockchain.keys.private"), max_chars=66, key="bc_key_hex", persist_state="page",
                            help=T("blockchain.keys.private_help"))
    k = None
    with ui.guard(), named(T("blockchain.keys.private")):
        k = bc.parse_private_key(key_hex)
    if k is not None:
        labels = {name: T(f"blockchain.keys.step.{name}") for name in
                  ["private_key", "point_x", "point_y", "public_key", "sha256", "hash160", "versioned", "checksum",
                   "address"]}
        kc1, kc2 = st.columns(2)
        steps_u, steps_c = draw.address_steps(k)
        for col, steps, title in ((kc1, steps_u, "uncompressed"), (kc2, steps_c, "compressed")):
            with col:
                st.markdown(f"**{T('blockchain.keys.' + title)}**")
                st.code("\n".join(f"{labels[n]}\n    {v}" for n, v in steps), language=None, wrap_lines=True)
        st.markdown(f"#### {T('blockchain.keys.sign_heading')}")
        s1, s2 = st.columns(2)
        message = s1.text_input(T("blockchain.keys.message"), "Pay Bob 1 BTC", max_chars=200, key="bc_sign_msg",
                                persist_state="page", help=T("blockchain.keys.message_help"))
        checked = s2.text_input(T("blockchain.keys.check_message"), "Pay Bob 1 BTC", max_chars=200, key="bc_check_msg",
                                persist_state="page", help=T("blockchain.keys.check_message_help"))
        which = st.radio(T("blockchain.keys.verify_with"), ["own", "other"], horizontal=True, key="bc_verify_with",
                         persist_state="page", format_func=lambda w: T(f"blockchain.keys.verify_{w}"),
                         help=T("blockchain.keys.verify_help"))
        signed = draw.signature_check(k, message, checked, which)
        signature, r, s, valid = signed["signature"], signed["r"], signed["s"], signed["valid"]
        st.code(f"DER = {signature.hex()}\nr   = {r:064x}\ns   = {s:064x}", language=None, wrap_lines=True)
        (st.success if valid else caught)(T("blockchain.keys.valid" if valid else "blockchain.keys.invalid"))
        st.markdown(T("blockchain.keys.malleability", twin=f"{signed['twin_s']:064x}",
                      verdict=T("blockchain.keys.twin_valid" if signed["twin_valid"] else "blockchain.keys.twin_refused")))
        ui.what_happened(T("blockchain.keys.happened", address=steps_c[-1][1], address_u=steps_u[-1][1],
                           bytes_u=len(steps_u[3][1]) // 2, bytes_c=len(steps_c[3][1]) // 2,
                           result=T("blockchain.keys.valid_short" if valid else "blockchain.keys.invalid_short"),
                           sig_len=len(signature)))
    ui.takeaway(T("blockchain.keys.takeaway"))

# =========================================================================== 7. transactions and wallets
def wallets() -> None:
    st.subheader(T("blockchain.wallets.heading"))
    intro("blockchain.wallets.intro")
    w1, w2 = st.columns([1, 3])
    n_wallets = w1.slider(T("blockchain.wallets.n"), 3, 5, 4, key="wallets", help=T("blockchain.wallets.n_help"),
                          **ui.BIND)
    cfg_w = (seed, n_wallets)
    reset_wallets = w2.button(f"↩️ {T('blockchain.wallets.reset')}", key="bc_wallet_reset",
                              help=T("blockchain.wallets.reset_help"))
    if st.session_state.get("bc_ledger_cfg") != cfg_w or reset_wallets:
        st.session_state["bc_ledger"] = utxo.new_ledger(seed, n_wallets)
        st.session_state["bc_ledger_cfg"] = cfg_w
        st.session_state["bc_wallet_msg"] = None
    ledger: utxo.UtxoLedger = st.session_state["bc_ledger"]
    f1, f2, f3, f4 = st.columns(4)
    sender = f1.selectbox(T("blockchain.wallets.sender"), list(ledger.names), index=0, key="bc_tx_from",
                          persist_state="page", help=T("blockchain.wallets.sender_help"))
    recipient = f2.selectbox(T("blockchain.wallets.recipient"), list(ledger.names), index=2, key="bc_tx_to",
                             persist_state="page", help=T("blockchain.wallets.recipient_help"))
    amount = f3.number_input(T("blockchain.wallets.amount"), 0.0, 1000.0, 10.0, step=1.0, format="%.4f",
                             key="bc_tx_amount", persist_state="page", help=T("blockchain.wallets.amount_help"))
    fee = f4.number_input(T("blockchain.wallets.fee"), 0.0, 1.0, 0.0001, step=0.0001, format="%.4f", key="bc_tx_fee",
                          persist_state="page", help=T("blockchain.wallets.fee_help"))
    a1, a2, a3, a4 = st.columns(4, vertical_alignment="bottom")
    send = a1.button(f"✍️ {T('blockchain.wallets.send')}", key="bc_tx_send", type="primary", width="stretch",
                     help=T("blockchain.wallets.send_help"))
    double = a2.button(f"♊ {T('blockchain.wallets.double')}", key="bc_tx_double", width="stretch",
                       help=T("blockchain.wallets.double_help"))
    miner = a3.selectbox(T("blockchain.wallets.miner"), list(ledger.names), index=len(ledger.names) - 1,
                         key="bc_tx_miner", persist_state="page", help=T("blockchain.wallets.miner_help"))
    mine_now = a4.button(f"⛏️ {T('blockchain.wallets.mine')}", key="bc_tx_mine", width="stretch",
                         help=T("blockchain.wallets.mine_help"))
    with ui.guard(), refused():
        if send:
            sat, fee_sat = utxo.to_satoshi(amount), utxo.to_satoshi(fee)
            tx = ledger.create_payment(sender, recipient, sat, fee_sat)
            got_fee = ledger.submit(tx)
            st.session_state["bc_wallet_msg"] = ("blockchain.wallets.msg_sent", {
                "sender": sender, "recipient": recipient, "amount": btc(sat), "fee": btc(got_fee),
                "txid": tx.txid[:12], "inputs": len(tx.inputs), "change": btc(tx.outputs[1].amount) if len(
                    tx.outputs) > 1 else btc(0)})
        if double:
            others = [n for n in ledger.names if n not in (sender,)]
            target = next((n for n in others if n != recipient), others[0])
            ledger.submit(ledger.conflicting_payment(sender, target))
        if mine_now:
            blk = ledger.mine_block(miner, 3)
            st.session_state["bc_wallet_msg"] = ("blockchain.wallets.msg_mined", {
                "height": blk["height"], "miner": miner, "n": len(blk["txs"]) - 1, "subsidy": btc(blk["subsidy"]),
                "fees": btc(blk["fees"]), "tries": blk["tries"], "hash": blk["hash"][:12]})
    # balances first (a phone shows the first columns), the long address last
    rows = [{T("blockchain.wallets.col_wallet"): n, T("blockchain.wallets.col_balance"): btc(ledger.balance(n)),
             T("blockchain.wallets.col_spendable"): btc(ledger.spendable(n)),
             T("blockchain.wallets.col_coins"): len(ledger.coins(n, include_pending=False)),
             T("blockchain.wallets.col_address"): ledger.address(n)} for n in ledger.names]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    m1, m2 = st.columns([1, 1])
    with m1:
        ui.chart(draw.balance_figure(tuple(ledger.names), tuple(ledger.balance(n) for n in ledger.names),
                                     tuple(ledger.spendable(n) for n in ledger.names)), key="bc_wallet_chart")
    with m2:
        st.markdown(f"**{T('blockchain.wallets.mempool', n=len(ledger.mempool))}**")
        if ledger.mempool:
            st.dataframe(pd.DataFrame([{T("blockchain.wallets.col_txid"): tx.txid[:16],
                                        T("blockchain.wallets.col_memo"): tx.memo,
                                        T("blockchain.wallets.col_amount"): btc(tx.outputs[0].amount)}
                                       for tx in ledger.mempool]), hide_index=True, width="stretch")
        else:
            st.caption(T("blockchain.wallets.mempool_empty"))
        st.markdown(f"**{T('blockchain.wallets.blocks', n=len(ledger.blocks))}**")
        st.dataframe(pd.DataFrame([{T("blockchain.wallets.col_height"): b["height"],
                                    T("blockchain.wallets.col_miner"): b["miner"],
                                    T("blockchain.wallets.col_txs"): len(b["txs"]),
                                    T("blockchain.wallets.col_reward"): btc(b["subsidy"] + b["fees"]),
                                    T("blockchain.wallets.col_hash"): draw.short(b["hash"], 14)} for b in reversed(ledger.blocks)]),
                     hide_index=True, width="stretch")
    msg = st.session_state.get("bc_wallet_msg")
    total = sum(ledger.balance(n) for n in ledger.names)
    minted = sum(b["subsidy"] for b in ledger.blocks)
    if msg:
        ui.what_happened(T(msg[0], **msg[1]) + " " + T("blockchain.wallets.conservation", total=btc(total),
                                                         minted=btc(minted)))
    else:
        ui.what_happened(T("blockchain.wallets.happened_start", first=ledger.names[0], second=ledger.names[1],
                           total=btc(total)))
    download(pd.DataFrame(ledger.log), "wallet_log")
    ui.takeaway(T("blockchain.wallets.takeaway"))

# =========================================================================== 8. real Bitcoin
def bitcoin() -> None:
    st.subheader(T("blockchain.btc.heading"))
    intro("blockchain.btc.intro")
    known_headers = draw.header_presets()
    presets = known_headers["hex"]
    preset_names = known_headers["name"]["zh" if ui.lang() == "zh" else "en"]
    preset = st.radio(T("blockchain.btc.preset"), list(presets) + ["own"], horizontal=True, key="bc_hdr_preset",
                      persist_state="page", format_func=lambda h: T("blockchain.btc.own") if h == "own" else
                      preset_names[h], help=T("blockchain.btc.preset_help"))
    if preset != "own" or "bc_hdr_text" not in st.session_state:
        st.session_state["bc_hdr_text"] = presets[preset if preset != "own" else "0"]
    header_text = st.text_area(T("blockchain.btc.header"), max_chars=400, height=90, key="bc_hdr_text",
                               persist_state="page", help=T("blockchain.btc.header_help"), disabled=preset != "own")
    with ui.guard(), named(T("blockchain.btc.header")):
        fields = bc.parse_header(header_text)
        check = bc.check_header(**fields)
        field_labels = {n: T(f"blockchain.btc.field.{n}") for n in bc.HEADER_FIELDS}
        ui.chart(draw.header_bytes_figure(tuple(tuple(f) for f in check["fields"])), key="bc_hdr_bytes")
        shown = {"version": str(fields["version"]), "prev_hash": fields["prev_hash"], "merkle_root": fields["merkle_root"],
                 "timestamp": f"{fields['timestamp']} = {utc(fields['timestamp'])}", "bits": f"0x{fields['bits']:08x}",
                 "nonce": f"{fields['nonce']:,}"}
        st.dataframe(pd.DataFrame([{T("blockchain.btc.col_field"): field_labels[n],
                                    T("blockchain.btc.col_value"): shown[n],
                                    T("blockchain.btc.col_bytes"): b,
                                    T("blockchain.btc.col_note"): T(f"blockchain.btc.note.{n}")}
                                   for n, b in check["fields"]]), hide_index=True, width="stretch")
        ui.download_csv(pd.DataFrame([{"field": n, "value": shown[n], "bytes": b} for n, b in check["fields"]]),
                        "bitcoin-header-fields.csv", key="dl_btc_header")
        st.markdown(T("blockchain.btc.steps"))
        st.code(f"SHA256(header)        = {check['sha256_once']}\n"
                f"SHA256(SHA256(header)) = {check['sha256d']}\n"
                f"{T('blockchain.btc.reversed')} = {check['hash']}\n"
                f"target (bits)         = {check['target_hex']}", language=None)
        known = draw.known_header(check["hash"])
        h1, h2, h3 = st.columns(3)
        h1.metric(T("blockchain.btc.meets"), T("blockchain.yes" if check["meets_target"] else "blockchain.no"))
        h2.metric(T("blockchain.btc.zero_bits"), check["leading_zero_bits"])
        h3.metric(T("blockchain.btc.difficulty"), ui.num(check["difficulty"], 2))
        if known:
            st.success(T("blockchain.btc.known", name=known["name"]))
            ui.source_note(known["source"])
        ui.what_happened(T("blockchain.btc.happened", hash=check["hash"][:20], zeros=check["leading_zero_bits"],
                           meets=T("blockchain.yes" if check["meets_target"] else "blockchain.no"),
                           difficulty=check["difficulty"], tries=2.0 ** check["leading_zero_bits"]))
    ui.takeaway(T("blockchain.btc.takeaway"))

# =========================================================================== 9. economics
def economics() -> None:
    st.subheader(T("blockchain.econ.heading"))
    intro("blockchain.econ.intro")
    schedule = draw.supply_table()
    e1, e2, e3 = st.columns(3)
    total_sat = int(schedule["cumulative_sat"].iloc[-1])
    e1.metric(T("blockchain.econ.total"), f"{total_sat / cs.COIN:,.8f} BTC")
    e2.metric(T("blockchain.econ.eras"), len(schedule))
    # the last coin is mined at the END of the last era with a subsidy (≈ 2140), not at its start
    era_years = cs.HALVING_INTERVAL * cs.TARGET_SPACING / (365.25 * 86400)
    e3.metric(T("blockchain.econ.last_year"), f"≈ {int(schedule['approx_year'].iloc[-1] + era_years)}")
    ui.chart(draw.supply_figure(), key="bc_supply_chart")
    first4 = schedule.head(5)
    ui.what_happened(T("blockchain.econ.supply_happened", half=first4["cumulative_sat"].iloc[0] / cs.COIN,
                       four=first4["cumulative_sat"].iloc[3] / total_sat, total=total_sat / cs.COIN,
                       missing=(21_000_000 * cs.COIN - total_sat) / cs.COIN))
    st.markdown(f"#### {T('blockchain.econ.retarget_heading')}")
    intro("blockchain.econ.retarget_intro")
    d1, d2, d3 = st.columns(3)
    epochs = d1.slider(T("blockchain.econ.epochs"), 6, 40, 16, key="epochs", help=T("blockchain.econ.epochs_help"),
                       **ui.BIND)
    change_at = d2.slider(T("blockchain.econ.change_at"), 2, 5, 3, key="change",
                          help=T("blockchain.econ.change_at_help"), **ui.BIND)
    # the URL holds the option as shown, so the options are shown as written in links (?factor=6.0)
    factors = [0.25, 0.5, 0.75, 1.25, 1.5, 2.0, 3.0, 6.0]
    factor = d3.select_slider(T("blockchain.econ.factor"), options=factors, value=2.0, key="factor",
                              help=T("blockchain.econ.factor_help"), **ui.BIND)
    sim = draw.retarget(epochs, change_at, factor, seed)
    ui.chart(draw.retarget_figure(epochs, change_at, factor, seed), key="bc_retarget_chart")
    hit = sim.iloc[change_at - 1]
    after = sim.iloc[min(change_at, len(sim) - 1)]
    ui.what_happened(T("blockchain.econ.retarget_happened", epoch=change_at, factor=factor,
                       minutes=hit["mean_block_minutes"], next=hit["next_difficulty"] / hit["difficulty"],
                       after=after["mean_block_minutes"], clamped=T("blockchain.econ.clamped") if hit["clamped"] else ""))
    download(sim, "retarget")
    st.markdown(f"#### {T('blockchain.econ.cbdc_heading')}")
    comp = cached_csv("currency_comparison")
    suffix = "zh" if ui.lang() == "zh" else "en"
    st.table(pd.DataFrame({"Bitcoin": list(comp[f"bitcoin_{suffix}"]),
                           T("blockchain.econ.ecny"): list(comp[f"ecny_{suffix}"])},
                          index=pd.Index([T(f"blockchain.econ.aspect.{a}") for a in comp["aspect"]],
                                         name=T("blockchain.econ.col_aspect"))))
    with st.expander(T("blockchain.econ.sources")):
        for a, src in zip(comp["aspect"], comp["source"]):
            ui.source_note(f"**{T(f'blockchain.econ.aspect.{a}')}** — {src}")
    ui.source_note(T("blockchain.econ.rules_source"))
    ui.takeaway(T("blockchain.econ.takeaway"))
    chapter_check("blockchain", ["c1", "c2", "c3", "c4"])

# =========================================================================== the lesson: only the open tab runs
ui.sections("blockchain", {"hash": hash_section, "mining": mining, "chain": chain, "network": network,
                           "merkle": merkle, "keys": keys, "wallets": wallets, "bitcoin": bitcoin,
                           "economics": economics})

# =========================================================================== self-check
st.divider()
ui.quiz("blockchain", ["avalanche", "mining", "tamper", "merkle", "race", "proof", "halving"])
ui.references("blockchain")
