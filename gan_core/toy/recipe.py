"""A toy run's data, trainer and live evaluation: what gan_core.runs needs to train one (see training.recipe)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gan_core.toy.distributions import ToyDistribution, distribution, own_points
from gan_core.toy.metrics import mode_coverage, shape_parts

if TYPE_CHECKING:
    import tensorflow as tf

    from gan_core.training.run_config import RunConfig

TRAIN_POINTS = 16_384  # a fresh sample of the distribution, drawn once per run
VIEW_POINTS = 512  # real points in the views
EVAL_POINTS = 2_500  # G's samples per modes-covered measurement (the grid's 25 modes get 100 each when covered)
OWN_POINTS_FILE = "points.npy"  # a person's points, kept in the run folder so a resume trains on them again


def run_distribution(config: RunConfig, run_dir: Path) -> ToyDistribution:
    """The run's distribution: a named one, or the person's points saved in its folder."""
    if config.train.dataset != "own":
        return distribution(config.train.dataset)
    return own_points(np.load(run_dir / OWN_POINTS_FILE, allow_pickle=False))


@dataclass(frozen=True)
class CoverageRow:
    step: int
    modes_covered: int
    modes: int
    high_quality: float
    unit: str = "modes"  # or "parts": a shape with no modes, cut into parts (gan_core.toy.metrics.shape_parts)

    def as_dict(self) -> dict[str, Any]:
        row = {"step": self.step, "modes_covered": self.modes_covered, "modes": self.modes,
               "high_quality": round(self.high_quality, 4)}  # fmt: skip
        return row if self.unit == "modes" else row | {"unit": self.unit}


class CoverageEvaluator:
    """The live measure of a toy run: modes (or parts of a shape) covered and the high-quality share of G's
    samples."""

    n = EVAL_POINTS

    def __init__(self, dist: ToyDistribution, seed: int) -> None:
        self.unit = "modes" if dist.has_modes else "parts"
        self.features_name = "modes covered" if dist.has_modes else "parts of the shape covered"
        self.dist, self.seed = shape_parts(dist, seed=seed), seed

    def evaluate(self, trainer: Any, step: int) -> CoverageRow:
        found = mode_coverage(trainer.sample(EVAL_POINTS, self.seed), self.dist)
        return CoverageRow(step, found.covered, found.modes, found.high_quality, self.unit)


class ToyRecipe:
    def __init__(self, config: RunConfig, run_dir: Path) -> None:
        self.config = config
        self.dist = run_distribution(config, run_dir)
        self.points = self.dist.sample(TRAIN_POINTS, seed=config.train.seed)
        self.examples = len(self.points)

    def trainer(self, strategy: Any) -> Any:
        from gan_core.toy.trainer import ToyTrainer

        trainer = ToyTrainer(self.config.model, self.config.train, strategy, extent=self.dist.extent)  # type: ignore[arg-type]
        trainer.real_view = self.dist.sample(VIEW_POINTS, seed=self.config.train.seed + 1)
        return trainer

    def evaluator(self) -> CoverageEvaluator | None:
        if not self.config.train.eval_every:
            return None
        return CoverageEvaluator(self.dist, self.config.train.seed)

    def batches(self, shuffle_seed: int) -> tf.data.Dataset:
        import tensorflow as tf

        ds = tf.data.Dataset.from_tensor_slices(self.points)
        ds = ds.shuffle(len(self.points), seed=shuffle_seed, reshuffle_each_iteration=True)
        return ds.batch(self.config.train.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
