"""Plotly figures of a run's curves: the names in the metric log are the names on the chart."""

from __future__ import annotations

import plotly.graph_objects as go

MAX_POINTS = 2_000  # long runs are thinned for the chart; the metric log keeps every step

LOSSES = {"d_loss_real": "D loss on real", "d_loss_fake": "D loss on fake", "g_loss": "G loss"}
ACCURACIES = {"d_acc_real": "D accuracy on real", "d_acc_fake": "D accuracy on fake"}


def _thin(values: tuple[float, ...]) -> tuple[float, ...]:
    stride = max(1, len(values) // MAX_POINTS)
    return values[::stride]


def _figure(history: dict[str, tuple[float, ...]], series: dict[str, str], title: str, y_title: str) -> go.Figure:
    steps = _thin(history.get("step", ()))
    fig = go.Figure()
    for key, label in series.items():
        fig.add_trace(go.Scatter(x=steps, y=_thin(history.get(key, ())), mode="lines", name=label))
    fig.update_layout(
        title=title, xaxis_title="step", yaxis_title=y_title, height=300, margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", y=-0.25),
    )  # fmt: skip
    return fig


def loss_figure(history: dict[str, tuple[float, ...]]) -> go.Figure:
    return _figure(history, LOSSES, "Losses", "loss")


def accuracy_figure(history: dict[str, tuple[float, ...]]) -> go.Figure:
    fig = _figure(history, ACCURACIES, "Discriminator accuracy", "accuracy")
    fig.update_yaxes(range=[-0.02, 1.02])
    return fig
