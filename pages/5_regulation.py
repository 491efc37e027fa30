"""Regulation: chapter 3 (compliance, supervisors, risk reserve), chapter 7 (better regulation and risk control)
and the article's §2, §5, §6 — three jurisdictions compared, AML rules as code, a sandbox cohort, data
protection and crypto rules.  Each tab is a section; only the open one runs (ui.sections)."""
from datetime import date

import pandas as pd
import streamlit as st

import ui
from core import aml as aml_core, regulation as reg, regulators as regulators_core
from ui import draw_regulation as draw
from ui.check import chapter_check
from ui.draw_regulation import title_col

T = ui.frame("regulation")
ui.header("regulation")


def intro(key: str) -> None:
    """An explanation; in presenter mode it folds away so the projected screen stays short."""
    ui.explain(T(key), T("regulation.explanation"))


intro("regulation.intro")

SANDBOX_CAPS = [100, 250, 500, 1000, 2500, 5000, 10000, 20000]
SANDBOX_LAUNCH = [100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000]


def label_col() -> str:
    return "label_zh" if ui.lang() == "zh" else "label_en"


def table_height(df: pd.DataFrame):
    """Up to ten rows at once; in presenter mode the table's own height (tables are enlarged there, and a fixed
    height would let the next element overlap it)."""
    return "auto" if ui.presenter() else min(400, 38 + 35 * len(df))


def keep_numbers(section: str, numbers: dict) -> None:
    """Remember this section's key numbers (this student's session) for the summary download at the end."""
    ui.file_figures("regulation", section, numbers)


# Work is paid once for the whole class: results, tables and charts are cached by their inputs (and language) and
# shared read-only, in ui/draw_regulation.py (imported once, not re-created on every rerun).


# ====================================================================== 1. three jurisdictions
def compare() -> None:
    st.subheader(T("regulation.compare.heading"))
    intro("regulation.compare.intro")
    milestones = draw.milestones()
    years = (int(milestones["year"].min()), int(milestones["year"].max()))
    c1, c2, c3 = st.columns([1, 2, 2])
    jurs = c1.multiselect(T("regulation.compare.jurisdictions"), list(reg.JURISDICTIONS), default=list(reg.JURISDICTIONS),
                          format_func=lambda j: T(f"regulation.jur.{j}"), key="cmp_jur", persist_state="page",
                          help=T("regulation.compare.jurisdictions_help"))
    areas = c2.multiselect(T("regulation.compare.areas"), list(reg.AREAS), default=list(reg.AREAS),
                           format_func=lambda a: T(f"regulation.area.{a}"), key="cmp_areas", persist_state="page",
                           help=T("regulation.compare.areas_help"))
    span = c3.slider(T("regulation.compare.years"), years[0], years[1], years, key="cyears",
                     help=T("regulation.compare.years_help"), **ui.BIND)
    start, end = sorted(span)  # a hand-written link may give the two years in either order
    shown = pd.DataFrame()
    with ui.guard():
        shown, _, _, trace = draw.compare(tuple(jurs), tuple(areas), start, end)
    if shown.empty:
        st.warning(T("regulation.compare.none"))
    else:
        ui.chart(draw.timeline_figure(tuple(jurs), tuple(areas), start, end), key="cmp_timeline")
        st.caption(T("regulation.compare.legend"))
        st.markdown(f"#### {T('regulation.compare.replay')}")

        def draw_milestone(step) -> None:
            row, counts = step.state["row"], step.state["counts"]
            left, right = st.columns([3, 2])
            with left:
                st.markdown(f"### {row['date']} · {T('regulation.jur.' + row['jurisdiction'])}")
                st.markdown(T("regulation.compare.card", area=T(f"regulation.area.{row['area']}"),
                              aim=T(f"regulation.aim.{row['aim']}")))
                ui.source_note(row["source"])
            with right:
                ui.chart(draw.counts_figure(tuple((j, counts[j]) for j in jurs), row["jurisdiction"]),
                         key="cmp_counts")

        at = ui.step_player(trace, draw_milestone, key="cmp_player")

        # the comparison of all chosen milestones is the replay's summary: folded (and marked as such) until the
        # player reaches the last milestone, so it does not give away what the steps are about to show
        summary = st.expander(T("regulation.compare.matrix", n=len(shown)), expanded=at >= len(trace) - 1, icon="🏁")
        words = draw.compare_words(tuple(jurs), tuple(areas), start, end, ui.lang())
        cols = summary.columns(max(1, len(words["cards"])))
        for col, card in zip(cols, words["cards"]):
            with col.container(border=True):
                st.markdown(f"##### {T('regulation.jur.' + card['jurisdiction'])}")
                st.markdown(f"**{T('regulation.compare.approach')}** {card['approach']}")
                st.markdown(f"**{T('regulation.compare.key_laws')}**\n"
                            f"{card['laws'] or '- ' + T('regulation.compare.no_key')}")
                st.markdown(f"**{T('regulation.compare.aims')}** {card['aims']}")
                ui.source_note(card["source"])
        with summary:
            ui.chart(draw.area_heatmap(tuple(jurs), tuple(areas), start, end), key="cmp_heat")
        per = words["per"]
        with summary:
            ui.what_happened(T("regulation.compare.happened", n=len(shown), start=start, end=end,
                               cn=per["cn"], us=per["us"], eu=per["eu"],
                               first=shown["date"].iloc[0], last=shown["date"].iloc[-1], tops=words["tops"])
                             + (" " + T("regulation.compare.happened_cn") if per["cn"] > max(per["us"], per["eu"]) else ""))
        keep_numbers("compare", {"milestones_shown": len(shown)})
        with st.expander(T("regulation.compare.table_title")):
            st.dataframe(words["table"], hide_index=True, width="stretch")
        ui.download_csv(words["csv"], "regulation-milestones.csv", key="dl_cmp", label=T("regulation.compare.download"))
    with st.expander(T("regulation.compare.ch3_title")):
        st.markdown(T("regulation.compare.ch3_body"))
        ui.source_note(T("regulation.compare.ch3_source"))
    ui.takeaway(T("regulation.compare.takeaway"))


