"""Shipped run bundles (float16 weights, resumable) and the progress GIF / MP4."""

from __future__ import annotations

import io
import json
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config
from PIL import Image

from gan_core.pictures.render import gif_bytes, mp4_bytes
from gan_core.runs.bundle import export_bundle
from gan_core.runs.bundled import BundledRun, bundled_runs, open_bundled_run
from gan_core.runs.run import TrainingRun
from gan_core.runs.sampler import RunSampler
from gan_core.runs.state import RunState
from gan_core.runs.store import RunStore


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = run_dir(tmp_path_factory.mktemp("bundle"))
    run = TrainingRun(folder, tiny_run_config(epochs=2), data_loader=synthetic_loader)
    run.start()
    assert run.join(120) and run.state is RunState.FINISHED
    return folder


def test_bundle_is_small_samples_like_the_run_and_resumes(finished_run: Path, tmp_path: Path) -> None:
    stale = tmp_path / "shipped" / "demo" / "samples" / "0000005.png"  # a grid left by an earlier bundle
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    (stale.parents[1] / "evals.jsonl").write_text('{"step": 5, "fid": 1.0}\n')  # the older run's live FID
    (stale.parents[1] / "networks.json").write_text("{}")
    bundle = export_bundle(finished_run, tmp_path / "shipped" / "demo")
    assert not stale.exists()  # a re-export replaces the grids: none of an older run's steps mix in
    assert not (bundle / "evals.jsonl").exists()  # this run measured none
    layers = json.loads((finished_run / "networks.json").read_text())
    assert json.loads((bundle / "networks.json").read_text()) == layers  # this run's networks, not the older ones
    ckpt_bytes = sum(p.stat().st_size for p in (finished_run / "checkpoints").glob("ckpt-8.*"))
    assert (bundle / "weights.npz").stat().st_size < ckpt_bytes / 3  # float16, no optimizer slots
    assert [p.name for p in sorted((bundle / "samples").iterdir())][-1] == "0000008.png"

    original, shipped = RunSampler(finished_run), RunSampler(bundle)
    assert shipped.step == original.step == 8
    a, b = original.sample(8, seed=3).astype(int), shipped.sample(8, seed=3).astype(int)
    assert np.abs(a - b).max() <= 3  # float16 weights: the same images up to rounding

    (bundle / "MODEL_CARD.md").write_text("# Tiny demo\n\ntrained for a test\n")
    found = bundled_runs(tmp_path / "shipped")
    assert [(f.name, f.card.splitlines()[0]) for f in found] == [("demo", "# Tiny demo")]
    opened = open_bundled_run(found[0], tmp_path / "runs")
    run = TrainingRun(opened, data_loader=synthetic_loader)
    assert run.snapshot().history["step"] == tuple(range(1, 9))  # the curves come along
    assert run.snapshot().epoch == 2.0 and run.snapshot().frame is not None and run.snapshot().frame_step == 8
    more = run.config.train.with_changes(epochs=3)
    run = TrainingRun(opened, type(run.config)(run.config.model, more), data_loader=synthetic_loader)
    run.start()
    assert run.join(120) and run.state is RunState.FINISHED, run.snapshot().message
    assert run.snapshot().step == 12 and run.snapshot().history["step"] == tuple(range(1, 13))
    assert (tmp_path / "shipped" / "demo" / "weights.npz").is_file()  # the shipped copy is untouched
    assert not (tmp_path / "shipped" / "demo" / "checkpoints").exists()


def test_a_long_runs_bundle_keeps_an_evenly_thinned_log_and_grids(finished_run: Path, tmp_path: Path) -> None:
    bundle = export_bundle(finished_run, tmp_path / "thin", max_frames=2, max_metric_rows=3)
    steps = [row["step"] for row in RunStore(bundle).read_metrics()]
    assert len(steps) == 3 and steps[0] == 1 and steps[-1] == 8 and 1 < steps[1] < 8  # the whole curve, coarser
    frames = sorted(p.name for p in (bundle / "samples").iterdir())
    assert len(frames) == 2 and frames[-1] == "0000008.png"
    assert all("time" not in row for row in RunStore(bundle).read_metrics())  # no build machine's clock


