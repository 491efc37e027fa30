"""The regulation page's shared work and its charts (pages/5_regulation.py).  No rules, no maths: those are core's.

Defined here rather than in the page: a page script runs again on every rerun, and each cached function
or ``@figure`` builder it defines is re-created there (Streamlit re-reads its source for the cache key);
this module is imported once.

- Cached work (``st.cache_resource``): shared by every visitor, never mutated by the page.
- Charts: ``@figure`` builders, built once per (inputs, language, presenter mode) and shared read-only.
  A builder takes the few values that say what its chart shows (a tab's controls, a replay's step) and
  takes its data from the cached work and its labels from ``translator()``.
"""
from __future__ import annotations

import inspect
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import aml as aml_core, privacy as privacy_core, regulation as reg
from core.trace import Step, Trace
from ui.frame import lang, translator
from ui.i18n import Translator
from ui.widgets import OKABE_ITO, figure

BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY, YELLOW = OKABE_ITO
JUR_COLOUR = {"cn": RED, "us": BLUE, "eu": GREEN}
VERDICT_COLOUR = {"none": "#DDDDDD", "commodity": SKY, "licence": GREEN, "banned": RED}
VERDICT_CODE = {"none": 0, "commodity": 1, "licence": 2, "banned": 3}
CURRENCY = {"cn": "¥", "us": "$"}


def title_col() -> str:
    return "title_zh" if lang() == "zh" else "title_en"


def step_index(trace: Trace, step: Step) -> int:
    """Position of ``step`` in ``trace`` (a step player hands its draw function the step itself)."""
    return next(i for i, s in enumerate(trace.steps) if s is step)


# ====================================================================== cached work (shared, read only)
@st.cache_resource(max_entries=1, show_spinner=False)
def milestones() -> pd.DataFrame:
    return reg.load_milestones()


@st.cache_resource(max_entries=8, show_spinner=False)
def table(name: str) -> pd.DataFrame:
    return reg.load_table(name)


@st.cache_resource(max_entries=1, show_spinner=False)
def approaches() -> pd.DataFrame:
    return table("approaches").set_index("jurisdiction")


@st.cache_resource(max_entries=1, show_spinner=False)
def red_flags() -> pd.DataFrame:
    return table("red_flags").set_index("flag_id")


@st.cache_resource(max_entries=1, show_spinner=False)
def cohorts() -> pd.DataFrame:
    return reg.real_cohorts()


@st.cache_resource(max_entries=1, show_spinner=False)
def sandbox_milestones() -> pd.DataFrame:
    """The sandboxes of the three jurisdictions, from the milestones."""
    shown = milestones()
    return shown[shown["area"] == "sandbox"]


@st.cache_resource(max_entries=1, show_spinner=False)
def fines() -> pd.DataFrame:
    return reg.fine_rules()


@st.cache_resource(max_entries=1, show_spinner=False)
def crypto_rules() -> pd.DataFrame:
    return reg.crypto_rules().set_index("rule_id")


@st.cache_resource(max_entries=1, show_spinner=False)
def rule_source() -> str:
    return inspect.getsource(aml_core.ReportingRule)


@st.cache_resource(max_entries=32, show_spinner=False)
def compare(jurs: tuple, areas: tuple, start: int, end: int):
    """The chosen milestones with their comparison matrix, area counts and replay (None when nothing is chosen)."""
    shown = reg.filter_milestones(milestones(), jurs, areas, start, end)
    if shown.empty:
        return shown, None, None, None
    return shown, reg.comparison_matrix(shown), reg.area_counts(shown), reg.milestones_trace(shown)


@st.cache_resource(max_entries=2, show_spinner=False)
def aml_rules(regime: str) -> tuple[pd.DataFrame, float]:
    """The regime's rows of the sourced rule table, and its cash reporting line in whole currency units."""
    rules = table("aml_rules")
    return rules[rules["regime"] == regime], aml_core.cash_line(regime) / 100


@st.cache_resource(max_entries=32, show_spinner=False)
def aml_day(n: int, share: float, seed: int, regime: str):
    """One simulated day: the result, its replay, its summary, the CSV table (with hh:mm times) and the structurers."""
    result = aml_core.simulate_day(n, share, seed, regime)
    day_csv = result.day.assign(time=[f"{m // 60:02d}:{m % 60:02d}" for m in result.day["minute"]])
    return result, aml_core.day_trace(result), result.summary(), day_csv, result.structurers


