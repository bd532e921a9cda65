"""The registry: names, sources, the real on-disk formats of the full datasets, and offline behaviour."""

from __future__ import annotations

import gzip
import pickle
import struct
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from gan_core.data import SourceKind, dataset_status, load_dataset
from gan_core.errors import DatasetUnavailableError, UnknownDatasetError
from gan_core.settings import Settings


def test_names_are_forgiving_and_typos_get_a_suggestion() -> None:
    assert load_dataset("Fashion-MNIST").info.name == "fashion_mnist"
    with pytest.raises(UnknownDatasetError, match="did you mean 'mnist'"):
        load_dataset("mnsit")


def test_auto_uses_bundled_when_nothing_was_downloaded(sandbox: Path) -> None:
    status = dataset_status("mnist")
    assert status.summary == "bundled subset, 10,000 images"
    assert "downloadable" in status.alternative
    assert load_dataset("mnist").info.source.kind is SourceKind.BUNDLED


def _write_keras_mnist(keras_home: Path, n_train: int = 30, n_test: int = 10) -> None:
    rng = np.random.default_rng(0)
    folder = keras_home / "datasets"
    folder.mkdir(parents=True)
    np.savez(
        folder / "mnist.npz",
        x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
        x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, n_test, dtype=np.uint8),
    )


def test_auto_prefers_the_full_dataset_once_downloaded(sandbox: Path) -> None:
    _write_keras_mnist(sandbox / "keras")
    data = load_dataset("mnist")
    assert data.info.source.kind is SourceKind.CACHED
    assert data.info.source.label == "full dataset, from cache, 40 images"
    assert data.images.shape == (40, 28, 28, 1) and data.is_test.sum() == 10
    assert load_dataset("mnist", source="bundled").info.source.kind is SourceKind.BUNDLED


def _idx(path: Path, magic: int, array: np.ndarray) -> None:
    header = struct.pack(">II", magic, len(array)) + b"".join(struct.pack(">I", d) for d in array.shape[1:])
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def test_fashion_mnist_reads_keras_idx_cache(sandbox: Path) -> None:
    folder = sandbox / "keras" / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for prefix, n in (("train", 12), ("t10k", 4)):
        images = np.arange(n * 784, dtype=np.uint32).reshape(n, 28, 28).astype(np.uint8)
        _idx(folder / f"{prefix}-images-idx3-ubyte.gz", 2051, images)
        _idx(folder / f"{prefix}-labels-idx1-ubyte.gz", 2049, (np.arange(n) % 10).astype(np.uint8))
    data = load_dataset("fashion_mnist", source="full")
    assert data.images.shape == (16, 28, 28, 1)
    assert list(data.labels[:12]) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    assert data.images[1, 0, 0, 0] == 784 % 256


def _write_cifar_folder(folder: Path, per_batch: int = 3) -> np.ndarray:
    """CIFAR-10's real Python format: pickled dicts with bytes keys, rows of 3072 channel-first bytes."""
    folder.mkdir(parents=True)
    red_values = []
    for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        data = np.zeros((per_batch, 3072), np.uint8)
        for j in range(per_batch):
            red = 10 * i + j
            data[j, :1024], data[j, 1024:2048], data[j, 2048:] = red, 100, 200  # R, G, B planes
            red_values.append(red)
        batch = {b"batch_label": name.encode(), b"labels": [(i + j) % 10 for j in range(per_batch)],
                 b"data": data, b"filenames": [b"x.png"] * per_batch}  # fmt: skip
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    names = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse", b"ship", b"truck"]
    (folder / "batches.meta").write_bytes(pickle.dumps({b"label_names": names}, protocol=2))
    return np.array(red_values)


def test_cifar10_reads_its_real_on_disk_format(sandbox: Path) -> None:
    folder = sandbox / "keras" / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    reds = _write_cifar_folder(folder)
    data = load_dataset("cifar10")
    assert data.info.source.kind is SourceKind.CACHED
    assert data.images.shape == (18, 32, 32, 3)
    assert np.array_equal(data.images[:, 5, 7, 0], reds)  # channels-first bytes became channels-last
    assert np.all(data.images[..., 1] == 100) and np.all(data.images[..., 2] == 200)
    assert data.is_test.sum() == 3 and data.is_test[-3:].all()
    assert data.labels[3] == 1 and data.info.class_names[0] == "airplane"


def test_cifar10_batch_that_runs_code_is_refused(sandbox: Path) -> None:
    folder = sandbox / "keras" / "datasets" / "cifar-10-batches-py"
    _write_cifar_folder(folder)

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    (folder / "data_batch_2").write_bytes(pickle.dumps({b"data": Evil(), b"labels": []}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"refusing to load \S*\.print"):
        load_dataset("cifar10")


def test_cifar10_offline_gets_a_clear_message_offering_bundled_sets(sandbox: Path) -> None:
    with pytest.raises(DatasetUnavailableError) as err:
        load_dataset("cifar10")
    assert "MNIST digits" in str(err.value) and "Fashion-MNIST" in str(err.value)
    assert dataset_status("cifar10").summary == "not on this machine"
    with pytest.raises(DatasetUnavailableError, match="no bundled subset"):
        load_dataset("cifar10", source="bundled")


def test_failed_download_becomes_one_sentence(sandbox: Path) -> None:
    online = Settings.from_env().__class__(**{**Settings.from_env().__dict__, "offline": False})

    def unreachable(name: str):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    with pytest.raises(DatasetUnavailableError, match=r"Could not download CIFAR-10 \(163 MB\).*bundled"):
        load_dataset("cifar10", settings=online, downloader=unreachable)


def test_successful_download_is_labelled_as_downloaded(sandbox: Path) -> None:
    online = Settings.from_env().__class__(**{**Settings.from_env().__dict__, "offline": False})
    calls = []

    def fake_download(name: str):
        calls.append(name)
        x = np.zeros((5, 32, 32, 3), np.uint8)
        return x, np.arange(5, dtype=np.uint8), np.array([0, 0, 0, 0, 1], bool)

    data = load_dataset("cifar10", settings=online, downloader=fake_download)
    assert calls == ["cifar10"]
    assert data.info.source.kind is SourceKind.DOWNLOADED
    assert data.info.source.label == "full dataset, downloaded, 5 images"
