"""Find a picture in the GAN: uploads made into what the model draws (MNIST-like for grey 28x28), the search for
noise and class, Stop keeping the best so far, and bad pictures answered in one sentence."""

from __future__ import annotations

import io

import numpy as np
import pytest
import streamlit as st
from conftest import REPO
from PIL import Image
from streamlit.testing.v1 import AppTest

from gan_core.cli import main as cli_main
from gan_core.data.image_decode import ImageProblem
from gan_core.explore.choices import resolve_model
from gan_core.explore.inversion import FAR_PSNR_DB, Inversion, InversionConfig
from gan_core.explore.inversion_job import InversionJob, InversionSlots
from gan_core.explore.inversion_targets import mnist_like, prepare_target

MNIST = np.load(REPO / "gan_core" / "assets" / "mnist.npz")


def held_out_digit(label: int, index: int = 0) -> np.ndarray:
    """A held-out MNIST test digit (uint8 28x28)."""
    return MNIST["images"][np.where(MNIST["is_test"] & (MNIST["labels"] == label))[0][index]]




def encoded(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def drawn_dark_on_light(digit: np.ndarray) -> bytes:
    """The digit as a person draws it: dark ink on light-grey paper, large, off-centre, as a JPEG photo."""
    big = Image.fromarray(255 - digit).resize((140, 140), Image.Resampling.BILINEAR)
    paper = Image.new("L", (300, 240), 235)
    paper.paste(big, (120, 30))
    return encoded(paper.convert("RGB"), "JPEG")


def test_a_digit_drawn_dark_on_light_is_made_like_mnist_and_found_with_its_class() -> None:
    digit = held_out_digit(7)
    target = prepare_target(drawn_dark_on_light(digit), 28, 1, "mnist")
    assert "inverted (it was dark on light)" in target.note and "centred by its mass" in target.note
    assert target.pixels.shape == (28, 28, 1)
    assert np.corrcoef(target.pixels.ravel(), digit.ravel())[0, 1] > 0.9  # what MNIST's own digit looks like
    sampler = resolve_model("mnist", None, offline=True)
    result = Inversion(sampler, target.pixels[None]).run()
    assert result.stage == "done" and result.step == InversionConfig().total_steps and not result.stopped
    assert int(result.classes[0]) == 7 and float(result.psnr[0]) >= 20 and not result.far[0]
    redrawn = sampler.sample(result.noise, result.classes, 1.0)  # the result is a sample like any other
    np.testing.assert_allclose(redrawn.astype(int), result.pictures.astype(int), atol=3)
    errors = [error for _, error in result.curve]
    assert errors == sorted(errors, reverse=True) and result.curve[-1][0] == result.step  # only gets better


def test_stop_mid_way_keeps_the_best_so_far() -> None:
    sampler = resolve_model("mnist", None, offline=True)
    targets = np.stack([held_out_digit(3), held_out_digit(8)])[..., None]
    reports = []
    result = Inversion(sampler, targets).run(lambda: bool(reports) and reports[-1].step >= 60, reports.append)
    assert result.stopped and result.stage == "stopped" and result.step == 60 < result.total
    assert np.isfinite(result.errors).all() and result.pictures.any()
    assert (result.errors <= reports[-1].errors + 1e-9).all()  # nothing reported is lost at the stop
    assert len(reports) == 6 and [r.stage for r in reports[3:]] == ["guess", "search", "search"]


def test_a_job_runs_in_the_background_stops_on_request_and_one_runs_at_a_time() -> None:
    sampler = resolve_model("mnist", None, offline=True)
    slots = InversionSlots(1)
    with slots:  # another visitor's search holds the server's one slot
        job = InversionJob(Inversion(sampler, held_out_digit(1)[None]), slots)
        assert job.view().state == "waiting"
        job.stop()
    assert job.join(60) and job.view().state == "stopped"
    endless = InversionConfig(refine_steps=100_000)
    slow = InversionJob(Inversion(sampler, held_out_digit(1)[None], config=endless), slots)
    while slow.view().result is None:
        slow.join(0.05)
    slow.stop()
    assert slow.join(60) and slow.view().state == "stopped" and slow.view().result.stopped


def test_an_unconditional_model_spends_every_step_on_the_noise() -> None:
    sampler = resolve_model("demo-mnist-dcgan", None, offline=True)
    config = InversionConfig(guess_steps=5, search_steps=5, refine_steps=20)
    result = Inversion(sampler, held_out_digit(0)[None], config=config).run()
    assert result.classes is None and result.step == 30 and np.isfinite(result.errors).all()


def test_a_picture_far_from_anything_the_gan_draws_says_so() -> None:
    sampler = resolve_model("mnist", None, offline=True)
    checker = np.kron(np.indices((7, 7)).sum(axis=0) % 2, np.ones((4, 4))).astype(np.uint8) * 255
    result = Inversion(sampler, checker[None], config=InversionConfig(guess_steps=20, search_steps=10,
                                                                        refine_steps=40)).run()  # fmt: skip
    assert result.far[0] and float(result.psnr[0]) < FAR_PSNR_DB


def test_bad_pictures_get_one_sentence_each() -> None:
    with pytest.raises(ImageProblem, match="the file is empty"):
        prepare_target(b"", 28, 1, "mnist")
    with pytest.raises(ImageProblem, match=r"too long and thin .* crop it nearer to a square"):
        prepare_target(encoded(Image.new("RGB", (2000, 40), "white")), 32, 3)
    with pytest.raises(ImageProblem, match="not an image"):
        prepare_target(b"GIF89a but not really" * 10, 32, 3)
    with pytest.raises(ImageProblem, match="looks blank"):
        prepare_target(encoded(Image.new("L", (64, 64), 250)), 28, 1, "mnist")
    huge = Image.new("L", (8000, 5001), 255)  # 40 million pixels and a little more: refused from its header
    with pytest.raises(ImageProblem, match="over the cap of 40,000,000"):
        prepare_target(encoded(huge), 28, 1, "mnist")
    with pytest.raises(ValueError, match="28x28 px, 1 to 100 at a time; got 1x32x32x3"):
        Inversion(resolve_model("mnist", None, offline=True), np.zeros((1, 32, 32, 3), np.uint8))


def test_a_png_with_an_alpha_channel_goes_on_a_background_that_shows_its_strokes() -> None:
    digit = held_out_digit(2)
    white_strokes = np.zeros((28, 28, 4), np.uint8)
    white_strokes[..., :3], white_strokes[..., 3] = 255, digit  # white ink, transparent elsewhere
    target = prepare_target(encoded(Image.fromarray(white_strokes, "RGBA")), 28, 1, "mnist")
    assert np.corrcoef(target.pixels.ravel(), mnist_like(digit)[0].ravel())[0, 1] > 0.9
    emoji = prepare_target(encoded(Image.fromarray(white_strokes, "RGBA")), 32, 3)
    assert emoji.pixels.shape == (32, 32, 3) and "black background" in emoji.note


def test_cli_invert_writes_each_reconstruction_and_a_summary(tmp_path, capsys) -> None:
    folder, out = tmp_path / "mine", tmp_path / "found"
    folder.mkdir()
    (folder / "seven.jpg").write_bytes(drawn_dark_on_light(held_out_digit(7)))
    Image.fromarray(held_out_digit(4)).save(folder / "four.png")
    (folder / "broken.png").write_bytes(b"\x89PNG not really")
    assert cli_main(["invert", "--model", "mnist", "--images", str(folder), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "seven.jpg: class 7" in said and "four.png: class 4" in said
    assert "broken.png: skipped" in said and "median PSNR" in said and "2 pictures" in said
    assert sorted(p.name for p in out.iterdir()) == ["four.png", "seven.png"]
    assert np.asarray(Image.open(out / "four.png")).shape[:2] == (28, 28)


def test_the_explorer_offers_an_upload_and_a_camera_whose_refusal_is_one_sentence(sandbox) -> None:
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["model"] = "mnist"
    at.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert any(h.value == "Find a picture in the GAN" for h in at.subheader)
    at.toggle(key="explore_find_camera").set_value(True).run()  # no shot: the browser asked, or it was refused
    assert not at.exception
    assert any("allow it in the address bar, or upload a picture instead" in c.value for c in at.caption)
