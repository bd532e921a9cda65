"""The registry of named datasets and the one function that loads any of them, reporting its source."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import numpy as np

from gan_core.data import disk_formats
from gan_core.data.disk_formats import Arrays
from gan_core.data.types import DatasetInfo, DataSource, ImageDataset, SourceKind
from gan_core.errors import DatasetUnavailableError, UnknownDatasetError, is_network_failure
from gan_core.settings import ASSETS_DIR, Settings

Source = Literal["auto", "bundled", "full"]
Downloader = Callable[[str], Arrays]


@dataclass(frozen=True)
class DatasetSpec:
    """A named dataset: what it is, where its bundled subset and its Keras cache live, how to read them."""

    name: str  # registry key, also the keras.datasets module name
    title: str
    class_names: tuple[str, ...]
    image_shape: tuple[int, int, int]
    full_count: int  # images in the full dataset (train + test); 0: the bundled set is the whole dataset

    @property
    def downloadable(self) -> bool:
        """Whether there is more of it to download than the bundled set."""
        return self.full_count > 0
    download_mb: int  # size of the one-time download
    bundled_file: str | None  # file under gan_core/assets, or None
    cache_paths: tuple[str, ...]  # where Keras caches it, relative to $KERAS_HOME/datasets (first found wins)
    read_cache: Callable[[Path], Arrays]
    cache_complete: Callable[[Path], bool]  # a whole, readable download (not an empty folder or a cut-off file)


DATASETS: Mapping[str, DatasetSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            DatasetSpec(
                "mnist", "MNIST digits", tuple(str(d) for d in range(10)), (28, 28, 1), 70_000, 11,
                "mnist.npz", ("mnist.npz",), disk_formats.read_mnist_npz, disk_formats.mnist_npz_complete,
            ),
            DatasetSpec(
                "fashion_mnist", "Fashion-MNIST",
                ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
                (28, 28, 1), 70_000, 30, "fashion_mnist.npz", ("fashion-mnist",), disk_formats.read_fashion_mnist_dir,
                disk_formats.fashion_mnist_dir_complete,
            ),
            DatasetSpec(
                "cifar10", "CIFAR-10",
                ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                (32, 32, 3), 60_000, 163, None,
                ("cifar-10-batches-py-target/cifar-10-batches-py", "cifar-10-batches-py"),
                disk_formats.read_cifar10_dir, disk_formats.cifar10_dir_complete,
            ),
            DatasetSpec(
                "emoji", "Emoji",
                ("faces", "flags", "animals", "food", "vehicles", "people", "hands", "clothing"),
                (32, 32, 3), 0, 0, "emoji.npz", (), disk_formats.no_cache, disk_formats.no_cache_complete,
            ),
        )
    }
)  # fmt: skip


def resolve_name(name: str) -> DatasetSpec:
    """'Fashion-MNIST', 'fashion mnist' and 'fashion_mnist' all name the same dataset; a typo gets a suggestion."""
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    if key in DATASETS:
        return DATASETS[key]
    close = difflib.get_close_matches(key, list(DATASETS), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    known = ", ".join(DATASETS)
    raise UnknownDatasetError(f"no dataset named '{name}'{hint}: use {known}, or a folder of your images.")


@dataclass(frozen=True)
class DatasetStatus:
    """What can be had of one dataset right now, found without loading it or touching the network."""

    spec: DatasetSpec
    bundled_count: int  # 0 when there is no bundled subset
    cached_path: Path | None  # the full dataset in the Keras cache, if present
    offline: bool

    @property
    def summary(self) -> str:
        if self.cached_path is not None:
            return f"full dataset, from cache, {self.spec.full_count:,} images"
        if self.bundled_count:
            whole = "" if self.spec.full_count else " (the whole dataset)"
            return f"bundled{' subset' if self.spec.full_count else ''}, {self.bundled_count:,} images{whole}"
        return "not on this machine"

    @property
    def alternative(self) -> str:
        """What else could be had: the full set by download, or nothing more."""
        if self.cached_path is not None or not self.spec.full_count:
            return ""
        verb = "downloadable with internet" if self.offline else "downloadable"
        return f"full dataset ({self.spec.full_count:,} images, {self.spec.download_mb} MB) {verb}"


def _bundled_path(spec: DatasetSpec) -> Path | None:
    if spec.bundled_file is None:
        return None
    path = ASSETS_DIR / spec.bundled_file
    return path if path.exists() else None


def _cached_path(spec: DatasetSpec, settings: Settings) -> Path | None:
    """The full dataset in the Keras cache, when a complete download is there (first found wins)."""
    for rel in spec.cache_paths:
        path = settings.keras_datasets_dir / rel
        if path.exists() and spec.cache_complete(path):
            return path
    return None


def dataset_status(name: str, settings: Settings | None = None) -> DatasetStatus:
    settings = settings or Settings.from_env()
    spec = resolve_name(name)
    bundled = _bundled_path(spec)
    count = 0
    if bundled is not None:
        with np.load(bundled, allow_pickle=False) as f:
            count = len(f["labels"])
    return DatasetStatus(spec, count, _cached_path(spec, settings), settings.offline)


def all_dataset_status(settings: Settings | None = None) -> list[DatasetStatus]:
    settings = settings or Settings.from_env()
    return [dataset_status(name, settings) for name in DATASETS]


def download_with_keras(spec: DatasetSpec, settings: Settings) -> Arrays:
    """The real path: Keras' own files fetched once into $KERAS_HOME (gan_core.data.downloads), then read."""
    from gan_core.data.downloads import download_dataset_files

    download_dataset_files(spec.name, settings)
    cached = _cached_path(spec, settings)
    if cached is None:
        raise DatasetUnavailableError(f"{spec.title} was downloaded, but the files in {settings.keras_datasets_dir} "
                                      "are incomplete; delete them and try again")  # fmt: skip
    return spec.read_cache(cached)


