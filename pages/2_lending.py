"""Chapter 3 · P2P lending: credit scoring, matching, repayment, portfolio risk, custody and failure, disclosure."""
import time
from pathlib import Path

import pandas as pd
import streamlit as st

import ui
from core import credit, lending, p2p
from ui import draw_lending as draw

T = ui.frame("lending")
ui.header("lending")

DATA = Path(__file__).resolve().parent.parent / "data"


@st.cache_data(max_entries=16, show_spinner=False)
def _scorecard(seed: int, base_score: int, base_odds: int, pdo: int) -> credit.Scorecard:
    return credit.fit_scorecard(seed=seed, base_score=base_score, base_odds=base_odds, pdo=pdo)


@st.cache_data(show_spinner=False)
def _german() -> pd.DataFrame:
    return credit.load_german_credit()


@st.cache_data(max_entries=8, show_spinner=False)
def _risk(n_loans: int, n_scen: int, rho: float, shock: float, fee: float, reserve: float, seed: int) -> dict:
    portfolio = p2p.make_portfolio(n_loans)
    t0 = time.perf_counter()
    mc = p2p.simulate_defaults(portfolio, n_scen, rho=rho, shock=shock, fee=fee, seed=seed)
    ms = (time.perf_counter() - t0) * 1000
    book = mc.portfolio_return()
    shocks = sorted({1.0, 1.5, 2.0, 3.0, 4.0, 5.0, float(shock)})
    res = p2p.reserve_test(portfolio, reserve_share=reserve, shocks=shocks, n_scenarios=n_scen, rho=rho, seed=seed)
    return {"book": book, "div": p2p.diversification(mc), "ms": ms, "reserve": res}


@st.cache_data(max_entries=16, show_spinner=False)
def _platform(params: p2p.PlatformParams):
    return p2p.platform_story(params)


@st.cache_data(max_entries=8, show_spinner=False)
def _book(seed: int, n_borrowers: int, months: int):
    book = p2p.make_loan_book(seed, n_borrowers, months)
    return book, p2p.disclosure(book, months)


def feature_name(short: str) -> str:
    return T(f"lending.feature.{short}")


def level_name(short: str, value) -> str:
    if credit.FEATURES[short][1] == "cat":
        return T.list(f"lending.levels.{short}")[credit.LEVELS[short].index(value)]
    return str(value)


summary: dict = {}   # this run's headline figures, offered as one CSV at the end of the page
tabs = st.tabs([T("lending.tab.score"), T("lending.tab.match"), T("lending.tab.repay"), T("lending.tab.risk"),
                T("lending.tab.fail"), T("lending.tab.disclose")])

