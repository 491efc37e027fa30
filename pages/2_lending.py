"""Chapter 3 · P2P lending: credit scoring, matching, repayment, portfolio risk, custody and failure, disclosure.

Six sections, one per tab; only the open one runs (``?tab=<name>``).  Scenario controls are bound to
the URL under their key (``?seed=``, ``?r=``, ...), so a lecturer's link opens the exact scenario.
The work is cached and every chart is a ``@ui.figure`` builder, both in ui/draw_lending.py (imported
once; this script runs again on every rerun).
"""
import pandas as pd
import streamlit as st

import ui
from core import credit, p2p
from ui import draw_lending as draw
from ui.check import chapter_check

T = ui.frame("lending")
ui.header("lending")


def intro(key: str) -> None:
    """A tab's explanation; in presenter mode it folds away so the projected screen stays short."""
    ui.explain(T(key), T("lending.explanation"))


def run_summary(text: str, steps: int, at_end: bool) -> None:
    """A whole run's 'what just happened', revealed at the player's last step (``ui.run_summary``)."""
    ui.run_summary(T("lending.run_summary", n=steps), text, at_end)


def feature_name(short: str) -> str:
    return draw.feature_name(short, T)


def level_name(short: str, value) -> str:
    return draw.level_name(short, value, T)


def applicant_points(card: credit.Scorecard, fit: tuple, profile: dict) -> pd.DataFrame:
    """This applicant's points per characteristic, kept in the session while the fit and the profile stay the
    same (scoring costs ~1 ms, and most reruns change neither).  Read it, never change it."""
    key = (fit, tuple(profile.items()))
    kept = st.session_state.get("_lend_points")
    if kept is None or kept[0] != key:
        kept = (key, card.score_applicant(profile))
        st.session_state["_lend_points"] = kept
    return kept[1]


def moves_tables(now: dict) -> tuple:
    """The month's pool and custody ledger moves as shown (Arrow tables), kept in the session while the same
    month is on screen in the same language (most reruns)."""
    key = (T.lang, tuple(map(tuple, now["pool_moves"])), tuple(map(tuple, now["cus_moves"])))
    kept = st.session_state.get("_lend_moves")
    if kept is None or kept[0] != key:
        columns = [T(f"lending.fail.col_{c}") for c in ("from", "to", "amount", "memo")]

        def table(moves):
            return draw.arrow(pd.DataFrame([(T(f"lending.fail.acct.{a}"), T(f"lending.fail.acct.{b}"), ui.money(f),
                                             T(f"lending.fail.memo.{m}")) for a, b, f, m in moves], columns=columns))

        kept = (key, (table(now["pool_moves"]), table(now["cus_moves"])))
        st.session_state["_lend_moves"] = kept
    return kept[1]


def figures(section: str) -> dict:
    """Headline figures of ``section``'s latest run in this session, offered as one CSV at the end of the page."""
    return ui.file_figures("lending", section)


