"""Directions a generator found by itself: SeFa (Shen & Zhou, "Closed-Form Factorization of Latent Semantics in
GANs", CVPR 2021), read from the weights in closed form.

The generator's first layer maps the noise z through a matrix A (out x Z): a step along a unit vector d changes
that layer's output by |A d|, most along the top eigenvector of AᵀA. SeFa takes the top k eigenvectors as the
directions that change the picture most; they often read as one thing each (thickness, slant, zoom, colour). No
labels, no training: one eigendecomposition of a Z x Z matrix. A direction's sign is arbitrary; it is fixed here
(its largest component positive) so a name given to "+" keeps meaning the same side on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOP_DIRECTIONS = 5
SPAN = 3.0  # a strip runs from -SPAN to +SPAN along a direction (units of the noise; N(0, 1) per dimension)
STRIP_STEPS = 7


@dataclass(frozen=True)
class Directions:
    """Unit rows `vectors` [k, Z], strongest first, and how much each moves the first layer (`strengths`:
    sqrt of AᵀA's eigenvalues, |A d|) beside `typical` (the root mean square of |A d| over every unit d)."""

    vectors: np.ndarray
    strengths: np.ndarray
    typical: float

    def __len__(self) -> int:
        return len(self.vectors)

    def gain(self, index: int) -> float:
        """How many times more direction `index` moves the first layer than a typical direction does."""
        return float(self.strengths[index] / self.typical) if self.typical > 0 else 0.0


def noise_rows(kernel: np.ndarray, noise_dim: int) -> np.ndarray:
    """A first layer's kernel [in, out] whose first `noise_dim` inputs are the noise -> A [out, Z]."""
    kernel = np.asarray(kernel, np.float64)
    if kernel.ndim != 2 or kernel.shape[0] < noise_dim:
        raise ValueError(f"a first layer's kernel is [inputs >= {noise_dim}, outputs], got shape {kernel.shape}")
    return kernel[:noise_dim].T


def sefa(a: np.ndarray, k: int = TOP_DIRECTIONS) -> Directions:
    """The top k eigenvectors of AᵀA (A: the first layer's action on the noise, [out, Z]) as unit rows."""
    a = np.asarray(a, np.float64)
    if a.ndim != 2 or not np.isfinite(a).all():
        raise ValueError("SeFa needs a finite matrix [outputs, noise]")
    k = min(k, a.shape[1])
    values, vectors = np.linalg.eigh(a.T @ a)  # ascending; symmetric, so real and orthonormal
    order = np.argsort(values)[::-1][:k]
    top = vectors[:, order].T
    signs = np.sign(top[np.arange(k), np.argmax(np.abs(top), axis=1)])
    top = top * signs[:, None]
    strengths = np.sqrt(np.clip(values[order], 0, None))
    typical = float(np.sqrt(max(values.sum(), 0.0) / a.shape[1]))
    return Directions(top.astype(np.float32), strengths.astype(np.float32), typical)


def moved(noise: np.ndarray, directions: Directions, amounts: dict[int, float] | np.ndarray) -> np.ndarray:
    """noise [Z] or [N, Z] moved by amounts[i] along direction i (amounts: {index: value} or a [k] array)."""
    weights = np.zeros(len(directions), np.float32)
    items = amounts.items() if isinstance(amounts, dict) else enumerate(np.asarray(amounts, np.float32))
    for index, value in items:
        if not 0 <= int(index) < len(directions):
            raise ValueError(f"direction {int(index) + 1} does not exist: this model has {len(directions)}")
        weights[int(index)] = float(value)
    return (np.asarray(noise, np.float32) + weights @ directions.vectors).astype(np.float32)


def strip_offsets(steps: int = STRIP_STEPS, span: float = SPAN) -> np.ndarray:
    """The amounts a direction's strip shows, -span to +span (0 in the middle for an odd count)."""
    if not 2 <= steps <= 15:
        raise ValueError("a direction's strip has 2 to 15 steps")
    return np.linspace(-span, span, steps).astype(np.float32)


def direction_strips(sampler, noise: np.ndarray, class_id: int | None, directions: Directions, truncation: float,
                     steps: int = STRIP_STEPS, span: float = SPAN, which: list[int] | None = None) -> np.ndarray:
    """One strip per direction (rows) of the sample with `noise` moved from -span to +span: uint8 [k, steps, H,
    W, 3]; one generator call per strip, so each stays under the sampler's per-request cap."""
    noise = np.asarray(noise, np.float32).reshape(-1)
    offsets = strip_offsets(steps, span)
    rows = []
    for index in which if which is not None else range(len(directions)):
        batch = noise[None, :] + offsets[:, None] * directions.vectors[index][None, :]
        classes = None if class_id is None else np.full(steps, class_id, np.int64)
        rows.append(sampler.sample(batch.astype(np.float32), classes, truncation))
    return np.stack(rows)


def pixel_change_ratio(sampler, directions: Directions, index: int = 0, samples: int = 64, random_directions: int = 20,
                       amount: float = SPAN, truncation: float | None = None, seed: int = 0) -> float:
    """How much more moving a sample by `amount` along direction `index` changes its pixels than moving it as far
    along a random unit direction: the median change (mean absolute pixel difference) over `samples` samples
    against the median over those samples and `random_directions` random directions."""
    from gan_core.models.latent import truncated_noise

    info = sampler.info
    truncation = info.default_truncation if truncation is None else truncation
    noise = truncated_noise(samples, info.noise_dim, truncation, seed)
    classes = np.arange(samples) % len(info.class_names) if info.conditional else None

    def draw(batch: np.ndarray) -> np.ndarray:
        return np.concatenate([sampler.sample(batch[i:i + 32], None if classes is None else classes[i:i + 32],
                                              truncation) for i in range(0, len(batch), 32)]).astype(np.float32)

    def change(step: np.ndarray) -> np.ndarray:
        return np.abs(draw(noise + amount * step[None, :]) - base).mean(axis=(1, 2, 3))

    base = draw(noise)
    found = change(directions.vectors[index])
    rng = np.random.default_rng(seed)
    randoms = rng.standard_normal((random_directions, info.noise_dim))
    randoms /= np.linalg.norm(randoms, axis=1, keepdims=True)
    chance = np.concatenate([change(r.astype(np.float32)) for r in randoms])
    return float(np.median(found) / max(np.median(chance), 1e-9))
