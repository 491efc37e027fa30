"""FinTech Lab · 互联网金融技术实验室 — home page: chapter 1 (what, history, traits, areas) and chapter 7 (impact)."""
import pandas as pd
import streamlit as st

import ui
from core import impact as impact_core, overview
from ui import draw_home as draw
from ui.check import chapter_check

T = ui.frame("home")
ui.header("home")
st.markdown(T("home.what.body"))
# this script runs again on every rerun: its cached tables and chart builders live in ui.draw_home, imported once


# ------------------------------------------------------------------ history
def history() -> None:
    st.subheader(T("home.history.heading"))
    ui.explain(T("home.history.intro"), T("home.explanation"))
    timeline = draw.timeline()
    years = (int(timeline["year"].min()), int(timeline["year"].max()))
    c1, c2 = st.columns([2, 1])
    chosen = c1.multiselect(T("home.history.categories"), list(overview.CATEGORIES),
                            default=list(overview.CATEGORIES), key="hist_categories", persist_state="page",
                            format_func=lambda c: T(f"home.category.{c}"), help=T("home.history.categories_help"))
    span = c2.slider(T("home.history.years"), years[0], years[1], years, key="years",
                     help=T("home.history.years_help"), **ui.BIND)
    view = {"shown": pd.DataFrame()}
    with ui.guard():
        view = draw.history_view(tuple(chosen), span[0], span[1])
    shown = view["shown"]
    if shown.empty:
        st.warning(T("home.history.none"))
    else:
        ui.chart(draw.timeline_figure(tuple(chosen), span[0], span[1]), key="timeline_chart")

        st.markdown(f"#### {T('home.history.replay')}")
        cats = tuple(c for c in overview.CATEGORIES if c in chosen)

        def draw_milestone(step) -> None:
            p = step.params
            left, right = st.columns([3, 2])
            with left:
                st.markdown(f"### {p['date']} · {T('home.category.' + p['category'])}")
                ui.source_note(p["source"])
            with right:
                counts = step.state["counts"]
                ui.chart(draw.milestones_so_far_figure(cats, tuple(counts[c] for c in cats)), key="timeline_counts")

        ui.step_player(view["trace"], draw_milestone, key="timeline")
        busiest, busiest_n = view["busiest"]
        ui.what_happened(T("home.history.happened", n=len(shown), start=span[0], end=span[1],
                           busiest=busiest, busiest_end=busiest + 4, busiest_n=busiest_n))
        ui.download_csv(view["download"], "fintech-timeline.csv", key="dl_timeline")
    ui.takeaway(T("home.history.takeaway"))

