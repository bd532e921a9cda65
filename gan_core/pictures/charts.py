"""Plotly figures of a run's curves: the names in the metric log are the names on the chart."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

MAX_POINTS = 300  # points per line: a chart is a few hundred pixels wide (the metric log keeps every step); more
# only costs the server time and bandwidth on every live update (bench/watching.py)

LOSSES = {"d_loss_real": "D loss on real", "d_loss_fake": "D loss on fake", "g_loss": "G loss"}
ACCURACIES = {"d_acc_real": "D accuracy on real", "d_acc_fake": "D accuracy on fake"}


def _thin(values: tuple[float, ...] | np.ndarray) -> np.ndarray:
    """Every stride-th value, as an array (Plotly checks a list value by value; an array at once: 5x faster)."""
    stride = max(1, len(values) // MAX_POINTS)
    return np.asarray(values)[::stride]


COLOURS = ("#1f77b4", "#17becf", "#d62728")


def smooth(values: tuple[float, ...], span: int) -> np.ndarray:
    """An exponential moving average over about `span` steps (a trend line over noisy per-step values), started
    at the first value: y[i] = a x[i] + (1 - a) y[i-1], a = 2 / (span + 1)."""
    from scipy.signal import lfilter

    x = np.asarray(values, np.float64)
    if not len(x):
        return x
    alpha = 2.0 / (span + 1)
    out, _ = lfilter([alpha], [1.0, alpha - 1.0], x, zi=[(1.0 - alpha) * x[0]])
    return out


FEW_TICKS = 8  # at most this many points: tick exactly at each step instead of at round (fractional) numbers
LEGEND_ON_TOP = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0)  # clear of the axis titles
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.28, xanchor="left", x=0.0)  # narrow charts: clear of the title


def robust_range(series: list[np.ndarray], pad: float = 0.08) -> list[float] | None:
    """A y range that holds the 1st to 99th percentile of the values, padded: a spike in the first steps
    (a fresh D) no longer flattens the rest of the curve. None when there is too little to judge."""
    values = np.concatenate([np.asarray(v, np.float64).ravel() for v in series]) if series else np.zeros(0)
    values = values[np.isfinite(values)]
    if len(values) < 20:
        return None
    low, high = np.percentile(values, [1, 99])
    if high <= low:
        return None
    margin = (high - low) * pad
    return [float(low - margin), float(high + margin)]


def union_range(series: list[np.ndarray]) -> list[float] | None:
    """The smallest y range that holds each series' own robust range (several runs on one chart)."""
    ranges = [r for r in (robust_range([v]) for v in series) if r is not None]
    if not ranges:
        return robust_range(series)
    return [min(r[0] for r in ranges), max(r[1] for r in ranges)]


def integer_axis(fig: go.Figure, axis: str, values: list[float] | tuple[float, ...]) -> None:
    """Steps and class counts are whole numbers: whole-number ticks, at each value when there are few."""
    settings: dict = {"tickformat": ",d"}
    distinct = sorted(set(values))
    if 0 < len(distinct) <= FEW_TICKS:
        settings |= {"tickmode": "array", "tickvals": distinct}
    fig.update_layout({axis: settings})