# ================================================================== 1. registration and credit assessment
with tabs[0]:
    st.subheader(T("lending.score.heading"))
    st.markdown(T("lending.score.intro"))
    c1, c2, c3, c4 = st.columns(4)
    seed = c1.number_input(T("lending.score.seed"), 0, 9999, ui.url_value("seed", 42, lo=0, hi=9999), step=1,
                           key="lend_seed", help=T("lending.score.seed_help"))
    base_score = c2.number_input(T("lending.score.base_score"), 300, 900,
                                 ui.url_value("base", 600, lo=300, hi=900), step=10, key="lend_base",
                                 help=T("lending.score.base_score_help"))
    base_odds = c3.number_input(T("lending.score.base_odds"), 1, 1000, ui.url_value("odds", 50, lo=1, hi=1000),
                                step=1, key="lend_odds", help=T("lending.score.base_odds_help"))
    pdo = c4.number_input(T("lending.score.pdo"), 5, 100, ui.url_value("pdo", 20, lo=5, hi=100), step=5,
                          key="lend_pdo", help=T("lending.score.pdo_help"))
    ui.sync_url(seed=seed, base=base_score, odds=base_odds, pdo=pdo)
    card = None
    with ui.guard():
        card = _scorecard(int(seed), int(base_score), int(base_odds), int(pdo))
    if card is not None:
        data = _german()
        dom = card.domain

        def load_row() -> None:
            row = data.iloc[int(st.session_state["lend_row"]) - 1]
            for f in card.features:
                st.session_state[f"lend_prof_{f}"] = row[f] if credit.FEATURES[f][1] == "cat" else int(row[f])

        st.markdown(f"#### {T('lending.score.profile')}")
        r1, r2 = st.columns([1, 3], vertical_alignment="bottom")
        r1.number_input(T("lending.score.row"), 1, len(data), 1, key="lend_row", help=T("lending.score.row_help"))
        r2.button(T("lending.score.load"), key="lend_load", on_click=load_row, help=T("lending.score.load_help"))
        first = data.iloc[0]
        profile = {f: first[f] for f in credit.FEATURES}
        cols = st.columns(4)
        for n, f in enumerate(card.features):
            col = cols[n % 4]
            key = f"lend_prof_{f}"
            if credit.FEATURES[f][1] == "cat":
                opts = list(dom[f])
                st.session_state.setdefault(key, first[f])
                profile[f] = col.selectbox(feature_name(f), opts, key=key,
                                           format_func=lambda v, f=f: level_name(f, v),
                                           help=T("lending.score.iv_help", iv=float(card.iv[f])))
            else:
                lo, hi = dom[f]
                st.session_state.setdefault(key, int(first[f]))
                profile[f] = col.number_input(feature_name(f), lo, hi, step=1, key=key,
                                              help=T("lending.score.range_help", lo=lo, hi=hi, iv=float(card.iv[f])))
        pts = None
        with ui.guard():
            pts = card.score_applicant(profile)
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
                ui.chart(draw.points_bar(pts, {f: feature_name(f) for f in card.features}, T), key="lend_points")
            with right:
                roc = credit.roc_curve(card.test_score, card.test_bad)
                auc = credit.auc(card.test_score, card.test_bad)
                ks, ks_cut = credit.ks_statistic(card.test_score, card.test_bad)
                ks_at = credit.ks_index(roc)
                ui.chart(draw.roc_figure(roc, auc, ks, ks_at, T), key="lend_roc")
            lo_s, hi_s = int(card.test_score.min()), int(card.test_score.max()) + 1
            cutoff = st.slider(T("lending.score.cutoff"), lo_s, hi_s,
                               ui.url_value("cut", int(round(ks_cut)), lo=lo_s, hi=hi_s),
                               key=f"lend_cut_{seed}_{base_score}_{base_odds}_{pdo}", help=T("lending.score.cutoff_help"))
            ui.sync_url(cut=cutoff)
            ui.chart(draw.score_hist(card.test_score, card.test_bad, total, T, cutoff), key="lend_hist")
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
                table = card.points_table()
                table["feature"] = [feature_name(f) for f in table["feature"]]
                table["label"] = [level_name(f, lab) if credit.FEATURES[f][1] == "cat" else lab
                                  for f, lab in zip(card.points_table()["feature"], table["label"])]
                st.dataframe(table.drop(columns=["bin"]).round({"bad_rate": 3, "woe": 3, "points": 1}),
                             hide_index=True, width="stretch")
                iv = card.iv.rename(index=feature_name).round(3).rename("IV").reset_index()
                iv.columns = [T("lending.score.col_feature"), "IV"]
                st.dataframe(iv, hide_index=True)
            ui.download_csv(card.points_table(), "lending-scorecard.csv", key="dl_lend_card")
    ui.source_note(T("lending.score.source"))
    ui.takeaway(T("lending.score.takeaway"))

