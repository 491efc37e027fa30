"""Blockchain in finance (the article's §3–§6): a loan contract, escrow and DvP, tokenisation, DeFi,
proof of reserves, micro-loans, and where the article's claims stand today.

Seven sections, one per tab; only the open one runs (``?tab=<name>``).  Contracts are state machines
whose rules are data (core/contracts.py); each accepted step is a signed transaction mined into a block of
the teaching chain, and the step player shows the state, the balances and that block.  Caches and figures
live in ui/draw_bcfinance.py.
"""
import json

import pandas as pd
import streamlit as st

import ui
from core import contracts, defi
from core.tokens import naive_split, pro_rata
from core.errors import InputError
from ui import draw_bcfinance as draw

T = ui.frame("bcfinance")
ui.header("bcfinance")


def source_of(fid: str) -> None:
    """A sourced fact as a caption: text, date and source."""
    text, date, source = draw.fact(fid, T.lang)
    st.markdown(f"📌 {text}")
    ui.source_note(f"{source} ({date})")


def intro(key: str) -> None:
    """A tab's explanation; in presenter mode it folds away so the projected screen stays short."""
    ui.explain(T(key), T("bcfinance.explanation"))


def run_summary(text: str, steps: int, at_end: bool) -> None:
    """A whole run's 'what just happened', revealed at the player's last step (``ui.run_summary``)."""
    ui.run_summary(T("bcfinance.run_summary", n=steps), text, at_end)


def units_column() -> dict:
    """Token counts with thousands separators (10,000 rather than 10000)."""
    return {T("bcfinance.col.units"): st.column_config.NumberColumn(format="localized")}


def tx_log(trace) -> pd.DataFrame:
    """The blocks of a run as a table for download."""
    rows = []
    for n, step in enumerate(trace, start=1):
        b = (step.state or {}).get("block")
        if b:
            rows.append({"step": n, "block": b["number"], "action": b["action"], "signer": b["signer"],
                         "txid": b["txid"], "prev_hash": b["prev_hash"], "hash": b["hash"], "signature": b["signature"],
                         "verified": b["verified"], "payload": b["payload"]})
    return pd.DataFrame(rows)


def position(trace, step) -> int:
    """The 1-based number of ``step`` in ``trace`` (by identity: two steps may hold equal values)."""
    return next(n for n, s in enumerate(trace.steps, start=1) if s is step)


def step_labels(trace) -> tuple:
    return tuple(str(n) for n in range(1, len(trace) + 1))


