"""The projection discriminator's class term (Miyato & Koyama 2018), shared by the DCGAN and BigGAN-style D."""

from __future__ import annotations

import keras
from keras import layers


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
