"""Readers for the full datasets in the on-disk formats Keras caches them in (pure numpy, no TensorFlow)."""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]  # images uint8 [N,H,W,C], labels uint8 [N], is_test bool [N]


def _join(train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> Arrays:
    images = np.concatenate([train[0], test[0]])
    if images.ndim == 3:
        images = images[..., None]
    labels = np.concatenate([np.ravel(train[1]), np.ravel(test[1])]).astype(np.uint8)
    is_test = np.concatenate([np.zeros(len(train[0]), bool), np.ones(len(test[0]), bool)])
    return np.ascontiguousarray(images, dtype=np.uint8), labels, is_test


def read_mnist_npz(path: Path) -> Arrays:
    """Keras's `mnist.npz`: x_train, y_train, x_test, y_test."""
    with np.load(path, allow_pickle=False) as f:
        return _join((f["x_train"], f["y_train"]), (f["x_test"], f["y_test"]))


def _read_idx(path: Path, header_bytes: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header_bytes)


def read_fashion_mnist_dir(folder: Path) -> Arrays:
    """Keras's `fashion-mnist/` cache: four gzipped IDX files."""
    parts = []
    for prefix in ("train", "t10k"):
        labels = _read_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", 8)
        images = _read_idx(folder / f"{prefix}-images-idx3-ubyte.gz", 16).reshape(len(labels), 28, 28)
        parts.append((images, labels))
    return _join(parts[0], parts[1])


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles plain containers and numpy arrays only: a CIFAR batch from elsewhere runs no code."""

    _ALLOWED = frozenset(
        {
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
            ("_codecs", "encode"),  # how Python 3 writes bytes at pickle protocol 2; only turns text into bytes
        }
    )

    def find_class(self, module: str, name: str):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a dataset file")


def _read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    raw = _NumpyOnlyUnpickler(io.BytesIO(path.read_bytes()), encoding="bytes").load()
    data = np.asarray(raw[b"data"], dtype=np.uint8)
    images = data.reshape(len(data), 3, 32, 32).transpose(0, 2, 3, 1)  # stored channels-first
    return images, np.asarray(raw[b"labels"], dtype=np.uint8)


def cifar10_class_names(folder: Path) -> tuple[str, ...]:
    raw = _NumpyOnlyUnpickler(io.BytesIO((folder / "batches.meta").read_bytes()), encoding="bytes").load()
    return tuple(name.decode() for name in raw[b"label_names"])


def read_cifar10_dir(folder: Path) -> Arrays:
    """The `cifar-10-batches-py/` folder of the official Python archive: data_batch_1..5 and test_batch."""
    train = [_read_cifar_batch(folder / f"data_batch_{i}") for i in range(1, 6)]
    test = _read_cifar_batch(folder / "test_batch")
    train_images = np.concatenate([t[0] for t in train])
    train_labels = np.concatenate([t[1] for t in train])
    return _join((train_images, train_labels), test)


# -- completeness: a download that stopped half-way (or left an empty folder) must not count as the dataset --
def mnist_npz_complete(path: Path) -> bool:
    """A zip whose central directory (written last) is readable and names the four arrays."""
    try:
        with zipfile.ZipFile(path) as zf:
            return {"x_train.npy", "y_train.npy", "x_test.npy", "y_test.npy"} <= set(zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _gzip_idx_complete(path: Path, header_bytes: int) -> bool:
    """The IDX header's dimensions match the gzip trailer's uncompressed size (a cut-off file's trailer won't)."""
    try:
        with gzip.open(path, "rb") as f:
            header = f.read(header_bytes)
        with open(path, "rb") as raw:
            raw.seek(-4, 2)
            (stored_size,) = struct.unpack("<I", raw.read(4))
    except (OSError, EOFError, gzip.BadGzipFile):
        return False
    if len(header) != header_bytes:
        return False
    dims = struct.unpack(">" + "I" * ((header_bytes - 4) // 4), header[4:])
    expected = header_bytes + int(np.prod(dims, dtype=np.int64))
    return expected % 2**32 == stored_size


def fashion_mnist_dir_complete(folder: Path) -> bool:
    return all(
        _gzip_idx_complete(folder / f"{prefix}-labels-idx1-ubyte.gz", 8)
        and _gzip_idx_complete(folder / f"{prefix}-images-idx3-ubyte.gz", 16)
        for prefix in ("train", "t10k")
    )


def cifar10_dir_complete(folder: Path) -> bool:
    """Every batch present and ending in pickle's STOP opcode (a cut-off file does not)."""
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        try:
            with open(folder / name, "rb") as f:
                f.seek(-1, 2)
                if f.read(1) != b".":
                    return False
        except OSError:
            return False
    return True


def no_cache(path: Path) -> Arrays:
    """For a dataset that only ships bundled (nothing is ever downloaded into a cache)."""
    raise FileNotFoundError(f"nothing of this dataset is ever cached at {path}")


def no_cache_complete(path: Path) -> bool:
    return False