@st.cache_resource(max_entries=32, show_spinner=False)
def sandbox(params: reg.SandboxParams):
    firms = reg.simulate_sandbox(params)
    return firms, reg.sandbox_summary(firms), reg.sandbox_trace(firms, params)


@st.cache_resource(max_entries=32, show_spinner=False)
def privacy(n: int, seed: int, share: float, k: int, width: int) -> tuple[dict, int]:
    """The pseudonymisation experiment and how many rows the controller's lookup maps back to the right person."""
    exp = privacy_core.privacy_experiment(n, seed, share, k, width)
    back = privacy_core.reidentify(exp["keyed"], exp["customers"])
    return exp, int((back["id"].to_numpy() == exp["customers"]["id"].to_numpy()).sum())


@st.cache_resource(max_entries=1, show_spinner=False)
def verdict_grid() -> pd.DataFrame:
    """Verdict of every (jurisdiction, activity) row at every date of the crypto timeline."""
    long = reg.crypto_timeline(reg.ACTIVITIES)
    grid = long.pivot(index=["jurisdiction", "activity"], columns="date", values="verdict")
    return grid.reindex(index=[(j, a) for j in ("cn", "eu") for a in reg.ACTIVITIES], columns=list(reg.CRYPTO_DATES))


@st.cache_resource(max_entries=64, show_spinner=False)
def checklist(business: str, on_text: str) -> pd.DataFrame:
    return reg.crypto_checklist(reg.BUSINESSES[business], date.fromisoformat(on_text))


@st.cache_resource(max_entries=64, show_spinner=False)
def checklist_rows(business: str, on_text: str) -> dict:
    """The checklist's rows (one per activity and jurisdiction) and how many are illegal in China and
    licensed in the EU."""
    key_table = checklist(business, on_text)
    counts = key_table.groupby("jurisdiction")["verdict"].value_counts()
    return {"rows": tuple(key_table.itertuples()), "cn_banned": int(counts.get(("cn", "banned"), 0)),
            "eu_licence": int(counts.get(("eu", "licence"), 0))}


# ====================================================================== what a tab shows in words, per language
# Built once per (inputs, language) instead of on every rerun: translating and framing the same rows again for
# every student's every click was a few milliseconds a rerun.
@st.cache_resource(max_entries=64, show_spinner=False)
def compare_words(jurs: tuple, areas: tuple, start: int, end: int, language: str) -> dict:
    """The chosen milestones in words: one card per jurisdiction (approach, key laws, aims met, source), the
    aims each meets most, the counts, the table of milestones and the rows of the CSV download."""
    T = Translator(language)
    shown, matrix, _, _ = compare(jurs, areas, start, end)
    title = "title_zh" if language == "zh" else "title_en"
    approach = approaches()
    cards = [{"jurisdiction": row.jurisdiction,
              "approach": approach.loc[row.jurisdiction, "approach_zh" if language == "zh" else "approach_en"],
              "laws": "\n".join(f"- {r.date} · {getattr(r, title)}" for r in shown.loc[row.key_rows].itertuples()),
              "aims": " · ".join(f"{T('regulation.aim.' + a)} ({n})" for a, n in row.aims.items() if n),
              "source": approach.loc[row.jurisdiction, "source"]} for row in matrix.itertuples()]
    tops = "; ".join(f"{T('regulation.jur.' + r.jurisdiction)}: {' / '.join(T('regulation.aim.' + a) for a in r.top_aims)}"
                     for r in matrix.itertuples())
    per = shown["jurisdiction"].value_counts()
    table = pd.DataFrame({
        T("regulation.compare.col_date"): shown["date"],
        T("regulation.compare.jurisdictions"): [T(f"regulation.jur.{j}") for j in shown["jurisdiction"]],
        T("regulation.compare.areas"): [T(f"regulation.area.{a}") for a in shown["area"]],
        T("regulation.compare.col_title"): shown[title],
        T("regulation.compare.col_source"): shown["source"]})
    return {"cards": cards, "tops": tops, "per": {j: int(per.get(j, 0)) for j in reg.JURISDICTIONS},
            "table": table, "csv": shown.drop(columns=["when"])}


