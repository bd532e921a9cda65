"""Cheap evaluation while a run trains: FID at a small, stated N and class coverage every few hundred steps.

The real side (features, mean and covariance of a fixed random subset) is computed once; each evaluation
generates N samples from fixed noise (and classes in turn), so successive points differ only by training.
About 0.3 s for N=512 on two cores: 512 generator and classifier passes and one 128x128 matrix square root.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gan_core.measures.metrics import class_coverage, frechet_distance


@dataclass(frozen=True)
class LiveEvalResult:
    step: int
    fid: float
    n: int
    covered: int | None
    num_classes: int | None
    kl: float | None
    floor: float | None = None  # real images against the same real subset, at the same N: where FID can go
    shipped: float | None = None  # the shipped model for this dataset, at the same N: what a longer run reaches
    features: str = ""  # the extractor's name: a run read from disk names its chart's features too

    def as_dict(self) -> dict[str, Any]:
        keys = ("step", "fid", "n", "covered", "num_classes", "kl", "floor", "shipped", "features")
        return {k: getattr(self, k) for k in keys}


class LiveEvaluator:
    """FID (N named) and class coverage of a trainer's generator against a fixed subset of real images."""

    def __init__(self, real_images: np.ndarray, real_labels: np.ndarray | None, extractor, n: int, seed: int,
                 noise_dim: int, num_classes: int = 0,
                 reference: Callable[[int], np.ndarray] | None = None) -> None:  # fmt: skip
        """`reference(n)`: n images of a reference generator (the shipped model), scored once, at the first
        evaluation (not at the run's start)."""
        if n <= extractor.dim:
            raise ValueError(f"live FID needs more than {extractor.dim} samples (the feature size), got {n}")
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(real_images))
        pick = order[:n]
        features = extractor.features(real_images[pick])
        self._mu, self._sigma = features.mean(0), np.cov(features, rowvar=False)
        self.floor = self._floor(extractor, real_images[order[n : 2 * n]])
        self._real_labels = real_labels
        self.extractor, self.n = extractor, min(n, len(pick))
        self.features_name = extractor.name
        self._noise = rng.standard_normal((self.n, noise_dim)).astype(np.float32)
        self._labels = (np.arange(self.n) % num_classes).astype(np.int32) if num_classes else None
        self._reference, self.shipped = reference, None

    def _floor(self, extractor, others: np.ndarray) -> float | None:
        """FID of other real images at the same N (the real-vs-real floor a run's FID moves toward); None when
        the dataset has too few images for a second set."""
        if len(others) <= extractor.dim:
            return None
        return round(self._fid(extractor.features(others)), 4)

    def _fid(self, features: np.ndarray) -> float:
        """FID of these features against the fixed real subset's."""
        return float(frechet_distance(self._mu, self._sigma, features.mean(0), np.cov(features, rowvar=False)))

    def evaluate(self, trainer, step: int) -> LiveEvalResult:
        if self._reference is not None:
            self.shipped, self._reference = round(self._fid(self.extractor.features(self._reference(self.n))), 4), None
        images = trainer.generate(self._noise, self._labels)
        probs = None
        if hasattr(self.extractor, "features_and_classes"):
            features, probs = self.extractor.features_and_classes(images)
        else:
            features = self.extractor.features(images)
        fid = self._fid(features)
        covered = num_classes = kl = None
        if probs is not None and self._real_labels is not None:
            cov = class_coverage(probs, self._real_labels, self.extractor.config.num_classes)
            covered, num_classes, kl = cov.covered, cov.num_classes, round(cov.kl_from_real, 5)
        return LiveEvalResult(step, round(float(fid), 4), self.n, covered, num_classes, kl, self.floor, self.shipped,
                              self.features_name)  # fmt: skip


def live_evaluator_for(dataset, train_config, noise_dim: int, num_classes: int,
                       reference: Callable[[int], np.ndarray] | None = None) -> LiveEvaluator | None:  # fmt: skip
    """A LiveEvaluator when the run asks for one and a shipped classifier fits its data; else None. `reference`:
    n -> images of a model to show beside the run's FID (the shipped one for this dataset), or None."""
    if not train_config.eval_every:
        return None
    from gan_core.measures.features import EvaluationSetupError, domain_extractor

    try:
        extractor = domain_extractor(dataset.info.name)
    except EvaluationSetupError:
        return None
    if extractor.config.image_shape != dataset.info.image_shape or len(dataset) <= extractor.dim:
        return None
    return LiveEvaluator(dataset.images, dataset.labels, extractor, min(train_config.eval_samples, len(dataset)),
                         train_config.seed, noise_dim, num_classes, reference)  # fmt: skip
