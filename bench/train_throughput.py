"""Training throughput: this trainer (the run object the page uses) against the TF DCGAN tutorial's train_step.

    python -m bench.train_throughput [--seconds 40] [--rounds 2]

Both train the tutorial's 28x28 architecture on the bundled MNIST subset at batch 256, alternating in the
same run so that drift on a shared machine hits both. The baseline is the tutorial's code as written there
(Sequential models, BinaryCrossentropy(from_logits=True), Adam(1e-4), one @tf.function step with two tapes).
Ours runs through TrainingRun: its thread, the metric log, the TensorBoard log, a sample grid every 50 steps,
live FID every 200 steps and checkpoints, with Keras's stock layers (issue 18 measured the sub-pixel forms that
stood beside them and deleted them: bench/RESULTS.md).
Also printed: FLOPs per image of the training step (3 x forward, counted per layer), the achieved GFLOP/s
as a share of a large float32 matmul's GFLOP/s measured here (the practical ceiling of these cores), the same
with XLA, and the GIF/MP4 encoding time of 50 frames of 256x256. Goals: ratio >= 1.0 against the tutorial,
>= 70% of the ceiling, GIF < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf

from bench.machine import machine_line
from bench.tf_tutorial import BATCH, NOISE, Tutorial
from gan_core.data import load_dataset
from gan_core.models.precision import FAST_FLAGS, choose_precision, cpu_bf16_flags


def tutorial_images_per_sec(images: np.ndarray, seconds: float, precision: str = "float32") -> float:
    """The tutorial's step as written; in bfloat16 under Keras's mixed_bfloat16 policy (this chip's own gain for
    this network, the most a bfloat16 run of it could get)."""
    from gan_core.models.precision import keras_policy

    with keras_policy(precision):
        model = Tutorial()
    x = (images.astype("float32") - 127.5) / 127.5
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x)).batch(BATCH, drop_remainder=True).repeat()
    it = iter(ds)
    for _ in range(3):  # trace and warm up
        model.train_step(next(it))
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        model.train_step(next(it))
        steps += 1
    return steps * BATCH / (time.perf_counter() - start)


def ours_images_per_sec(seconds: float, xla: bool = False, precision: str | None = None) -> float:
    """Through TrainingRun: the thread, metrics, sample grids every 50 steps, checkpoints every epoch, the
    TensorBoard log; in `precision` (default: the setting, as the app and the CLI)."""
    from gan_core.runs.run import TrainingRun
    from gan_core.training.presets import default_run_config

    info = load_dataset("mnist", source="bundled").info
    config = default_run_config(info, recipe="tutorial", epochs=1000, batch_size=BATCH, xla=xla, sample_every=50)
    with tempfile.TemporaryDirectory() as tmp:
        run = TrainingRun(Path(tmp) / "bench", config, precision=precision)
        run.start()
        while run.snapshot().step < 3:  # trace and warm up
            time.sleep(0.01)
        first, start = run.snapshot().step, time.perf_counter()
        time.sleep(seconds)
        last, elapsed = run.snapshot().step, time.perf_counter() - start
        run.stop(wait=60)
    return (last - first) * BATCH / elapsed


def model_flops_per_image() -> float:
    """Training FLOPs per image by the usual model-FLOPs convention: 3 x forward (the backward pass costs about
    twice the forward), for one generator pass and two discriminator passes (real and fake). Forward FLOPs are
    counted per layer: Dense 2*in*out, Conv 2*Hout*Wout*k*k*Cin*Cout, transposed Conv 2*Hin*Win*k*k*Cin*Cout."""
    generator = (
        2 * NOISE * 7 * 7 * 256  # Dense
        + 2 * 7 * 7 * 25 * 256 * 128  # 5x5 transposed conv, stride 1
        + 2 * 7 * 7 * 25 * 128 * 64  # 5x5 transposed conv, stride 2
        + 2 * 14 * 14 * 25 * 64 * 1
    )  # 5x5 transposed conv, stride 2
    discriminator = 2 * 14 * 14 * 25 * 1 * 64 + 2 * 7 * 7 * 25 * 64 * 128 + 2 * 7 * 7 * 128
    return 3 * (generator + 2 * discriminator)


def profiler_flops_per_image() -> float:
    """TensorFlow's graph profiler's count for the tutorial step (it counts transposed convolutions over
    their upsampled output, so it overstates them; printed for reference)."""
    from tensorflow.python.profiler.model_analyzer import profile
    from tensorflow.python.profiler.option_builder import ProfileOptionBuilder

    model = Tutorial()
    concrete = model.train_step.get_concrete_function(tf.TensorSpec([BATCH, 28, 28, 1], tf.float32))
    opts = ProfileOptionBuilder(ProfileOptionBuilder.float_operation()).with_empty_output().build()
    return profile(concrete.graph, options=opts).total_float_ops / BATCH


def matmul_gflops(n: int = 4096, seconds: float = 4.0) -> float:
    """The best of numpy's (OpenBLAS) and TensorFlow's large float32 matmul: the practical ceiling."""
    best = 0.0
    a, b = np.random.rand(n, n).astype(np.float32), np.random.rand(n, n).astype(np.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    for multiply in (lambda: a @ b, lambda: tf.matmul(ta, tb).numpy()):
        multiply()
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            multiply()
            count += 1
        best = max(best, 2 * n**3 * count / (time.perf_counter() - start) / 1e9)
    return best


def encode_seconds() -> tuple[float, float]:
    from gan_core.pictures.render import gif_bytes, mp4_bytes

    rng = np.random.default_rng(0)
    digits = load_dataset("mnist", source="bundled").images[:64, ..., 0]
    grid = np.block([[digits[r * 8 + c] for c in range(8)] for r in range(8)])  # 224 x 224
    frames = []
    for i in range(50):  # a grid that sharpens out of noise, like a run's progress
        noisy = grid * (i / 49) + rng.uniform(0, 255, grid.shape) * (1 - i / 49)
        frames.append(np.repeat(np.pad(noisy, 16)[..., None], 3, axis=-1).astype(np.uint8))  # 256 x 256 x 3
    start = time.perf_counter()
    gif_bytes(frames)
    gif = time.perf_counter() - start
    start = time.perf_counter()
    mp4_bytes(frames)
    return gif, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=40.0, help="measured seconds per round and contender")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--xla", action="store_true", help="also ours with XLA (float32)")
    args = parser.parse_args()

    default = choose_precision()
    images = load_dataset("mnist", source="bundled").split("train").images
    base, base16, ours, ours32, ours_xla = [], [], [], [], []
    for _ in range(args.rounds):  # alternate, so drift on a shared machine hits all alike
        base.append(tutorial_images_per_sec(images, args.seconds))
        ours.append(ours_images_per_sec(args.seconds))
        if default.is_bfloat16:
            ours32.append(ours_images_per_sec(args.seconds, precision="float32"))
            base16.append(tutorial_images_per_sec(images, args.seconds, precision="bfloat16"))
        if args.xla:
            ours_xla.append(ours_images_per_sec(args.seconds, xla=True, precision="float32"))
    b, o = statistics.median(base), statistics.median(ours)
    flops, profiled = model_flops_per_image(), profiler_flops_per_image()
    ceiling = matmul_gflops()
    gif, mp4 = encode_seconds()
    rounds = lambda values: ", ".join(f"{v:.0f}" for v in values)  # noqa: E731
    print(machine_line())
    print(f"TF tutorial train_step, float32, batch {BATCH}: {b:7.1f} images/s  (rounds: {rounds(base)})")
    goal = "1.5 on a bf16 host" if set(cpu_bf16_flags()) & set(FAST_FLAGS) else "1.0"
    print(f"ours, whole run machinery, {default.name:<8}:      {o:7.1f} images/s  ratio {o / b:.2f}   (goal >= {goal})  "
          f"(rounds: {rounds(ours)})")  # fmt: skip
    if ours32:
        o32, b16 = statistics.median(ours32), statistics.median(base16)
        print(f"ours, whole run machinery, float32 :      {o32:7.1f} images/s  ratio {o32 / b:.2f}   "
              f"(rounds: {rounds(ours32)}); bfloat16 speed-up {o / o32:.2f}x")  # fmt: skip
        print(f"the tutorial's step in mixed_bfloat16:    {b16:7.1f} images/s  ratio {b16 / b:.2f}   "
              f"(rounds: {rounds(base16)}): this chip's own bfloat16 gain for this network")  # fmt: skip
    if ours_xla:
        ox = statistics.median(ours_xla)
        print(f"ours with XLA, float32:                    {ox:7.1f} images/s  ratio {ox / b:.2f}")
    print(f"FLOPs per image per training step:         {flops / 1e6:7.1f} MFLOP (3 x forward; TF profiler counts "
          f"{profiled / 1e6:.0f})")  # fmt: skip
    print(f"float32 matmul ceiling (4096^3, best of numpy/TF): {ceiling:6.1f} GFLOP/s")
    print(f"tutorial achieved:                         {b * flops / 1e9:7.1f} GFLOP/s = {b * flops / 1e9 / ceiling:.0%} "
          "of the float32 ceiling")  # fmt: skip
    print(f"ours achieved:                             {o * flops / 1e9:7.1f} GFLOP/s = {o * flops / 1e9 / ceiling:.0%} "
          "of the float32 ceiling   (goal >= 70%)")  # fmt: skip
    print(f"50 frames of 256x256: GIF {gif:.2f} s (goal < 0.5 s), MP4 {mp4:.2f} s")


if __name__ == "__main__":
    main()
