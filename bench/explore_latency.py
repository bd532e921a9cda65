"""Explorer latency: a 16-image grid from a shipped model, and graph retraces across 20 slider changes.

    python -m bench.explore_latency [--model fashion-mnist]

Measured through the same sampler and pipeline the Explore page uses (truncated noise from the seed, classes
in turn, uint8 out). The 20 changes move truncation, seed, sample count and classes as a person would.
Baseline in the same run: the same grid through the Keras model called eagerly (what a plain
`generator(inputs)` costs). Goals: median <= 50 ms, zero retraces after warm-up.
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


def median_ms(call, repeats: int = 30) -> float:
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="fashion-mnist")
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


if __name__ == "__main__":
    main()
