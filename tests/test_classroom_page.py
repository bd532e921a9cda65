"""The Classroom page and presenter mode through AppTest: gallery, pinning, demo moments, hosted notices."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from conftest import REPO
from gan_fixtures import synthetic_loader, tiny_run_config
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from gan_core.runs.run import TrainingRun


@pytest.fixture(scope="module")
def two_finished_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two small runs trained to their end once for this file; each test gets its own copy."""
    runs = tmp_path_factory.mktemp("classroom-runs")
    for name in ("alice-digits", "bob-blobs"):
        run = TrainingRun(runs / name, tiny_run_config(epochs=2), data_loader=synthetic_loader)
        run.start()
        assert run.join(120)
    return runs


@pytest.fixture
def workspace_with_runs(sandbox, two_finished_runs: Path):
    runs = sandbox / "workspace" / "runs"
    shutil.copytree(two_finished_runs, runs)  # a run folder holds no path of its own: a copy opens as the run
    st.cache_resource.clear()
    st.cache_data.clear()
    return runs


def bordered_boxes(node) -> int:
    """Containers and columns drawn with a border, anywhere under `node`."""
    proto = node.proto if isinstance(node, Block) else None
    fields = proto.DESCRIPTOR.fields_by_name if proto is not None else {}
    own = ("flex_container" in fields and proto.HasField("flex_container") and proto.flex_container.border) or (
        "show_border" in fields and proto.show_border)
    return int(bool(own)) + sum(bordered_boxes(child) for child in getattr(node, "children", {}).values())


def classroom(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/classroom.py").run()
    assert not at.exception
    return at


def test_the_gallery_shows_every_run_and_a_pin_puts_one_on_the_projector(workspace_with_runs) -> None:
    at = classroom()
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any(n.startswith("**alice-digits**") for n in names) and any(n.startswith("**bob-blobs**") for n in names)
    assert "No run is pinned" in " ".join(c.value for c in at.caption)
    cards = [c for c in at.get("plotly_chart") if c.key.startswith("losses-g-")]
    grids = [c for image in at.get("image") for c in image.captions if c.startswith("fixed noise, step")]
    assert len(cards) == 2 and len(grids) == 2  # each card: curves and its grid (the demo moments show theirs)
    assert bordered_boxes(at.main) == 2  # one box per run: a row of three columns showed a third, empty one
    next(b for b in at.button if b.key == "pin-bob-blobs").click().run()
    assert not at.exception
    assert any("bob-blobs" in h.value for h in at.subheader)  # the pinned view
    other = classroom()  # another browser (the projector) sees the same pin
    assert any("bob-blobs" in h.value for h in other.subheader)
    next(b for b in other.button if b.key == "unpin").click().run()
    assert "No run is pinned" in " ".join(c.value for c in other.caption)


def test_demo_moments_open_the_shipped_run_and_models_offline(sandbox) -> None:
    st.cache_resource.clear()
    at = classroom()
    titles = [b.label for b in at.button if b.key and b.key.startswith("moment-")]
    assert titles == ["A GAN that learned digits", "What did the GAN learn to control?", "Find yourself in the GAN",
                      "Clothes on demand", "A sneaker turns into a boot", "Emoji on demand",
                      "An animal turns into food"]  # offline  # fmt: skip
    assert len(at.get("image")) == 7  # each moment shows the shipped model it opens, before a click
    next(b for b in at.button if b.label == "A GAN that learned digits").click().run()
    assert not at.exception
    assert (sandbox / "workspace" / "runs" / "demo-mnist-dcgan" / "config.json").is_file()  # copied, opened
    assert any(s.value == "demo-mnist-dcgan" for s in at.subheader)


def test_presenter_mode_from_the_url_styles_pages_and_persists(sandbox) -> None:
    st.cache_resource.clear()
    at = classroom({"present": "1"})
    assert at.sidebar.toggle[0].value is True
    assert at.query_params["present"] in ("1", ["1"])
    at.sidebar.toggle[0].set_value(False).run()
    assert "present" not in at.query_params
    at.switch_page("pages/explore.py").run()
    assert not at.exception and at.sidebar.toggle[0].value is False


def test_hosted_mode_tells_visitors_the_limits(sandbox, monkeypatch) -> None:
    monkeypatch.setenv("GAN_PLAYGROUND_HOSTED", "1")
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    assert "hosted mode" in " ".join(c.value for c in at.sidebar.caption)
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert "each start trains at most 15 minutes" in at.info[0].value
    assert at.number_input[0].max == 50  # epochs
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert [o for o in at.selectbox[0].options if o.startswith("BigGAN")] == [
        "BigGAN-deep 128x128 · TF Hub, about 230 MB on first use"
    ]


def test_the_interpolation_moment_shows_the_steps_its_caption_promises(sandbox) -> None:
    """Issue 13.9: 'in 12 steps' shows 12."""
    st.cache_resource.clear()
    at = classroom()
    moment = next(b for b in at.button if b.label == "A sneaker turns into a boot")
    assert any("in 12 steps" in c.value for c in at.caption)
    moment.click().run()
    assert not at.exception
    assert any("12 steps, left to right" in c for e in at.get("image") for c in e.captions)


def test_the_biggan_moment_is_offered_only_when_biggan_is_on_this_machine(sandbox, monkeypatch) -> None:
    """Issue 13.9: a server without the download (offline or not) offers no moment that ends on an error."""
    import hashlib

    from gan_core.explore.samplers import BIGGAN_HANDLES

    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")  # downloads allowed, but no internet and no copy here
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(sandbox / "hub"))
    st.cache_resource.clear()
    titles = [b.label for b in classroom().button if b.key and b.key.startswith("moment-")]
    assert not any("BigGAN" in t for t in titles)
    handle = BIGGAN_HANDLES["biggan-deep-128"][0]
    copy = sandbox / "hub" / hashlib.sha1(handle.encode()).hexdigest()
    copy.mkdir(parents=True)
    (copy / "saved_model.pb").write_bytes(b"stand-in")
    titles = [b.label for b in classroom().button if b.key and b.key.startswith("moment-")]
    assert "BigGAN: volcanoes and terriers" in titles


