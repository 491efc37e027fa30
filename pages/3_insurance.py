"""Chapter 4 · Internet insurance: pricing a micro-policy, solvency and ruin, a parametric smart contract,
mutual-aid cost sharing, usage-based pricing; the rules (CBIRC 2020) and the market.

Only the open tab runs (``ui.sections``).  Each section's work is a cached function of its inputs and each
chart a ``@ui.figure`` builder, both in ui/draw_insurance.py (imported once; this script runs again on every
rerun); the run summary at the end quotes the sections opened on this visit (see ``remember``)."""
import numpy as np
import pandas as pd
import streamlit as st

import ui
from core import channels as chn
from core import insurance as ins
from ui import check
from ui import draw_insurance as draw
from ui import timeline as tline
from ui.i18n import format_yuan

T = ui.frame("insurance")
ui.header("insurance")
ui.explain(T("insurance.intro"), T("insurance.intro_label"))  # folded in presenter mode


def fact_note(topic: str) -> None:
    """The sourced facts of one topic, as a short list with their sources."""
    text, sources = draw.facts().notes.get((topic, ui.lang()), ("", ""))
    st.markdown(text)
    ui.source_note(sources)


def remember(section: str, controls: list[str], numbers: dict) -> None:
    """File a section's headline numbers for the run summary, with the control values they came from."""
    ui.file_figures("insurance", section, numbers, controls)


# ================================================================== 1. pricing a micro-policy
def price() -> None:
    st.subheader(T("insurance.price.heading"))
    ui.explain(T("insurance.price.intro"), T("insurance.explanation"))
    c1, c2, c3, c4 = st.columns(4)
    p_pct = c1.slider(T("insurance.price.p"), 0.5, 30.0, 3.0, 0.5, key="p", format="%.1f%%",
                      help=T("insurance.price.p_help"), **ui.BIND)
    cost = c2.number_input(T("insurance.price.cost"), 1.0, 100.0, 12.0, 0.5, key="cost", format="%.2f",
                           help=T("insurance.price.cost_help"), **ui.BIND)
    n_pol = c3.number_input(T("insurance.price.n"), 100, 1_000_000, 10_000, 1000, key="n",
                            help=T("insurance.price.n_help"), **ui.BIND)
    pseed = c4.number_input(T("insurance.price.seed"), 0, 9999, 2013, 1, key="s1",
                            help=T("insurance.price.seed_help"), **ui.BIND)
    c5, c6 = st.columns([2, 3])
    # the principle's label is translated, and Streamlit would put the label in the URL: ?pr= is kept by hand
    principle = c5.radio(T("insurance.price.principle"), list(ins.PRINCIPLES), horizontal=False,
                         index=list(ins.PRINCIPLES).index(ui.url_value("pr", "expected_value",
                                                                       options=list(ins.PRINCIPLES))),
                         format_func=lambda x: T(f"insurance.price.principles.{x}"), key="ins_principle",
                         persist_state="page", help=T("insurance.price.principle_help"))
    ui.sync_url(pr=principle)
    # each principle's loading has its own unit and range: θ (share), β (per yuan), α (per SD)
    lo_hi = {"expected_value": (0.0, 2.0, 0.3, 0.05), "variance": (0.0, 0.5, 0.03, 0.005),
             "std_dev": (0.0, 1.0, 0.06, 0.01)}
    lo, hi, default, step = lo_hi[principle]
    loading = c6.slider(T(f"insurance.price.loading.{principle}"), lo, hi, default, step, key=f"ld_{principle}",
                        help=T("insurance.price.loading_help"), **ui.BIND)
    with ui.guard():
        p = p_pct / 100
        r = draw.price_scenario(p, float(cost), int(n_pol), int(pseed), principle, float(loading))
        exp_lr = r.mean / r.premium
        m = st.columns(5)
        m[0].metric(T("insurance.price.pure"), ui.yuan(r.mean), help=T("insurance.price.pure_help"))
        m[1].metric(T("insurance.price.premium"), ui.yuan(r.premium),
                    delta=T("insurance.price.loading_pct", x=r.premium / r.mean - 1), delta_color="off",
                    delta_arrow="off", help=T("insurance.price.premium_help"))
        m[2].metric(T("insurance.price.profit_day"), ui.yuan((r.premium - r.mean) * n_pol),
                    help=T("insurance.price.profit_day_help"))
        m[3].metric(T("insurance.price.today_lr"), ui.pct(r.loss_ratio), help=T("insurance.price.today_lr_help"))
        m[4].metric(T("insurance.price.p_loss"), ui.pct(r.p_loss, 2), help=T("insurance.price.p_loss_help"))
        left, right = st.columns(2)
        with left:
            day = r.running
            ui.chart(draw.day_figure(day["policies"].to_numpy(), day["premiums"].to_numpy(), day["claims"].to_numpy()),
                     key="ins_day_chart")
        with right:
            ui.chart(draw.loss_ratio_figure(r.ratios, exp_lr, r.loss_ratio), key="ins_lr_chart")
        ui.what_happened(T("insurance.price.happened", p=p, cost=cost, mean=r.mean, sd=r.sd,
                           principle=T(f"insurance.price.principles.{principle}"), loading=loading, premium=r.premium,
                           n=int(n_pol), returns=r.n_claims, claims=r.claims, premiums=r.premiums,
                           lr=r.loss_ratio, profit=r.profit, exp_lr=exp_lr, lr_sd=r.lr_sd,
                           loss_days=int((r.ratios > 1).sum()), p_loss=r.p_loss))
        remember("price", ["p", "cost", "n", "s1", "ins_principle", f"ld_{principle}"],
                 {"price_premium_yuan": r.premium, "price_pure_yuan": r.mean, "price_day_loss_ratio": r.loss_ratio,
                  "price_p_underwriting_loss": r.p_loss})
        ratios = r.ratios
        ui.download_csv(pd.DataFrame({"day": np.arange(1, len(ratios) + 1), "loss_ratio": ratios.round(6)}),
                        "insurance-loss-ratios.csv", key="dl_ins_lr", label=T("insurance.price.download"))
    with st.expander(T("insurance.price.facts_title")):
        fact_note("zhongan")
        fact_note("shipping")
    ui.takeaway(T("insurance.price.takeaway"))


