"""FID speed and correctness: 10,000 vs 10,000 images on the bundled features, against an independent method.

    python -m bench.fid_speed [--n 10000]

Set A: the bundled MNIST digits (all 10,000); set B: 10,000 samples of the shipped demo DCGAN (generated
first, not timed). Timed: features of both sets with the shipped MNIST classifier plus our FID (float64
statistics, scipy.linalg.sqrtm). The check: the same FID computed independently from eigenvalues,
tr((S1 S2)^1/2) = sum of sqrt(eigenvalues of S1^1/2 S2 S1^1/2) with symmetric eigendecompositions.
Goals: <= 20 s, agreement to 1e-6 relative.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from gan_core.data import load_dataset
from gan_core.evaluation.evaluate_run import generate
from gan_core.measures.features import domain_extractor
from gan_core.measures.metrics import fid
from gan_core.runs.sampler import RunSampler
from gan_core.settings import CHECKPOINTS_DIR


def fid_by_eigenvalues(a: np.ndarray, b: np.ndarray) -> float:
    """An independent FID: symmetric eigendecompositions only (no sqrtm of a non-symmetric product)."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(s1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = np.linalg.eigvalsh(root @ s2 @ root)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(np.clip(middle, 0, None)).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()

    data = load_dataset("mnist", source="bundled")
    real = data.images[: args.n]
    start = time.perf_counter()
    fake = generate(RunSampler(CHECKPOINTS_DIR / "demo-mnist-dcgan"), args.n, seed=0)
    generation = time.perf_counter() - start
    extractor = domain_extractor("mnist")
    extractor.features(real[:10])  # build the graph once, as an app that already holds the extractor would

    start = time.perf_counter()
    fa, fb = extractor.features(real), extractor.features(fake)
    features = time.perf_counter() - start
    start = time.perf_counter()
    ours = fid(fa, fb)
    statistics = time.perf_counter() - start
    start = time.perf_counter()
    reference = fid_by_eigenvalues(fa, fb)
    eigen = time.perf_counter() - start
    self_fid = fid(fa, fa)

    print(
        f"sets: {len(real):,} bundled MNIST digits vs {len(fake):,} demo-DCGAN samples ({generation:.1f} s to generate, not timed)"
    )
    print(f"features: {extractor.name}")
    print(
        f"time: features {features:.2f} s + FID statistics {statistics:.3f} s = {features + statistics:.2f} s   (goal <= 20 s)"
    )
    print(f"FID ours (sqrtm) {ours:.9f}   eigenvalue method {reference:.9f}   ({eigen:.3f} s)")
    print(f"relative difference {abs(ours - reference) / abs(reference):.2e}   (goal <= 1e-6)")
    print(f"FID of a set with itself: {self_fid:.2e} (ideal 0)")


if __name__ == "__main__":
    main()