def _figure(history: dict[str, tuple[float, ...]], series: dict[str, str], title: str, y_title: str) -> go.Figure:
    steps = history.get("step", ())
    span = max(1, len(steps) // 50)
    fig = go.Figure()
    fig.update_yaxes(range=robust_range([np.asarray(history.get(key, ())) for key in series]))
    for colour, (key, label) in zip(COLOURS, series.items(), strict=False):
        values = history.get(key, ())
        if span > 1:  # the raw per-step values faintly, the trend on top
            fig.add_trace(go.Scatter(x=_thin(steps), y=_thin(values), mode="lines", line=dict(color=colour, width=1),
                                     opacity=0.25, showlegend=False, hoverinfo="skip"))  # fmt: skip
            values = smooth(values, span)
        fig.add_trace(go.Scatter(x=_thin(steps), y=_thin(values), mode="lines", name=label, line=dict(color=colour)))
    fig.update_layout(
        title=title, xaxis_title="step", yaxis_title=y_title, height=300, margin=dict(l=10, r=10, t=40, b=10),
        legend=LEGEND_ON_TOP,
    )  # fmt: skip
    integer_axis(fig, "xaxis", steps)
    return fig


SHORT_LOSSES = {"d_loss_real": "D real", "d_loss_fake": "D fake", "g_loss": "G"}  # a narrow card's legend


def loss_figure(history: dict[str, tuple[float, ...]], height: int = 300) -> go.Figure:
    """The three losses against step (a gallery card asks for a shorter one, with a legend that fits one line)."""
    compact = height < 300
    fig = _figure(history, SHORT_LOSSES if compact else LOSSES, "" if compact else "Losses", "loss")
    fig.update_layout(height=height)
    if compact:  # a narrow card: the series named in their colours on one line above the plot, not a legend
        fig.update_layout(showlegend=False, margin=dict(t=30))
        for i, (colour, label) in enumerate(zip(COLOURS, SHORT_LOSSES.values(), strict=False)):
            fig.add_annotation(text=f"<b>{label}</b>", font=dict(color=colour, size=12), showarrow=False,
                               xref="paper", yref="paper", x=i / 3, y=1.0, xanchor="left", yanchor="bottom")
    return fig


def accuracy_figure(history: dict[str, tuple[float, ...]]) -> go.Figure:
    fig = _figure(history, ACCURACIES, "Discriminator accuracy", "accuracy")
    fig.update_yaxes(range=[-0.02, 1.02])
    return fig


def quality_figure(evals: list[dict] | tuple[dict, ...], features: str, best_step: int | None = None) -> go.Figure:
    """FID (left axis; its N and features in the title) and classes covered (right axis) against step."""
    steps = [e["step"] for e in evals]
    n = evals[-1]["n"] if evals else 0
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=steps, y=[e["fid"] for e in evals], mode="lines+markers", name=f"FID (N={n:,})",
                             line=dict(color=COLOURS[2])))  # fmt: skip
    if evals and evals[-1].get("covered") is not None:
        fig.add_trace(go.Scatter(x=steps, y=[e["covered"] for e in evals], mode="lines+markers", yaxis="y2",
                                 name="classes covered", line=dict(color=COLOURS[0], dash="dot")))  # fmt: skip
        fig.update_layout(yaxis2=dict(title="classes", overlaying="y", side="right", rangemode="tozero",
                                      range=[0, (evals[-1].get("num_classes") or 10) + 0.5], dtick=1))  # fmt: skip
    if best_step is not None:
        fig.add_vline(x=best_step, line=dict(color="green", dash="dash"), annotation_text="best")
    floor = evals[-1].get("floor") if evals else None
    if floor is not None:  # where FID can go: real images score this against the same real set, at the same N
        fig.add_hline(y=floor, line=dict(color="green", dash="dot"), annotation_text=f"real vs real: {floor:.1f}",
                      annotation_position="top left")  # fmt: skip
    shipped = evals[-1].get("shipped") if evals else None
    if shipped is not None:  # what a longer run of this project's best recipe reached on this data
        fig.add_hline(y=shipped, line=dict(color="#9467bd", dash="dash"),
                      annotation_text=f"the shipped class-conditional model: {shipped:.1f}",
                      annotation_position="bottom right")  # fmt: skip
    fig.update_yaxes(rangemode="tozero")  # one point is not a 953-954 axis: the distance to 0 is the story
    fig.update_layout(
        title=dict(text="Sample quality: FID, lower is better",
                   subtitle=dict(text=f"N={n:,}" + (f" · {features.split(' (')[0]}" if features else ""),
                                 font=dict(size=11))),
        xaxis_title="step", yaxis_title="FID", height=340, margin=dict(l=10, r=10, t=80, b=10),
        legend=dict(orientation="h", y=-0.3), title_font_size=14,
    )  # fmt: skip
    integer_axis(fig, "xaxis", steps)
    return fig