# ------------------------------------------------------------------ four traits
def traits() -> None:
    st.subheader(T("home.traits.heading"))
    ui.explain(T("home.traits.intro"), T("home.explanation"))
    top = st.columns(2)
    bottom = st.columns(2)

    with top[0].container(border=True):
        st.markdown(f"#### ⚡ {T('home.traits.efficiency.title')}")
        series = st.radio(T("home.traits.efficiency.series"), ["nonbank_online", "bank_mobile"], horizontal=True,
                          format_func=lambda s: T(f"home.series.{s}"), key="eff_series", persist_state="page",
                          help=T("home.traits.efficiency.series_help"))
        years, rows = draw.efficiency_years(series)
        year = st.select_slider(T("home.traits.efficiency.year"), options=years,
                                value=int(max(years)), key="eff_year", persist_state="page")
        row = rows[year]
        m1, m2 = st.columns(2)
        m1.metric(T("home.traits.efficiency.per_second"), ui.num(row["per_second"]))
        m2.metric(T("home.traits.efficiency.avg_ticket"), ui.yuan(row["avg_ticket_yuan"]))
        ui.chart(draw.efficiency_figure(series, int(year)), key="eff_chart")
        st.markdown(T("home.traits.efficiency.text", year=year, per_second=row["per_second"],
                      count=row["transactions_yi"] * 1e8, value=row["value_wanyi"] * 1e12))
        ui.source_note(row["source"] + (f" ({T('common.derived')})" if row["derived"] == "yes" else ""))

    with top[1].container(border=True):
        st.markdown(f"#### 💡 {T('home.traits.innovation.title')}")
        markets = st.multiselect(T("home.traits.innovation.markets"), ["global", "china", "us", "uk", "india"],
                                 default=["global", "china"], key="inno_markets", persist_state="page",
                                 format_func=lambda m: T(f"home.market.{m}"))
        ui.chart(draw.innovation_figure(tuple(markets)), key="inno_chart")
        st.markdown(T("home.traits.innovation.text", **draw.innovation_numbers()))
        ui.source_note(T("home.traits.innovation.source"))

    with bottom[0].container(border=True):
        st.markdown(f"#### 🤝 {T('home.traits.inclusion.title')}")
        region = st.radio(T("home.traits.inclusion.region"), ["world", "china", "developing"], horizontal=True,
                          format_func=lambda r: T(f"home.region.{r}"), key="incl_region", persist_state="page")
        years, first, rows = draw.inclusion_years(region)
        survey = st.select_slider(T("home.traits.inclusion.year"), options=years,
                                  value=int(max(years)), key="incl_year", persist_state="page")
        share, source, change = rows[survey]
        have, without = overview.people_with_accounts(share)
        ui.chart(draw.inclusion_figure(have), key="incl_chart")
        st.markdown(T("home.traits.inclusion.text", have=have, without=without, year=survey,
                      region=T(f"home.region.{region}"), first=first, change=change))
        ui.source_note(source)

    with bottom[1].container(border=True):
        st.markdown(f"#### 💰 {T('home.traits.cost.title')}")
        c1, c2 = st.columns(2)
        amount = c1.number_input(T("home.traits.cost.amount"), min_value=10, max_value=10_000, value=200, step=10,
                                 key="cost_amount", persist_state="page", help=T("home.traits.cost.amount_help"))
        per_year = c2.number_input(T("home.traits.cost.per_year"), min_value=1, max_value=52, value=12,
                                   key="cost_per_year", persist_state="page", help=T("home.traits.cost.per_year_help"))
        fees = None
        with ui.guard():
            fees = draw.remittance(amount, per_year)
            ui.chart(draw.cost_figure(amount, per_year), key="cost_chart")
            st.markdown(T("home.traits.cost.text", amount=amount, n=per_year, bank=fees["bank"],
                          digital=fees["digital"], saved=fees["bank"] - fees["digital"]))
        ui.source_note(T("home.traits.cost.source"))
        if fees is not None:
            ui.download_csv(fees["fees"], "remittance-fees.csv", key="dl_cost", label=T("home.traits.cost.download"))
    if fees is not None:
        target = fees["fees"].set_index("channel").loc["sdg_target", "fees_per_year_usd"]
        ui.what_happened(T("home.traits.happened", series=T(f"home.series.{series}"), year=year,
                           per_second=row["per_second"], region=T(f"home.region.{region}"), survey=survey, have=have,
                           amount=amount, n=per_year, digital=fees["digital"], target=target))
    ui.takeaway(T("home.traits.takeaway"))

