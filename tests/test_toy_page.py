"""The Inside-a-GAN page through AppTest: train a toy run, watch it, slow motion, side by side, bad links and CSVs."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
import streamlit as st
from conftest import REPO
from streamlit.testing.v1 import AppTest

from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.toy.presets import toy_run_config
from pages.ui.training import run_registry


@pytest.fixture
def toy_page(sandbox) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/inside.py").run()
    assert not at.exception
    return at


def wait(condition, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def plane_of(at: AppTest) -> dict:
    chart = next(c for c in at.get("plotly_chart") if "toy-plane" in c.proto.id or "real" in c.proto.spec)
    return json.loads(chart.proto.spec)


def values(array) -> np.ndarray:
    """A Plotly trace's array, plain or binary-encoded ({"dtype": "f4", "bdata": base64})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def test_before_any_run_the_plane_shows_the_chosen_data(toy_page: AppTest) -> None:
    """A picture on the first screen: the real points G will have to find, for the data chosen."""
    at = toy_page
    caption = lambda: [c for image in at.get("image") for c in image.captions]  # noqa: E731
    assert caption() and caption()[0].startswith("The data: real points of the Ring of 8 Gaussians")
    at.selectbox(key="toy_data").set_value("spiral").run()
    assert caption()[0].startswith("The data: real points of the Spiral")
    at.selectbox(key="toy_data").set_value("own").run()
    assert not any(c.startswith("The data:") for c in caption())  # your own points are painted or uploaded


def test_the_data_picture_draws_the_points_where_the_data_is() -> None:
    from gan_core.toy.distributions import distribution
    from gan_core.toy.picture import REAL_COLOUR, data_picture

    picture = data_picture(distribution("ring"), size=200)
    green = (picture == np.array(REAL_COLOUR, np.uint8)).all(axis=-1)
    assert picture.shape == (200, 200, 3) and green.sum() > 200
    assert not green[90:110, 90:110].any()  # the ring's middle is empty: points sit on the ring (radius 2 of 3)
    rows, cols = np.nonzero(green)
    radius = np.hypot(rows - 99.5, cols - 99.5) / 99.5 * 3.0
    assert abs(float(np.median(radius)) - 2.0) < 0.15


def test_train_a_ring_watch_the_plane_step_in_slow_motion_and_stop(toy_page: AppTest) -> None:
    at = toy_page
    assert at.title[0].value == "Inside a GAN"
    at.selectbox(key="toy_loss").set_value("lsgan").run()
    at.select_slider(key="toy_lr").set_value(1e-3).run()
    at.toggle(key="toy_average").set_value(False).run()
    at.button(key="toy_train").click().run()
    assert not at.exception
    name = at.query_params["toy"]
    name = name[0] if isinstance(name, list) else name
    assert name.startswith("toy-ring-lsgan-")
    run = run_registry().get(name)
    train = run.config.train
    assert (train.loss, train.lr_g, train.lr_d, train.ema_decay) == ("lsgan", 1e-3, 1e-3, 0.0)
    wait(lambda: run.snapshot(with_history=False).observation is not None and run.snapshot().step > 20)
    at.run()
    assert any("steps/s" in m.value for m in at.markdown)
    assert not at.get("plotly_chart") or all("toy-plane" not in c.proto.id for c in at.get("plotly_chart"))
    assert any("G's push" in c for image in at.get("image") for c in image.captions)  # a picture while it trains

    at.button(key="toy-Pause").click().run()
    wait(lambda: run.state is RunState.PAUSED)
    at.run()
    spec = plane_of(at)  # paused: the interactive chart
    names = [trace.get("name") for trace in spec["data"]]
    assert {"D's verdict", "real", "fake (G)", "G's push"} <= set(names)
    real = next(t for t in spec["data"] if t.get("name") == "real")
    assert len(values(real["x"])) == 512
    step = run.snapshot().step
    at.button(key="toy-G step").click().run()
    wait(lambda: run.snapshot().step == step + 1)
    at.run()
    assert any("one G update" in m.value for m in at.markdown)
    at.toggle(key="toy_manifold").set_value(True).run()
    assert "G's noise grid" in [t.get("name") for t in plane_of(at)["data"]]
    at.button(key="toy-Stop").click().run()
    assert run.state is RunState.STOPPED
    wait(lambda: not run.saving)  # the click does not wait for the last checkpoint; the thread writes it
    assert run.store.checkpoint_steps()


