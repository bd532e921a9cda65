"""The loop that trains a run here, in this process: load the data, build or restore the trainer, then step,
checking the run's stop and pause flags between steps; metrics, frames, checkpoints and status go to the run folder
and the latest of each to the run's fields, which its snapshot reads. It runs in a thread of the server, or of a
training process (gan_core.runs.worker); it never touches the UI. TensorFlow is imported here, on first use.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from gan_core.data import ImageDataset, load_dataset
from gan_core.errors import PlaygroundError
from gan_core.runs.bundled import shipped_images
from gan_core.runs.snapshot import HISTORY_KEYS
from gan_core.runs.state import RunState, next_state
from gan_core.runs.tensorboard import RunSummaries
from gan_core.training.d_view import DiscriminatorView
from gan_core.training.recipe import ImageRecipe, TrainingRecipe
from gan_core.training.run_config import RunConfig
from gan_core.words import plural

log = logging.getLogger(__name__)

OBSERVE_EVERY_S = 2.0  # how often a trainer that shows itself publishes what the views draw, unless it says


def load_training_data(config: RunConfig) -> ImageDataset:
    """The training split of the run's dataset (own-image folders have no test split)."""
    return load_dataset(config.train.dataset, source=config.train.source).split("train")  # type: ignore[arg-type]


def _cluster_failure(exc: BaseException) -> str | None:
    from gan_core.training.cluster import cluster_failure

    return cluster_failure(exc)


class TrainsHere:
    """TrainingRun's training loop in this process (the handle, its states and controls are in gan_core.runs.run).
    Works on the run's own fields: what it publishes, it sets under the run's lock."""

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
