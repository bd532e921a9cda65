"""A training coach: plain-language diagnoses from a run's live signals, each with its evidence and a fix.

Input: the per-step history (d_loss_real, d_loss_fake, g_loss, d_acc_real, d_acc_fake), the live evaluations
(step, fid, classes covered) and how much the fixed-noise grid changed between frames. Each rule looks at
a recent window, so a diagnosis appears while the pattern lasts and goes away when it ends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gan_core.training.config import TrainConfig


@dataclass(frozen=True)
class CoachConfig:
    window: int = 200  # recent steps each step-based rule looks at
    d_pinned: float = 0.98  # D accuracy on real and fake both above this ...
    d_pinned_share: float = 0.9  # ... for this share of the window: D too strong
    g_climb: float = 1.3  # G loss in the window's last quarter over its first quarter
    frozen_change: float = 2.0  # mean absolute pixel change between grids (0..255) below which samples "stopped"
    # Calibrated on runs known healthy and known sick (bench/coach_calibration.py, the table in bench/RESULTS.md):
    oscillation: float = 0.3  # slow_swing of G loss (healthy runs: at most 0.15 after warm-up; lr 1e-2: up to 2.8)
    swing_block: int = 20  # G loss averaged over blocks of this many steps first: one batch's noise is not a swing
    spike: float = 4.0  # or G loss's 99th-percentile distance from its median, over its scale (healthy: at most
    # 1.8 after warm-up; lr 1e-2: 7.9 to 38)
    warmup_steps: int = 300  # the losses' first fall: a window that starts earlier is not judged for swings
    fid_rise: float = 1.25  # latest FID over the best one
    coverage_drop: int = 3  # classes lost since the best coverage, in each of the last two measurements
    coverage_evals: int = 3  # measurements in a row under half the classes: a run that covers few


@dataclass(frozen=True)
class Diagnosis:
    kind: str  # a stable key: d_too_strong, g_stalled, mode_collapse, oscillating, fid_rising
    title: str
    evidence: str
    fix: str


@dataclass(frozen=True)
class LiveEval:
    step: int
    fid: float
    covered: int | None  # classes covered, for labelled data
    num_classes: int | None

    @classmethod
    def from_row(cls, row: dict) -> LiveEval:
        """A row of a run's evals.jsonl (gan_core.measures.live)."""
        return cls(int(row["step"]), float(row["fid"]), row.get("covered"), row.get("num_classes"))


def _recent(values: Sequence[float], window: int) -> np.ndarray:
    return np.asarray(values[-window:], dtype=np.float64)


def _advice(*tips: tuple[str, bool]) -> str:
    """The tips that apply (a run never hears to do what it already does), joined into one sentence."""
    chosen = [tip for tip, applies in tips if applies]
    if not chosen:
        return "Restart from an earlier checkpoint with lower learning rates."
    text = chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + ", or " + chosen[-1]
    return text[0].upper() + text[1:] + "."


def _swing_scale(g: np.ndarray, loss: str | None) -> float:
    """What 'a big step-to-step change' is measured against: the loss's own level, but never less than the
    loss's natural unit (ln 2 for BCE at D's coin flip, the margin 1 for hinge); WGAN critic values have no
    unit, so their typical size in the window is used."""
    floor = {"bce": math.log(2), "hinge": 1.0}.get(loss or "bce", float(np.mean(np.abs(g))))
    return max(abs(float(g.mean())), floor)


def _d_too_strong(history: dict[str, Sequence[float]], cfg: CoachConfig, train: TrainConfig | None
                  ) -> Diagnosis | None:  # fmt: skip
    real, fake = _recent(history.get("d_acc_real", ()), cfg.window), _recent(history.get("d_acc_fake", ()), cfg.window)
    if len(real) < cfg.window or len(fake) < cfg.window:
        return None
    pinned = float(((real >= cfg.d_pinned) & (fake >= cfg.d_pinned)).mean())
    if pinned < cfg.d_pinned_share:
        return None
    return Diagnosis(
        "d_too_strong", "The discriminator is winning too easily",
        f"D's accuracy was above {cfg.d_pinned:.0%} on both real and fake images in {pinned:.0%} of the last "
        f"{len(real)} steps, so G gets almost no useful gradient.",
        _advice(
            ("lower D's learning rate (e.g. half of G's)", True),
            ("add label smoothing (0.1)", train is None or (train.loss == "bce" and train.label_smoothing == 0)),
            ("turn on DiffAugment", train is None or not train.diffaugment),
        ),
    )  # fmt: skip


def _g_stalled(history: dict[str, Sequence[float]], frame_changes: Sequence[float], cfg: CoachConfig):
    g = _recent(history.get("g_loss", ()), cfg.window)
    if len(g) < cfg.window or len(frame_changes) < 3:
        return None
    quarter = len(g) // 4
    first, last = g[:quarter].mean(), g[-quarter:].mean()
    change = float(np.mean(frame_changes[-3:]))
    if not (first > 0 and last > cfg.g_climb * first and change < cfg.frozen_change):
        return None
    return Diagnosis(
        "g_stalled", "G's loss is climbing while its samples stopped changing",
        f"G loss rose from {first:.2f} to {last:.2f} over the last {len(g)} steps while the sample grid changed "
        f"by only {change:.1f} grey levels per pixel between frames.",
        "G has stopped learning: lower D's learning rate, raise G's, or restart from an earlier checkpoint.",
    )  # fmt: skip


