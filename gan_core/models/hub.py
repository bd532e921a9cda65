"""Loading TF Hub models: the real path (`tensorflow_hub.load`), its cache, and one clear error when offline.

tensorflow_hub caches a handle's files under $TFHUB_CACHE_DIR (default: <tmp>/tfhub_modules) in a folder
named by the SHA-1 of the handle, so a pre-fetched cache works without a network. A local folder is loaded
as it is (a test or a person's own SavedModel).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from gan_core.errors import ModelUnavailableError, is_network_failure


def is_remote(handle: str) -> bool:
    """A TF Hub or Kaggle Models address (both are URLs); anything else is a local folder."""
    return handle.startswith(("http://", "https://"))


def cache_dir() -> Path:
    return Path(os.environ.get("TFHUB_CACHE_DIR") or Path(tempfile.gettempdir()) / "tfhub_modules")


def module_dir(handle: str) -> Path:
    """Where tensorflow_hub keeps (or will keep) a remote handle's files."""
    return cache_dir() / hashlib.sha1(handle.encode("utf-8")).hexdigest()


def cached_path(handle: str) -> Path | None:
    """The cached copy of a remote handle, when a complete one is there."""
    folder = module_dir(handle)
    complete = folder.is_dir() and any(folder.glob("saved_model.pb*"))
    return folder if complete else None


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def bytes_in_flight(handle: str) -> int:
    """Bytes of a download in progress: tensorflow_hub extracts it into <module dir>.<id>.tmp as it arrives."""
    folder = module_dir(handle)
    return sum(folder_bytes(tmp) for tmp in folder.parent.glob(f"{folder.name}.*.tmp"))


def tensorflow_hub():
    """The tensorflow_hub module, imported without the two-line pkg_resources deprecation warning it triggers
    (setuptools warns on every import; nothing here can act on it)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import tensorflow_hub as hub
    return hub


def download(handle: str) -> Path:
    """The real path: tensorflow_hub.resolve fetches a handle once into the cache (and returns it from there)."""
    return Path(tensorflow_hub().resolve(handle))


def load_hub_model(handle: str, offline: bool, what: str, fetch_as: str | None = None):
    """tensorflow_hub.load(handle), or ModelUnavailableError naming `what` and the handle in one sentence (and the
    command that brings it here: `fetch_as`, its short name for `python -m gan_core fetch`, else the handle)."""
    fetch = f"; `python -m gan_core fetch {fetch_as or handle}` once online brings it here"
    if not is_remote(handle) and not Path(handle).is_dir():
        raise ModelUnavailableError(f"{what}: no SavedModel folder at {handle}")
    if offline and is_remote(handle) and cached_path(handle) is None:
        raise ModelUnavailableError(
            f"{what} needs a download from {handle}, and this machine is offline (no copy in {cache_dir()}){fetch}"
        )
    try:
        return tensorflow_hub().load(handle)
    except Exception as exc:  # the hub's errors are many (network, format, permissions): one message for all
        if is_network_failure(exc):
            raise ModelUnavailableError(
                f"{what} needs a download from {handle}, and the internet cannot be reached from this machine "
                f"(no connection, or the hub is blocked){fetch}; the shipped models work offline"
            ) from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailableError(f"{what} could not be loaded from {handle} ({first[:200]})") from exc


def first_layer_kernel(variables, noise_dim: int):
    """The kernel [inputs, outputs] of a hub generator's first linear layer, from the module's own variables: the
    matrix variable that takes at least the noise's length as input and has the most outputs (BigGAN-deep's
    `GenZ/G_linear/w`, [256, 4x4x2048], its first 128 rows the noise; ProGAN's `4x4/Dense/weight`, [512, 8192]).
    Class embeddings and the conditional batch norms' small matrices have fewer outputs."""
    import numpy as np

    candidates = [v for v in variables if len(v.shape) == 2 and int(v.shape[0]) >= noise_dim]
    if not candidates:
        raise ValueError(f"no matrix in this module takes the {noise_dim}-d noise as input")
    return np.asarray(max(candidates, key=lambda v: int(v.shape[1])).numpy(), np.float32)