def metric_figure(points: list[tuple[int, float]], name: str, title: str) -> go.Figure:
    """One metric against training step (the Evaluate page's checkpoint sweep)."""
    fig = go.Figure(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers", name=name))
    fig.update_layout(title=title, xaxis_title="step", yaxis_title=name, height=300,
                      margin=dict(l=10, r=10, t=40, b=10), title_font_size=13)  # fmt: skip
    integer_axis(fig, "xaxis", [p[0] for p in points])
    return fig


def class_histogram_figure(counts: tuple[int, ...], class_names: tuple[str, ...], real_share: list[float]) -> go.Figure:
    """Generated samples per predicted class beside the real data's class shares (mode collapse at a glance)."""
    total = max(1, sum(counts))
    names = list(class_names) if len(class_names) == len(counts) else [str(i) for i in range(len(counts))]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=[c / total for c in counts], name="generated", marker_color=COLOURS[2]))
    fig.add_trace(go.Bar(x=names, y=real_share, name="real", marker_color=COLOURS[0], opacity=0.5))
    fig.update_layout(title="Classes of the samples (domain classifier) vs the real data", yaxis_title="share",
                      barmode="group", height=300, margin=dict(l=10, r=10, t=40, b=10), title_font_size=13,
                      legend=dict(orientation="h", y=-0.3),
                      xaxis=dict(type="category", tickmode="linear"))  # every class named, '0'..'9' too # fmt: skip
    return fig


def d_output_figure(view, height: int = 260) -> go.Figure:
    """D's output on real images and on G's samples as two histograms, with the line where its verdict flips.
    `view` is a gan_core.training.engine.DiscriminatorView (numpy arrays; no TensorFlow here)."""
    fig = go.Figure()
    low = float(min(view.real.min(), view.fake.min(), view.threshold))
    high = float(max(view.real.max(), view.fake.max(), view.threshold))
    bins = dict(start=low, end=high + 1e-6, size=max((high - low) / 30, 1e-6))
    for values, name, colour in ((view.real, "on real images", COLOURS[0]), (view.fake, "on G's samples", COLOURS[2])):
        fig.add_trace(go.Histogram(x=values, name=name, xbins=bins, marker_color=colour, opacity=0.6))
    fig.add_vline(x=view.threshold, line=dict(color="#555", dash="dot"))
    fig.update_layout(
        barmode="overlay", height=height, margin=dict(l=10, r=10, t=40, b=10), legend=LEGEND_BELOW,
        title=f"What D says (step {view.step:,})", yaxis_title="images",
        xaxis_title="D's probability of 'real'" if view.as_probability else "D's score (right of the line: 'real')",
    )  # fmt: skip
    return fig


COMPARED = {**LOSSES, **ACCURACIES}  # what runs can be compared on, the names as on their own charts
RUN_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def runs_figure(histories: dict[str, dict[str, tuple[float, ...]]], metric: str, smoothing: float = 0.6,
                height: int = 320, losses: dict[str, str] | None = None) -> go.Figure:  # fmt: skip
    """One metric of several runs on one chart, as TensorBoard draws them: each run's raw values faint, its
    smoothed curve on top. `smoothing` in [0, 1) is TensorBoard's slider: the weight of the past in an
    exponential moving average (0: the raw values). `losses`: each run's loss, said when they differ.
    The y axis holds every run's own robust range: a short run is never clipped by a long one's."""
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), not {smoothing}")
    fig = go.Figure()
    span = (1 + smoothing) / (1 - smoothing)  # the EMA with weight `smoothing` on the past: a = 2 / (span + 1)
    for colour, (name, history) in zip(RUN_COLOURS * 4, histories.items(), strict=False):
        steps, values = history.get("step", ()), history.get(metric, ())
        if not steps or len(values) != len(steps):
            continue
        fig.add_trace(go.Scatter(x=_thin(steps), y=_thin(values), mode="lines", line=dict(color=colour, width=1),
                                 opacity=0.2, showlegend=False, hoverinfo="skip"))  # fmt: skip
        trend = smooth(values, span) if smoothing > 0 else np.asarray(values)
        fig.add_trace(go.Scatter(x=_thin(steps), y=_thin(trend), mode="lines", name=name, line=dict(color=colour)))
    fig.update_yaxes(range=union_range([np.asarray(h.get(metric, ())) for h in histories.values()]))
    title = dict(text=COMPARED.get(metric, metric))
    kinds = sorted(set((losses or {}).get(name, "") for name in histories) - {""})
    if metric in LOSSES and len(kinds) > 1:  # a BCE loss and a hinge loss are not on one scale
        title["subtitle"] = dict(text=f"different losses ({', '.join(kinds)}): compare each curve's shape, not "
                                      "their heights", font=dict(size=11))  # fmt: skip
    fig.update_layout(title=title, xaxis_title="step", yaxis_title=COMPARED.get(metric, metric), height=height,
                      margin=dict(l=10, r=10, t=60 if "subtitle" in title else 40, b=10),
                      legend=LEGEND_BELOW)  # fmt: skip
    return fig