# ================================================================== 2. solvency and ruin
def ruin() -> None:
    st.subheader(T("insurance.ruin.heading"))
    ui.explain(T("insurance.ruin.intro"), T("insurance.explanation"))
    c1, c2, c3, c4 = st.columns(4)
    u0 = c1.slider(T("insurance.ruin.u"), 0.0, 100.0, 10.0, 1.0, key="u", help=T("insurance.ruin.u_help"), **ui.BIND)
    theta = c2.slider(T("insurance.ruin.theta"), 0.0, 1.0, 0.3, 0.05, key="th", help=T("insurance.ruin.theta_help"),
                      **ui.BIND)
    mu = c3.slider(T("insurance.ruin.mu"), 1.0, 20.0, 5.0, 0.5, key="mu", help=T("insurance.ruin.mu_help"), **ui.BIND)
    lam = c4.slider(T("insurance.ruin.lam"), 0.2, 5.0, 1.0, 0.1, key="lam", help=T("insurance.ruin.lam_help"),
                    **ui.BIND)
    c5, c6, c7 = st.columns(3)
    horizon = c5.slider(T("insurance.ruin.horizon"), 50, 1000, 200, 50, key="hz", help=T("insurance.ruin.horizon_help"),
                        **ui.BIND)
    # shown as "2,000": Streamlit would put that label in the URL, so ?np=2000 is kept by hand
    n_paths = c6.select_slider(T("insurance.ruin.paths"), [500, 1000, 2000, 5000, 10000],
                               ui.url_value("np", 2000, options=[500, 1000, 2000, 5000, 10000]), key="ins_paths",
                               format_func=lambda v: f"{v:,}", persist_state="page",
                               help=T("insurance.ruin.paths_help"))
    ui.sync_url(np=n_paths)
    rseed = c7.number_input(T("insurance.ruin.seed"), 0, 9999, 7, 1, key="s2", help=T("insurance.ruin.seed_help"),
                            **ui.BIND)
    with ui.guard():
        psi = ins.ruin_probability_exponential(u0, theta, mu)
        R = ins.adjustment_coefficient_exponential(theta, mu)
        run = draw.ruin_run(float(u0), float(theta), float(mu), float(lam), float(horizon), int(n_paths), int(rseed))
        sim = run.sim
        bound = ins.lundberg_bound(u0, R)
        m = st.columns(5)
        m[0].metric(T("insurance.ruin.c"), ui.num(sim.c, 2), help=T("insurance.ruin.c_help"))
        m[1].metric(T("insurance.ruin.psi_exact"), ui.pct(psi, 2), help=T("insurance.ruin.psi_exact_help"))
        m[2].metric(T("insurance.ruin.psi_mc"), ui.pct(sim.estimate, 2),
                    delta=f"± {ui.pct(1.96 * sim.stderr, 2)}", delta_color="off", delta_arrow="off",
                    help=T("insurance.ruin.psi_mc_help"))
        m[3].metric(T("insurance.ruin.bound"), ui.pct(bound, 2), help=T("insurance.ruin.bound_help"))
        m[4].metric(T("insurance.ruin.R"), ui.num(R, 4), help=T("insurance.ruin.R_help"))
        shown_ruin = [float(sim.ruin_time[i]) for i in range(len(sim.shown))]
        us = np.linspace(0, max(4 * u0, 40.0), 13)
        mc_curve = sim.estimate_at(us)
        left, right = st.columns(2)
        with left:
            ui.chart(draw.paths_figure(run.arrays, tuple(shown_ruin)), key="ins_paths_chart")
        with right:
            ui.chart(draw.psi_figure(us, ins.ruin_probability_exponential(us, theta, mu), ins.lundberg_bound(us, R),
                                     mc_curve, np.sqrt(mc_curve * (1 - mc_curve) / sim.n_paths), u0),
                     key="ins_psi_chart")
        st.markdown(f"#### {T('insurance.ruin.replay')}")
        t0, surplus0 = run.arrays[0]

        def draw_claim(step) -> None:
            s = step.state
            a, b, c = st.columns(3)
            a.metric(T("insurance.ruin.claims_so_far"), s["k"])
            b.metric(T("insurance.ruin.time_now"), ui.num(s["t"], 2))
            c.metric(T("insurance.ruin.surplus_now"), ui.num(s["surplus"], 2))
            ui.chart(draw.claim_step_figure(t0, surplus0, s["t"]), key="ins_claim_step_chart")

        ui.step_player(run.trace, draw_claim, key="ins_ruin_player")
        ruined = int(sim.ruined.sum())
        times_ruined = sim.ruin_time[sim.ruined]
        early = ""
        if ruined:
            early = ("" if ui.lang() == "zh" else " ") + T("insurance.ruin.happened_early",
                                                          median_t=float(np.median(times_ruined)),
                                                          early=float((times_ruined <= horizon / 10).mean()))
        ui.what_happened(T("insurance.ruin.happened", u=u0, theta=theta, mu=mu, lam=lam, c=sim.c, n=sim.n_paths,
                           horizon=horizon, ruined=ruined, est=sim.estimate,
                           lo=max(0.0, sim.estimate - 1.96 * sim.stderr), hi=min(1.0, sim.estimate + 1.96 * sim.stderr),
                           psi=psi, bound=bound, R=R, u2=2 * u0,
                           psi2=ins.ruin_probability_exponential(2 * u0, theta, mu)) + early)
        remember("ruin", ["u", "th", "mu", "lam", "hz", "ins_paths", "s2"],
                 {"ruin_psi_exact": psi, "ruin_psi_mc": sim.estimate, "ruin_lundberg_bound": bound})
        ui.download_csv(pd.DataFrame({"path": np.arange(1, sim.n_paths + 1), "ruined": sim.ruined,
                                      "ruin_time": np.round(sim.ruin_time, 4), "min_gap": np.round(sim.min_gap, 4)}),
                        "insurance-ruin-paths.csv", key="dl_ins_ruin", label=T("insurance.ruin.download"))
    ui.takeaway(T("insurance.ruin.takeaway"))


