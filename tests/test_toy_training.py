"""Toy GANs on the run machinery: a real short run that learns modes, the gradient field, slow motion, resume."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from gan_core.models.toy_config import ToyModelConfig
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.runs.store import list_runs
from gan_core.toy.picture import field_shares
from gan_core.toy.presets import save_own_points, toy_run_config
from gan_core.training.run_config import RunConfig


def wait_for(run: TrainingRun, condition, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snap = run.snapshot(with_history=False)
        if condition(snap):
            return snap
        assert snap.state is not RunState.FAILED, snap.message
        time.sleep(0.1)
    raise AssertionError(f"timed out; last: {run.snapshot(with_history=False).message}")


def test_a_short_real_toy_run_covers_more_modes_than_it_started_with(tmp_path: Path) -> None:
    run = TrainingRun(tmp_path / "ring", toy_run_config("ring", "lsgan", steps=2000))
    run.start()
    snap = wait_for(run, lambda s: s.state is RunState.FINISHED)
    first, last = snap.evals[0], snap.evals[-1]
    assert first["step"] == 250 and first["modes_covered"] < last["modes_covered"]
    assert last["high_quality"] > first["high_quality"]
    observation = snap.observation
    assert observation.real.shape == (512, 2) and observation.fake.shape == (512, 2)
    shares = field_shares(observation)  # lsgan's D gives a score, drawn squashed into [0, 1]
    assert observation.field.shape == (48, 48) and not observation.field_is_probability
    assert 0 <= shares.min() < 0.3 and 0.7 < shares.max() <= 1
    assert observation.manifold.shape == (22, 41, 2) and np.isfinite(observation.push).all()
    # Its folder is a run like any other: config, metrics, frames (the scatter pictures), a checkpoint.
    saved = RunConfig.read(tmp_path / "ring")
    assert saved.is_toy and saved.model == ToyModelConfig()
    assert run.store.read_metrics() and run.store.checkpoint_steps()
    assert [r.name for r in list_runs(tmp_path, toy=True)] == ["ring"] and list_runs(tmp_path) == []  # its own list
    frame = run.store.frame_image(run.store.frames()[-1][0])
    assert frame.shape[2] == 3 and 256 <= frame.shape[0] <= 264 and len(np.unique(frame.reshape(-1, 3), axis=0)) > 20


def test_slow_motion_updates_one_network_at_a_time_then_the_run_resumes_on(tmp_path: Path) -> None:
    run = TrainingRun(tmp_path / "slow", toy_run_config("moons", steps=400, checkpoint_every=100))
    run.start()
    wait_for(run, lambda s: s.step >= 50)
    run.pause()
    wait_for(run, lambda s: s.parked)  # the thread is between steps, waiting
    before = run.snapshot(with_history=False)
    run.single_update("d")
    after_d = wait_for(run, lambda s: "one D update" in s.message)
    assert after_d.step == before.step  # D's update is not a step
    np.testing.assert_array_equal(after_d.observation.fake, wait_for(run, lambda s: True).observation.fake)
    run.single_update("g")
    after_g = wait_for(run, lambda s: "one G update" in s.message)
    assert after_g.step == before.step + 1
    assert np.abs(after_g.observation.fake - after_d.observation.fake).max() > 0  # G moved its points
    np.testing.assert_array_equal(after_g.observation.field, after_d.observation.field)  # D did not change
    run.resume()
    wait_for(run, lambda s: s.state is RunState.FINISHED)
    with pytest.raises(Exception, match="pause the run first"):
        run.single_update("g")
    assert run.store.checkpoint_steps()[-1] == run.snapshot().total_steps  # the last step's checkpoint


@pytest.mark.parametrize("loss", ["bce", "hinge", "wgan-gp", "lsgan"])
def test_the_push_on_each_fake_point_is_minus_the_gradient_of_gs_loss(loss: str) -> None:
    import tensorflow as tf

    from gan_core.toy.trainer import ToyTrainer

    config = toy_run_config("ring", loss=loss)
    trainer = ToyTrainer(ToyModelConfig(d_width=4, d_depth=1), config.train)
    points = np.random.default_rng(0).normal(0, 1.5, (6, 2)).astype(np.float64)
    push = trainer.generator_push(points).numpy()

    def point_loss(p: np.ndarray) -> float:
        logit = trainer.discriminator(tf.constant(p[None], tf.float32), training=False)
        return float(trainer._g_loss(logit))

    h = 1e-2
    for p, arrow in zip(points, push, strict=True):
        numeric = -np.array([(point_loss(p + h * e) - point_loss(p - h * e)) / (2 * h) for e in np.eye(2)])
        assert np.linalg.norm(arrow) > 1e-6
        cosine = arrow @ numeric / (np.linalg.norm(arrow) * np.linalg.norm(numeric))
        assert cosine > 0.999 and np.linalg.norm(arrow) == pytest.approx(np.linalg.norm(numeric), rel=0.02)


def test_a_shape_with_no_modes_is_measured_in_parts_that_tell_a_learned_shape_from_a_collapsed_one() -> None:
    from gan_core.toy.distributions import distribution
    from gan_core.toy.metrics import PARTS, mode_coverage, shape_parts

    for name in ("spiral", "moons"):
        shape = distribution(name)
        parts = shape_parts(shape)
        assert parts.has_modes and len(parts.modes) == PARTS and parts.std > 0
        real = mode_coverage(shape.sample(2_500, seed=3), parts)  # the real data is "done" by this measure
        assert real.covered == PARTS and 0.85 < real.high_quality < 0.95
        points = shape.sample(2_500, seed=4)
        half = mode_coverage(points[points[:, 0] > 0], parts)  # half the shape: about half its parts
        assert 4 <= half.covered <= 12
        blob = mode_coverage(np.random.default_rng(0).normal(0, 1, (2_500, 2)).astype(np.float32), parts)
        assert blob.high_quality < 0.5 and blob.covered < PARTS  # a cloud is neither on the shape nor all of it


def test_a_spiral_run_says_how_much_of_the_shape_it_covers(tmp_path: Path, capsys) -> None:
    from gan_core.cli import main

    assert main(["toy", "--data", "spiral", "--steps", "2000", "--out", str(tmp_path / "spiral")]) == 0
    out = capsys.readouterr().out
    assert "nothing measured" not in out and "parts of the shape" in out
    last = [line for line in out.splitlines() if line.startswith("step")][-1]
    covered = int(last.split("parts of the shape ")[1].split("/")[0])
    assert covered >= 12, last  # 2,000 steps learn most of the spiral (12 of 16 parts at 1,000, 16 from 1,750 on)


def test_a_run_on_a_persons_points_trains_on_them_and_reopens(tmp_path: Path) -> None:
    angle = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    heart = np.stack([16 * np.sin(angle) ** 3, 13 * np.cos(angle) - 5 * np.cos(2 * angle)], 1)
    save_own_points(tmp_path / "heart", heart)
    run = TrainingRun(tmp_path / "heart", toy_run_config("own", steps=300, checkpoint_every=100, eval_every=100))
    run.start()
    snap = wait_for(run, lambda s: s.state is RunState.FINISHED)
    assert [row["step"] for row in snap.evals] == [100, 200, 300]  # a drawn shape is measured in parts too
    assert all(row["unit"] == "parts" and row["modes"] == 16 for row in snap.evals)
    assert np.abs(snap.observation.real).max() <= 2.2  # rescaled into the view
    reopened = TrainingRun(tmp_path / "heart")
    assert reopened.config.train.dataset == "own" and reopened.snapshot().step == snap.total_steps >= 300


def test_the_cli_trains_a_toy_run_headless_and_prints_the_modes_it_covers(tmp_path: Path, capsys) -> None:
    from gan_core.cli import main

    out = tmp_path / "cli-ring"
    assert main(["toy", "--data", "ring", "--loss", "lsgan", "--steps", "750", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    lines = [line for line in printed if "modes " in line]
    assert len(lines) == 3 and lines[0].lstrip().startswith("step    250")  # one line per measurement
    covered = [int(line.split("modes ")[1].split("/")[0]) for line in lines]
    assert covered[-1] > covered[0] and all(line.split("modes ")[1].split()[0].endswith("/8") for line in lines)
    assert printed[-1].startswith("finished 768 steps") and "epoch" not in printed[-1]  # steps, not epochs
    assert main(["toy", "--out", str(out), "--seconds", "1"]) == 0  # the same folder again: resumed
    resumed = capsys.readouterr().out
    assert "resuming" in resumed and "step    250" not in resumed  # issue 26.12: no reprint of the old lines
    assert main(["toy", "--out", str(out), "--loss", "hinge", "--seed", "0"]) == 2  # a changed flag is not ignored
    assert "trained with other settings (--loss hinge)" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # refused by the parser, before any folder (tests/test_cli_words.py)
        main(["toy", "--points", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "p")])
    assert "missing.csv" in capsys.readouterr().err and not (tmp_path / "p").exists()


def test_one_dimensional_noise_draws_g_as_a_curve() -> None:
    from gan_core.toy.trainer import ToyTrainer
    from gan_core.toy.views import PlaneLayers, plane_figure

    config = toy_run_config("moons", noise_dim=1)
    trainer = ToyTrainer(config.model, config.train)  # type: ignore[arg-type]
    observation = trainer.observe()
    assert observation.manifold.shape == (1, 201, 2) and observation.fake.shape == (512, 2)
    fig = plane_figure(observation, PlaneLayers(manifold=True))
    curve = next(t for t in fig.data if t.name == "G's noise grid")
    assert np.isfinite(np.asarray(curve.x, float)).sum() == 201  # one unbroken line


def test_the_losses_work_on_points_too() -> None:
    """The gradient penalty on rank-2 batches, and least squares' accuracy threshold at 0.5 (its targets 1 and 0)."""
    import keras
    import tensorflow as tf

    from gan_core.training.losses import discriminator_accuracy, gradient_penalty

    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    critic.layers[0].kernel.assign([[3.0], [4.0]])  # a linear critic: its gradient norm is 5 everywhere
    real, fake = tf.random.normal([16, 2]), tf.random.normal([16, 2])
    assert float(gradient_penalty(critic, real, fake)) == pytest.approx((5.0 - 1.0) ** 2, rel=1e-5)
    real_out, fake_out = tf.constant([0.7, 0.9]), tf.constant([0.3, 0.6])
    assert [float(v) for v in discriminator_accuracy(real_out, fake_out, "lsgan")] == [1.0, 0.5]
    assert [float(v) for v in discriminator_accuracy(real_out, fake_out, "bce")] == [1.0, 0.0]