def test_a_card_read_from_disk_is_stale_only_when_its_folder_changed(workspace_with_runs) -> None:
    """The pinned view polls every 2 s for every viewer: a saved run's card is read again only after a change."""
    import os
    import time

    from gan_core.runs.classroom import folder_stamp
    from gan_core.runs.store import RunStore

    folder = workspace_with_runs / "alice-digits"
    before = folder_stamp(folder)
    assert folder_stamp(folder) == before
    time.sleep(0.01)
    RunStore(folder).append_metrics([{"step": 99}])
    os.utime(folder / "metrics.jsonl")
    assert folder_stamp(folder) != before


def test_two_runs_curves_on_one_chart_with_tensorboards_smoothing(sandbox) -> None:
    """Issue 26: TensorBoard's habit, several runs' curves on one chart with smoothing (Classroom, Evaluate)."""
    import json

    from gan_core.pictures.charts import runs_figure
    from gan_core.settings import Settings

    runs_dir = Settings.from_env().runs_dir
    for name, seed in (("run-a", 0), ("run-b", 1)):
        run = TrainingRun(runs_dir / name, tiny_run_config(seed=seed), data_loader=synthetic_loader)
        run.start()
        assert run.join(120)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/classroom.py").run()
    assert not at.exception and at.multiselect(key="compare-runs").value == ["run-b", "run-a"]
    chart = next(c for c in at.get("plotly_chart") if "classroom-curves" in c.proto.id)
    names = {t.get("name") for t in json.loads(chart.proto.spec)["data"]}
    assert {"run-a", "run-b"} <= names
    at.slider(key="classroom-curves-smoothing").set_value(0.0).run()
    assert not at.exception
    raw = runs_figure({"a": {"step": (1, 2, 3), "g_loss": (1.0, 3.0, 2.0)}}, "g_loss", smoothing=0.0)
    assert list(raw.data[1].y) == [1.0, 3.0, 2.0]  # no smoothing: the values themselves
    smoothed = runs_figure({"a": {"step": (1, 2, 3), "g_loss": (1.0, 3.0, 2.0)}}, "g_loss", smoothing=0.6)
    assert smoothed.data[1].y[1] < 3.0  # a moving average lags the jump


