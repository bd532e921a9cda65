"""The Train page through AppTest: start -> pause -> resume -> stop, with the run living in the registry."""

from __future__ import annotations

import time

import pytest
import streamlit as st
from conftest import REPO
from streamlit.testing.v1 import AppTest

from gan_core.runs.state import RunState
from pages.ui.training import run_registry


@pytest.fixture
def train_page(sandbox) -> AppTest:
    st.cache_resource.clear()  # a fresh registry and settings for this test's workspace
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    return at


def wait_for_step(run, step: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while run.snapshot().step < step:
        assert run.state is RunState.RUNNING, run.snapshot().message
        assert time.monotonic() < deadline, "no training progress"
        time.sleep(0.1)


def test_start_pause_resume_stop_from_the_page(train_page: AppTest) -> None:
    at = train_page
    at.number_input[0].set_value(1).run()  # epochs
    at.select_slider[0].set_value(32).run()  # batch size: quick steps
    at.text_input[0].set_value("page-run").run()
    next(b for b in at.button if b.label == "Start training").click().run()
    assert not at.exception
    assert at.query_params["run"] in ("page-run", ["page-run"])
    run = run_registry().get("page-run")
    assert run is not None and run.state is RunState.RUNNING
    assert "running" in at.markdown[0].value or any("running" in m.value for m in at.markdown)

    wait_for_step(run, 2)
    at.button(key="ctl-Pause").click().run()
    assert run.state is RunState.PAUSED
    assert any(m.value.startswith("**paused**") for m in at.markdown)
    assert at.button(key="ctl-Pause").disabled and not at.button(key="ctl-Resume").disabled

    at.button(key="ctl-Resume").click().run()
    assert run.state is RunState.RUNNING
    paused_step = run.snapshot().step
    wait_for_step(run, paused_step + 2)

    at.button(key="ctl-Stop").click().run()
    assert run.state is RunState.STOPPED
    snap = run.snapshot()
    assert snap.checkpoint_steps[-1] == snap.step
    # Inside the GAN: what D says about real and fake, and the networks as summary() lists them.
    at.run()
    assert any("What D says" in chart.proto.spec for chart in at.get("plotly_chart"))
    assert any(m.value.startswith("**Generator**") and "| Parameters |" in m.value for m in at.markdown)
    assert any(m.value.startswith("**stopped**") for m in at.markdown)
    assert len(at.get("plotly_chart")) == 3  # the loss and accuracy charts, what D says
    assert not at.button(key="ctl-continue").disabled
    at.button(key="ctl-new").click().run()  # back to the New run form: a fresh name, not an empty box
    assert at.text_input(key="run_name").value.startswith("mnist-")


def test_a_second_start_beyond_the_cap_is_queued_with_its_position(train_page: AppTest) -> None:
    registry = run_registry()
    from gan_fixtures import tiny_run_config

    registry.open("blocker", tiny_run_config(dataset="mnist", epochs=1000), owner="someone-else")
    registry.start("blocker")
    try:
        at = train_page
        at.text_input[0].set_value("waiting-run").run()
        next(b for b in at.button if b.label == "Start training").click().run()
        assert registry.get("waiting-run").state is RunState.QUEUED
        assert any("position 1 in the queue" in m.value for m in at.markdown)
        at.button(key="ctl-Stop").click().run()
        assert registry.get("waiting-run").state is RunState.STOPPED
    finally:
        registry.get("blocker").stop()


def test_saved_runs_are_listed_and_open_by_url(train_page: AppTest) -> None:
    registry = run_registry()
    from gan_fixtures import tiny_run_config

    run = registry.open("old-run", tiny_run_config(dataset="mnist", epochs=1, batch_size=512))
    registry.start("old-run")
    assert run.join(120)
    st.cache_resource.clear()  # as after a server restart: only the folder remains
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/train.py").run()
    assert any("old-run" in m.value for m in at.markdown)
    at.button(key="open-old-run").click().run()
    assert not at.exception
    assert at.query_params["run"] in ("old-run", ["old-run"])
    assert any(m.value.startswith("**idle**") for m in at.markdown)


def test_open_demo_shows_the_finished_run_with_its_curves_layers_and_what_d_says(train_page: AppTest) -> None:
    """Issue 26.6: a shipped demo showed no layer table and no "What D says" until it trained again; the first
    "Open demo" is the tutorial's DCGAN, the demo the README names."""
    at = train_page
    demo_buttons = [b.key for b in at.button if str(b.key).startswith("demo-")]
    assert demo_buttons[0] == "demo-demo-mnist-dcgan"
    at.button(key="demo-demo-mnist-dcgan").click().run()
    assert not at.exception
    assert at.query_params["run"] in ("demo-mnist-dcgan", ["demo-mnist-dcgan"])
    assert any(m.value.startswith("**idle**") for m in at.markdown)
    charts = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(charts) == 4 and any("What D says" in spec for spec in charts)  # losses, accuracy, D's view,
    assert any("FID" in spec for spec in charts)  # and its live FID: where the tutorial's networks level off (28)
    assert any("**Generator**" in m.value and "| Layer |" in m.value for m in at.markdown)
    assert not at.button(key="ctl-continue").disabled


def test_the_coach_and_the_quality_chart_show_on_a_run_that_needs_them(train_page: AppTest) -> None:
    """A run folder whose log shows D pinned near 100% and FID rising after its best point."""
    from gan_fixtures import tiny_run_config

    from gan_core.runs.store import RunStore

    store = RunStore(run_registry().runs_dir / "pinned")
    store.dir.mkdir(parents=True)
    store.write_config(tiny_run_config(dataset="mnist", epochs=1))
    store.append_metrics([{"step": s, "epoch": s / 300, "seconds": s * 0.1, "d_loss_real": 0.01, "d_loss_fake": 0.01,
                           "g_loss": 6.0, "d_acc_real": 1.0, "d_acc_fake": 1.0, "images_per_sec": 100.0}
                          for s in range(1, 301)])  # fmt: skip
    for step, fid in ((75, 60.0), (150, 30.0), (225, 40.0), (300, 45.0)):
        store.append_eval({"step": step, "fid": fid, "n": 512, "covered": 10, "num_classes": 10, "kl": 0.01})
    store.write_best({"step": 150, "fid": 30.0, "n": 512})
    at = train_page
    at.query_params["run"] = "pinned"
    at.run()
    assert not at.exception
    advice = " ".join(w.value for w in at.warning)
    assert "Coach: The discriminator is winning too easily" in advice and "Lower D's learning rate" in advice
    assert "Quality got worse after its best point" in advice and "generator of step 150" in advice
    assert len(at.get("plotly_chart")) == 3  # losses, accuracy and the live quality chart


# -- issue 13 -----------------------------------------------------------------------------------------------------
def start_from_form(at: AppTest, name: str, epochs: int = 1) -> None:
    at.number_input[0].set_value(epochs).run()
    at.text_input[0].set_value(name).run()
    next(b for b in at.button if b.label == "Start training").click().run()
    assert not at.exception


def test_a_training_run_survives_a_visit_to_another_page(train_page: AppTest) -> None:
    """13.2: the page-switch drops the URL's ?run=; the session still knows its run."""
    at = train_page
    start_from_form(at, "stays", epochs=50)
    run = run_registry().get("stays")
    try:
        at.switch_page("pages/explore.py").run()
        for key in list(at.query_params):
            del at.query_params[key]  # a browser's page switch leaves no query parameters
        at.switch_page("pages/train.py").run()
        assert not at.exception
        assert any(s.value == "stays" for s in at.subheader)  # the dashboard, not the New-run form
        assert at.query_params["run"] in ("stays", ["stays"])
        at.button(key="ctl-new").click().run()
        assert any(b.label == "Start training" for b in at.button)  # "New run" still leaves it
    finally:
        run.stop()


def test_a_new_run_named_like_a_saved_one_is_refused_on_the_page(train_page: AppTest) -> None:
    """13.3: one sentence, and the saved run's config is untouched."""
    from gan_fixtures import tiny_run_config

    registry = run_registry()
    registry.open("taken", tiny_run_config(dataset="mnist", epochs=5))
    before = (registry.runs_dir / "taken" / "config.json").read_text()
    start_from_form(train_page, "taken")
    assert "a saved run is already called 'taken'" in train_page.error[0].value
    assert (registry.runs_dir / "taken" / "config.json").read_text() == before


def test_the_first_continue_on_an_opened_demo_trains_and_a_finished_run_shows_no_speed(train_page: AppTest) -> None:
    """13.7 and 13.13: the shipped demo is 'finished'; one click gives it more epochs and it runs."""
    at = train_page
    at.button(key="demo-demo-mnist-dcgan").click().run()
    assert any(m.value.startswith("**idle** · finished 52 epochs") for m in at.markdown)  # trained on (issue 28)
    speed = next(m for m in at.metric if m.label == "Images / s")
    assert speed.value == "—"
    assert next(m for m in at.metric if m.label == "Epoch (of 52)").value == "52.0"  # read from its log
    at.button(key="ctl-continue").click().run()
    run = run_registry().get("demo-mnist-dcgan")
    try:
        assert run.state is RunState.RUNNING and run.config.train.epochs == 78
    finally:
        run.stop(wait=60)


def test_a_fork_says_its_epochs_are_a_total_and_opens_saying_it_is_not_trained_yet(train_page: AppTest) -> None:
    from gan_fixtures import tiny_run_config

    registry = run_registry()
    run = registry.open("forkme", tiny_run_config(dataset="mnist", epochs=1, batch_size=500, checkpoint_every=0))
    registry.start("forkme")
    assert run.join(120) and run.state is RunState.FINISHED, run.snapshot().message
    at = train_page
    at.query_params["run"] = "forkme"
    at.run()
    epochs = at.number_input(key="fork-epochs")
    assert epochs.label == "Total epochs" and "not added" in epochs.help and "at epoch 1.0" in epochs.help
    at.text_input(key="fork-name").set_value("../escape").run()  # issue 36.10: Fork was disabled with no reason
    assert next(b for b in at.button if b.label == "Fork").disabled
    assert any("use letters, digits" in c.value and "choose another name" in c.value for c in at.caption)
    at.text_input(key="fork-name").set_value("forked").run()
    next(b for b in at.button if b.label == "Fork").click().run()
    assert not at.exception
    assert any(m.value.startswith("**idle** · forked from forkme") and "not trained yet" in m.value
               for m in at.markdown)  # fmt: skip
    at.query_params["run"] = "forkme"  # back to the source: a second fork under the name taken is said, in words
    at.session_state["train_run"] = "forkme"
    at.run()
    at.text_input(key="fork-name").set_value("forked").run()
    assert next(b for b in at.button if b.label == "Fork").disabled
    said = " ".join(c.value for c in at.caption)
    assert "a run called 'forked' exists already" in said and "/" not in said.split("forked")[0][-40:]


def test_twenty_imported_images_get_a_batch_that_fits(train_page: AppTest) -> None:
    """13.4: 20 images at 64 px: the default batch (64 for 64 px) shrinks to 16, and no larger one is offered."""
    from gan_fixtures import random_png_uploads

    from gan_core.data.own_images import import_images, save_dataset_folder
    from pages.ui.resources import settings

    twenty = import_images(uploads=random_png_uploads(20, seed=1), size=64)
    save_dataset_folder(twenty, settings().datasets_dir / "twenty")
    at = train_page
    at.run()
    at.selectbox[0].select("twenty").run()
    assert not at.exception
    assert at.select_slider[0].value == 16 and max(at.select_slider[0].options, key=int) == "16"
    assert not any(":red[" in c.value for c in at.caption)  # nothing stops the Start button


def test_the_train_page_starts_a_colour_run_on_emoji_offline(train_page: AppTest) -> None:
    """Issue 14: the 32x32x3 path trains on the bundled colour set from the page, with no download."""
    at = train_page
    at.selectbox[0].select("emoji").run()
    assert any("Emoji: bundled" in c.value and "32×32×3 px" in c.value for c in at.caption)
    at.selectbox(key="recipe-emoji").set_value("tutorial-conditional").run()  # emoji has labels
    start_from_form(at, "colour-run")
    run = run_registry().get("colour-run")
    try:
        wait_for_step(run, 2, timeout=300)
        assert run.config.model.image_shape == (32, 32, 3) and run.config.model.conditional
    finally:
        run.stop(wait=60)


def test_a_run_can_train_for_a_number_of_minutes(train_page: AppTest) -> None:
    """Issue 28: "train for N minutes" beside the epochs; the run's progress is its time, not its steps."""
    at = train_page
    at.radio(key="train_for").set_value("minutes").run()
    at.number_input(key="train_minutes").set_value(2).run()
    at.text_input[0].set_value("timed-run").run()
    next(b for b in at.button if b.label == "Start training").click().run()
    assert not at.exception
    run = run_registry().get("timed-run")
    try:
        assert run.config.train.minutes == 2
        wait_for_step(run, 3)
        at.run()
        bars = [bar.proto.text for bar in at.get("progress")]
        assert any(" of 2m 00s trained · step " in text for text in bars), bars
        assert run.snapshot().eta_seconds <= 120
    finally:
        run.stop()


def test_each_dataset_opens_on_its_best_recipe_and_the_tutorials_networks_stay_one_click_away(
    train_page: AppTest,
) -> None:
    """Issue 28: the Networks choice opens on the recipe that won quality per CPU-minute for the dataset (where
    measured), and "TF tutorial networks" is always offered, with the tutorial's own networks behind it."""
    from gan_core.data import load_dataset
    from gan_core.training.presets import RECIPES, default_recipe

    at = train_page
    for name in ("mnist", "fashion_mnist", "emoji"):
        at.selectbox[0].select(name).run()
        networks = at.selectbox(key=f"recipe-{name}")
        assert networks.value == default_recipe(load_dataset(name).info)
        assert "tutorial" in networks.options or RECIPES["tutorial"].title in networks.options
    at.selectbox[0].select("mnist").run()
    at.selectbox(key="recipe-mnist").set_value("tutorial").run()
    start_from_form(at, "as-the-tutorial")
    run = run_registry().get("as-the-tutorial")
    try:
        model = run.config.model
        assert (model.architecture, model.g_width, model.noise_dim, model.conditional) == ("dcgan", 64, 100, False)
        assert run.config.train.loss == "bce"
    finally:
        run.stop()


def test_the_new_run_form_shows_a_real_picture_of_each_class_before_any_click(train_page: AppTest) -> None:
    """Pictures on the first screen: what G learns to draw, one real training picture per class."""
    at = train_page

    def strip() -> tuple[tuple[int, ...], list[str]]:
        images = at.get("image")
        assert len(images) == 1
        return images[0].proto.imgs[0].url, list(images[0].captions)

    mnist_url, captions = strip()
    assert captions == ["What G learns to draw: one real picture of each class"]
    at.selectbox[0].select("emoji").run()
    emoji_url, _ = strip()
    assert emoji_url != mnist_url  # the strip follows the dataset


def test_a_typed_run_name_survives_a_change_of_dataset_and_a_default_one_follows_it(train_page: AppTest) -> None:
    """The default name is the dataset's; a name the person typed is theirs, whatever they pick next (CI once lost
    one typed while the dataset's rerun was under way and started the run under the default)."""
    at = train_page
    assert at.text_input(key="run_name").value.startswith("mnist-")
    at.selectbox[0].set_value("fashion_mnist").run()
    assert at.text_input(key="run_name").value.startswith("fashion_mnist-")  # untouched: follows the dataset
    at.text_input(key="run_name").set_value("my-own-name").run()
    at.selectbox[0].set_value("mnist").run()
    assert not at.exception
    assert at.text_input(key="run_name").value == "my-own-name"
