"""Several runs' curves on one chart, as TensorBoard shows them: a metric, a smoothing slider, a line per run."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from gan_core.pictures.charts import COMPARED, runs_figure
from gan_core.runs.store import RunStore


def compare_curves(runs: dict[str, Path], key: str) -> None:
    """The chosen metric of every run in `runs` (label -> run folder) on one chart; nothing for fewer than two."""
    histories = {label: RunStore(folder).history() for label, folder in runs.items()}
    histories = {label: h for label, h in histories.items() if h.get("step")}
    if len(histories) < 2:
        return
    left, right = st.columns([2, 1])
    metric = left.selectbox("Metric", list(COMPARED), format_func=COMPARED.get, key=f"{key}-metric")
    smoothing = right.slider("Smoothing", 0.0, 0.99, 0.6, key=f"{key}-smoothing",
                             help="TensorBoard's: the weight of the past in a moving average (0: raw values)")
    losses = {label: _loss_of(runs[label]) for label in histories}
    st.plotly_chart(runs_figure(histories, metric, smoothing, losses=losses), key=f"{key}-chart")


def _loss_of(folder: Path) -> str:
    try:
        return RunStore(folder).read_config().train.loss
    except (OSError, ValueError):
        return ""