@st.cache_resource(max_entries=4, show_spinner=False)
def aml_rule_table(regime: str, language: str) -> tuple[pd.DataFrame, str]:
    """The regime's reporting rules (rule, line) and their sources."""
    T = Translator(language)
    rules, cur = aml_rules(regime)[0], CURRENCY[regime]
    # the line first: a phone shows it without scrolling past the long rule name
    table = pd.DataFrame({T("regulation.aml.col_line"): [f"{cur}{int(v):,}" for v in rules["threshold_units"]],
                          T("regulation.aml.col_rule"): rules["label_zh" if language == "zh" else "label_en"]})
    return table, " · ".join(dict.fromkeys(rules["source_zh" if language == "zh" else "source"]))


@st.cache_resource(max_entries=32, show_spinner=False)
def aml_day_tables(n: int, share: float, seed: int, regime: str, language: str) -> dict:
    """The day's large-value reports and red-flag hits as tables (None when there are none), with what each
    red flag means and where it comes from."""
    T = Translator(language)
    result, *_, truth = aml_day(n, share, seed, regime)
    cur = CURRENCY[regime]
    rule_label = {r: T(f"regulation.aml.rule_short.{r}") for r in aml_rules(regime)[0]["rule_id"]}
    single_keys = set(zip(result.single["customer"], result.single["rule"], result.single["direction"]))
    reports = flags = None
    if not result.daily.empty:
        d = result.daily
        reports = pd.DataFrame({
            T("regulation.aml.col_customer"): [T("regulation.aml.customer", c=c) for c in d["customer"]],
            T("regulation.aml.col_rule"): [rule_label[r] for r in d["rule"]],
            T("regulation.aml.col_direction"): [T(f"regulation.aml.dir.{x}") for x in d["direction"]],
            T("regulation.aml.col_n"): d["n_tx"],
            T("regulation.aml.col_total"): [f"{cur}{v / 100:,.0f}" for v in d["total"]],
            T("regulation.aml.col_crossed"): [f"{m // 60:02d}:{m % 60:02d}" for m in d["crossed_at"]],
            T("regulation.aml.col_single"): ["✓" if k in single_keys else "✗" for k in
                                             zip(d["customer"], d["rule"], d["direction"])],
        })
    if not result.flags.empty:
        f = result.flags
        flags = pd.DataFrame({
            T("regulation.aml.col_customer"): [T("regulation.aml.customer", c=c) for c in f["customer"]],
            **{T(f"regulation.aml.flag.{k}"): ["⚑" if v else "" for v in f[k]]
               for k in ("just_below", "burst", "cash_then_wire")},
            T("regulation.aml.col_truth"): [T("regulation.aml.truth_struct") if c in truth
                                            else T("regulation.aml.truth_other") for c in f["customer"]],
        })
    three = red_flags().loc[["just_below", "burst", "cash_then_wire"]]
    label = "label_zh" if language == "zh" else "label_en"
    return {"reports": reports, "flags": flags,
            "flag_notes": "\n".join(f"⚑ {T('regulation.aml.flag.' + k)}: {three.loc[k, label]}" for k in three.index),
            "flag_source": " · ".join(dict.fromkeys(three["source"]))}


@st.cache_resource(max_entries=2, show_spinner=False)
def sandbox_facts(language: str) -> dict:
    """The FCA's published cohorts as a table, and the sandboxes of the three jurisdictions as a list."""
    T = Translator(language)
    real = cohorts()
    table = pd.DataFrame({
        T("regulation.sandbox.col_cohort"): real["cohort"].astype(int),
        T("regulation.sandbox.stage.applications"): real["applications"],
        T("regulation.sandbox.stage.accepted"): real["accepted"],
        T("regulation.sandbox.stage.tested"): real["tested"].astype("string").fillna("—"),
        T("regulation.sandbox.col_note"): real["note_zh" if language == "zh" else "note_en"]})
    others = sandbox_milestones()
    title = "title_zh" if language == "zh" else "title_en"
    return {"table": table, "source": " · ".join(dict.fromkeys(real["source"])),
            "others": "\n".join(f"- **{r.date}** · {T('regulation.jur.' + r.jurisdiction)} · {getattr(r, title)}"
                                for r in others.itertuples()),
            "others_source": " · ".join(dict.fromkeys(others["source"]))}


