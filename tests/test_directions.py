"""Directions a generator found by itself (SeFa): orthonormal, stronger than chance, on every generator the Explorer
opens (the shipped models, and a hub module's own variables)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import REPO
from gan_fixtures import tiny_run_config, two_class_dataset
from PIL import Image
from streamlit.testing.v1 import AppTest
from test_explore_page import open_page  # the Explorer through AppTest, a link's parameters given

from gan_core.cli import main as cli_main
from gan_core.explore.choices import resolve_model
from gan_core.explore.direction_names import read_saved_names
from gan_core.explore.directions import direction_strips, moved, noise_rows, pixel_change_ratio, sefa, strip_offsets
from gan_core.explore.samplers import HubBigGANSampler
from gan_core.models.config import ModelConfig
from gan_core.models.latent import truncated_noise
from gan_core.runs.run import TrainingRun
from gan_core.settings import Settings
from gan_core.training.run_config import RunConfig

sys.path.insert(0, str(REPO / "scripts"))
from build_biggan_twin import build, build_module  # a script, found through the path above

SHIPPED = ("mnist", "fashion-mnist", "emoji", "demo-mnist-dcgan")


def test_sefa_finds_the_directions_a_known_layer_stretches_most() -> None:
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.standard_normal((16, 16)))
    a = rng.standard_normal((40, 16)) @ np.diag(np.r_[10.0, 5.0, np.ones(14)]) @ basis.T  # 2 strong directions
    found = sefa(a, k=5)
    assert found.vectors.shape == (5, 16) and found.strengths[0] >= found.strengths[1] >= found.strengths[4]
    np.testing.assert_allclose(found.vectors @ found.vectors.T, np.eye(5), atol=1e-5)
    top = np.linalg.svd(a)[2][0]  # the top right singular vector is the top eigenvector of AᵀA
    assert abs(float(found.vectors[0] @ top)) > 0.999
    assert found.gain(0) > 2 and found.gain(4) < found.gain(0)
    assert found.vectors[0][np.argmax(np.abs(found.vectors[0]))] > 0  # the sign is fixed, not arbitrary
    with pytest.raises(ValueError, match="finite"):
        sefa(np.full((3, 3), np.nan))


def test_moving_along_directions_adds_them_and_names_a_missing_one() -> None:
    found = sefa(np.diag([3.0, 2.0, 1.0]), k=3)
    np.testing.assert_allclose(moved(np.zeros(3), found, {0: 2.0, 2: -1.0}), [2.0, 0.0, -1.0], atol=1e-6)
    assert moved(np.zeros((4, 3)), found, np.array([1.0, 0, 0])).shape == (4, 3)
    with pytest.raises(ValueError, match="direction 4 does not exist"):
        moved(np.zeros(3), found, {3: 1.0})
    assert list(strip_offsets(7)) == [-3, -2, -1, 0, 1, 2, 3]
    with pytest.raises(ValueError, match="2 to 15"):
        strip_offsets(40)


def test_a_first_layer_s_noise_rows_are_its_first_inputs() -> None:
    kernel = np.arange(12, dtype=np.float32).reshape(4, 3)  # 2 noise inputs, 2 class inputs, 3 outputs
    np.testing.assert_array_equal(noise_rows(kernel, 2), kernel[:2].T)
    with pytest.raises(ValueError, match="inputs >= 5"):
        noise_rows(kernel, 5)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_model_s_top_direction_moves_pixels_at_least_1_5x_a_random_one(name: str) -> None:
    sampler = resolve_model(name, None, offline=True)
    found = sampler.directions()
    assert sampler.directions() is found  # computed once per model
    assert len(found) == 5 and found.vectors.shape[1] == sampler.info.noise_dim
    np.testing.assert_allclose(found.vectors @ found.vectors.T, np.eye(5), atol=1e-5)
    assert pixel_change_ratio(sampler, found, samples=64, random_directions=20) >= 1.5


def test_the_same_code_reads_a_hub_module_s_first_layer_from_its_own_variables(tmp_path) -> None:
    sampler = HubBigGANSampler(str(build(tmp_path / "twin", ch=4, seed=5)), "narrow twin")
    linear = build_module(seed=5, ch=4).linear.numpy()  # the same weights, built again in memory
    assert linear.shape == (256, 4 * 4 * 16 * 4)  # [z and the class embedding, 4x4x(16 ch)]
    found = sampler.directions()
    expected = sefa(linear[:128].T)
    np.testing.assert_allclose(np.abs(found.vectors @ expected.vectors.T), np.eye(5), atol=1e-4)
    noise = truncated_noise(1, 128, 0.5, seed=3)[0]
    strips = direction_strips(sampler, noise, 980, found, 0.5, steps=5, which=[0, 1])
    assert strips.shape == (2, 5, 128, 128, 3) and strips.dtype == np.uint8
    assert not np.array_equal(strips[0, 0], strips[0, -1])  # the ends of a strip differ


def show_directions(at: AppTest) -> list:
    """Open the first sample and its directions; the strips' images (their captions name the offsets)."""
    at.button(key="explore_open_0").click().run()
    at.button(key="explore_directions").click().run()
    assert not at.exception
    return [e for e in at.get("image") if any("+3" in c and "-3" in c for c in e.captions)]


