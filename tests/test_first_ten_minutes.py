"""Issue 13: what a new user tripped over in the library and the CLI, each pinned by a test that failed before."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import urllib.error
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from gan_fixtures import random_png_uploads, synthetic_loader, tiny_run_config
from PIL import Image

from gan_core.cli import main as cli_main
from gan_core.data import dataset_status
from gan_core.data.own_images import import_images, save_dataset_folder
from gan_core.errors import PlaygroundError
from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.settings import Settings


@pytest.fixture
def twenty_big_images(tmp_path: Path, sandbox: Path) -> Path:
    """20 imported images at 64 px: fewer than one batch of the 64 px default."""
    uploads = random_png_uploads(20, side=70)
    return save_dataset_folder(import_images(uploads=uploads, size=64), Settings.from_env().datasets_dir / "twenty")


# -- 3: a new run never takes over a saved run's name ---------------------------------------------------------------
def test_a_new_run_with_a_saved_runs_name_is_refused_and_the_saved_run_is_untouched(tmp_path: Path) -> None:
    registry = RunRegistry(tmp_path / "runs", run_factory=lambda *a, **k: TrainingRun(*a, data_loader=synthetic_loader,
                                                                                      **k))  # fmt: skip
    registry.open("mine", tiny_run_config(epochs=5))
    before = (tmp_path / "runs" / "mine" / "config.json").read_text()
    with pytest.raises(PlaygroundError, match="a saved run is already called 'mine'; choose another name"):
        registry.open("mine", tiny_run_config(epochs=1))
    assert (tmp_path / "runs" / "mine" / "config.json").read_text() == before


# -- 7: the first "Continue training" on a finished run trains ---------------------------------------------------
def test_continue_on_a_finished_run_opened_from_disk_trains_more_epochs(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    first = TrainingRun(runs / "done", tiny_run_config(epochs=1), data_loader=synthetic_loader)
    first.start()
    assert first.join(120) and first.state is RunState.FINISHED
    finished_at = first.snapshot().step
    assert first.snapshot().message == f"finished 1 epoch ({finished_at} steps)"  # 13: no "1 epochs"
    # a fresh server (or a freshly opened demo): the run comes from its folder, idle, and says what it last did
    registry = RunRegistry(runs, run_factory=lambda *a, **k: TrainingRun(*a, data_loader=synthetic_loader, **k))
    assert registry.open("done").snapshot().message.startswith("finished 1 epoch")
    registry.continue_run("done")
    run = registry.get("done")
    assert run.join(120) and run.state is RunState.FINISHED
    assert run.snapshot().step > finished_at and run.config.train.epochs == 2


# -- 4: a small imported set trains with the defaults; a batch that cannot fit is refused before the start ----------
def test_the_default_batch_fits_a_small_set_and_a_too_big_one_is_one_sentence(twenty_big_images: Path, tmp_path: Path,
                                                                             capsys) -> None:  # fmt: skip
    from gan_core.data import load_dataset
    from gan_core.training.presets import batch_problem, default_run_config

    data = load_dataset(str(twenty_big_images))
    config = default_run_config(data.info, train_count=data.train_count)
    assert config.train.batch_size == 16 and batch_problem(16, 20) is None
    assert batch_problem(64, 20) == "a batch of 64 is more than the 20 training images; choose a batch of 16 or fewer"
    code = cli_main(["train", "--dataset", str(twenty_big_images), "--out", str(tmp_path / "r"), "--batch-size", "64"])
    err = capsys.readouterr().err
    assert code == 2 and "a batch of 64 is more than the 20 training images" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # refused before anything was written


def test_the_cli_trains_a_small_imported_set_with_its_defaults(twenty_big_images: Path, tmp_path: Path,
                                                               capsys) -> None:  # fmt: skip
    code = cli_main(["train", "--dataset", str(twenty_big_images), "--out", str(tmp_path / "r"), "--epochs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "finished 1 epoch (1 step)" in out.out and "Traceback" not in out.err


# -- 8: a failed download does not count as the full dataset ------------------------------------------------------
def _idx_gz(path: Path, header: bytes, body: bytes, cut: int = 0) -> None:
    data = gzip.compress(header + body)
    path.write_bytes(data[: len(data) - cut] if cut else data)


def test_an_empty_or_cut_off_download_is_not_the_full_dataset(sandbox: Path) -> None:
    folder = sandbox / "keras" / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)  # what a failed keras download leaves behind
    status = dataset_status("fashion_mnist")
    assert status.cached_path is None and status.summary.startswith("bundled subset")
    n = 3
    for prefix in ("train", "t10k"):
        _idx_gz(folder / f"{prefix}-labels-idx1-ubyte.gz", b"\0\0\x08\x01" + n.to_bytes(4, "big"), bytes(n))
        _idx_gz(folder / f"{prefix}-images-idx3-ubyte.gz",
                b"\0\0\x08\x03" + b"".join(v.to_bytes(4, "big") for v in (n, 28, 28)), bytes(n * 784))  # fmt: skip
    assert dataset_status("fashion_mnist").summary.startswith("full dataset, from cache")
    _idx_gz(folder / "train-images-idx3-ubyte.gz", b"\0\0\x08\x03" + b"".join(v.to_bytes(4, "big") for v in
                                                                           (n, 28, 28)), bytes(n * 784), cut=20)
    assert dataset_status("fashion_mnist").cached_path is None
    (sandbox / "keras" / "datasets" / "mnist.npz").write_bytes(b"PK\x03\x04 half a zip")
    assert dataset_status("mnist").cached_path is None


def test_a_download_without_internet_says_so_in_one_sentence(sandbox: Path, monkeypatch) -> None:
    from gan_core.data import load_dataset
    from gan_core.errors import DatasetUnavailableError

    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")

    def no_network(name: str):
        raise urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))

    with pytest.raises(DatasetUnavailableError) as caught:
        load_dataset("cifar10", downloader=no_network)
    assert "the internet cannot be reached" in str(caught.value) and "urlopen" not in str(caught.value)


def test_an_unreachable_hub_says_there_is_no_internet(monkeypatch) -> None:
    import tensorflow_hub as hub

    from gan_core.errors import ModelUnavailableError
    from gan_core.models.hub import load_hub_model

    def offline(handle: str):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(hub, "load", offline)
    with pytest.raises(ModelUnavailableError) as caught:
        load_hub_model("https://tfhub.dev/deepmind/biggan-deep-128/1", False, "BigGAN-deep 128x128")
    assert "the internet cannot be reached" in str(caught.value) and "urlopen" not in str(caught.value)


# -- 13: the CLI's words, formats and defaults ---------------------------------------------------------------
def test_sample_writes_the_format_its_name_asks_for_and_defaults_to_the_models_truncation(tmp_path: Path,
                                                                                           capsys) -> None:  # fmt: skip
    args = ["sample", "--model", "fashion-mnist", "--class", "Bag", "--n", "1"]
    assert cli_main([*args, "--out", str(tmp_path / "x.jpg")]) == 0
    assert "1 sample from" in (said := capsys.readouterr().out) and "truncation 0.5," in said  # as the Explorer
    with Image.open(tmp_path / "x.jpg") as image:
        assert image.format == "JPEG"
    assert cli_main([*args, "--out", str(tmp_path / "x.txt")]) == 1
    assert "cannot write a '.txt' file: use one of .png, .jpg, .jpeg, .webp" in capsys.readouterr().err


def test_cli_commands_do_not_open_with_tensorflows_start_up_lines(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run(
        [sys.executable, "-m", "gan_core", "sample", "--model", "fashion-mnist", "--class", "Bag", "--n", "2",
         "--out", str(tmp_path / "x.png")], cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr
    assert done.stdout.startswith("wrote ")


# -- 13: evaluation warns when the data is not what the model learned ---------------------------------------------
def test_scoring_an_mnist_model_on_fashion_mnist_warns() -> None:
    from gan_core.evaluation.evaluate_run import EvaluationRequest, evaluate_run
    from gan_core.settings import CHECKPOINTS_DIR

    result = evaluate_run(EvaluationRequest(str(CHECKPOINTS_DIR / "demo-mnist-dcgan"), "fashion_mnist", 200))
    assert any("trained on mnist, not Fashion-MNIST" in w for w in result.report.warnings)
    same = evaluate_run(EvaluationRequest(str(CHECKPOINTS_DIR / "demo-mnist-dcgan"), "mnist", 200))
    assert not any("trained on" in w for w in same.report.warnings)


# -- 13: charts ----------------------------------------------------------------------------------------------
def test_charts_use_whole_numbers_and_name_every_class() -> None:
    from gan_core.pictures.charts import class_histogram_figure, loss_figure, quality_figure

    one = {k: (0.5,) for k in ("d_loss_real", "d_loss_fake", "g_loss")} | {"step": (200,)}
    assert loss_figure(one).layout.xaxis.tickvals == (200,)  # not 199.5, 200, 200.5
    quality = quality_figure([{"step": 200, "fid": 30.0, "n": 512, "covered": 1, "num_classes": 10}], "mnist", 200)
    assert quality.layout.yaxis2.dtick == 1 and len(quality.layout.title.text) <= 40
    digits = class_histogram_figure(tuple(range(10)), tuple(str(d) for d in range(10)), [0.1] * 10)
    assert digits.layout.xaxis.type == "category"  # '0'..'9' as names, not a numeric axis labelled 0 and 5
    card = loss_figure(one, height=220)  # a gallery card: a one-line key, no legend to wrap over the axis titles
    assert card.layout.showlegend is False and [a.text for a in card.layout.annotations] == ["<b>D real</b>",
                                                                                            "<b>D fake</b>", "<b>G</b>"]


def test_a_first_steps_spike_does_not_flatten_the_loss_chart() -> None:
    """Issue 26.5: a fresh D's loss of 40 in the first steps squeezed the Emoji demo's curves (0.3 to 1.5) flat."""
    from gan_core.pictures.charts import loss_figure

    rng = np.random.default_rng(0)
    losses = np.r_[[40.0, 25.0, 12.0], 0.9 + 0.2 * rng.standard_normal(600)]
    history = {"step": tuple(range(1, len(losses) + 1))} | {k: tuple(losses) for k in ("d_loss_real", "d_loss_fake",
                                                                                       "g_loss")}  # fmt: skip
    low, high = loss_figure(history).layout.yaxis.range
    assert high < 3 and low < 0.5  # the curve fills the chart; the spike runs off its top