# ====================================================================== 2. AML rules as code
def aml() -> None:
    st.subheader(T("regulation.aml.heading"))
    intro("regulation.aml.intro")
    c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1])
    # the regime's label is translated: bound to the URL it would put that label there, so ?areg= stays hand-made
    regime = c1.radio(T("regulation.aml.regime"), list(aml_core.REGIMES),
                      index=list(aml_core.REGIMES).index(ui.url_value("areg", "cn", options=list(aml_core.REGIMES))),
                      format_func=lambda r: T(f"regulation.aml.regimes.{r}"), key="aml_regime", persist_state="page",
                      help=T("regulation.aml.regime_help"))
    ui.sync_url(areg=regime)
    n_cust = c2.slider(T("regulation.aml.customers"), 10, 300, 60, 5, key="an",
                       help=T("regulation.aml.customers_help"), **ui.BIND)
    share = c3.slider(T("regulation.aml.share"), 0, 50, 10, 1, key="ash", format="%d%%",
                      help=T("regulation.aml.share_help"), **ui.BIND)
    a_seed = c4.number_input(T("regulation.aml.seed"), 0, 9999, 2017, 1, key="aseed",
                             help=T("regulation.aml.seed_help"), **ui.BIND)
    cur = draw.CURRENCY[regime]
    line_units = draw.aml_rules(regime)[1]
    with st.expander(T("regulation.aml.rules_title")):    # folded: the day's picture comes within a phone's screen
        rules_shown, rules_source = draw.aml_rule_table(regime, ui.lang())
        st.dataframe(rules_shown, hide_index=True, width="stretch")
        ui.source_note(rules_source)
    with st.expander(T("regulation.aml.code_title")):
        st.markdown(T("regulation.aml.code_note"))
        st.code(draw.rule_source(), language="python")
    with ui.guard():
        day = (int(n_cust), share / 100, int(a_seed), regime)
        _, trace, s, day_csv, _ = draw.aml_day(*day)
        m = st.columns(5)
        m[0].metric(T("regulation.aml.m_tx"), ui.num(s["n_tx"]), help=T("regulation.aml.m_tx_help"))
        m[1].metric(T("regulation.aml.m_daily"), ui.num(s["daily_reports"]), help=T("regulation.aml.m_daily_help"))
        m[2].metric(T("regulation.aml.m_single"), ui.num(s["single_reports"]), help=T("regulation.aml.m_single_help"))
        m[3].metric(T("regulation.aml.m_caught"), f"{s['caught_daily']} / {s['structurers']}",
                    help=T("regulation.aml.m_caught_help"))
        m[4].metric(T("regulation.aml.m_flagged"), ui.num(s["flagged"]), help=T("regulation.aml.m_flagged_help"))
        st.markdown(f"#### {T('regulation.aml.replay')}")

        def draw_hour(step) -> None:
            ui.chart(draw.running_cash_figure(*day, draw.step_index(trace, step)), key="aml_running")
            st.caption(T("regulation.aml.chart_note"))

        ui.step_player(trace, draw_hour, key="aml_player")

        tables = draw.aml_day_tables(*day, ui.lang())
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"#### {T('regulation.aml.reports_title')}")
            if tables["reports"] is None:
                st.info(T("regulation.aml.no_reports"))
            else:
                st.dataframe(tables["reports"], hide_index=True, width="stretch", height=table_height(tables["reports"]))
        with right:
            st.markdown(f"#### {T('regulation.aml.flags_title')}")
            if tables["flags"] is None:
                st.info(T("regulation.aml.no_flags"))
            else:
                st.dataframe(tables["flags"], hide_index=True, width="stretch", height=table_height(tables["flags"]))
            st.caption(tables["flag_notes"])
            ui.source_note(tables["flag_source"])
            st.markdown(T(f"regulation.aml.str_{regime}", flagged=s["flagged"], sar=s["suspicious_reports"]))
            if regime == "us":
                ui.source_note(draw.red_flags().loc["us_sar_floor", "source"])
        ui.what_happened(T("regulation.aml.happened", n=s["n_customers"], n_tx=s["n_tx"], total=s["total"] / 100,
                           cur=cur, daily=s["daily_reports"], daily_amount=s["daily_amount"] / 100,
                           single=s["single_reports"], single_amount=s["single_amount"] / 100,
                           structurers=s["structurers"], caught=s["caught_daily"], caught_single=s["caught_single"],
                           flagged=s["flagged"], struct_flagged=s["structurers_flagged"], others=s["others_flagged"],
                           line=line_units, regime=T(f"regulation.aml.regimes.{regime}")))
        keep_numbers("aml", {f"aml_{k}": v for k, v in s.items()})
        ui.download_csv(day_csv, f"regulation-aml-day-{regime}.csv", key="dl_aml", label=T("regulation.aml.download"))
    ui.takeaway(T("regulation.aml.takeaway"))