# ================================================================== 1. registration and credit assessment
def score() -> None:
    summary = figures("score")
    st.subheader(T("lending.score.heading"))
    intro("lending.score.intro")
    c1, c2, c3, c4 = st.columns(4)
    seed = c1.number_input(T("lending.score.seed"), 0, 9999, 42, step=1, key="seed",
                           help=T("lending.score.seed_help"), **ui.BIND)
    base_score = c2.number_input(T("lending.score.base_score"), 300, 900, 600, step=10, key="base",
                                 help=T("lending.score.base_score_help"), **ui.BIND)
    base_odds = c3.number_input(T("lending.score.base_odds"), 1, 1000, 50, step=1, key="odds",
                                help=T("lending.score.base_odds_help"), **ui.BIND)
    pdo = c4.number_input(T("lending.score.pdo"), 5, 100, 20, step=5, key="pdo", help=T("lending.score.pdo_help"),
                          **ui.BIND)
    fit = (int(seed), int(base_score), int(base_odds), int(pdo))
    card = None
    with ui.guard():
        fitted = draw.fit(*fit)
        card = fitted.card
    if card is not None:
        data = draw.tables().german
        dom = card.domain

        def load_row() -> None:
            row = data.iloc[int(st.session_state["lend_row"]) - 1]
            for f in card.features:
                st.session_state[f"lend_prof_{f}"] = row[f] if credit.FEATURES[f][1] == "cat" else int(row[f])

        form = st.expander(T("lending.score.profile"), icon="📝")
        r1, r2 = form.columns([1, 3], vertical_alignment="bottom")
        r1.number_input(T("lending.score.row"), 1, len(data), 1, key="lend_row", persist_state="page",
                        help=T("lending.score.row_help"))
        r2.button(T("lending.score.load"), key="lend_load", on_click=load_row, help=T("lending.score.load_help"))
        first = data.iloc[0]
        profile = {f: first[f] for f in credit.FEATURES}
        cols = form.columns(4)
        for n, f in enumerate(card.features):
            col = cols[n % 4]
            key = f"lend_prof_{f}"
            if credit.FEATURES[f][1] == "cat":
                opts = list(dom[f])
                st.session_state.setdefault(key, first[f])
                profile[f] = col.selectbox(feature_name(f), opts, key=key, persist_state="page",
                                           format_func=lambda v, f=f: level_name(f, v),
                                           help=T("lending.score.iv_help", iv=float(card.iv[f])))
            else:
                lo, hi = dom[f]
                st.session_state.setdefault(key, int(first[f]))
                profile[f] = col.number_input(feature_name(f), lo, hi, step=1, key=key, persist_state="page",
                                              help=T("lending.score.range_help", lo=lo, hi=hi, iv=float(card.iv[f])))
        pts = None
        with ui.guard():
            pts = applicant_points(card, fit, profile)
        if pts is not None:
            total = float(pts["points"].sum())
            pd_ = float(card.pd_from_score(total))
            grade = credit.grade_from_pd(pd_)
            months = int(profile["duration"])
            pd_year = credit.annual_pd(pd_, months)
            m1, m2, m3, m4 = st.columns(4)
            m1.metric(T("lending.score.total"), ui.num(total))
            m2.metric(T("lending.score.pd"), ui.pct(pd_), help=T("lending.score.pd_help", months=months))
            m3.metric(T("lending.score.grade"), grade, help=T("lending.score.grade_help"))
            if grade == "F":
                m4.metric(T("lending.score.rate"), T("lending.score.declined"))
                rate = None
            else:
                rate = credit.risk_based_rate(pd_year)
                m4.metric(T("lending.score.rate"), ui.pct(rate), help=T("lending.score.rate_help"))
            left, right = st.columns([1, 1])
            with left:
                ui.chart(draw.points_bar(tuple(pts["feature"]), pts["points"].to_numpy(), pts["woe"].to_numpy()),
                         key="lend_points")
            auc, ks, ks_cut = fitted.auc, fitted.ks, fitted.ks_cut
            with right:
                roc = fitted.roc
                ui.chart(draw.roc_figure(roc["fpr"].to_numpy(), roc["tpr"].to_numpy(), auc, ks, fitted.ks_at),
                         key="lend_roc")
            # the bounds follow the fit (a new fit is a new slider); a ?cut= outside them is dropped, and so is
            # a cut-off kept from another fit: the slider then starts at this fit's KS point
            lo_s, hi_s = int(card.test_score.min()), int(card.test_score.max()) + 1
            if not lo_s <= st.session_state.get("cut", lo_s) <= hi_s:
                del st.session_state["cut"]
            cutoff = st.slider(T("lending.score.cutoff"), lo_s, hi_s, int(round(ks_cut)), key="cut",
                               help=T("lending.score.cutoff_help"), **ui.BIND)
            ui.chart(draw.score_hist(card.test_score, card.test_bad, total, cutoff), key="lend_hist")
            eff = credit.cutoff_effect(card.test_score, card.test_bad, cutoff)
            e1, e2, e3, e4 = st.columns(4)
            e1.metric(T("lending.score.approval_rate"), ui.pct(eff["approval_rate"]))
            e2.metric(T("lending.score.bad_rate_approved"), ui.pct(eff["bad_rate_approved"]))
            e3.metric(T("lending.score.bads_rejected"), ui.pct(eff["bads_rejected"]))
            e4.metric(T("lending.score.goods_rejected"), ui.pct(eff["goods_rejected"]))
            st.markdown(T("lending.score.cutoff_text", cutoff=cutoff, n=card.n_test, approved=eff["approved"],
                          bad_ok=eff["bad_rate_approved"], bad_no=eff["bad_rate_rejected"],
                          decision=T("lending.score.approved" if total >= cutoff else "lending.score.rejected")))
            summary.update({"score": round(total, 2), "pd_loan_life": round(pd_, 6), "grade": grade,
                            "test_auc": round(auc, 6), "test_ks": round(ks, 6)})
            best = pts.loc[pts["points"].idxmax()]
            worst = pts.loc[pts["points"].idxmin()]
            ui.what_happened(T("lending.score.happened", total=total, pd=pd_, months=months, pd_year=pd_year,
                               grade=grade, best=feature_name(best["feature"]),
                               best_value=level_name(best["feature"], best["value"]), best_pts=float(best["points"]),
                               worst=feature_name(worst["feature"]),
                               worst_value=level_name(worst["feature"], worst["value"]),
                               worst_pts=float(worst["points"]), k=len(card.features), n_test=card.n_test,
                               n_train=card.n_train, auc=auc, ks=ks, ks_cut=ks_cut, factor=card.factor,
                               offset=card.offset))
            if rate is not None:
                st.markdown(T("lending.score.rate_text", pd_year=pd_year, rate=rate))
            with st.expander(T("lending.score.table_title")):
                table, iv = fitted.tables[T.lang]
                formats = draw.score_table_formats(T)
                for shown, wide in ((table, True), (iv, False)):
                    st.dataframe(shown, hide_index=True, width="stretch" if wide else "content",
                                 column_config={c: f for c, f in formats.items() if c in shown.column_names})
            ui.download_csv(fitted.points, "lending-scorecard.csv", key="dl_lend_card")
    ui.source_note(T("lending.score.source"))
    ui.takeaway(T("lending.score.takeaway"))

