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

from gan_core.explore.choices import resolve_model
from gan_core.explore.latent import one_hot, truncated_noise
from gan_core.explore.pipeline import sample_grid

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


def biggan_figures(shipped) -> None:
    """BigGAN-deep 128's twin against the shipped model at 1, 4 and 16 images, and the caps they imply."""
    import sys
    from pathlib import Path

    from gan_core.explore.samplers import HubBigGANSampler
    from gan_core.limits import HOSTED

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_biggan_twin import build  # a script in scripts/, not a package module

    start = time.perf_counter()
    twin = HubBigGANSampler(str(build()), "BigGAN-deep 128 twin")
    load_s = time.perf_counter() - start
    seconds, shipped_ms = [], []
    for n in COUNTS:
        classes = list(range(n))
        seconds.append(median_ms(lambda n=n, c=classes: sample_grid(twin, c, n, 0.5, 0), repeats=5) / 1000)
        few = classes[: len(shipped.info.class_names)] if shipped.info.class_names else []
        shipped_ms.append(median_ms(lambda n=n, c=few: sample_grid(shipped, c, n, 0.5, 0), repeats=10))
    per_image, fixed = np.polyfit(COUNTS, seconds, 1)
    fits = int((REQUEST_BUDGET_S - fixed) // per_image)
    print(f"BigGAN-deep 128 twin ({os.cpu_count()} CPU cores; loaded in {load_s:.1f} s), median of 5:")
    for n, s, ms in zip(COUNTS, seconds, shipped_ms, strict=True):
        print(f"  {n:>2} image{'s' if n > 1 else ' '}: {s:6.2f} s   shipped {shipped.info.title}: {ms:6.1f} ms   "
              f"(ratio {s * 1000 / ms:,.0f}x)")  # fmt: skip
    print(f"  a line through them: {fixed:.2f} s + {per_image:.3f} s per image")
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
    print(f"model: {info.title} ({info.resolution}x{info.resolution}, {info.source})")
    print(f"16-image grid, median of 30: {grid:.1f} ms   (goal <= 50 ms)")
    print(f"baseline, the Keras model called eagerly: {eager:.1f} ms   (ratio {grid / eager:.2f})")
    print(f"graph traces: {warm} after warm-up, {run.traces - warm} more across 20 slider changes   (goal 0)")
    if not args.no_biggan:
        biggan_figures(sampler)


if __name__ == "__main__":
    main()
