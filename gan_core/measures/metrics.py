"""Sample-quality metrics on feature vectors [N, D] (float), as pure functions with their formulas and papers.

Every function takes features already extracted (the extractor is chosen and named by the caller), so the
same code serves Inception pool_3 features and this project's domain classifiers, and tests can pass the
identity (`classifier_fn = lambda x: x`, as TF-GAN's tests do).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from gan_core.errors import PlaygroundError


class MetricInputError(PlaygroundError, ValueError):
    """Features that cannot give a meaningful number (too few, mismatched, not finite)."""


def _check(a: np.ndarray, b: np.ndarray, minimum: int = 2) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise MetricInputError(f"features must be [N, D] with the same D, got {a.shape} and {b.shape}")
    if min(len(a), len(b)) < minimum:
        raise MetricInputError(f"need at least {minimum} samples in each set, got {len(a)} and {len(b)}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise MetricInputError("features contain NaN or infinity")
    return a, b


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)) (Dowson & Landau 1982; FID, Heusel et al. 2017).

    The square root comes from scipy.linalg.sqrtm in float64. A product that is numerically singular gets
    eps * I added to both covariances (as in the reference implementation); the imaginary part that rounding
    leaves must be negligible and is dropped.
    """
    diff = mu1 - mu2
    with warnings.catch_warnings():  # dead ReLU features make the product singular; bench/fid_speed.py checks it
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if not np.isfinite(covmean).all():
        offset = np.eye(len(sigma1)) * 1e-6
        covmean = scipy.linalg.sqrtm((sigma1 + offset) @ (sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise MetricInputError(f"imaginary component {np.max(np.abs(covmean.imag)):.3g} in the matrix square root")
        covmean = covmean.real
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


def fid(real: np.ndarray, fake: np.ndarray) -> float:
    """Fréchet Inception Distance between two feature sets (means and covariances in float64).

    Biased at small N (Chong & Forsyth 2020): compare FIDs only at equal N and with the same features.
    """
    real, fake = _check(real, fake)
    n, dim = min(len(real), len(fake)), real.shape[1]
    if n <= dim:
        raise MetricInputError(
            f"{n} samples are not more than the {dim} feature dimensions: the covariance is singular and FID "
            f"meaningless; use more than {dim} samples (FID is meant for thousands)"
        )
    return frechet_distance(real.mean(0), np.cov(real, rowvar=False), fake.mean(0), np.cov(fake, rowvar=False))


@dataclass(frozen=True)
class KID:
    mean: float
    std: float
    subsets: int
    subset_size: int


def _polynomial_mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    d = x.shape[1]
    k_xx = (x @ x.T / d + 1) ** 3
    k_yy = (y @ y.T / d + 1) ** 3
    k_xy = (x @ y.T / d + 1) ** 3
    m, n = len(x), len(y)
    return float(
        (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1)) + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1)) - 2 * k_xy.mean()
    )


def kid(real: np.ndarray, fake: np.ndarray, subsets: int = 100, subset_size: int = 1000, seed: int = 0) -> KID:
    """Kernel Inception Distance (Bińkowski et al. 2018): the unbiased MMD^2 with the cubic polynomial kernel
    k(x, y) = (x.y / d + 1)^3, averaged over random subsets; its expectation is 0 for equal distributions."""
    real, fake = _check(real, fake)
    size = min(subset_size, len(real), len(fake))
    rng = np.random.default_rng(seed)
    values = [
        _polynomial_mmd2_unbiased(real[rng.choice(len(real), size, replace=False)],
                                  fake[rng.choice(len(fake), size, replace=False)])
        for _ in range(subsets)
    ]  # fmt: skip
    return KID(float(np.mean(values)), float(np.std(values)), subsets, size)


def _kth_neighbour_radii(x: np.ndarray, k: int) -> np.ndarray:
    d = pairwise_distances(x, x)
    return np.sort(d, axis=1)[:, k]  # column 0 is the point itself


def pairwise_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return np.sqrt(np.maximum(sq, 0))


@dataclass(frozen=True)
class PrecisionRecall:
    precision: float  # share of fakes inside the real manifold (fidelity)
    recall: float  # share of reals inside the fake manifold (diversity)
    density: float  # Naeem et al.: how many real neighbourhoods each fake falls in, on average / k
    coverage: float  # Naeem et al.: share of real neighbourhoods that hold at least one fake