# ================================================================== 2. matching investors
def match() -> None:
    summary = figures("match")
    st.subheader(T("lending.match.heading"))
    intro("lending.match.intro")
    c1, c2, c3, c4, c5 = st.columns(5)
    mseed = c1.number_input(T("lending.match.seed"), 0, 9999, 7, key="mseed", help=T("lending.match.seed_help"),
                            **ui.BIND)
    n_loans = c2.slider(T("lending.match.n_loans"), 3, 12, 8, key="loans", help=T("lending.match.n_loans_help"),
                        **ui.BIND)
    n_inv = c3.slider(T("lending.match.n_investors"), 5, 40, 20, key="investors",
                      help=T("lending.match.n_investors_help"), **ui.BIND)
    # options shown as money: a bound select_slider would put "¥1,000" in the URL, so these two keep ?note=1000
    note = c4.select_slider(T("lending.match.note"), [500, 1000, 2000, 5000],
                            ui.url_value("note", 1000, options=[500, 1000, 2000, 5000]), key="lend_note",
                            persist_state="page", format_func=lambda v: f"¥{v:,}", help=T("lending.match.note_help"))
    cap = c5.select_slider(T("lending.match.cap"), [5000, 10000, 20000, 50000],
                           ui.url_value("cap", 10000, options=[5000, 10000, 20000, 50000]), key="lend_cap",
                           persist_state="page", format_func=lambda v: f"¥{v:,}", help=T("lending.match.cap_help"))
    ui.sync_url(note=note, cap=cap)
    st.info(T("lending.match.rule", note=int(note), cap=int(cap)))
    loans_df, inv_df = draw.market(int(mseed), int(n_loans), int(n_inv))
    # one above the other (side by side, a projector cut both tables' last columns off); in the editor the
    # columns a student edits come first and are narrow, so a phone shows them without scrolling sideways
    st.markdown(f"**{T('lending.match.loans_title')}**")
    st.dataframe(loans_df.rename(columns=lambda c: T(f"lending.match.col.{c}")), hide_index=True, width="stretch",
                 column_config={T("lending.match.col.rate"): st.column_config.NumberColumn(format="percent"),
                                T("lending.match.col.amount"): st.column_config.NumberColumn(format="localized")})
    st.markdown(f"**{T('lending.match.bids_title')}**")
    # the investor's name is the (pinned, read-only) index: it stays in view while a phone scrolls sideways
    edited = st.data_editor(
        inv_df.set_index("investor"), width="stretch", key=f"lend_bids_{mseed}_{n_inv}",
        column_order=["bid", "min_rate", "grades", "cash"],
        column_config={
            "_index": st.column_config.TextColumn(T("lending.match.col.investor"), width=84),
            "cash": st.column_config.NumberColumn(T("lending.match.col.cash"), min_value=0, max_value=10_000_000,
                                                  step=1000, format="localized", width=96,
                                                  help=T("lending.match.cash_help")),
            "bid": st.column_config.NumberColumn(T("lending.match.col.bid"), min_value=0, max_value=10_000_000,
                                                 step=1000, format="localized", width=86,
                                                 help=T("lending.match.bid_help")),
            "min_rate": st.column_config.NumberColumn(T("lending.match.col.min_rate"), min_value=0.0, max_value=1.0,
                                                      step=0.005, format="percent", width=92,
                                                      help=T("lending.match.min_rate_help")),
            "grades": st.column_config.TextColumn(T("lending.match.col.grades"), max_chars=5, width=80,
                                                  help=T("lending.match.grades_help")),
        }).reset_index()
    matched = None
    with ui.guard():
        matched = draw.match_run(loans_df, edited, int(note), int(cap))
        st.session_state["lend_match"] = matched
    if matched is None and "lend_match" in st.session_state:
        st.caption(T("lending.match.kept"))
        matched = st.session_state["lend_match"]
    if matched is not None:
        trace, lo_sum, inv_sum = matched

        investors, loan_ids = tuple(trace.meta["investors"]), tuple(trace.meta["loans"])

        def draw_match(step) -> None:
            ui.chart(draw.match_figure(*draw.match_args(step.state), investors, loan_ids), key="lend_match_fig")

        at = ui.step_player(trace, draw_match, key="lend_match_player")
        done = trace[-1].params
        invested = inv_sum[inv_sum["invested"] > 0]
        summary.update({"loans_full": done["full"], "loans_partial": done["partial"], "loans_unfunded": done["none"]})
        run_summary(T("lending.match.happened", full=done["full"], partial=done["partial"], none=done["none"],
                      n=len(lo_sum), raised=done["raised_fen"], asked=done["asked_fen"], idle=done["idle_fen"],
                      investors=len(invested), spread=float(invested["loans_held"].mean()) if len(invested) else 0.0,
                      most=int(inv_sum["loans_held"].max())), len(trace), at == len(trace) - 1)
        ui.download_csv(inv_sum, "lending-matching.csv", key="dl_lend_match")
    ui.takeaway(T("lending.match.takeaway"))