def test_each_moment_opens_on_what_its_caption_promises(sandbox, monkeypatch) -> None:
    """Issue 36.2: the interpolation moments showed their grid moments' picture, opened on a grid with the strip
    1,000 px below, and an Emoji moment said "BigGAN-deep 128x128 is not on this machine" though it asked for Emoji."""
    import numpy as np
    from PIL import Image

    from gan_core.explore.moments import moment_picture_pixels
    from gan_core.runs.bundled import bundled_runs
    from gan_core.runs.classroom import demo_moments, moment_picture

    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "float32")  # the strips were drawn in float32, on any CPU
    moments = demo_moments([b.name for b in bundled_runs()], [])
    pictures = [moment_picture(m) for m in moments]
    assert all(pictures) and len(set(pictures)) == len(moments)  # each moment its own picture
    for moment, picture in zip(moments, pictures, strict=True):
        # The picture is what the Explorer draws for the moment's link (a search's, many Adam steps long, is
        # checked on the page below: its float32 sums may differ in the last bits from one CPU to another).
        if moment.strip_name and moment.params.get("show") != "find":
            shipped = np.asarray(Image.open(picture))
            drawn = moment_picture_pixels(moment)
            assert shipped.shape == drawn.squeeze().shape or shipped.shape == drawn.shape
            assert np.abs(shipped.astype(int) - drawn.reshape(shipped.shape)).mean() < 1.0, moment.title
    st.cache_resource.clear()
    for title in ("A sneaker turns into a boot", "An animal turns into food", "Emoji on demand"):
        at = classroom()
        next(b for b in at.button if b.label == title).click().run()
        assert not at.exception
        assert not any("is not on this machine" in c.value for c in at.caption), title  # the link asked for it
        if "turns into" in title:  # the strip comes first: above the model box, its controls below the grid
            main = list(at.main)
            strip = next(i for i, e in enumerate(main) if "left to right" in " ".join(getattr(e, "captions", [])))
            model = next(i for i, e in enumerate(main) if getattr(e, "label", "") == "Model")
            assert strip < model, [type(e).__name__ for e in main]
            assert any(m.value.startswith("**Interpolation from") for m in at.markdown)


def test_the_directions_and_search_moments_open_on_them_at_the_top(sandbox) -> None:
    """Issue 37.4: "What did the GAN learn to control?" opens on a sample's direction strips, "Find yourself in the
    GAN" on the search, each above the model box (in view on arrival), presenter mode included."""
    st.cache_resource.clear()
    for present in (False, True):
        for title, first in (("What did the GAN learn to control?", "What the GAN learned to control"),
                             ("Find yourself in the GAN", "The GAN searches its noise")):  # fmt: skip
            at = classroom({"present": "1"} if present else None)
            next(b for b in at.button if b.label == title).click().run()
            assert not at.exception, title
            main = list(at.main)
            texts = [getattr(e, "value", "") if isinstance(getattr(e, "value", ""), str) else "" for e in main]
            shown = next(i for i, t in enumerate(texts) if first in t)
            model = next(i for i, e in enumerate(main) if getattr(e, "label", "") == "Model")
            assert shown < model, (title, present)
        strips = [e for e in at.get("image") if any("-3" in c and "+3" in c for c in e.captions)]
        assert not strips  # the search moment opened no direction strips


def test_the_gallery_shows_toy_runs_too_opening_on_their_page(workspace_with_runs) -> None:
    """Issue 36.10: the gallery left out the toy runs of Inside a GAN."""
    from gan_core.toy.presets import toy_run_config

    toy = TrainingRun(workspace_with_runs / "carol-ring", toy_run_config("ring", steps=100, eval_every=50))
    toy.start()
    assert toy.join(120) and toy.state.value == "finished", toy.snapshot().message
    st.cache_data.clear()
    at = classroom()
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any(n.startswith("**carol-ring**") for n in names), names
    captions = [c for image in at.get("image") for c in image.captions]
    assert any(c.startswith("the plane, step") for c in captions) and any(c.startswith("fixed noise") for c in captions)
    assert any("modes covered" in c.value for c in at.caption)
    pages = [link.proto.page for link in at.get("page_link") if link.proto.label == "Open"]
    assert sorted(pages) == ["inside", "train", "train"], pages  # each card opens on its own page
