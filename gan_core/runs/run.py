"""One training run in a background thread: start / pause / resume / stop, publishing immutable snapshots.

The thread never touches the UI. It loads the data, builds (or restores) the trainer, and loops over steps,
checking its stop and pause flags between steps; metrics, sample frames, checkpoints and status go to the run
folder, and the latest of each into a snapshot that the page polls. TensorFlow is imported by the thread.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gan_core.data import ImageDataset, load_dataset
from gan_core.errors import PlaygroundError
from gan_core.models.precision import Precision, choose_precision, training_precision
from gan_core.runs.bundled import shipped_images
from gan_core.runs.child import ChildTraining, TrainingProcesses
from gan_core.runs.priority import InteractivePriority
from gan_core.runs.state import RunState, next_state
from gan_core.runs.store import HISTORY_COLUMNS, RunStore
from gan_core.runs.tensorboard import RunSummaries
from gan_core.runs.writer_lock import RunWriterLock
from gan_core.training.config import LOSSES
from gan_core.training.d_view import DiscriminatorView
from gan_core.training.recipe import ImageRecipe, TrainingRecipe
from gan_core.training.run_config import RunConfig
from gan_core.words import plural

log = logging.getLogger(__name__)

DataLoader = Callable[[RunConfig], ImageDataset]
HISTORY_KEYS = tuple(c for c in HISTORY_COLUMNS if c != "seconds")  # what the charts and the snapshot carry
OBSERVE_EVERY_S = 2.0  # how often a trainer that shows itself publishes what the views draw, unless it says


def load_training_data(config: RunConfig) -> ImageDataset:
    """The training split of the run's dataset (own-image folders have no test split)."""
    return load_dataset(config.train.dataset, source=config.train.source).split("train")  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class RunSnapshot:
    """Everything the UI shows about a run at one moment; safe to read from any thread."""

    name: str
    state: RunState
    message: str
    step: int
    total_steps: int
    steps_per_epoch: int
    images_per_sec: float
    batch_size: int
    history: dict[str, tuple[float, ...]] = field(default_factory=dict)
    frame: np.ndarray | None = None  # the latest fixed-noise grid, uint8 [H, W, C]
    frame_step: int | None = None
    checkpoint_steps: tuple[int, ...] = ()
    evals: tuple[dict[str, Any], ...] = ()  # live evaluations: step, fid, n, covered, num_classes, kl
    eval_features: str = ""  # the features the live FID uses (named on its chart)
    frame_changes: tuple[float, ...] = ()  # mean pixel change between the last few sample grids
    best: dict[str, Any] | None = None  # the step with the lowest live FID, whose generator the run kept
    logged_epoch: float = 0.0  # the epoch of the last logged step (a run read from disk, not started here)
    observation: Any = None  # what the trainer shows of itself now: D's view of real and fake (training.engine),
    # or a toy run's plane (gan_core.toy.observation.ToyObservation)
    trained_s: float = 0.0  # seconds of training so far, pauses excluded (all starts together)
    budget_s: float = 0.0  # its time budget (TrainConfig.minutes), 0 when it trains a number of epochs
    parked: bool = False  # paused with no step under way: nothing moves until it resumes

    @property
    def epoch(self) -> float:
        return self.step / self.steps_per_epoch if self.steps_per_epoch else self.logged_epoch

    @property
    def progress(self) -> float:
        """How far it is, 0 to 1: through its minutes when it trains to a time budget, else through its steps."""
        if self.budget_s:
            return min(1.0, self.trained_s / self.budget_s)
        return min(1.0, self.step / self.total_steps) if self.total_steps else 0.0

    @property
    def eta_seconds(self) -> float | None:
        if self.state is not RunState.RUNNING or self.images_per_sec <= 0:
            return None
        if self.budget_s:
            return max(0.0, self.budget_s - self.trained_s)
        return (self.total_steps - self.step) * self.batch_size / self.images_per_sec


ACTIVE_STATES = frozenset(state.value for state in RunState if state.active)