@st.cache_resource(max_entries=32, show_spinner=False)
def privacy_tables(n: int, seed: int, share: float, k: int, width: int, language: str) -> dict:
    """The first rows of the three releases: original, pseudonymised, anonymised."""
    T = Translator(language)
    exp = privacy(n, seed, share, k, width)[0]
    orig = exp["customers"].head(6)
    ps = exp["keyed"].table.head(6)
    an = exp["anonymous"].head(6)
    return {
        "original": pd.DataFrame({T("regulation.privacy.col.name"): orig["name_zh" if language == "zh" else "name_en"],
                                  T("regulation.privacy.col.phone"): orig["phone"],
                                  T("regulation.privacy.col.birth"): orig["birth_year"].astype(str),
                                  T("regulation.privacy.col.gender"): [T(f"regulation.privacy.gender.{g}")
                                                                       for g in orig["gender"]],
                                  T("regulation.privacy.col.city"): [T(f"regulation.privacy.city.{c}")
                                                                     for c in orig["city"]]}),
        "pseudonymised": pd.DataFrame({T("regulation.privacy.col.pseudonym"): ps["pseudonym"],
                                       T("regulation.privacy.col.birth"): ps["birth_year"].astype(str),
                                       T("regulation.privacy.col.gender"): [T(f"regulation.privacy.gender.{g}")
                                                                            for g in ps["gender"]],
                                       T("regulation.privacy.col.city"): [T(f"regulation.privacy.city.{c}")
                                                                          for c in ps["city"]]}),
        "anonymised": pd.DataFrame({T("regulation.privacy.col.band"): an["birth_band"],
                                    T("regulation.privacy.col.gender"): [T(f"regulation.privacy.gender.{g}")
                                                                         for g in an["gender"]],
                                    T("regulation.privacy.col.region"): [T(f"regulation.privacy.region.{r}")
                                                                         for r in an["region"]]})}


# ====================================================================== charts
#: a horizontal legend at the bottom of the figure, below the axis title (the figure's own edge, not the plot's:
#: a larger presenter font never pushes it into the tick labels); the same as the other pages' charts
LEGEND_BELOW = dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left")


def _legend_below(fig: go.Figure) -> go.Figure:
    fig.update_layout(legend=LEGEND_BELOW)
    return fig


# ------------------------------------------------------------------ 1. three jurisdictions
@figure
def timeline_figure(jurs: tuple, areas: tuple, start: int, end: int) -> go.Figure:
    """The chosen milestones on a time axis, one row per jurisdiction; key laws drawn larger."""
    T = translator()
    df, title = compare(jurs, areas, start, end)[0], title_col()
    fig = go.Figure()
    for j in ("cn", "us", "eu"):
        part = df[df["jurisdiction"] == j]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["when"], y=[T(f"regulation.jur.{j}")] * len(part), mode="markers", name=T(f"regulation.jur.{j}"),
            marker=dict(size=[20 if k == "yes" else 12 for k in part["key"]], color=JUR_COLOUR[j],
                        symbol=["diamond" if k == "yes" else "circle" for k in part["key"]],
                        line=dict(width=1, color="white")),
            text=part[title], customdata=part["date"], hovertemplate="%{customdata}<br>%{text}<extra></extra>"))
    fig.update_layout(height=300, showlegend=False, xaxis_title=T("regulation.compare.axis_year"))
    fig.update_yaxes(type="category")
    return fig


@figure
def counts_figure(counts: tuple, highlight: str | None = None) -> go.Figure:
    """Milestones so far per jurisdiction (the replay's running count), ``counts`` as (jurisdiction, n) pairs."""
    T = translator()
    counts = dict(counts)
    js = list(counts)
    fig = go.Figure(go.Bar(x=[counts[j] for j in js], y=[T(f"regulation.jur.{j}") for j in js], orientation="h",
                           marker_color=[JUR_COLOUR[j] for j in js],
                           marker_line=dict(width=[4 if j == highlight else 0 for j in js], color="black")))
    fig.update_layout(height=220, title=T("regulation.compare.so_far"))
    fig.update_xaxes(tickformat=",d", rangemode="tozero", dtick=1)
    return fig


