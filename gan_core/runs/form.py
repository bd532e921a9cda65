"""The Train page's forms as values: their defaults from a dataset, their checks, and the run configs they make.

The page draws the widgets; what they start from, what they refuse and what a press of Start or Fork builds is
decided here, where a test reaches it without Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

from gan_core.data.types import DatasetInfo
from gan_core.runs.names import run_name_problem
from gan_core.training.config import TrainConfig
from gan_core.training.presets import BATCH_SIZES, DEFAULT_EMA_DECAY, batch_problem, default_run_config
from gan_core.training.run_config import RunConfig

EPOCHS_WITHOUT_A_CAP = 500  # the most epochs the form offers where the server sets no cap


@dataclass(frozen=True)
class NewRunChoices:
    """What the New run form holds: a dataset's defaults until a person changes them."""

    epochs: int
    batch_size: int
    loss: str
    lr_g: float
    lr_d: float
    beta1: float
    label_smoothing: float
    d_steps: int
    seed: int
    diffaugment: tuple[str, ...]
    sample_every: int
    ema: bool  # sample from an average of G's weights
    spectral_norm: bool
    eval_every: int  # live FID every N steps; 0: off
    minutes: float = 0.0  # a time budget instead of the epochs; 0: train the epochs

    @classmethod
    def defaults(cls, train: TrainConfig, max_epochs: int = 0) -> NewRunChoices:
        """The form's starting values for a dataset's default training config (`max_epochs`: the server's cap)."""
        return cls(epochs=min(train.epochs, most_epochs(max_epochs)), batch_size=train.batch_size,
                   loss=train.loss, lr_g=train.lr_g, lr_d=train.lr_d, beta1=train.beta1,
                   label_smoothing=train.label_smoothing, d_steps=train.d_steps, seed=train.seed,
                   diffaugment=train.diffaugment, sample_every=train.sample_every, ema=train.ema_decay > 0,
                   spectral_norm=False, eval_every=train.eval_every, minutes=train.minutes)  # fmt: skip


MOST_MINUTES = 240  # the longest time budget the form offers
DEFAULT_MINUTES = 10  # the form's time budget when a person switches to minutes


def most_epochs(max_epochs: int) -> int:
    """The most epochs the form offers: the server's cap, or EPOCHS_WITHOUT_A_CAP where it sets none (0)."""
    return max_epochs or EPOCHS_WITHOUT_A_CAP


def batch_sizes_for(train_count: int) -> list[int]:
    """The batch sizes the form offers: those one epoch of `train_count` images fills (at least the smallest)."""
    return [b for b in BATCH_SIZES if b <= train_count] or [BATCH_SIZES[0]]


def start_problem(run_name: str, batch_size: int, train_count: int) -> str | None:
    """Why Start cannot be pressed (a bad name, a batch the images cannot fill), or None."""
    return run_name_problem(run_name) or batch_problem(batch_size, train_count)


def new_run_config(info: DatasetInfo, train_count: int, recipe: str, choices: NewRunChoices) -> RunConfig:
    """The run a press of Start trains: the recipe's networks and the dataset's defaults, the form's values over
    them."""
    return default_run_config(
        info, recipe=recipe, train_count=train_count, spectral_norm=choices.spectral_norm,
        ema_decay=DEFAULT_EMA_DECAY if choices.ema else 0.0, epochs=int(choices.epochs),
        batch_size=int(choices.batch_size), loss=choices.loss, lr_g=float(choices.lr_g), lr_d=float(choices.lr_d),
        beta1=float(choices.beta1), label_smoothing=float(choices.label_smoothing), d_steps=int(choices.d_steps),
        seed=int(choices.seed), diffaugment=tuple(choices.diffaugment), sample_every=int(choices.sample_every),
        eval_every=int(choices.eval_every), minutes=float(choices.minutes),
    )  # fmt: skip


def epoch_at(step: int, history: dict[str, list]) -> float:
    """The epoch a checkpoint at `step` was saved in, from the run's step and epoch history (0 without one)."""
    if not history.get("step"):
        return 0.0
    return step * history["epoch"][-1] / history["step"][-1]


def fork_default_epochs(epochs: int, at_epoch: float) -> int:
    """A fork's total epochs to start from: the run's own, or one past the checkpoint when that is later."""
    return max(epochs, int(at_epoch) + 1)
