"""Issue 38.2-3: a run shared on the Hugging Face Hub and opened from it, against the loopback stand-in
(tests/hub_standin.py); the real huggingface_hub does the talking. Bad input and faults: one sentence each."""

from __future__ import annotations

from pathlib import Path

import huggingface_hub  # noqa: F401 (imported here, its log handler writes to the session's stderr)
import numpy as np
import pytest
from gan_fixtures import run_dir, synthetic_loader
from hub_standin import READ, WRITE, HubStandIn, point_huggingface_hub_at
from PIL import Image
from test_explore_page import open_page

from gan_core.cli import main
from gan_core.models.config import ModelConfig
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.training.config import TrainConfig
from gan_core.training.run_config import RunConfig

WRITER, READER = "hf_writer_0123456789abcdef", "hf_reader_fedcba9876543210"
REPO_ID = "alice/two-class-gan"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """A one-epoch run of the BigGAN-style class-conditional networks (the default recipe's kind), tiny."""
    model = ModelConfig(image_shape=(28, 28, 1), noise_dim=16, num_classes=2, g_width=8, d_width=8, embed_dim=8,
                        architecture="biggan")  # fmt: skip
    train = TrainConfig(dataset="two_class", epochs=1, batch_size=16, sample_every=2, checkpoint_every=4,
                        preview_count=4, loss="hinge", conditional=True)  # fmt: skip
    folder = run_dir(tmp_path_factory.mktemp("hub-run"), "two-class")
    training = TrainingRun(folder, RunConfig(model, train), data_loader=synthetic_loader)
    training.start()
    assert training.join(120) and training.state is RunState.FINISHED
    return folder


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """The stand-in, with huggingface_hub pointed at it, an empty cache of its own, and a write token."""
    standin = HubStandIn(tmp_path / "hub", tokens={WRITER: ("alice", WRITE), READER: ("alice", READ)}).start()
    point_huggingface_hub_at(standin, monkeypatch, tmp_path)
    monkeypatch.setenv("HF_TOKEN", WRITER)
    monkeypatch.setenv("GAN_PLAYGROUND_HOME", str(tmp_path / "workspace"))
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "float32")
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")  # the Hub is the stand-in on this machine's loopback
    yield standin
    standin.stop()


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))


def _said(capsys) -> str:
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out, out.err[-3000:]
    assert WRITER not in out.err + out.out and READER not in out.err + out.out  # the token is never printed
    return out.out + out.err


def test_a_pushed_run_opens_from_the_hub_with_the_same_pixels_then_offline(run, hub, tmp_path, capsys, monkeypatch):
    assert main(["push", "--run", str(run), "--repo", REPO_ID]) == 0
    said = _said(capsys)
    assert f"pushed two-class to {hub.url}/{REPO_ID} (private)" in said
    kept = hub.files("model", REPO_ID)
    for name in ("generator.keras", "generator_savedmodel/saved_model.pb", "generator.weights.h5", "config.json",
                 "metrics.csv", "samples.png", "progress.gif", "README.md", "gan_playground.json"):  # fmt: skip
        assert name in kept, sorted(kept)
    assert hub.meta("model", REPO_ID)["private"]
    card = kept["README.md"].read_text()
    assert card.startswith("---\nlibrary_name: keras\n") and "- gan-playground" in card and "![samples" in card
    assert "class_index [N] int32" in card
    assert not any(WRITER.encode() in p.read_bytes() for p in run.rglob("*") if p.is_file())  # nor in the run
    assert main(["push", "--run", str(run), "--repo", REPO_ID, "--public"]) == 0  # an existing repo keeps its
    assert f"{REPO_ID} (private)" in _said(capsys)  # visibility, and the line says the one it has

    ours, theirs = tmp_path / "local.png", tmp_path / "hub.png"
    assert main(["sample", "--model", str(run), "--n", "6", "--seed", "3", "--out", str(ours)]) == 0
    assert main(["sample", "--model", f"hf://{REPO_ID}", "--n", "6", "--seed", "3", "--out", str(theirs)]) == 0
    assert f"from {REPO_ID} (Hub)" in _said(capsys)
    assert np.array_equal(_pixels(ours), _pixels(theirs))  # the same generator, the same noise: the same pixels
    assert any("/resolve/" in path for _, path in hub.requests)  # downloaded through huggingface_hub's cache

    from gan_core.evaluation.evaluate_run import run_folder  # evaluate --run hf://... reads the same files

    assert (run_folder(f"hf://{REPO_ID}") / "generator.weights.h5").is_file()
    hub.stop()  # the Hub gone: the cache answers, online or offline
    offline = tmp_path / "offline.png"
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "1")
    address = f"https://huggingface.co/{REPO_ID}/tree/main"  # its web address works as well
    assert main(["sample", "--model", address, "--n", "6", "--seed", "3", "--out", str(offline)]) == 0
    assert np.array_equal(_pixels(ours), _pixels(offline))