@figure
def area_heatmap(jurs: tuple, areas: tuple, start: int, end: int) -> go.Figure:
    """Milestones per jurisdiction and area: who has written rules about what."""
    T = translator()
    table = compare(jurs, areas, start, end)[2]
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[T(f"regulation.area.{a}") for a in table.columns],
        y=[T(f"regulation.jur.{j}") for j in table.index], colorscale=[[0, "#F7F7F7"], [1, BLUE]],
        text=table.to_numpy(), texttemplate="%{text}", showscale=False,
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>"))
    fig.update_layout(height=260, title=T("regulation.compare.heat_title"))
    return fig


# ------------------------------------------------------------------ 2. AML
@figure
def running_cash_figure(n: int, share: float, seed: int, regime: str, index: int) -> go.Figure:
    """Step ``index`` of the day's replay: cash deposited so far per customer (bars) against the reporting
    line (dashed).

    A bar's colour tells who the customer really is (structurer or not); a ✓ marks customers whose
    running total has reached the line, a ✗ those whose single deposits never reach it on their own."""
    T = translator()
    state = aml_day(n, share, seed, regime)[1][index].state
    line_units, currency = aml_rules(regime)[1], CURRENCY[regime]
    labels = [T("regulation.aml.customer", c=int(c)) for c in state["customer"]]
    colour = [ORANGE if s else BLUE for s in state["structurer"]]
    fig = go.Figure(go.Bar(x=state["total"] / 100, y=labels, orientation="h", marker_color=colour,
                           text=[("✓ " if d else "") + (T("regulation.aml.single_hit") if s else "")
                                 for d, s in zip(state["by_daily"], state["by_single"])],
                           textposition="outside", customdata=state["n_tx"],
                           hovertemplate="%{y}: " + currency + "%{x:,.0f} (%{customdata})<extra></extra>"))
    fig.add_vline(x=line_units, line=dict(color=RED, width=3, dash="dash"),
                  annotation_text=T("regulation.aml.line", line=f"{currency}{line_units:,.0f}"),
                  annotation_position="top right", annotation_yanchor="bottom", annotation_font_color=RED)
    top = max(float(state["total"].max()) / 100 if len(state) else 0.0, line_units) * 1.25
    fig.update_yaxes(automargin=True)
    # the line's label sits above the plot (a top margin keeps it there), never over the first bar
    fig.update_layout(height=max(300, 28 * len(state) + 110), showlegend=False, margin=dict(t=56),
                      xaxis_title=T("regulation.aml.axis_cash", currency=currency))
    fig.update_xaxes(range=[0, top], tickformat=",d")
    return fig


# ------------------------------------------------------------------ 3. sandbox
@figure
def funnel_figure(applications: int, accepted: int, tested: int) -> go.Figure:
    """Applications → accepted → tested: the FCA's first two cohorts beside this simulated cohort."""
    T = translator()
    real = cohorts()
    real = real[real["cohort"] <= 2]
    sim = {"applications": applications, "accepted": accepted, "tested": tested}
    stages = ["applications", "accepted", "tested"]
    names = [T(f"regulation.sandbox.stage.{s}") for s in stages]
    fig = go.Figure()
    for i, row in enumerate(real.itertuples()):
        values = [getattr(row, s) for s in stages]
        fig.add_trace(go.Bar(x=names, y=[None if pd.isna(v) else int(v) for v in values],
                             name=T("regulation.sandbox.real_label", cohort=int(row.cohort)),
                             marker_color=[SKY, BLUE, GREY, "#555555"][i % 4], text=[
                                 "" if pd.isna(v) else f"{int(v)}" for v in values], textposition="outside"))
    fig.add_trace(go.Bar(x=names, y=[sim[s] for s in stages], name=T("regulation.sandbox.sim_label"),
                         marker_color=ORANGE, marker_pattern_shape="/", text=[str(sim[s]) for s in stages],
                         textposition="outside"))
    fig.update_layout(height=340, barmode="group", title=T("regulation.sandbox.funnel_title"),
                      yaxis_title=T("regulation.sandbox.firms_axis"))
    return _legend_below(fig)


