"""One training run's handle: its states (start / pause / resume / stop / queue), its controls and live changes,
and the immutable snapshots the page polls. Where it trains: a thread here (gan_core.runs.loop) or a training
process it supervises (gan_core.runs.child, its view taken in by gan_core.runs.relay).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from gan_core.data import ImageDataset
from gan_core.errors import PlaygroundError
from gan_core.models.precision import Precision, choose_precision, training_precision
from gan_core.runs.child import ChildTraining, TrainingProcesses
from gan_core.runs.loop import OBSERVE_EVERY_S, TrainsHere, load_training_data
from gan_core.runs.priority import InteractivePriority
from gan_core.runs.relay import RelayedRun
from gan_core.runs.snapshot import (
    ACTIVE_STATES,
    HISTORY_KEYS,
    RunSnapshot,
    interrupted_message,
    resume_hint,
)
from gan_core.runs.state import RunState, next_state
from gan_core.runs.store import RunStore
from gan_core.runs.tensorboard import RunSummaries
from gan_core.runs.writer_lock import RunWriterLock
from gan_core.training.config import LOSSES
from gan_core.training.d_view import DiscriminatorView
from gan_core.training.run_config import RunConfig

__all__ = ["ACTIVE_STATES", "HISTORY_KEYS", "OBSERVE_EVERY_S", "RunSnapshot", "TrainingRun", "interrupted_message",
           "load_training_data", "resume_hint"]  # fmt: skip

DataLoader = Callable[[RunConfig], ImageDataset]


class TrainingRun(RelayedRun, TrainsHere):
    """A run folder plus the thread that trains it. Create with a RunConfig for a new run, without to resume."""

    def __init__(
        self,
        run_dir: Path,
        config: RunConfig | None = None,
        *,
        data_loader: DataLoader = load_training_data,
        trainer_factory: Callable[..., Any] | None = None,
        strategy: Any = None,
        on_end: Callable[[TrainingRun], None] | None = None,
        time_limit_s: float = 0.0,
        priority: InteractivePriority | None = None,
        precision: str | None = None,
        processes: TrainingProcesses | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        """`time_limit_s` > 0: each start trains at most that long, then stops itself with a checkpoint;
        `priority`: the server's gate, which holds each step while a visitor's picture is being drawn;
        `precision`: auto, float32 or bfloat16 for each start (default: $GAN_PLAYGROUND_PRECISION);
        `processes`: train an image run in a child process from these (gan_core.runs.child), not in a thread;
        `clock`: the seconds that time its training (its minutes, its time limit, its speed); tests pass their own."""
        self.store = RunStore(run_dir)
        self._writer = RunWriterLock(run_dir)  # held while this object trains the folder
        if config is None:
            config = self.store.read_config()  # resume: the folder says what to build
        else:
            run_dir.mkdir(parents=True, exist_ok=True)
            self.store.write_config(config)
        self.config = config
        self.name = run_dir.name
        self._data_loader, self._strategy, self._on_end = data_loader, strategy, on_end
        self._trainer_factory = trainer_factory  # default: gan_core.training.engine.GANTrainer
        self._clock = clock
        self.time_limit_s = time_limit_s
        self._priority = priority
        self._precision_setting = precision
        self.precision: Precision | None = None  # what the latest start trains under, with the reason
        self._precision_note = ""  # said when a resumed run trains under another precision than before
        self._stop_reason = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._unpaused = threading.Event()
        self._unpaused.set()
        self._thread: threading.Thread | None = None
        rows = self.store.read_metrics()
        self._history: dict[str, list[float]] = {k: [r[k] for r in rows if k in r] for k in HISTORY_KEYS}
        last = self.store.read_status()
        self._state = RunState.IDLE
        self._last_state = str(last.get("state", ""))  # what the folder says about the run's last start
        self._message = str(last.get("message", "")) or (f"saved at step {last.get('step', 0):,}" if last else "")
        if last.get("state") in ACTIVE_STATES:  # its folder says it trained: the process that trained it is gone
            self._message = interrupted_message(int(last.get("step", 0)), self.store.checkpoint_steps())
        self._step = int(last.get("step", 0))
        self._trained_s = float(rows[-1].get("seconds", 0.0)) if rows else 0.0
        self._total_steps = 0
        self._steps_per_epoch = 0
        self._ips = 0.0
        self._parked = False  # paused, between steps
        self._frame: np.ndarray | None = None
        self._frame_step: int | None = None
        latest = self.store.latest_frame()
        if latest:
            self._frame_step = latest[0]
            self._frame = self.store.frame_image(self._frame_step)
        self._evals: list[dict[str, Any]] = self.store.read_evals()
        self._eval_features = self._evals[-1].get("features", "") if self._evals else ""  # a run read from disk
        self._frame_changes: list[float] = self.store.frame_changes()
        self._best = self.store.read_best()
        self._last_preview: np.ndarray | None = None
        self._observation: Any = DiscriminatorView.load(self.store.d_view_path)  # D's view when it last trained
        self._single_updates: deque[str] = deque()
        self._new_rate: float | None = None  # a learning rate asked for while it trains (change_learning_rate)
        self._new_loss: dict[str, Any] | None = None  # a loss asked for while it trains (change_loss)
        self._summaries: RunSummaries | None = None  # the TensorBoard log, open while the thread trains
        self._processes = processes
        self._child: ChildTraining | None = None  # the supervisor of its training process, once started

    @property
    def in_child(self) -> bool:
        """Whether a start trains it in a child process (the app's image runs) rather than in a thread here. Toy
        runs stay in the thread: a process kept their pictures a second but doubled their start and cost a
        TensorFlow runtime (about 850 MiB) to spare the server a few (bench/toy_in_process.py, bench/RESULTS.md)."""
        return self._processes is not None and not self.config.is_toy

    @property
    def child_pid(self) -> int | None:
        """The process training it now, when it trains in one."""
        return self._child.pid if self._child is not None and self.state.active else None

    # -- control (any thread) ---------------------------------------------------------------------------------
    def _transition(self, action: str, message: str | None = None) -> None:
        with self._lock:
            self._state = next_state(self._state, action)
            if message is not None:
                self._message = message
        if not self.in_child or action == "queue":  # a training process writes its own folder
            self.store.write_status(self._state.value, self._step, self._message)

    def _adopt_precision(self, name: str) -> None:
        """This start trains under `name`: config.json says so; a resume under another one says so too."""
        before = self.config.train.precision
        self._precision_note = ""
        if name == before:
            return
        if self.store.checkpoint_steps():
            self._precision_note = f", now in {name} (it trained in {before} before)"
        with self._lock:
            self.config = RunConfig(self.config.model, self.config.train.with_changes(precision=name),
                                    self.config.parent, self.config.created)  # fmt: skip
        self.store.write_config(self.config)

    def queue(self) -> None:
        self._transition("queue", "waiting for a free training slot")

    def start(self) -> None:
        """Begin training in a background thread (resuming from the latest checkpoint if there is one).
        Raises RunLockedError, before writing anything, when another writer trains the folder."""
        with self._lock:
            next_state(self._state, "start")  # a start this run cannot make says so first (already running, ...)
        if self.in_child:
            self._start_child()
            return
        precision = training_precision(choose_precision(self._precision_setting), self.config.is_toy)
        self._writer.acquire()
        self.precision = precision
        self._adopt_precision(precision.name)
        self._transition("start", "preparing: loading data and building the model")
        self._stop.clear()
        self._unpaused.set()
        self._thread = threading.Thread(target=self._main, name=f"train-{self.name}", daemon=True)
        self._thread.start()

    def _start_child(self) -> None:
        """Train in a child process: refused here when another writer has the folder (the process takes its lock
        for the run), the page sees "running" at once and the process's own view a moment later."""
        self._writer.acquire()
        self._writer.release()
        # The precision the process will choose (same setting, same CPU), shown by the page from the first draw;
        # the process writes it to config.json.
        self.precision = training_precision(choose_precision(self._precision_setting), self.config.is_toy)
        with self._lock:
            self.config = RunConfig(self.config.model, self.config.train.with_changes(precision=self.precision.name),
                                    self.config.parent, self.config.created)  # fmt: skip
        self._transition("start", "preparing: starting its training process")
        self._stop.clear()
        job = {"run_dir": str(self.store.dir), "precision": self._precision_setting, "time_limit_s": self.time_limit_s}
        self._child = ChildTraining(self, self._processes, job)
        self._thread = self._child.thread
        self._child.start()

    def pause(self) -> None:
        self._transition("pause", "paused")
        self._unpaused.clear()
        if self._child is not None:
            self._child.command("pause")

    def resume(self) -> None:
        self._transition("resume", "training")
        self._unpaused.set()
        if self._child is not None:
            self._child.command("resume")

    def stop(self, wait: float = 10.0, reason: str = "") -> RunSnapshot:
        """Stop after the current step and leave a checkpoint; returns once the thread has saved (or `wait` s)."""
        with self._lock:
            self._stop_reason = reason
            queued = self._state is RunState.QUEUED
            self._state = next_state(self._state, "stop")
            self._message = "stopped" if queued else "stopping: saving a checkpoint"
        self._stop.set()
        self._unpaused.set()
        if queued:
            self.store.write_status(RunState.STOPPED.value, self._step, "stopped before it started")
            self._notify_end()
        elif self._thread is not None:
            if self._child is not None:
                self._child.command("stop", reason)
            self._thread.join(wait)
        return self.snapshot()

    @property
    def saving(self) -> bool:
        """Stopped (or ended) but its thread is still writing its last checkpoint, frame and generator."""
        return not self._state.active and self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def state(self) -> RunState:
        return self._state

    @property
    def finished_its_epochs(self) -> bool:
        """Whether the run trained every epoch its config asks for (in this process, or before, by its folder)."""
        return self._state is RunState.FINISHED or (self._state is RunState.IDLE and self._last_state == "finished")

    def snapshot(self, with_history: bool = True) -> RunSnapshot:
        """The run now; without the per-step history (a copy of every step's metrics) for a status line."""
        with self._lock:
            return RunSnapshot(
                name=self.name,
                state=self._state,
                message=self._message,
                step=self._step,
                total_steps=self._total_steps,
                steps_per_epoch=self._steps_per_epoch,
                images_per_sec=self._ips,
                batch_size=self.config.train.batch_size,
                history={k: tuple(v) for k, v in self._history.items()} if with_history else {},
                frame=self._frame,
                frame_step=self._frame_step,
                checkpoint_steps=self.store.checkpoint_steps(),
                evals=tuple(self._evals),
                eval_features=self._eval_features,
                frame_changes=tuple(self._frame_changes[-4:]),
                best=self._best,
                logged_epoch=float(self._history["epoch"][-1]) if self._history["epoch"] else 0.0,
                observation=self._observation,
                trained_s=self._trained_s,
                budget_s=self.config.train.budget_s,
                parked=self._parked and self._state is RunState.PAUSED,
            )

    def refuse(self, message: str) -> None:
        """A queued run whose turn came while another writer holds its folder: stopped here, nothing written
        (the folder is the other writer's)."""
        with self._lock:
            self._state, self._message = RunState.STOPPED, message

    def change_learning_rate(self, lr: float) -> None:
        """GAN Lab's habit: a new learning rate for G and D while the run trains, taken before its next step and
        kept in config.json (a resume goes on with it)."""
        if not 0 < lr < 1:
            raise ValueError(f"a learning rate is between 0 and 1, not {lr}")
        with self._lock:
            self._new_rate = float(lr)
            self.config = RunConfig(self.config.model, self.config.train.with_changes(lr_g=lr, lr_d=lr),
                                    self.config.parent, self.config.created)  # fmt: skip
        if self._child is not None and self.state.active:
            self._child.command("learning_rate", float(lr))
        else:
            self.store.write_config(self.config)

    def change_loss(self, loss: str, **settings: object) -> None:
        """GAN Lab's other habit: a new loss (with the d_steps and beta2 it trains with, when given) while the run
        trains, taken before its next step and kept in config.json."""
        if loss not in LOSSES:
            raise ValueError(f"the loss is one of {', '.join(LOSSES)}, not {loss!r}")
        changes = {"loss": loss, **settings}
        train = self.config.train.with_changes(**changes)  # a bad setting is refused here, before the thread sees it
        with self._lock:
            self._new_loss = changes
            self.config = RunConfig(self.config.model, train, self.config.parent, self.config.created)
        if self._child is not None and self.state.active:
            self._child.command("loss", loss, settings)
        else:
            self.store.write_config(self.config)

    def single_update(self, part: str) -> None:
        """While paused: one update of D ("d") or of G ("g"), as slow motion; the views show its effect."""
        if part not in ("d", "g"):
            raise ValueError(f"a single update is of 'd' or 'g', not {part!r}")
        if self._state is not RunState.PAUSED:
            raise PlaygroundError("pause the run first: single updates are taken while it is paused")
        if self._child is not None:
            self._child.command("single_update", part)
            return
        self._single_updates.append(part)  # the paused thread looks for one every 50 ms