def slow_swing(g: np.ndarray, block: int, scale: float) -> float:
    """How far G loss's `block`-step averages wander from their straight-line trend (their standard deviation),
    over the loss's scale: one batch's noise averages out, a steady fall (early training) is the trend, and what is
    left is the swinging."""
    blocks = g[: len(g) // block * block].reshape(-1, block).mean(axis=1)
    x = np.arange(len(blocks))
    residual = blocks - np.polyval(np.polyfit(x, blocks, 1), x)
    return float(residual.std() / scale)


def _oscillating(history: dict[str, Sequence[float]], cfg: CoachConfig, train: TrainConfig | None
                 ) -> Diagnosis | None:  # fmt: skip
    g = _recent(history.get("g_loss", ()), cfg.window)
    steps = history.get("step", ())
    if len(g) < cfg.window or len(steps) < cfg.window or steps[-cfg.window] < cfg.warmup_steps:
        return None  # the first steps' fall is not a swing
    loss = train.loss if train is not None else None
    scale = _swing_scale(g, loss)
    swing = slow_swing(g, cfg.swing_block, scale)
    spikes = float(np.percentile(np.abs(g - np.median(g)), 99) / scale)
    if not (np.isfinite(swing) and np.isfinite(spikes)) or (swing < cfg.oscillation and spikes < cfg.spike):
        return None
    against = "its mean" if scale == abs(float(g.mean())) else f"its natural scale ({scale:.2f})"
    how = (f"strays up to {spikes:.0f} times {against} from its median" if spikes >= cfg.spike else
           f"'s {cfg.swing_block}-step averages swing by {swing:.0%} of {against} around their trend")
    return Diagnosis(
        "oscillating", "The losses are swinging wildly",
        f"G loss{'' if how.startswith(chr(39)) else ' '}{how} over the last {len(g)} steps (range {g.min():.2f} to "
        f"{g.max():.2f}).",
        _advice(
            ("lower both learning rates (halve them)", True),
            ("raise the batch size", train is None or train.batch_size < 256),
            ("set Adam's beta1 to 0.5", train is None or train.beta1 > 0.5),
        ),
    )  # fmt: skip


def _mode_collapse(evals: Sequence[LiveEval], cfg: CoachConfig, train: TrainConfig | None) -> Diagnosis | None:
    counted = [e for e in evals if e.covered is not None and e.num_classes]
    if len(counted) < 2:  # one measurement (a fresh run, a resume's first) says nothing of a trend
        return None
    latest, best = counted[-1], max(counted, key=lambda e: e.covered or 0)
    half = (latest.num_classes + 1) // 2  # type: ignore[operator]
    dropped = best.step < counted[-2].step and all((best.covered or 0) - (e.covered or 0) >= cfg.coverage_drop
                                                   for e in counted[-2:])  # fmt: skip
    recent = counted[-cfg.coverage_evals:]
    few = len(recent) == cfg.coverage_evals and all((e.covered or 0) < half for e in recent)
    if not (dropped or few):
        return None
    return Diagnosis(
        "mode_collapse", "Mode collapse: the generator is " + ("dropping classes" if dropped else
                                                              "drawing only a few classes"),
        f"Its samples cover {latest.covered} of {latest.num_classes} classes at step {latest.step:,}"
        + (f", down from {best.covered} at step {best.step:,}." if dropped else
           f", under half in each of its last {len(recent)} measurements."),
        _advice(
            ("try DiffAugment", train is None or not train.diffaugment),
            ("a lower learning rate", True),
            ("a class-conditional model", train is None or not train.conditional),
        )[:-1] + ("; resume from the checkpoint before the drop." if dropped else "."),
    )  # fmt: skip


def _fid_rising(evals: Sequence[LiveEval], cfg: CoachConfig) -> Diagnosis | None:
    if len(evals) < 3:
        return None
    best = min(evals, key=lambda e: e.fid)
    latest = evals[-1]
    after = [e for e in evals if e.step > best.step]
    if len(after) < 2 or latest.fid < cfg.fid_rise * best.fid:
        return None
    return Diagnosis(
        "fid_rising", "Quality got worse after its best point",
        f"FID reached {best.fid:.1f} at step {best.step:,} and has risen to {latest.fid:.1f} at step "
        f"{latest.step:,}.",
        f"The run kept the generator of step {best.step:,} as its best; stop here, or lower the learning rates.",
    )  # fmt: skip


def diagnose(
    history: dict[str, Sequence[float]],
    evals: Sequence[LiveEval] = (),
    frame_changes: Sequence[float] = (),
    config: CoachConfig = CoachConfig(),
    train: TrainConfig | None = None,
) -> list[Diagnosis]:
    """Every pattern seen in the recent signals, most serious first; [] when training looks healthy. Given the
    run's training settings, swings are judged on its loss's scale and the advice leaves out what it already does."""
    found = [
        _mode_collapse(evals, config, train),
        _d_too_strong(history, config, train),
        _g_stalled(history, frame_changes, config),
        _fid_rising(evals, config),
        _oscillating(history, config, train),
    ]
    return [d for d in found if d is not None]
