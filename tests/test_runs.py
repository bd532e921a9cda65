"""The background run: every state transition, stop leaves a checkpoint, resume continues, NaN keeps the last good."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config

from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import InvalidTransitionError, RunState
from gan_core.runs.store import list_runs
from gan_core.training.engine import GANTrainer


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def make_run(tmp_path: Path, name: str = "run", **train) -> TrainingRun:
    return TrainingRun(run_dir(tmp_path, name), tiny_run_config(**train), data_loader=synthetic_loader)


def test_full_lifecycle_start_pause_resume_stop(tmp_path: Path) -> None:
    run = make_run(tmp_path, epochs=1000)
    assert run.state is RunState.IDLE
    with pytest.raises(InvalidTransitionError, match="cannot pause this run: it has not been started"):
        run.pause()
    run.start()
    with pytest.raises(InvalidTransitionError, match="cannot start this run: it is already running"):
        run.start()
    wait_for(lambda: run.snapshot().step >= 3)
    run.pause()
    wait_for(lambda: run.snapshot().parked)  # the step in flight has finished; then nothing moves
    paused_at = run.snapshot().step
    time.sleep(0.5)
    assert run.snapshot().step == paused_at and run.state is RunState.PAUSED
    with pytest.raises(InvalidTransitionError, match="it is paused"):
        run.pause()
    run.resume()
    wait_for(lambda: run.snapshot().step > paused_at + 2)
    snap = run.stop(wait=60)
    assert not run.saving  # stop returned once the thread had written its checkpoint (bench: how fast)
    assert snap.state is RunState.STOPPED and "checkpoint saved" in snap.message
    assert snap.checkpoint_steps[-1] == snap.step  # stop left a checkpoint at the last step
    with pytest.raises(InvalidTransitionError, match="it has stopped"):
        run.resume()


def test_stop_while_paused_saves_and_stops(tmp_path: Path) -> None:
    run = make_run(tmp_path, epochs=1000)
    run.start()
    wait_for(lambda: run.snapshot().step >= 2)
    run.pause()
    snap = run.stop()
    assert snap.state is RunState.STOPPED
    assert snap.checkpoint_steps and snap.checkpoint_steps[-1] == snap.step


def test_run_finishes_with_frames_checkpoints_and_generator(tmp_path: Path) -> None:
    run = make_run(tmp_path, epochs=2)  # 64 images / batch 16: 4 steps per epoch
    run.start()
    assert run.join(120)
    snap = run.snapshot()
    assert snap.state is RunState.FINISHED and snap.step == 8 and snap.message == "finished 2 epochs (8 steps)"
    assert [s for s, _ in run.store.frames()] == [0, 2, 4, 6, 8]
    assert snap.frame is not None and snap.frame_step == 8
    assert snap.checkpoint_steps == (4, 8)
    assert (run.store.dir / "generator.weights.h5").is_file()
    assert snap.observation is not None and snap.observation.step == 8  # D's view at the end, kept in the folder
    reopened = TrainingRun(run.store.dir, data_loader=synthetic_loader).snapshot().observation  # issue 26.6
    assert reopened is not None and reopened.step == 8 and len(reopened.fake) == len(snap.observation.fake)
    assert snap.history["step"] == (1, 2, 3, 4, 5, 6, 7, 8)
    assert all(0 <= a <= 1 for a in snap.history["d_acc_real"])
    assert list_runs(tmp_path / "runs")[0].state == "finished"


def test_resume_restores_exact_step_optimizer_state_and_curves(tmp_path: Path) -> None:
    first = make_run(tmp_path, epochs=1000, checkpoint_every=1000)
    first.start()
    wait_for(lambda: first.snapshot().step >= 5)
    stopped = first.stop()
    step = stopped.step
    saved = [v.numpy() for v in _trainer_from(first.store.dir, stopped).d_optimizer.variables]

    again = TrainingRun(first.store.dir, data_loader=synthetic_loader)  # the folder says what to build
    assert again.snapshot().step == step and again.snapshot().history["step"] == tuple(range(1, step + 1))
    restored = _trainer_from(again.store.dir, again.snapshot())
    for var, before in zip(restored.d_optimizer.variables, saved, strict=True):
        np.testing.assert_array_equal(var.numpy(), before)
    assert int(restored.d_optimizer.iterations.numpy()) == step

    again.start()
    wait_for(lambda: again.snapshot().step >= step + 3)
    snap = again.stop()
    assert snap.history["step"] == tuple(range(1, snap.step + 1))  # one unbroken curve across the resume


def _trainer_from(folder: Path, snap) -> GANTrainer:
    from gan_core.runs.checkpoints import RunCheckpoints
    from gan_core.training.run_config import RunConfig

    cfg = RunConfig.read(folder)
    trainer = GANTrainer(cfg.model, cfg.train)
    assert RunCheckpoints(folder, trainer).restore() == snap.step
    return trainer


class PoisonedTrainer(GANTrainer):
    """Turns a discriminator weight into NaN before step `poison_at` (a diverging run, on demand)."""

    poison_at = 7

    def train_step(self, batch):
        if int(self.step.numpy()) + 1 == self.poison_at:
            kernel = self.discriminator.trainable_variables[0]
            kernel.assign(tf.fill(kernel.shape, float("nan")))
        return super().train_step(batch)


def test_nan_stops_the_run_and_keeps_the_last_good_checkpoint(tmp_path: Path) -> None:
    folder = run_dir(tmp_path)
    run = TrainingRun(folder, tiny_run_config(epochs=10), data_loader=synthetic_loader, trainer_factory=PoisonedTrainer)
    run.start()
    assert run.join(120)
    snap = run.snapshot()
    assert snap.state is RunState.FAILED
    assert "became nan at step 7 — try a lower learning rate" in snap.message
    assert "The last good checkpoint (step 4) is kept" in snap.message
    assert snap.checkpoint_steps == (4,)

    resumed = TrainingRun(folder, data_loader=synthetic_loader)
    resumed.start()
    assert resumed.join(120)
    assert resumed.snapshot().state is RunState.FINISHED and resumed.snapshot().step == 40


def test_an_exception_in_the_thread_becomes_a_failed_state_with_its_reason(tmp_path: Path) -> None:
    def broken_loader(config):
        raise OSError("disk on fire")

    run = TrainingRun(run_dir(tmp_path), tiny_run_config(), data_loader=broken_loader)
    run.start()
    assert run.join(60)
    assert run.state is RunState.FAILED and run.snapshot().message == "failed: OSError: disk on fire."


def test_registry_caps_concurrent_runs_and_queues_the_rest(tmp_path: Path) -> None:
    def factory(path, config, on_end):
        return TrainingRun(path, config, data_loader=synthetic_loader, on_end=on_end)

    registry = RunRegistry(tmp_path / "runs", max_concurrent=1, run_factory=factory)
    registry.open("a", tiny_run_config(epochs=1000), owner="alice")
    registry.open("b", tiny_run_config(epochs=1), owner="bob")
    assert registry.start("a") is RunState.RUNNING
    assert registry.start("b") is RunState.QUEUED
    assert registry.queue_position("b") == 1
    assert [r.name for r in registry.owned_by("bob")] == ["b"]
    registry.get("a").stop()
    wait_for(lambda: registry.get("b").state is not RunState.QUEUED)
    assert registry.queue_position("b") is None
    assert registry.get("b").join(120) and registry.get("b").state is RunState.FINISHED


def test_a_new_run_cannot_take_the_name_of_a_saved_run_of_another_model(tmp_path: Path) -> None:
    from gan_core.errors import PlaygroundError

    registry = RunRegistry(tmp_path / "runs")
    registry.open("taken", tiny_run_config())
    conditional = tiny_run_config(conditional=True)
    with pytest.raises(PlaygroundError, match="a saved run is already called 'taken'"):
        registry.open("taken", conditional)
    with pytest.raises(PlaygroundError, match="trains another model or dataset; choose another name"):
        registry.open("taken", conditional, overwrite=True)  # even when asked to replace its settings
    more_epochs = tiny_run_config(epochs=9)  # the same model: continuing with more epochs is fine, when asked
    assert registry.open("taken", more_epochs, overwrite=True).config.train.epochs == 9


def test_a_start_refused_by_a_bad_setting_leaves_no_folder_and_a_saved_run_keeps_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 36.6: a failed start left a folder holding only config.json, listed as "unknown · step 0"."""
    from gan_core.runs.registry import RunRegistry

    registry = RunRegistry(tmp_path, run_factory=functools.partial(TrainingRun, data_loader=synthetic_loader))
    registry.open("saved", tiny_run_config(epochs=1))
    registry.start("saved")
    assert registry.get("saved").join(120)
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "bogus")
    registry.open("new", tiny_run_config(epochs=1))
    with pytest.raises(ValueError, match="bogus"):
        registry.start("new")
    assert not (tmp_path / "new").exists() and registry.get("new") is None
    with pytest.raises(ValueError, match="bogus"):
        registry.continue_run("saved")
    assert registry.get("saved").store.checkpoint_steps()  # a saved run's folder is its own: nothing removed
    assert [r.name for r in list_runs(tmp_path)] == ["saved"]