def test_opening_a_bundle_twice_keeps_the_first_copy(tmp_path: Path) -> None:
    src = tmp_path / "demo"
    src.mkdir()
    (src / "config.json").write_text("{}")
    (src / "weights.npz").write_bytes(b"x")
    target = open_bundled_run(BundledRun("demo", src, ""), tmp_path / "runs")
    (target / "notes.txt").write_text("mine")
    assert open_bundled_run(BundledRun("demo", src, ""), tmp_path / "runs") == target
    assert (target / "notes.txt").read_text() == "mine"


def frames_of(n: int, channels: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (40, 56, channels), dtype=np.uint8) for _ in range(n)]


@pytest.mark.parametrize("channels", [1, 3])
def test_gif_has_every_frame_in_order_and_loops(channels: int) -> None:
    frames = frames_of(6, channels)
    data = gif_bytes(frames, fps=10, hold_last=2)
    decoded = iio.imread(data, index=None)
    assert decoded.shape[0] == 6 and decoded.shape[1:3] == (40, 56)
    with Image.open(io.BytesIO(data)) as img:
        assert img.info["loop"] == 0
        durations = []
        for i in range(img.n_frames):
            img.seek(i)
            durations.append(img.info["duration"])
    assert durations == [100] * 5 + [300]  # the last frame is held for two more frame times
    if channels == 1:
        shown = decoded[2] if decoded.ndim == 3 else decoded[2][..., 0]
        assert np.array_equal(shown, frames[2][..., 0])  # grayscale frames are exact


def test_mp4_pads_to_the_codec_block_and_keeps_frame_count() -> None:
    decoded = iio.imread(mp4_bytes(frames_of(7, 3), fps=5), index=None, extension=".mp4")
    assert decoded.shape == (7, 48, 64, 3)


def test_mp4_padding_is_white_not_black_bars() -> None:
    grey = [np.full((40, 56, 3), 128, np.uint8)] * 2
    decoded = iio.imread(mp4_bytes(grey, fps=5), index=None, extension=".mp4")
    assert decoded.shape[1:3] == (48, 64)
    assert decoded[:, 40:].min() > 230 and decoded[:, :, 56:].min() > 230  # was 0: black bars beside the film


def test_film_frames_say_their_step_and_legend() -> None:
    from gan_core.pictures.render import with_caption

    picture = np.full((512, 512, 3), 200, np.uint8)
    legend = (("real", (27, 127, 59)), ("fake", (123, 63, 181)))
    early, late = with_caption(picture, "step 10", legend), with_caption(picture, "step 9,990", legend)
    assert early.shape[1] == 512 and early.shape[0] > 512 + 10
    assert (early[:512] == picture).all() and (early[:512] == late[:512]).all()  # the picture itself untouched
    assert (early[512:] != late[512:]).any()  # the strip differs: it reads each frame's own step
    strip = early[512:].reshape(-1, 3)
    for _, colour in legend:  # each legend dot is drawn in its colour
        assert (np.abs(strip.astype(int) - colour).sum(axis=1) < 10).sum() > 10
    assert with_caption(picture[:100, :100], "step 1", legend).shape[1] == 100  # a narrow frame keeps its width


def test_run_animation_uses_every_saved_grid(finished_run: Path) -> None:
    from gan_core.runs.store import RunStore

    gif = iio.imread(RunStore(finished_run).animation("gif"), index=None)
    assert gif.shape[0] >= len(RunStore(finished_run).frames())
    with pytest.raises(ValueError, match="no frames"):
        gif_bytes([])


def test_chart_trend_line_is_an_exponential_moving_average() -> None:
    from gan_core.pictures.charts import loss_figure, smooth

    assert np.allclose(smooth((1.0, 1.0, 1.0), 5), 1.0)
    trend = smooth(tuple(float(i % 2) for i in range(400)), 20)
    assert abs(trend[-1] - 0.5) < 0.06  # alternating 0/1 smooths to its mean
    history = {"step": tuple(range(1, 501)), "d_loss_real": (0.5,) * 500, "d_loss_fake": (0.6,) * 500,
               "g_loss": (0.7,) * 500}  # fmt: skip
    names = [t.name for t in loss_figure(history).data if t.showlegend is not False]
    assert names == ["D loss on real", "D loss on fake", "G loss"]