# ====================================================================== 3. regulatory sandbox
def sandbox() -> None:
    st.subheader(T("regulation.sandbox.heading"))
    intro("regulation.sandbox.intro")
    real = draw.cohorts()
    c1, c2, c3, c4, c5 = st.columns(5)
    apps = c1.slider(T("regulation.sandbox.applications"), 5, 300, 69, 1, key="sapp",
                     help=T("regulation.sandbox.applications_help"), **ui.BIND)
    acc = c2.slider(T("regulation.sandbox.accept"), 5, 100, 35, 1, format="%d%%", key="sacc",
                    help=T("regulation.sandbox.accept_help"), **ui.BIND)
    tst = c3.slider(T("regulation.sandbox.test"), 5, 100, 75, 1, format="%d%%", key="stst",
                    help=T("regulation.sandbox.test_help"), **ui.BIND)
    # no format_func on the two select sliders: a bound select slider writes its *formatted* label to the
    # URL, and ?scap=1000 (not 1,000) is what a lecturer types
    cap = c4.select_slider(T("regulation.sandbox.cap"), SANDBOX_CAPS, 1000, key="scap",
                           help=T("regulation.sandbox.cap_help"), **ui.BIND)
    months = c5.slider(T("regulation.sandbox.months"), 1, 24, 6, 1, key="smon",
                       help=T("regulation.sandbox.months_help"), **ui.BIND)
    # the second row folded: on a phone nine sliders would push the first chart two screens down
    c6, c7, c8, c9 = st.expander(T("regulation.sandbox.more"), icon="⚙️").columns(4)
    flaw = c6.slider(T("regulation.sandbox.flaw"), 0, 80, 20, 1, format="%d%%", key="sflaw",
                     help=T("regulation.sandbox.flaw_help"), **ui.BIND)
    show = c7.slider(T("regulation.sandbox.show"), 0.5, 36.0, 4.0, 0.5, key="sshow",
                     help=T("regulation.sandbox.show_help"), **ui.BIND)
    launch = c8.select_slider(T("regulation.sandbox.launch"), SANDBOX_LAUNCH, 5000, key="slaunch",
                              help=T("regulation.sandbox.launch_help"), **ui.BIND)
    s_seed = c9.number_input(T("regulation.sandbox.seed"), 0, 9999, 2016, 1, key="sseed",
                             help=T("regulation.sandbox.seed_help"), **ui.BIND)
    with ui.guard():
        params = reg.SandboxParams(int(apps), acc / 100, tst / 100, int(cap), int(months), flaw / 100, float(show),
                                   int(launch), int(s_seed))
        firms, sb, sb_trace = draw.sandbox(params)
        m = st.columns(4)
        m[0].metric(T("regulation.sandbox.m_tested"), f"{sb['tested']} / {sb['applications']}",
                    help=T("regulation.sandbox.m_tested_help"))
        m[1].metric(T("regulation.sandbox.m_launch"), ui.pct(sb["launch_share"]),
                    help=T("regulation.sandbox.m_launch_help"))
        m[2].metric(T("regulation.sandbox.m_sandbox"), ui.num(sb["sandbox_exposed"]),
                    help=T("regulation.sandbox.m_sandbox_help"))
        m[3].metric(T("regulation.sandbox.m_full"), ui.num(sb["full_exposed"]), help=T("regulation.sandbox.m_full_help"))
        left, right = st.columns([3, 2])
        with left:
            ui.chart(draw.funnel_figure(sb["applications"], sb["accepted"], sb["tested"]), key="sb_funnel")
            st.caption(T("regulation.sandbox.funnel_note"))
        with right:
            ui.chart(draw.outcome_figure(sb["sound"], sb["fixed"], sb["missed"]), key="sb_outcomes")
            r1 = real.iloc[0]
            st.markdown(T("regulation.sandbox.real_vs_sim", acc_real=float(r1["accept_rate"]),
                          test_real=float(r1["test_rate"]), acc_sim=sb["accepted"] / sb["applications"]
                          if sb["applications"] else 0.0, test_sim=sb["tested"] / sb["accepted"] if sb["accepted"]
                          else 0.0, launch_sim=sb["launch_share"]))
        st.markdown(f"#### {T('regulation.sandbox.replay')}")

        def draw_month(step) -> None:
            if not step.state["flawed"].any():
                st.info(T("regulation.sandbox.no_flawed"))
                return
            ui.chart(draw.exposure_figure(params, draw.step_index(sb_trace, step)), key="sb_exposure")

        ui.step_player(sb_trace, draw_month, key="sb_player")
        ui.what_happened(T("regulation.sandbox.happened", apps=sb["applications"], accepted=sb["accepted"],
                           tested=sb["tested"], cap=int(cap), months=int(months), sound=sb["sound"], fixed=sb["fixed"],
                           missed=sb["missed"], launch=sb["launch_share"], sandbox=sb["sandbox_exposed"],
                           full=sb["full_exposed"], avoided=sb["avoided_share"]))
        keep_numbers("sandbox", {f"sandbox_{k}": v for k, v in sb.items()})
        ui.download_csv(firms, "regulation-sandbox-firms.csv", key="dl_sb", label=T("regulation.sandbox.download"))
    with st.expander(T("regulation.sandbox.facts_title")):
        facts = draw.sandbox_facts(ui.lang())
        st.dataframe(facts["table"], hide_index=True, width="stretch")
        ui.source_note(facts["source"])
        st.markdown(facts["others"])
        ui.source_note(facts["others_source"])
    ui.takeaway(T("regulation.sandbox.takeaway"))