def _dataset(spec: DatasetSpec, arrays: Arrays, kind: SourceKind, detail: str) -> ImageDataset:
    images, labels, is_test = arrays
    source = DataSource(kind, len(images), detail, whole=kind is SourceKind.BUNDLED and not spec.full_count)
    info = DatasetInfo(spec.name, spec.title, spec.class_names, spec.image_shape, source)
    return ImageDataset(images, labels, is_test, info)


def _load_bundled(spec: DatasetSpec, path: Path) -> ImageDataset:
    with np.load(path, allow_pickle=False) as f:
        images = f["images"]
        arrays = (images if images.ndim == 4 else images[..., None], f["labels"], f["is_test"])  # colour or grey
        detail = str(f["source"])
    return _dataset(spec, arrays, SourceKind.BUNDLED, detail)


def _load_full(spec: DatasetSpec, settings: Settings, downloader: Downloader | None) -> ImageDataset:
    cached = _cached_path(spec, settings)
    if cached is not None:
        return _dataset(spec, spec.read_cache(cached), SourceKind.CACHED, str(cached))
    offer = ", ".join(s.title for s in DATASETS.values() if _bundled_path(s) is not None)
    if settings.offline:
        raise DatasetUnavailableError(
            f"{spec.title} is not on this machine and downloads are off (GAN_PLAYGROUND_OFFLINE): "
            f"`python -m gan_core fetch {spec.name}` once online brings it here; meanwhile use a bundled dataset: "
            f"{offer}."
        )
    try:
        arrays = downloader(spec.name) if downloader else download_with_keras(spec, settings)
    except DatasetUnavailableError:
        raise
    except Exception as exc:
        if is_network_failure(exc):
            raise DatasetUnavailableError(
                f"Could not download {spec.title} ({spec.download_mb} MB): the internet cannot be reached from this "
                f"machine (`python -m gan_core fetch {spec.name}` once online brings it here). Use a bundled dataset "
                f"instead: {offer}."
            ) from exc
        raise DatasetUnavailableError(
            f"Could not download {spec.title} ({spec.download_mb} MB): {type(exc).__name__}: {exc}. "
            f"Check the internet connection, or use a bundled dataset instead: {offer}."
        ) from exc
    return _dataset(spec, arrays, SourceKind.DOWNLOADED, f"keras.datasets.{spec.name} into {settings.keras_home}")


def load_dataset(
    name: str,
    source: Source = "auto",
    settings: Settings | None = None,
    downloader: Downloader | None = None,
) -> ImageDataset:
    """Load a named dataset or a folder of imported images.

    source="auto" prefers the full dataset when it is already downloaded, then the bundled subset, and only
    downloads when there is no bundled subset. "bundled" and "full" ask for one source and fail clearly.
    """
    from gan_core.data.own_images import is_dataset_folder, load_dataset_folder

    settings = settings or Settings.from_env()
    if is_dataset_folder(name, settings):
        return load_dataset_folder(name, settings)
    spec = resolve_name(name)
    bundled = _bundled_path(spec)
    if source == "bundled" or (source == "auto" and bundled is not None and _cached_path(spec, settings) is None):
        if bundled is None:
            raise DatasetUnavailableError(f"{spec.title} has no bundled subset; choose source 'full' to download it.")
        return _load_bundled(spec, bundled)
    if source not in ("auto", "full"):
        raise ValueError(f"source must be 'auto', 'bundled' or 'full', not {source!r}")
    if not spec.full_count:
        raise DatasetUnavailableError(f"{spec.title} has no larger download: the bundled set is the whole dataset.")
    return _load_full(spec, settings, downloader)