# ================================================================== 2. matching investors
with tabs[1]:
    st.subheader(T("lending.match.heading"))
    st.markdown(T("lending.match.intro"))
    c1, c2, c3, c4, c5 = st.columns(5)
    mseed = c1.number_input(T("lending.match.seed"), 0, 9999, ui.url_value("mseed", 7, lo=0, hi=9999), key="lend_mseed",
                            help=T("lending.match.seed_help"))
    n_loans = c2.slider(T("lending.match.n_loans"), 3, 12, ui.url_value("loans", 8, lo=3, hi=12), key="lend_nloans",
                        help=T("lending.match.n_loans_help"))
    n_inv = c3.slider(T("lending.match.n_investors"), 5, 40, ui.url_value("investors", 20, lo=5, hi=40),
                      key="lend_ninv", help=T("lending.match.n_investors_help"))
    note = c4.select_slider(T("lending.match.note"), [500, 1000, 2000, 5000],
                            ui.url_value("note", 1000, options=[500, 1000, 2000, 5000]), key="lend_note",
                            format_func=lambda v: f"¥{v:,}", help=T("lending.match.note_help"))
    cap = c5.select_slider(T("lending.match.cap"), [5000, 10000, 20000, 50000],
                           ui.url_value("cap", 10000, options=[5000, 10000, 20000, 50000]), key="lend_cap",
                           format_func=lambda v: f"¥{v:,}", help=T("lending.match.cap_help"))
    ui.sync_url(mseed=mseed, loans=n_loans, investors=n_inv, note=note, cap=cap)
    st.info(T("lending.match.rule", note=int(note), cap=int(cap)))
    loans_df, inv_df = p2p.make_market(int(mseed), int(n_loans), int(n_inv))
    lcol, icol = st.columns([2, 3])
    lcol.markdown(f"**{T('lending.match.loans_title')}**")
    lcol.dataframe(loans_df.rename(columns=lambda c: T(f"lending.match.col.{c}")), hide_index=True, width="stretch",
                   column_config={T("lending.match.col.rate"): st.column_config.NumberColumn(format="percent")})
    icol.markdown(f"**{T('lending.match.bids_title')}**")
    edited = icol.data_editor(
        inv_df, hide_index=True, width="stretch", key=f"lend_bids_{mseed}_{n_inv}", disabled=["investor"],
        column_config={
            "investor": st.column_config.TextColumn(T("lending.match.col.investor")),
            "cash": st.column_config.NumberColumn(T("lending.match.col.cash"), min_value=0, max_value=10_000_000,
                                                  step=1000, help=T("lending.match.cash_help")),
            "bid": st.column_config.NumberColumn(T("lending.match.col.bid"), min_value=0, max_value=10_000_000,
                                                 step=1000, help=T("lending.match.bid_help")),
            "min_rate": st.column_config.NumberColumn(T("lending.match.col.min_rate"), min_value=0.0, max_value=1.0,
                                                      step=0.005, format="percent", help=T("lending.match.min_rate_help")),
            "grades": st.column_config.TextColumn(T("lending.match.col.grades"), max_chars=5,
                                                  help=T("lending.match.grades_help")),
        })
    trace = None
    with ui.guard():
        trace = p2p.match_investors(loans_df, edited, note=int(note), max_per_loan=int(cap))
        st.session_state["lend_match"] = (trace, loans_df, edited)
    if trace is None and "lend_match" in st.session_state:
        st.caption(T("lending.match.kept"))
        trace, loans_df, edited = st.session_state["lend_match"]
    if trace is not None:
        def draw_match(step) -> None:
            ui.chart(draw.match_figure(step.state, trace.meta["investors"], trace.meta["loans"], T), key="lend_match_fig")

        ui.step_player(trace, draw_match, key="lend_match_player")
        lo_sum, inv_sum = p2p.match_summary(trace, loans_df, edited)
        done = trace[-1].params
        invested = inv_sum[inv_sum["invested"] > 0]
        summary.update({"loans_full": done["full"], "loans_partial": done["partial"], "loans_unfunded": done["none"]})
        ui.what_happened(T("lending.match.happened", full=done["full"], partial=done["partial"], none=done["none"],
                           n=len(lo_sum), raised=done["raised_fen"], asked=done["asked_fen"], idle=done["idle_fen"],
                           investors=len(invested), spread=float(invested["loans_held"].mean()) if len(invested) else 0.0,
                           most=int(inv_sum["loans_held"].max())))
        ui.download_csv(inv_sum, "lending-matching.csv", key="dl_lend_match")
    ui.takeaway(T("lending.match.takeaway"))

