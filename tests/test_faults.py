"""Faults a run folder meets in the wild: a disk that fills during a checkpoint save, a metrics line torn by a
killed writer. Each gets a clear message and loses nothing that was saved before."""

from __future__ import annotations

import errno
import json

import tensorflow as tf
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config

from gan_core.runs.run import TrainingRun
from gan_core.runs.sampler import RunSampler
from gan_core.runs.store import RunStore


def test_a_full_disk_during_a_checkpoint_stops_the_run_and_the_previous_checkpoint_loads(tmp_path, monkeypatch):
    folder = run_dir(tmp_path)
    real_save = tf.train.CheckpointManager.save

    def fills_up(self, checkpoint_number=None, **kwargs):
        if checkpoint_number and checkpoint_number >= 8:  # the second save: the disk is full by now
            (tmp_path / "runs" / "run" / "checkpoints" / f"ckpt-{checkpoint_number}.data-00000-of-00001").write_bytes(
                b"half a checkpoint")  # fmt: skip
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, checkpoint_number=checkpoint_number, **kwargs)

    monkeypatch.setattr(tf.train.CheckpointManager, "save", fills_up)
    run = TrainingRun(folder, tiny_run_config(epochs=4, checkpoint_every=4), data_loader=synthetic_loader)
    run.start()
    assert run.join(120)
    snap = run.snapshot()
    assert snap.state.value == "failed"
    assert "the disk is full (no space left on device) while saving the checkpoint of step 8" in snap.message
    assert "The last good checkpoint (step 4) is kept" in snap.message and "Traceback" not in snap.message
    assert not list((folder / "checkpoints").glob("ckpt-8.*"))  # the partial files are gone: space back
    monkeypatch.undo()
    sampler = RunSampler(folder)  # the previous checkpoint loads as before
    assert sampler.step == 4 and sampler.sample(2, seed=0).shape[0] == 2


def test_a_torn_last_metrics_line_does_not_stop_the_run_from_opening_or_training_on(tmp_path) -> None:
    folder = run_dir(tmp_path)
    run = TrainingRun(folder, tiny_run_config(epochs=1), data_loader=synthetic_loader)
    run.start()
    assert run.join(120)
    store = RunStore(folder)
    rows = store.read_metrics()
    with open(store.metrics_path, "a") as f:
        f.write('{"step": 999, "d_loss_re')  # a writer killed mid-line
    reopened = TrainingRun(folder, data_loader=synthetic_loader)  # opens: the torn line is ignored
    assert reopened.snapshot().step == rows[-1]["step"]
    store.append_eval({"step": rows[-1]["step"], "fid": 1.0})
    store._append(store.metrics_path, [{"step": 1000, "g_loss": 0.5}])  # the next row starts on its own line
    lines = store.metrics_path.read_text().splitlines()
    assert json.loads(lines[-1]) == {"step": 1000, "g_loss": 0.5}
    assert [r["step"] for r in store.read_metrics()][-1] == 1000
