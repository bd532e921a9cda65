"""The tf.data input pipeline: uint8 images in, shuffled float32 batches in [-1, 1] out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf


@dataclass(frozen=True)
class PipelineConfig:
    batch_size: int = 128  # images per step
    shuffle_seed: int = 0  # same seed, same batch order
    shuffle_buffer: int | None = None  # None: the whole dataset (a full shuffle; the sets here are small)
    drop_remainder: bool = True  # equal batch shapes keep the compiled train step from retracing
    with_labels: bool = False  # yield (images, labels) for conditional models


def scale_to_unit_range(images: tf.Tensor) -> tf.Tensor:
    """uint8 [0, 255] to float32 [-1, 1], the range of a tanh generator."""
    import tensorflow as tf

    return tf.cast(images, tf.float32) / 127.5 - 1.0


def make_pipeline(images: np.ndarray, labels: np.ndarray | None, config: PipelineConfig) -> tf.data.Dataset:
    """One epoch of batches: cache the uint8 tensors, shuffle, batch, scale on whole batches, prefetch."""
    import tensorflow as tf

    if config.with_labels and labels is None:
        raise ValueError("this dataset has no labels; a conditional model needs a labelled dataset")
    if len(images) < config.batch_size and config.drop_remainder:
        raise ValueError(f"{len(images)} images are fewer than one batch of {config.batch_size}; lower the batch size")
    tensors = (images, labels.astype(np.int32)) if config.with_labels else images
    ds = tf.data.Dataset.from_tensor_slices(tensors).cache()
    ds = ds.shuffle(config.shuffle_buffer or len(images), seed=config.shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(config.batch_size, drop_remainder=config.drop_remainder)
    if config.with_labels:
        ds = ds.map(lambda x, y: (scale_to_unit_range(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(scale_to_unit_range, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
