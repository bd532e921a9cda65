"""Every run writes a TensorBoard log beside its metric store: scalars, live measures and sample grids."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config
from PIL import Image

from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.runs.tensorboard import TENSORBOARD_DIR
from gan_core.toy.presets import toy_run_config


def events(folder: Path) -> list[tuple[int, str, tf.compat.v1.Summary.Value]]:
    """(step, tag, value) of every summary in a run's event files, read with TensorFlow's own iterator."""
    found = []
    for path in sorted((folder / TENSORBOARD_DIR).glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            found += [(event.step, value.tag, value) for value in event.summary.value]
    return found


def finish(run: TrainingRun, timeout: float = 90) -> None:
    run.start()
    deadline = time.monotonic() + timeout
    while run.state is not RunState.FINISHED:
        assert run.state is not RunState.FAILED, run.snapshot().message
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_an_image_run_logs_its_losses_accuracies_speed_and_sample_grids(tmp_path: Path) -> None:
    folder = run_dir(tmp_path)
    run = TrainingRun(folder, tiny_run_config(epochs=2, sample_every=2), data_loader=synthetic_loader)
    finish(run)
    logged = events(folder)
    tags = {tag for _, tag, _ in logged}
    assert {"d_loss_real", "d_loss_fake", "g_loss", "d_acc_real", "d_acc_fake", "images_per_sec", "samples"} <= tags
    rows = run.store.read_metrics()
    g_loss = {step: tf.make_ndarray(value.tensor).item() for step, tag, value in logged if tag == "g_loss"}
    assert sorted(g_loss) == [r["step"] for r in rows]  # every step, the same numbers as the metric store
    np.testing.assert_allclose([g_loss[r["step"]] for r in rows], [r["g_loss"] for r in rows], rtol=1e-6)
    images = [(step, value) for step, tag, value in logged if tag == "samples"]
    assert [step for step, _ in images] == [s for s, _ in run.store.frames()]
    width, height, png = tf.make_ndarray(images[-1][1].tensor)  # the image plugin's [width, height, PNG]
    grid = np.asarray(Image.open(io.BytesIO(png)))
    assert grid.shape[:2] == (int(height), int(width)) == run.store.frame_image(images[-1][0]).shape[:2]


def test_a_toy_run_logs_every_tenth_step_and_its_modes_covered(tmp_path: Path) -> None:
    folder = tmp_path / "toy"
    finish(TrainingRun(folder, toy_run_config("ring", steps=500, eval_every=250)))
    logged = events(folder)
    steps = sorted({step for step, tag, _ in logged if tag == "g_loss"})
    assert steps[:3] == [10, 20, 30] and all(step % 10 == 0 for step in steps)
    covered = [step for step, tag, _ in logged if tag == "live/modes_covered"]
    assert covered == [250, 500]
