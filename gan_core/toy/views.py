"""Plotly figures of a toy run: the plane (D's verdict, real and fake points, G's push, G's noise grid) and the
modes covered over training. Numpy in, figures out: no TensorFlow, cheap enough to redraw five times a second.
SVG traces, not WebGL: a page may show several planes, and browsers cap WebGL contexts (and headless ones draw
them blank in screenshots).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_core.toy.metrics import measure_words
from gan_core.toy.observation import ALL_BUT_GRID, FIELD_SIZE, PlaneLayers, ToyObservation
from gan_core.toy.picture import FAKE_COLOUR, FIELD_FAKE, FIELD_REAL, REAL_COLOUR, field_shares, push_arrows


def _rgb(colour: Sequence[float]) -> str:
    return f"rgb({int(colour[0])}, {int(colour[1])}, {int(colour[2])})"


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y for one line trace of many segments (NaN separates them)."""
    gap = np.full((len(starts), 1), np.nan)
    xs = np.hstack([starts[:, :1], ends[:, :1], gap]).ravel()
    ys = np.hstack([starts[:, 1:], ends[:, 1:], gap]).ravel()
    return xs, ys


def plane_figure(observation: ToyObservation, layers: PlaneLayers = ALL_BUT_GRID, title: str = "",
                 height: int = 480) -> go.Figure:  # fmt: skip
    """Real points (green) and G's points (purple) over D's verdict, with G's push and its noise grid."""
    e = observation.extent
    fig = go.Figure()
    if layers.verdict:
        axis = np.linspace(-e, e, FIELD_SIZE)
        fig.add_trace(go.Heatmap(
            x=axis, y=axis, z=field_shares(observation), zmin=0, zmax=1, hoverinfo="skip",
            colorbar=dict(title=dict(text="D says", side="top"), tickvals=[0, 0.5, 1], ticktext=["fake", "?", "real"],
                          len=0.45, thickness=12, y=0.75),
            colorscale=[[0, _rgb(FIELD_FAKE)], [1, _rgb(FIELD_REAL)]], name="D's verdict",
        ))  # fmt: skip
    if layers.manifold:
        lines = observation.manifold
        gap = np.full((len(lines), 1, 2), np.nan)
        flat = np.concatenate([lines, gap], axis=1).reshape(-1, 2)
        fig.add_trace(go.Scatter(x=flat[:, 0], y=flat[:, 1], mode="lines", name="G's noise grid",
                                   line=dict(color="rgba(90, 90, 90, 0.55)", width=1), hoverinfo="skip"))  # fmt: skip
    fig.add_trace(go.Scatter(x=observation.real[:, 0], y=observation.real[:, 1], mode="markers", name="real",
                               marker=dict(color=_rgb(REAL_COLOUR), size=4)))  # fmt: skip
    fig.add_trace(go.Scatter(x=observation.fake[:, 0], y=observation.fake[:, 1], mode="markers", name="fake (G)",
                               marker=dict(color=_rgb(FAKE_COLOUR), size=4)))  # fmt: skip
    if layers.push and len(observation.fake):
        starts, ends = push_arrows(observation)
        xs, ys = _segments(starts, ends)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="G's push", hoverinfo="skip",
                                   line=dict(color="rgba(60, 20, 90, 0.8)", width=1.5)))  # fmt: skip
        fig.add_trace(go.Scatter(x=ends[:, 0], y=ends[:, 1], mode="markers", showlegend=False, hoverinfo="skip",
                                   marker=dict(color="rgba(60, 20, 90, 0.8)", size=3)))  # fmt: skip
    fig.update_layout(  # the legend below the x ticks, not over them
        title=title or f"step {observation.step:,}", height=height, margin=dict(l=10, r=10, t=40, b=70),
        legend=dict(orientation="h", yanchor="top", y=-0.1), plot_bgcolor="white", uirevision="plane",
    )  # fmt: skip
    fig.update_xaxes(range=[-e, e], showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(range=[-e, e], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1)
    return fig


def coverage_figure(evals: Sequence[dict[str, Any]], height: int = 260,
                    others: dict[str, Sequence[dict[str, Any]]] | None = None) -> go.Figure:  # fmt: skip
    """Modes (or parts of a shape) covered, left axis, and the high-quality share, right axis, over the steps;
    `others`: runs shown beside it (side by side), their modes covered as dashed lines named by run."""
    steps = [e["step"] for e in evals]
    counted, quality = measure_words(evals[-1] if evals else {})
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=steps, y=[e["modes_covered"] for e in evals], name=f"{counted} covered",
                             mode="lines+markers", line=dict(color=_rgb(REAL_COLOUR))))  # fmt: skip
    for colour, (name, other) in zip(("#1f77b4", "#ff7f0e", "#8c564b"), (others or {}).items(), strict=False):
        fig.add_trace(go.Scatter(x=[e["step"] for e in other], y=[e["modes_covered"] for e in other],
                                 name=f"{name}: {counted} covered", mode="lines+markers",
                                 line=dict(color=colour, dash="dash")))  # fmt: skip
    fig.add_trace(go.Scatter(x=steps, y=[100 * e["high_quality"] for e in evals], name=f"{quality} (%)",
                             yaxis="y2", mode="lines", line=dict(color=_rgb(FAKE_COLOUR), dash="dot")))  # fmt: skip
    modes = evals[-1]["modes"] if evals else 8
    title = "Modes covered and sample quality" if counted == "modes" else "Parts of the shape covered, samples on it"
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=30, b=10), title=title,
        yaxis=dict(range=[0, modes + 0.5], title=counted.split()[0], dtick=max(1, modes // 8)),
        yaxis2=dict(range=[0, 101], overlaying="y", side="right", title="%", showgrid=False, dtick=20),
        xaxis=dict(tickformat=","), legend=dict(orientation="h", yanchor="top", y=-0.2),  # steps, as the losses
    )  # fmt: skip
    return fig


def paint_grid(side: int = 41, extent: float = 2.5) -> np.ndarray:
    """The cells a person paints on: [side * side, 2] centres over [-extent, extent]."""
    axis = np.linspace(-extent, extent, side)
    return np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)


def paint_figure(grid: np.ndarray, painted: Sequence[int], height: int = 420) -> go.Figure:
    """Faint cells to select with the lasso or box tool (trace 0); the painted ones in the real points' green."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=grid[:, 0], y=grid[:, 1], mode="markers", name="canvas", hoverinfo="none",
                             marker=dict(color="rgba(150, 150, 150, 0.25)", size=5)))  # fmt: skip
    chosen = grid[list(painted)] if len(painted) else np.zeros((0, 2))
    fig.add_trace(go.Scatter(x=chosen[:, 0], y=chosen[:, 1], mode="markers", name="your points", hoverinfo="none",
                             marker=dict(color=_rgb(REAL_COLOUR), size=7)))  # fmt: skip
    e = float(np.abs(grid).max()) + 0.2
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), dragmode="lasso", showlegend=False,
                      title="Lasso (or box) round the cells of your shape; each stroke adds", plot_bgcolor="white")
    fig.update_xaxes(range=[-e, e], showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(range=[-e, e], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1)
    return fig