# ================================================================== 3. disbursement and repayment
def repay() -> None:
    summary = figures("repay")
    st.subheader(T("lending.sched.heading"))
    intro("lending.sched.intro")
    c1, c2, c3, c4, c5 = st.columns(5)
    principal = c1.number_input(T("lending.sched.amount"), 0.0, 10_000_000.0, 100000.0, step=1000.0, key="p",
                                help=T("lending.sched.amount_help"), **ui.BIND)
    rate_pct = c2.number_input(T("lending.sched.rate"), 0.0, 1000.0, 4.9, step=0.1, format="%.2f", key="r",
                               help=T("lending.sched.rate_help"), **ui.BIND)
    months_in = c3.number_input(T("lending.sched.months"), 0, 360, 120, step=1, key="n",
                                help=T("lending.sched.months_help"), **ui.BIND)
    up_pct = c4.number_input(T("lending.sched.upfront"), 0.0, 30.0, 3.0, step=0.5, key="up",
                             help=T("lending.sched.upfront_help"), **ui.BIND)
    mf_pct = c5.number_input(T("lending.sched.monthly_fee"), 0.0, 3.0, 0.2, step=0.05, format="%.2f", key="mf",
                             help=T("lending.sched.monthly_fee_help"), **ui.BIND)
    with ui.guard():
        terms = (float(principal), rate_pct / 100, int(months_in), up_pct / 100, mf_pct / 100)
        cost_a, cost_b = draw.costs(*terms)
        st.session_state["lend_sched"] = (cost_a, cost_b, float(principal), rate_pct, int(months_in))
    if "lend_sched" in st.session_state:
        cost_a, cost_b, p_ok, r_ok, n_ok = st.session_state["lend_sched"]
        if (p_ok, r_ok, n_ok) != (float(principal), rate_pct, int(months_in)):
            st.caption(T("lending.sched.kept", p=p_ok, r=r_ok / 100, n=n_ok))
        a, b = cost_a["schedule"], cost_b["schedule"]
        ui.chart(draw.schedule_figure(draw.schedule_args(a), draw.schedule_args(b)), key="lend_sched_fig")
        left, right = st.columns(2)
        for col, c, name in ((left, cost_a, "installment"), (right, cost_b, "principal")):
            with col.container(border=True):
                st.markdown(f"**{T(f'lending.sched.{name}')}**")
                k1, k2, k3 = st.columns(3)
                k1.metric(T("lending.sched.first"), ui.yuan(c["schedule"]["payment"].iloc[0]))
                k2.metric(T("lending.sched.total_interest"), ui.yuan(c["total_interest"]))
                k3.metric(T("lending.sched.true_cost"), ui.pct(c["ear"], 2), help=T("lending.sched.true_cost_help"))
                st.caption(T("lending.sched.cost_line", received=c["received"], fees=c["total_fees"],
                             paid=c["total_paid"], apr=c["apr"], ear=c["ear"]))
        cols = {c: T(f"lending.sched.col_{c}") for c in a.columns}
        both = pd.concat({T("lending.sched.installment"): a.rename(columns=cols),
                          T("lending.sched.principal"): b.rename(columns=cols)}, axis=1)
        both.index.name = T("lending.sched.axis_month")
        st.dataframe(both.head(12).style.format(lambda v: ui.num(v, 2)), width="stretch")
        ui.what_happened(T("lending.sched.happened", p=p_ok, r=r_ok / 100, n=n_ok, pay=float(a["payment"].iloc[0]),
                           first=float(b["payment"].iloc[0]), last=float(b["payment"].iloc[-1]),
                           int_a=cost_a["total_interest"], int_b=cost_b["total_interest"],
                           saved=cost_a["total_interest"] - cost_b["total_interest"], ear=cost_a["ear"],
                           apr=cost_a["apr"], fees=cost_a["total_fees"]))
        summary.update({"installment_total_interest": cost_a["total_interest"], "installment_ear": round(cost_a["ear"], 6),
                        "principal_total_interest": cost_b["total_interest"], "principal_ear": round(cost_b["ear"], 6)})
        out = pd.concat({"installment": a, "principal": b}, axis=1)
        out.columns = [f"{x}_{y}" for x, y in out.columns]
        ui.download_csv(out.reset_index(), "lending-schedules.csv", key="dl_lend_sched")
    ui.source_note(T("lending.sched.source"))
    ui.takeaway(T("lending.sched.takeaway"))

