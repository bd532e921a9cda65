"""Two worker processes on loopback ports, configured by TF_CONFIG: the same weights, one writer, a dead worker
reported in one sentence, and a resume from the chief's checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import REPO
from gan_fixtures import random_png_uploads

from bench.live_server import free_port
from gan_core.cli import main
from gan_core.training.cluster import cluster_role

ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}  # two workers share 2 cores with
# the rest of the suite


@pytest.fixture
def tiny_images(tmp_path: Path) -> Path:
    """An imported set of 32 random 32x32 pictures: 4 steps an epoch at batch 8."""
    folder = tmp_path / "pictures"
    folder.mkdir()
    for name, data in random_png_uploads(32, side=32):
        (folder / name).write_bytes(data)
    assert main(["import-images", str(folder), "--out", str(tmp_path / "tiny"), "--size", "32"]) == 0
    return tmp_path / "tiny"


def start_workers(out: Path, dataset: Path, epochs: int, timeout_s: int = 10) -> list[subprocess.Popen]:
    """Both workers of a two-worker cluster on this machine (a resume when `out` holds a run: only --epochs)."""
    ports = [free_port(), free_port()]
    settings = [] if (out / "config.json").is_file() else ["--dataset", str(dataset), "--batch-size", "8"]
    workers = []
    for index in range(2):
        cluster = {"worker": [f"localhost:{port}" for port in ports]}
        tf_config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "gan_core", "train", "--out", str(out), "--epochs", str(epochs), *settings,
             "--worker-timeout", str(timeout_s), "--log-every", "1"],
            cwd=REPO, env={**os.environ, **ONE_THREAD, "TF_CONFIG": json.dumps(tf_config)}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        ))  # fmt: skip
    return workers


def finish(workers: list[subprocess.Popen], timeout: float = 180) -> list[str]:
    outputs = [w.communicate(timeout=timeout)[0] for w in workers]
    for worker, output in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, output[-2000:]
    return outputs


def weights(path: Path) -> list[np.ndarray]:
    found: list[np.ndarray] = []
    with h5py.File(path) as f:
        f.visititems(lambda _, item: found.append(item[()]) if isinstance(item, h5py.Dataset) else None)
    return found


def prepared(folder: Path, dataset: Path, epochs: int) -> None:
    """A run folder holding only its config: the dataset's defaults with DiffAugment left out (it draws per
    replica, so with it two workers would not compute what one does), networks an eighth as wide, batch 8."""
    from gan_core.data import load_dataset
    from gan_core.training.presets import default_run_config
    from gan_core.training.run_config import RunConfig

    data = load_dataset(str(dataset))
    config = default_run_config(data.info, train_count=data.train_count)
    model = replace(config.model, g_width=8, d_width=8)  # an eighth of the width: the cluster is the subject
    config = RunConfig(model, config.train.with_changes(diffaugment=(), epochs=epochs, batch_size=8))
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(config.to_json())


def test_two_workers_train_in_step_write_once_and_compute_what_one_worker_does(tmp_path: Path, tiny_images) -> None:
    out, alone = tmp_path / "runs" / "cluster", tmp_path / "runs" / "alone"
    prepared(out, tiny_images, epochs=2)
    prepared(alone, tiny_images, epochs=2)
    chief_log, worker_log = finish(start_workers(out, tiny_images, epochs=2))
    assert "worker 0 of 2 tasks (the chief)" in chief_log and "worker 1 of 2 tasks" in worker_log
    scratch = Path(worker_log.split("writing to scratch ")[1].split(";")[0])
    assert scratch.is_dir() and not scratch.is_relative_to(out)
    # Both hold the same weights after the same 8 steps.
    ours, theirs = weights(out / "generator.weights.h5"), weights(scratch / "generator.weights.h5")
    assert len(ours) == len(theirs) > 4
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # One writer: one metrics row per step (two writers left two), the chief's checkpoints and TensorBoard log.
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == list(range(1, 9))
    assert sorted(p.name for p in (out / "checkpoints").glob("ckpt-*.index")) == ["ckpt-4.index", "ckpt-8.index"]
    assert json.loads((out / "status.json").read_text())["state"] == "finished"
    assert len(list((out / "tensorboard").glob("events.out.tfevents.*"))) == 1  # one process wrote its log here
    assert (scratch / "metrics.jsonl").is_file()  # the other wrote its own, elsewhere
    # The same run on one worker, at the same global batch and seed: the same losses.
    single = subprocess.run([sys.executable, "-m", "gan_core", "train", "--out", str(alone)], cwd=REPO,
                            env={**{k: v for k, v in os.environ.items() if k != "TF_CONFIG"}, **ONE_THREAD},
                            capture_output=True,
                            text=True, timeout=180)  # fmt: skip
    assert single.returncode == 0, single.stdout[-2000:] + single.stderr[-2000:]
    one = [json.loads(line) for line in (alone / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in one] == [r["step"] for r in rows]
    for key in ("d_loss_real", "d_loss_fake", "g_loss"):  # float sums in another order drift apart step by step
        two_workers, one_worker = np.array([r[key] for r in rows]), np.array([r[key] for r in one])
        # Step 1 tests the start (weights, data, noise), step 2 the first update averaged over both workers;
        # from there Adam's early steps amplify the last digits (0.08% at step 3, 0.15% at step 4, measured).
        np.testing.assert_allclose(two_workers[:2], one_worker[:2], rtol=1e-4, atol=1e-5, err_msg=key)
        np.testing.assert_allclose(two_workers[:4], one_worker[:4], rtol=1e-2, err_msg=key)
        np.testing.assert_allclose(two_workers, one_worker, rtol=0.05, err_msg=key)


def test_a_dead_worker_stops_the_other_with_one_sentence_and_the_run_resumes(tmp_path: Path, tiny_images) -> None:
    out = tmp_path / "runs" / "cluster"
    prepared(out, tiny_images, epochs=500)  # narrow networks: the cluster's failure is the subject
    chief, worker = start_workers(out, tiny_images, epochs=500, timeout_s=5)
    deadline = time.monotonic() + 180
    while not list((out / "checkpoints").glob("ckpt-*.index")):  # an epoch done, with its checkpoint
        assert time.monotonic() < deadline and chief.poll() is None, chief.communicate()[0][-2000:]
        time.sleep(0.2)
    worker.kill()
    worker.wait()
    output = chief.communicate(timeout=120)[0]
    assert chief.returncode == 1
    assert "another worker of the cluster stopped answering" in output and "Traceback" not in output
    kept = max(int(p.name.split("-")[1].split(".")[0]) for p in (out / "checkpoints").glob("ckpt-*.index"))
    # Both again with the same --out: the chief resumes from its last checkpoint, the other from a copy of it.
    chief_log, worker_log = finish(start_workers(out, tiny_images, epochs=kept // 4 + 1))
    assert "resuming" in chief_log and "resuming" in worker_log
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert rows[-1]["step"] == (kept // 4 + 1) * 4 and [r["step"] for r in rows] == list(range(1, rows[-1]["step"] + 1))


def test_tf_config_garbage_gets_one_sentence() -> None:
    assert cluster_role({}) is None
    role = cluster_role({"TF_CONFIG": json.dumps({"cluster": {"worker": ["a:1", "b:2"]},
                                                  "task": {"type": "worker", "index": 1}})})  # fmt: skip
    assert role is not None and not role.is_chief and role.workers == 2
    chief = cluster_role({"TF_CONFIG": json.dumps({"cluster": {"chief": ["c:1"], "worker": ["a:1"]},
                                                   "task": {"type": "worker", "index": 0}})})  # fmt: skip
    assert chief is not None and not chief.is_chief and chief.workers == 2  # a named chief: worker 0 is not it
    outside = {"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 5}}
    for garbage in ("{", json.dumps({"cluster": {}}), json.dumps(outside), json.dumps({"cluster": 5}), "[1, 2]",
                    json.dumps({"cluster": {"worker": ["a:1"]}, "task": "worker"})):  # fmt: skip
        with pytest.raises(ValueError, match="TF_CONFIG does not describe a cluster") as caught:
            cluster_role({"TF_CONFIG": garbage})
        said = str(caught.value)  # issue 36.9: what to change, not Python's words
        assert "unset it" in said and "list indices" not in said and "('task')" not in said, said
