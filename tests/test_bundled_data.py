"""The bundled subsets hold what the README says: counts, shapes, labels, splits and real pixel statistics."""

import numpy as np
import pytest
from conftest import REPO

from gan_core.data import SourceKind, load_dataset


@pytest.fixture(scope="module")
def mnist():
    return load_dataset("mnist", source="bundled")


@pytest.fixture(scope="module")
def fashion():
    return load_dataset("fashion_mnist", source="bundled")


def test_mnist_subset_counts_shapes_and_labels(mnist) -> None:
    assert mnist.images.shape == (10_000, 28, 28, 1)
    assert mnist.images.dtype == np.uint8
    counts = np.bincount(mnist.labels, minlength=10)
    assert counts.sum() == 10_000 and counts.min() > 800 and counts.max() < 1200  # MNIST's natural imbalance
    assert mnist.is_test.sum() == 1_000
    assert np.all(np.bincount(mnist.labels[mnist.is_test], minlength=10) == 100)
    assert mnist.info.source.kind is SourceKind.BUNDLED
    assert mnist.info.source.label == "bundled subset, 10,000 images"
    assert "mnist@" in mnist.info.source.detail and "MIT" in mnist.info.source.detail


def test_mnist_pixels_look_like_handwritten_digits(mnist) -> None:
    x = mnist.images.astype(np.float64)
    assert 31 < x.mean() < 36  # MNIST's mean intensity is 33.3 / 255
    assert 0.17 < (x > 0).mean() < 0.22  # about a fifth of the pixels are ink
    border, centre = x[:, :3].mean() + x[:, -3:].mean(), x[:, 8:20, 8:20].mean()
    assert border < 5 and centre > 80  # digits are centred: the border rows are nearly empty
    ones, zeros = x[mnist.labels == 1].mean(), x[mnist.labels == 0].mean()
    assert ones < 0.6 * zeros  # a '1' has far less ink than a '0'


def test_fashion_subset_is_balanced_with_clothes_statistics(fashion) -> None:
    assert fashion.images.shape == (10_000, 28, 28, 1)
    assert np.all(np.bincount(fashion.labels, minlength=10) == 1_000)
    assert np.all(np.bincount(fashion.labels[fashion.is_test], minlength=10) == 100)
    x = fashion.images.astype(np.float64)
    assert 68 < x.mean() < 78  # Fashion-MNIST's mean intensity is 72.9 / 255
    per_class = [x[fashion.labels == c].mean() for c in range(10)]
    assert per_class[5] < per_class[2]  # sandals (5) are mostly straps, pullovers (2) mostly cloth
    assert fashion.info.class_names[9] == "Ankle boot"


def test_subsets_have_no_duplicate_images(mnist, fashion) -> None:
    for data in (mnist, fashion):
        flat = data.images.reshape(len(data), -1)
        assert len(np.unique(flat, axis=0)) == len(data)


def test_train_test_split_is_disjoint_and_complete(mnist) -> None:
    train, test = mnist.split("train"), mnist.split("test")
    assert len(train) + len(test) == len(mnist)
    assert not train.is_test.any() and test.is_test.all()


def test_bundled_binaries_stay_small() -> None:
    files = [*(REPO / "gan_core" / "assets").rglob("*"), *(REPO / "checkpoints").rglob("*")]
    binaries = [p for p in files if p.is_file() and p.suffix not in {".json", ".jsonl", ".md"}]
    assert sum(p.stat().st_size for p in binaries) < 40 * 2**20  # issue 14's cap, colour data and model included
    assert sum(p.stat().st_size for p in files if p.is_file()) < 40 * 2**20  # with the logs and cards too
    assert max(p.stat().st_size for p in binaries) < 8 * 2**20  # no one file over 8 MiB
