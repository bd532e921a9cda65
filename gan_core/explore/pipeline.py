"""What the Explorer page and the CLI ask of a sampler: grids, interpolations and the truncation strip.

Each function draws its noise with truncated_noise from a seed, so the same arguments give the same images
(a shared link or a re-run reproduces them exactly), and hands numpy arrays to the sampler.
"""

from __future__ import annotations

import numpy as np

from gan_core.explore.samplers import MAX_SAMPLES, Sampler, check_request
from gan_core.models.latent import interpolate, one_hot, truncated_noise
from gan_core.pictures.render import image_grid

MAX_STEPS = 32
INTERPOLATION_MODES = ("both", "noise", "class")  # what moves from A to B
TRUNCATION_STRIP = (0.1, 0.25, 0.5, 0.75, 1.0)


def grid_classes(classes: list[int], n: int) -> np.ndarray | None:
    """n class ids cycling through the chosen classes (None for an unconditional model)."""
    return np.resize(np.asarray(classes, np.int64), n) if classes else None


def grid_noise(sampler: Sampler, n: int, truncation: float, seed: int) -> np.ndarray:
    """The noise behind a grid's n samples (row i is sample i's): float32 [n, Z]."""
    return truncated_noise(n, sampler.info.noise_dim, truncation, seed)


def sample_grid(
    sampler: Sampler, classes: list[int], n: int, truncation: float, seed: int, max_samples: int = MAX_SAMPLES
) -> np.ndarray:
    """n samples: noise from the seed, classes taken in turn. uint8 [n, H, W, 3]."""
    check_request(n, max_samples)
    if sampler.info.conditional and not classes:
        raise ValueError(f"{sampler.info.title} is class-conditional: choose at least one class")
    return sampler.sample(grid_noise(sampler, n, truncation, seed), grid_classes(classes, n), truncation)


def variations(sampler: Sampler, noise: np.ndarray, class_id: int | None, truncation: float, count: int = 8,
               spread: float = 0.3, seed: int = 0) -> np.ndarray:  # fmt: skip
    """`count` samples of nearby noise around one sample's `noise` (the first is the sample itself): each
    neighbour adds `spread` x truncation x N(0, 1) per dimension, kept inside the truncated range."""
    check_request(count)
    noise = np.asarray(noise, np.float32).reshape(1, -1)
    rng = np.random.default_rng(seed)
    nudges = rng.standard_normal((count, noise.shape[1])).astype(np.float32) * spread * truncation
    nudges[0] = 0.0
    batch = np.clip(noise + nudges, -2 * truncation, 2 * truncation).astype(np.float32)
    batch[0] = noise[0]  # the sample itself, as it is (a sample found in the GAN may lie outside that range)
    if sampler.info.conditional and class_id is None:
        raise ValueError(f"{sampler.info.title} is class-conditional: say which class to vary")
    classes = np.full(count, class_id, np.int64) if sampler.info.conditional else None
    return sampler.sample(batch, classes, truncation)


STRIP_COLUMNS = 8  # frames per row of an interpolation strip, wherever one is drawn


def strip_picture(frames: np.ndarray) -> np.ndarray:
    """An interpolation's frames in rows of STRIP_COLUMNS, left to right (the Explorer's strip, a moment's card)."""
    return image_grid(frames, ncols=min(STRIP_COLUMNS, len(frames)))


def interpolation_ends(chosen: list[int], class_count: int) -> tuple[int, int]:
    """The classes an interpolation runs between: the first two chosen; one chosen: from it to the next class;
    none: the model's first two."""
    if len(chosen) >= 2:
        return chosen[0], chosen[1]
    start = chosen[0] if chosen else 0
    return start, (start + 1) % class_count


def interpolation(sampler: Sampler, class_a: int | None, class_b: int | None, steps: int, truncation: float,
                  seed: int, mode: str = "both", same_noise: bool = False, max_steps: int = MAX_STEPS,
                  start_noise: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """steps images from (noise A, class A) to (noise B, class B): noise by slerp, classes mixed linearly as
    one-hot vectors (the TF Hub colab's way). mode 'noise' keeps class A; 'class' keeps noise A. Noise A is
    drawn from the seed, or is `start_noise` (a sample picked from a grid); noise B comes from seed + 1."""
    if not 2 <= steps <= max_steps:
        raise ValueError(f"steps must be between 2 and {max_steps}, got {steps}")
    if mode not in INTERPOLATION_MODES:
        raise ValueError(f"mode must be one of {', '.join(INTERPOLATION_MODES)}")
    dim = sampler.info.noise_dim
    z_a = truncated_noise(1, dim, truncation, seed)[0] if start_noise is None else np.asarray(start_noise, np.float32)
    z_b = z_a if same_noise or mode == "class" else truncated_noise(1, dim, truncation, seed + 1)[0]
    noise = interpolate(z_a, z_b, steps, "slerp")
    classes = None
    if sampler.info.conditional:
        if class_a is None or class_b is None:
            raise ValueError("choose classes A and B")
        count = len(sampler.info.class_names)
        y_a, y_b = one_hot([class_a], count)[0], one_hot([class_b if mode != "noise" else class_a], count)[0]
        classes = interpolate(y_a, y_b, steps, "lerp")
    return sampler.sample(noise, classes, truncation)


def truncation_strip(sampler: Sampler, class_id: int | None, seed: int,
                     values: tuple[float, ...] = TRUNCATION_STRIP) -> np.ndarray:  # fmt: skip
    """The same seed at several truncation values: low = typical and clean, high = varied and riskier."""
    if sampler.info.conditional and class_id is None:
        raise ValueError(f"{sampler.info.title} is class-conditional: choose a class to see its truncation strip")
    images = []
    for value in values:
        noise = truncated_noise(1, sampler.info.noise_dim, value, seed)
        classes = np.array([class_id]) if sampler.info.conditional else None
        images.append(sampler.sample(noise, classes, value)[0])
    return np.stack(images)
