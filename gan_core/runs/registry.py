"""The server's runs: keyed by run name, owned by the session that started them, at most K training at once.

One registry per server process (the app keeps it in st.cache_resource), so a run outlives a page switch or
a browser reload, and the cap holds across sessions. A Start beyond the cap is queued, never dropped; when a
run ends, the oldest queued run starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from gan_core.errors import PlaygroundError
from gan_core.run_config import RunConfig
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState

RunFactory = Callable[..., TrainingRun]


class RunRegistry:
    def __init__(self, runs_dir: Path, max_concurrent: int = 1, run_factory: RunFactory = TrainingRun) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.runs_dir = runs_dir
        self.max_concurrent = max_concurrent
        self._factory = run_factory
        self._lock = threading.RLock()
        self._runs: dict[str, TrainingRun] = {}
        self._owners: dict[str, str] = {}
        self._queue: list[str] = []

    def open(self, name: str, config: RunConfig | None = None, owner: str = "") -> TrainingRun:
        """The run called `name`: the live one if this server has it, else a new one (config) or one from disk."""
        with self._lock:
            run = self._runs.get(name)
            if run is not None and run.state.active:
                if config is not None:
                    raise PlaygroundError(f"a run called '{name}' is already training; choose another name")
                return run
            existing = self.runs_dir / name / "config.json"
            if config is not None and existing.is_file():
                old = RunConfig.read(existing.parent)
                if (old.model, old.train.dataset) != (config.model, config.train.dataset):
                    raise PlaygroundError(
                        f"a saved run called '{name}' trains another model or dataset; choose another name or open it"
                    )
            run = self._factory(self.runs_dir / name, config, on_end=self._on_end)
            self._runs[name] = run
            self._owners[name] = owner
            return run

    def start(self, name: str) -> RunState:
        """Start now if a slot is free, else queue; returns the resulting state."""
        with self._lock:
            run = self._runs[name]
            if self._training_count() < self.max_concurrent:
                run.start()
            else:
                run.queue()
                self._queue.append(name)
            return run.state

    def queue_position(self, name: str) -> int | None:
        """1-based place in the queue, or None when not queued."""
        with self._lock:
            return self._queue.index(name) + 1 if name in self._queue else None

    def get(self, name: str) -> TrainingRun | None:
        with self._lock:
            return self._runs.get(name)

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
                    nxt.start()
