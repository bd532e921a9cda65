"""The fast stride-1 transposed convolution computes exactly what Keras's layer computes, gradients included."""

import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from gan_core.models.fast_layers import Conv2DTransposeStride1


@pytest.mark.parametrize(("kernel", "bias"), [(5, False), (3, True)])
def test_matches_keras_conv2d_transpose_values_and_gradients(kernel: int, bias: bool) -> None:
    x = tf.random.stateless_normal([4, 7, 7, 6], seed=[1, 2])
    ref = layers.Conv2DTranspose(5, kernel, strides=1, padding="same", use_bias=bias)
    fast = Conv2DTransposeStride1(5, kernel, use_bias=bias)
    ref(x), fast(x)
    for a, b in zip(fast.weights, ref.weights, strict=True):
        a.assign(tf.random.stateless_normal(b.shape, seed=[3, 4]) if "kernel" in a.path else b)
        b.assign(a)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ya, yb = ref(x), fast(x)
        la, lb = tf.reduce_sum(tf.sin(ya)), tf.reduce_sum(tf.sin(yb))
    np.testing.assert_allclose(ya.numpy(), yb.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tape.gradient(la, x).numpy(), tape.gradient(lb, x).numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        tape.gradient(la, ref.kernel).numpy(), tape.gradient(lb, fast.kernel).numpy(), rtol=1e-4, atol=1e-4
    )


def test_even_kernels_are_refused() -> None:
    with pytest.raises(ValueError, match="odd kernel"):
        Conv2DTransposeStride1(4, 4)