# ================================================================== 4. portfolio risk
def risk() -> None:
    summary = figures("risk")
    st.subheader(T("lending.risk.heading"))
    intro("lending.risk.intro")
    rates = p2p.grade_rates()
    grade_table = pd.DataFrame([[ui.pct(p2p.GRADE_PD[g]) for g in p2p.GRADES], [ui.pct(rates[g], 2) for g in p2p.GRADES]],
                               index=[T("lending.risk.col_pd"), T("lending.risk.col_rate")], columns=p2p.GRADES)
    grade_table.index.name = T("lending.risk.col_grade")
    with st.expander(T("lending.risk.grades_title"), icon="📋"):     # reference, folded: the controls come first
        st.dataframe(grade_table, width="stretch")
        st.caption(T("lending.risk.assumption", lgd=p2p.LGD, target=p2p.TARGET_RETURN))
    c1, c2, c3, c4, c5, c6 = st.columns(6)
    n_mc = c1.select_slider(T("lending.risk.loans"), [1000, 2000, 5000, 10000, 20000], 10000, key="mcloans",
                            help=T("lending.risk.loans_help"), **ui.BIND)
    n_sc = c2.select_slider(T("lending.risk.scen"), [200, 500, 1000, 2000], 1000, key="scen",
                            help=T("lending.risk.scen_help"), **ui.BIND)
    rho = c3.slider(T("lending.risk.rho"), 0.0, 0.5, 0.10, 0.05, format="%.2f", key="rho",
                    help=T("lending.risk.rho_help"), **ui.BIND)
    shock = c4.slider(T("lending.risk.shock"), 1.0, 5.0, 1.0, 0.5, format="×%.1f", key="shock",
                      help=T("lending.risk.shock_help"), **ui.BIND)
    reserve_pct = c5.slider(T("lending.risk.reserve"), 0.0, 20.0, 5.0, 0.5, format="%.1f%%", key="reserve",
                            help=T("lending.risk.reserve_help"), **ui.BIND)
    fee_pct = c6.slider(T("lending.risk.fee"), 0.0, 3.0, 1.0, 0.25, format="%.2f%%", key="fee",
                        help=T("lending.risk.fee_help"), **ui.BIND)
    sim = None
    with ui.guard():
        with st.spinner(T("lending.risk.running")):
            sim = draw.risk_run(int(n_mc), int(n_sc), float(rho), float(shock), fee_pct / 100, reserve_pct / 100, 42)
    if sim is not None:
        book = sim["book"]
        res = sim["reserve"]
        now = res[res["shock"] == float(shock)].iloc[0]
        fig_sum = sim["summary"]
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(T("lending.risk.mean_return"), ui.pct(fig_sum["mean"], 2))
        m2.metric(T("lending.risk.p05"), ui.pct(fig_sum["p05"], 2))
        m3.metric(T("lending.risk.p_loss"), ui.pct(fig_sum["p_loss"]))
        m4.metric(T("lending.risk.p_exhausted"), ui.pct(float(now["p_exhausted"])))
        g1, g2 = st.columns(2)
        with g1:
            ui.chart(draw.return_hist(book), key="lend_book_hist")
        with g2:
            div = sim["div"]
            ui.chart(draw.diversification_figure(div["notes"].to_numpy(), div["ret"].to_numpy()), key="lend_div")
        ui.chart(draw.reserve_figure(res["shock"].to_numpy(), res["p_exhausted"].to_numpy(),
                                     res["mean_loss"].to_numpy(), float(shock)), key="lend_reserve_fig")
        sd, q05 = fig_sum["sd"], fig_sum["q05"]
        summary.update({"book_mean_return": round(fig_sum["mean"], 6), "book_p05_return": round(fig_sum["p05"], 6),
                        "reserve_exhausted_share": float(now["p_exhausted"])})
        first_out = res[res["p_exhausted"] >= 0.5]
        ui.what_happened(T("lending.risk.happened", loans=int(n_mc), scen=int(n_sc), ms=sim["ms"],
                           mean=fig_sum["mean"], p05=fig_sum["p05"], sd1=sd[1], sd10=sd[10], sd100=sd[100],
                           q1=q05[1], q100=q05[100], reserve=reserve_pct / 100,
                           loss=float(now["mean_loss"]), p_ex=float(now["p_exhausted"]), shock=float(shock)))
        if len(first_out):
            st.markdown(T("lending.risk.half", half=float(first_out["shock"].iloc[0]), reserve=reserve_pct / 100))
        else:
            st.caption(T("lending.risk.never_half"))
        ui.download_csv(res, "lending-reserve-stress.csv", key="dl_lend_risk")
    ui.source_note(T("lending.risk.source"))
    ui.takeaway(T("lending.risk.takeaway"))

