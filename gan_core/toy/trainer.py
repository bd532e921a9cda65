"""The toy GAN's trainer: the image GAN's train step (losses, optimizers, checkpoints) on 2-D points, plus what
a class sees of it: D's output over the plane, the push G's loss gives each fake point, G's image of its noise.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from gan_core.models.toy_config import ToyModelConfig
from gan_core.models.tracing import call_releasing_first_trace
from gan_core.toy.models import build_toy_discriminator, build_toy_generator
from gan_core.toy.observation import FIELD_SIZE, ToyObservation
from gan_core.toy.picture import draw_observation
from gan_core.training.config import TrainConfig
from gan_core.training.engine import GANTrainer

SLOW_MOTION_NOISE = 7  # the noise stream single updates draw from (the train step's are 0 .. d_steps - 1)
MANIFOLD_LINES = 11  # a 2-d noise plane is drawn as this many lines each way; 1-d noise as one curve


class ToyTrainer(GANTrainer):
    """GANTrainer with MLPs on points; `real_view` is set by whoever supplies the data (gan_core.toy.recipe)."""

    observe_every_s = 0.1  # the Inside-a-GAN page redraws five times a second
    summary_every_steps = 10  # TensorBoard scalars: hundreds of steps a second need not all be logged

    def __init__(self, model: ToyModelConfig, train: TrainConfig, strategy: tf.distribute.Strategy | None = None,
                 extent: float = 3.0) -> None:  # fmt: skip
        super().__init__(model, train, strategy)  # type: ignore[arg-type]
        self.extent = extent
        self.real_view = np.zeros((0, 2), np.float32)
        axis = np.linspace(-extent, extent, FIELD_SIZE, dtype=np.float32)
        self._field_points = tf.constant(np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2))
        if model.noise_dim == 2:
            ticks = np.linspace(-2.0, 2.0, MANIFOLD_LINES, dtype=np.float32)
            fine = np.linspace(-2.0, 2.0, 41, dtype=np.float32)
            rows = [np.stack([fine, np.full_like(fine, t)], 1) for t in ticks]
            cols = [np.stack([np.full_like(fine, t), fine], 1) for t in ticks]
            self._manifold_noise = tf.constant(np.stack(rows + cols))  # [2 * lines, 41, 2]
        else:
            self._manifold_noise = tf.constant(np.linspace(-3.0, 3.0, 201, dtype=np.float32)[None, :, None])

    def _compile(self) -> None:
        super()._compile()
        self._observe_graph = tf.function(self._observe_tensors)  # D's field is a probability under bce only
        self._d_update = tf.function(self._discriminator_update)
        self._g_update = tf.function(self._generator_update)

    def _build_generator(self, sync_batchnorm: bool) -> keras.Model:
        return build_toy_generator(self.model_config, self.train_config.seed)  # type: ignore[arg-type]

    def _build_discriminator(self, sync_batchnorm: bool) -> keras.Model:
        return build_toy_discriminator(self.model_config, self.train_config.seed)  # type: ignore[arg-type]

    # -- sampling ---------------------------------------------------------------------------------------------
    def generate(self, noise: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """G's points float32 [N, 2] for the given noise."""
        return self.sampling_generator(tf.convert_to_tensor(noise, tf.float32), training=False).numpy()

    def sample(self, n: int, seed: int) -> np.ndarray:
        """`n` points of the sampling generator (G's weight average when the run keeps one) for the measures."""
        noise = np.random.default_rng(seed).standard_normal((n, self.model_config.noise_dim)).astype(np.float32)
        return self.generate(noise)

    def preview(self) -> np.ndarray:
        """The current moment drawn as one picture [1, H, W, 3] (the run's sample frames and progress GIF)."""
        return draw_observation(self.observe())[None]

    # -- what a class sees ------------------------------------------------------------------------------------
    def generator_push(self, points: np.ndarray | tf.Tensor) -> tf.Tensor:
        """Minus the gradient of G's loss with respect to each point: the direction G's update moves it."""
        points = tf.convert_to_tensor(points, tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(points)
            # Each point's loss depends on its own logit only, so N x the mean is the sum of per-point losses.
            logits = self.discriminator(points, training=False)
            loss = tf.cast(tf.shape(points)[0], tf.float32) * self._g_loss(logits)
        return -tape.gradient(loss, points)

    def _observe_tensors(self) -> dict[str, tf.Tensor]:
        generator = self.generator  # G itself, whose points D's gradient pushes (the measures use its average)
        fake = generator(self.preview_noise, training=False)
        field = self.discriminator(self._field_points, training=False)[:, 0]
        if self.train_config.loss == "bce":
            field = tf.sigmoid(field)
        lines = tf.shape(self._manifold_noise)
        flat = tf.reshape(self._manifold_noise, [-1, self.model_config.noise_dim])
        manifold = tf.reshape(generator(flat, training=False), [lines[0], lines[1], 2])
        return {"fake": fake, "push": self.generator_push(fake), "field": field, "manifold": manifold}

    def observe(self) -> ToyObservation:  # type: ignore[override]
        values = {k: v.numpy() for k, v in self._observe_graph().items()}
        return ToyObservation(
            step=int(self.step.numpy()), extent=self.extent, real=self.real_view, fake=values["fake"],
            push=values["push"], field=values["field"].reshape(FIELD_SIZE, FIELD_SIZE),
            field_is_probability=self.train_config.loss == "bce", manifold=values["manifold"],
        )  # fmt: skip

    # -- slow motion: one network's update at a time, as GAN Lab's step buttons ---------------------------------
    def _discriminator_update(self, real: tf.Tensor) -> tf.Tensor:
        d_vars = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.generator(self._noise(tf.shape(real)[0], SLOW_MOTION_NOISE), training=True)
            total = self._d_objective(real, tf.stop_gradient(fake), None)[0]
        self.d_optimizer.apply_gradients(zip(tape.gradient(total, d_vars), d_vars, strict=True))
        return total

    def _generator_update(self, n: tf.Tensor) -> tf.Tensor:
        g_vars = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.generator(self._noise(n, SLOW_MOTION_NOISE), training=True)
            loss = self._g_loss(self.discriminator(fake, training=True))
        self.g_optimizer.apply_gradients(zip(tape.gradient(loss, g_vars), g_vars, strict=True))
        self.step.assign_add(1)
        return loss

    def single_update(self, part: str, real: tf.Tensor) -> float:
        """One update of D ("d", on a real batch) or of G ("g", which counts as a step); returns its loss."""
        if part == "d":
            return float(call_releasing_first_trace(self._d_update, real))
        if part == "g":
            return float(call_releasing_first_trace(self._g_update, tf.shape(real)[0]))
        raise ValueError(f"a single update is of 'd' or 'g', not {part!r}")
