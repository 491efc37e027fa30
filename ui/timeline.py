"""A replayable history for any page: a sourced milestone table, filtered by area and years, drawn as a
timeline and replayed one milestone at a time in the step player (the home page's mechanism, made generic).

Use it in a section (one tab) of a page::

    from ui import timeline

    view = timeline.show("insurance_history", ("sales", "company", ...), prefix="insurance.history",
                         key="ins_hist", years_param="hy")
    if view is not None:              # None: bad input (a translated message is shown) or nothing chosen
        ui.what_happened(T("insurance.history.happened", n=len(view["shown"]), ...))
        ui.download_csv(view["download"], "insurance-history.csv", key="dl_ins_hist")

``show`` draws the controls (areas: a multiselect kept while the tab is hidden; years: a slider bound to the
URL as ``?<years_param>=``), the timeline with the replayed milestone highlighted, and the step player.  The
data come from ``core.timeline`` (``data/<name>.csv``: ``date, category, title_zh, title_en, source``).

Locale keys the page provides under ``prefix`` (both languages):
``areas``, ``areas_help``, ``years``, ``years_help``, ``none`` (nothing matches), ``axis_year``, ``so_far``
(title of the bar chart), ``replay`` (heading above the player), ``step`` (one step: may quote ``{date}``,
``{title_zh}`` / ``{title_en}``, ``{seen}``, ``{total}``) and ``category.<name>`` for each area.

Everything cached here is shared read-only by every visitor (``st.cache_resource``, bounded); each chart is
a ``@figure`` builder keyed by plain arguments, so replaying a step already seen by anyone is a lookup.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import timeline as tl
from ui.frame import lang, translator
from ui.player import step_player
from ui.sections import BIND
from ui.widgets import OKABE_ITO, chart, figure, guard, source_note

#: area colours in the order a page names its areas (Okabe–Ito; the pale yellow is too faint on a projector)
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#999999"]
FAINT = "rgba(150,150,150,0.35)"


def colour(categories: tuple, category: str) -> str:
    """The colour of ``category`` among a page's ``categories``."""
    return COLOURS[categories.index(category) % len(COLOURS)] if category in categories else OKABE_ITO[6]


def title_column(language: str) -> str:
    return "title_zh" if language == "zh" else "title_en"


# ------------------------------------------------------------------ cached data (shared read-only)
@st.cache_resource(max_entries=16, show_spinner=False)
def milestones(name: str, categories: tuple) -> pd.DataFrame:
    """The sorted, checked milestone table ``data/<name>.csv``."""
    return tl.load_milestones(name, categories)


@st.cache_resource(max_entries=64, show_spinner=False)
def view(name: str, categories: tuple, chosen: tuple, start: int, end: int, step_key: str) -> dict:
    """The milestones of the ``chosen`` areas from ``start`` to ``end``: ``shown`` (table), ``trace`` (one step
    per milestone), ``counts`` (per area), ``gap`` (longest stretch without a milestone, or None) and
    ``download``.  Bad years raise ``InputError`` (shown by ``guard``)."""
    shown = tl.filter_milestones(milestones(name, categories), chosen, start, end)
    return {"shown": shown, "trace": tl.milestone_trace(shown, step_key, categories),
            "counts": tl.category_counts(shown, categories), "gap": tl.longest_gap(shown),
            "download": tl.download_table(shown)}


# ------------------------------------------------------------------ charts
@figure
def timeline_figure(name: str, categories: tuple, chosen: tuple, start: int, end: int, prefix: str,
                    current: int = -1) -> go.Figure:
    """One row of dots per chosen area, one dot per milestone (hover: date and title).  With ``current``
    (the index of a replayed milestone) the milestones after it are faint and the current one is ringed."""
    T = translator()
    shown = view(name, categories, chosen, start, end, f"{prefix}.step")["shown"]
    titles = shown[title_column(lang())]
    data = []
    for cat in [c for c in categories if c in chosen]:
        mask = (shown["category"] == cat).to_numpy()
        if not mask.any():
            continue
        idx = shown.index[mask].to_numpy()
        future = idx > current if current >= 0 else idx < 0
        colours = [FAINT if f else colour(categories, cat) for f in future]
        sizes = [26 if i == current else 15 for i in idx]
        data.append(go.Scatter(
            x=shown["when"][mask], y=[T(f"{prefix}.category.{cat}")] * int(mask.sum()), mode="markers",
            marker=dict(size=sizes, color=colours, line=dict(width=[3 if i == current else 1 for i in idx],
                                                             color=["#000000" if i == current else "white"
                                                                    for i in idx])),
            name=T(f"{prefix}.category.{cat}"), text=titles[mask], customdata=shown["date"][mask],
            hovertemplate="%{customdata}<br>%{text}<extra></extra>"))
    layout = dict(height=120 + 52 * max(1, len(data)), showlegend=False, xaxis_title=T(f"{prefix}.axis_year"),
                  margin=dict(l=10, r=10, t=20, b=40))
    return go.Figure(data=data, layout=layout)


