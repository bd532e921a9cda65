"""A Hub repo's files on this machine: downloaded through huggingface_hub's own cache, so a fetched repo opens offline
(HF_HUB_OFFLINE=1, or this app's offline setting) as TF Hub's do, with a progress bar; a cut-off download keeps
no half file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gan_core.sharing.hub_errors import explain, quiet_library_log

Progress = Callable[[float, str], None]  # (fraction done, what) for a page's progress bar


def _progress_bar(report: Progress):
    """A tqdm class that huggingface_hub drives (its bar over the repo's files), reporting the fraction done to
    `report` instead of a terminal."""
    from tqdm.auto import tqdm

    class ReportingBar(tqdm):
        def __init__(self, *args, **kwargs) -> None:
            self._what = str(kwargs.get("desc") or "files")
            self._total = kwargs.get("total")
            self._done = kwargs.get("initial") or 0
            kwargs["disable"] = True  # no terminal output (a disabled bar counts nothing: counted here)
            super().__init__(*args, **kwargs)

        def update(self, n=1):
            self._done += n or 0
            if self._total:
                report(min(1.0, self._done / self._total), self._what)

    return ReportingBar


def _repo_cache(repo_id: str) -> Path:
    from huggingface_hub import constants
    from huggingface_hub.file_download import repo_folder_name

    return Path(constants.HF_HUB_CACHE) / repo_folder_name(repo_id=repo_id, repo_type="model")


def is_cached(repo_id: str) -> bool:
    """Whether a snapshot of the repo is in this machine's Hugging Face cache (it opens offline)."""
    snapshots = _repo_cache(repo_id) / "snapshots"
    return snapshots.is_dir() and any(snapshots.iterdir())


def _drop_partial_downloads(repo_id: str) -> None:
    """A download cut off leaves `*.incomplete` in the cache: removed, so nothing half is kept."""
    blobs = _repo_cache(repo_id) / "blobs"
    for partial in blobs.glob("*.incomplete") if blobs.is_dir() else []:
        partial.unlink(missing_ok=True)


def download_repo(repo_id: str, offline: bool, progress: Progress | None = None) -> Path:
    """The repo's files in the local cache (downloaded when not there and online)."""
    from huggingface_hub import snapshot_download

    quiet_library_log()
    try:
        kwargs = {"tqdm_class": _progress_bar(progress)} if progress else {}
        return Path(snapshot_download(repo_id, local_files_only=offline, **kwargs))
    except Exception as exc:  # huggingface_hub's errors and the network's: one sentence each
        _drop_partial_downloads(repo_id)
        raise explain(exc, repo_id, "download") from None