# ================================================================== 3. parametric insurance / smart contract
def param() -> None:
    st.subheader(T("insurance.param.heading"))
    ui.explain(T("insurance.param.intro"), T("insurance.explanation"))
    c1, c2, c3, c4 = st.columns(4)
    n_fl = c1.slider(T("insurance.param.n"), 5, 60, 30, 1, key="nf", help=T("insurance.param.n_help"), **ui.BIND)
    p_late = c2.slider(T("insurance.param.p_late"), 5, 80, 35, 5, key="pl", format="%d%%",
                       help=T("insurance.param.p_late_help"), **ui.BIND)
    mean_late = c3.slider(T("insurance.param.mean_late"), 30, 240, 100, 10, key="ml",
                          help=T("insurance.param.mean_late_help"), **ui.BIND)
    fseed = c4.number_input(T("insurance.param.seed"), 0, 9999, 28, 1, key="s3", help=T("insurance.param.seed_help"),
                            **ui.BIND)
    c5, c6, c7, c8 = st.columns(4)
    # shown as "120 min" / "120 分钟": Streamlit would put that label in the URL, so ?thr= is kept by hand
    threshold = c5.select_slider(T("insurance.param.threshold"), [60, 90, 120, 180, 240],
                                 ui.url_value("thr", 120, options=[60, 90, 120, 180, 240]), key="ins_thr",
                                 format_func=lambda v: T("insurance.param.minutes_fmt", m=v), persist_state="page",
                                 help=T("insurance.param.threshold_help"))
    ui.sync_url(thr=threshold)
    prem_y = c6.number_input(T("insurance.param.premium"), 1, 500, 25, 1, key="pm",
                             help=T("insurance.param.premium_help"), **ui.BIND)
    pay_y = c7.number_input(T("insurance.param.payout"), 10, 5000, 200, 10, key="po",
                            help=T("insurance.param.payout_help"), **ui.BIND)
    cap_y = c8.number_input(T("insurance.param.capital"), 0, 100_000, 1000, 100, key="cap",
                            help=T("insurance.param.capital_help"), **ui.BIND)
    with ui.guard():
        run, cnt = draw.pool_run(int(n_fl), p_late / 100, float(mean_late), int(fseed), int(threshold), int(prem_y) * 100,
                         int(pay_y) * 100, int(cap_y) * 100)
        p_trig = ins.delay_probability(threshold, p_late / 100, float(mean_late))
        fair = p_trig * pay_y
        st.info(T("insurance.param.rule", threshold=int(threshold), payout=run.payout_fen))
        m = st.columns(4)     # before the flights: what the model expects; the run's totals come after the player
        m[0].metric(T("insurance.param.p_trigger"), ui.pct(p_trig), help=T("insurance.param.p_trigger_help"))
        m[1].metric(T("insurance.param.fair"), ui.yuan(fair), help=T("insurance.param.fair_help"))

        def draw_pool(step) -> None:
            s = step.state
            ui.chart(draw.pool_step_figure(*draw.pool_step_args(s), int(threshold)), key="ins_pool_step_chart")
            now = s["counts"]
            st.caption(T("insurance.param.step_caption", postings=s["postings"], total=s["total"],
                         hit=now["hit"], extra=now["extra"], missed=now["missed"], none=now["none"]))

        ui.step_player(run.trace, draw_pool, key="ins_param_player")
        # the whole run at once, marked as such: the player above reveals it flight by flight
        st.markdown(f"#### {T('insurance.param.summary_heading')}")
        m = st.columns(4)
        m[0].metric(T("insurance.param.paid"), ui.money(run.paid_fen),
                    delta=T("insurance.param.paid_n", n=cnt["triggered"]), delta_color="off",
                    delta_arrow="off")
        m[1].metric(T("insurance.param.result"), ui.money(run.premiums_fen - run.paid_fen),
                    help=T("insurance.param.result_help"))
        left, right = st.columns([3, 2])
        with left:
            fl = run.flights
            ui.chart(draw.outcome_figure(fl["flight"].to_numpy(), fl["delay_min"].to_numpy(),
                                         fl["buffer_min"].to_numpy(), tuple(fl["outcome"]), int(threshold)),
                     key="ins_outcome_chart")
        with right:
            grid = pd.DataFrame({
                T("insurance.param.col_paid"): [cnt["hit"], cnt["extra"]],
                T("insurance.param.col_not_paid"): [cnt["missed"], cnt["none"]],
            }, index=[T("insurance.param.row_loss"), T("insurance.param.row_no_loss")])
            st.markdown(f"**{T('insurance.param.grid_title')}**")
            st.dataframe(grid, width="stretch")
            st.markdown(T("insurance.param.basis_text"))
        ui.what_happened(T("insurance.param.happened", n=len(run.flights), premium=run.premium_fen,
                           premiums=run.premiums_fen, threshold=int(threshold),
                           k=cnt["triggered"], paid=run.paid_fen, short=run.shortfall_fen,
                           result=run.premiums_fen - run.paid_fen, capital=run.capital_fen,
                           postings=len(run.ledger.postings), total=run.ledger.total(),
                           extra=cnt["extra"], missed=cnt["missed"], p_trig=p_trig, fair=fair,
                           loading=(prem_y / fair - 1) if fair > 0 else 0.0))
        if run.shortfall_fen:
            st.warning(T("insurance.param.short_warning", short=run.shortfall_fen))
        remember("param", ["nf", "pl", "ml", "s3", "ins_thr", "pm", "po", "cap"],
                 {"param_premiums_yuan": run.premiums_fen / 100, "param_paid_yuan": run.paid_fen / 100,
                  "param_basis_extra": cnt["extra"], "param_basis_missed": cnt["missed"]})
        ui.download_csv(run.flights, "insurance-flights.csv", key="dl_ins_flights", label=T("insurance.param.download"))
        ui.download_csv(run.postings_frame(), "insurance-pool-ledger.csv", key="dl_ins_ledger",
                        label=T("insurance.param.download_ledger"))
    with st.expander(T("insurance.param.facts_title")):
        fact_note("fizzy")
    ui.takeaway(T("insurance.param.takeaway"))


