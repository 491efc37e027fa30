"""Drawing helpers for the blockchain page: bit grids, peer networks, Merkle trees, header bytes."""
from __future__ import annotations

import plotly.graph_objects as go

from ui.widgets import OKABE_ITO

# Okabe & Ito colours by name (the shared palette's order may change; these names must not)
BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"


def short(h: str, n: int = 8) -> str:
    """First ``n`` characters of a hash followed by an ellipsis."""
    return f"{h[:n]}…" if len(h) > n else h


def bit_grid(flips: list[int], title: str, changed_label: str, same_label: str) -> go.Figure:
    """256 bits as a 16 × 16 grid: flipped bits in vermillion, unchanged in pale grey."""
    z = [flips[r * 16:(r + 1) * 16] for r in range(16)]
    text = [[changed_label if v else same_label for v in row] for row in z]
    fig = go.Figure(go.Heatmap(z=z, text=text, hovertemplate="bit %{x}+16·%{y}: %{text}<extra></extra>",
                               colorscale=[[0, "#E8ECF0"], [1, RED]], zmin=0, zmax=1, showscale=False,
                               xgap=2, ygap=2))
    fig.update_layout(title=title, height=360,
                      yaxis=dict(autorange="reversed", showticklabels=False, showgrid=False, zeroline=False),
                      xaxis=dict(showticklabels=False, scaleanchor="y", showgrid=False, zeroline=False))
    return fig


def network_figure(state: dict, branch_names: dict, height: int = 420) -> go.Figure:
    """Peers on a circle; each peer coloured by the tip of its chain, relaying edges highlighted."""
    graph = state["graph"]
    xs, ys = graph["x"], graph["y"]
    fig = go.Figure()
    hot = {tuple(sorted(e)) for e in state.get("edges", [])}
    for on in (False, True):  # one trace per edge style: few traces keep the figure fast to build
        ex, ey = [], []
        for a, b in graph["edges"]:
            if (tuple(sorted((a, b))) in hot) == on:
                ex += [xs[a], xs[b], None]
                ey += [ys[a], ys[b], None]
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color=ORANGE if on else "rgba(128,128,128,.45)", width=5 if on else 1.5)))
    colours = {"A": SKY, "B": PINK}
    tips = [c[-1] for c in state["chains"]]
    groups: dict[str, list[int]] = {}
    for i, tip in enumerate(tips):
        branch = tip[-1] if tip[-1] in "AB" else "main"
        groups.setdefault(branch, []).append(i)
    for branch, members in sorted(groups.items()):
        fig.add_trace(go.Scatter(
            x=[xs[i] for i in members], y=[ys[i] for i in members], mode="markers+text",
            marker=dict(size=[54 if i in state.get("active", []) else 42 for i in members],
                        color=colours.get(branch, GREEN), line=dict(width=[4 if i in state.get("active", []) else 1
                                                                           for i in members], color="#10161D")),
            text=[f"P{i + 1}" for i in members], textfont=dict(color="white", size=16),
            customdata=["→".join(state["chains"][i]) for i in members],
            hovertemplate="%{text}: %{customdata}<extra></extra>", name=branch_names.get(branch, branch)))
        for i in members:
            fig.add_annotation(x=xs[i] * 1.36, y=ys[i] * 1.28, text="‑".join(state["chains"][i][-3:]),
                               showarrow=False, font=dict(size=15))
    fig.update_layout(height=height, xaxis=dict(visible=False, range=[-1.7, 1.7]),
                      yaxis=dict(visible=False, range=[-1.5, 1.5], scaleanchor="x"),
                      legend=dict(orientation="h", y=-0.05))
    return fig


def merkle_figure(levels: list[list[str]], changed: set, path: set, siblings: set, labels: list[str],
                  names: dict, height: int = 460) -> go.Figure:
    """The tree leaves at the bottom, root on top; node (level, index) highlighted by role."""
    fig = go.Figure()
    depth = len(levels)
    pos = {}
    for lv, level in enumerate(levels):
        width = len(levels[0])
        count = len(level)
        for i in range(count):
            span = width / count
            pos[(lv, i)] = ((i + 0.5) * span, lv)
    lines = {False: ([], []), True: ([], [])}   # solid edges, dotted edges to a duplicated last hash
    for lv in range(1, depth):
        prev = levels[lv - 1]
        for i in range(len(levels[lv])):
            for child in (2 * i, 2 * i + 1):
                c = child if child < len(prev) else len(prev) - 1
                xs_, ys_ = lines[child >= len(prev)]
                xs_ += [pos[(lv - 1, c)][0], pos[(lv, i)][0], None]
                ys_ += [lv - 1, lv, None]
    for dashed, (xs_, ys_) in lines.items():
        if xs_:
            fig.add_trace(go.Scatter(x=xs_, y=ys_, mode="lines", hoverinfo="skip", showlegend=False,
                                     line=dict(color="rgba(128,128,128,.55)", width=1.5,
                                               dash="dot" if dashed else "solid")))
    roles = {"changed": RED, "path": ORANGE, "sibling": BLUE, "plain": GREY}
    buckets: dict[str, list] = {r: [] for r in roles}
    for (lv, i), (x, y) in pos.items():
        node = (lv, i)
        role = "changed" if node in changed else "path" if node in path else "sibling" if node in siblings else "plain"
        buckets[role].append((x, y, levels[lv][i], labels[i] if lv == 0 and i < len(labels) else ""))
    for role, items in buckets.items():
        if not items:
            continue
        fig.add_trace(go.Scatter(
            x=[t[0] for t in items], y=[t[1] for t in items], mode="markers+text", name=names[role],
            marker=dict(size=22, color=roles[role], symbol="square", line=dict(width=1, color="#10161D")),
            text=[t[2][:6] for t in items], textposition="top center", textfont=dict(size=12),
            customdata=[[t[2], t[3]] for t in items],
            hovertemplate="%{customdata[1]}<br>%{customdata[0]}<extra></extra>"))
    fig.update_layout(height=height, xaxis=dict(visible=False), showlegend=True,
                      yaxis=dict(visible=False, range=[-0.5, depth - 0.4]),
                      legend=dict(orientation="h", y=-0.08))
    return fig


def header_bytes_figure(fields: list[tuple[str, str]], labels: dict, axis_title: str = "byte") -> go.Figure:
    """The 80 header bytes as one bar split by field (4 + 32 + 32 + 4 + 4 + 4)."""
    fig = go.Figure()
    for colour, (name, hex_bytes) in zip(OKABE_ITO, fields):
        size = len(hex_bytes) // 2
        fig.add_trace(go.Bar(x=[size], y=[""], orientation="h", name=f"{labels[name]} ({size} B)",
                             marker_color=colour, text=[labels[name]], textposition="inside",
                             hovertemplate=f"{labels[name]}: {size} bytes<br>{hex_bytes[:32]}…<extra></extra>"))
    fig.update_layout(barmode="stack", height=170, xaxis=dict(range=[0, 80], dtick=8, title=axis_title),
                      legend=dict(orientation="h", y=-0.6), showlegend=False)
    return fig