# ================================================================== 1. the loan contract
def loan() -> None:
    st.subheader(T("bcfinance.loan.heading"))
    intro("bcfinance.loan.intro")
    card = draw.scorecard()
    c1, c2, c3, c4 = st.columns(4)
    row = c1.number_input(T("bcfinance.loan.row"), 1, card.n, 1, step=1, key="row", help=T("bcfinance.loan.row_help"),
                          **ui.BIND)
    cut = c2.slider(T("bcfinance.loan.cutoff"), 400, 650, 520, step=5, key="cut", help=T("bcfinance.loan.cutoff_help"),
                    **ui.BIND)
    amount = c3.number_input(T("bcfinance.loan.amount"), 1_000, 200_000, 10_000, step=1_000, key="amt",
                             help=T("bcfinance.loan.amount_help"), **ui.BIND)
    rate = c4.slider(T("bcfinance.loan.rate"), 0, 36, 12, key="rate", help=T("bcfinance.loan.rate_help"), **ui.BIND)
    terms = st.expander(T("bcfinance.loan.more_terms"), icon="⚙️")
    c5, c6, c7, c8 = terms.columns(4)
    months = c5.slider(T("bcfinance.loan.months"), 3, 24, 12, key="mon", **ui.BIND)
    ratio = c6.slider(T("bcfinance.loan.collateral"), 0, 300, 150, step=10, key="coll",
                      help=T("bcfinance.loan.collateral_help"), **ui.BIND)
    dm = c7.slider(T("bcfinance.loan.default_month"), 0, 24, 0, key="dm", help=T("bcfinance.loan.default_help"),
                   **ui.BIND)
    drop = c8.slider(T("bcfinance.loan.drop"), 0, 90, 30, step=5, key="drop", help=T("bcfinance.loan.drop_help"),
                     **ui.BIND)
    method = terms.radio(T("bcfinance.loan.method"), ["installment", "principal"], horizontal=True, key="bcf_method",
                      persist_state="page", format_func=lambda m: T(f"bcfinance.loan.method_{m}"))
    dm = min(int(dm), int(months))
    score = float(card.scores[int(row) - 1])
    run = None
    with ui.guard():
        run = draw.loan_run(round(score, 2), int(cut), int(amount) * 100, rate / 100.0, int(months), method,
                            ratio / 100.0, dm, drop / 100.0)
    if run is None:
        return
    m1, m2, m3 = st.columns(3)
    m1.metric(T("bcfinance.loan.score"), ui.num(score))
    m2.metric(T("bcfinance.loan.pd"), ui.pct(float(card.card.pd_from_score(score))))
    m3.metric(T("bcfinance.loan.units"), ui.num(run.extra["collateral_units"]),
              help=T("bcfinance.loan.units_help", price=10_000))
    trace = run.trace
    accounts = contracts.LOAN_ACCOUNTS

    shown = draw.localise(trace, T)
    series = draw.balance_series(trace, accounts)

    def show(step) -> None:
        draw.draw_contract_step(step, T, accounts, ("borrower", "contract"), T("bcfinance.loan.unit_word"))
        # the balances so far: the chart grows with the player instead of showing the whole run at step 1
        ui.chart(draw.balances_figure(accounts, series, step_labels(trace), position(shown, step)),
                 key="bcf_loan_bal")

    index = ui.step_player(shown, show, key="bcf_loan")
    summary = contracts.loan_summary(run, int(amount) * 100)
    outcome = T(f"bcfinance.state.{summary['state']}")
    run_summary(T("bcfinance.loan.happened", score=score, cut=int(cut), outcome=outcome, paid=summary["paid"],
                  months=int(months), net=summary["lender_net_fen"], loss=summary["loss_fen"],
                  blocks=summary["blocks"], valid=T("bcfinance.block.ok") if summary["chain_valid"] else
                  T("bcfinance.block.bad")), len(trace), index == len(trace) - 1)
    st.markdown(f"#### {T('bcfinance.loan.compare_heading')}")
    st.markdown(T("bcfinance.loan.compare_intro"))
    a1, a2 = st.columns(2)
    mday = a1.slider(T("bcfinance.loan.manual_days"), 1, 30, 5, key="mday", help=T("bcfinance.loan.assumption_help"),
                     **ui.BIND)
    enforce = a2.slider(T("bcfinance.loan.enforce_days"), 30, 720, 180, step=30, key="enf",
                        help=T("bcfinance.loan.assumption_help"), **ui.BIND)
    blocks = [s for s in trace if s.state.get("block")]
    c_days = tuple(int(s.params.get("day", 0)) for s in blocks)
    c_steps = tuple(range(1, len(blocks) + 1))
    manual = [T(f"bcfinance.loan.manual.{k}") for k in ("apply", "documents", "review", "committee", "sign",
                                                        "disburse")]
    m_days = [0] + [int(mday)] * (len(manual) - 1)
    if summary["state"] == "rejected":
        manual, m_days = manual[:4], m_days[:4]
    else:
        paid = summary["paid"]
        manual += [T("bcfinance.loan.manual.repay", k=k) for k in range(1, paid + 1)]
        m_days += [30] * paid
        if summary["state"] == "liquidated":
            manual += [T("bcfinance.loan.manual.collect"), T("bcfinance.loan.manual.court")]
            m_days += [30, int(enforce)]
    ui.chart(draw.workflow_figure(c_steps, c_days, tuple(range(1, len(manual) + 1)), tuple(m_days)),
             key="bcf_loan_flow")
    ui.what_happened(T("bcfinance.loan.compare_happened", n_contract=len(blocks), d_contract=c_days[-1] if c_days else 0,
                       n_manual=len(manual), d_manual=int(sum(m_days)), mday=int(mday)))
    source_of("mybank_310")
    ui.takeaway(T("bcfinance.loan.takeaway"))
    ui.download_csv(tx_log(trace), "bcfinance-loan-blocks.csv", key="dl_bcf_loan")


