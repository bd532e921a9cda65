"""How well a toy generator matches a mixture: modes covered and the share of high-quality samples.

The measures of Metz et al. 2017 ("Unrolled GANs") and Srivastava et al. 2017 (VEEGAN) on the ring and the grid:
a sample is *high quality* when it lies within three standard deviations of its nearest mode's centre; a mode is
*covered* when at least a quarter of its fair share of the samples (n / 4K for K modes) are high-quality samples
near it, so a stray point or two does not count as a mode learned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gan_core.toy.distributions import ToyDistribution

QUALITY_STDS = 3.0  # within this many standard deviations of a mode's centre
COVERAGE_SHARE = 0.25  # of a mode's fair share (n / K) of the samples


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
