"""Samples from a trained run's generator: rebuilt from config.json, weights from its latest checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gan_core.run_config import RunConfig


class RunSampler:
    """numpy in, numpy out: seeded noise (and class ids) to uint8 images, for one run folder."""

    def __init__(self, run_dir: Path) -> None:
        import tensorflow as tf

        from gan_core.checkpoints import GENERATOR_WEIGHTS, CheckpointMismatchError
        from gan_core.models.dcgan import build_generator
        from gan_core.run_bundle import bundle_step, is_bundle, load_model_weights

        self.config = RunConfig.read(run_dir)
        self.generator = build_generator(self.config.model)
        latest = tf.train.latest_checkpoint(str(run_dir / "checkpoints"))
        self.step: int | None = None  # the training step the weights come from, when known
        try:
            if latest:
                restore = tf.train.Checkpoint(generator=self.generator).restore(latest).expect_partial()
                restore.assert_existing_objects_matched()
                self.step = int(Path(latest).name.split("-")[-1])
            elif (run_dir / GENERATOR_WEIGHTS).is_file():
                self.generator.load_weights(str(run_dir / GENERATOR_WEIGHTS))
            elif is_bundle(run_dir):
                load_model_weights(run_dir, self.generator, "g")
                self.step = bundle_step(run_dir)
            else:
                raise FileNotFoundError(f"{run_dir} has no checkpoint or generator weights yet; train it first")
        except (AssertionError, ValueError) as exc:
            raise CheckpointMismatchError(f"the weights in {run_dir} do not fit its config.json ({exc})") from exc

    def sample(self, n: int, seed: int = 0, labels: np.ndarray | None = None) -> np.ndarray:
        """n images, uint8 [n, H, W, C]; a conditional model cycles through the classes unless labels are given."""
        model = self.config.model
        noise = np.random.default_rng(seed).standard_normal((n, model.noise_dim)).astype(np.float32)
        inputs = noise
        if model.conditional:
            labels = np.arange(n) % model.num_classes if labels is None else np.asarray(labels)
            if labels.min() < 0 or labels.max() >= model.num_classes:
                raise ValueError(f"class ids must be in 0..{model.num_classes - 1}")
            inputs = [noise, labels.astype(np.int32)]
        images = self.generator(inputs, training=False).numpy()
        return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)