# ================================================================== 2. escrow and delivery versus payment
def escrow() -> None:
    st.subheader(T("bcfinance.escrow.heading"))
    intro("bcfinance.escrow.intro")
    c1, c2, c3 = st.columns(3)
    price = c1.number_input(T("bcfinance.escrow.price"), 1, 1_000_000, 2_000, step=100, key="price", **ui.BIND)
    deadline = c2.slider(T("bcfinance.escrow.deadline"), 1, 30, 7, key="dl", help=T("bcfinance.escrow.deadline_help"),
                         **ui.BIND)
    ship = c3.slider(T("bcfinance.escrow.ship_day"), 0, 30, 2, key="ship", **ui.BIND)
    path = st.radio(T("bcfinance.escrow.path"), list(contracts.ESCROW_PATHS), horizontal=True, key="bcf_path",
                    persist_state="page", format_func=lambda p: T(f"bcfinance.escrow.path_{p}"))
    run = None
    with ui.guard():
        run = draw.escrow_run(int(price) * 100, int(deadline), int(ship), path)
    if run is not None:
        accounts = ("buyer", "seller", "contract")
        shown = draw.localise(run.trace, T)
        series = draw.balance_series(run.trace, accounts)

        def show(step) -> None:
            draw.draw_contract_step(step, T, accounts)
            ui.chart(draw.balances_figure(accounts, series, step_labels(run.trace), position(shown, step)),
                     key="bcf_escrow_bal")

        index = ui.step_player(shown, show, key="bcf_escrow")
        refused = sum(1 for s in run.trace if s.state.get("refused"))
        run_summary(T("bcfinance.escrow.happened", path=T(f"bcfinance.escrow.path_{path}"),
                      state=T(f"bcfinance.state.{run.machine.state}"), price=int(price) * 100,
                      buyer=run.money.balance("buyer"), seller=run.money.balance("seller"),
                      blocks=len(run.chain.blocks), refused=refused), len(run.trace), index == len(run.trace) - 1)
        with st.expander(T("bcfinance.escrow.rules")):
            st.dataframe(pd.DataFrame([{T("bcfinance.col.from"): T(f"bcfinance.state.{r.state}"),
                                        T("bcfinance.col.action"): draw.what(r.action, T),
                                        T("bcfinance.col.role"): draw.who(r.role, T),
                                        T("bcfinance.col.to"): T(f"bcfinance.state.{r.next}"),
                                        T("bcfinance.col.guard"): T(f"bcfinance.guard.{r.guard or 'none'}")}
                                       for r in contracts.ESCROW_RULES]), hide_index=True)
        ui.download_csv(tx_log(run.trace), "bcfinance-escrow-blocks.csv", key="dl_bcf_escrow")
    st.markdown(f"#### {T('bcfinance.dvp.heading')}")
    st.markdown(T("bcfinance.dvp.intro"))
    d1, d2, d3, d4 = st.columns(4)
    units = d1.number_input(T("bcfinance.dvp.units"), 1, 1_000, 10, key="dvu", **ui.BIND)
    unit_price = d2.number_input(T("bcfinance.dvp.price"), 1, 100_000, 100, key="dvp", **ui.BIND)
    cash = d3.number_input(T("bcfinance.dvp.cash"), 0, 10_000_000, 500, step=100, key="dvc", **ui.BIND)
    atomic = d4.toggle(T("bcfinance.dvp.atomic"), True, key="dva", help=T("bcfinance.dvp.atomic_help"), **ui.BIND)
    trace = None
    with ui.guard():
        trace = draw.dvp_run(int(units), int(unit_price) * 100, int(cash) * 100, int(units), bool(atomic))
    if trace is not None:
        # the steps' sentences as a numbered list, the numbers as a table keyed by that number: a phone shows
        # both without scrolling sideways through a wide text column
        st.markdown("\n".join(f"{n}. {T(s.key, **s.params)}" for n, s in enumerate(trace, start=1)))
        rows = [{"#": n,
                 T("bcfinance.dvp.buyer_cash"): ui.money(s.state["balances"]["buyer"]),
                 T("bcfinance.dvp.seller_cash"): ui.money(s.state["balances"]["seller"]),
                 T("bcfinance.dvp.buyer_units"): s.state["assets"]["buyer"],
                 T("bcfinance.dvp.seller_units"): s.state["assets"]["seller"],
                 T("bcfinance.col.block"): s.state["block"]["number"] if s.state["block"] else "—"}
                for n, s in enumerate(trace, start=1)]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        ui.what_happened(T(f"bcfinance.dvp.happened_{trace.meta['outcome']}", units=int(units),
                           cost=trace.meta["cost"], cash=int(cash) * 100))
    ui.takeaway(T("bcfinance.escrow.takeaway"))