# ================================================================== 3. disbursement and repayment
with tabs[2]:
    st.subheader(T("lending.sched.heading"))
    st.markdown(T("lending.sched.intro"))
    c1, c2, c3, c4, c5 = st.columns(5)
    principal = c1.number_input(T("lending.sched.amount"), 0.0, 10_000_000.0,
                                ui.url_value("p", 100000.0, lo=0.0, hi=10_000_000.0), step=1000.0, key="lend_p",
                                help=T("lending.sched.amount_help"))
    rate_pct = c2.number_input(T("lending.sched.rate"), 0.0, 1000.0, ui.url_value("r", 4.9, lo=0.0, hi=1000.0),
                               step=0.1, format="%.2f", key="lend_r", help=T("lending.sched.rate_help"))
    months_in = c3.number_input(T("lending.sched.months"), 0, 360, ui.url_value("n", 120, lo=0, hi=360), step=1,
                                key="lend_n", help=T("lending.sched.months_help"))
    up_pct = c4.number_input(T("lending.sched.upfront"), 0.0, 30.0, ui.url_value("up", 3.0, lo=0.0, hi=30.0), step=0.5,
                             key="lend_up", help=T("lending.sched.upfront_help"))
    mf_pct = c5.number_input(T("lending.sched.monthly_fee"), 0.0, 3.0, ui.url_value("mf", 0.2, lo=0.0, hi=3.0),
                             step=0.05, format="%.2f", key="lend_mf", help=T("lending.sched.monthly_fee_help"))
    ui.sync_url(p=principal, r=rate_pct, n=months_in, up=up_pct, mf=mf_pct)
    with ui.guard():
        cost_a = lending.borrower_cost(float(principal), rate_pct / 100, int(months_in), up_pct / 100, mf_pct / 100,
                                       "installment")
        cost_b = lending.borrower_cost(float(principal), rate_pct / 100, int(months_in), up_pct / 100, mf_pct / 100,
                                       "principal")
        st.session_state["lend_sched"] = (cost_a, cost_b, float(principal), rate_pct, int(months_in))
    if "lend_sched" in st.session_state:
        cost_a, cost_b, p_ok, r_ok, n_ok = st.session_state["lend_sched"]
        if (p_ok, r_ok, n_ok) != (float(principal), rate_pct, int(months_in)):
            st.caption(T("lending.sched.kept", p=p_ok, r=r_ok / 100, n=n_ok))
        a, b = cost_a["schedule"], cost_b["schedule"]
        ui.chart(draw.schedule_figure(a, b, T), key="lend_sched_fig")
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
        st.dataframe(both.head(12), width="stretch")
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
with tabs[3]:
    st.subheader(T("lending.risk.heading"))
    st.markdown(T("lending.risk.intro"))
    rates = p2p.grade_rates()
    grade_table = pd.DataFrame([[ui.pct(p2p.GRADE_PD[g]) for g in p2p.GRADES], [ui.pct(rates[g], 2) for g in p2p.GRADES]],
                               index=[T("lending.risk.col_pd"), T("lending.risk.col_rate")], columns=p2p.GRADES)
    grade_table.index.name = T("lending.risk.col_grade")
    st.dataframe(grade_table, width="stretch")
    st.caption(T("lending.risk.assumption", lgd=p2p.LGD, target=p2p.TARGET_RETURN))
    c1, c2, c3, c4, c5, c6 = st.columns(6)
    n_mc = c1.select_slider(T("lending.risk.loans"), [1000, 2000, 5000, 10000, 20000],
                            ui.url_value("mcloans", 10000, options=[1000, 2000, 5000, 10000, 20000]),
                            key="lend_mc_loans", help=T("lending.risk.loans_help"))
    n_sc = c2.select_slider(T("lending.risk.scen"), [200, 500, 1000, 2000],
                            ui.url_value("scen", 1000, options=[200, 500, 1000, 2000]), key="lend_mc_scen",
                            help=T("lending.risk.scen_help"))
    rho = c3.slider(T("lending.risk.rho"), 0.0, 0.5, ui.url_value("rho", 0.10, lo=0.0, hi=0.5), 0.05,
                    format="%.2f", key="lend_rho", help=T("lending.risk.rho_help"))
    shock = c4.slider(T("lending.risk.shock"), 1.0, 5.0, ui.url_value("shock", 1.0, lo=1.0, hi=5.0), 0.5,
                      format="×%.1f", key="lend_shock", help=T("lending.risk.shock_help"))
    reserve_pct = c5.slider(T("lending.risk.reserve"), 0.0, 20.0, ui.url_value("reserve", 5.0, lo=0.0, hi=20.0), 0.5,
                            format="%.1f%%", key="lend_reserve", help=T("lending.risk.reserve_help"))
    fee_pct = c6.slider(T("lending.risk.fee"), 0.0, 3.0, ui.url_value("fee", 1.0, lo=0.0, hi=3.0), 0.25,
                        format="%.2f%%", key="lend_fee", help=T("lending.risk.fee_help"))
    ui.sync_url(mcloans=n_mc, scen=n_sc, rho=rho, shock=shock, reserve=reserve_pct, fee=fee_pct)
    risk = None
    with ui.guard():
        with st.spinner(T("lending.risk.running")):
            risk = _risk(int(n_mc), int(n_sc), float(rho), float(shock), fee_pct / 100, reserve_pct / 100, 42)
    if risk is not None:
        book = risk["book"]
        res = risk["reserve"]
        now = res[res["shock"] == float(shock)].iloc[0]
        fig_sum = p2p.risk_summary(book, risk["div"])
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(T("lending.risk.mean_return"), ui.pct(fig_sum["mean"], 2))
        m2.metric(T("lending.risk.p05"), ui.pct(fig_sum["p05"], 2))
        m3.metric(T("lending.risk.p_loss"), ui.pct(fig_sum["p_loss"]))
        m4.metric(T("lending.risk.p_exhausted"), ui.pct(float(now["p_exhausted"])))
        g1, g2 = st.columns(2)
        with g1:
            ui.chart(draw.return_hist(book, T), key="lend_book_hist")
        with g2:
            ui.chart(draw.diversification_figure(risk["div"], T), key="lend_div")
        ui.chart(draw.reserve_figure(res, float(shock), T), key="lend_reserve_fig")
        sd, q05 = fig_sum["sd"], fig_sum["q05"]
        summary.update({"book_mean_return": round(fig_sum["mean"], 6), "book_p05_return": round(fig_sum["p05"], 6),
                        "reserve_exhausted_share": float(now["p_exhausted"])})
        first_out = res[res["p_exhausted"] >= 0.5]
        ui.what_happened(T("lending.risk.happened", loans=int(n_mc), scen=int(n_sc), ms=risk["ms"],
                           mean=fig_sum["mean"], p05=fig_sum["p05"], sd1=sd[1], sd10=sd[10], sd100=sd[100],
                           q1=q05[1], q100=q05[100], reserve=reserve_pct / 100,
                           loss=float(now["mean_loss"]), p_ex=float(now["p_exhausted"]), shock=float(shock)))
        if len(first_out):
            st.markdown(T("lending.risk.half", half=float(first_out["shock"].iloc[0]), reserve=reserve_pct / 100))
        else:
            st.caption(T("lending.risk.never_half"))
        ui.download_csv(res, "lending-reserve-stress.csv", key="dl_lend_risk")
    ui.takeaway(T("lending.risk.takeaway"))