def test_fetch_brings_a_repo_ahead_and_a_cut_download_keeps_no_half_file(run, hub, tmp_path, capsys):
    assert main(["push", "--run", str(run), "--repo", REPO_ID]) == 0
    _said(capsys)
    hub.cut_next_download("generator.weights.h5")
    hub.cut_next_download("generator.weights.h5")  # and its retry: the download fails
    code = main(["fetch", f"hf://{REPO_ID}"])
    said = _said(capsys)
    from huggingface_hub import constants

    cache = Path(constants.HF_HUB_CACHE)
    if code != 0:  # the library's own retry may not have caught it: then one sentence, and no half file
        assert "error:" in said and len([line for line in said.splitlines() if "error:" in line]) == 1
    assert not list(cache.rglob("*.incomplete"))
    weights = list(cache.rglob("generator.weights.h5"))
    size = (hub.files("model", REPO_ID)["generator.weights.h5"]).stat().st_size
    assert all(w.stat().st_size == size for w in weights)  # whatever is kept is whole
    hub._cut.clear()
    assert main(["fetch", f"hf://{REPO_ID}"]) == 0  # again: the whole repo, then offline from the cache
    assert "it opens offline from there" in _said(capsys)
    assert [w.stat().st_size for w in cache.rglob("generator.weights.h5")] == [size]


@pytest.mark.parametrize(("token", "repo", "expected"), [
    (None, REPO_ID, "No Hugging Face token on this machine: set HF_TOKEN, or run `hf auth login` once"),
    (READER, REPO_ID, "may not push to alice/two-class-gan (403): use a token with write access"),
    ("hf_not_a_token_at_all_000", REPO_ID, "refused this machine's token (401)"),
    (WRITER, "not-a-repo", "'not-a-repo' is not a Hub repo name: use user/name"),
    (WRITER, "bob/../../x", "is not a Hub repo name"),
])  # fmt: skip
def test_a_push_that_cannot_be_done_says_why_in_one_sentence(run, hub, capsys, monkeypatch, token, repo, expected):
    if token is None:
        monkeypatch.delenv("HF_TOKEN")
    else:
        monkeypatch.setenv("HF_TOKEN", token)
    assert main(["push", "--run", str(run), "--repo", repo]) == 1
    said = _said(capsys)
    assert expected in said and len(said.strip().splitlines()) <= 2, said  # the file list, then the sentence
    assert "hf_not_a_token" not in said
    assert hub.commits == 0