def precision_recall(real: np.ndarray, fake: np.ndarray, k_pr: int = 3, k_dc: int = 5) -> PrecisionRecall:
    """Improved precision and recall with k-NN manifolds (Kynkäänniemi et al. 2019, k=3) and density and
    coverage (Naeem et al. 2020, k=5), in the given feature space."""
    real, fake = _check(real, fake, minimum=max(k_pr, k_dc) + 1)
    real_radii3, fake_radii3 = _kth_neighbour_radii(real, k_pr), _kth_neighbour_radii(fake, k_pr)
    d_fr = pairwise_distances(fake, real)  # [fake, real]
    precision = float((d_fr <= real_radii3[None, :]).any(axis=1).mean())
    recall = float((fake_radii3[None, :] >= d_fr.T).any(axis=1).mean())
    real_radii5 = _kth_neighbour_radii(real, k_dc)
    inside = d_fr <= real_radii5[None, :]
    density = float(inside.sum() / (k_dc * len(fake)))
    coverage = float((d_fr.min(axis=0) <= real_radii5).mean())
    return PrecisionRecall(precision, recall, density, coverage)


@dataclass(frozen=True)
class ClassCoverage:
    histogram: tuple[int, ...]  # generated samples per predicted class
    covered: int  # classes holding at least `min_share` of the samples
    num_classes: int
    kl_from_real: float  # KL(generated class distribution || real class distribution), in nats

    @property
    def collapsed(self) -> bool:
        """Mode collapse by the class signal: fewer than half the classes appear."""
        return self.covered < (self.num_classes + 1) // 2


def class_coverage(
    fake_probs: np.ndarray, real_labels: np.ndarray, num_classes: int, min_share: float = 0.01
) -> ClassCoverage:
    """Which classes a generator produces, judged by a domain classifier (Srivastava et al. 2017, VEEGAN;
    Lin et al. 2018, PacGAN): the class histogram of its samples, the classes covered and the KL divergence
    of that histogram from the real data's class frequencies (0 when they match)."""
    if len(fake_probs) == 0:
        raise MetricInputError("no generated samples to classify")
    predicted = np.argmax(fake_probs, axis=1)
    counts = np.bincount(predicted, minlength=num_classes)
    p = counts / counts.sum()
    q = np.bincount(np.asarray(real_labels), minlength=num_classes) / len(real_labels)
    eps = 1e-10
    kl = float(np.sum(np.where(p > 0, p * np.log((p + eps) / (q + eps)), 0.0)))
    return ClassCoverage(tuple(int(c) for c in counts), int((p >= min_share).sum()), num_classes, kl)


@dataclass(frozen=True)
class ModeCoverage:
    covered: int  # modes with at least one sample
    modes: int
    kl_from_uniform: float  # KL(generated mode distribution || uniform), in nats (0: every mode equally often)


def mode_coverage(modes: np.ndarray, num_modes: int) -> ModeCoverage:
    """Modes covered and KL from uniform, as reported on Stacked MNIST by VEEGAN (Srivastava et al. 2017) and
    PacGAN (Lin et al. 2018): their DCGAN 99 modes, KL 3.40; PacDCGAN2 1,000 modes, KL 0.06."""
    modes = np.asarray(modes)
    if len(modes) == 0:
        raise MetricInputError("no generated samples to count modes in")
    p = np.bincount(modes, minlength=num_modes) / len(modes)
    kl = float(np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0) * num_modes), 0.0)))
    return ModeCoverage(int((p > 0).sum()), num_modes, kl)


def accuracy_per_class(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> tuple[float, ...]:
    """Each class's share of its pictures a classifier gives their own class (NaN for a class with none): a
    judge whose overall accuracy is high can still miss one class entirely (issue 39)."""
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if labels.shape != predicted.shape or labels.ndim != 1:
        raise MetricInputError(f"labels {labels.shape} and predictions {predicted.shape} must be one per picture")
    right = np.bincount(labels[labels == predicted], minlength=num_classes)
    total = np.bincount(labels, minlength=num_classes)
    return tuple(float(r / t) if t else float("nan") for r, t in zip(right, total, strict=True))


def class_balanced_weights(labels: np.ndarray, num_classes: int) -> dict[int, float]:
    """Keras `class_weight` that gives every class the same total weight in training (Emoji's class of 85
    training pictures counts as much as its class of 540); a class with no pictures gets weight 0."""
    counts = np.bincount(np.asarray(labels), minlength=num_classes)
    present = int((counts > 0).sum())
    return {c: float(counts.sum() / (present * n)) if n else 0.0 for c, n in enumerate(counts)}
