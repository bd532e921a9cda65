"""What a benchmark ran on, in one line: the CPU, its bfloat16 flags and what the precision setting picks."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from gan_core.models.precision import choose_precision, cpu_bf16_flags


def cpu_name() -> str:
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or "unknown CPU"
    name = fields.get("model name", platform.processor() or "unknown CPU")
    if "cpu family" in fields:  # "AMD EPYC" alone does not say which generation
        name += f" (family {fields['cpu family']}, model {fields.get('model', '?')})"
    return name


def machine_line() -> str:
    flags = cpu_bf16_flags()
    auto = choose_precision("auto")
    return (f"CPU: {cpu_name()}, {os.cpu_count()} cores; bfloat16 flags: {', '.join(flags) or 'none'}; "
            f"precision setting {os.environ.get('GAN_PLAYGROUND_PRECISION') or 'auto'}: auto picks {auto.describe()}")


def conv_speedup(seconds: float = 2.0) -> tuple[float, float]:
    """This chip's own ceiling for bfloat16: a 3x3 convolution (16 x 64 x 64 x 256 -> 256, BigGAN's kind of
    layer) in float32 and in bfloat16, GFLOP/s each, alternating twice; a network cannot gain more than this."""
    import time

    import tensorflow as tf

    def gflops(dtype: tf.DType) -> float:
        x = tf.cast(tf.random.normal([16, 64, 64, 256]), dtype)
        w = tf.cast(tf.random.normal([3, 3, 256, 256]), dtype)
        conv = tf.function(lambda: tf.nn.conv2d(x, w, 1, "SAME"))
        conv().numpy()
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            conv().numpy()
            count += 1
        return 2 * 16 * 64 * 64 * 9 * 256 * 256 * count / (time.perf_counter() - start) / 1e9

    rates: dict[str, list[float]] = {"float32": [], "bfloat16": []}
    for _ in range(2):
        for name, dtype in (("float32", tf.float32), ("bfloat16", tf.bfloat16)):
            rates[name].append(gflops(dtype))
    return max(rates["float32"]), max(rates["bfloat16"])


def in_precision(name: str, call):
    """call() with the precision setting at `name`, as a server started with GAN_PLAYGROUND_PRECISION=name."""
    before = os.environ.get("GAN_PLAYGROUND_PRECISION")
    os.environ["GAN_PLAYGROUND_PRECISION"] = name
    try:
        return call()
    finally:
        if before is None:
            os.environ.pop("GAN_PLAYGROUND_PRECISION")
        else:
            os.environ["GAN_PLAYGROUND_PRECISION"] = before
