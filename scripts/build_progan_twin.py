"""Build an architecture twin of TF Hub's ProGAN-128 (CelebA faces) with random weights, to time it on a CPU and
test its path without the download.

    python scripts/build_progan_twin.py [--out ~/.cache/gan-playground/progan-128-twin]

The generator of Karras et al. 2018 ("Progressive Growing of GANs", Table 2) grown to 128x128: the latent vector
(512) pixel-normalised; a linear layer to 4x4x512 and a 3x3 convolution; then per resolution 8, 16, 32, 64 and 128
a nearest-neighbour 2x upsampling and two 3x3 convolutions (512, 512, 512, 256 and 128 channels), each followed by
a leaky ReLU (0.2) and pixel normalisation; a 1x1 convolution to RGB. About 23 M parameters. The hub module's
exact widths are not published beside it: this twin follows the paper, so its times are estimates of the real
module's. Saved as a SavedModel with the hub module's signature, 'default': the latent [N, 512] in, 'default'
[N, 128, 128, 3] in [0, 1] out, so HubProGANSampler loads it like the real one. Not shipped (about 90 MB of
random numbers); bench/inversion.py builds it when it is missing.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

DEFAULT_OUT = Path.home() / ".cache" / "gan-playground" / "progan-128-twin"
LATENT = 512
CHANNELS = (512, 512, 512, 512, 256, 128)  # at 4, 8, 16, 32, 64 and 128 px


def build_module(seed: int = 0, width: float = 1.0):
    """The twin as a tf.Module; `width` below 1 narrows every layer (a small twin for tests)."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    channels = [max(4, int(c * width)) for c in CHANNELS]

    def weight(*shape: int, fan_in: int) -> tf.Variable:
        return tf.Variable((rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32))

    def pixel_norm(x):
        return x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axis=-1, keepdims=True) + 1e-8)

    def conv(x, kernel, bias):
        return pixel_norm(tf.nn.leaky_relu(tf.nn.conv2d(x, kernel, 1, "SAME") + bias, 0.2))

    class ProGAN128(tf.Module):
        def __init__(self) -> None:
            first = channels[0]
            self.dense = weight(LATENT, 4 * 4 * first, fan_in=LATENT)
            self.dense_bias = tf.Variable(tf.zeros([4 * 4 * first]))
            self.kernels, self.biases = [weight(3, 3, first, first, fan_in=9 * first)], [tf.Variable(tf.zeros([first]))]
            for cin, cout in itertools.pairwise(channels):
                self.kernels += [weight(3, 3, cin, cout, fan_in=9 * cin), weight(3, 3, cout, cout, fan_in=9 * cout)]
                self.biases += [tf.Variable(tf.zeros([cout])), tf.Variable(tf.zeros([cout]))]
            self.to_rgb = weight(1, 1, channels[-1], 3, fan_in=channels[-1])
            self.to_rgb_bias = tf.Variable(tf.zeros([3]))

        @tf.function(input_signature=[tf.TensorSpec([None, LATENT], tf.float32, name="default")])
        def default(self, latent):
            x = pixel_norm(latent)
            x = tf.reshape(tf.matmul(x, self.dense) + self.dense_bias, [-1, 4, 4, channels[0]])
            x = conv(pixel_norm(tf.nn.leaky_relu(x, 0.2)), self.kernels[0], self.biases[0])
            for i in range(1, len(self.kernels), 2):
                x = tf.repeat(tf.repeat(x, 2, axis=1), 2, axis=2)
                x = conv(conv(x, self.kernels[i], self.biases[i]), self.kernels[i + 1], self.biases[i + 1])
            rgb = tf.nn.conv2d(x, self.to_rgb, 1, "SAME") + self.to_rgb_bias
            return {"default": (tf.tanh(rgb) + 1.0) / 2.0}

    return ProGAN128()


def parameter_count(module) -> int:
    return int(sum(np.prod(v.shape) for v in module.trainable_variables))


def build(out: Path = DEFAULT_OUT, seed: int = 0, width: float = 1.0) -> Path:
    """Write the twin to `out` (a SavedModel folder) unless it is there already; returns the folder."""
    if (out / "saved_model.pb").is_file():
        return out
    import tensorflow as tf

    module = build_module(seed, width)
    out.parent.mkdir(parents=True, exist_ok=True)
    tf.saved_model.save(module, str(out), signatures={"default": module.default})
    print(f"wrote {out}: ProGAN-128 twin, {parameter_count(module):,} parameters (random weights)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
