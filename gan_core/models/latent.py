"""Latent tools: truncated noise from a seed, linear and spherical interpolation, class mixing.

Truncation follows the TF Hub BigGAN colab (`truncated_z_sample`): noise drawn from a normal truncated to
[-2, 2] and scaled by the truncation value, so 0.02 gives nearly the mode and 1.0 the full variety; the same
noise means the same thing on every model.
"""

from __future__ import annotations

import numpy as np

TRUNCATION_RANGE = (0.02, 1.0)


def truncated_noise(n: int, dim: int, truncation: float = 1.0, seed: int = 0) -> np.ndarray:
    """float32 [n, dim]: truncnorm(-2, 2) * truncation, reproducible bit for bit for the same seed."""
    low, high = TRUNCATION_RANGE
    if not low <= truncation <= high:
        raise ValueError(f"truncation must be between {low} and {high}, got {truncation}")
    from scipy.stats import truncnorm  # here, not at import: scipy.stats costs the Home page 0.6 s

    values = truncnorm.rvs(-2, 2, size=(n, dim), random_state=np.random.RandomState(seed))
    return (truncation * values).astype(np.float32)


def one_hot(ids: np.ndarray | list[int], num_classes: int) -> np.ndarray:
    ids = np.asarray(ids, dtype=np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= num_classes):
        raise ValueError(f"class ids must be in 0..{num_classes - 1}")
    return np.eye(num_classes, dtype=np.float32)[ids]


def lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, np.float32).reshape(-1, *([1] * (a.ndim)))
    return ((1 - t) * a + t * b).astype(np.float32)


def slerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Spherical interpolation of each row (norms move smoothly; equal-norm ends keep their norm throughout)."""
    a, b = np.atleast_2d(a).astype(np.float64), np.atleast_2d(b).astype(np.float64)
    t = np.asarray(t, np.float64).reshape(-1, 1, 1)
    na, nb = np.linalg.norm(a, axis=-1, keepdims=True), np.linalg.norm(b, axis=-1, keepdims=True)
    cos = np.clip(np.sum(a * b, axis=-1, keepdims=True) / np.maximum(na * nb, 1e-12), -1.0, 1.0)
    omega = np.arccos(cos)
    sin = np.sin(omega)
    safe = sin > 1e-6
    wa = np.where(safe, np.sin((1 - t) * omega) / np.where(safe, sin, 1), 1 - t)
    wb = np.where(safe, np.sin(t * omega) / np.where(safe, sin, 1), t)
    return (wa * a + wb * b).astype(np.float32)


def interpolate(a: np.ndarray, b: np.ndarray, steps: int, method: str = "slerp") -> np.ndarray:
    """[steps, *a.shape] from a to b; the first equals a and the last equals b."""
    if steps < 2:
        raise ValueError("an interpolation needs at least 2 steps")
    t = np.linspace(0.0, 1.0, steps)
    if method == "slerp":
        out = slerp(a, b, t)
        out = out.reshape(steps, *np.shape(a))
    elif method == "lerp":
        out = lerp(np.asarray(a, np.float32), np.asarray(b, np.float32), t)
    else:
        raise ValueError("method must be 'slerp' or 'lerp'")
    out[0], out[-1] = a, b  # exact ends, whatever the rounding
    return out
