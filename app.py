"""FinTech Lab · 互联网金融技术实验室 — home page: chapter 1 (what, history, traits, areas) and chapter 7 (impact)."""
import pandas as pd
import streamlit as st

import ui
from core import overview
from ui import draw_home as draw

T = ui.frame("home")
ui.header("home")
st.markdown(T("home.what.body"))
# this script runs again on every rerun: its cached tables and chart builders live in ui.draw_home, imported once


# ------------------------------------------------------------------ history
def history() -> None:
    st.subheader(T("home.history.heading"))
    st.markdown(T("home.history.intro"))
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
    st.markdown(T("home.traits.intro"))
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
        with ui.guard():
            fees = draw.remittance(amount, per_year)
            ui.chart(draw.cost_figure(amount, per_year), key="cost_chart")
            st.markdown(T("home.traits.cost.text", amount=amount, n=per_year, bank=fees["bank"],
                          digital=fees["digital"], saved=fees["bank"] - fees["digital"]))
        ui.source_note(T("home.traits.cost.source"))
    ui.takeaway(T("home.traits.takeaway"))

# ------------------------------------------------------------------ application areas
def areas() -> None:
    st.subheader(T("home.areas.heading"))
    st.markdown(T("home.areas.intro"))
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
    ui.takeaway(T("home.areas.takeaway"))

# ------------------------------------------------------------------ impact (chapter 7)
def impact() -> None:
    st.subheader(T("home.impact.heading"))
    st.markdown(T("home.impact.intro"))
    numbers = draw.impact_numbers()
    left, right = st.columns(2)
    with left:
        ui.chart(draw.volume_figure(), key="impact_volume")
        st.markdown(T("home.impact.volume_text", multiple=numbers["multiple"]))
        ui.source_note(T("home.impact.volume_source"))
    with right:
        ui.chart(draw.share_figure(), key="impact_share")
        st.markdown(T("home.impact.share_text", period=numbers["period"], both=numbers["both"]))
        ui.source_note(T("home.impact.share_source"))

    ui.chart(draw.p2p_figure(), key="impact_p2p")
    story = numbers["p2p"]
    ui.what_happened(T("home.impact.p2p_text", peak=story["peak"], peak_date=story["peak_date"][:7],
                       last=story["last"], last_date=story["last_date"][:7], fall=story["fall"]))
    ui.source_note(T("home.impact.p2p_source"))
    ui.takeaway(T("home.impact.takeaway"))

ui.sections("home", {"history": history, "traits": traits, "areas": areas, "impact": impact})

st.divider()
ui.quiz("home", ["q1", "q2", "q3", "q4"])