# ================================================================== 5. custody and platform failure
with tabs[4]:
    st.subheader(T("lending.fail.heading"))
    st.markdown(T("lending.fail.intro"))
    c1, c2, c3, c4, c5 = st.columns(5)
    slow = c1.slider(T("lending.fail.slowdown"), 6, 36, ui.url_value("slow", 18, lo=6, hi=36), key="lend_slow",
                     help=T("lending.fail.slowdown_help"))
    promised = c2.slider(T("lending.fail.promised"), 4.0, 20.0, ui.url_value("promise", 12.0, lo=4.0, hi=20.0), 0.5,
                         format="%.1f%%", key="lend_promise", help=T("lending.fail.promised_help"))
    growth = c3.slider(T("lending.fail.growth"), 0.0, 15.0, ui.url_value("growth", 8.0, lo=0.0, hi=15.0), 1.0,
                       format="%.0f%%", key="lend_growth", help=T("lending.fail.growth_help"))
    siphon = c4.slider(T("lending.fail.siphon"), 0.0, 30.0, ui.url_value("siphon", 10.0, lo=0.0, hi=30.0), 1.0,
                       format="%.0f%%", key="lend_siphon", help=T("lending.fail.siphon_help"))
    dflt = c5.slider(T("lending.fail.default"), 0.0, 20.0, ui.url_value("dflt", 8.0, lo=0.0, hi=20.0), 1.0,
                     format="%.0f%%", key="lend_dflt", help=T("lending.fail.default_help"))
    ui.sync_url(slow=slow, promise=promised, growth=growth, siphon=siphon, dflt=dflt)
    story = None
    with ui.guard():
        params = p2p.PlatformParams(months=36, slowdown_month=int(slow), promised_rate=promised / 100,
                                    growth=growth / 100, siphon=siphon / 100, default_rate=dflt / 100)
        story = _platform(params)
    if story is not None:
        def draw_fail(step) -> None:
            now = step.state["now"]
            left, right = st.columns([1, 1])
            with left:
                ui.chart(draw.platform_now(now, T), key="lend_fail_now")
            with right:
                ui.chart(draw.platform_history(step.state["history"], 36, T), key="lend_fail_hist")
            st.caption(T("lending.fail.published", rate=0.0, hidden=now["pool_hidden"] / 100,
                         losses=now["cus_losses"] / 100))
            with st.expander(T("lending.fail.moves_title", t=now["t"])):
                m_left, m_right = st.columns(2)
                for col, moves, name in ((m_left, now["pool_moves"], "pool"), (m_right, now["cus_moves"], "custody")):
                    col.markdown(f"**{T(f'lending.fail.{name}_title')}**")
                    col.dataframe(pd.DataFrame(
                        [(T(f"lending.fail.acct.{a}"), T(f"lending.fail.acct.{b}"), ui.money(f), T(f"lending.fail.memo.{m}"))
                         for a, b, f, m in moves],
                        columns=[T("lending.fail.col_from"), T("lending.fail.col_to"), T("lending.fail.col_amount"),
                                 T("lending.fail.col_memo")]), hide_index=True, width="stretch")

        ui.step_player(story, draw_fail, key="lend_fail_player")
        run = next((s for s in story if s.key.endswith(".run")), None)
        last = story[-1].state["now"]
        cus = story.meta["custody"]
        summary.update({"pool_run_month": run.params["t"] if run is not None else "",
                        "pool_recovery": round(run.params["recovery"], 6) if run is not None else "",
                        "custody_return": round(cus["return"], 6)})
        custody = dict(losses=cus["losses_fen"] / 100, deposits=cus["deposits_fen"] / 100, worth=cus["worth_fen"] / 100,
                       gain=cus["return"])
        if run is not None:
            ui.what_happened(T("lending.fail.happened_run", slow=int(slow), month=run.params["t"],
                               recovery=run.params["recovery"], unpaid=last["pool_claims"] / 100,
                               hidden=run.params["hidden_before"], related=run.state["now"]["pool_related"] / 100,
                               postings=story.meta["pool_postings"], **custody))
        else:
            ui.what_happened(T("lending.fail.happened_norun", gap=last["pool_gap"] / 100, **custody))
        st.markdown(f"#### {T('lending.fail.rules_title')}")
        rules = pd.read_csv(DATA / "p2p_rules.csv")
        for _, r in rules[rules["id"].isin(["self_financing", "pooling", "guarantee", "maturity_split",
                                            "false_promotion", "custody"])].iterrows():
            st.markdown(f"- **{r['rule']}** — {r['text_zh'] if ui.lang() == 'zh' else r['text_en']} "
                        f"→ {T('lending.fail.rule_link.' + r['id'])}")
        ui.source_note(T("lending.fail.rules_source"))
        counts = pd.read_csv(DATA / "p2p_platforms.csv")
        ui.chart(draw.platform_counts(counts, T), key="lend_counts")
        peak = counts.loc[counts["platforms"].idxmax()]
        st.markdown(T("lending.fail.counts_text", peak=int(peak["platforms"]), peak_date=peak["date"][:7],
                      y2018=int(counts.loc[counts["date"] == "2018-12-31", "platforms"].iloc[0]),
                      last=int(counts["platforms"].iloc[-1]), last_date=counts["date"].iloc[-1][:7]))
        ui.source_note(T("lending.fail.counts_source"))
        ui.download_csv(pd.DataFrame(story[-1].state["history"]), "lending-platform-story.csv", key="dl_lend_fail")
    ui.takeaway(T("lending.fail.takeaway"))