def _cluster_failure(exc: BaseException) -> str | None:
    from gan_core.training.cluster import cluster_failure

    return cluster_failure(exc)


def resume_hint(checkpoints: tuple[int, ...]) -> str:
    """How a run that ended early goes on: from its last checkpoint, or from the start."""
    if checkpoints:
        return f"Continue training resumes from its last checkpoint (step {checkpoints[-1]:,})."
    return "No checkpoint was saved yet: Continue training starts it again."


def interrupted_message(step: int, checkpoints: tuple[int, ...]) -> str:
    """What a run left behind when its server stopped while it trained (killed, restarted, crashed)."""
    return f"interrupted at step {step:,}: the server stopped while it trained. {resume_hint(checkpoints)}"


# What a server showing a run trained in another process needs of it (TrainingRun.relay_since / apply_relay).
RELAYED = ("state", "message", "step", "total_steps", "steps_per_epoch", "ips", "trained_s", "frame", "frame_step",
           "evals", "eval_features", "frame_changes", "best", "observation", "parked", "config",
           "precision")  # fmt: skip
PUBLIC_RELAYED = ("config", "precision")  # attributes without the leading underscore


class TrainingRun:
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

    # -- a run trained in another process ----------------------------------------------------------------------
    def relay_since(self, cursor: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """What changed since `cursor` (None: everything), for a server that shows this run from another process;
        returns it with the next cursor. Objects are compared by identity: a run replaces what it publishes."""
        cursor = dict(cursor or {})
        view: dict[str, Any] = {}
        with self._lock:
            for name in RELAYED:
                value = getattr(self, name if name in PUBLIC_RELAYED else f"_{name}")
                if name not in cursor or cursor[name] is not value:
                    view[name] = cursor[name] = value
            history, length = self._history, len(self._history["step"])
            if cursor.get("history_of") is not history:  # a new start trimmed it to its checkpoint
                view["history"], view["history_reset"] = {k: list(v) for k, v in history.items()}, True
            elif length > cursor["history_length"]:
                view["history"] = {k: v[cursor["history_length"]:length] for k, v in history.items()}
            cursor["history_of"], cursor["history_length"] = history, length
        return view, cursor

    def apply_relay(self, view: dict[str, Any], current: bool = True) -> None:
        """Take a training process's view of this run. Not `current` (a command it has not applied yet): its
        state and message are older than the page's click, so they wait for the next view."""
        with self._lock:
            for name, value in view.items():
                if name in ("history", "history_reset") or (not current and name in ("state", "message")):
                    continue
                setattr(self, name if name in PUBLIC_RELAYED else f"_{name}", value)
            if view.get("history_reset"):
                self._history = {k: list(v) for k, v in view["history"].items()}
            elif "history" in view:
                for key, values in view["history"].items():
                    self._history[key].extend(values)

    def child_ended(self, refused: str | None = None, died: str | None = None) -> None:
        """Its training process has ended: as the run did (its last view has said how), refused (another writer
        had the folder: nothing was written), or died without a word (`died`: how; the run is interrupted)."""
        with self._lock:
            if refused is not None:
                self._state, self._message = RunState.STOPPED, refused
            elif died is not None or self._state.active:
                self._state = RunState.INTERRUPTED
                hint = resume_hint(self.store.checkpoint_steps())
                self._message = (f"at step {self._step:,} its training process ended ({died or 'before the run'}); "
                                 f"the server and other runs go on. {hint}")  # fmt: skip
            if refused is None and self._state is RunState.INTERRUPTED:  # on disk before anyone reads the state
                self.store.write_status(self._state.value, self._step, self._message)
        self._notify_end()

    # -- the training thread ----------------------------------------------------------------------------------
    def _publish(self, **values: Any) -> None:
        with self._lock:
            for key, value in values.items():
                setattr(self, f"_{key}", value)

    def _end(self, action: str, message: str) -> None:
        with self._lock:
            if self._state is RunState.STOPPED and action == "finish":
                action = "stop"  # a stop that arrived during the last step
            state = self._state if action == "stop" else next_state(self._state, action)
        self.store.write_status(state.value, self._step, message)  # on disk before anyone can read the end
        with self._lock:
            self._state, self._message = state, message
        self._writer.release()  # the last write: from here another writer may take the folder
        self._notify_end()

    def refuse(self, message: str) -> None:
        """A queued run whose turn came while another writer holds its folder: stopped here, nothing written
        (the folder is the other writer's)."""
        with self._lock:
            self._state, self._message = RunState.STOPPED, message

    def _notify_end(self) -> None:
        if self._on_end is not None:
            try:
                self._on_end(self)
            except Exception:
                log.exception("on_end listener failed for run %s", self.name)

    def _main(self) -> None:
        try:
            self._train()
        except Exception as exc:
            from gan_core.training.engine import DivergenceError

            kept = self.store.checkpoint_steps()
            where = f" The last good checkpoint (step {kept[-1]:,}) is kept; resume from it." if kept else ""
            reason = str(exc) if isinstance(exc, DivergenceError | PlaygroundError) else f"{type(exc).__name__}: {exc}"
            cluster = self._strategy is not None and _cluster_failure(exc)  # a worker of the cluster went away
            if cluster:
                reason = cluster
            elif not isinstance(exc, DivergenceError | PlaygroundError):
                log.exception("run %s failed", self.name)
            self._end("fail", f"failed: {reason.rstrip('.')}.{where}")
        finally:
            self._writer.release()  # however the thread ends (_end has let it go already when it ran)

    def _recipe(self) -> TrainingRecipe:
        if self.config.is_toy:
            from gan_core.toy.recipe import ToyRecipe

            return ToyRecipe(self.config, self.store.dir)
        return ImageRecipe(self.config, self._data_loader, reference_for=shipped_images)

    def _train(self) -> None:
        from gan_core.models.summary import network_tables
        from gan_core.runs.bundle import is_bundle, restore_bundle
        from gan_core.runs.checkpoints import RunCheckpoints

        cfg = self.config.train
        recipe = self._recipe()
        if self._trainer_factory is not None:
            trainer = self._trainer_factory(self.config.model, cfg, self._strategy)
        else:
            trainer = recipe.trainer(self._strategy)
        self.store.write_networks(network_tables(trainer.generator, trainer.discriminator))
        checkpoints = RunCheckpoints(self.store.dir, trainer, keep=cfg.keep_checkpoints)
        start = checkpoints.restore()
        note = "training"
        if start is None and is_bundle(self.store.dir):
            start = restore_bundle(self.store.dir, trainer)
            note = "training on from the shipped weights (Adam's moments start fresh)"
        note += self._precision_note
        start = start or 0
        trainer.g_optimizer.learning_rate.assign(cfg.lr_g)  # config.json decides, also after a fork with new rates
        trainer.d_optimizer.learning_rate.assign(cfg.lr_d)
        rows = self.store.trim_to(start)
        self._forget_pictures_after(start)
        evaluator = recipe.evaluator()
        self._publish(
            evals=self.store.read_evals(), best=self.store.read_best(),
            eval_features=f"{evaluator.features_name}, N={evaluator.n}" if evaluator else "",
        )  # fmt: skip
        steps_per_epoch = recipe.examples // cfg.batch_size
        if steps_per_epoch == 0:
            raise ValueError(
                f"{recipe.examples} images are fewer than one batch of {cfg.batch_size}; lower the batch size"
            )
        self._publish(
            step=start,
            trained_s=float(rows[-1].get("seconds", 0.0)) if rows else 0.0,
            total_steps=0 if cfg.budget_s else cfg.epochs * steps_per_epoch,  # a time budget: not known ahead
            steps_per_epoch=steps_per_epoch,
            history={k: [r[k] for r in rows if k in r] for k in HISTORY_KEYS},
            message=note,
        )
        batches = iter(trainer.distribute(recipe.batches(shuffle_seed=cfg.seed + start).repeat()))
        self._summaries = RunSummaries(self.store.dir)
        try:
            self._loop(trainer, checkpoints, evaluator, batches, start, rows, steps_per_epoch)
        finally:
            self._summaries.close()
            self._summaries = None

    def _loop(self, trainer: Any, checkpoints: Any, evaluator: Any, batches: Any, start: int,
              rows: list[dict[str, Any]], steps_per_epoch: int) -> None:  # fmt: skip
        from gan_core.runs.checkpoints import export_generator

        cfg = self.config.train
        if start == 0:
            self._save_frame(trainer, 0)
        pending: list[dict[str, Any]] = []
        last_saved = start
        step = start
        ips = 0.0
        seconds = float(rows[-1].get("seconds", 0.0)) if rows else 0.0  # training time so far, pauses excluded
        tick = self._clock()
        observe = getattr(trainer, "observe", None)  # what the live views draw besides the curves
        observe_every_s = getattr(trainer, "observe_every_s", OBSERVE_EVERY_S)
        summary_every = getattr(trainer, "summary_every_steps", 1)  # TensorBoard scalars: every step, or every k-th
        observed_at = -math.inf
        limit_at = seconds + self.time_limit_s if self.time_limit_s > 0 else math.inf
        budget_s = cfg.budget_s  # a time budget ends the run instead of its epochs
        while (budget_s or step < self._total_steps) and not self._stop.is_set():
            if budget_s and seconds >= budget_s:
                break
            if seconds >= limit_at:  # this start's share of a hosted server's CPU is used up
                with self._lock:
                    self._state = next_state(self._state, "stop")
                    self._stop_reason = f"the server's limit of {self.time_limit_s / 60:g} min of training per start"
                self._stop.set()
                break
            if not self._unpaused.is_set():
                if not self._parked:
                    self._publish(parked=True)
                self._unpaused.wait(0.05)
                if self._single_updates:
                    self._single_update(trainer, batches)
                tick = self._clock()
                continue
            if self._parked:
                self._publish(parked=False)
            if self._priority is not None:
                self._priority.wait_turn()  # visitors first (gan_core.runs.priority)
            self._apply_live_changes(trainer, step)
            metrics = trainer.train_step(next(batches))
            step = metrics.step
            now = self._clock()
            rate = cfg.batch_size / max(now - tick, 1e-9)
            seconds += now - tick
            tick = now
            if step > start + 1:  # the first step after a (re)start includes compiling the graph
                ips = rate if ips == 0 else 0.9 * ips + 0.1 * rate
            row = metrics.as_dict() | {
                "images_per_sec": round(rate, 2),
                "epoch": step / steps_per_epoch,
                "seconds": round(seconds, 3),
                "time": round(time.time(), 3),  # wall clock (as TensorBoard's wall_time): when the step ended
            }
            pending.append(row)
            if step % summary_every == 0:
                self._summaries.scalars(row)
            with self._lock:
                self._step, self._ips, self._trained_s = step, ips, seconds
                for key in HISTORY_KEYS:
                    self._history[key].append(row[key])
            if observe is not None and now - observed_at >= observe_every_s:
                self._observe(observe)
                observed_at = now
            if step % cfg.sample_every == 0:
                self._save_frame(trainer, step)
            if evaluator is not None and step % cfg.eval_every == 0:
                self._evaluate(evaluator, trainer, step)
            due = step % (cfg.checkpoint_every or steps_per_epoch) == 0
            if due:
                self.store.append_metrics(pending)
                pending.clear()
                checkpoints.save()
                last_saved = step
                self.store.write_status(self._state.value, step, self._message)
        self._publish(parked=False)
        self.store.append_metrics(pending)
        if observe is not None:
            self._observe(observe)  # the view the page shows once the run has ended, kept in its folder
        if self._frame_step != step:
            self._save_frame(trainer, step)
        if step != last_saved:
            checkpoints.save()
        export_generator(trainer, self.store.dir)
        if self._stop.is_set():
            reason = f" ({self._stop_reason})" if self._stop_reason else ""
            self._end("stop", f"stopped at step {step:,}{reason}; checkpoint saved")
        elif budget_s:
            self._end("finish", f"finished its {plural(cfg.minutes, 'minute')} of training ({plural(step, 'step')}, "
                                f"{step / steps_per_epoch:.1f} epochs)")  # fmt: skip
        elif self.config.is_toy:  # its "epochs" are passes over 512 points: steps are what a class counts
            self._end("finish", f"finished {plural(step, 'step')}")
        else:
            self._end("finish", f"finished {plural(cfg.epochs, 'epoch')} ({plural(step, 'step')})")

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

    def _apply_live_changes(self, trainer: Any, step: int) -> None:
        """What the page changed while the run trains: the learning rate, the loss."""
        with self._lock:
            lr, self._new_rate = self._new_rate, None
            loss, self._new_loss = self._new_loss, None
        if lr is not None:
            trainer.g_optimizer.learning_rate.assign(lr)
            trainer.d_optimizer.learning_rate.assign(lr)
        if loss is not None and any(getattr(trainer.train_config, k) != v for k, v in loss.items()):
            trainer.change_loss(**loss)
            self._publish(message=f"training with the {loss['loss']} loss from step {step:,}")

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

    def _single_update(self, trainer: Any, batches: Any) -> None:
        part = self._single_updates.popleft()
        if not hasattr(trainer, "single_update"):
            return
        loss = trainer.single_update(part, next(batches))
        which = "D" if part == "d" else "G"
        self._publish(step=int(trainer.step.numpy()), observation=trainer.observe(),
                      message=f"paused; one {which} update taken ({which} loss {loss:.3f})")  # fmt: skip

    def _forget_pictures_after(self, step: int) -> None:
        """A resume from an earlier checkpoint: the grid and D's view of the discarded stretch are not shown as
        the run's (trim_to has removed its grids from the folder); the newest kept grid is."""
        latest = self.store.latest_frame()
        frame = self.store.frame_image(latest[0]) if latest else None
        observation = self._observation
        if getattr(observation, "step", -1) > step:
            observation = None
            self.store.d_view_path.unlink(missing_ok=True)
        self._last_preview = None
        self._publish(frame=frame, frame_step=latest[0] if latest else None, observation=observation,
                      frame_changes=self.store.frame_changes())  # fmt: skip

    def _observe(self, observe: Callable[[], Any]) -> None:
        observation = observe()
        self._publish(observation=observation)
        if isinstance(observation, DiscriminatorView):
            observation.save(self.store.d_view_path)

    def _save_frame(self, trainer: Any, step: int) -> None:
        preview = trainer.preview()
        grid = self.store.save_frame(step, preview)
        if self._summaries is not None:
            self._summaries.image(step, grid)
        changes = self._frame_changes
        if self._last_preview is not None and self._last_preview.shape == preview.shape:
            changes = [*changes[-9:], float(np.abs(preview.astype(np.int16) - self._last_preview).mean())]
        self._last_preview = preview
        self._publish(frame=grid, frame_step=step, frame_changes=changes)

    def _evaluate(self, evaluator: Any, trainer: Any, step: int) -> None:
        """One live evaluation; a new lowest FID marks this step as the run's best and keeps its generator."""
        from gan_core.runs.store import BEST_GENERATOR_WEIGHTS

        row = evaluator.evaluate(trainer, step).as_dict()
        self.store.append_eval(row)
        if self._summaries is not None:
            self._summaries.evaluation(row)
        if "fid" not in row:  # a measure with no "best" to keep (a toy run's modes covered)
            self._publish(evals=[*self._evals, row])
            return
        best = self._best
        if best is None or row["fid"] < best["fid"]:
            tmp = self.store.dir / f".{BEST_GENERATOR_WEIGHTS}.tmp.weights.h5"
            trainer.sampling_generator.save_weights(str(tmp))
            tmp.replace(self.store.dir / BEST_GENERATOR_WEIGHTS)
            best = {"step": step, "fid": row["fid"], "n": row["n"]}
            self.store.write_best(best)
        self._publish(evals=[*self._evals, row], best=best)