# ====================================================================== 4. data protection
def privacy() -> None:
    st.subheader(T("regulation.privacy.heading"))
    intro("regulation.privacy.intro")
    fines = draw.fines()
    st.markdown(f"#### {T('regulation.privacy.fines_title')}")
    c1, c2, c3 = st.columns([1, 1, 1])
    turnover_m = c1.number_input(T("regulation.privacy.turnover"), 0, 1_000_000, 800, 50, key="gto",
                                 help=T("regulation.privacy.turnover_help"), **ui.BIND)
    # the tier's label is translated: kept out of Streamlit's binding so ?gtier= holds the stable id
    tier = c2.radio(T("regulation.privacy.tier"), ["gdpr_83_5", "gdpr_83_4"],
                    index=["gdpr_83_5", "gdpr_83_4"].index(ui.url_value("gtier", "gdpr_83_5",
                                                                         options=["gdpr_83_5", "gdpr_83_4"])),
                    format_func=lambda t: T(f"regulation.privacy.tiers.{t}"), key="pv_tier", persist_state="page",
                    help=T("regulation.privacy.tier_help"))
    cny_yi = c3.number_input(T("regulation.privacy.turnover_cny"), 0, 100_000, 20, 1, key="pto",
                             help=T("regulation.privacy.turnover_cny_help"), **ui.BIND)
    ui.sync_url(gtier=tier)
    numbers = {}
    with ui.guard():
        turnover = int(turnover_m) * 1_000_000
        ceiling = reg.gdpr_max_fine(turnover, tier)
        kink = reg.gdpr_kink(tier)
        fixed_pipl, pct_pipl = reg.pipl_ceilings(int(cny_yi) * 100_000_000)
        left, right = st.columns([3, 2])
        with left:
            ui.chart(draw.fine_figure(tier, turnover), key="pv_fine_chart")
        with right:
            st.metric(T("regulation.privacy.gdpr_ceiling"), f"€{ceiling:,}", help=T("regulation.privacy.gdpr_ceiling_help"))
            ui.source_note(fines.loc[tier, "source"])
            st.markdown(f"**{T('regulation.privacy.pipl_title')}**")
            p1, p2 = st.columns(2)
            p1.metric(T("regulation.privacy.pipl_fixed"), f"¥{fixed_pipl:,}", help=T("regulation.privacy.pipl_help"))
            p2.metric(T("regulation.privacy.pipl_pct"), f"¥{pct_pipl:,}", help=T("regulation.privacy.pipl_help"))
            st.caption(fines.loc["pipl_66_2", label_col()])
            ui.source_note(fines.loc["pipl_66_2", "source"])
        ui.what_happened(T("regulation.privacy.fine_happened", turnover=turnover_m,
                           tier=T(f"regulation.privacy.tiers.{tier}"), ceiling=ceiling / 1e6,
                           fixed=int(fines.loc[tier, "fixed"]) / 1e6, share=int(fines.loc[tier, "share_bp"]) / 10_000,
                           kink=kink / 1e6, which=T("regulation.privacy.which_pct") if ceiling > int(
                               fines.loc[tier, "fixed"]) else T("regulation.privacy.which_fixed"),
                           cny=int(cny_yi), pipl_pct=pct_pipl / 1e8))
        numbers.update({"gdpr_turnover_eur": turnover, "gdpr_ceiling_eur": ceiling, "pipl_fixed_cny": fixed_pipl,
                        "pipl_pct_cny": pct_pipl})

    st.divider()
    st.markdown(f"#### {T('regulation.privacy.pseudo_title')}")
    intro("regulation.privacy.pseudo_intro")
    c1, c2, c3, c4, c5 = st.columns(5)
    pv_n = c1.slider(T("regulation.privacy.n"), 10, 300, 60, 5, key="pn", help=T("regulation.privacy.n_help"),
                     **ui.BIND)
    pv_share = c2.slider(T("regulation.privacy.share"), 10, 100, 50, 5, format="%d%%", key="psh",
                         help=T("regulation.privacy.share_help"), **ui.BIND)
    pv_k = c3.slider(T("regulation.privacy.k"), 1, 10, 3, 1, key="pk", help=T("regulation.privacy.k_help"), **ui.BIND)
    pv_width = c4.select_slider(T("regulation.privacy.width"), [1, 5, 10, 20], 10, key="pw",
                                help=T("regulation.privacy.width_help"), **ui.BIND)
    pv_seed = c5.number_input(T("regulation.privacy.seed"), 0, 9999, 7, 1, key="pseed",
                              help=T("regulation.privacy.seed_help"), **ui.BIND)
    with ui.guard():
        exp, round_trip = draw.privacy(int(pv_n), int(pv_seed), pv_share / 100, int(pv_k), int(pv_width))
        shown = draw.privacy_tables(int(pv_n), int(pv_seed), pv_share / 100, int(pv_k), int(pv_width), ui.lang())
        t1, t2, t3 = st.columns([4, 4, 3])
        with t1:
            st.markdown(f"**{T('regulation.privacy.original')}**")
            st.dataframe(shown["original"], hide_index=True, width="stretch")
        with t2:
            st.markdown(f"**{T('regulation.privacy.pseudonymised')}**")
            st.dataframe(shown["pseudonymised"], hide_index=True, width="stretch")
        with t3:
            st.markdown(f"**{T('regulation.privacy.anonymised', k=int(pv_k))}**")
            st.dataframe(shown["anonymised"], hide_index=True, width="stretch")
        ui.chart(draw.attack_figure(tuple(exp["counts"].items()), exp["known"]), key="pv_attack")
        c = exp["counts"]
        ui.what_happened(T("regulation.privacy.pseudo_happened", n=exp["n"], known=exp["known"], trip=round_trip,
                           sha=c["sha256"], secret=c["hmac_secret"], leaked=c["hmac_leaked"], quasi=c["quasi"],
                           anon=c["anonymous"], k=int(pv_k), kept=exp["kept"], suppressed=exp["suppressed"],
                           width=int(pv_width)))
        numbers.update({f"privacy_reidentified_{k}": v for k, v in c.items()})
        ui.download_csv(exp["keyed"].table, "regulation-pseudonymised.csv", key="dl_pv",
                        label=T("regulation.privacy.download"))
    keep_numbers("privacy", numbers)
    with st.expander(T("regulation.privacy.law_title")):
        st.markdown(T("regulation.privacy.law_body"))
        ui.source_note(T("regulation.privacy.law_source"))
    ui.takeaway(T("regulation.privacy.takeaway"))


