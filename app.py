"""FinTech Lab · 互联网金融技术实验室 — home page: chapter 1 (what, history, traits, areas) and chapter 7 (impact)."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ui
from core import overview

T = ui.frame("home")
ui.header("home")
st.markdown(T("home.what.body"))

# one Okabe–Ito colour per area; the pale yellow is left out (too faint on a white projector screen)
CAT_COLOUR = {"general": "#999999", "payments": "#E69F00", "lending": "#009E73", "insurance": "#CC79A7",
              "currency": "#56B4E9", "blockchain": "#0072B2", "regulation": "#D55E00"}


@st.cache_data(max_entries=8)
def _timeline() -> pd.DataFrame:
    return overview.load_timeline()


@st.cache_data(max_entries=8)
def _table(name: str) -> pd.DataFrame:
    return overview.load_table(name)


@st.cache_data(max_entries=8)
def _volume() -> pd.DataFrame:
    return overview.payment_volume()


@st.cache_data(max_entries=8)
def _platforms() -> pd.DataFrame:
    return overview.platform_counts()


def title_col() -> str:
    return "title_zh" if ui.lang() == "zh" else "title_en"


# ------------------------------------------------------------------ history
def history() -> None:
    st.subheader(T("home.history.heading"))
    st.markdown(T("home.history.intro"))
    timeline = _timeline()
    years = (int(timeline["year"].min()), int(timeline["year"].max()))
    c1, c2 = st.columns([2, 1])
    chosen = c1.multiselect(T("home.history.categories"), list(overview.CATEGORIES),
                            default=list(overview.CATEGORIES), key="hist_categories", persist_state="page",
                            format_func=lambda c: T(f"home.category.{c}"), help=T("home.history.categories_help"))
    span = c2.slider(T("home.history.years"), years[0], years[1], years, key="years",
                     help=T("home.history.years_help"), **ui.BIND)
    shown = pd.DataFrame()
    with ui.guard():
        shown = overview.filter_timeline(timeline, chosen, span[0], span[1])
    if shown.empty:
        st.warning(T("home.history.none"))
    else:
        fig = go.Figure()
        for cat in chosen:
            part = shown[shown["category"] == cat]
            if part.empty:
                continue
            fig.add_trace(go.Scatter(
                x=part["when"], y=[T(f"home.category.{cat}")] * len(part), mode="markers",
                marker=dict(size=14, color=CAT_COLOUR[cat], line=dict(width=1, color="white")),
                name=T(f"home.category.{cat}"), text=part[title_col()], customdata=part["date"],
                hovertemplate="%{customdata}<br>%{text}<extra></extra>"))
        fig.update_layout(height=380, showlegend=False, xaxis_title=T("home.history.axis_year"))
        ui.chart(fig, key="timeline_chart")

        st.markdown(f"#### {T('home.history.replay')}")
        trace = overview.timeline_trace(shown)

        def draw_milestone(step) -> None:
            p = step.params
            left, right = st.columns([3, 2])
            with left:
                st.markdown(f"### {p['date']} · {T('home.category.' + p['category'])}")
                ui.source_note(p["source"])
            with right:
                counts = step.state["counts"]
                cats = [c for c in overview.CATEGORIES if c in chosen]
                bar = go.Figure(go.Bar(x=[counts[c] for c in cats], y=[T(f"home.category.{c}") for c in cats],
                                       orientation="h", marker_color=[CAT_COLOUR[c] for c in cats]))
                bar.update_layout(height=260, title=T("home.history.so_far"))
                bar.update_xaxes(tickformat=",d", rangemode="tozero")
                ui.chart(bar, key="timeline_counts")

        ui.step_player(trace, draw_milestone, key="timeline")
        periods = overview.milestones_per_period(shown)
        busiest = periods.groupby("period")["milestones"].sum()
        ui.what_happened(T("home.history.happened", n=len(shown), start=span[0], end=span[1],
                           busiest=int(busiest.idxmax()), busiest_end=int(busiest.idxmax()) + 4,
                           busiest_n=int(busiest.max())))
        ui.download_csv(shown.drop(columns=["when"]), "fintech-timeline.csv", key="dl_timeline")
    ui.takeaway(T("home.history.takeaway"))

# ------------------------------------------------------------------ four traits
def traits() -> None:
    st.subheader(T("home.traits.heading"))
    st.markdown(T("home.traits.intro"))
    top = st.columns(2)
    bottom = st.columns(2)

    with top[0].container(border=True):
        st.markdown(f"#### ⚡ {T('home.traits.efficiency.title')}")
        volume = _volume()
        series = st.radio(T("home.traits.efficiency.series"), ["nonbank_online", "bank_mobile"], horizontal=True,
                          format_func=lambda s: T(f"home.series.{s}"), key="eff_series", persist_state="page",
                          help=T("home.traits.efficiency.series_help"))
        sub = volume[volume["series"] == series]
        year = st.select_slider(T("home.traits.efficiency.year"), options=list(sub["year"]),
                                value=int(sub["year"].max()), key="eff_year", persist_state="page")
        row = sub[sub["year"] == year].iloc[0]
        m1, m2 = st.columns(2)
        m1.metric(T("home.traits.efficiency.per_second"), ui.num(row["per_second"]))
        m2.metric(T("home.traits.efficiency.avg_ticket"), ui.yuan(row["avg_ticket_yuan"]))
        fig = go.Figure(go.Bar(x=sub["year"], y=sub["per_second"],
                               marker_color=[ui.OKABE_ITO[1] if y == year else ui.OKABE_ITO[0] for y in sub["year"]]))
        fig.update_layout(height=240, yaxis_title=T("home.traits.efficiency.per_second"), xaxis_type="category")
        ui.chart(fig, key="eff_chart")
        st.markdown(T("home.traits.efficiency.text", year=year, per_second=row["per_second"],
                      count=row["transactions_yi"] * 1e8, value=row["value_wanyi"] * 1e12))
        ui.source_note(row["source"] + (f" ({T('common.derived')})" if row["derived"] == "yes" else ""))

    with top[1].container(border=True):
        st.markdown(f"#### 💡 {T('home.traits.innovation.title')}")
        adoption = _table("fintech_adoption")
        markets = st.multiselect(T("home.traits.innovation.markets"), ["global", "china", "us", "uk", "india"],
                                 default=["global", "china"], key="inno_markets", persist_state="page",
                                 format_func=lambda m: T(f"home.market.{m}"))
        fig = go.Figure()
        for mkt in markets:
            part = adoption[adoption["market"] == mkt]
            fig.add_trace(go.Scatter(x=part["edition"], y=part["adoption"] * 100, mode="lines+markers",
                                     name=T(f"home.market.{mkt}")))
        fig.update_layout(height=240, yaxis_title="%", xaxis=dict(tickvals=[2015, 2017, 2019]))
        ui.chart(fig, key="inno_chart")
        china = adoption[adoption["market"] == "china"].set_index("edition")["adoption"]
        world = adoption[adoption["market"] == "global"].set_index("edition")["adoption"]
        st.markdown(T("home.traits.innovation.text", china=china[2019], world=world[2019],
                      times=world[2019] / world[2015]))
        ui.source_note(T("home.traits.innovation.source"))

    with bottom[0].container(border=True):
        st.markdown(f"#### 🤝 {T('home.traits.inclusion.title')}")
        findex = _table("findex")
        region = st.radio(T("home.traits.inclusion.region"), ["world", "china", "developing"], horizontal=True,
                          format_func=lambda r: T(f"home.region.{r}"), key="incl_region", persist_state="page")
        part = findex[findex["region"] == region]
        survey = st.select_slider(T("home.traits.inclusion.year"), options=list(part["year"]),
                                  value=int(part["year"].max()), key="incl_year", persist_state="page")
        share = float(part[part["year"] == survey]["account_share"].iloc[0])
        have, without = overview.people_with_accounts(share)
        grid = go.Figure(go.Scatter(
            x=[i % 20 for i in range(100)], y=[-(i // 20) for i in range(100)], mode="markers",
            marker=dict(size=16, symbol="circle",
                        color=[ui.OKABE_ITO[2] if i < have else "#BBBBBB" for i in range(100)]),
            hoverinfo="skip"))
        grid.update_layout(height=170, xaxis=dict(visible=False), yaxis=dict(visible=False), showlegend=False)
        ui.chart(grid, key="incl_chart")
        first = int(part["year"].min())
        st.markdown(T("home.traits.inclusion.text", have=have, without=without, year=survey,
                      region=T(f"home.region.{region}"), first=first,
                      change=overview.percentage_point_change(findex, region, first, survey)))
        ui.source_note(part[part["year"] == survey]["source"].iloc[0])

    with bottom[1].container(border=True):
        st.markdown(f"#### 💰 {T('home.traits.cost.title')}")
        costs = _table("remittance_costs")
        c1, c2 = st.columns(2)
        amount = c1.number_input(T("home.traits.cost.amount"), min_value=10, max_value=10_000, value=200, step=10,
                                 key="cost_amount", persist_state="page", help=T("home.traits.cost.amount_help"))
        per_year = c2.number_input(T("home.traits.cost.per_year"), min_value=1, max_value=52, value=12,
                                   key="cost_per_year", persist_state="page", help=T("home.traits.cost.per_year_help"))
        with ui.guard():
            fees = overview.remittance_fees(amount, per_year, costs)
            fig = go.Figure(go.Bar(y=[T(f"home.channel.{c}") for c in fees["channel"]], x=fees["fees_per_year_usd"],
                                   orientation="h", text=[f"${v:,.0f}" for v in fees["fees_per_year_usd"]],
                                   marker_color=ui.OKABE_ITO[:len(fees)]))
            fig.update_layout(height=240, xaxis_title=T("home.traits.cost.axis"))
            ui.chart(fig, key="cost_chart")
            by = fees.set_index("channel")
            st.markdown(T("home.traits.cost.text", amount=amount, n=per_year,
                          bank=by.loc["banks", "fees_per_year_usd"], digital=by.loc["digital", "fees_per_year_usd"],
                          saved=by.loc["banks", "fees_per_year_usd"] - by.loc["digital", "fees_per_year_usd"]))
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
    left, right = st.columns(2)
    with left:
        volume = _volume()
        fig = go.Figure()
        for series in ("bank_mobile", "nonbank_online"):
            part = volume[volume["series"] == series]
            fig.add_trace(go.Scatter(x=part["year"], y=part["value_wanyi"], mode="lines+markers",
                                     name=T(f"home.series.{series}")))
        fig.update_layout(height=330, title=T("home.impact.volume_title"), yaxis_title=T("home.impact.volume_axis"),
                          legend=dict(orientation="h", y=-0.2))
        ui.chart(fig, key="impact_volume")
        multiple = overview.growth_multiple(volume, "bank_mobile", "value_wanyi", 2015, 2023)
        st.markdown(T("home.impact.volume_text", multiple=multiple))
        ui.source_note(T("home.impact.volume_source"))
    with right:
        shares = _table("mobile_payment_shares")
        fig = go.Figure()
        for provider in ("alipay", "tenpay"):
            part = shares[shares["provider"] == provider]
            fig.add_trace(go.Bar(x=part["period"], y=part["share"] * 100, name=T(f"home.provider.{provider}")))
        fig.update_layout(height=330, barmode="group", title=T("home.impact.share_title"), yaxis_title="%",
                          legend=dict(orientation="h", y=-0.2))
        ui.chart(fig, key="impact_share")
        last = shares[shares["period"] == shares["period"].iloc[-1]].set_index("provider")["share"]
        st.markdown(T("home.impact.share_text", period=shares["period"].iloc[-1], both=last.sum()))
        ui.source_note(T("home.impact.share_source"))

    counts = _platforms()
    story = overview.peak_and_fall(counts)
    fig = go.Figure(go.Scatter(x=counts["when"], y=counts["platforms"], mode="lines+markers",
                               marker=dict(size=10, color=[ui.OKABE_ITO[5] if k == "official" else ui.OKABE_ITO[0]
                                                          for k in counts["kind"]]),
                               text=counts["source"], hovertemplate="%{x|%Y-%m}: %{y:,}<br>%{text}<extra></extra>"))
    fig.update_layout(height=340, title=T("home.impact.p2p_title"), yaxis_title=T("home.impact.p2p_axis"))
    ui.chart(fig, key="impact_p2p")
    ui.what_happened(T("home.impact.p2p_text", peak=story["peak"], peak_date=story["peak_date"][:7],
                       last=story["last"], last_date=story["last_date"][:7], fall=story["fall"]))
    ui.source_note(T("home.impact.p2p_source"))
    ui.takeaway(T("home.impact.takeaway"))

ui.sections("home", {"history": history, "traits": traits, "areas": areas, "impact": impact})

st.divider()
ui.quiz("home", ["q1", "q2", "q3", "q4"])