def test_a_resume_from_an_earlier_checkpoint_shows_no_picture_of_the_discarded_stretch(tmp_path: Path) -> None:
    """Issue 36.4: after an interrupted run resumed from step 281, the page showed "fixed noise, step 400" and
    "What D says (step 387)" from the stretch the resume threw away."""
    import numpy as np

    from gan_core.training.d_view import DiscriminatorView

    run = make_run(tmp_path, epochs=1)
    run.start()
    assert run.join(120) and run.state is RunState.FINISHED
    saved = run.store.checkpoint_steps()[-1]
    far = saved + 10_000  # the interrupted stretch: a grid and a D view the checkpoint does not hold
    run.store.save_frame(far, np.zeros((4, 28, 28, 1), np.uint8))
    DiscriminatorView(far, np.zeros(4, np.float32), np.ones(4, np.float32), True, 0.5).save(run.store.d_view_path)
    run.store.write_status("running", far, "training")
    again = TrainingRun(run.store.dir, tiny_run_config(epochs=1000), data_loader=synthetic_loader)
    assert again.snapshot().frame_step == far  # before it trains on: what the run last drew, interrupted
    again.start()
    wait_for(lambda: again.snapshot().message == "training" and saved < again.snapshot().step < far)
    snap = again.snapshot(with_history=False)
    again.stop(wait=60)
    assert snap.frame_step is not None and snap.frame_step <= saved
    assert snap.observation is None or snap.observation.step < far
    assert all(step <= snap.step for step, _ in again.store.frames()[:-1])