# ================================================================== 5. custody and platform failure
def fail() -> None:
    summary = figures("fail")
    st.subheader(T("lending.fail.heading"))
    intro("lending.fail.intro")
    c1, c2, c3, c4, c5 = st.columns(5)
    slow = c1.slider(T("lending.fail.slowdown"), 6, 36, 18, key="slow", help=T("lending.fail.slowdown_help"),
                     **ui.BIND)
    promised = c2.slider(T("lending.fail.promised"), 4.0, 20.0, 12.0, 0.5, format="%.1f%%", key="promise",
                         help=T("lending.fail.promised_help"), **ui.BIND)
    growth = c3.slider(T("lending.fail.growth"), 0.0, 15.0, 8.0, 1.0, format="%.0f%%", key="growth",
                       help=T("lending.fail.growth_help"), **ui.BIND)
    siphon = c4.slider(T("lending.fail.siphon"), 0.0, 30.0, 10.0, 1.0, format="%.0f%%", key="siphon",
                       help=T("lending.fail.siphon_help"), **ui.BIND)
    dflt = c5.slider(T("lending.fail.default"), 0.0, 20.0, 8.0, 1.0, format="%.0f%%", key="dflt",
                     help=T("lending.fail.default_help"), **ui.BIND)
    story = None
    with ui.guard():
        params = p2p.PlatformParams(months=36, slowdown_month=int(slow), promised_rate=promised / 100,
                                    growth=growth / 100, siphon=siphon / 100, default_rate=dflt / 100)
        story, history = draw.platform(params)
    if story is not None:
        def draw_fail(step) -> None:
            now = step.state["now"]
            left, right = st.columns([1, 1])
            with left:
                ui.chart(draw.platform_now(draw.now_args(now)), key="lend_fail_now")
            with right:
                ui.chart(draw.platform_history(draw.history_args(step.state["history"]), 36), key="lend_fail_hist")
            st.caption(T("lending.fail.published", rate=0.0, hidden=now["pool_hidden"] / 100,
                         losses=now["cus_losses"] / 100))
            with st.expander(T("lending.fail.moves_title", t=now["t"])):
                m_left, m_right = st.columns(2)
                for col, table, name in zip((m_left, m_right), moves_tables(now), ("pool", "custody")):
                    col.markdown(f"**{T(f'lending.fail.{name}_title')}**")
                    col.dataframe(table, hide_index=True, width="stretch")

        at = ui.step_player(story, draw_fail, key="lend_fail_player")
        run = next((s for s in story if s.key.endswith(".run")), None)
        last = story[-1].state["now"]
        cus = story.meta["custody"]
        summary.update({"pool_run_month": run.params["t"] if run is not None else "",
                        "pool_recovery": round(run.params["recovery"], 6) if run is not None else "",
                        "custody_return": round(cus["return"], 6)})
        custody = dict(losses=cus["losses_fen"] / 100, deposits=cus["deposits_fen"] / 100, worth=cus["worth_fen"] / 100,
                       gain=cus["return"])
        if run is not None:
            text = T("lending.fail.happened_run", slow=int(slow), month=run.params["t"],
                     recovery=run.params["recovery"], unpaid=last["pool_claims"] / 100,
                     hidden=run.params["hidden_before"], related=run.state["now"]["pool_related"] / 100,
                     postings=story.meta["pool_postings"], **custody)
        else:
            text = T("lending.fail.happened_norun", gap=last["pool_gap"] / 100, **custody)
        run_summary(text, len(story), at == len(story) - 1)
        st.markdown(f"#### {T('lending.fail.rules_title')}")
        tables = draw.tables()
        zh = ui.lang() == "zh"
        for rule_id, rule_en, rule_zh, text_zh, text_en in tables.rules:
            st.markdown(f"- **{rule_zh if zh else rule_en}**{'：' if zh else ': '}{text_zh if zh else text_en} "
                        f"→ {T('lending.fail.rule_link.' + rule_id)}")
        ui.source_note(T("lending.fail.rules_source"))
        ui.chart(draw.platform_counts(*tables.counts), key="lend_counts")
        st.markdown(T("lending.fail.counts_text", **tables.counts_text))
        ui.source_note(T("lending.fail.counts_source"))
        ui.download_csv(history, "lending-platform-story.csv", key="dl_lend_fail")
    ui.takeaway(T("lending.fail.takeaway"))