def _keras_file_of_another_version(folder: Path) -> bytes:
    """A .keras file as a later Keras would write it: its config names a layer class this Keras does not have."""
    import io
    import zipfile

    import keras

    noise = keras.Input((4,))
    out = keras.layers.Reshape((2, 2, 1))(keras.layers.Dense(4, activation="tanh")(noise))
    keras.Model(noise, out).save(folder / "made-here.keras")
    written = io.BytesIO()
    with zipfile.ZipFile(folder / "made-here.keras") as source, zipfile.ZipFile(written, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "config.json":
                data = data.replace(b'"class_name": "Dense"', b'"class_name": "DenseV4"')
            if item.filename == "metadata.json":
                data = data.replace(keras.__version__.encode(), b"4.2.0")
            target.writestr(item, data)
    return written.getvalue()


def test_opening_what_is_not_a_generator_says_what_the_project_needs(hub, tmp_path, capsys, monkeypatch):
    from huggingface_hub import HfApi

    api = HfApi(token=WRITER)
    api.create_repo("alice/notes", private=False)
    api.upload_file(path_or_fileobj=b"just words", path_in_repo="notes.txt", repo_id="alice/notes")
    out = tmp_path / "x.png"
    assert main(["sample", "--model", "hf://alice/notes", "--out", str(out)]) == 1
    assert "holds no generator this project can open: it needs a .keras file that takes noise" in _said(capsys)

    from gan_core.sharing.hub_downloads import download_repo

    seen: list[float] = []  # the page's progress bar is fed by the same download
    download_repo("alice/notes", offline=False, progress=lambda fraction, _: seen.append(fraction))
    assert seen and seen[-1] == 1.0

    api.create_repo("alice/other-keras", private=False)  # a .keras file written by another Keras version
    api.upload_file(path_or_fileobj=_keras_file_of_another_version(tmp_path), path_in_repo="model.keras",
                    repo_id="alice/other-keras")  # fmt: skip
    assert main(["sample", "--model", "hf://alice/other-keras", "--out", str(out)]) == 1
    said = _said(capsys)
    assert "model.keras does not open in Keras" in said and "another Keras version" in said
    api.create_repo("alice/broken-keras", private=False)
    api.upload_file(path_or_fileobj=b"PK\x03\x04 cut off", path_in_repo="model.keras", repo_id="alice/broken-keras")
    assert main(["sample", "--model", "hf://alice/broken-keras", "--out", str(out)]) == 1
    assert "model.keras does not open in Keras" in _said(capsys)

    assert main(["sample", "--model", "hf://alice/no-such-repo", "--out", str(out)]) == 1
    assert "No repo alice/no-such-repo on the Hub, or it is private" in _said(capsys)
    assert main(["sample", "--model", "hf://../etc/passwd", "--out", str(out)]) == 1
    assert "is not a Hub repo name" in _said(capsys)

    hub.stop()
    assert main(["sample", "--model", "hf://alice/never-fetched", "--out", str(out)]) == 1
    said = _said(capsys)
    assert "alice/never-fetched" in said and ("cannot be reached" in said or "not in this machine's Hub cache" in said)


def test_a_pushed_repo_with_garbage_settings_opens_with_its_datasets_own(run, hub, tmp_path):
    """gan_playground.json from elsewhere (wrong types, a truncation out of range): ignored, not a traceback."""
    import json

    from huggingface_hub import HfApi

    from gan_core.explore.hub_repos import open_hub_repo
    from gan_core.sharing.push import push_run

    push_run(run, REPO_ID, say=lambda _: None)
    garbage = {"class_names": [1, None], "default_truncation": "a lot"}
    HfApi(token=WRITER).upload_file(path_or_fileobj=json.dumps(garbage).encode(), path_in_repo="gan_playground.json",
                                    repo_id=REPO_ID)  # fmt: skip
    info = open_hub_repo(REPO_ID, offline=False).info
    assert info.class_names == ("0", "1") and info.default_truncation == 1.0


def test_a_keras_generator_from_elsewhere_opens_by_its_inputs(hub, tmp_path, capsys):
    """Any Keras generator: noise in, pictures out, a class index in; opened with what its inputs say."""
    import keras
    from huggingface_hub import HfApi

    noise, label = keras.Input((8,), name="z"), keras.Input((), dtype="int32", name="digit")
    hot = keras.layers.CategoryEncoding(3, output_mode="one_hot")(label)
    x = keras.layers.Dense(7 * 7 * 4, activation="relu")(keras.layers.Concatenate()([noise, hot]))
    x = keras.layers.Reshape((7, 7, 4))(x)
    x = keras.layers.Conv2DTranspose(3, 4, strides=4, padding="same", activation="tanh")(x)
    model = keras.Model([noise, label], x)
    model.save(tmp_path / "gen.keras")
    api = HfApi(token=WRITER)
    api.create_repo("alice/elsewhere", private=False)
    api.upload_file(path_or_fileobj=str(tmp_path / "gen.keras"), path_in_repo="gen.keras", repo_id="alice/elsewhere")
    from gan_core.explore.hub_repos import open_hub_repo

    sampler = open_hub_repo("alice/elsewhere", offline=False)
    info = sampler.info
    assert info.noise_dim == 8 and info.class_names == ("0", "1", "2") and info.resolution == 28
    z = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    pictures = sampler.sample(z, np.array([0, 1, 2]), 1.0)
    expected = np.clip(np.rint((model([z, np.array([0, 1, 2])]).numpy() + 1) * 127.5), 0, 255).astype(np.uint8)
    assert pictures.shape == (3, 28, 28, 3) and np.array_equal(pictures, expected)
    assert "hf://alice/elsewhere" in info.source


def test_the_explorer_opens_a_pushed_run_from_the_hub_box_then_offline_from_a_link(run, hub, monkeypatch):
    from gan_core.explore.pipeline import sample_grid
    from gan_core.explore.samplers import RunModelSampler
    from gan_core.sharing.push import push_run

    push_run(run, REPO_ID, say=lambda _: None)
    at = open_page()
    at.text_input(key="explore_hub_text").input("garbage here")
    next(b for b in at.button if b.label == "Open").click().run()
    assert "'garbage here' is not a Hub repo name" in " ".join(e.value for e in at.error)
    at.text_input(key="explore_hub_text").input(f"https://huggingface.co/{REPO_ID}")
    next(b for b in at.button if b.label == "Open").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="explore_model").value == f"hf:{REPO_ID}"
    said = " ".join(c.value for c in at.caption)
    assert f"hf://{REPO_ID}, from the Hugging Face Hub" in said
    assert any("/resolve/" in path for _, path in hub.requests)

    from pages.ui.resources import explorer_sampler  # the sampler the page drew with

    local = RunModelSampler(run)
    assert explorer_sampler(f"hf:{REPO_ID}").info.class_names == local.info.class_names
    ours = sample_grid(local, [0, 1], 6, 1.0, 3)
    assert np.array_equal(sample_grid(explorer_sampler(f"hf:{REPO_ID}"), [0, 1], 6, 1.0, 3), ours)

    hub.stop()
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "1")
    at = open_page({"model": f"hf:{REPO_ID}", "seed": "3", "n": "6"})  # a shared link, the Hub gone, offline
    assert not at.error and at.selectbox(key="explore_model").value == f"hf:{REPO_ID}"
    assert "Hugging Face Hub, in this machine's cache" in at.selectbox(key="explore_model").format_func(f"hf:{REPO_ID}")
    assert np.array_equal(sample_grid(explorer_sampler(f"hf:{REPO_ID}"), [0, 1], 6, 1.0, 3), ours)