def test_the_explorer_shows_a_strip_per_direction_names_go_in_the_link_and_sliders_move_it(sandbox) -> None:
    at = open_page({"model": "mnist", "seed": "3", "n": "4", "classes": "0"})
    strips = show_directions(at)
    assert len(strips) == 5
    assert any("What the GAN learned to control" in m.value for m in at.markdown)
    at.text_input(key="explore_direction_name_0").input("thickness").run()
    assert not at.exception
    assert at.query_params["directions"] == "thickness"
    moved_caption = [c for e in at.get("image") for c in e.captions if "not moved" in c]
    assert moved_caption  # the slider's picture says it has not been moved yet
    at.slider(key="explore_direction_amount_0").set_value(2.0).run()
    assert at.slider(key="explore_direction_amount_0").label == "thickness"
    assert any("thickness +2" in c for e in at.get("image") for c in e.captions)

    shared = open_page({"model": "mnist", "seed": "3", "n": "4", "classes": "0", "directions": "thickness|slant"})
    show_directions(shared)
    assert shared.text_input(key="explore_direction_name_0").value == "thickness"
    assert shared.text_input(key="explore_direction_name_1").value == "slant"
    other = open_page({"model": "fashion-mnist", "seed": "3", "n": "4"})  # another model: its own, unnamed
    show_directions(other)
    assert other.text_input(key="explore_direction_name_0").value == ""
    assert "directions" not in other.query_params


def test_a_run_keeps_its_direction_names_in_its_folder(sandbox) -> None:
    runs = Settings.from_env().runs_dir
    base = tiny_run_config(conditional=True, epochs=1)
    model = ModelConfig(**{**base.model.to_dict(), "architecture": "biggan", "image_shape": (28, 28, 1)})
    run = TrainingRun(runs / "my-digits", RunConfig(model, base.train), data_loader=lambda c: two_class_dataset())
    run.start()
    assert run.join(120) and run.state.value == "finished", run.snapshot().message
    at = open_page({"model": "run:my-digits", "seed": "1", "n": "4"})
    show_directions(at)
    at.text_input(key="explore_direction_name_1").input("width <script>").run()
    at.button(key="explore_direction_keep").click().run()
    assert not at.exception
    assert read_saved_names(runs / "my-digits")[:2] == ("", "width script")
    later = open_page({"model": "run:my-digits", "seed": "1", "n": "4"})  # a later visit, no names in its link
    show_directions(later)
    assert later.text_input(key="explore_direction_name_1").value == "width script"
    assert later.query_params["directions"] == "|width script"


def test_cli_directions_writes_the_strips_and_says_what_they_are(tmp_path, capsys) -> None:
    out = tmp_path / "strips.png"
    assert cli_main(["directions", "--model", "mnist", "--seed", "3", "--class", "7", "--steps", "5",
                     "--out", str(out)]) == 0  # fmt: skip
    said = capsys.readouterr().out
    assert "top 5 directions" in said and "5 steps each from -3 to +3" in said and "class 7" in said
    picture = np.asarray(Image.open(out))
    assert picture.shape[0] > 5 * 28 and picture.shape[1] >= 5 * 28
    with pytest.raises(SystemExit):
        cli_main(["directions", "--model", "mnist", "--steps", "40", "--out", str(out)])
    assert "2 to 15" in capsys.readouterr().err