# ================================================================== 6. disclosure and caps
def disclose() -> None:
    summary = figures("disclose")
    st.subheader(T("lending.disc.heading"))
    intro("lending.disc.intro")
    c1, c2, c3 = st.columns(3)
    bseed = c1.number_input(T("lending.disc.seed"), 0, 9999, 11, key="bseed", help=T("lending.disc.seed_help"),
                            **ui.BIND)
    n_bor = c2.slider(T("lending.disc.borrowers"), 50, 1000, 300, 50, key="borrowers",
                      help=T("lending.disc.borrowers_help"), **ui.BIND)
    month = c3.slider(T("lending.disc.month"), 1, 12, 12, key="month", help=T("lending.disc.month_help"), **ui.BIND)
    disc = viol = None
    with ui.guard():
        _, disc = draw.loan_book(int(bseed), int(n_bor), 12)
        viol = draw.violations(int(bseed), int(n_bor), 12, int(month))
    if disc is not None and viol is not None:
        row = disc[disc["month"] == month].iloc[0]
        items = [("cum_volume", ui.yuan(row["cum_volume"])), ("cum_loans", ui.num(row["cum_loans"])),
                 ("balance", ui.yuan(row["balance"])), ("interest_balance", ui.yuan(row["interest_balance"])),
                 ("cum_borrowers", ui.num(row["cum_borrowers"])), ("cur_borrowers", ui.num(row["cur_borrowers"])),
                 ("cum_lenders", ui.num(row["cum_lenders"])), ("cur_lenders", ui.num(row["cur_lenders"])),
                 ("top10_share", ui.pct(row["top10_share"])), ("top1_share", ui.pct(row["top1_share"])),
                 ("overdue_amount", ui.yuan(row["overdue_amount"])), ("overdue_count", ui.num(row["overdue_count"])),
                 ("overdue90_amount", ui.yuan(row["overdue90_amount"])),
                 ("overdue90_count", ui.num(row["overdue90_count"])),
                 ("project_overdue_rate", ui.pct(row["project_overdue_rate"], 2)),
                 ("amount_overdue_rate", ui.pct(row["amount_overdue_rate"], 2))]
        # the picture first (a phone stacks the sixteen figures below into a long column)
        ui.chart(draw.disclosure_figure(*(disc[c].to_numpy() for c in ("month", "balance", "project_overdue_rate",
                                                                       "amount_overdue_rate")), int(month)),
                 key="lend_disc_fig")
        st.markdown(f"#### {T('lending.disc.dashboard', month=int(month))}")
        for start in range(0, len(items), 4):
            cols = st.columns(4)
            for col, (key, value) in zip(cols, items[start:start + 4]):
                col.metric(T(f"lending.disc.item.{key}"), value, help=T("lending.disc.item_help"))
        st.markdown(f"#### {T('lending.disc.caps_title')}")
        st.markdown(T("lending.disc.caps_rule"))
        if len(viol):
            show = viol.assign(kind=[T(f"lending.disc.kind_{k}") for k in viol["kind"]],
                               broken=[" + ".join(([T("lending.disc.broke_here")] if h else [])
                                                  + ([T("lending.disc.broke_total")] if t else []))
                                       for h, t in zip(viol["over_here"], viol["over_total"])])
            show = show[["borrower", "kind", "here", "elsewhere", "total", "broken"]]
            for c in ("here", "elsewhere", "total"):
                show[c] = [ui.yuan(v) for v in show[c]]
            show.columns = [T(f"lending.disc.col.{c}") for c in show.columns]
            st.dataframe(show, hide_index=True, width="stretch")
        else:
            st.success(T("lending.disc.no_violations"))
        summary.update({"disclosed_balance": float(row["balance"]), "cap_violations": len(viol)})
        n_here = int(viol["over_here"].sum()) if len(viol) else 0
        n_total = int(viol["over_total"].sum()) if len(viol) else 0
        ui.what_happened(T("lending.disc.happened", month=int(month), loans=int(row["cum_loans"]),
                           balance=float(row["balance"]), top10=float(row["top10_share"]),
                           top1=float(row["top1_share"]), rate=float(row["amount_overdue_rate"]),
                           n90=int(row["overdue90_count"]), viol=len(viol), here=n_here, total=n_total))
        ui.source_note(T("lending.disc.source"))
        ui.download_csv(disc, "lending-disclosure.csv", key="dl_lend_disc")
    ui.takeaway(T("lending.disc.takeaway"))
    chapter_check("lending", ["c1", "c2", "c3", "c4", "c5"])

SECTIONS = {"score": score, "match": match, "repay": repay, "risk": risk, "fail": fail, "disclose": disclose}
ui.sections("lending", SECTIONS)

st.divider()
ui.quiz("lending", ["q1", "q2", "q3", "q4", "q5", "q6", "q7"])
ui.summary_download("lending", SECTIONS, "lending-run-summary.csv", key="dl_lend_summary",
                    label=T("lending.summary_download"))
ui.references("lending")
