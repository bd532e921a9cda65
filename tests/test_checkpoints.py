"""Checkpoints: exact round trips, a kill in the middle of a save, and checkpoints from elsewhere."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from conftest import REPO
from gan_fixtures import tiny_model, tiny_run_config

from gan_core.runs.checkpoints import CheckpointMismatchError, RunCheckpoints
from gan_core.training.config import TrainConfig
from gan_core.training.engine import GANTrainer
from gan_core.training.run_config import RunConfig


def test_restore_gives_back_weights_optimizer_state_step_and_preview_noise(tmp_path: Path) -> None:
    live = GANTrainer(tiny_model(), TrainConfig(batch_size=8))
    batch = tf.random.uniform([8, 28, 28, 1], -1, 1)
    for _ in range(3):
        live.train_step(batch)
    RunCheckpoints(tmp_path, live).save()
    fresh = GANTrainer(tiny_model(), TrainConfig(batch_size=8, seed=99))  # different preview noise
    assert RunCheckpoints(tmp_path, fresh).restore() == 3
    for a, b in zip(live.g_optimizer.variables + live.d_optimizer.variables,
                    fresh.g_optimizer.variables + fresh.d_optimizer.variables, strict=True):  # fmt: skip
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(live.preview_noise.numpy(), fresh.preview_noise.numpy())
    np.testing.assert_array_equal(live.preview(), fresh.preview())


def test_checkpoint_of_another_architecture_is_a_clear_error(tmp_path: Path) -> None:
    RunCheckpoints(tmp_path, GANTrainer(tiny_model(), TrainConfig())).save()
    wider = GANTrainer(tiny_model().__class__(**{**tiny_model().to_dict(), "g_width": 16}), TrainConfig())
    with pytest.raises(CheckpointMismatchError, match=r"does not fit the model in config\.json"):
        RunCheckpoints(tmp_path, wider).restore()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "is not valid JSON"),
        (json.dumps({"format": "someone-elses/1"}), "is not a GAN Playground run"),
        (json.dumps({"format": "gan-playground/run-v1", "model": {"layers": 99}, "train": {}}), "unknown model"),
        (json.dumps({"format": "gan-playground/run-v1", "model": {"image_shape": [30, 30, 1]}, "train": {}}),
         "not supported"),
    ],
)  # fmt: skip
def test_config_from_elsewhere_is_validated_before_anything_is_built(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RunConfig.from_json(text)


SAVER = """
import sys, tensorflow as tf
sys.path[:0] = ["tests", "."]
from gan_fixtures import tiny_model
from gan_core.runs.checkpoints import RunCheckpoints
from gan_core.training.config import TrainConfig
from gan_core.training.engine import GANTrainer
from pathlib import Path
trainer = GANTrainer(tiny_model(64, 3).__class__(**{**tiny_model(64, 3).to_dict(), "g_width": 32}), TrainConfig())
checkpoints = RunCheckpoints(Path(sys.argv[1]), trainer, keep=2)
print("ready", flush=True)
while True:
    trainer.step.assign_add(1)
    for v in trainer.generator.trainable_variables:
        v.assign(tf.fill(v.shape, float(trainer.step.numpy())))
    checkpoints.save()
    if trainer.step.numpy() == 1:
        print("saved", flush=True)
"""


def test_killing_the_process_during_saves_leaves_a_loadable_checkpoint(tmp_path: Path) -> None:
    """SIGKILL a process that saves a ~20 MB checkpoint in a loop, at several moments; the latest always loads."""
    for delay in (0.0, 0.5, 0.9):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        assert proc.stdout.readline().strip() == b"saved"  # one whole checkpoint, however busy the machine is
        time.sleep(delay)  # then a kill at some moment of the saves that follow
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        model = tiny_model(64, 3).__class__(**{**tiny_model(64, 3).to_dict(), "g_width": 32})
        trainer = GANTrainer(model, TrainConfig())
        step = RunCheckpoints(tmp_path, trainer).restore()
        assert step is not None and step >= 1
        for v in trainer.generator.trainable_variables:  # every tensor from the same, complete save
            assert np.all(v.numpy() == step)


def test_run_config_round_trips_with_lineage() -> None:
    cfg = tiny_run_config(loss="hinge", diffaugment=("translation", "cutout"))
    again = RunConfig.from_json(RunConfig(cfg.model, cfg.train, parent="base@40").to_json())
    assert again.model == cfg.model and again.train == cfg.train and again.parent == "base@40"