# ================================================================== 4. mutual aid
def mutual() -> None:
    st.subheader(T("insurance.mutual.heading"))
    ui.explain(T("insurance.mutual.intro"), T("insurance.explanation"))
    c1, c2, c3, c4 = st.columns(4)
    members0 = c1.number_input(T("insurance.mutual.members0"), 10_000, 50_000_000, 1_000_000, 100_000, key="m0",
                               help=T("insurance.mutual.members0_help"), **ui.BIND)
    periods = c2.slider(T("insurance.mutual.periods"), 12, 96, 48, 12, key="per",
                        help=T("insurance.mutual.periods_help"), **ui.BIND)
    incidence = c3.slider(T("insurance.mutual.incidence"), 0.5, 10.0, 1.75, 0.25, key="inc",
                          help=T("insurance.mutual.incidence_help"), **ui.BIND)
    mseed = c4.number_input(T("insurance.mutual.seed"), 0, 9999, 11, 1, key="s4", help=T("insurance.mutual.seed_help"),
                            **ui.BIND)
    with st.expander(T("insurance.mutual.more"), expanded=False):
        d1, d2, d3, d4 = st.columns(4)
        growth = d1.slider(T("insurance.mutual.growth"), 0.0, 20.0, 8.0, 0.5, key="g", format="%.1f%%",
                           help=T("insurance.mutual.growth_help"), **ui.BIND)
        decay = d2.slider(T("insurance.mutual.decay"), 0.80, 1.00, 0.93, 0.01, key="gd",
                          help=T("insurance.mutual.decay_help"), **ui.BIND)
        drift = d3.slider(T("insurance.mutual.drift"), 0.0, 5.0, 2.0, 0.5, key="dr", format="%.1f%%",
                          help=T("insurance.mutual.drift_help"), **ui.BIND)
        sens = d4.slider(T("insurance.mutual.exit"), 0.0, 10.0, 3.0, 0.5, key="ex", format="%.1f%%",
                         help=T("insurance.mutual.exit_help"), **ui.BIND)
        e1, e2, e3 = st.columns(3)
        # shown as "¥200,000.00": Streamlit would put that label in the URL, so ?ben= is kept by hand
        benefit = e1.select_slider(T("insurance.mutual.benefit"), [100_000, 200_000, 300_000],
                                   ui.url_value("ben", 200_000, options=[100_000, 200_000, 300_000]),
                                   key="ins_benefit", format_func=lambda v: format_yuan(v, T.lang),
                                   persist_state="page", help=T("insurance.mutual.benefit_help"))
        ui.sync_url(ben=benefit)
        fee = e2.slider(T("insurance.mutual.fee"), 0.0, 15.0, 8.0, 0.5, key="fee", format="%.1f%%",
                        help=T("insurance.mutual.fee_help"), **ui.BIND)
        load4 = e3.slider(T("insurance.mutual.loading"), 0.0, 60.0, 25.0, 5.0, key="ld4", format="%.0f%%",
                          help=T("insurance.mutual.loading_help"), **ui.BIND)
    with ui.guard():
        params = ins.MutualAidParams(members0=int(members0), periods=int(periods), growth=growth / 100,
                                     growth_decay=float(decay), exit_sensitivity=sens / 100, incidence=float(incidence),
                                     incidence_drift=drift / 100, benefit_yuan=int(benefit), fee_rate=fee / 100,
                                     loading=load4 / 100, seed=int(mseed))
        mdf, ms = draw.mutual_run(params)
        m = st.columns(4)
        m[0].metric(T("insurance.mutual.first_share"), ui.money(ms["share_first_fen"]))
        m[1].metric(T("insurance.mutual.last_share"), ui.money(ms["share_last_fen"]),
                    delta=T("insurance.mutual.max_share", x=ms["share_max_fen"]), delta_color="off", delta_arrow="off")
        m[2].metric(T("insurance.mutual.member_paid"), ui.money(ms["member_paid_fen"]),
                    help=T("insurance.mutual.member_paid_help"))
        m[3].metric(T("insurance.mutual.fixed_paid"), ui.money(ms["fixed_paid_fen"]),
                    help=T("insurance.mutual.fixed_paid_help"))
        ui.chart(draw.mutual_figure(mdf["period"].to_numpy(), mdf["share_fen"].to_numpy(),
                                    mdf["fixed_premium_fen"].to_numpy(), mdf["members"].to_numpy()),
                 key="ins_mutual_chart")
        first = mdf.iloc[0]
        st.markdown(T("insurance.mutual.first_period", cases=int(first["cases"]), benefit=int(benefit) * 100,
                      benefits=int(first["benefits_fen"]), fee_rate=fee / 100, fee=int(first["fee_fen"]),
                      members=int(first["members"]), share=int(first["share_fen"])))
        ui.what_happened(T("insurance.mutual.happened", periods=ms["periods"], members0=int(members0),
                           peak=ms["members_peak"], peak_period=ms["peak_period"], end=ms["members_end"],
                           cases=ms["cases"], benefits=ms["benefits_fen"] / 100, fees=ms["fees_fen"] / 100,
                           first=ms["share_first_fen"], last=ms["share_last_fen"], max=ms["share_max_fen"],
                           paid=ms["member_paid_fen"], fixed=ms["fixed_paid_fen"], above=ms["periods_above_fixed"],
                           years=ms["periods"] / ins.PERIODS_PER_YEAR))
        remember("mutual", ["m0", "per", "inc", "s4", "g", "gd", "dr", "ex", "ins_benefit", "fee", "ld4"],
                 {"mutual_member_paid_yuan": ms["member_paid_fen"] / 100,
                  "mutual_fixed_paid_yuan": ms["fixed_paid_fen"] / 100, "mutual_members_end": ms["members_end"]})
        ui.download_csv(mdf, "insurance-mutual-aid.csv", key="dl_ins_mutual", label=T("insurance.mutual.download"))
    st.markdown(f"#### {T('insurance.mutual.why_title')}")
    st.markdown(T("insurance.mutual.why"))
    with st.expander(T("insurance.mutual.facts_title")):
        fact_note("mutual")
    ui.takeaway(T("insurance.mutual.takeaway"))


