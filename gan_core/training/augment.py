"""DiffAugment (Zhao et al. 2020): differentiable colour, translation and cutout, applied to real and fake alike.

Images are [N, H, W, C] in [-1, 1]. Every op is built from differentiable tensor ops, so the generator's
gradient flows through the augmentation into its weights.
"""

from __future__ import annotations

import tensorflow as tf

POLICIES = ("color", "translation", "cutout")


def _color(x: tf.Tensor) -> tf.Tensor:
    n = tf.shape(x)[0]
    x = x + (tf.random.uniform([n, 1, 1, 1]) - 0.5)  # brightness
    if x.shape[-1] == 3:
        mean = tf.reduce_mean(x, axis=3, keepdims=True)
        x = (x - mean) * (tf.random.uniform([n, 1, 1, 1]) * 2.0) + mean  # saturation
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    return (x - mean) * (tf.random.uniform([n, 1, 1, 1]) + 0.5) + mean  # contrast


def _translation(x: tf.Tensor, ratio: float = 0.125) -> tf.Tensor:
    """Shift each image by up to ratio * size pixels, filling with zeros (a differentiable gather)."""
    n, h, w = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
    sh = tf.cast(tf.cast(h, tf.float32) * ratio + 0.5, tf.int32)
    sw = tf.cast(tf.cast(w, tf.float32) * ratio + 0.5, tf.int32)
    dy = tf.random.uniform([n, 1], -sh, sh + 1, dtype=tf.int32)
    dx = tf.random.uniform([n, 1], -sw, sw + 1, dtype=tf.int32)
    padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
    rows = tf.clip_by_value(tf.range(h)[None, :] + dy + 1, 0, h + 1)  # [n, h]
    cols = tf.clip_by_value(tf.range(w)[None, :] + dx + 1, 0, w + 1)  # [n, w]
    x = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.transpose(tf.gather(tf.transpose(x, [0, 2, 1, 3]), cols, axis=1, batch_dims=1), [0, 2, 1, 3])


def _cutout(x: tf.Tensor, ratio: float = 0.5) -> tf.Tensor:
    """Zero a square of side ratio * size at a random place in each image (multiplying by a mask)."""
    n, h, w = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
    ch = tf.cast(tf.cast(h, tf.float32) * ratio + 0.5, tf.int32)
    cw = tf.cast(tf.cast(w, tf.float32) * ratio + 0.5, tf.int32)
    cy = tf.random.uniform([n, 1, 1], 0, h + (1 - ch % 2), dtype=tf.int32)
    cx = tf.random.uniform([n, 1, 1], 0, w + (1 - cw % 2), dtype=tf.int32)
    ys = tf.range(h)[None, :, None]
    xs = tf.range(w)[None, None, :]
    inside = (tf.abs(ys - cy) <= ch // 2) & (tf.abs(xs - cx) <= cw // 2)
    return x * tf.cast(~inside, x.dtype)[..., None]


_OPS = {"color": _color, "translation": _translation, "cutout": _cutout}


def diff_augment(x: tf.Tensor, policy: tuple[str, ...]) -> tf.Tensor:
    """Apply the named ops in order; an empty policy returns x unchanged."""
    for name in policy:
        if name not in _OPS:
            raise ValueError(f"unknown DiffAugment op {name!r}; choose from {', '.join(POLICIES)}")
        x = _OPS[name](x)
    return x
