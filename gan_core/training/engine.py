"""The GAN train step: G, D and their optimizers built under one tf.distribute strategy, one compiled step.

The step is the TF DCGAN tutorial's simultaneous update (one generator forward pass feeds both the
discriminator's and the generator's gradient), generalised: extra discriminator-only updates when
d_steps > 1, three losses, DiffAugment, class-conditional models, several replicas. It only computes:
sampling grids, checkpoints and stopping live in the run loop (gan_core.runs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from gan_core.models.config import ModelConfig
from gan_core.models.dcgan import build_discriminator, build_generator
from gan_core.models.precision import keras_policy
from gan_core.models.tracing import call_releasing_first_trace
from gan_core.training import losses
from gan_core.training.augment import diff_augment
from gan_core.training.config import TrainConfig
from gan_core.training.d_view import DiscriminatorView

METRIC_NAMES = ("d_loss_real", "d_loss_fake", "g_loss", "d_acc_real", "d_acc_fake")


class DivergenceError(RuntimeError):
    """Training produced non-finite numbers; the message says where and what to try."""


def default_strategy() -> tf.distribute.Strategy:
    """MirroredStrategy when several GPUs are visible, else the default (one-device) strategy."""
    gpus = tf.config.list_logical_devices("GPU")
    return tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()


@dataclass(frozen=True)
class StepMetrics:
    step: int  # the step count after this update
    d_loss_real: float
    d_loss_fake: float
    g_loss: float
    d_acc_real: float
    d_acc_fake: float

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in ("step", *METRIC_NAMES)}


class GANTrainer:
    """Owns the generator, the discriminator, both optimizers, the step counter and the fixed preview noise."""

    observe_every_s = 10.0  # how often the run publishes `observe()`: each costs about 77 ms at 28x28 on 2 cores
    # (D on 128 real images, G and D on the preview batch), 0.8% of the run's time at this rate

    def __init__(self, model: ModelConfig, train: TrainConfig, strategy: tf.distribute.Strategy | None = None):
        if train.conditional != model.conditional:
            raise ValueError("train.conditional and model.num_classes disagree")
        self.model_config, self.train_config = model, train
        self.strategy = strategy or default_strategy()
        sync = self.strategy.num_replicas_in_sync > 1
        keras.utils.set_random_seed(train.seed)  # the seed decides the starting weights (every worker's alike)
        with self.strategy.scope(), keras_policy(train.precision):
            self.generator = self._build_generator(sync)
            self.discriminator = self._build_discriminator(sync)
            self.g_optimizer = keras.optimizers.Adam(train.lr_g, beta_1=train.beta1, beta_2=train.beta2)
            self.d_optimizer = keras.optimizers.Adam(train.lr_d, beta_1=train.beta1, beta_2=train.beta2)
            # Built here, inside the scope and before the first step, so their slots are mirrored too.
            self.g_optimizer.build(self.generator.trainable_variables)
            self.d_optimizer.build(self.discriminator.trainable_variables)
            self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
            # An exponential moving average of G's weights (Yazici et al. 2019), used for every sample shown.
            self.ema_generator = self._build_generator(sync) if train.ema_decay > 0 else None
            if self.ema_generator is not None:
                self.ema_generator.set_weights(self.generator.get_weights())
            preview = tf.random.stateless_normal([train.preview_count, model.noise_dim], seed=[train.seed, -1])
            self.preview_noise = tf.Variable(preview, trainable=False, name="preview_noise")
        self.preview_labels = (
            np.arange(train.preview_count, dtype=np.int32) % model.num_classes if model.conditional else None
        )
        self.real_view: np.ndarray | None = None  # a fixed batch of real images in [-1, 1], set by the recipe
        self.real_view_labels: np.ndarray | None = None
        self._compile()

    def _compile(self) -> None:
        """The step and views as tf.functions of the current losses: traced on their first call."""
        train = self.train_config
        self._d_view = None
        self._compiled_step = tf.function(self._distributed_step, reduce_retracing=True)
        self._replica_step = (
            tf.function(self._replica_update, jit_compile=train.xla) if train.xla else self._replica_update
        )
        self._d_loss, self._g_loss = {
            "bce": (lambda r, f: losses.bce_discriminator_loss(r, f, train.label_smoothing), losses.bce_generator_loss),
            "hinge": (losses.hinge_discriminator_loss, losses.hinge_generator_loss),
            "wgan-gp": (losses.wasserstein_discriminator_loss, losses.wasserstein_generator_loss),
            "lsgan": (losses.least_squares_discriminator_loss, losses.least_squares_generator_loss),
        }[train.loss]

    def change_loss(self, **changes: object) -> None:
        """A new loss (and its d_steps, beta2) between two steps, GAN Lab's habit: the networks and Adam's
        moments carry on; the step is traced again, since its graph holds the loss."""
        self.train_config = self.train_config.with_changes(**changes)
        for optimizer in (self.g_optimizer, self.d_optimizer):
            optimizer.beta_2 = self.train_config.beta2  # read when the step is traced
        self._compile()

    def _build_generator(self, sync_batchnorm: bool) -> keras.Model:
        return build_generator(self.model_config, sync_batchnorm=sync_batchnorm)

    def _build_discriminator(self, sync_batchnorm: bool) -> keras.Model:
        return build_discriminator(self.model_config, sync_batchnorm=sync_batchnorm)

    # -- the step ---------------------------------------------------------------------------------------------
    def _noise(self, n: tf.Tensor, k: int) -> tf.Tensor:
        """This replica's rows of the step's global noise batch: the same numbers however many replicas share the
        batch, so a run on two workers draws what it would on one."""
        replicas = self.strategy.num_replicas_in_sync
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        seed = tf.stack([tf.constant(self.train_config.seed, tf.int64), self.step * 64 + k * 8])
        everyone = tf.random.stateless_normal([n * replicas, self.model_config.noise_dim], seed=seed)
        return everyone[replica * n : (replica + 1) * n]

    def _g(self, z: tf.Tensor, labels: tf.Tensor | None, training: bool = True, generator=None) -> tf.Tensor:
        generator = generator or self.generator
        if labels is None:
            return generator(z, training=training)
        if labels.shape.rank == 1:  # class ids; a [N, C] mix goes in as it is
            labels = tf.one_hot(labels, self.model_config.num_classes)
        return generator([z, labels], training=training)

    @property
    def sampling_generator(self) -> keras.Model:
        """The generator whose samples are shown and evaluated: the weight average when there is one."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def _d(self, x: tf.Tensor, labels: tf.Tensor | None) -> tf.Tensor:
        x = diff_augment(x, self.train_config.diffaugment)
        return self.discriminator([x, labels] if labels is not None else x, training=True)

    def _d_objective(self, real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor | None):
        # Two passes, as in the tutorial: one pass over [real; fake] gives the same numbers but ran 9-11% slower
        # at batch 32, 64 and 256 on an AVX-512 Xeon (issue 18), so it did not earn its code.
        real_logits, fake_logits = self._d(real, labels), self._d(fake, labels)
        d_real, d_fake = self._d_loss(real_logits, fake_logits)
        total = d_real + d_fake
        if self.train_config.loss == "wgan-gp":
            total += self.train_config.gp_weight * losses.gradient_penalty(self.discriminator, real, fake, labels)
        return total, d_real, d_fake, real_logits, fake_logits

    def _replica_update(self, real: tf.Tensor, labels: tf.Tensor | None) -> dict[str, tf.Tensor]:
        replicas = self.strategy.num_replicas_in_sync
        n = tf.shape(real)[0]
        g_vars, d_vars = self.generator.trainable_variables, self.discriminator.trainable_variables
        for k in range(self.train_config.d_steps - 1):  # extra discriminator-only updates
            fake = self._g(self._noise(n, k + 1), labels)
            with tf.GradientTape() as tape:
                scaled = self._d_objective(real, tf.stop_gradient(fake), labels)[0] / replicas
            self.d_optimizer.apply_gradients(zip(tape.gradient(scaled, d_vars), d_vars, strict=True))
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self._g(self._noise(n, 0), labels)
            d_total, d_real, d_fake, real_logits, fake_logits = self._d_objective(real, fake, labels)
            g_loss = self._g_loss(fake_logits)
            g_scaled, d_scaled = g_loss / replicas, d_total / replicas  # replicas' gradients are summed
        g_grads = g_tape.gradient(g_scaled, g_vars)
        d_grads = d_tape.gradient(d_scaled, d_vars)
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars, strict=True))
        self.d_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
        acc_real, acc_fake = losses.discriminator_accuracy(real_logits, fake_logits, self.train_config.loss)
        return {
            "d_loss_real": d_real,
            "d_loss_fake": d_fake,
            "g_loss": g_loss,
            "d_acc_real": acc_real,
            "d_acc_fake": acc_fake,
        }

    def _distributed_step(self, batch):
        real, labels = batch if self.model_config.conditional else (batch, None)
        per_replica = self.strategy.run(self._replica_step, args=(real, labels))
        metrics = {k: self.strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None) for k, v in per_replica.items()}
        if self.ema_generator is not None:  # in cross-replica context: every replica's copy gets the same update
            # Warm-up as in tf.train.ExponentialMovingAverage(num_updates=step): the average follows G closely
            # at first (decay 0.1 at step 0, 0.5 at step 8) and settles at ema_decay, so short runs benefit too.
            step = tf.cast(self.step, tf.float32)
            decay = tf.minimum(self.train_config.ema_decay, (1.0 + step) / (10.0 + step))
            for average, weight in zip(self.ema_generator.weights, self.generator.weights, strict=True):
                average.assign(decay * average + (1.0 - decay) * weight)
        self.step.assign_add(1)
        return metrics

    def train_step(self, batch) -> StepMetrics:
        """One update of D (d_steps times) and G; raises DivergenceError on a non-finite loss."""
        # The first call traces: released, else the step's graph would outlive this trainer (models.tracing).
        outputs = call_releasing_first_trace(self._compiled_step, batch)
        values = {k: float(v) for k, v in outputs.items()}
        step = int(self.step.numpy())
        for name, value in values.items():
            if not math.isfinite(value):
                raise DivergenceError(
                    f"{name} became {value} at step {step} — try a lower learning rate"
                    + (" or the hinge loss" if self.train_config.loss == "bce" else "")
                )
        return StepMetrics(step, **values)

    def distribute(self, dataset: tf.data.Dataset) -> tf.data.Dataset:
        return self.strategy.experimental_distribute_dataset(dataset)

    # -- sampling and health ----------------------------------------------------------------------------------
    def generate(self, noise: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """Generator output in inference mode as uint8 [N, H, W, C]."""
        z = tf.convert_to_tensor(noise, tf.float32)
        y = None
        if labels is not None:
            labels = np.asarray(labels)
            y = tf.convert_to_tensor(labels, tf.float32 if labels.ndim == 2 else tf.int32)
        images = self._g(z, y, training=False, generator=self.sampling_generator)
        return np.clip(np.rint((images.numpy() + 1.0) * 127.5), 0, 255).astype(np.uint8)

    def preview(self) -> np.ndarray:
        """The fixed-noise (and fixed-label) sample batch, comparable across steps."""
        return self.generate(self.preview_noise.numpy(), self.preview_labels)

    def observe(self) -> DiscriminatorView | None:
        """D's output on the fixed real batch and on G's preview samples (None until a real batch is set)."""
        if self.real_view is None:
            return None
        if self._d_view is None:  # compiled once (eager Keras calls took 110 ms against 77 ms)
            self._d_view = tf.function(self._discriminator_view)
            constant = lambda values: None if values is None else tf.constant(values)  # noqa: E731
            self._d_view_inputs = (tf.constant(self.real_view, tf.float32), constant(self.real_view_labels),
                                   constant(self.preview_labels))  # fmt: skip
        real, fake = (v.numpy().ravel() for v in self._d_view(*self._d_view_inputs))
        return DiscriminatorView(int(self.step.numpy()), real, fake, self.train_config.loss == "bce",
                                 0.5 if self.train_config.loss in ("bce", "lsgan") else 0.0)  # fmt: skip

    def _discriminator_view(self, real: tf.Tensor, real_labels: tf.Tensor | None, labels: tf.Tensor | None):
        fake = self._g(self.preview_noise, labels, training=False)  # class ids for D; G takes them as one-hot
        outputs = []
        for images, y in ((real, real_labels), (fake, labels)):
            logits = self.discriminator([images, y] if y is not None else images, training=False)
            outputs.append(tf.sigmoid(logits) if self.train_config.loss == "bce" else logits)
        return outputs

    def weights_finite(self) -> bool:
        variables = self.generator.weights + self.discriminator.weights
        return bool(tf.reduce_all([tf.reduce_all(tf.math.is_finite(v)) for v in variables]))