# ====================================================================== 5. crypto rules
def crypto() -> None:
    st.subheader(T("regulation.crypto.heading"))
    intro("regulation.crypto.intro")
    c1, c2 = st.columns([2, 3])
    # options are the translated labels themselves (no format_func), mapped back to the business id; so the
    # widget stays out of Streamlit's URL binding (it would write the label) and ?biz= holds the stable id
    biz_ids = list(reg.BUSINESSES)
    biz_labels = [T(f"regulation.crypto.businesses.{b}") for b in biz_ids]
    biz_label = c1.selectbox(T("regulation.crypto.business"), biz_labels,
                             index=biz_ids.index(ui.url_value("biz", "offshore_exchange", options=biz_ids)),
                             key=f"cr_business_{ui.lang()}", persist_state="page",
                             help=T("regulation.crypto.business_help"))
    business = biz_ids[biz_labels.index(biz_label)] if biz_label in biz_labels else biz_ids[0]
    ui.sync_url(biz=business)
    on_text = c2.select_slider(T("regulation.crypto.date"), list(reg.CRYPTO_DATES), "2024-12-30", key="on",
                               help=T("regulation.crypto.date_help"), **ui.BIND)
    activities = reg.BUSINESSES[business]
    with ui.guard():
        key_table = draw.checklist(business, on_text)
        checklist = draw.checklist_rows(business, on_text)
        st.markdown(f"#### {T('regulation.crypto.checklist_title', business=T('regulation.crypto.businesses.' + business), on=on_text)}")
        st.markdown(T("regulation.crypto.checklist_intro"))
        answers = {}
        verdict_labels = [T(f"regulation.crypto.verdict.{v}") for v in reg.VERDICTS]
        heads = st.columns(2)
        for col, j in zip(heads, ("cn", "eu")):
            col.markdown(f"**{T('regulation.jur.' + j)}**")
        for row in checklist["rows"]:
            col = heads[0] if row.jurisdiction == "cn" else heads[1]
            choice = col.selectbox(
                T(f"regulation.crypto.activity.{row.activity}"), verdict_labels, index=None,
                placeholder=T("regulation.crypto.placeholder"),
                key=f"cr_ans_{business}_{row.activity}_{row.jurisdiction}_{ui.lang()}", persist_state="page",
                help=T("regulation.crypto.answer_help"))
            if choice in verdict_labels:
                answers[(row.activity, row.jurisdiction)] = reg.VERDICTS[verdict_labels.index(choice)]
        grade = reg.grade_checklist(answers, key_table)
        # the heat map, its framed date column and the counts are the answer key: shown only once revealed
        revealed = st.toggle(T("regulation.crypto.reveal"), key=f"cr_reveal_{business}", persist_state="page",
                             help=T("regulation.crypto.reveal_help"))
        if revealed:
            rules = draw.crypto_rules()
            st.dataframe(pd.DataFrame({
                T("regulation.crypto.col_item"): [f"{T('regulation.jur.' + r.jurisdiction)} · "
                                                  f"{T('regulation.crypto.activity.' + r.activity)}"
                                                  for r in checklist["rows"]],
                T("regulation.crypto.col_yours"): [T(f"regulation.crypto.verdict.{answers[(r.activity, r.jurisdiction)]}")
                                                   if (r.activity, r.jurisdiction) in answers else "—"
                                                   for r in checklist["rows"]],
                T("regulation.crypto.col_key"): [T(f"regulation.crypto.verdict.{r.verdict}")
                                                 for r in checklist["rows"]],
                T("regulation.crypto.col_mark"): ["✓" if answers.get((r.activity, r.jurisdiction)) == r.verdict else
                                                  ("✗" if (r.activity, r.jurisdiction) in answers else "")
                                                  for r in checklist["rows"]],
                T("regulation.crypto.col_rule"): [(f"{r.from_date} · {rules.loc[r.rule_id, title_col()]}" if r.rule_id
                                                   else T("regulation.crypto.no_rule")) for r in checklist["rows"]],
            }), hide_index=True, width="stretch")
            ui.source_note(" · ".join(dict.fromkeys(s for s in key_table["source"] if s)) or T("regulation.crypto.no_rule"))
            ui.chart(draw.verdict_heatmap(on_text), key="cr_heat")
            st.caption(T("regulation.crypto.heat_note"))
            ui.what_happened(T("regulation.crypto.happened", business=T(f"regulation.crypto.businesses.{business}"),
                               on=on_text, n=len(activities), cn_banned=checklist["cn_banned"],
                               eu_licence=checklist["eu_licence"], right=grade["right"],
                               answered=grade["answered"], total=grade["total"]))
        else:
            ui.what_happened(T("regulation.crypto.happened_hidden",
                               business=T(f"regulation.crypto.businesses.{business}"), on=on_text, n=len(activities),
                               answered=grade["answered"], total=grade["total"]))
        keep_numbers("crypto", {"crypto_business": business, "crypto_date": on_text, "crypto_right": grade["right"],
                                "crypto_total": grade["total"]})
        if revealed:   # the file holds the answer key too
            ui.download_csv(key_table, "regulation-crypto-checklist.csv", key="dl_cr",
                            label=T("regulation.crypto.download"))
    ui.takeaway(T("regulation.crypto.takeaway"))


