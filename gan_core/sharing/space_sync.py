"""A Space that keeps its class's runs: finished and stopped runs committed to a dataset repo on a schedule
(huggingface_hub's CommitScheduler, the Hub's "scheduled uploads"), and brought back before the first visitor
after a restart, rebuild or sleep. `GAN_PLAYGROUND_HUB_SYNC=user/dataset-name` and a write token (`HF_TOKEN`, a
Space secret) turn it on. An upload that fails keeps the local run, says so (server log, Classroom page) and is
caught up by the next sync; nothing here blocks training or a visitor."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gan_core.runs.writer_lock import is_being_trained
from gan_core.sharing.hub_errors import HubError, explain, no_token
from gan_core.sharing.hub_names import check_repo_id

ENV_REPO = "GAN_PLAYGROUND_HUB_SYNC"
ENV_MINUTES = "GAN_PLAYGROUND_HUB_SYNC_MINUTES"
DEFAULT_MINUTES = 5.0
KEPT_STATES = ("finished", "stopped", "interrupted")  # a run no process is writing to any more
PREFIX = "runs"


@dataclass(frozen=True)
class SyncStatus:
    """What the last sync did, in words for the Classroom page and the log."""

    ok: bool
    text: str
    at: float  # time.time() of the last attempt; 0 before the first


def sync_settings(env: dict[str, str] | None = None) -> tuple[str, float] | None:
    """(repo id, minutes between syncs) when sync is on; None when GAN_PLAYGROUND_HUB_SYNC is unset. A bad name
    or interval raises HubError in one sentence."""
    env = dict(os.environ) if env is None else env
    repo = env.get(ENV_REPO, "").strip()
    if not repo:
        return None
    try:
        minutes = float(env.get(ENV_MINUTES, DEFAULT_MINUTES))
    except ValueError:
        minutes = -1.0
    if not 0 < minutes <= 24 * 60:
        raise HubError(f"{ENV_MINUTES} must be minutes between 0 and 1440 (default {DEFAULT_MINUTES:g}).")
    return check_repo_id(repo), minutes


def _kept(run_dir: Path) -> bool:
    """A run that ended and that no process writes to any more (a stopped run's status is written before its
    last files: its writer lets go of the lock after them)."""
    try:
        ended = json.loads((run_dir / "status.json").read_text()).get("state") in KEPT_STATES
    except (OSError, ValueError, AttributeError):
        return False
    return ended and not is_being_trained(run_dir)


def mirror_runs(runs_dir: Path, staging: Path) -> list[str]:
    """Copy every finished, stopped or interrupted run into `staging` (changed files only: a file's copy keeps its
    modification time, which is what the scheduler compares). Returns the runs mirrored."""
    mirrored = []
    for run in sorted(p for p in runs_dir.iterdir() if p.is_dir() and _kept(p)) if runs_dir.is_dir() else []:
        for path in sorted(run.rglob("*")):
            if not path.is_file() or path.name.startswith("."):  # locks, and atomic writes under way
                continue
            copy = staging / run.name / path.relative_to(run)
            stat = path.stat()
            if copy.is_file() and copy.stat().st_mtime == stat.st_mtime and copy.stat().st_size == stat.st_size:
                continue
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
        mirrored.append(run.name)
    return mirrored


def restore_runs(repo_id: str, runs_dir: Path) -> list[str]:
    """Bring the repo's runs into `runs_dir` (those not here already); returns their names. An empty or new repo
    restores nothing."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        folder = Path(snapshot_download(repo_id, repo_type="dataset", allow_patterns=[f"{PREFIX}/**"]))
    except RepositoryNotFoundError:
        return []  # the first start: the scheduler creates it
    except Exception as exc:
        raise explain(exc, repo_id, "restore runs from") from None
    restored = []
    runs_dir.mkdir(parents=True, exist_ok=True)
    for run in sorted(p for p in (folder / PREFIX).iterdir() if p.is_dir()) if (folder / PREFIX).is_dir() else []:
        target = runs_dir / run.name
        if target.exists() or not (run / "config.json").is_file():
            continue
        tmp = runs_dir / f".{run.name}.restoring"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(run, tmp)  # the cache's files are links into its blobs: copied, not linked
        tmp.rename(target)
        restored.append(run.name)
    return restored


class RunSync:
    """The server's sync: `start()` restores, then commits every few minutes in a background thread."""

    def __init__(self, repo_id: str, runs_dir: Path, minutes: float, log: Callable[[str], None] = print) -> None:
        self.repo_id, self.runs_dir, self.minutes, self.log = repo_id, runs_dir, minutes, log
        self.staging = runs_dir.parent / ".hub-sync"
        self._status = SyncStatus(True, f"keeping finished and stopped runs in the dataset {repo_id}", 0.0)
        self._lock = threading.Lock()
        self._scheduler = None
        self.restored: list[str] = []

    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def _say(self, ok: bool, text: str) -> None:
        with self._lock:
            self._status = SyncStatus(ok, text, time.time())
        self.log(f"hub sync: {text}")

    def start(self) -> None:
        """Restore (before the first visitor), then schedule commits. Failures are said, never raised."""
        from gan_core.sharing.push import hub_token

        if hub_token() is None:
            self._say(False, str(no_token()))
            return
        try:
            self.restored = restore_runs(self.repo_id, self.runs_dir)
        except HubError as exc:
            self._say(False, f"{exc} Runs trained here are kept on this machine meanwhile.")
        else:
            self._say(True, f"restored {len(self.restored)} runs from {self.repo_id}" if self.restored
                      else f"nothing to restore from {self.repo_id}")  # fmt: skip
        threading.Thread(target=self._schedule, name="hub-sync", daemon=True).start()

    def _schedule(self) -> None:
        """Create the scheduler (which creates the repo); until the Hub answers, try again at every interval."""
        while self._scheduler is None:
            try:
                self._scheduler = _run_scheduler_class()(self)
            except Exception as exc:
                self._say(False, f"{explain(exc, self.repo_id, 'sync runs to')} Trying again in {self.minutes:g} "
                          "minutes; runs are kept on this machine.")  # fmt: skip
                time.sleep(self.minutes * 60)

    def sync_now(self):
        """Commit now (a test, or a server about to stop); returns the Future, or None before the scheduler runs."""
        return self._scheduler.trigger() if self._scheduler is not None else None

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.stop()


def _run_scheduler_class():
    from huggingface_hub import CommitScheduler

    class RunScheduler(CommitScheduler):
        """CommitScheduler over the staging folder, which each push first fills from the runs that have ended."""

        def __init__(self, sync: RunSync) -> None:
            self.sync = sync
            sync.staging.mkdir(parents=True, exist_ok=True)
            super().__init__(repo_id=sync.repo_id, repo_type="dataset", folder_path=sync.staging, path_in_repo=PREFIX,
                             every=sync.minutes, private=True)  # fmt: skip

        def push_to_hub(self):
            try:
                runs = mirror_runs(self.sync.runs_dir, self.sync.staging)
                info = super().push_to_hub()
            except Exception as exc:  # kept here, said there; the next push tries the same files again
                self.sync._say(False, f"{explain(exc, self.sync.repo_id, 'sync runs to')} Runs are kept on this "
                               "machine; the next sync catches up.")  # fmt: skip
                raise
            if info is not None or runs:
                self.sync._say(True, f"{len(runs)} runs kept in {self.sync.repo_id}")
            return info

    return RunScheduler

