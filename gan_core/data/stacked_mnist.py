"""Stacked MNIST: three digits as the R, G and B channels of one image, 1,000 modes (Metz et al. 2017, VEEGAN,
PacGAN), the standard test of whether a GAN covers every mode or collapses onto a few."""

from __future__ import annotations

import numpy as np

from gan_core.data.types import DatasetInfo, DataSource, ImageDataset, SourceKind

MODES = 1000
DEFAULT_COUNT = 50_000  # stacks built; the bundled 10,000 digits give far more distinct triples than that


def stack_digits(images: np.ndarray, labels: np.ndarray, count: int = DEFAULT_COUNT, seed: int = 0) -> ImageDataset:
    """`count` RGB images whose channels are three digits drawn at random from `images` [N, 28, 28, 1];
    each label is the mode 100 * red + 10 * green + blue."""
    if images.ndim != 4 or images.shape[-1] != 1 or len(images) != len(labels):
        raise ValueError(f"expected grey digits [N, H, W, 1] with one label each, got {images.shape}")
    picks = np.random.default_rng(seed).integers(0, len(images), size=(count, 3))
    stacked = np.ascontiguousarray(np.concatenate([images[picks[:, k]] for k in range(3)], axis=-1))
    modes = (labels[picks] * np.array([100, 10, 1])).sum(axis=1)
    source = DataSource(SourceKind.BUNDLED, count, "three bundled MNIST digits per image")
    info = DatasetInfo("stacked_mnist", "Stacked MNIST", (), stacked.shape[1:], source)
    return ImageDataset(stacked, modes.astype(np.int64), np.zeros(count, bool), info)


def load_stacked_mnist(count: int = DEFAULT_COUNT, seed: int = 0) -> ImageDataset:
    """Stacked MNIST from the bundled MNIST subset's training split."""
    from gan_core.data.registry import load_dataset

    digits = load_dataset("mnist", source="bundled").split("train")
    return stack_digits(digits.images, digits.labels, count, seed)


def stacked_modes(images: np.ndarray, classify_digits) -> np.ndarray:
    """The mode of each RGB image [N, 28, 28, 3]: its three channels read by a digit classifier
    (`classify_digits`: uint8 [M, 28, 28, 1] -> class probabilities [M, 10])."""
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected RGB images [N, H, W, 3], got {images.shape}")
    digits = [np.argmax(classify_digits(np.ascontiguousarray(images[..., k : k + 1])), axis=1) for k in range(3)]
    return digits[0] * 100 + digits[1] * 10 + digits[2]