# ================================================================== 6. disclosure and caps
with tabs[5]:
    st.subheader(T("lending.disc.heading"))
    st.markdown(T("lending.disc.intro"))
    c1, c2, c3 = st.columns(3)
    bseed = c1.number_input(T("lending.disc.seed"), 0, 9999, ui.url_value("bseed", 11, lo=0, hi=9999), key="lend_bseed",
                            help=T("lending.disc.seed_help"))
    n_bor = c2.slider(T("lending.disc.borrowers"), 50, 1000, ui.url_value("borrowers", 300, lo=50, hi=1000), 50,
                      key="lend_borrowers", help=T("lending.disc.borrowers_help"))
    month = c3.slider(T("lending.disc.month"), 1, 12, ui.url_value("month", 12, lo=1, hi=12), key="lend_month",
                      help=T("lending.disc.month_help"))
    ui.sync_url(bseed=bseed, borrowers=n_bor, month=month)
    book = None
    with ui.guard():
        book, disc = _book(int(bseed), int(n_bor), 12)
    if book is not None:
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
        st.markdown(f"#### {T('lending.disc.dashboard', month=int(month))}")
        for start in range(0, len(items), 4):
            cols = st.columns(4)
            for col, (key, value) in zip(cols, items[start:start + 4]):
                col.metric(T(f"lending.disc.item.{key}"), value, help=T("lending.disc.item_help"))
        ui.chart(draw.disclosure_figure(disc, int(month), T), key="lend_disc_fig")
        st.markdown(f"#### {T('lending.disc.caps_title')}")
        st.markdown(T("lending.disc.caps_rule"))
        viol = p2p.cap_violations(book, int(month))
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

st.divider()
ui.quiz("lending", ["q1", "q2", "q3", "q4", "q5"])
ui.download_csv(pd.DataFrame({"figure": list(summary), "value": [str(v) for v in summary.values()]}),
                "lending-run-summary.csv", key="dl_lend_summary", label=T("lending.summary_download"))