def test_a_saved_toy_run_opens_side_by_side_and_garbage_links_get_a_sentence(toy_page: AppTest) -> None:
    registry = run_registry()
    for name, loss in (("toy-a", "bce"), ("toy-b", "lsgan")):
        registry.open(name, toy_run_config("ring", loss, steps=250, checkpoint_every=250))
        registry.start(name)
        wait(lambda name=name: registry.get(name).state is RunState.FINISHED)
    at = toy_page
    at.query_params["toy"] = "toy-a"
    at.run()
    at.selectbox(key="toy_compare").set_value("toy-b").run()
    assert not at.exception
    titles = {json.loads(c.proto.spec)["layout"]["title"]["text"].split(" ·")[0] for c in at.get("plotly_chart")
              if "title" in json.loads(c.proto.spec)["layout"]}  # fmt: skip
    assert {"toy-a", "toy-b"} <= titles
    both = next(c for c in at.get("plotly_chart") if "toy-losses-both" in c.proto.id)  # issue 26.11: both curves
    assert {"toy-a", "toy-b"} <= {t.get("name") for t in json.loads(both.proto.spec)["data"]}
    for garbage, says in (("../etc", "cannot be opened: use letters"), ("nope", "no run of that name")):
        fresh = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
        fresh.switch_page("pages/inside.py")
        fresh.query_params["toy"] = garbage
        fresh.run()
        assert not fresh.exception
        assert any(says in c.value for c in fresh.caption)


def test_an_image_run_is_not_opened_here_and_a_bad_csv_is_refused(toy_page: AppTest) -> None:
    from gan_core.data import load_dataset
    from gan_core.training.presets import default_run_config

    info = load_dataset("mnist").info
    run_registry().open("images", default_run_config(info))
    at = toy_page
    at.query_params["toy"] = "images"
    at.run()
    assert any("image GAN: open it on the Train page" in c.value for c in at.caption)
    at.selectbox(key="toy_data").set_value("own").run()
    assert at.button(key="toy_train").disabled


def test_train_on_shows_the_run_training_at_once(toy_page: AppTest) -> None:
    """Issue 26.11: Train on left "stopped" and an enabled Train on for 15 s while the run trained (the page held
    the run object it was drawn with; the registry had opened a new one)."""
    registry = run_registry()
    registry.open("toy-on", toy_run_config("ring", "hinge", steps=20_000, checkpoint_every=100))
    registry.start("toy-on")
    wait(lambda: registry.get("toy-on").snapshot(with_history=False).step > 150)
    registry.get("toy-on").stop()
    at = toy_page
    at.query_params["toy"] = "toy-on"
    at.run()
    assert any(m.value.startswith("**stopped**") for m in at.markdown)
    at.button(key="toy-continue").click().run()
    assert not at.exception
    try:
        assert any(m.value.startswith(("**running**", "**queued**")) for m in at.markdown), [
            m.value for m in at.markdown
        ]
        assert at.button(key="toy-continue").disabled and not at.button(key="toy-Stop").disabled
    finally:
        registry.get("toy-on").stop()


def test_stop_shows_at_once_and_train_on_waits_for_the_checkpoint(toy_page: AppTest) -> None:
    """Issue 26.11: Stop took 2-5 s to show (the click waited for the thread's last checkpoint, frame and generator);
    now the page says "stopped" at once and offers Train on only once the checkpoint is written."""
    with training_toy_run("toy-stop") as run:
        at = toy_page
        at.query_params["toy"] = "toy-stop"
        at.run()
        at.button(key="toy-Stop").click().run()
        assert not at.exception
        saving = run.saving  # read before the thread can finish: the click did not wait for it
        assert run.state is RunState.STOPPED
        assert any(m.value.startswith("**stopped**") for m in at.markdown)
        if saving:
            assert at.button(key="toy-continue").disabled
        wait(lambda: not run.saving)
        at.run()
        assert not at.button(key="toy-continue").disabled
        assert any("checkpoint saved" in m.value for m in at.markdown)
        assert run.store.checkpoint_steps()


