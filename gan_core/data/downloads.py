"""Downloading a full dataset into the Keras cache with `keras.utils.get_file`, from the origins and with the
checksums `keras.datasets.<name>.load_data()` itself uses, so the files land where Keras (and this app) look.

A mirror (GAN_PLAYGROUND_DATASET_MIRROR, e.g. a school's web server holding the same file names) replaces the
origins' folder; files from a mirror are checked by reading them instead of by the origins' checksums.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gan_core.settings import Settings

KERAS_DATASETS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@dataclass(frozen=True)
class DownloadFile:
    """One file of a dataset's download, as keras.datasets fetches it."""

    fname: str  # the name in the cache (for an archive: the folder it is extracted to)
    origin: str
    sha256: str | None  # Keras' checksum for the origin's file (None where Keras has none)
    cache_subdir: str = "datasets"
    extract: bool = False


_FASHION = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz")  # fmt: skip
DOWNLOAD_FILES: dict[str, tuple[DownloadFile, ...]] = {
    "mnist": (
        DownloadFile(
            "mnist.npz",
            KERAS_DATASETS_ORIGIN + "mnist.npz",
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        ),
    ),
    "fashion_mnist": tuple(
        DownloadFile(name, KERAS_DATASETS_ORIGIN + name, None, "datasets/fashion-mnist") for name in _FASHION
    ),
    "cifar10": (
        DownloadFile(
            "cifar-10-batches-py-target",
            "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
            extract=True,
        ),
    ),
}


def origin_of(file: DownloadFile, mirror: str | None) -> str:
    return f"{mirror.rstrip('/')}/{file.origin.rsplit('/', 1)[-1]}" if mirror else file.origin


def download_dataset_files(name: str, settings: Settings) -> Path:
    """Fetch every file of the named dataset into $KERAS_HOME (files already there are kept); returns the folder
    they are in. Raises whatever the download raises (the caller turns it into one sentence)."""
    import keras  # lazy: pulls in TensorFlow

    files = DOWNLOAD_FILES[name]
    settings.keras_home.mkdir(parents=True, exist_ok=True)
    # Keras prints "Downloading data from <url>" and a progress bar to stdout; the caller shows its own progress.
    # The setting is per thread in Keras 3, so this turns it off for this download only.
    was_interactive = keras.config.is_interactive_logging_enabled()
    keras.config.disable_interactive_logging()
    try:
        for file in files:
            keras.utils.get_file(
                file.fname,
                origin=origin_of(file, settings.dataset_mirror),
                file_hash=None if settings.dataset_mirror else file.sha256,
                cache_dir=str(settings.keras_home),
                cache_subdir=file.cache_subdir,
                extract=file.extract,
            )
    finally:
        if was_interactive:
            keras.config.enable_interactive_logging()
    return settings.keras_home / files[0].cache_subdir