# ================================================================== 3. asset tokenisation
def tokenisation() -> None:
    st.subheader(T("bcfinance.token.heading"))
    intro("bcfinance.token.intro")
    c1, c2, c3, c4 = st.columns(4)
    value = c1.number_input(T("bcfinance.token.value"), 100_000, 100_000_000, 3_000_000, step=100_000, key="pv",
                            **ui.BIND)
    n_tokens = c2.number_input(T("bcfinance.token.tokens"), 10, 100_000, 10_000, step=10, key="ntok",
                               help=T("bcfinance.token.tokens_help"), **ui.BIND)
    rent = c3.number_input(T("bcfinance.token.rent"), 1.0, 1_000_000.0, 7_004.01, step=0.01, format="%.2f", key="rent",
                           help=T("bcfinance.token.rent_help"), **ui.BIND)
    rent_fen = int(round(float(rent) * 100))
    months = c4.slider(T("bcfinance.token.months"), 1, 24, 6, key="tmon", **ui.BIND)
    buyers = st.expander(T("bcfinance.token.buyers"), icon="👥")
    b1, b2, b3, b4 = buyers.columns(4)
    ann = b1.number_input(T("bcfinance.token.buy", who=draw.who("ann", T)), 1, 100_000, 7, key="ann", **ui.BIND)
    bo = b2.number_input(T("bcfinance.token.buy", who=draw.who("bo", T)), 1, 100_000, 300, key="bo", **ui.BIND)
    chen = b3.number_input(T("bcfinance.token.buy", who=draw.who("chen", T)), 1, 100_000, 2_000, key="chen", **ui.BIND)
    sold = b4.number_input(T("bcfinance.token.trade", seller=draw.who("chen", T), buyer=draw.who("dev", T)), 0, 100_000, 500, key="sell",
                           help=T("bcfinance.token.trade_help"), **ui.BIND)
    trade = ("chen", "dev", int(sold)) if sold else None
    trace = None
    with ui.guard():
        trace = draw.token_run(int(value) * 100, int(n_tokens), (("ann", int(ann)), ("bo", int(bo)), ("chen", int(chen))),
                               rent_fen, int(months), trade, max(1, int(months) // 2))
    if trace is None:
        return
    meta = trace.meta
    m1, m2, m3 = st.columns(3)
    m1.metric(T("bcfinance.token.min_ticket"), ui.money(meta["price"]), help=T("bcfinance.token.min_ticket_help"))
    sold = meta["tokens"] - int(meta["history"]["issuer"].iloc[-1])
    m2.metric(T("bcfinance.token.sold"), f"{ui.num(sold)} ({ui.pct(sold / meta['tokens'])})")
    m3.metric(T("bcfinance.token.whole"), ui.money(meta["value"]))

    def show(step) -> None:
        s = step.state
        caps = s["caps"]
        df = pd.DataFrame([{T("bcfinance.col.holder"): T("bcfinance.acct.issuer") if h == "issuer" else draw.who(h, T),
                            T("bcfinance.col.units"): u, T("bcfinance.col.share"): ui.pct(u / meta["tokens"], 2),
                            T("bcfinance.col.received"): ui.money(s["received"].get(h, 0))} for h, u in caps.items()])
        st.dataframe(df, hide_index=True, column_config=units_column())
        draw.draw_block(s["block"], T)
        # the cap table so far (one event per step): it grows with the player
        ui.chart(draw.captable_figure(events, holders, units, position(shown, step)), key="bcf_token_cap")

    hist = meta["history"]
    holders = tuple(c for c in hist.columns if c not in ("month", "event"))
    events = tuple(T(f"bcfinance.token.event.{e}", m=int(m)) for e, m in zip(hist["event"], hist["month"]))
    units = tuple(tuple(int(v) for v in hist[h]) for h in holders)
    shown = draw.localise(trace, T)
    index = ui.step_player(shown, show, key="bcf_token")
    last = trace.steps[-1]
    shares = [s for s in trace if s.key.endswith(".rent")]
    caps_now = last.state["caps"]
    exact = pro_rata(rent_fen, caps_now)
    naive = naive_split(rent_fen, caps_now)
    table = pd.DataFrame([{T("bcfinance.col.holder"): T("bcfinance.acct.issuer") if h == "issuer" else draw.who(h, T),
                           T("bcfinance.col.units"): u,
                           T("bcfinance.token.exact"): ui.num(rent_fen * u / meta['tokens'] / 100, 4),
                           T("bcfinance.token.paid"): ui.money(exact[h]),
                           T("bcfinance.token.naive"): ui.money(naive[h])} for h, u in caps_now.items()])
    st.dataframe(table, hide_index=True, column_config=units_column())
    run_summary(T("bcfinance.token.happened", tokens=meta["tokens"], price=meta["price"], rent=rent_fen,
                  months=len(shares), paid=sum(exact.values()), naive=sum(naive.values()),
                  ann=meta["received"].get("ann", 0), blocks=meta["blocks"]), len(trace), index == len(trace) - 1)
    source_of("realt_llc")
    source_of("tokenised_treasuries")
    ui.takeaway(T("bcfinance.token.takeaway"))
    ui.download_csv(hist, "bcfinance-cap-table.csv", key="dl_bcf_cap")


# ================================================================== 4. DeFi: AMM and lending pool
def defi_tab() -> None:
    st.subheader(T("bcfinance.amm.heading"))
    intro("bcfinance.amm.intro")
    c1, c2, c3, c4, c5 = st.columns(5)
    x = c1.number_input(T("bcfinance.amm.reserve_x"), 1_000, 10_000_000, 100_000, step=1_000, key="rx", **ui.BIND)
    y = c2.number_input(T("bcfinance.amm.reserve_y"), 1_000, 100_000_000, 700_000, step=1_000, key="ry", **ui.BIND)
    fee = c3.slider(T("bcfinance.amm.fee"), 0, 100, 30, key="fee", help=T("bcfinance.amm.fee_help"), **ui.BIND)
    n = c4.slider(T("bcfinance.amm.trades"), 1, 12, 6, key="ntr", **ui.BIND)
    big = c5.slider(T("bcfinance.amm.whale"), 0, 150, 20, step=5, key="whale", help=T("bcfinance.amm.whale_help"),
                    **ui.BIND)
    seed = st.number_input(T("bcfinance.seed"), 0, 9999, 7, key="seed", **ui.BIND)
    trace = None
    with ui.guard():
        trace = draw.amm_run(int(x), int(y), int(n), int(seed), int(fee), int(x) * int(big) // 100)
    if trace is not None:
        def show(step) -> None:
            s = step.state
            m1, m2, m3, m4 = st.columns(4)
            m1.metric(T("bcfinance.amm.reserve_x"), ui.num(s["x"]))
            m2.metric(T("bcfinance.amm.reserve_y"), ui.num(s["y"]))
            m3.metric(T("bcfinance.amm.price"), ui.num(s["price"], 4))
            m4.metric(T("bcfinance.amm.k_growth"), ui.pct(s["k_growth"], 4))
            draw.draw_block(s["block"], T)
            # the swaps so far: the price path grows with the player
            ui.chart(draw.amm_figure(prices, impacts, position(shown, step) - 1), key="bcf_amm_fig")

        prices = tuple(s.state["price"] for s in trace)
        impacts = tuple(s.state.get("impact", 0.0) for s in trace)
        shown = draw.localise(trace, T)
        index = ui.step_player(shown, show, key="bcf_amm")
        last = trace.steps[-1]
        run_summary(T("bcfinance.amm.happened", n=len(trace) - 1, p0=prices[0], p1=prices[-1],
                      worst=max(impacts), k=last.state["k_growth"], fee=int(fee)), len(trace), index == len(trace) - 1)
        ui.download_csv(pd.DataFrame([{"step": n, "trader": s.params.get("trader", ""), "paid": s.params.get("amount", 0),
                                       "received": s.params.get("out", 0), "reserve_x": s.state["x"],
                                       "reserve_y": s.state["y"], "price_y_per_x": s.state["price"],
                                       "impact": s.state.get("impact", 0.0),
                                       "block": (s.state["block"] or {}).get("number", "")}
                                      for n, s in enumerate(trace, start=1)]), "bcfinance-amm-swaps.csv",
                        key="dl_bcf_amm")
    r_move = st.slider(T("bcfinance.amm.move"), 0.1, 10.0, 2.0, step=0.1, key="move", help=T("bcfinance.amm.move_help"),
                       **ui.BIND)
    grid = tuple(float(v) for v in pd.Series([0.1 * 1.05 ** i for i in range(95)]))
    curve = defi.lp_versus_hold(1.0, 1.0, grid)
    ui.chart(draw.il_figure(grid, tuple(curve["lp"]), tuple(curve["hold"]), float(r_move)), key="bcf_il")
    il = defi.impermanent_loss(float(r_move))
    ui.what_happened(T("bcfinance.amm.il_happened", r=float(r_move), il=il))
    st.markdown(f"#### {T('bcfinance.pool.heading')}")
    intro("bcfinance.pool.intro")
    p1, p2, p3, p4, p5 = st.columns(5)
    nb = p1.slider(T("bcfinance.pool.borrowers"), 2, 20, 10, key="nb", **ui.BIND)
    drop = p2.slider(T("bcfinance.pool.drop"), 0, 90, 25, step=5, key="pdrop", **ui.BIND)
    ltv = p3.slider(T("bcfinance.pool.ltv"), 10, 95, 75, key="ltv", help=T("bcfinance.pool.ltv_help"), **ui.BIND)
    thr = p4.slider(T("bcfinance.pool.threshold"), 10, 99, 80, key="lt", help=T("bcfinance.pool.threshold_help"),
                    **ui.BIND)
    bonus = p5.slider(T("bcfinance.pool.bonus"), 0, 50, 5, key="bonus", **ui.BIND)
    pool = None
    with ui.guard():
        pool = draw.pool_run(int(nb), int(seed), 300_000, drop / 100.0, ltv / 100.0, thr / 100.0, bonus / 100.0)
    if pool is not None:
        before, after = pool.steps[0].state["rows"], pool.steps[1].state["rows"]
        ui.chart(draw.hf_figure(tuple(r["who"] for r in before), tuple(r["hf"] for r in before),
                                tuple(r["hf"] for r in after)), key="bcf_hf")
        ui.what_happened(T("bcfinance.pool.happened", n=int(nb), drop=drop / 100.0, liquidated=pool.meta["liquidated"],
                           repaid=pool.meta["repaid"], seized=pool.meta["seized"], bad=pool.meta["bad_debt"],
                           blocks=pool.meta["liquidated"]))
    st.markdown(f"#### {T('bcfinance.amm.risks')}")
    source_of("terra_2022")
    source_of("euler_2023")
    ui.takeaway(T("bcfinance.amm.takeaway"))


# ================================================================== 5. proof of reserves
def reserves() -> None:
    st.subheader(T("bcfinance.pol.heading"))
    intro("bcfinance.pol.intro")
    c1, c2, c3 = st.columns(3)
    n = c1.slider(T("bcfinance.pol.customers"), 4, 32, 8, key="ncust", **ui.BIND)
    share = c2.slider(T("bcfinance.pol.reserve_share"), 50, 120, 90, step=5, key="res",
                      help=T("bcfinance.pol.reserve_help"), **ui.BIND)
    seed = c3.number_input(T("bcfinance.seed"), 0, 9999, 1, key="pseed", **ui.BIND)
    scenario = st.radio(T("bcfinance.pol.scenario"), list(contracts.POL_SCENARIOS), horizontal=True, key="bcf_pol",
                        persist_state="page", format_func=lambda s: T(f"bcfinance.pol.scenario_{s}"))
    audit = None
    with ui.guard():
        audit = draw.audit_run(int(n), int(seed), share / 100.0, scenario)
    if audit is None:
        return
    tree = audit["tree"]
    names = [c["account"] for c in audit["checks"]]
    me = st.selectbox(T("bcfinance.pol.me"), names, index=names.index(audit["target"]), key="bcf_me",
                      persist_state="page", help=T("bcfinance.pol.me_help"))
    mine = next(c for c in audit["checks"] if c["account"] == me)
    path, sibs, bad = set(), set(), set()
    if me in tree.accounts:
        i = tree.accounts.index(me)
        for d in range(len(tree.levels)):
            path.add((d, i))
            if d < len(tree.levels) - 1:
                sibs.add((d, i ^ 1))
            i //= 2
    for d, level in enumerate(tree.levels):
        for i, (_, s) in enumerate(level):
            if s < 0:
                bad.add((d, i))
    levels = tuple(tuple(s for _, s in level) for level in tree.levels)
    ui.chart(draw.tree_figure(levels, tuple(sorted(path)), tuple(sorted(sibs)), tuple(sorted(bad))), key="bcf_tree")
    if me in tree.accounts:
        proof = tree.proof(me)
        st.dataframe(pd.DataFrame([{T("bcfinance.pol.level"): p["level"], T("bcfinance.pol.side"):
                                    T(f"bcfinance.pol.side_{p['side']}"), T("bcfinance.pol.sibling"): draw.short(p["hash"], 16),
                                    T("bcfinance.pol.sum"): ui.money(p["sum"])} for p in proof]), hide_index=True)
        with st.expander(T("bcfinance.pol.by_hand")):
            st.markdown(T("bcfinance.pol.by_hand_intro"))
            st.code(json.dumps(proof, indent=1), language="json")
            text = st.text_area(T("bcfinance.pol.paste"), value="", max_chars=6000, key="bcf_paste",
                                persist_state="page")
            claim = st.number_input(T("bcfinance.pol.claim"), -10_000_000, 10_000_000, int(mine["balance"]),
                                    key="bcf_claim", persist_state="page")
            if text.strip():
                with ui.guard():
                    try:
                        pasted = json.loads(text)
                    except ValueError:
                        raise InputError("bcf_proof_malformed", "not JSON") from None
                    ok = contracts.verify_inclusion(tree.root, me, int(claim), pasted)
                    if ok:
                        st.success(T("bcfinance.pol.hand_ok"), icon="✅")
                    else:
                        st.warning(T("bcfinance.pol.hand_bad"), icon="🚫")
    st.dataframe(pd.DataFrame([{T("bcfinance.pol.customer"): c["account"], T("bcfinance.pol.balance"): ui.money(c["balance"]),
                                T("bcfinance.pol.check"): ("✅ " if c["ok"] else "❌ ") + T(f"bcfinance.pol.reason_{c['reason']}")}
                               for c in audit["checks"]]), hide_index=True)
    ui.chart(draw.reserves_figure(audit["true_total"], audit["published_total"], audit["reserves"]), key="bcf_res")
    caught = ", ".join(audit["caught_by"]) or T("bcfinance.pol.nobody")
    ui.what_happened(T("bcfinance.pol.happened", scenario=T(f"bcfinance.pol.scenario_{scenario}"), root=tree.root[:16],
                       published=audit["published_total"], true=audit["true_total"], reserves=audit["reserves"],
                       hidden=audit["hidden"], caught=caught, me=me,
                       mine=T("bcfinance.pol.mine_ok" if mine["ok"] else "bcfinance.pol.mine_bad"),
                       cover=T("bcfinance.pol.covered" if audit["covered"] else "bcfinance.pol.not_covered")))
    if not audit["true_covered"]:
        st.markdown(T("bcfinance.pol.true_short", short=audit["true_total"] - audit["reserves"]))
    st.markdown(T("bcfinance.pol.china"))
    pages = dict((pid, path) for pid, path, _ in ui.available_pages())
    links = st.columns(2)
    for col, pid in zip(links, ("payments", "lending")):
        if pid in pages:
            col.page_link(pages[pid], label=T("bcfinance.pol.open", page=T(f"nav.{pid}")), icon="➡️",
                          query_params=ui.link_params())
    source_of("ftx_por")
    ui.takeaway(T("bcfinance.pol.takeaway"))
    ui.download_csv(pd.DataFrame(audit["checks"]), "bcfinance-proof-checks.csv", key="dl_bcf_pol")


# ================================================================== 6. micro-loans
def micro() -> None:
    st.subheader(T("bcfinance.micro.heading"))
    intro("bcfinance.micro.intro")
    c1, c2, c3, c4, c5 = st.columns(5)
    n = c1.slider(T("bcfinance.micro.borrowers"), 20, 1000, 200, step=10, key="mn", **ui.BIND)
    group = c2.slider(T("bcfinance.micro.group"), 2, 10, 5, key="grp", **ui.BIND)
    p = c3.slider(T("bcfinance.micro.p"), 50, 100, 90, key="mp", help=T("bcfinance.micro.p_help"), **ui.BIND)
    shock = c4.slider(T("bcfinance.micro.shock"), 0, 50, 10, key="shock", help=T("bcfinance.micro.shock_help"),
                      **ui.BIND)
    cover = c5.slider(T("bcfinance.micro.cover"), 0, 3, 1, key="cover", help=T("bcfinance.micro.cover_help"), **ui.BIND)
    seed = st.number_input(T("bcfinance.seed"), 0, 9999, 7, key="mseed", **ui.BIND)
    res = None
    with ui.guard():
        res = draw.micro_run(int(n), int(group), p / 100.0, shock / 100.0, int(cover), int(seed))
    if res is None:
        return
    m1, m2, m3 = st.columns(3)
    m1.metric(T("bcfinance.micro.individual"), ui.pct(res["indiv_rate"]))
    m2.metric(T("bcfinance.micro.joint"), ui.pct(res["joint_rate"]))
    m3.metric(T("bcfinance.micro.carried"), ui.money(res["carried_fen"]), help=T("bcfinance.micro.carried_help"))
    ui.chart(draw.micro_figure(tuple(res["indiv_by_month"]), tuple(res["joint_by_month"]), tuple(res["bad_months"])),
             key="bcf_micro")
    ui.what_happened(T("bcfinance.micro.happened", n=res["n"], groups=res["groups"], indiv=res["indiv_rate"],
                       joint=res["joint_rate"], loss_i=res["indiv_loss_fen"], loss_j=res["joint_loss_fen"],
                       carried=res["carried_fen"], failed=res["groups_failed"], pay=int(res["pay"][0])))
    source_of("gine_karlan")
    source_of("findex_2024")
    st.markdown(T("bcfinance.micro.chain"))
    ui.takeaway(T("bcfinance.micro.takeaway"))
    ui.download_csv(pd.DataFrame({"month": range(1, res["months"] + 1), "individual": res["indiv_by_month"],
                                  "joint": res["joint_by_month"], "bad_month": res["bad_months"]}),
                    "bcfinance-microloans.csv", key="dl_bcf_micro")


# ================================================================== 7. where the article stands today
def today() -> None:
    st.subheader(T("bcfinance.today.heading"))
    intro("bcfinance.today.intro")
    claims = T.list("bcfinance.today.claims")
    verdicts = T.list("bcfinance.today.verdicts")
    ids = ["mybank_310", "tokenised_treasuries", "terra_2022", "ftx_por", "gine_karlan", "stablecoins_300", "bis_2025",
           "china_stablecoin_2025", "ecny_2026"]
    rows = []
    for claim, verdict, fid in zip(claims, verdicts, ids):
        text, date, source = draw.fact(fid, T.lang)
        rows.append({T("bcfinance.today.col_claim"): claim, T("bcfinance.today.col_now"): verdict,
                     T("bcfinance.today.col_fact"): text, T("bcfinance.today.col_date"): date,
                     T("bcfinance.today.col_source"): source})
    table = pd.DataFrame(rows)
    for row, claim, verdict in zip(rows, claims, verdicts):
        with st.container(border=True):
            st.markdown(f"**{claim}**  \n{verdict}")
            st.markdown(f"📌 {row[T('bcfinance.today.col_fact')]}")
            ui.source_note(f"{row[T('bcfinance.today.col_source')]} ({row[T('bcfinance.today.col_date')]})")
    delivered = sum(1 for v in verdicts if v.startswith("✅"))
    ui.what_happened(T("bcfinance.today.happened", n=len(rows), delivered=delivered, partly=sum(
        1 for v in verdicts if v.startswith("🟡")), not_yet=sum(1 for v in verdicts if v.startswith("❌"))))
    st.markdown(f"#### {T('bcfinance.today.prompts_heading')}")
    st.markdown("\n".join(f"{i}. {q}" for i, q in enumerate(T.list("bcfinance.today.prompts"), start=1)))
    ui.takeaway(T("bcfinance.today.takeaway"))
    ui.download_csv(table, "bcfinance-claims-today.csv", key="dl_bcf_today")


ui.sections("bcfinance", {"loan": loan, "escrow": escrow, "tokens": tokenisation, "defi": defi_tab,
                          "reserves": reserves, "micro": micro, "today": today})
ui.quiz("bcfinance", ["q1", "q2", "q3", "q4", "q5", "q6"])
ui.references("bcfinance")
