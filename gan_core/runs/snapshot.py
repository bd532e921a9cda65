"""What the page shows of a run at one moment (an immutable snapshot), and the words for a run that ended early."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gan_core.runs.state import RunState
from gan_core.runs.store import HISTORY_COLUMNS

HISTORY_KEYS = tuple(c for c in HISTORY_COLUMNS if c != "seconds")  # what the charts and the snapshot carry
ACTIVE_STATES = frozenset(state.value for state in RunState if state.active)


@dataclass(frozen=True, eq=False)
class RunSnapshot:
    """Everything the UI shows about a run at one moment; safe to read from any thread."""

    name: str
    state: RunState
    message: str
    step: int
    total_steps: int
    steps_per_epoch: int
    images_per_sec: float
    batch_size: int
    history: dict[str, tuple[float, ...]] = field(default_factory=dict)
    frame: np.ndarray | None = None  # the latest fixed-noise grid, uint8 [H, W, C]
    frame_step: int | None = None
    checkpoint_steps: tuple[int, ...] = ()
    evals: tuple[dict[str, Any], ...] = ()  # live evaluations: step, fid, n, covered, num_classes, kl
    eval_features: str = ""  # the features the live FID uses (named on its chart)
    frame_changes: tuple[float, ...] = ()  # mean pixel change between the last few sample grids
    best: dict[str, Any] | None = None  # the step with the lowest live FID, whose generator the run kept
    logged_epoch: float = 0.0  # the epoch of the last logged step (a run read from disk, not started here)
    observation: Any = None  # what the trainer shows of itself now: D's view of real and fake (training.engine),
    # or a toy run's plane (gan_core.toy.observation.ToyObservation)
    trained_s: float = 0.0  # seconds of training so far, pauses excluded (all starts together)
    budget_s: float = 0.0  # its time budget (TrainConfig.minutes), 0 when it trains a number of epochs
    parked: bool = False  # paused with no step under way: nothing moves until it resumes

    @property
    def epoch(self) -> float:
        return self.step / self.steps_per_epoch if self.steps_per_epoch else self.logged_epoch

    @property
    def progress(self) -> float:
        """How far it is, 0 to 1: through its minutes when it trains to a time budget, else through its steps."""
        if self.budget_s:
            return min(1.0, self.trained_s / self.budget_s)
        return min(1.0, self.step / self.total_steps) if self.total_steps else 0.0

    @property
    def eta_seconds(self) -> float | None:
        if self.state is not RunState.RUNNING or self.images_per_sec <= 0:
            return None
        if self.budget_s:
            return max(0.0, self.budget_s - self.trained_s)
        return (self.total_steps - self.step) * self.batch_size / self.images_per_sec


def resume_hint(checkpoints: tuple[int, ...]) -> str:
    """How a run that ended early goes on: from its last checkpoint, or from the start."""
    if checkpoints:
        return f"Continue training resumes from its last checkpoint (step {checkpoints[-1]:,})."
    return "No checkpoint was saved yet: Continue training starts it again."


def interrupted_message(step: int, checkpoints: tuple[int, ...]) -> str:
    """What a run left behind when its server stopped while it trained (killed, restarted, crashed)."""
    return f"interrupted at step {step:,}: the server stopped while it trained. {resume_hint(checkpoints)}"