def test_the_train_page_shares_a_run_where_a_token_is_and_only_there(hub, monkeypatch):
    import streamlit as st
    from conftest import REPO
    from gan_fixtures import tiny_run_config
    from streamlit.testing.v1 import AppTest

    from pages.ui.training import run_registry

    def train_page(run_name: str) -> AppTest:
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180).run()
        at.switch_page("pages/train.py").run()
        at.query_params["run"] = run_name
        at.run()
        assert not at.exception
        return at

    st.cache_resource.clear()
    registry = run_registry()
    run = registry.open("share-me", tiny_run_config(dataset="mnist", epochs=1, batch_size=500, checkpoint_every=0))
    registry.start("share-me")
    assert run.join(120) and run.state is RunState.FINISHED, run.snapshot().message
    at = train_page("share-me")
    assert [e for e in at.expander if e.label == "Share on the Hugging Face Hub"]
    at.text_input(key="hub_repo_share-me").set_value("alice/shared-digits").run()
    next(b for b in at.button if b.label == "Share on the Hub").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(s.value.startswith(f"Shared as private {hub.url}/alice/shared-digits") for s in at.success)
    assert "generator.keras" in hub.files("model", "alice/shared-digits")
    page_text = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.success, *at.text_input])
    assert WRITER not in page_text  # the token is not on the page

    monkeypatch.setenv("HF_TOKEN", READER)  # a token that cannot write: one sentence, nothing lost
    at = train_page("share-me")
    at.text_input(key="hub_repo_share-me").set_value("alice/shared-digits").run()
    next(b for b in at.button if b.label == "Share on the Hub").click().run()
    assert any("may not push to alice/shared-digits (403)" in e.value for e in at.error)
    assert READER not in " ".join(e.value for e in at.error)

    monkeypatch.delenv("HF_TOKEN")  # no token: no button
    assert not [e for e in train_page("share-me").expander if e.label == "Share on the Hugging Face Hub"]
    monkeypatch.setenv("HF_TOKEN", WRITER)
    monkeypatch.setenv("GAN_PLAYGROUND_HOSTED", "1")  # a Space's token is its owner's, not its visitors'
    assert not [e for e in train_page("share-me").expander if e.label == "Share on the Hugging Face Hub"]
