"""The server's runs: keyed by run name, owned by the session that started them, at most K training at once.

One registry per server process (the app keeps it in st.cache_resource), so a run outlives a page switch or
a browser reload, and the cap holds across sessions. A Start beyond the cap is queued, never dropped; when a
run ends, the oldest queued run starts.

Streamlit does not stop a session's threads when its browser leaves, so on a hosted server the registry does:
given `is_owner_alive` and a grace period, `reap()` (called by a watchdog thread the registry owns) stops the
runs whose session has been gone that long. A stop saves a checkpoint, so nothing is lost; a visitor who
reloads within the grace period takes the run back (`claim`).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gan_core.errors import PlaygroundError
from gan_core.runs.child import TrainingProcesses
from gan_core.runs.priority import InteractivePriority
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.runs.writer_lock import RunLockedError, describe_holder, is_being_trained
from gan_core.training.run_config import RunConfig

RunFactory = Callable[..., TrainingRun]
log = logging.getLogger(__name__)


class RunRegistry:
    def __init__(
        self,
        runs_dir: Path,
        max_concurrent: int = 1,
        run_factory: RunFactory = TrainingRun,
        *,
        time_limit_s: float = 0.0,
        max_epochs: int = 0,
        orphan_grace_s: float = 0.0,
        is_owner_alive: Callable[[str], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
        priority: InteractivePriority | None = None,
        processes: TrainingProcesses | None = None,
    ) -> None:
        """`time_limit_s` (0: none) caps each start's training time, `max_epochs` (0: none) a run's length;
        with `is_owner_alive`, a run whose owner has been gone `orphan_grace_s` seconds is stopped by `reap()`;
        `priority`: the server's gate every run's steps wait at while a visitor is served; `processes`: image
        runs train in child processes started from these (gan_core.runs.child), not in the server's threads."""
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.runs_dir = runs_dir
        self.max_concurrent = max_concurrent
        self.orphan_grace_s = orphan_grace_s
        self.max_epochs = max_epochs
        self._factory = run_factory
        self._run_options: dict[str, Any] = {"time_limit_s": time_limit_s} if time_limit_s > 0 else {}
        if priority is not None:
            self._run_options["priority"] = priority
        if processes is not None:
            self._run_options["processes"] = processes
        self.processes = processes
        self._is_owner_alive = is_owner_alive
        self._clock = clock
        self._lock = threading.RLock()
        self._runs: dict[str, TrainingRun] = {}
        self._owners: dict[str, str] = {}
        self._queue: list[str] = []
        self._gone_since: dict[str, float] = {}
        self._watchdog: threading.Thread | None = None

    def open(self, name: str, config: RunConfig | None = None, owner: str = "", overwrite: bool = False
             ) -> TrainingRun:  # fmt: skip
        """The run called `name`: the live one if this server has it, else a new one (config) or one from disk.
        A new run never takes a saved run's name; `overwrite` replaces a saved run's config (more epochs). The cap on
        epochs is for image runs (a toy run's epochs are seconds); the time limit holds for all."""
        if config is not None and not config.is_toy and 0 < self.max_epochs < config.train.epochs:
            raise PlaygroundError(
                f"{config.train.epochs} epochs is more than this server allows ({self.max_epochs}); "
                "train longer on your own machine"
            )
        with self._lock:
            run = self._runs.get(name)
            if run is not None and run.state.active:
                if config is not None:
                    raise PlaygroundError(f"a run called '{name}' is already training; choose another name")
                return run
            existing = self.runs_dir / name / "config.json"
            if config is not None and existing.is_file():
                if not overwrite:
                    raise PlaygroundError(
                        f"a saved run is already called '{name}'; choose another name, or open it from the saved "
                        "runs to train it on"
                    )
                if is_being_trained(existing.parent):
                    raise PlaygroundError(f"'{name}' is being trained by {describe_holder(existing.parent)}; "
                                          "stop it there first")  # fmt: skip
                old = RunConfig.read(existing.parent)
                if (old.model, old.train.dataset) != (config.model, config.train.dataset):
                    raise PlaygroundError(
                        f"a saved run called '{name}' trains another model or dataset; choose another name or open it"
                    )
            run = self._factory(self.runs_dir / name, config, on_end=self._on_end, **self._run_options)
            self._runs[name] = run
            self._owners[name] = owner
            self._gone_since.pop(name, None)
            return run

    def claim(self, name: str, owner: str) -> None:
        """`owner` (a reloaded browser's new session) now keeps the run alive."""
        with self._lock:
            if name in self._runs:
                self._owners[name] = owner
                self._gone_since.pop(name, None)

    def owner_of(self, name: str) -> str | None:
        with self._lock:
            return self._owners.get(name)

    def reap(self) -> list[str]:
        """Stop active runs whose owner has been gone for the grace period; returns their names."""
        if self._is_owner_alive is None or self.orphan_grace_s <= 0:
            return []
        now, due = self._clock(), []
        with self._lock:
            for name, run in self._runs.items():
                if not run.state.active or self._is_owner_alive(self._owners.get(name, "")):
                    self._gone_since.pop(name, None)
                    continue
                since = self._gone_since.setdefault(name, now)
                if now - since >= self.orphan_grace_s:
                    due.append(run)
        for run in due:  # outside the lock: a stop waits for the run's checkpoint
            try:
                run.stop(wait=30, reason=f"its browser session left more than {self.orphan_grace_s:.0f} s ago")
            except Exception:  # a run that ended meanwhile
                log.exception("could not stop orphaned run %s", run.name)
            with self._lock:
                self._gone_since.pop(run.name, None)
        return [run.name for run in due]

    def start_watchdog(self, every_s: float = 5.0) -> None:
        """Call reap() every `every_s` seconds in a daemon thread (once per registry; a no-op without reaping)."""
        if self._is_owner_alive is None or self.orphan_grace_s <= 0:
            return
        with self._lock:
            if self._watchdog is not None:
                return

            def watch() -> None:
                while True:
                    time.sleep(every_s)
                    try:
                        self.reap()
                    except Exception:
                        log.exception("run watchdog")

            self._watchdog = threading.Thread(target=watch, name="run-watchdog", daemon=True)
            self._watchdog.start()

    def continue_run(self, name: str, owner: str = "") -> RunState:
        """Train a saved run on from its latest checkpoint; one that had finished its epochs (or minutes) gets half
        as many again (at least one epoch), so that a click always trains."""
        run = self.open(name, owner=owner)
        if run.state.active:
            raise PlaygroundError(f"'{name}' is already training")
        if run.finished_its_epochs:
            cfg = run.config
            more = (cfg.train.with_changes(minutes=cfg.train.minutes * 1.5) if cfg.train.minutes else
                    cfg.train.with_changes(epochs=cfg.train.epochs + max(1, cfg.train.epochs // 2)))  # fmt: skip
            self.open(name, type(cfg)(cfg.model, more, cfg.parent, cfg.created), owner=owner, overwrite=True)
        return self.start(name)

    def start(self, name: str) -> RunState:
        """Start now if a slot is free, else queue; returns the resulting state."""
        with self._lock:
            run = self._runs[name]
            if self._training_count() < self.max_concurrent:
                try:
                    run.start()
                except RunLockedError:
                    raise  # the folder is another writer's
                except Exception:
                    self._forget_if_never_started(run)
                    raise
            else:
                run.queue()
                self._queue.append(name)
            return run.state

    def _forget_if_never_started(self, run: TrainingRun) -> None:
        """A start refused before anything trained (a bad setting, another writer): a folder that holds only what
        `open` wrote is removed and the run forgotten, so no stub lists as "unknown · step 0" (issue 36.6)."""
        if run.store.status_path.exists() or run.store.checkpoint_steps() or run.store.metrics_path.exists():
            return  # a saved run that failed to start again: its folder is its own
        shutil.rmtree(run.store.dir, ignore_errors=True)
        self._runs.pop(run.name, None)
        self._owners.pop(run.name, None)

    def queue_position(self, name: str) -> int | None:
        """1-based place in the queue, or None when not queued."""
        with self._lock:
            return self._queue.index(name) + 1 if name in self._queue else None

    def get(self, name: str) -> TrainingRun | None:
        with self._lock:
            return self._runs.get(name)

    def is_live(self, name: str) -> bool:
        """Whether this server is training (or has queued) the run now."""
        with self._lock:
            run = self._runs.get(name)
            return run is not None and run.state.active

    def owned_by(self, owner: str) -> list[TrainingRun]:
        with self._lock:
            return [run for name, run in self._runs.items() if self._owners.get(name) == owner]

    def active(self) -> list[TrainingRun]:
        with self._lock:
            return [run for run in self._runs.values() if run.state.active]

    def _training_count(self) -> int:
        return sum(run.state in (RunState.RUNNING, RunState.PAUSED) for run in self._runs.values())

    def _on_end(self, ended: TrainingRun) -> None:
        with self._lock:
            if ended.name in self._queue:
                self._queue.remove(ended.name)
            while self._queue and self._training_count() < self.max_concurrent:
                nxt = self._runs[self._queue.pop(0)]
                if nxt.state is RunState.QUEUED:
                    try:
                        nxt.start()
                    except RunLockedError as exc:  # its turn came, but another writer has its folder now
                        nxt.refuse(f"not started: {exc}")