@figure
def exposure_figure(params: reg.SandboxParams, index: int) -> go.Figure:
    """Step ``index`` of the cohort's replay: customers exposed so far to each flawed product, with the
    sandbox's cap vs a full launch."""
    T = translator()
    state = sandbox(params)[2][index].state
    flawed = state[state["flawed"]]
    labels = [T("regulation.sandbox.firm", n=int(f)) + (" ⚠" if s else "") for f, s in zip(flawed["firm"],
                                                                                          flawed["shown"])]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=flawed["full"], name=T("regulation.sandbox.path_full"), marker_color=RED))
    fig.add_trace(go.Bar(x=labels, y=flawed["sandbox"], name=T("regulation.sandbox.path_sandbox"), marker_color=GREEN))
    fig.update_layout(height=340, barmode="group", yaxis_title=T("regulation.sandbox.exposed_axis"))
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return _legend_below(fig)


@figure
def outcome_figure(sound: int, fixed: int, missed: int) -> go.Figure:
    """What became of the tested firms."""
    T = translator()
    summary = {"sound": sound, "fixed": fixed, "missed": missed}
    kinds = ["sound", "fixed", "missed"]
    colours = [GREEN, SKY, RED]
    fig = go.Figure(go.Bar(x=[summary[k] for k in kinds], y=[T(f"regulation.sandbox.outcome.{k}") for k in kinds],
                           orientation="h", marker_color=colours, text=[summary[k] for k in kinds],
                           textposition="outside", cliponaxis=False))
    fig.update_layout(height=230, title=T("regulation.sandbox.outcome_title"))
    # room on the right for the longest bar's number; whole firms on the axis
    fig.update_xaxes(tickformat=",d", rangemode="tozero", range=[0, max(summary.values(), default=0) * 1.2 + 1])
    fig.update_yaxes(automargin=True)
    return fig


