"""Samples from a trained run's generator (and scores from its discriminator): rebuilt from config.json,
weights from its latest (or a chosen) checkpoint, its exported generator, or a shipped bundle."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gan_core.models.latent import one_hot
from gan_core.models.precision import in_chosen_precision
from gan_core.training.run_config import RunConfig


def checkpoint_paths(run_dir: Path) -> list[tuple[int, str]]:
    """(step, checkpoint prefix) of every checkpoint the run keeps, oldest first."""
    import tensorflow as tf

    state = tf.train.get_checkpoint_state(str(run_dir / "checkpoints"))
    if state is None:
        return []
    return [(int(Path(p).name.split("-")[-1]), p) for p in state.all_model_checkpoint_paths]


class RunSampler:
    """numpy in, numpy out: seeded noise (and class ids) to uint8 images, for one run folder."""

    def __init__(self, run_dir: Path, checkpoint: str | None = None) -> None:
        import tensorflow as tf

        from gan_core.models.dcgan import build_generator
        from gan_core.models.weights_file import load_weights_file
        from gan_core.runs.bundle import bundle_has, bundle_step, is_bundle
        from gan_core.runs.checkpoints import GENERATOR_WEIGHTS

        self.run_dir = run_dir
        self.config = RunConfig.read(run_dir)
        self.generator = build_generator(self.config.model)
        self._checkpoint = checkpoint or tf.train.latest_checkpoint(str(run_dir / "checkpoints"))
        self._discriminator = None
        self.step: int | None = None  # the training step the weights come from, when known
        if self._checkpoint:  # the weight average when the run kept one: that is what it shows
            self._restore(**{"ema_generator" if self.config.train.ema_decay > 0 else "generator": self.generator})
            self.step = int(Path(self._checkpoint).name.split("-")[-1])
        elif (run_dir / GENERATOR_WEIGHTS).is_file():
            self._guarded(lambda: load_weights_file(self.generator, run_dir / GENERATOR_WEIGHTS))
        elif is_bundle(run_dir):
            self._load_bundle(self.generator, "e" if bundle_has(run_dir, "e") else "g")
            self.step = bundle_step(run_dir)
        else:
            raise FileNotFoundError(f"{run_dir} has no checkpoint or generator weights yet; train it first")
        model = self.config.model
        signature = [tf.TensorSpec([None, model.noise_dim], tf.float32)]
        if model.conditional:
            signature.append(tf.TensorSpec([None, model.num_classes], tf.float32))
        # One graph for every batch size and class mix: moving a slider never retraces (bench/explore_latency.py).
        self._forward = tf.function(self._inference, input_signature=signature, reduce_retracing=True)
        self._forward.get_concrete_function()  # traced now, not on the first slider move

    @property
    def class_names(self) -> tuple[str, ...]:
        """The dataset's class names for a class-conditional run (ids as names where they do not fit); () otherwise."""
        from gan_core.data import DATASETS

        model = self.config.model
        if not model.conditional:
            return ()
        spec = DATASETS.get(self.config.train.dataset)
        if spec and len(spec.class_names) == model.num_classes:
            return tuple(spec.class_names)
        return tuple(str(i) for i in range(model.num_classes))

    def export(self, folder: Path) -> list[Path]:
        """The generator to use elsewhere: `generator.keras` and `generator_savedmodel/` (gan_core.models.portable)."""
        from gan_core.models.portable import export_generator

        return export_generator(self.generator, self.config.model, folder)

    def _inference(self, *inputs):
        return self.generator(list(inputs) if len(inputs) > 1 else inputs[0], training=False)

    def _guarded(self, load) -> None:
        from gan_core.runs.checkpoints import CheckpointMismatchError

        try:
            load()
        except (AssertionError, ValueError) as exc:
            raise CheckpointMismatchError(f"the weights in {self.run_dir} do not fit its config.json ({exc})") from exc

    def _restore(self, **models) -> None:
        import tensorflow as tf

        def load() -> None:
            restore = tf.train.Checkpoint(**models).restore(self._checkpoint).expect_partial()
            restore.assert_existing_objects_matched()

        self._guarded(load)

    def _load_bundle(self, model, prefix: str) -> None:
        from gan_core.runs.bundle import load_model_weights

        self._guarded(lambda: load_model_weights(self.run_dir, model, prefix))

    def _noise_and_labels(self, n: int, seed: int, labels: np.ndarray | None):
        model = self.config.model
        noise = np.random.default_rng(seed).standard_normal((n, model.noise_dim)).astype(np.float32)
        if not model.conditional:
            return noise
        labels = np.arange(n) % model.num_classes if labels is None else np.asarray(labels)
        return [noise, labels]

    def sample(self, n: int, seed: int = 0, labels: np.ndarray | None = None) -> np.ndarray:
        """n images, uint8 [n, H, W, C]; a conditional model cycles through the classes unless labels are given."""
        inputs = self._noise_and_labels(n, seed, labels)
        return self.generate(*inputs) if isinstance(inputs, list) else self.generate(inputs)

    def generate(self, noise: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """Given noise [n, Z] (and class ids [n] or a class mix [n, C]) -> uint8 images [n, H, W, C]."""
        inputs = np.asarray(noise, np.float32)
        if self.config.model.conditional:
            if labels is None:
                raise ValueError("a class-conditional model needs classes")
            labels = np.asarray(labels)
            y = labels.astype(np.float32) if labels.ndim == 2 else one_hot(labels, self.config.model.num_classes)
            inputs = [inputs, y]
        with in_chosen_precision():
            images = self._forward(*(inputs if isinstance(inputs, list) else [inputs])).numpy()
        return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)

    @property
    def traces(self) -> int:
        """How many graphs the generator was traced into (1 after the first call, and it should stay 1)."""
        return self._forward.experimental_get_tracing_count()

    @property
    def has_discriminator(self) -> bool:
        from gan_core.runs.bundle import is_bundle

        return bool(self._checkpoint) or is_bundle(self.run_dir)

    def discriminator_logits(self, images: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """The run's discriminator on uint8 images: one logit per image (> 0 means 'real')."""
        if self._discriminator is None:
            if not self.has_discriminator:
                raise FileNotFoundError(f"{self.run_dir} keeps no discriminator (only the exported generator)")
            from gan_core.models.dcgan import build_discriminator

            discriminator = build_discriminator(self.config.model)
            if self._checkpoint:
                self._restore(discriminator=discriminator)
            else:
                self._load_bundle(discriminator, "d")
            self._discriminator = discriminator
        x = images.astype(np.float32) / 127.5 - 1.0
        if self.config.model.conditional:
            if labels is None:
                raise ValueError("a conditional discriminator needs the images' labels")
            x = [x, np.asarray(labels, np.int32)]
        return self._discriminator(x, training=False).numpy().reshape(-1)
