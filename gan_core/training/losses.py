"""GAN losses as pure functions of discriminator logits (TensorFlow tensors in, scalar means out).

Each discriminator loss returns its two halves, (on real, on fake), so the trainer can chart them apart;
the discriminator minimises their sum.
"""

from __future__ import annotations

import tensorflow as tf

LOSSES = ("bce", "hinge", "wgan-gp", "lsgan")


def _bce(labels: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))


def bce_discriminator_loss(
    real_logits: tf.Tensor, fake_logits: tf.Tensor, label_smoothing: float = 0.0
) -> tuple[tf.Tensor, tf.Tensor]:
    """Goodfellow et al. 2014: -log D(x) - log(1 - D(G(z))), with one-sided label smoothing on real
    (Salimans et al. 2016: targets 1 - s instead of 1)."""
    real = _bce(tf.fill(tf.shape(real_logits), 1.0 - label_smoothing), real_logits)
    fake = _bce(tf.zeros_like(fake_logits), fake_logits)
    return real, fake


def bce_generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """The non-saturating generator loss of Goodfellow et al. 2014: -log D(G(z))."""
    return _bce(tf.ones_like(fake_logits), fake_logits)


def hinge_discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Lim & Ye 2017, Miyato et al. 2018: E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]."""
    return tf.reduce_mean(tf.nn.relu(1.0 - real_logits)), tf.reduce_mean(tf.nn.relu(1.0 + fake_logits))


def hinge_generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """-E[D(G(z))]."""
    return -tf.reduce_mean(fake_logits)


def wasserstein_discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Arjovsky et al. 2017: -E[D(x)] + E[D(G(z))] (the gradient penalty is added by the trainer)."""
    return -tf.reduce_mean(real_logits), tf.reduce_mean(fake_logits)


def wasserstein_generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """-E[D(G(z))]."""
    return -tf.reduce_mean(fake_logits)


def least_squares_discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Mao et al. 2017 (LSGAN, targets 1 and 0): E[(D(x) - 1)^2] / 2 + E[D(G(z))^2] / 2."""
    return 0.5 * tf.reduce_mean(tf.square(real_logits - 1.0)), 0.5 * tf.reduce_mean(tf.square(fake_logits))


def least_squares_generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """E[(D(G(z)) - 1)^2] / 2."""
    return 0.5 * tf.reduce_mean(tf.square(fake_logits - 1.0))


def gradient_penalty(critic, real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor | None = None) -> tf.Tensor:
    """Gulrajani et al. 2017: E[(||grad D(x_hat)||_2 - 1)^2] on random interpolates x_hat of real and fake."""
    spread = tf.concat([tf.shape(real)[:1], tf.ones([tf.rank(real) - 1], tf.int32)], 0)  # [N, 1, ...]
    alpha = tf.random.uniform(spread)
    mixed = real + alpha * (fake - real)
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = critic([mixed, labels] if labels is not None else mixed, training=True)
    grads = tape.gradient(scores, mixed)
    norms = tf.sqrt(tf.reduce_sum(tf.reshape(tf.square(grads), [tf.shape(grads)[0], -1]), axis=1) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


def discriminator_accuracy(
    real_logits: tf.Tensor, fake_logits: tf.Tensor, loss: str = "bce"
) -> tuple[tf.Tensor, tf.Tensor]:
    """Share of real images D calls real and of fakes it calls fake: its output above or below 0, or 0.5 for
    least squares (whose targets are 1 and 0)."""
    middle = 0.5 if loss == "lsgan" else 0.0
    real = tf.reduce_mean(tf.cast(real_logits > middle, tf.float32))
    fake = tf.reduce_mean(tf.cast(fake_logits < middle, tf.float32))
    return real, fake
