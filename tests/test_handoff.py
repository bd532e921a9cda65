"""Forking a run from a checkpoint, and the one-zip hand-off for a report."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config

from gan_core.runs.handoff import fork_run, report_zip
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState


@pytest.fixture(scope="module")
def parent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = run_dir(tmp_path_factory.mktemp("parent"), "parent")
    run = TrainingRun(folder, tiny_run_config(epochs=2), data_loader=synthetic_loader)
    run.start()
    assert run.join(120) and run.state is RunState.FINISHED
    return folder


def test_fork_starts_from_the_checkpoint_with_new_settings_and_records_its_parent(parent: Path) -> None:
    target = parent.parent / "child"
    forked = fork_run(parent, 4, target, lr_g=5e-4, loss="hinge", epochs=3)
    assert forked.parent == "parent@4" and forked.train.loss == "hinge" and forked.model == tiny_run_config().model
    child = TrainingRun(target, data_loader=synthetic_loader)
    assert child.snapshot().history["step"] == (1, 2, 3, 4)  # the parent's curve up to the fork
    child.start()
    assert child.join(120) and child.state is RunState.FINISHED, child.snapshot().message
    assert child.snapshot().history["step"] == tuple(range(1, 13))
    assert json.loads((target / "config.json").read_text())["parent"] == "parent@4"
    assert (parent / "checkpoints" / "ckpt-8.index").is_file()  # the parent is untouched


def test_fork_refuses_what_would_not_fit(parent: Path) -> None:
    with pytest.raises(ValueError, match="no checkpoint at step 3"):
        fork_run(parent, 3, parent.parent / "x")
    with pytest.raises(ValueError, match="cannot change seed"):
        fork_run(parent, 4, parent.parent / "y", seed=5)
    with pytest.raises(FileExistsError) as taken:
        fork_run(parent, 4, parent)
    assert str(taken.value) == f"a run called '{parent.name}' exists already; choose another name for the fork"


def test_report_zip_has_everything_a_report_needs(parent: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(report_zip(parent)))
    names = set(archive.namelist())
    assert {"config.json", "metrics.csv", "loss_curves.html", "progress.gif", "generator.weights.h5"} <= names
    config = json.loads(archive.read("config.json"))
    assert config["train"]["seed"] == 0 and "tensorflow" in config["versions"]
    rows = list(csv.DictReader(io.StringIO(archive.read("metrics.csv").decode())))
    assert [int(r["step"]) for r in rows] == list(range(1, 9)) and float(rows[-1]["seconds"]) > 0
    assert b"D loss on real" in archive.read("loss_curves.html")


def test_report_zip_holds_the_generator_as_a_keras_file_and_a_savedmodel_that_draw(parent: Path, tmp_path: Path
                                                                                  ) -> None:  # fmt: skip
    """Issue 26 and 38.1: the generator to use elsewhere, as a .keras file and a SavedModel (whose pictures, uint8,
    are the .keras file's; tests/test_portable_generator.py opens both without gan_core)."""
    import keras
    import numpy as np
    import tensorflow as tf

    from gan_core.runs.sampler import RunSampler

    zipfile.ZipFile(io.BytesIO(report_zip(parent))).extractall(tmp_path)
    loaded = keras.saving.load_model(tmp_path / "generator.keras")
    noise = np.random.default_rng(0).standard_normal((2, tiny_run_config().model.noise_dim)).astype(np.float32)
    ours = RunSampler(parent).generator(noise, training=False).numpy()
    assert np.allclose(loaded(noise, training=False).numpy(), ours, atol=1e-5)  # the same network, same weights
    served = tf.saved_model.load(str(tmp_path / "generator_savedmodel"))
    pictures = served.signatures["pictures"](noise=tf.constant(noise))["pictures"].numpy()
    assert pictures.dtype == np.uint8
    assert np.abs(pictures.astype(int) - np.rint((ours + 1) * 127.5).clip(0, 255)).max() <= 1


def test_a_fork_between_relative_paths_resumes(parent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's workspace defaults to '.', so its run folders are relative: the fork's checkpoint state must
    still find the copied checkpoint."""
    monkeypatch.chdir(parent.parent)
    fork_run(Path(parent.name), 4, Path("relative-child"), epochs=3)
    child = TrainingRun(Path("relative-child"), data_loader=synthetic_loader)
    child.start()
    assert child.join(120) and child.state is RunState.FINISHED, child.snapshot().message
    assert child.snapshot().history["step"][:5] == (1, 2, 3, 4, 5)


def test_a_fork_is_offered_a_name_no_run_has(tmp_path: Path) -> None:
    from gan_core.runs.names import free_run_name

    assert free_run_name(tmp_path / "none-yet", "a-fork4") == "a-fork4"
    for taken in ("a-fork4", "a-fork4-2"):
        (tmp_path / taken).mkdir()
    assert free_run_name(tmp_path, "a-fork4") == "a-fork4-3"
