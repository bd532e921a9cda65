"""Fetch one item into its cache with a progress callback, check that it loads, and say in one sentence what is
where and how big — or, offline or without a network, why it is not there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_core.downloads.catalog import FetchItem
from gan_core.errors import PlaygroundError, is_network_failure
from gan_core.settings import Settings

Progress = Callable[[int, int], None]  # (bytes so far, bytes expected; 0 when not known)


@dataclass(frozen=True)
class FetchResult:
    item: FetchItem
    ok: bool
    from_cache: bool  # it was there before: nothing was downloaded
    path: Path | None
    size_bytes: int
    message: str  # one sentence, for a person


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 2**10:,.0f} KB"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _offline(item: FetchItem, cache: Path) -> FetchResult:
    return FetchResult(item, False, False, None, 0, f"{item.title}: not fetched — downloads are off on this machine "
                       f"(GAN_PLAYGROUND_OFFLINE) and {cache} has no copy")  # fmt: skip


def with_progress(work: Callable[[], object], measure: Callable[[], int], expected: int,
                  progress: Progress | None, poll_s: float = 0.25) -> object:  # fmt: skip
    """work() in a thread while progress(measure(), expected) is called every poll_s; re-raises its error."""
    if progress is None:
        return work()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="fetch", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(poll_s)
        progress(measure(), expected)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


def _check_hub_item(item: FetchItem) -> None:
    """Load it from the cache (downloads off) and run it once: a module that does not work is not 'fetched'."""
    if item.kind == "inception":
        from gan_core.measures.features import InceptionExtractor

        InceptionExtractor(item.location, offline=True).features(np.zeros((1, 32, 32, 3), np.uint8))
        return
    from gan_core.explore.hub_generators import open_hub_generator
    from gan_core.models.latent import truncated_noise

    sampler = open_hub_generator(item.location, item.title, offline=True)
    sampler.sample(truncated_noise(1, sampler.info.noise_dim, 0.5, seed=0),
                   np.array([0]) if sampler.info.conditional else None, 0.5)  # fmt: skip


def _fetch_hub(item: FetchItem, settings: Settings, progress: Progress | None) -> FetchResult:
    from gan_core.models.hub import bytes_in_flight, cache_dir, cached_path, download, folder_bytes

    handle = item.location
    cached = cached_path(handle)
    if cached is None and settings.offline:
        return _offline(item, cache_dir())
    if cached is None:
        try:
            with_progress(lambda: download(handle), lambda: bytes_in_flight(handle), item.size_mb * 2**20, progress)
        except Exception as exc:
            why = ("the internet cannot be reached from this machine" if is_network_failure(exc)
                   else _first_line(exc))  # fmt: skip
            return FetchResult(item, False, False, None, 0, f"{item.title}: not fetched from {handle}: {why}")
    path = cached_path(handle)
    if path is None:
        return FetchResult(item, False, False, None, 0, f"{item.title}: {handle} is not a SavedModel in TF Hub format")
    size = folder_bytes(path)
    if progress is not None:
        progress(size, size)
    _check_hub_item(item)
    how = "from cache" if cached is not None else "downloaded"
    return FetchResult(item, True, cached is not None, path, size, f"{item.title}: {how}, {path} ({_megabytes(size)})")


def _fetch_dataset(item: FetchItem, settings: Settings, progress: Progress | None) -> FetchResult:
    from gan_core.data.downloads import download_dataset_files
    from gan_core.data.registry import DATASETS, dataset_status
    from gan_core.models.hub import folder_bytes

    spec = DATASETS[item.location]
    cached = dataset_status(spec.name, settings).cached_path
    if cached is None and settings.offline:
        return _offline(item, settings.keras_datasets_dir)
    if cached is None:
        before = folder_bytes(settings.keras_datasets_dir)
        try:
            with_progress(lambda: download_dataset_files(spec.name, settings),
                          lambda: max(0, folder_bytes(settings.keras_datasets_dir) - before), item.size_mb * 2**20,
                          progress)  # fmt: skip
        except Exception as exc:
            why = ("the internet cannot be reached from this machine" if is_network_failure(exc)
                   else _first_line(exc))  # fmt: skip
            return FetchResult(item, False, False, None, 0, f"{item.title}: not fetched: {why}")
    path = dataset_status(spec.name, settings).cached_path
    if path is None:
        return FetchResult(item, False, False, None, 0, f"{item.title}: the files in {settings.keras_datasets_dir} are "
                           "incomplete; delete them and fetch again")  # fmt: skip
    images = spec.read_cache(path)[0]  # it reads: the check
    size = folder_bytes(path) if path.is_dir() else path.stat().st_size
    if progress is not None:
        progress(size, size)
    how = "from cache" if cached is not None else "downloaded"
    return FetchResult(item, True, cached is not None, path, size,
                       f"{item.title}: {how}, {path} ({_megabytes(size)}, {len(images):,} images)")  # fmt: skip


def fetch_item(item: FetchItem, settings: Settings | None = None, progress: Progress | None = None) -> FetchResult:
    """Download `item` unless its cache has it, check that it loads, and report. Never raises for a failed
    download or a broken file: the result says what went wrong in one sentence."""
    settings = settings or Settings.from_env()
    try:
        return (_fetch_hub if item.is_hub else _fetch_dataset)(item, settings, progress)
    except PlaygroundError as exc:
        return FetchResult(item, False, False, None, 0, f"{item.title}: {exc}")
    except Exception as exc:  # a file that downloaded but does not load
        return FetchResult(item, False, False, None, 0, f"{item.title}: fetched, but it does not load "
                           f"({type(exc).__name__}: {_first_line(exc)})")  # fmt: skip