# ------------------------------------------------------------------ application areas
def areas() -> None:
    st.subheader(T("home.areas.heading"))
    ui.explain(T("home.areas.intro"), T("home.explanation"))
    areas = [("payments", "💳"), ("lending", "🤝"), ("insurance", "🛡️"), ("blockchain", "⛓️")]
    cols = st.columns(len(areas))
    for col, (area, icon) in zip(cols, areas):
        with col.container(border=True):
            st.markdown(f"#### {icon} {T(f'home.areas.{area}.title')}")
            st.markdown(" · ".join(f"`{tag}`" for tag in T.list(f"home.areas.{area}.tags")))
            st.markdown(T(f"home.areas.{area}.body"))
            if T.has(f"home.areas.{area}.source"):
                ui.source_note(T(f"home.areas.{area}.source"))
            page = dict((pid, path) for pid, path, _ in ui.available_pages()).get(area)
            if page:
                st.page_link(page, label=T("home.areas.open", page=T(f"nav.{area}")), icon="➡️",
                             query_params=ui.link_params())
    regulation = dict((pid, path) for pid, path, _ in ui.available_pages()).get("regulation")
    if regulation:
        st.markdown(T("home.areas.regulation_text"))
        st.page_link(regulation, label=T("home.areas.open", page=T("nav.regulation")), icon="⚖️",
                     query_params=ui.link_params())
    bcfinance = dict((pid, path) for pid, path, _ in ui.available_pages()).get("bcfinance")
    if bcfinance:
        st.markdown(T("home.areas.bcfinance_text"))
        st.page_link(bcfinance, label=T("home.areas.open", page=T("nav.bcfinance")), icon="🏦",
                     query_params=ui.link_params())
    open_pages = {pid for pid, _, _ in ui.available_pages()}
    ui.what_happened(T("home.areas.happened", areas=len(areas),
                       tags=sum(len(T.list(f"home.areas.{a}.tags")) for a, _ in areas),
                       pages=sum(a in open_pages for a in [a for a, _ in areas] + ["regulation", "bcfinance"])))
    ui.takeaway(T("home.areas.takeaway"))

# ------------------------------------------------------------------ impact (chapter 7)
IMPACT_YEARS = (2010, 2026)
IMPACT_DEFAULT = {("payments", "value"): ("bank_mobile", "nonbank_online"), ("funds", "assets"): ("yuebao", "cmb_personal"),
                  ("inclusion", "account_share"): ("china", "world"),
                  ("costs", "cost_share"): ("global_average", "banks", "digital"),
                  ("costs", "fee_200"): ("global_average", "banks", "digital")}