def test_mode_collapse_is_one_click_from_its_recipe(toy_page: AppTest, caplog) -> None:
    """Issue 26.11: the page named a recipe that did not collapse; its measured one now sets itself up. Issue
    36.10: without Streamlit's warning about a widget with a default and a Session State value both."""
    import logging

    from gan_core.toy.presets import COLLAPSE

    at = toy_page
    with caplog.at_level(logging.WARNING, logger="streamlit"):
        at.button(key="toy_collapse").click().run()
    assert not at.exception
    assert not [r for r in caplog.records if "Session State" in r.getMessage()], caplog.text
    assert at.selectbox(key="toy_loss").value == COLLAPSE.loss == "bce"
    assert at.select_slider(key="toy_lr").value == COLLAPSE.lr and at.radio(key="toy_noise").value == 1
    assert at.toggle(key="toy_average").value is False


@contextmanager
def training_toy_run(name: str) -> Iterator[TrainingRun]:
    """A ring run training in the registry (past its first steps), stopped afterwards."""
    registry = run_registry()
    registry.open(name, toy_run_config("ring", "hinge", steps=20_000))
    registry.start(name)
    run = registry.get(name)
    try:
        wait(lambda: run.snapshot(with_history=False).step > 20)
        yield run
    finally:
        if run.state.active:
            run.stop()
        run.join(30)


def test_the_learning_rate_changes_while_the_run_trains(toy_page: AppTest) -> None:
    """Issue 26 (GAN Lab's habit): a new learning rate from the next step on, kept for a resume."""
    with training_toy_run("toy-live") as run:
        at = toy_page
        at.query_params["toy"] = "toy-live"
        at.run()
        at.select_slider(key="toy-live-lr-toy-live").set_value(2e-3).run()
        assert not at.exception
        assert run.config.train.lr_g == run.config.train.lr_d == 2e-3
        assert run.store.read_config().train.lr_g == 2e-3  # a resume goes on with it
        step = run.snapshot(with_history=False).step
        wait(lambda: run.snapshot(with_history=False).step > step + 5)
        assert run._new_rate is None  # taken by the training loop before a step


def test_the_loss_changes_while_the_run_trains(toy_page: AppTest) -> None:
    """Issue 26 (GAN Lab's other habit): a new loss from the next step on, with its settings, kept for a resume."""
    with training_toy_run("toy-loss") as run:
        at = toy_page
        at.query_params["toy"] = "toy-loss"
        at.run()
        at.selectbox(key="toy-live-loss-toy-loss").set_value("wgan-gp").run()
        assert not at.exception
        saved = run.store.read_config().train
        assert (saved.loss, saved.d_steps, saved.beta2) == ("wgan-gp", 5, 0.9)  # a resume goes on with it
        wait(lambda: "training with the wgan-gp loss from step" in run.snapshot(with_history=False).message)
        step = run.snapshot(with_history=False).step
        wait(lambda: run.snapshot(with_history=False).step > step + 20)
        snap = run.snapshot()
        assert snap.state is RunState.RUNNING and np.isfinite(snap.history["g_loss"][-20:]).all()
        assert run._new_loss is None  # taken by the training loop before a step


def test_a_refused_start_keeps_its_message_in_view_and_leaves_no_folder(sandbox, monkeypatch) -> None:
    """Issue 36.6: with a bad setting, Train showed nothing (its error was wiped by the rerun after it) and left a
    folder holding only config.json, which then said "the first picture appears within seconds" forever."""
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "bogus")
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/inside.py").run()
    at.button(key="toy_train").click().run()
    assert not at.exception
    assert any("bogus" in e.value for e in at.error), [e.value for e in at.error]
    runs = sandbox / "workspace" / "runs"
    assert not runs.exists() or not any(runs.iterdir()), list(runs.iterdir())
    assert run_registry().active() == []


def test_a_queued_run_says_its_place_and_offers_no_film_yet(toy_page: AppTest) -> None:
    """Issue 36.7: a queued toy run showed no queue position, said "the first picture appears within seconds" and
    offered GIF and MP4 buttons with no frames to film."""
    with training_toy_run("toy-first"):
        at = toy_page
        at.button(key="toy_train").click().run()  # the only training slot is taken: this one queues
        assert not at.exception
        said = " ".join(m.value for m in at.markdown)
        assert "**queued**" in said and "position 1 in the queue (1 run training at once on this server)" in said
        captions = " ".join(c.value for c in at.caption)
        assert "within seconds" not in captions and "Waiting for a free training slot" in captions
        films = [b for b in at.get("download_button") if b.proto.id and "toy-gif" in b.proto.id]
        assert films and all(b.proto.disabled for b in films)
        queued = [r for r in run_registry().active() if r.name != "toy-first"]
        for run in queued:
            run.stop()
