"""Which convolution layers a model is built from: fast_layers' forward-convolution forms, or Keras's own.

Both compute the same functions with the same weight shapes; which is faster depends on the CPU (issue 18:
1.16x for the fast forms on one AVX2 host, 0.88x on an AVX-512 one). ModelConfig.conv_layers names the kit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from keras import layers

CONV_LAYERS = ("fast", "stock")


@dataclass(frozen=True)
class ConvKit:
    transpose_stride1: Callable[..., layers.Layer]  # (filters, kernel, **kwargs): Conv2DTranspose, stride 1, 'same'
    transpose_stride2: Callable[..., layers.Layer]  # the same with stride 2
    conv_stride2: Callable[..., layers.Layer]  # Conv2D, stride 2, 'same'
    dropout: Callable[[float], layers.Layer]


def conv_kit(name: str) -> ConvKit:
    if name == "fast":
        from gan_core.models.fast_layers import (
            Conv2DStride2,
            Conv2DTransposeStride1,
            Conv2DTransposeStride2,
            Dropout16,
        )

        return ConvKit(Conv2DTransposeStride1, Conv2DTransposeStride2, Conv2DStride2, Dropout16)
    if name == "stock":
        return ConvKit(
            lambda filters, kernel, **kw: layers.Conv2DTranspose(filters, kernel, strides=1, padding="same", **kw),
            lambda filters, kernel, **kw: layers.Conv2DTranspose(filters, kernel, strides=2, padding="same", **kw),
            lambda filters, kernel, **kw: layers.Conv2D(filters, kernel, strides=2, padding="same", **kw),
            layers.Dropout,
        )
    raise ValueError(f"conv_layers must be one of {', '.join(CONV_LAYERS)}, not {name!r}")