# ------------------------------------------------------------------ 4. data protection
@figure
def fine_figure(tier: str, turnover: int) -> go.Figure:
    """The GDPR ceiling as a function of turnover (flat, then 2 % / 4 %), with this firm (turnover in euros) marked."""
    T = translator()
    kink = reg.gdpr_kink(tier)
    curve = reg.gdpr_curve(tier, max(2 * turnover, 2 * kink))
    point = (turnover, reg.gdpr_max_fine(turnover, tier))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=curve["turnover"] / 1e6, y=curve["ceiling"] / 1e6, mode="lines",
                             line=dict(color=BLUE, width=3), name=T("regulation.privacy.ceiling"),
                             hovertemplate="€%{x:,.0f} m → €%{y:,.1f} m<extra></extra>"))
    fig.add_trace(go.Scatter(x=[point[0] / 1e6], y=[point[1] / 1e6], mode="markers",
                             marker=dict(size=16, color=ORANGE, line=dict(width=2, color="black")),
                             name=T("regulation.privacy.this_firm"),
                             hovertemplate="€%{x:,.1f} m → €%{y:,.2f} m<extra></extra>"))
    fig.add_vline(x=kink / 1e6, line=dict(color=GREY, dash="dot"),
                  annotation_text=T("regulation.privacy.kink", kink=T("regulation.privacy.million", x=kink / 1e6)))
    fig.update_layout(height=320, xaxis_title=T("regulation.privacy.turnover_axis"),
                      yaxis_title=T("regulation.privacy.fine_axis"))
    fig.update_xaxes(tickformat=",d", rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    return _legend_below(fig)


@figure
def attack_figure(counts: tuple, n_known: int) -> go.Figure:
    """Records correctly re-identified by the attacker under each release, ``counts`` as (release, n) pairs."""
    T = translator()
    counts = dict(counts)
    kinds = ["sha256", "hmac_secret", "hmac_leaked", "quasi", "anonymous"]
    colours = [RED, GREEN, RED, ORANGE, GREEN]
    fig = go.Figure(go.Bar(x=[T(f"regulation.privacy.scenario.{k}") for k in kinds], y=[counts[k] for k in kinds],
                           marker_color=colours, text=[counts[k] for k in kinds], textposition="outside"))
    fig.add_hline(y=n_known, line=dict(color=GREY, dash="dash"),
                  annotation_text=T("regulation.privacy.known_line", n=n_known))
    fig.update_layout(height=360, yaxis_title=T("regulation.privacy.reid_axis"))
    fig.update_yaxes(rangemode="tozero", range=[0, n_known * 1.2 + 1])
    return fig


# ------------------------------------------------------------------ 5. crypto
@figure
def verdict_heatmap(chosen: str | None = None) -> go.Figure:
    """Verdict of each activity (rows) at each date (columns), China's rows above the EU's; the chosen date framed."""
    T = translator()
    grid = verdict_grid()
    grid = grid.set_axis([f"{T('regulation.jur.' + j)} · {T('regulation.crypto.activity.' + a)}" for j, a in grid.index],
                         axis=0)
    z = grid.map(lambda v: VERDICT_CODE[v]).to_numpy()
    text = grid.map(lambda v: T(f"regulation.crypto.verdict_short.{v}")).to_numpy()
    scale = [[0.0, VERDICT_COLOUR["none"]], [0.25, VERDICT_COLOUR["none"]], [0.25, VERDICT_COLOUR["commodity"]],
             [0.5, VERDICT_COLOUR["commodity"]], [0.5, VERDICT_COLOUR["licence"]], [0.75, VERDICT_COLOUR["licence"]],
             [0.75, VERDICT_COLOUR["banned"]], [1.0, VERDICT_COLOUR["banned"]]]
    fig = go.Figure(go.Heatmap(z=z, x=list(grid.columns), y=list(grid.index), zmin=-0.5, zmax=3.5, colorscale=scale,
                               text=text, texttemplate="%{text}", showscale=False, xgap=2, ygap=2,
                               hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
    if chosen in list(grid.columns):
        i = list(grid.columns).index(chosen)
        fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=-0.5, y1=len(grid) - 0.5, xref="x", yref="y",
                      line=dict(color="black", width=4), fillcolor="rgba(0,0,0,0)")
    fig.update_layout(height=90 + 34 * len(grid), title=T("regulation.crypto.heat_title"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


# ====================================================================== regulators (who supervises what, chapter 3)
from core import regulators as regulators_core  # noqa: E402  (kept beside the section it serves)

REGULATOR_COLOUR = {"pboc": RED, "cbrc": SKY, "circ": PINK, "cbirc": BLUE, "nfra": GREEN, "csrc": ORANGE,
                    "cac": "#6A3D9A", "local": GREY, "": "#DDDDDD"}


@st.cache_resource(max_entries=1, show_spinner=False)
def regulators_table() -> pd.DataFrame:
    return regulators_core.load_regulators()


@st.cache_resource(max_entries=1, show_spinner=False)
def regulator_spells() -> pd.DataFrame:
    return regulators_core.load_spells()


@st.cache_resource(max_entries=256, show_spinner=False)
def regulator_answer(query: str, on_iso: str) -> regulators_core.Answer:
    """``core.regulators.ask`` for one question and date (an unknown question raises ``InputError``)."""
    return regulators_core.ask(query, date.fromisoformat(on_iso))


def regulator_name(reg_id: str, short: bool = False) -> str:
    """The regulator's name in the reader's language ("" → the locale's "nobody")."""
    T = translator()
    if not reg_id:
        return T("regulation.regulators.nobody")
    row = regulators_table().loc[reg_id]
    if short:
        name = row["name_zh"]  # "中国银行业监督管理委员会（银监会）" → "银监会"
        return (row["abbr"] or row["name_en"]) if lang() == "en" else (
            name.split("（")[1].rstrip("）") if "（" in name else name)
    if lang() == "zh":
        return row["name_zh"]
    return f"{row['name_en']} ({row['abbr']})" if row["abbr"] else row["name_en"]


@st.cache_resource(max_entries=16, show_spinner=False)
def regulators_csv(actor: str, language: str) -> pd.DataFrame:
    """Every question of one actor answered for today, in one language (for the download)."""
    T = Translator(language)
    queries = regulators_core.load_queries()
    regs = regulators_table()
    out = regulators_core.actor_table(actor)
    name = (lambda r: regs.loc[r, "name_zh"] if language == "zh" else regs.loc[r, "name_en"])
    return pd.DataFrame({
        T("regulation.regulators.col_question"): [T(f"regulation.regulators.q.{q}") for q in out["query"]],
        T("regulation.regulators.col_rule"): [queries.loc[q, f"rule_{language}"] for q in out["query"]],
        T("regulation.regulators.col_date"): list(out["rule_date"]),
        T("regulation.regulators.col_outcome"): [T(f"regulation.regulators.outcome.{o}") for o in out["outcome"]],
        T("regulation.regulators.col_decider"): [name(r) for r in out["decider_today"]],
        T("regulation.regulators.col_answer"): [queries.loc[q, f"answer_{language}"] for q in out["query"]],
        T("regulation.regulators.col_source"): list(out["source"]),
    })


@st.cache_resource(max_entries=4, show_spinner=False)
def regulators_today(language: str) -> pd.DataFrame:
    """The supervisors with their founding/end dates, remit and source, in one language."""
    T = Translator(language)
    regs = regulators_table()
    return pd.DataFrame({
        T("regulation.regulators.col_regulator"): [regs.loc[r, "name_zh"] if language == "zh"
                                                   else f"{regs.loc[r, 'name_en']} ({regs.loc[r, 'abbr'] or '—'})"
                                                   for r in regs.index],
        T("regulation.regulators.col_founded"): [v or "—" for v in regs["founded"]],
        T("regulation.regulators.col_ended"): [v or "—" for v in regs["ended"]],
        T("regulation.regulators.col_remit"): list(regs[f"remit_{language}"]),
        T("regulation.regulators.col_source"): [f"{s} ({d})" for s, d in zip(regs["source"], regs["source_date"])],
    })


@figure
def spells_figure(area: str, on_iso: str) -> go.Figure:
    """Who led each area over time (one bar per spell, coloured by supervisor); the asked-about area in full
    colour, the others faded; a line at the date asked and one at the NFRA's founding."""
    T = translator()
    spells = regulator_spells()
    fig = go.Figure()
    seen = set()
    for row in spells.itertuples():
        start = pd.Timestamp(row.start_date)
        end = pd.Timestamp(row.end_date)
        reg_id = row.regulator
        label = T(f"regulation.regulators.status.{row.status}") if not reg_id else regulator_name(reg_id, short=True)
        name = regulator_name(reg_id, short=True) if reg_id else T("regulation.regulators.nobody")
        colour = REGULATOR_COLOUR.get(reg_id, GREY)
        hatched = row.status in ("banned", "cleared")
        # banned / cleared: white bar with the supervisor's stripes, dark text, so the label stays readable
        marker = dict(color="white", pattern=dict(shape="/", fgcolor=colour, solidity=0.35),
                      line=dict(color=colour, width=1)) if hatched else dict(color=colour)
        fig.add_trace(go.Bar(
            y=[T(f"regulation.regulators.area.{row.area}")], x=[(end - start).total_seconds() * 1000],
            base=[start.strftime("%Y-%m-%d")], orientation="h", name=name, legendgroup=name, showlegend=False,
            # a name only in a bar long enough to hold it (≥ 2.5 years); shorter spans are named by the legend's
            # colour, instead of a label shrunk to unreadable glyphs
            marker=marker, opacity=1.0 if row.area == area else 0.35, textposition="inside",
            text=label if (end - start).days >= 2.5 * 365 else "",
            insidetextanchor="middle", textfont=dict(color="#222222") if hatched else None,
            hovertemplate=f"{name} · {T('regulation.regulators.status.' + row.status)}<br>"
                          f"{row.start} → {row.end or T('regulation.regulators.today')}<extra></extra>"))
        if name not in seen:  # one legend entry per supervisor, in full colour whatever the bars' fading
            fig.add_trace(go.Bar(y=[None], x=[None], orientation="h", name=name, legendgroup=name,
                                 marker_color=colour, showlegend=True, hoverinfo="skip"))
        seen.add(name)
    for day, colour, key in ((on_iso, "black", "regulation.regulators.asked"), ("2023-05-18", GREEN,
                                                                                "regulation.regulators.nfra_line")):
        fig.add_shape(type="line", x0=day, x1=day, y0=0, y1=1, yref="paper", line=dict(color=colour, width=2,
                                                                                        dash="dot"))
        late = day >= "2018-01-01"  # a label near the right edge is written leftwards of its line
        fig.add_annotation(x=day, y=1.02 if colour == "black" else 1.09, yref="paper", text=T(key, date=day),
                           showarrow=False, yanchor="bottom", xanchor="right" if late else "left",
                           font=dict(color=colour))
    fig.update_layout(height=420, barmode="overlay", title=T("regulation.regulators.chart_title"),
                      legend=LEGEND_BELOW, margin=dict(t=90))
    fig.update_xaxes(type="date", range=["2010-01-01", regulators_core.TODAY.isoformat()])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig
