"""D's last layers, shared by the DCGAN and BigGAN-style D: the logit and the projection discriminator's class
term (Miyato & Koyama 2018), in float32 under a mixed policy."""

from __future__ import annotations

import keras
from keras import layers

# The last layers compute in float32 under a mixed policy (gan_core.models.precision): G's tanh images and D's
# logits, so the losses, the gradient penalty and the metrics built on them are float32.
OUTPUT_DTYPE = "float32"


class ClassProjection(layers.Layer):
    """The projection discriminator's class term: sum(embed(y) * features) per example."""

    def __init__(self, num_classes: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_classes = num_classes

    def build(self, input_shape) -> None:
        self.embedding = self.add_weight(
            shape=(self.num_classes, input_shape[0][-1]), initializer="glorot_uniform", name="class_embedding"
        )

    def call(self, inputs):
        features, label = inputs
        return keras.ops.sum(keras.ops.take(self.embedding, label, axis=0) * features, axis=-1, keepdims=True)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes}

def logit_layer(spectral_norm: bool) -> layers.Layer:
    """D's last layer, one logit per image, in float32."""
    dense = layers.Dense(1, dtype=OUTPUT_DTYPE)
    return layers.SpectralNormalization(dense, dtype=OUTPUT_DTYPE) if spectral_norm else dense


def with_projection(logit, features, label, num_classes: int):
    """The projection discriminator's logit: D's logit plus <embed(y), features>, in float32."""
    projection = ClassProjection(num_classes, dtype=OUTPUT_DTYPE)([features, label])
    return layers.Add(dtype=OUTPUT_DTYPE)([logit, projection])