# ================================================================== 5. usage-based pricing
def ubi() -> None:
    st.subheader(T("insurance.ubi.heading"))
    ui.explain(T("insurance.ubi.intro"), T("insurance.explanation"))
    c1, c2, c3, c4 = st.columns(4)
    brakes = c1.slider(T("insurance.ubi.brakes"), 0.0, 15.0, 2.0, 0.5, key="ins_brakes", persist_state="page",
                       help=T("insurance.ubi.brakes_help"))
    night = c2.slider(T("insurance.ubi.night"), 0, 100, 5, 5, key="ins_night", format="%d%%", persist_state="page",
                      help=T("insurance.ubi.night_help"))
    speeding = c3.slider(T("insurance.ubi.speeding"), 0, 50, 5, 1, key="ins_speeding", format="%d%%",
                         persist_state="page", help=T("insurance.ubi.speeding_help"))
    km = c4.slider(T("insurance.ubi.km"), 1000, 50_000, 12_000, 1000, key="ins_km", persist_state="page",
                   help=T("insurance.ubi.km_help"))
    c5, c6 = st.columns(2)
    base = c5.number_input(T("insurance.ubi.base"), 500, 20_000, 3000, 100, key="base",
                           help=T("insurance.ubi.base_help"), **ui.BIND)
    useed = c6.number_input(T("insurance.ubi.seed"), 0, 9999, 5, 1, key="s5", help=T("insurance.ubi.seed_help"),
                            **ui.BIND)
    with ui.guard():
        cost_y = 0.8 * float(base)        # the flat book's expected claims: an 80 % expected loss ratio
        book, us = draw.ubi_book(int(useed), float(base), cost_y)
        you = ins.ubi_quote(book, brakes, night / 100, speeding / 100, km, float(base), cost_y)
        m = st.columns(4)
        m[0].metric(T("insurance.ubi.factor"), f"× {you['factor']:.2f}",
                    help=T("insurance.ubi.factor_help", k=you["k"]))
        m[1].metric(T("insurance.ubi.your_premium"), ui.yuan(you["premium"]),
                    delta=("-" if you["premium"] < base else "+") + ui.yuan(abs(you["premium"] - float(base))),
                    delta_color="inverse")
        m[2].metric(T("insurance.ubi.your_cost"), ui.yuan(you["true_cost"]), help=T("insurance.ubi.your_cost_help"))
        m[3].metric(T("insurance.ubi.flat"), ui.yuan(float(base)))
        ui.chart(draw.ubi_figure(book["night_worker"].to_numpy(), book["true_cost"].to_numpy(),
                                 book["telematics"].to_numpy(), (you["true_cost"], you["premium"])),
                 key="ins_ubi_chart")
        table = pd.DataFrame({
            T("insurance.ubi.col_group"): [T("insurance.ubi.day_group"), T("insurance.ubi.night_group")],
            T("insurance.ubi.col_n"): [us["day"]["n"], us["night"]["n"]],
            T("insurance.ubi.col_true"): [round(us["day"]["true_cost"], 2), round(us["night"]["true_cost"], 2)],
            T("insurance.ubi.col_flat"): [round(us["day"]["flat"], 2), round(us["night"]["flat"], 2)],
            T("insurance.ubi.col_tele"): [round(us["day"]["telematics"], 2), round(us["night"]["telematics"], 2)],
        })
        # thousands separators and two decimals on screen; the CSV keeps plain numbers
        st.dataframe(table.style.format({c: "{:,.2f}" for c in table.columns[2:]} | {table.columns[1]: "{:,}"}),
                     hide_index=True, width="stretch")
        ui.download_csv(table, "insurance-ubi-groups.csv", key="dl_ins_ubi")
        ui.what_happened(T("insurance.ubi.happened", factor=you["factor"], premium=you["premium"], base=float(base),
                           cost=you["true_cost"], n=len(book), night_n=us["night"]["n"],
                           night_true=us["night"]["true_cost"], night_flat=us["night"]["flat"],
                           night_tele=us["night"]["telematics"], day_true=us["day"]["true_cost"],
                           day_tele=us["day"]["telematics"],
                           night_markup=us["night"]["telematics"] / us["night"]["true_cost"] - 1,
                           day_markup=us["day"]["telematics"] / us["day"]["true_cost"] - 1))
        remember("ubi", ["ins_brakes", "ins_night", "ins_speeding", "ins_km", "base", "s5"],
                 {"ubi_your_factor": you["factor"], "ubi_your_premium_yuan": you["premium"]})
    st.markdown(T("insurance.ubi.fairness"))
    with st.expander(T("insurance.ubi.facts_title")):
        fact_note("ubi")
    ui.takeaway(T("insurance.ubi.takeaway"))


