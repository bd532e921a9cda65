"""A toy run's defaults: what trains a ring of 8 to all 8 modes in seconds on a laptop's CPU."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_core.models.toy_config import ToyModelConfig
from gan_core.toy.recipe import OWN_POINTS_FILE, TRAIN_POINTS, VIEW_POINTS
from gan_core.training.config import TrainConfig
from gan_core.training.run_config import RunConfig

TOY_STEPS = 20_000  # a toy run's length unless told (about a minute and a half at 220 steps/s)
DEFAULT_LOSS = "hinge"  # covers the ring's 8 modes fastest and most reliably here (see toy_run_config)
DEFAULT_LR = 5e-4
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3)  # the page's choices


@dataclass(frozen=True)
class ToyRecipe:
    """A named set of the page's choices (loss, learning rate, G's noise, the average)."""

    loss: str
    lr: float
    noise_dim: int
    average: bool

    def describe(self) -> str:
        return (f"{self.loss}, learning rate {self.lr:g}, G's noise {self.noise_dim}-d, "
                f"the average {'on' if self.average else 'off'}")  # fmt: skip

    def config_changes(self) -> dict[str, object]:
        """toy_run_config's arguments besides the data, loss and seed."""
        return {"noise_dim": self.noise_dim, "lr_g": self.lr, "lr_d": self.lr} | ({} if self.average else
                                                                                 {"ema_decay": 0.0})  # fmt: skip


# Mode collapse on demand: the non-saturating BCE at a low learning rate with G's noise on a line (1-d: G must
# draw the ring as one curve) and no average to smooth the count: G settles on part of the ring and stays there.
# Measured on the ring over seeds 0-4 (bench/toy_modes.py --collapse, the table in bench/RESULTS.md). The page
# used to name bce at 1e-3 with 2-d noise: that recovered to 6-8 of 8 modes within a minute on most seeds, and
# with 1-d noise at 1e-3 still ended at 4, 8, 3, 7 and 7 of 8 at 60 s.
COLLAPSE = ToyRecipe("bce", 2e-4, 1, average=False)


def loss_settings(loss: str) -> dict[str, object]:
    """What trains with each loss here: WGAN-GP as Gulrajani et al. (5 critic updates per G update, Adam's beta2
    0.9), the others one D update and beta2 0.999 (a live change of loss takes these too)."""
    return {"d_steps": 5, "beta2": 0.9} if loss == "wgan-gp" else {"d_steps": 1, "beta2": 0.999}


def toy_run_config(dataset: str = "ring", loss: str = DEFAULT_LOSS, seed: int = 0, noise_dim: int = 2,
                   steps: int = TOY_STEPS, **train_changes: object) -> RunConfig:  # fmt: skip
    """Batch 256, Adam 5e-4 (beta1 0.5) for both, an average of G's weights (decay 0.99) for the measures, a
    measure and a frame every 250 steps, a checkpoint every 2,000; WGAN-GP as Gulrajani et al. train it (5 critic
    updates per G update, beta2 0.9). Measured on the ring, seeds 0-3 (bench/toy_modes.py has the table): hinge
    covers 8 of 8 by step 1,500 with every seed; without the average the count dips to 7 now and then, and at
    1e-3 the non-saturating BCE collapses onto 0-4 modes."""
    if steps < 1:
        raise ValueError(f"a toy run needs at least one step, not {steps}")
    if seed < 0:
        raise ValueError(f"the seed is a whole number from 0 up, not {seed}")
    batch = int(train_changes.pop("batch_size", 256))  # type: ignore[call-overload]
    by_loss = loss_settings(loss)
    train = TrainConfig(dataset=dataset, epochs=max(1, -(-steps * batch // TRAIN_POINTS)), batch_size=batch,
                        loss=loss, lr_g=DEFAULT_LR, lr_d=DEFAULT_LR, beta1=0.5, ema_decay=0.99, seed=seed,
                        preview_count=VIEW_POINTS, sample_every=250, eval_every=250, checkpoint_every=2000,
                        keep_checkpoints=2)  # fmt: skip
    return RunConfig(ToyModelConfig(noise_dim=noise_dim), train.with_changes(**{**by_loss, **train_changes}))


def save_own_points(run_dir: Path, points: np.ndarray) -> None:
    """Keep a person's points in a new run's folder (its config names the dataset "own")."""
    run_dir.mkdir(parents=True, exist_ok=True)
    np.save(run_dir / OWN_POINTS_FILE, np.asarray(points, np.float64), allow_pickle=False)
