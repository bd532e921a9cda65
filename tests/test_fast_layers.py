"""The fast layers compute exactly what Keras's layers compute, gradients (and gradients of gradients) included."""

import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from gan_core.models.fast_layers import Conv2DStride2, Conv2DTransposeStride1, Conv2DTransposeStride2

CASES = [
    # (fast layer, its stock twin, strides, input shape); 9 channels: above FEW_CHANNELS, where the fast forms run
    (lambda k, b: Conv2DTransposeStride1(5, k, use_bias=b), layers.Conv2DTranspose, 1, [4, 7, 7, 9]),
    (lambda k, b: Conv2DTransposeStride2(9, k, use_bias=b), layers.Conv2DTranspose, 2, [4, 7, 7, 6]),
    (lambda k, b: Conv2DStride2(5, k, use_bias=b), layers.Conv2D, 2, [4, 14, 14, 9]),
    (lambda k, b: Conv2DStride2(5, k, use_bias=b), layers.Conv2D, 2, [4, 14, 14, 1]),  # TF's own input gradient
]


def _twins(case, kernel: int, bias: bool, x: tf.Tensor):
    make_fast, stock, strides, _ = case
    fast = make_fast(kernel, bias)
    ref = stock(fast.filters, kernel, strides=strides, padding="same", use_bias=bias)
    ref(x), fast(x)
    for a, b in zip(fast.weights, ref.weights, strict=True):
        a.assign(tf.random.stateless_normal(b.shape, seed=[3, 4]))
        b.assign(a)
    return fast, ref


def _valid(case, kernel: int) -> bool:
    return not (case[0] is CASES[0][0] and kernel % 2 == 0)


@pytest.mark.parametrize("case", CASES, ids=["transpose-s1", "transpose-s2", "conv-s2", "conv-s2-thin"])
@pytest.mark.parametrize(("kernel", "bias"), [(5, False), (4, True), (3, True)])
def test_matches_the_stock_layer_values_and_gradients(case, kernel: int, bias: bool) -> None:
    if not _valid(case, kernel):
        pytest.skip("stride 1 needs an odd kernel")
    x = tf.random.stateless_normal(case[3], seed=[1, 2])
    fast, ref = _twins(case, kernel, bias, x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ya, yb = ref(x), fast(x)
        la, lb = tf.reduce_sum(tf.sin(ya)), tf.reduce_sum(tf.sin(yb))
    np.testing.assert_allclose(ya.numpy(), yb.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tape.gradient(la, x).numpy(), tape.gradient(lb, x).numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        tape.gradient(la, ref.kernel).numpy(), tape.gradient(lb, fast.kernel).numpy(), rtol=1e-4, atol=1e-3
    )


@pytest.mark.parametrize("case", CASES[1:], ids=["transpose-s2", "conv-s2", "conv-s2-thin"])
def test_gradient_penalty_second_order_gradients_match(case) -> None:
    """WGAN-GP differentiates the input gradient's norm with respect to the weights."""
    x = tf.random.stateless_normal(case[3], seed=[5, 6])
    fast, ref = _twins(case, 5, True, x)
    penalties = []
    for layer in (ref, fast):
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                inner.watch(x)
                out = tf.reduce_sum(tf.tanh(layer(x)))
            penalty = tf.reduce_sum(tf.square(inner.gradient(out, x)))
        penalties.append((penalty.numpy(), outer.gradient(penalty, layer.kernel).numpy()))
    np.testing.assert_allclose(penalties[0][0], penalties[1][0], rtol=1e-4)
    np.testing.assert_allclose(penalties[0][1], penalties[1][1], rtol=1e-3, atol=1e-3)


def test_unsupported_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="odd kernel"):
        Conv2DTransposeStride1(4, 4)
    with pytest.raises(ValueError, match="up to 5x5"):
        Conv2DTransposeStride2(4, 7)
    with pytest.raises(ValueError, match="even input sizes"):
        Conv2DStride2(4, 5)(tf.zeros([1, 7, 7, 1]))


def test_dropout16_drops_at_its_rate_scales_kept_values_and_is_identity_at_inference() -> None:
    from gan_core.models.fast_layers import Dropout16

    layer = Dropout16(0.3, seed=7)
    x = tf.ones([64, 14, 14, 64])
    first, second = layer(x, training=True).numpy(), layer(x, training=True).numpy()
    dropped = (first == 0).mean()
    assert abs(dropped - 0.3) < 0.005  # 802,816 draws: the standard error is 0.0005
    np.testing.assert_allclose(first[first != 0], 1 / (1 - 19661 / 65536), rtol=1e-6)
    assert abs(first.mean() - 1.0) < 0.01  # expectation preserved
    assert (first != second).any()  # a fresh mask every call
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x.numpy())
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(layer(x, training=True))
    grad = tape.gradient(total, x).numpy()
    assert abs((grad == 0).mean() - 0.3) < 0.005  # dropped values pass no gradient, kept ones the scale
    np.testing.assert_allclose(np.unique(grad[grad != 0]), [1 / (1 - 19661 / 65536)], rtol=1e-6)
    odd = Dropout16(0.5, seed=1)(tf.ones([8, 5, 5, 3]), training=True).numpy()  # Keras's own path
    assert 0.2 < (odd == 0).mean() < 0.8


@pytest.mark.parametrize("size", [28, 32])
def test_the_fast_and_the_stock_kit_build_the_same_models_with_the_same_weights(size: int) -> None:
    from dataclasses import replace

    from gan_core.models.config import ModelConfig
    from gan_core.models.dcgan import build_discriminator, build_generator

    fast = ModelConfig(image_shape=(size, size, 1), noise_dim=16, g_width=8, d_width=8)
    stock = replace(fast, conv_layers="stock")
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((4, 16)).astype(np.float32)
    images = rng.uniform(-1, 1, (4, size, size, 1)).astype(np.float32)
    for build, x in ((build_generator, noise), (build_discriminator, images)):
        a, b = build(fast), build(stock)
        assert [w.shape for w in a.get_weights()] == [w.shape for w in b.get_weights()]  # one weight layout
        b.set_weights(a.get_weights())
        np.testing.assert_allclose(a(x, training=False), b(x, training=False), atol=2e-5)
    with pytest.raises(ValueError, match="conv_layers must be"):
        replace(fast, conv_layers="turbo")
