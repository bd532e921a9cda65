"""What a run trains on and with: the part of a run that differs between image GANs and the 2-D toy GANs.

A recipe loads the run's data, builds its trainer, its live evaluator (or none) and its batches; the run
(gan_core.runs.run) does the rest the same way for both: the thread, pause and stop, metrics, frames, checkpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

    from gan_core.data.types import ImageDataset
    from gan_core.training.run_config import RunConfig


REAL_VIEW_IMAGES = 128  # real images in D's histogram on the Train page


class TrainingRecipe(Protocol):
    examples: int  # items in one epoch

    def trainer(self, strategy: Any) -> Any: ...

    def evaluator(self) -> Any | None: ...

    def batches(self, shuffle_seed: int) -> tf.data.Dataset: ...


class ImageRecipe:
    """An image GAN: a dataset from the registry (or the loader a test passes), GANTrainer, the live FID."""

    def __init__(self, config: RunConfig, data_loader: Callable[[RunConfig], ImageDataset],
                 reference_for: Callable[[str], Callable[[int], np.ndarray] | None] | None = None) -> None:  # fmt: skip
        """`reference_for`: dataset name -> a model's n -> images to score beside the run's (the shipped one)."""
        self.config = config
        self.reference_for = reference_for
        self.data = data_loader(config)
        self.examples = len(self.data)

    def trainer(self, strategy: Any) -> Any:
        from gan_core.training.engine import GANTrainer

        trainer = GANTrainer(self.config.model, self.config.train, strategy)
        picks = np.random.default_rng(self.config.train.seed).permutation(self.examples)[:REAL_VIEW_IMAGES]
        trainer.real_view = self.data.images[picks].astype(np.float32) / 127.5 - 1.0  # what D sees of real data
        if self.config.model.conditional and self.data.labels is not None:
            trainer.real_view_labels = self.data.labels[picks].astype(np.int32)
        return trainer

    def evaluator(self) -> Any | None:
        from gan_core.measures.live import live_evaluator_for

        model = self.config.model
        reference = self.reference_for(self.data.info.name) if self.reference_for is not None else None
        return live_evaluator_for(self.data, self.config.train, model.noise_dim, model.num_classes, reference)

    def batches(self, shuffle_seed: int) -> tf.data.Dataset:
        from gan_core.data.pipeline import PipelineConfig, make_pipeline

        cfg = self.config.train
        pipeline = PipelineConfig(cfg.batch_size, shuffle_seed=shuffle_seed, with_labels=cfg.conditional)
        return make_pipeline(self.data.images, self.data.labels, pipeline)