@figure
def so_far_figure(categories: tuple, counts: tuple, totals: tuple, prefix: str) -> go.Figure:
    """Milestones seen so far, per area (horizontal bars), on an axis that runs to each area's total, so the
    bars grow as the replay goes on."""
    T = translator()
    bar = go.Bar(x=list(counts), y=[T(f"{prefix}.category.{c}") for c in categories], orientation="h",
                 marker_color=[colour(categories, c) for c in categories])
    top = max(max(totals, default=1), 1)
    fig = go.Figure(data=[bar], layout=dict(height=80 + 34 * len(categories), title=T(f"{prefix}.so_far"),
                                            margin=dict(l=10, r=10, t=50, b=30)))
    fig.update_xaxes(tickformat=",d", range=[0, top + 0.3], dtick=1 if top <= 12 else None)
    return fig


# ------------------------------------------------------------------ the section
def controls(name: str, categories: tuple, prefix: str, key: str, years_param: str) -> tuple[tuple, int, int]:
    """The areas (multiselect, kept while the tab is hidden) and the years (slider bound to ``?<years_param>=``)."""
    T = translator()
    lo, hi = tl.year_span(milestones(name, categories))
    c1, c2 = st.columns([2, 1])
    chosen = c1.multiselect(T(f"{prefix}.areas"), list(categories), default=list(categories),
                            key=f"{key}_areas", persist_state="page", format_func=lambda c: T(f"{prefix}.category.{c}"),
                            help=T(f"{prefix}.areas_help"))
    span = c2.slider(T(f"{prefix}.years"), lo, hi, (lo, hi), key=years_param, help=T(f"{prefix}.years_help"),
                     **BIND)
    return tuple(c for c in categories if c in chosen), int(span[0]), int(span[1])


def replay(name: str, categories: tuple, chosen: tuple, start: int, end: int, prefix: str, key: str) -> int:
    """The step player over the chosen milestones; each step shows the timeline so far, the milestone's date,
    area and source (its title is in the player's caption, ``<prefix>.step``), and the count per area so far.
    Returns the index of the step shown."""
    T = translator()
    v = view(name, categories, chosen, start, end, f"{prefix}.step")
    shown_cats = tuple(c for c in categories if c in chosen)

    def draw(step) -> None:
        i = step.state["index"]
        chart(timeline_figure(name, categories, chosen, start, end, prefix, current=i), key=f"{key}_chart")
        left, right = st.columns([3, 2])
        with left:
            p = step.params
            st.markdown(f"#### {p['date']} · {T(prefix + '.category.' + p['category'])}")
            source_note(p["source"])
        with right:
            counts = step.state["counts"]
            chart(so_far_figure(shown_cats, tuple(counts.get(c, 0) for c in shown_cats),
                                tuple(v["counts"][c] for c in shown_cats), prefix), key=f"{key}_counts")

    st.markdown(f"##### {T(prefix + '.replay')}")
    return step_player(v["trace"], draw, key=key)


def show(name: str, categories: tuple, prefix: str, key: str, years_param: str) -> dict | None:
    """Controls → timeline → step player for ``data/<name>.csv``.  Returns the view (see ``view``) with
    ``chosen``, ``start``, ``end`` and ``index`` (the replayed milestone), or ``None`` when the input was bad
    (a translated message is shown) or nothing matches (a warning is shown)."""
    T = translator()
    chosen, start, end = controls(name, categories, prefix, key, years_param)
    result = None
    with guard():
        v = view(name, categories, chosen, start, end, f"{prefix}.step")
        if v["shown"].empty:
            st.warning(T(f"{prefix}.none"))
            return None
        index = replay(name, categories, chosen, start, end, prefix, key)
        result = dict(v, chosen=chosen, start=start, end=end, index=index)
    return result
