"""Diversity and memorisation signals: how different the samples are from each other and from the training set.

- Feature diversity: the mean distance between random pairs of samples in a feature space, beside the same
  for real images (a generator that collapses scores far below the real set).
- SSIM diversity: 1 - mean SSIM of random pairs (Odena et al. 2017 used MS-SSIM on 128 px images; 28-32 px
  images are too small for its five scales, so here one scale with a 7x7 Gaussian window, sigma 1.0).
- Memorisation: each sample's nearest training image. Samples much closer to the training set than held-out
  real images are would be copies rather than new images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

from gan_core.measures.metrics import MetricInputError, pairwise_distances

SSIM_SIGMA = 1.0  # a 7x7 window (truncated at 3 sigma): fits 28-32 px images
_C1, _C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2  # Wang et al. 2004 constants for 8-bit images


def _random_pairs(n: int, pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if n < 2:
        raise MetricInputError(f"need at least 2 images for a diversity score, got {n}")
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, pairs)
    b = (a + rng.integers(1, n, pairs)) % n  # never an image with itself
    return a, b


def ssim(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean SSIM per pair of uint8 images [N, H, W, C] (channels averaged)."""
    x, y = x.astype(np.float64), y.astype(np.float64)
    blur = lambda im: gaussian_filter(im, sigma=(0, SSIM_SIGMA, SSIM_SIGMA, 0), truncate=3.0, mode="reflect")  # noqa: E731
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    s = ((2 * mx * my + _C1) * (2 * cxy + _C2)) / ((mx * mx + my * my + _C1) * (vx + vy + _C2))
    return s.mean(axis=(1, 2, 3))


def ssim_diversity(images: np.ndarray, pairs: int = 1000, seed: int = 0) -> float:
    """1 - mean SSIM over random pairs: 0 when every image is the same, higher for more varied sets."""
    a, b = _random_pairs(len(images), pairs, seed)
    return float(1.0 - ssim(images[a], images[b]).mean())


def feature_diversity(features: np.ndarray, pairs: int = 2000, seed: int = 0) -> float:
    """Mean L2 distance between random pairs of feature vectors."""
    a, b = _random_pairs(len(features), pairs, seed)
    return float(np.linalg.norm(features[a] - features[b], axis=1).mean())


@dataclass(frozen=True)
class NearestNeighbours:
    index: np.ndarray  # [n_fake] index of each sample's nearest training image
    distance: np.ndarray  # [n_fake] its distance
    held_out_distance: float | None  # median distance from held-out real images to the training set
    values: int = 1  # numbers per vector (pixels x channels): distance / sqrt(values) is a per-value difference

    @property
    def median_distance(self) -> float:
        return float(np.median(self.distance))

    @property
    def typical_difference(self) -> float:
        """The median distance as a root-mean-square difference per value (0-255 for pixels)."""
        return self.median_distance / np.sqrt(self.values)

    @property
    def held_out_difference(self) -> float | None:
        return None if self.held_out_distance is None else self.held_out_distance / np.sqrt(self.values)

    @property
    def suspicious(self) -> bool:
        """Samples sit closer to the training set than held-out real images do, by half: likely copies."""
        return self.held_out_distance is not None and self.median_distance < 0.5 * self.held_out_distance


def _nearest(queries: np.ndarray, pool: np.ndarray, chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    index, distance = [], []
    for start in range(0, len(queries), chunk):
        d = pairwise_distances(queries[start : start + chunk], pool)
        best = d.argmin(axis=1)
        index.append(best)
        distance.append(d[np.arange(len(best)), best])
    return np.concatenate(index), np.concatenate(distance)


def nearest_training_images(
    fake: np.ndarray, train: np.ndarray, held_out: np.ndarray | None = None
) -> NearestNeighbours:
    """Each generated vector's nearest training vector (pixels or features, flattened, as given)."""
    fake2, train2 = fake.reshape(len(fake), -1).astype(np.float64), train.reshape(len(train), -1).astype(np.float64)
    if len(fake2) == 0 or len(train2) == 0:
        raise MetricInputError("need generated and training images to look for copies")
    index, distance = _nearest(fake2, train2)
    held = None
    if held_out is not None and len(held_out):
        held = float(np.median(_nearest(held_out.reshape(len(held_out), -1).astype(np.float64), train2)[1]))
    return NearestNeighbours(index, distance, held, fake2.shape[1])