# ================================================================== 6. sales channels
CHANNEL_URL = {"direct": "dir", "social": "soc", "embedded": "emb", "agent": "agt"}   # ?dir_cv=… in a link


#: the six funnel numbers: (field, URL suffix, lowest, highest, step, format, shown as % of the stored share)
CHANNEL_FIELDS = (("reach", "r", 1, chn.MAX_REACH, None, None, False),
                  ("conversion", "cv", 0.1, 100.0, 0.1, "%.1f%%", True),
                  ("acquisition", "ac", 0.0, 1000.0, 0.01, "%.2f", False),
                  ("commission", "cm", 0, 90, 1, "%d%%", True),
                  ("claims_ratio", "cr", 0, 150, 1, "%d%%", True),
                  ("expense_ratio", "ex", 0, 60, 1, "%d%%", True))


def channel_default(name: str, field: str, percent: bool):
    value = getattr(chn.DEFAULTS[name], field)
    if not percent:
        return value
    return value * 100 if field == "conversion" else round(value * 100)


def channel_controls(name: str) -> None:
    """The six funnel numbers of the channel being tuned (bound to the URL as ?<dir|soc|emb|agt>_<x>=)."""
    u = CHANNEL_URL[name]
    st.caption(T(f"insurance.channels.desc.{name}"))
    cols = st.columns(3)
    for i, (field, suffix, lo, hi, step, fmt, percent) in enumerate(CHANNEL_FIELDS):
        label, hint = T(f"insurance.channels.{field}"), T(f"insurance.channels.{field}_help")
        default = channel_default(name, field, percent)
        with cols[i // 2]:          # funnel | cost of selling | shares of the premium
            if field in ("reach", "acquisition"):
                st.number_input(label, lo, hi, default, step or max(1, default // 10), key=f"{u}_{suffix}",
                                format=fmt, help=hint, **ui.BIND)
            else:
                st.slider(label, lo, hi, default, step, key=f"{u}_{suffix}", format=fmt, help=hint, **ui.BIND)


def channel_values(name: str) -> tuple:
    """A channel's funnel as core wants it: the control's value if it has been shown on this visit, else the
    link's value, else the default (only the channel being tuned shows its controls)."""
    u = CHANNEL_URL[name]
    out = [name]
    for field, suffix, lo, hi, step, fmt, percent in CHANNEL_FIELDS:
        key, default = f"{u}_{suffix}", channel_default(name, field, percent)
        value = st.session_state[key] if key in st.session_state else ui.url_value(key, default, lo=lo, hi=hi)
        out.append(int(value) if field == "reach" else float(value) / 100 if percent else float(value))
    return tuple(out)


def channels() -> None:
    st.subheader(T("insurance.channels.heading"))
    ui.explain(T("insurance.channels.intro"), T("insurance.channels.intro_label"))
    c1, c2 = st.columns(2)
    premium = c1.number_input(T("insurance.channels.premium"), 0.1, 10_000.0, 300.0, 0.1, key="cprem", format="%.2f",
                              help=T("insurance.channels.premium_help"), **ui.BIND)
    margin_pct = c2.slider(T("insurance.channels.margin"), 0, 30, 5, 1, key="cmar", format="%d%%",
                           help=T("insurance.channels.margin_help"), **ui.BIND)
    with st.container(border=True):
        # one channel's controls at a time (24 controls at once would bury the charts on a phone); the others
        # keep their values
        tuned = st.radio(T("insurance.channels.tune"), list(chn.CHANNELS), horizontal=True, key="ins_ch_tune",
                         format_func=lambda n: T(f"insurance.channels.name.{n}"), persist_state="page",
                         help=T("insurance.channels.tune_help"))
        channel_controls(tuned)
    rows = [channel_values(name) for name in chn.CHANNELS]
    inputs = (tuple(rows), float(premium), margin_pct / 100)
    df = None
    with ui.guard():
        df = draw.channel_run(*inputs)
        st.session_state["_ins_channels_good"] = inputs
    if df is None:                      # bad input: the message above, the last good view below, unchanged
        inputs = st.session_state.get("_ins_channels_good")
        if inputs is None:
            ui.takeaway(T("insurance.channels.takeaway"))
            return
        st.caption(T("insurance.channels.kept"))
        df = draw.channel_run(*inputs)
    rows, premium, margin = inputs
    names = tuple(r[0] for r in rows)
    by = {r.channel: r for r in df.itertuples()}
    m = st.columns(len(names))
    for col, name in zip(m, names):
        r = by[name]
        col.metric(T(f"insurance.channels.name.{name}"), ui.yuan(r.break_even_premium),
                   delta=T("insurance.channels.result_delta", x=r.result_per_policy),
                   delta_color="normal" if r.result_per_policy >= 0 else "inverse",
                   delta_arrow="up" if r.result_per_policy >= 0 else "down", help=T("insurance.channels.metric_help"))
    left, right = st.columns(2)
    with left:
        parts = tuple((by[n].claims_per_policy, by[n].commission_per_policy, by[n].expenses_per_policy,
                       by[n].acquisition_per_policy) for n in names)
        ui.chart(draw.channel_cost_figure(names, parts, premium, tuple(by[n].break_even_premium for n in names)),
                 key="ins_channel_cost_chart")
    with right:
        ui.chart(draw.channel_curve_figure(names, rows, premium, margin), key="ins_channel_curve_chart")
    table = pd.DataFrame({
        T("insurance.channels.col.channel"): [T(f"insurance.channels.name.{n}") for n in names],
        T("insurance.channels.col.reach"): [by[n].reach for n in names],
        T("insurance.channels.col.policies"): [round(by[n].policies) for n in names],
        T("insurance.channels.col.cost"): [round(by[n].cost_per_policy, 2) for n in names],
        T("insurance.channels.col.needed"): [round(by[n].break_even_premium, 2) for n in names],
        T("insurance.channels.col.combined"): [f"{by[n].combined_ratio:.1%}" for n in names],
        T("insurance.channels.col.result"): [round(by[n].result_total, 2) for n in names],
    })
    money_cols = [T(f"insurance.channels.col.{c}") for c in ("cost", "needed", "result")]
    count_cols = [T(f"insurance.channels.col.{c}") for c in ("reach", "policies")]
    st.dataframe(table.style.format({c: "{:,.2f}" for c in money_cols} | {c: "{:,}" for c in count_cols}),
                 hide_index=True, width="stretch")
    cheap = min(names, key=lambda n: by[n].cost_per_policy)
    dear = max(names, key=lambda n: by[n].cost_per_policy)
    winners = [n for n in names if by[n].result_per_policy > 0]
    sep = "；" if ui.lang() == "zh" else "; "
    each = sep.join(T("insurance.channels.happened_one", name=T(f"insurance.channels.name.{n}"),
                      reach=by[n].reach, conv=by[n].conversion, n=by[n].policies, cost=by[n].cost_per_policy,
                      needed=by[n].break_even_premium) for n in names)
    dear_conv = by[dear].break_even_conversion
    ui.what_happened(T("insurance.channels.happened", premium=premium, margin=margin, each=each,
                       cheap=T(f"insurance.channels.name.{cheap}"), cheap_cost=by[cheap].cost_per_policy,
                       dear=T(f"insurance.channels.name.{dear}"), dear_cost=by[dear].cost_per_policy,
                       ratio=by[dear].cost_per_policy / max(by[cheap].cost_per_policy, 1e-9),
                       winners=len(winners), total=float(df["result_total"].sum()))
                     + ("" if ui.lang() == "zh" else " ")
                     + T("insurance.channels.happened_conv" if dear_conv <= 1 else
                         "insurance.channels.happened_conv_over" if dear_conv < float("inf") else
                         "insurance.channels.happened_noconv", dear=T(f"insurance.channels.name.{dear}"),
                         conv=min(dear_conv, 1e9), now=by[dear].conversion))
    remember("channels", ["cprem", "cmar"] + [f"{CHANNEL_URL[n]}_{x}" for n in names
                                               for x in ("r", "cv", "ac", "cm", "cr", "ex")],
             {f"channels_{n}_break_even_yuan": by[n].break_even_premium for n in names}
             | {f"channels_{n}_cost_per_policy_yuan": by[n].cost_per_policy for n in names})
    ui.download_csv(df, "insurance-channels.csv", key="dl_ins_channels", label=T("insurance.channels.download"))
    channel_market_view()
    ui.takeaway(T("insurance.channels.takeaway"))


def channel_market_view() -> None:
    """China's internet insurance in sourced, dated figures, and the rules on who may sell online."""
    st.markdown(f"#### {T('insurance.channels.market_heading')}")
    market = draw.channel_market()
    left, right = st.columns(2)
    with left:
        ui.chart(draw.market_premium_figure(), key="ins_market_premium_chart")
    with right:
        ui.chart(draw.market_share_figure(), key="ins_market_share_chart")
    label = "label_zh" if ui.lang() == "zh" else "label_en"
    rules = market.table[market.table["topic"] == "rule"]
    st.markdown(f"##### {T('insurance.channels.rules_heading')}")
    st.markdown("\n".join(f"- **{r.period}** · {getattr(r, label)} ([{r.published}]({r.url}))"
                          for r in rules.itertuples()))
    with st.expander(T("insurance.channels.figures_title")):
        figures = market.table[market.table["topic"] != "rule"]
        st.dataframe(pd.DataFrame({
            T("insurance.channels.fcol.period"): figures["period"],
            T("insurance.channels.fcol.value"): figures["value"],
            T("insurance.channels.fcol.unit"): figures["unit"],
            T("insurance.channels.fcol.what"): figures[label],
            T("insurance.channels.fcol.source"): figures["source"],
            T("insurance.channels.fcol.published"): figures["published"],
            T("insurance.channels.fcol.url"): figures["url"],
        }), hide_index=True, width="stretch",
            column_config={T("insurance.channels.fcol.url"): st.column_config.LinkColumn()})
        st.caption(T("insurance.channels.figures_note"))


# ================================================================== 7. history
HISTORY_AREAS = ("sales", "product", "company", "mutual", "regulation")


def history() -> None:
    st.subheader(T("insurance.history.heading"))
    ui.explain(T("insurance.history.intro"), T("insurance.explanation"))
    view = tline.show("insurance_history", HISTORY_AREAS, prefix="insurance.history", key="ins_hist",
                      years_param="hy")
    if view is not None:
        shown, counts = view["shown"], view["counts"]
        sep = "、" if ui.lang() == "zh" else ", "
        per_area = sep.join(T("insurance.history.area_count", area=T(f"insurance.history.category.{a}"), n=counts[a])
                            for a in HISTORY_AREAS if a in view["chosen"])
        gap = view["gap"]
        text = T("insurance.history.happened", n=len(shown), start=view["start"], end=view["end"], areas=per_area)
        if gap is not None:
            before, after = shown.iloc[gap[0]], shown.iloc[gap[1]]
            text += ("" if ui.lang() == "zh" else " ") + T("insurance.history.happened_gap", years=gap[2] / 365.25,
                                                             first=before["date"], second=after["date"])
        mutual = shown[shown["category"] == "mutual"]
        if len(mutual) >= 2:
            text += ("" if ui.lang() == "zh" else " ") + T(
                "insurance.history.happened_mutual", first=mutual["date"].iloc[0], last=mutual["date"].iloc[-1],
                years=(mutual["when"].iloc[-1] - mutual["when"].iloc[0]).days / 365.25)
        ui.what_happened(text)
        remember("history", ["hy", "ins_hist_areas"], {"history_milestones": len(shown)})
        ui.download_csv(view["download"], "insurance-history.csv", key="dl_ins_hist",
                        label=T("insurance.history.download"))
    ui.takeaway(T("insurance.history.takeaway"))
    chapter_check()


# ================================================================== the chapter tied together (last tab's end)
CHECK = ("pooling", "pricing", "claims", "mutual", "channels", "history")


def chapter_check() -> None:
    """Which tab showed which heading of chapter 4: pick a tab per statement, instant feedback (like ui.quiz)."""
    st.divider()
    st.markdown(f"#### 🧩 {T('insurance.chapter_check.heading')}")
    st.markdown(T("insurance.chapter_check.intro"))
    # the options are the tabs' labels themselves (no format_func): a language has its own widgets
    labels = {T(f"insurance.tab.{n}"): n for n in SECTIONS}
    right = 0
    for i, cid in enumerate(CHECK, start=1):
        base = f"insurance.chapter_check.items.{cid}"
        answer = T.raw(f"{base}.answer")
        chosen = st.selectbox(f"{i}. {T(f'{base}.text')}", list(labels), index=None,
                              key=f"ins_check_{cid}_{ui.lang()}", placeholder=T("insurance.chapter_check.pick"),
                              persist_state="page")
        pick = labels.get(chosen)
        if pick is not None:
            right += check.verdict(pick == answer, T(f"insurance.tab.{answer}"), T(f"{base}.explain"))
    check.score(right, len(CHECK), T("insurance.chapter_check.done"))


SECTIONS = {"price": price, "ruin": ruin, "param": param, "mutual": mutual, "ubi": ubi,
            "channels": channels, "history": history}
ui.sections("insurance", SECTIONS)

# ================================================================== rules and market
st.divider()
st.subheader(T("insurance.rules.heading"))
st.markdown(T("insurance.rules.intro"))
timeline = draw.facts().timeline
ui.chart(draw.timeline_figure(timeline["when"], timeline["topic"], timeline["date"],
                              timeline["label_zh" if ui.lang() == "zh" else "label_en"]), key="ins_timeline_chart")
r1, r2 = st.columns(2)
with r1:
    st.markdown(f"##### {T('insurance.rules.regulation')}")
    fact_note("regulation")
    st.markdown(f"##### {T('insurance.rules.sales')}")
    fact_note("sales")
with r2:
    st.markdown(f"##### {T('insurance.rules.market')}")
    fact_note("market")

st.divider()
ui.quiz("insurance", ["q1", "q2", "q3", "q4", "q5", "q6"])
st.markdown(f"#### {T('insurance.summary.heading')}")
st.caption(T("insurance.summary.caption"))
ui.summary_download("insurance", SECTIONS, "insurance-run-summary.csv", key="dl_ins_summary",
                    label=T("insurance.summary.download"), column="metric")
ui.references("insurance")
