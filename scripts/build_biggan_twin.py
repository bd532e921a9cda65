"""Build an architecture twin of BigGAN-deep 128 with random weights, to time BigGAN on a CPU without the download.

    python scripts/build_biggan_twin.py [--out ~/.cache/gan-playground/biggan-deep-128-twin]

The published generator's layers and shapes (Brock et al. 2019, "BigGAN-deep"; the TF Hub module's graph as
read by huggingface/pytorch-pretrained-BigGAN): a shared class embedding (1000 -> 128) joined to z (128) as the
256-d condition; a linear layer to 4x4x2048; ten bottleneck residual blocks (1x1 down by 4, two 3x3, 1x1 up,
each after a class-conditional batch norm and ReLU; every second block upsamples by 2 and the channels go
2048, 2048, 1024, 512, 256, 128); self-attention at 64x64 before the ninth block; batch norm, ReLU, a 3x3
convolution to RGB, tanh. Batch norm runs as at inference (stored statistics). About 50 M parameters, as
published. Saved as a SavedModel with the hub module's signature, 'default': z [N, 128], y [N, 1000] and
truncation [] in, 'default' [N, 128, 128, 3] in [-1, 1] out, so HubBigGANSampler loads it like the real one.
Not shipped (about 200 MB of random numbers); bench/explore_latency.py builds it when it is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_OUT = Path.home() / ".cache" / "gan-playground" / "biggan-deep-128-twin"
CH = 128  # channel width
Z_DIM = 128
CLASSES = 1000
# (upsample?, in channels, out channels) in units of CH, for 128x128: 4 -> 8 -> 16 -> 32 -> 64 -> 128
BLOCKS = ((False, 16, 16), (True, 16, 16), (False, 16, 16), (True, 16, 8), (False, 8, 8), (True, 8, 4),
          (False, 4, 4), (True, 4, 2), (False, 2, 2), (True, 2, 1))  # fmt: skip
ATTENTION_BEFORE = 8  # the block index: at 64x64, 256 channels


def build_module(seed: int = 0, ch: int = CH):
    """The twin as a tf.Module; `ch` below 128 gives a small model of the same shapes' pattern (for tests)."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)

    def weight(*shape: int, fan_in: int | None = None, gain: float = 1.0) -> tf.Variable:
        scale = gain / np.sqrt(fan_in or shape[0])  # keeps activations finite through the residual stack
        return tf.Variable((rng.standard_normal(shape) * scale).astype(np.float32))

    cond_dim = 2 * Z_DIM

    class ConditionalBatchNorm(tf.Module):
        """Inference-time batch norm with a gain and bias linear in the condition (BigGAN's)."""

        def __init__(self, channels: int) -> None:
            self.mean, self.var = tf.Variable(tf.zeros([channels])), tf.Variable(tf.ones([channels]))
            self.gain, self.bias = weight(cond_dim, channels, gain=0.1), weight(cond_dim, channels, gain=0.1)

        def __call__(self, x, cond):
            gain = 1.0 + tf.matmul(cond, self.gain)[:, None, None, :]
            bias = tf.matmul(cond, self.bias)[:, None, None, :]
            return (x - self.mean) * tf.math.rsqrt(self.var + 1e-4) * gain + bias

    def conv(x, kernel, bias=None):
        y = tf.nn.conv2d(x, kernel, 1, "SAME")
        return y + bias if bias is not None else y

    def up(x):
        return tf.repeat(tf.repeat(x, 2, axis=1), 2, axis=2)  # nearest neighbour, as the module

    class Block(tf.Module):
        def __init__(self, upsample: bool, cin: int, cout: int) -> None:
            mid = cin // 4
            self.upsample, self.cout = upsample, cout
            self.bns = [ConditionalBatchNorm(c) for c in (cin, mid, mid, mid)]
            self.kernels = [weight(1, 1, cin, mid, fan_in=cin), weight(3, 3, mid, mid, fan_in=9 * mid),
                            weight(3, 3, mid, mid, fan_in=9 * mid), weight(1, 1, mid, cout, fan_in=mid)]  # fmt: skip
            self.biases = [tf.Variable(tf.zeros([c])) for c in (mid, mid, mid, cout)]

        def __call__(self, x, cond):
            h = x
            for i, (bn, kernel, bias) in enumerate(zip(self.bns, self.kernels, self.biases, strict=True)):
                h = tf.nn.relu(bn(h, cond))
                if i == 1 and self.upsample:
                    h = up(h)
                h = conv(h, kernel, bias)
            skip = x[..., : self.cout] if x.shape[-1] != self.cout else x  # drop channels, as the module
            return h + (up(skip) if self.upsample else skip)

    class Attention(tf.Module):
        def __init__(self, c: int) -> None:
            self.theta, self.phi = weight(1, 1, c, c // 8, fan_in=c), weight(1, 1, c, c // 8, fan_in=c)
            self.g, self.out = weight(1, 1, c, c // 2, fan_in=c), weight(1, 1, c // 2, c, fan_in=c // 2)
            self.gamma = tf.Variable(0.1)

        def __call__(self, x):
            n, h, w, c = tf.shape(x)[0], x.shape[1], x.shape[2], x.shape[3]
            pool = lambda t: tf.nn.max_pool2d(t, 2, 2, "VALID")  # noqa: E731
            theta = tf.reshape(conv(x, self.theta), [n, h * w, c // 8])
            phi = tf.reshape(pool(conv(x, self.phi)), [n, h * w // 4, c // 8])
            g = tf.reshape(pool(conv(x, self.g)), [n, h * w // 4, c // 2])
            attention = tf.nn.softmax(tf.matmul(theta, phi, transpose_b=True))
            return x + self.gamma * conv(tf.reshape(tf.matmul(attention, g), [n, h, w, c // 2]), self.out)

    class BigGANDeep128(tf.Module):
        def __init__(self) -> None:
            self.embedding = weight(CLASSES, Z_DIM)
            self.linear, self.linear_bias = weight(cond_dim, 4 * 4 * 16 * ch), tf.Variable(tf.zeros([4 * 4 * 16 * ch]))
            self.blocks = [Block(u, a * ch, b * ch) for u, a, b in BLOCKS]
            self.attention = Attention(BLOCKS[ATTENTION_BEFORE][1] * ch)
            self.final_mean, self.final_var = tf.Variable(tf.zeros([ch])), tf.Variable(tf.ones([ch]))
            self.final_gain, self.final_bias = tf.Variable(tf.ones([ch])), tf.Variable(tf.zeros([ch]))
            self.to_rgb, self.to_rgb_bias = weight(3, 3, ch, ch, fan_in=9 * ch), tf.Variable(tf.zeros([ch]))

        @tf.function(input_signature=[tf.TensorSpec([None, Z_DIM], tf.float32, name="z"),
                                      tf.TensorSpec([None, CLASSES], tf.float32, name="y"),
                                      tf.TensorSpec([], tf.float32, name="truncation")])  # fmt: skip
        def default(self, z, y, truncation):
            cond = tf.concat([z, tf.matmul(y, self.embedding)], axis=1)
            x = tf.reshape(tf.matmul(cond, self.linear) + self.linear_bias, [-1, 4, 4, 16 * ch])
            for i, block in enumerate(self.blocks):
                if i == ATTENTION_BEFORE:
                    x = self.attention(x)
                x = block(x, cond)
            x = (x - self.final_mean) * tf.math.rsqrt(self.final_var + 1e-4) * self.final_gain + self.final_bias
            x = conv(tf.nn.relu(x), self.to_rgb, self.to_rgb_bias)[..., :3]
            return {"default": tf.tanh(x)}

    return BigGANDeep128()


def parameter_count(module) -> int:
    return int(sum(np.prod(v.shape) for v in module.trainable_variables))


def build(out: Path = DEFAULT_OUT, seed: int = 0, ch: int = CH) -> Path:
    """Write the twin to `out` (a SavedModel folder) unless it is there already; returns the folder."""
    if (out / "saved_model.pb").is_file():
        return out
    import tensorflow as tf

    module = build_module(seed, ch)
    out.parent.mkdir(parents=True, exist_ok=True)
    tf.saved_model.save(module, str(out), signatures={"default": module.default})
    print(f"wrote {out}: BigGAN-deep 128 twin, {parameter_count(module):,} parameters (random weights)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
