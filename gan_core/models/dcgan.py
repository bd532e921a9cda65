"""DCGAN generators and discriminators as Keras 3 functional models.

28x28: the TF DCGAN tutorial's architecture (Dense 7x7 -> 5x5 transposed convolutions; D with dropout).
32x32 and 64x64: Radford et al.'s DCGAN (4x4 kernels, stride 2, batch norm; LeakyReLU in D).
Conditional models take (noise, class one-hot) in G, which concatenates a linear class embedding to the noise,
and (image, class id) in D, which adds a projection term <embed(y), features> to its logit (Miyato & Koyama
2018). The BigGAN-style pair lives in gan_core.models.biggan.
"""

from __future__ import annotations

import math

import keras
from keras import layers

from gan_core.models.config import ModelConfig
from gan_core.models.projection import OUTPUT_DTYPE, logit_layer, with_projection


def _bn(sync: bool) -> layers.Layer:
    return layers.BatchNormalization(synchronized=sync)


def build_generator(cfg: ModelConfig, sync_batchnorm: bool = False) -> keras.Model:
    """noise [N, noise_dim] (and classes one-hot [N, C], or a mix) -> images [N, H, W, C] in [-1, 1] (tanh)."""
    if cfg.architecture == "biggan":
        from gan_core.models import biggan

        return biggan.build_generator(cfg)
    noise = keras.Input((cfg.noise_dim,), name="noise")
    inputs = [noise]
    x = noise
    if cfg.conditional:  # a bias-free linear embedding of the one-hot class: classes can be mixed
        label = keras.Input((cfg.num_classes,), name="label")
        inputs.append(label)
        embedding = layers.Dense(cfg.embed_dim, use_bias=False, name="class_embedding")(label)
        x = layers.Concatenate()([noise, embedding])
    size, channels = cfg.image_shape[0], cfg.image_shape[2]
    if size == 28:  # the TF tutorial
        w = cfg.g_width
        x = layers.Dense(7 * 7 * 4 * w, use_bias=False)(x)
        x = layers.LeakyReLU(0.3)(_bn(sync_batchnorm)(x))  # Keras 2's LeakyReLU default slope, as in the tutorial
        x = layers.Reshape((7, 7, 4 * w))(x)
        x = layers.Conv2DTranspose(2 * w, 5, padding="same", use_bias=False)(x)
        x = layers.LeakyReLU(0.3)(_bn(sync_batchnorm)(x))
        x = layers.Conv2DTranspose(w, 5, strides=2, padding="same", use_bias=False)(x)
        x = layers.LeakyReLU(0.3)(_bn(sync_batchnorm)(x))
        out = layers.Conv2DTranspose(channels, 5, strides=2, padding="same", use_bias=False, activation="tanh",
                                     dtype=OUTPUT_DTYPE)(x)  # fmt: skip
    else:
        ups = int(math.log2(size // 4))
        width = cfg.g_width * 2 ** (ups - 1)
        x = layers.Dense(4 * 4 * width, use_bias=False)(x)
        x = layers.ReLU()(_bn(sync_batchnorm)(x))
        x = layers.Reshape((4, 4, width))(x)
        for _ in range(ups - 1):
            width //= 2
            x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(x)
            x = layers.ReLU()(_bn(sync_batchnorm)(x))
        out = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs if cfg.conditional else noise, out, name="generator")


def build_discriminator(cfg: ModelConfig, sync_batchnorm: bool = False) -> keras.Model:
    """images [N, H, W, C] in [-1, 1] (and labels [N]) -> one logit per image (real > 0 > fake)."""
    if cfg.architecture == "biggan":
        from gan_core.models import biggan

        return biggan.build_discriminator(cfg)
    image = keras.Input(cfg.image_shape, name="image")
    inputs = [image]
    size = cfg.image_shape[0]
    x = image
    sn = layers.SpectralNormalization if cfg.d_spectral_norm else (lambda layer: layer)
    if size == 28:  # the TF tutorial
        for filters in (cfg.d_width, 2 * cfg.d_width):
            x = sn(layers.Conv2D(filters, 5, strides=2, padding="same"))(x)
            x = layers.Dropout(cfg.d_dropout)(layers.LeakyReLU(0.3)(x))
    else:
        width = cfg.d_width
        for i in range(int(math.log2(size // 4))):
            x = sn(layers.Conv2D(width, 4, strides=2, padding="same", use_bias=i == 0))(x)
            if i > 0 and not cfg.d_spectral_norm:  # spectral norm replaces batch norm (Miyato et al.)
                x = _bn(sync_batchnorm)(x)
            x = layers.LeakyReLU(0.2)(x)
            width *= 2
    features = layers.Flatten()(x)
    logit = logit_layer(cfg.d_spectral_norm)(features)
    if cfg.conditional:
        label = keras.Input((), dtype="int32", name="label")
        inputs.append(label)
        logit = with_projection(logit, features, label, cfg.num_classes)
    return keras.Model(inputs if cfg.conditional else image, logit, name="discriminator")

