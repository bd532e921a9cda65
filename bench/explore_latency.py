"""Explorer latency: a 16-image grid from a shipped model, graph retraces across 20 slider changes, and
BigGAN-deep 128 on this CPU, timed on its architecture twin (no download).

    python -m bench.explore_latency [--model fashion-mnist] [--no-biggan]

Measured through the same sampler and pipeline the Explore page uses (truncated noise from the seed, classes
in turn, uint8 out). The 20 changes move truncation, seed, sample count and classes as a person would.
Baseline in the same run: the same grid through the Keras model called eagerly (what a plain
`generator(inputs)` costs). Goals: median <= 50 ms, zero retraces after warm-up.

BigGAN: scripts/build_biggan_twin.py's twin (the published generator's layers and shapes, random weights,
built once into ~/.cache/gan-playground), loaded through the same HubBigGANSampler as the real module and
timed for 1, 4 and 16 images beside the shipped model at the same counts. A line through those three times
(fixed cost + cost per image) gives the largest grid and interpolation one request can draw in the hosted
budget (REQUEST_BUDGET_S on this machine's cores): the figures behind gan_core.limits.HOSTED.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from bench.machine import conv_speedup, in_precision, machine_line
from gan_core.explore.choices import resolve_model
from gan_core.explore.pipeline import sample_grid
from gan_core.models.latent import one_hot, truncated_noise

REQUEST_BUDGET_S = 2.0  # one Explorer request on a hosted 2-core box
COUNTS = (1, 4, 16)


def median_ms(call, repeats: int = 30) -> float:
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two uint8 pictures, in dB (inf when equal)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def biggan_figures(shipped, rounds: int = 2) -> None:
    """BigGAN-deep 128's twin at 1, 4 and 16 images in float32 and in bfloat16 (alternating rounds, medians),
    against the shipped model, and the caps the default precision's times imply."""
    import sys
    from pathlib import Path

    from gan_core.explore.samplers import HubBigGANSampler
    from gan_core.limits import HOSTED
    from gan_core.models.precision import choose_precision

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_biggan_twin import build  # a script in scripts/, not a package module

    start = time.perf_counter()
    twin = HubBigGANSampler(str(build()), "BigGAN-deep 128 twin")
    load_s = time.perf_counter() - start
    precisions = ("float32", "bfloat16") if choose_precision("bfloat16").is_bfloat16 else ("float32",)
    per_round: dict[str, list[list[float]]] = {p: [] for p in precisions}
    for _ in range(rounds):  # alternating, so drift on a shared machine hits both
        for p in precisions:
            per_round[p].append([
                in_precision(p, lambda n=n: median_ms(lambda: sample_grid(twin, list(range(n)), n, 0.5, 0), 5)) / 1000
                for n in COUNTS
            ])  # fmt: skip
    seconds = {p: [statistics.median(r[i] for r in rows) for i in range(len(COUNTS))] for p, rows in per_round.items()}
    shipped_ms = []
    for n in COUNTS:
        few = list(range(n))[: len(shipped.info.class_names)] if shipped.info.class_names else []
        shipped_ms.append(median_ms(lambda n=n, c=few: sample_grid(shipped, c, n, 0.5, 0), repeats=10))
    print(f"BigGAN-deep 128 twin (loaded in {load_s:.1f} s), median of {rounds} alternating rounds of 5 calls each:")
    print(f"  {'images':>6} " + "".join(f"{p:>10}" for p in precisions) + f"   shipped {shipped.info.title} (default)")
    for i, n in enumerate(COUNTS):
        row = "".join(f"{seconds[p][i]:9.2f}s" for p in precisions)
        print(f"  {n:>6} {row}   {shipped_ms[i]:6.1f} ms")
    if "bfloat16" in seconds:
        f32, bf16 = seconds["float32"][-1], seconds["bfloat16"][-1]
        conv32, conv16 = conv_speedup()
        print(f"bfloat16 speed-up at 16 images: {f32 / bf16:.2f}x   (goal >= 2x on a bf16 host)")
        print(f"  this chip's ceiling, one 3x3 convolution: {conv32:.0f} GFLOP/s float32, {conv16:.0f} bfloat16 "
              f"({conv16 / conv32:.2f}x); the twin reaches {f32 / bf16 / (conv16 / conv32):.0%} of it")
        print(f"bfloat16 speed-up at 1 image: {seconds['float32'][0] / seconds['bfloat16'][0]:.2f}x")
        grids = {p: in_precision(p, lambda: sample_grid(twin, list(range(16)), 16, 0.5, 0)) for p in precisions}
        print(f"the twin's 16-image grid, float32 against bfloat16: PSNR {psnr(*grids.values()):.1f} dB "
              "(goal >= 30 dB; random weights: a harder test than the real module's pictures)")
    default = choose_precision()
    per_image, fixed = np.polyfit(COUNTS, seconds[default.name], 1)
    fits = int((REQUEST_BUDGET_S - fixed) // per_image)
    print(f"  default precision {default.describe()}: a line through them: {fixed:.2f} s + {per_image:.3f} s per image")
    print(f"  one request under {REQUEST_BUDGET_S:.0f} s fits {fits} images: hosted caps are {HOSTED.max_samples} samples "
          f"per grid and {HOSTED.max_interpolation_steps} interpolation steps (gan_core/limits.py)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="fashion-mnist")
    parser.add_argument("--no-biggan", action="store_true", help="skip BigGAN-deep 128's twin")
    args = parser.parse_args()
    sampler = resolve_model(args.model, None, offline=True)
    info = sampler.info
    classes = list(range(min(4, len(info.class_names))))
    grid = median_ms(lambda: sample_grid(sampler, classes, 16, 0.5, 0))
    run = sampler._run  # the RunSampler behind it: its Keras model, for the eager baseline
    noise = truncated_noise(16, info.noise_dim, 0.5, 0)
    inputs = [noise, one_hot(np.resize(classes, 16), len(info.class_names))] if classes else noise
    eager = median_ms(lambda: run.generator(inputs, training=False).numpy())
    warm = run.traces
    rng = np.random.default_rng(0)
    for i in range(20):  # slider moves: truncation, seed, count, classes
        truncation = float(rng.choice([0.1, 0.3, 0.5, 0.8, 1.0]))
        n = int(rng.integers(1, 65))
        chosen = list(rng.choice(len(info.class_names), size=int(rng.integers(1, 4)), replace=False)) if classes else []
        sample_grid(sampler, chosen, n, truncation, seed=i)
    print(machine_line())
    print(f"model: {info.title} ({info.resolution}x{info.resolution}, {info.source})")
    print(f"16-image grid, median of 30: {grid:.1f} ms   (goal <= 50 ms)")
    print(f"baseline, the Keras model called eagerly: {eager:.1f} ms   (ratio {grid / eager:.2f})")
    print(f"graph traces: {warm} after warm-up, {run.traces - warm} more across 20 slider changes   (goal 0)")
    if not args.no_biggan:
        biggan_figures(sampler)


if __name__ == "__main__":
    main()
