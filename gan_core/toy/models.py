"""The toy GAN's generator and discriminator: Keras MLPs from noise to a point and from a point to a logit."""

from __future__ import annotations

import keras

from gan_core.models.projection import OUTPUT_DTYPE
from gan_core.models.toy_config import ToyModelConfig


def _init(seed: int, layer: int) -> keras.initializers.Initializer:
    return keras.initializers.GlorotUniform(seed=seed * 100 + layer)  # the same seed, the same starting weights


def build_toy_generator(config: ToyModelConfig, seed: int = 0) -> keras.Model:
    """Noise [N, 1 or 2] -> point [N, 2]; ReLU hidden layers, a linear output (the data is not bounded)."""
    noise = keras.Input((config.noise_dim,), name="noise")
    x = noise
    for i in range(config.g_depth):
        x = keras.layers.Dense(config.g_width, activation="relu", kernel_initializer=_init(seed, i),
                               name=f"hidden_{i + 1}")(x)  # fmt: skip
    point = keras.layers.Dense(2, kernel_initializer=_init(seed, 99), name="point", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(noise, point, name="toy_generator")


def build_toy_discriminator(config: ToyModelConfig, seed: int = 0) -> keras.Model:
    """Point [N, 2] -> logit [N, 1]; LeakyReLU hidden layers, no batch norm (the gradient field stays per-point)."""
    point = keras.Input((2,), name="point")
    x = point
    for i in range(config.d_depth):
        x = keras.layers.Dense(config.d_width, kernel_initializer=_init(seed, 50 + i), name=f"hidden_{i + 1}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"leaky_{i + 1}")(x)
    logit = keras.layers.Dense(1, kernel_initializer=_init(seed, 98), name="logit", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(point, logit, name="toy_discriminator")
