"""A small BigGAN-style class-conditional pair for 28x28 and 32x32 images (Brock et al. 2019, scaled down).

G: a shared class embedding (a bias-free linear map of the one-hot class, so classes can be mixed) is joined
to the noise; every batch norm is class-conditional (its gain and bias computed from that vector); stride-2
transposed convolutions upsample. D: spectral normalisation on every layer, global sum pooling, and the
projection term <embed(y), features> (Miyato & Koyama 2018). Trained with the hinge loss.
"""

from __future__ import annotations

import keras
from keras import layers

from gan_core.models.config import ModelConfig
from gan_core.models.projection import OUTPUT_DTYPE, logit_layer, with_projection


@keras.saving.register_keras_serializable(package="gan_playground")
class ConditionalBatchNorm(layers.Layer):
    """Batch norm whose gain (1 + g(c)) and bias b(c) come from a conditioning vector c."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.norm = layers.BatchNormalization(center=False, scale=False)

    def build(self, input_shape) -> None:
        channels = input_shape[0][-1]
        self.gain = layers.Dense(channels, use_bias=False, kernel_initializer="zeros")
        self.bias = layers.Dense(channels, use_bias=False, kernel_initializer="zeros")
        self.norm.build(input_shape[0])
        self.gain.build(input_shape[1])
        self.bias.build(input_shape[1])

    def call(self, inputs, training=None):
        x, cond = inputs
        h = self.norm(x, training=training)
        shape = (-1, 1, 1, h.shape[-1]) if len(h.shape) == 4 else (-1, h.shape[-1])
        return h * keras.ops.reshape(1.0 + self.gain(cond), shape) + keras.ops.reshape(self.bias(cond), shape)


def build_generator(cfg: ModelConfig) -> keras.Model:
    """(noise [N, Z], class one-hot or mix [N, C]) -> images [N, H, W, C] in [-1, 1]."""
    noise = keras.Input((cfg.noise_dim,), name="noise")
    label = keras.Input((cfg.num_classes,), name="label")
    embedding = layers.Dense(cfg.embed_dim, use_bias=False, name="shared_embedding")(label)
    cond = layers.Concatenate()([noise, embedding])
    size, channels = cfg.image_shape[0], cfg.image_shape[2]
    start = 7 if size == 28 else 4
    ups = 2 if size == 28 else {32: 3, 64: 4}[size]
    width = cfg.g_width * 2**ups
    x = layers.Reshape((start, start, width))(layers.Dense(start * start * width)(cond))
    for _ in range(ups):
        x = layers.ReLU()(ConditionalBatchNorm()([x, cond]))
        width //= 2
        x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(x)
        if cfg.depth == 2:
            x = layers.ReLU()(ConditionalBatchNorm()([x, cond]))
            x = layers.Conv2D(width, 3, padding="same", use_bias=False)(x)
    x = layers.ReLU()(ConditionalBatchNorm()([x, cond]))
    out = layers.Conv2D(channels, 3, padding="same", activation="tanh", dtype=OUTPUT_DTYPE)(x)
    return keras.Model([noise, label], out, name="generator")


def build_discriminator(cfg: ModelConfig) -> keras.Model:
    """(images, class ids [N]) -> one logit per image: spectral norm, sum pooling, projection."""
    sn = layers.SpectralNormalization
    image = keras.Input(cfg.image_shape, name="image")
    label = keras.Input((), dtype="int32", name="label")
    x, width = image, cfg.d_width
    while x.shape[1] > 8 and x.shape[1] % 2 == 0:  # 28 -> 14 -> 7, 32 -> 16 -> 8
        if cfg.depth == 2:  # SNGAN's standard CNN: a 3x3 convolution, then the stride-2 one at the same width
            x = layers.LeakyReLU(0.1)(sn(layers.Conv2D(width, 3, padding="same"))(x))
        x = layers.LeakyReLU(0.1)(sn(layers.Conv2D(width, 4, strides=2, padding="same"))(x))
        width *= 2
    x = layers.LeakyReLU(0.1)(sn(layers.Conv2D(width, 3, padding="same"))(x))
    features = layers.Lambda(lambda t: keras.ops.sum(t, axis=(1, 2)), name="sum_pool")(x)
    logit = with_projection(logit_layer(spectral_norm=True)(features), features, label, cfg.num_classes)
    return keras.Model([image, label], logit, name="discriminator")