def impact() -> None:
    st.subheader(T("home.impact.heading"))
    ui.explain(T("home.impact.intro"), T("home.explanation"))
    topics = list(impact_core.TOPICS)
    # topic and measure labels are translated: kept out of Streamlit's binding, ?it= / ?im= hold their ids
    topic = st.radio(T("home.impact.topic"), topics, horizontal=True,
                     index=topics.index(ui.url_value("it", "payments", options=topics)),
                     format_func=lambda t: T(f"home.impact.topics.{t}"), key=f"imp_topic_{ui.lang()}",
                     persist_state="page", help=T("home.impact.topic_help"))
    measures = list(impact_core.MEASURES[topic])
    c1, c2, c3 = st.columns([1.4, 2, 2])
    measure = c1.radio(T("home.impact.measure"), measures,
                       index=measures.index(ui.url_value("im", measures[0], options=measures)),
                       format_func=lambda m: T(f"home.impact.measures.{m}"), key=f"imp_measure_{topic}_{ui.lang()}",
                       persist_state="page", help=T("home.impact.measure_help"))
    options = list(impact_core.SERIES[(topic, measure)])
    default = list(IMPACT_DEFAULT.get((topic, measure), options))
    chosen = c2.multiselect(T(f"home.impact.series_label.{topic}"), options, default=default,
                            format_func=lambda s: T(f"home.impact.series.{s}"),
                            key=f"imp_series_{topic}_{measure}_{ui.lang()}", persist_state="page",
                            help=T("home.impact.series_help"))
    span = c3.slider(T("home.impact.years"), IMPACT_YEARS[0], IMPACT_YEARS[1], IMPACT_YEARS, key="iyears",
                     help=T("home.impact.years_help"), **ui.BIND)
    ui.sync_url(it=topic, im=measure)
    start, end = sorted(int(y) for y in span)
    view = None
    with ui.guard():  # a window without figures or no series: say so, and keep showing the last good view
        view = draw.impact_view(topic, measure, tuple(chosen), start, end)
        st.session_state["_impact_window"] = (start, end)
    if view is None:
        series = tuple(chosen) or tuple(default)
        last = st.session_state.get("_impact_window", IMPACT_YEARS)
        try:
            view = draw.impact_view(topic, measure, series, *last)
        except ValueError:
            last = impact_core.data_years(topic, measure)
            view = draw.impact_view(topic, measure, series, *last)
        chosen, (start, end) = list(series), last
        st.caption(T("home.impact.kept_view", start=start, end=end))
    summary, lang = view["summary"], ui.lang()
    unit = impact_core.UNITS[measure]
    lead = next(s for s in chosen if s in summary.index)
    row = summary.loc[lead]
    fmt = lambda v: draw.fmt_value(v, unit, lang)  # noqa: E731
    m = st.columns(4)
    m[0].metric(T("home.impact.m_first", label=row["first_label"]), fmt(row["first"]))
    m[1].metric(T("home.impact.m_last", label=row["last_label"]), fmt(row["last"]))
    m[2].metric(T("home.impact.m_cagr"), "—" if pd.isna(row["cagr"]) else ui.pct(row["cagr"]),
                help=T("home.impact.m_cagr_help"))
    m[3].metric(T("home.impact.m_peak", label=row["peak_label"]), fmt(row["peak"]))
    ui.chart(draw.impact_figure(topic, measure, tuple(chosen), start, end), key="impact_chart")
    events = view["events"]
    if len(events):
        st.markdown(f"**{T('home.impact.events_title')}**")
        st.markdown("\n".join(f"{n}. {ev.date} · {ev.label_zh if lang == 'zh' else ev.label_en}"
                               for n, ev in enumerate(events.itertuples(), start=1)))
    st.caption(T(f"home.impact.note.{topic}"))
    if topic == "inclusion":
        ui.source_note(T("home.impact.china_2024_source"))
    with st.expander(T("home.impact.sources")):
        for src in dict.fromkeys(list(view["shown"]["source"]) + list(events["source"])):
            ui.source_note(src)           # marked as a source: titles are quoted in their own language
    if unit == "share":
        change = T("home.impact.change_pp", pp=(row["last"] - row["first"]) * 100)
    else:
        change = ("—" if pd.isna(row["ratio"]) else T("home.impact.change_x", ratio=row["ratio"]) if row["ratio"] >= 1
                  else T("home.impact.change_fall", fall=1 - row["ratio"]))
    growth = (T("home.impact.no_cagr") if pd.isna(row["cagr"])
              else T("home.impact.cagr_text", cagr=row["cagr"], years=row["years"]))
    ui.what_happened(T("home.impact.happened", measure=T(f"home.impact.measures.{measure}"),
                       series=T(f"home.impact.series.{lead}"), start=start, end=end,
                       first=fmt(row["first"]), first_label=row["first_label"], last=fmt(row["last"]),
                       last_label=row["last_label"], change=change, growth=growth, peak=fmt(row["peak"]),
                       peak_label=row["peak_label"])
                     + (("" if lang == "zh" else " ") + T("home.impact.happened_events", n=len(events),
                                                          first=events.iloc[0]["date"],
                                                          title=events.iloc[0]["label_zh" if lang == "zh" else "label_en"])
                        if len(events) else ""))
    st.info(f"**{T('home.impact.discuss_title')}** {T(f'home.impact.discuss.{topic}')}", icon="💬")
    ui.download_csv(view["download"], f"impact-{topic}-{measure}.csv", key="dl_impact",
                    label=T("home.impact.download"))
    ui.takeaway(T("home.impact.takeaway"))
    chapter_check("home", ["c1", "c2", "c3", "c4"])

ui.sections("home", {"history": history, "traits": traits, "areas": areas, "impact": impact})

st.divider()
ui.quiz("home", ["q1", "q2", "q3", "q4", "q5", "q6"])
ui.references("home")
