"""The command line trains, resumes with the same --out, and samples a grid."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from gan_fixtures import StepClock
from PIL import Image

from gan_core.cli import main as cli_main
from gan_core.data.own_images import import_images, save_dataset_folder
from gan_core.training.run_config import RunConfig


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    uploads = []
    for i in range(32):
        buf = Path(tmp_path / f"{i}.png")
        Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(buf)
        uploads.append((buf.name, buf.read_bytes()))
    return save_dataset_folder(import_images(uploads=uploads, size=32), tmp_path / "shapes")


def test_train_resume_and_sample(image_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "runs" / "cli-run"
    args = ["train", "--dataset", str(image_folder), "--out", str(out), "--epochs", "1", "--batch-size", "16",
            "--sample-every", "1", "--log-every", "1"]  # fmt: skip
    assert cli_main(args) == 0
    printed = capsys.readouterr().out
    assert "step 2/2" in printed and "d_real" in printed and "d_fake" in printed and "g " in printed
    assert printed.strip().splitlines()[-1] == "finished 1 epoch (2 steps)"
    config = json.loads((out / "config.json").read_text())
    assert config["model"]["image_shape"] == [32, 32, 3] and config["train"]["diffaugment"]  # a small set: augmented

    assert cli_main(["train", "--out", str(out), "--epochs", "2", "--loss", "bce"]) == 0  # same --out: resume (a
    # setting repeated as it is, as every worker of a cluster passes them, changes nothing)
    printed = capsys.readouterr().out
    assert "resuming" in printed and printed.strip().splitlines()[-1] == "finished 2 epochs (4 steps)"
    assert cli_main(["train", "--out", str(out), "--loss", "hinge"]) == 2  # only --epochs may change on resume
    capsys.readouterr()
    assert cli_main(["train", "--out", str(out), "--recipe", "biggan-small"]) == 2  # was ignored: now said
    assert "networks are set; resume it without --recipe" in capsys.readouterr().err
    assert cli_main(["train", "--out", str(out), "--recipe", "tutorial"]) == 0  # the networks it has: a resume

    grid = tmp_path / "grid.png"
    assert cli_main(["sample", "--run", str(out), "--n", "9", "--out", str(grid)]) == 0
    assert "(step 4, seed 0, truncation 1)" in capsys.readouterr().out  # a run's own default: the noise it saw
    with Image.open(grid) as img:
        assert img.size == (3 * 34 + 2, 3 * 34 + 2)  # 3 x 3 images of 32 px with 2 px gaps


def test_a_runs_default_grid_uses_the_noise_it_was_trained_on(
    image_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Issue 26.3: at the old default truncation (0.5) a one-epoch MNIST run drew nearly black pictures (pixel std
    5 against 32 in its own preview): its noise was half as long as any it had seen. A run now opens at 1.0."""
    from gan_core.runs.store import RunStore

    out = tmp_path / "young"
    assert cli_main(["train", "--dataset", str(image_folder), "--out", str(out), "--epochs", "1",
                     "--batch-size", "16"]) == 0  # fmt: skip
    store = RunStore(out)
    preview = store.frame_image(store.frames()[-1][0])  # the grid the run showed last, at its last step
    count = str(RunConfig.read(out).train.preview_count)
    grids = {}
    for flag in ([], ["--truncation", "1.0"], ["--truncation", "0.5"]):
        grid = tmp_path / f"grid{len(flag)}{''.join(flag)}.png"
        assert cli_main(["sample", "--run", str(out), "--n", count, "--out", str(grid), *flag]) == 0
        grids[tuple(flag)] = np.asarray(Image.open(grid), np.float32)
    assert "truncation 0.5" in capsys.readouterr().out.splitlines()[-1]  # an asked-for value is kept
    default = grids[()]
    assert np.array_equal(default, grids[("--truncation", "1.0")])
    assert default.shape[:2] == preview.shape[:2]  # the same layout: same tiles, same gaps
    assert abs(default.std() / float(preview.astype(np.float32).std()) - 1) <= 0.2


def test_minutes_trains_to_a_time_budget_saves_and_resumes(
    image_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 28: classes think in minutes. `--minutes` ends the run on time (its epochs do not), with a checkpoint
    at its last step; the same --out with a larger budget trains on to it. Issue 36: each step takes 0.5 s on a
    clock the test controls (a busy machine's first compile ate the whole budget)."""
    from gan_core.runs import run as run_module
    from gan_core.runs.store import RunStore

    class TimedRun(run_module.TrainingRun):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, clock=StepClock(0.5), **kwargs)

    monkeypatch.setattr(run_module, "TrainingRun", TimedRun)

    out = tmp_path / "budget"
    assert cli_main(["train", "--dataset", str(image_folder), "--out", str(out), "--epochs", "1", "--batch-size",
                     "16", "--minutes", "0.05"]) == 2  # fmt: skip
    assert "--epochs and --minutes both say how long to train; give one" in capsys.readouterr().err  # issue 36.8
    assert not out.exists()
    assert cli_main(["train", "--dataset", str(image_folder), "--out", str(out), "--batch-size", "16",
                     "--minutes", "0.05", "--log-every", "1000"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    store = RunStore(out)
    rows = store.read_metrics()
    assert "finished its 0.05 minutes of training" in printed.strip().splitlines()[-1]
    assert [r["seconds"] for r in rows] == [0.5 * i for i in range(1, 7)]  # stopped at 3 s of training: 6 steps
    assert rows[-1]["step"] == 6  # past one epoch (2 steps): the budget decides
    assert store.checkpoint_steps()[-1] == rows[-1]["step"]
    assert json.loads((out / "config.json").read_text())["train"]["minutes"] == 0.05

    assert cli_main(["train", "--out", str(out), "--minutes", "0.1", "--log-every", "1000"]) == 0
    printed = capsys.readouterr().out
    resumed = store.read_metrics()
    assert "resuming" in printed and "finished its 0.1 minutes" in printed
    assert resumed[-1]["seconds"] == 6.0 and resumed[-1]["step"] == 12  # on to 6 s: 6 more steps
    assert resumed[len(rows) - 1] == rows[-1]  # the first start's log is kept as it was

    assert cli_main(["train", "--out", str(out), "--minutes", "0.1"]) == 2  # issue 36.8: it would train nothing
    assert "has trained 0.10 minutes, its budget of 0.1; give a larger --minutes" in capsys.readouterr().err
    assert store.read_metrics() == resumed
    with pytest.raises(SystemExit):
        cli_main(["train", "--out", str(out), "--minutes", "0"])
    assert "--minutes: must be more than 0" in capsys.readouterr().err