# ====================================================================== 6. regulators (chapter 3, 监管机构)
def regulators() -> None:
    st.subheader(T("regulation.regulators.heading"))
    intro("regulation.regulators.intro")
    actors = list(regulators_core.ACTORS)
    c1, c2, c3 = st.columns([1.3, 2.2, 1.5])
    # the actor's and the question's labels are translated: kept out of Streamlit's binding, ?ract= / ?rq= hold ids
    actor = c1.radio(T("regulation.regulators.actor_label"), actors,
                     index=actors.index(ui.url_value("ract", "p2p", options=actors)),
                     format_func=lambda a: T(f"regulation.regulators.actor.{a}"), key=f"rg_actor_{ui.lang()}",
                     persist_state="page", help=T("regulation.regulators.actor_help"))
    ids = regulators_core.actions(actor)
    asked = st.query_params.get("rq")
    if asked and asked not in regulators_core.load_queries().index:
        with ui.guard():  # a hand-edited link: say so in the reader's language, then show the first question
            regulators_core.ask(asked)
    # options are the translated questions themselves (no format_func), mapped back to their ids
    labels = [T(f"regulation.regulators.q.{q}") for q in ids]
    label = c2.selectbox(T("regulation.regulators.query_label"), labels,
                         index=ids.index(ui.url_value("rq", ids[0], options=ids)), key=f"rg_q_{actor}_{ui.lang()}",
                         persist_state="page", help=T("regulation.regulators.query_help"))
    query = ids[labels.index(label)] if label in labels else ids[0]
    year = c3.slider(T("regulation.regulators.year"), regulators_core.FIRST_DAY.year, regulators_core.TODAY.year,
                     regulators_core.TODAY.year, key="ryear", help=T("regulation.regulators.year_help"), **ui.BIND)
    ui.sync_url(ract=actor, rq=query)
    on = min(date(int(year), 12, 31), regulators_core.TODAY)
    with ui.guard():
        ans = draw.regulator_answer(query, on.isoformat())
        row = regulators_core.load_queries().loc[query]
        lc = ui.lang()
        left, right = st.columns([3, 2])
        with left.container(border=True):
            # the whole question again: a phone's select box cuts a long one short
            st.caption(f"{T(f'regulation.regulators.actor.{actor}')} {T(f'regulation.regulators.q.{query}')}")
            st.markdown(f"#### {T('regulation.regulators.outcome.' + ans.outcome)}")
            if ans.in_force:
                st.markdown(row[f"answer_{lc}"])
            else:
                st.markdown(T("regulation.regulators.not_yet", rule_date=ans.rule_date, on=on.isoformat()))
            st.markdown(f"**{T('regulation.regulators.rule')}** {row[f'rule_{lc}']} · {ans.rule_date}")
            ui.source_note(ans.source)
        with right:
            st.metric(T("regulation.regulators.decider_then", on=on.isoformat()), draw.regulator_name(ans.decider, True),
                      help=T("regulation.regulators.decider_help"))
            st.metric(T("regulation.regulators.decider_today"), draw.regulator_name(ans.decider_today, True))
            st.markdown(f"**{T('regulation.regulators.chain_title')}** " + " → ".join(
                draw.regulator_name(r, True) for r in ans.chain)
                + (" " + T("regulation.regulators.unchanged") if len(ans.chain) == 1 else ""))
            if ans.co_deciders:
                sep = "、" if lc == "zh" else ", "
                st.markdown(f"**{T('regulation.regulators.with')}** "
                            + sep.join(draw.regulator_name(r) for r in ans.co_deciders))
        ui.chart(draw.spells_figure(ans.area, on.isoformat()), key="rg_spells")
        st.caption(T("regulation.regulators.chart_note"))
        with st.expander(T("regulation.regulators.today_title")):
            st.dataframe(draw.regulators_today(lc), hide_index=True, width="stretch")
        ui.what_happened(T("regulation.regulators.happened", on=on.isoformat(),
                           question=T(f"regulation.regulators.q.{query}"), rule=row[f"rule_{lc}"],
                           rule_date=ans.rule_date,
                           force=T("regulation.regulators.in_force" if ans.in_force else "regulation.regulators.not_in_force"),
                           outcome=T(f"regulation.regulators.outcome.{ans.outcome}"),
                           decider=draw.regulator_name(ans.decider), issuer=draw.regulator_name(ans.issuer),
                           chain=T("regulation.regulators.chain_moved",
                                   chain=" → ".join(draw.regulator_name(r, True) for r in ans.chain))
                           if len(ans.chain) > 1 else T("regulation.regulators.chain_same"),
                           today=draw.regulator_name(ans.decider_today),
                           area=T(f"regulation.regulators.area.{ans.area}"),
                           status=T(f"regulation.regulators.status.{ans.area_status}")))
        keep_numbers("regulators", {"regulators_question": query, "regulators_date": on.isoformat(),
                                    "regulators_outcome": ans.outcome, "regulators_decider": ans.decider,
                                    "regulators_decider_today": ans.decider_today})
        ui.download_csv(draw.regulators_csv(actor, lc), f"regulation-regulators-{actor}.csv", key="dl_rg",
                        label=T("regulation.regulators.download"))
    ui.takeaway(T("regulation.regulators.takeaway"))
    chapter_check("regulation", ["c1", "c2", "c3", "c4"])


ui.sections("regulation", {"compare": compare, "aml": aml, "sandbox": sandbox, "privacy": privacy, "crypto": crypto,
                           "regulators": regulators})

st.divider()
ui.quiz("regulation", ["q1", "q2", "q3", "q4", "q5", "q6"])
st.markdown(f"#### {T('regulation.summary_title')}")
ui.summary_download("regulation", ("compare", "aml", "sandbox", "privacy", "crypto", "regulators"), "regulation-summary.csv",
                    key="dl_summary", label=T("regulation.summary_download"), column="quantity")
ui.references("regulation")
