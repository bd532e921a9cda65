"""How well a toy generator matches a mixture: modes covered and the share of high-quality samples.

The measures of Metz et al. 2017 ("Unrolled GANs") and Srivastava et al. 2017 (VEEGAN) on the ring and the grid:
a sample is *high quality* when it lies within three standard deviations of its nearest mode's centre; a mode is
*covered* when at least a quarter of its fair share of the samples (n / 4K for K modes) are high-quality samples
near it, so a stray point or two does not count as a mode learned.

A shape with no modes (the spiral, the moons, a person's points) is cut into PARTS pieces of equal mass
(k-means on a large sample of it), each a "mode" of the same measures: parts of the shape covered, and the share
of samples on the shape. So a class sees when a spiral is done too: every part covered, quality near the real
data's own (about 90% by construction).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gan_core.toy.distributions import ToyDistribution

QUALITY_STDS = 3.0  # within this many standard deviations of a mode's centre
COVERAGE_SHARE = 0.25  # of a mode's fair share (n / K) of the samples
PARTS = 16  # pieces a shape with no modes is cut into
ON_SHAPE_SHARE = 0.9  # of the real data within a part's reach: what "high quality" means on a shape


@dataclass(frozen=True)
class ModeCoverage:
    modes: int  # modes in the distribution
    covered: int  # modes holding enough high-quality samples
    high_quality: float  # share of all samples within 3 std of their nearest mode
    per_mode: tuple[int, ...]  # high-quality samples at each mode

    def as_dict(self) -> dict[str, float]:
        return {"modes_covered": self.covered, "modes": self.modes, "high_quality": round(self.high_quality, 4)}


def mode_coverage(samples: np.ndarray, dist: ToyDistribution) -> ModeCoverage:
    """Count covered modes and the high-quality share of `samples` [n, 2] against a mixture's modes."""
    if dist.modes is None:
        raise ValueError(f"{dist.title} has no modes to cover")
    samples = np.asarray(samples, dtype=np.float64)
    samples = samples[np.isfinite(samples).all(axis=1)] if len(samples) else samples.reshape(0, 2)
    k = len(dist.modes)
    if len(samples) == 0:
        return ModeCoverage(k, 0, 0.0, (0,) * k)
    distances = np.linalg.norm(samples[:, None, :] - dist.modes[None, :, :], axis=2)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= QUALITY_STDS * dist.std
    per_mode = np.bincount(nearest[good], minlength=k)
    enough = COVERAGE_SHARE * len(samples) / k
    return ModeCoverage(k, int((per_mode >= enough).sum()), float(good.mean()), tuple(int(c) for c in per_mode))


def shape_parts(dist: ToyDistribution, parts: int = PARTS, points: int = 8_000, seed: int = 0) -> ToyDistribution:
    """A shape with no modes as a mixture of `parts` pieces: k-means centres of a large sample of it, and a
    spread whose 3-std reach holds ON_SHAPE_SHARE of the real points (their distance to the nearest centre)."""
    from scipy.cluster.vq import kmeans2

    if dist.has_modes:
        return dist
    sample = dist.sample(points, seed=seed + 7_919).astype(np.float64)
    centres, nearest = kmeans2(sample, parts, minit="++", seed=np.random.default_rng(seed))
    reach = np.linalg.norm(sample - centres[nearest], axis=1)
    std = float(np.quantile(reach, ON_SHAPE_SHARE)) / QUALITY_STDS
    return replace(dist, modes=centres, std=std)


def measure_words(row: dict) -> tuple[str, str]:
    """What a live measurement row counts, in words: ("modes", "high quality") on a mixture, ("parts of the
    shape", "on the shape") on a shape cut into parts (rows written before parts existed are modes)."""
    if row.get("unit") == "parts":
        return "parts of the shape", "on the shape"
    return "modes", "high quality"
