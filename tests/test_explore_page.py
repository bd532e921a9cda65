"""The Explore page through AppTest: shipped model by default, classes, sliders, cap, interpolation, export,
a shared link's settings, and an offline hub model's one-sentence message."""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st
from conftest import REPO
from gan_fixtures import biggan_tarball, tiny_biggan, tiny_run_config, two_class_dataset
from streamlit.testing.v1 import AppTest

from gan_core.explore.pipeline import sample_grid
from gan_core.explore.samplers import MAX_SAMPLES, RunModelSampler
from gan_core.models.config import ModelConfig
from gan_core.runs.run import TrainingRun
from gan_core.settings import Settings
from gan_core.training.run_config import RunConfig


def open_page(query: dict[str, str] | None = None) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    return at


def captions(at: AppTest) -> str:
    """Every image caption and caption line on the page."""
    return " ".join([c for element in at.get("image") for c in element.captions] + [c.value for c in at.caption])


def conditional_run() -> str:
    """A tiny BigGAN-style two-class run in the workspace: the Explorer lists it as one of your runs."""
    base = tiny_run_config(conditional=True, epochs=1)
    model = ModelConfig(**{**base.model.to_dict(), "architecture": "biggan", "image_shape": (28, 28, 1)})
    config = RunConfig(model, base.train.with_changes(loss="hinge"))
    run = TrainingRun(Settings.from_env().runs_dir / "tiny-cgan", config, data_loader=lambda c: two_class_dataset())
    run.start()
    assert run.join(120) and run.state.value == "finished", run.snapshot().message
    return "run:tiny-cgan"


def test_shipped_model_by_default_and_the_sample_cap(sandbox) -> None:
    at = open_page()
    from gan_core.runs.bundled import bundled_runs

    shipped = {b.name.removeprefix("cgan-") for b in bundled_runs()}
    assert at.selectbox[0].value in shipped  # a shipped model comes first
    # a shipped model opens where its card measures class fidelity
    assert "seed 0 · truncation 0.5 · 16 samples" in captions(at)
    assert "This model opens at 0.5: where its model card measures" in at.slider(key="explore_truncation").help
    assert any(b.label == "Download PNG" for b in at.get("download_button"))
    assert at.number_input(key="explore_n").max == MAX_SAMPLES  # the widget stops at the server's cap


def test_with_no_class_chosen_the_grid_takes_every_class_in_turn(sandbox) -> None:
    at = open_page({"model": "fashion-mnist"})
    at.multiselect(key="explore_classes").set_value([]).run()
    at.toggle(key="explore_show_strip").set_value(True).run()
    assert not at.exception and not at.warning  # the grid and the truncation strip still draw
    assert any("fidelity on the left" in c for element in at.get("image") for c in element.captions)
    assert "the grid takes all 10 classes in turn" in at.multiselect(key="explore_classes").placeholder
    assert "seed 0 · truncation 0.5 · 16 samples" in captions(at)
    at.multiselect(key="explore_classes").set_value([3]).run()
    assert "seed 0 · truncation 0.5 · 16 samples" in captions(at)


def test_an_offline_hub_model_gets_one_sentence_and_a_way_back(sandbox) -> None:
    at = open_page()
    at.selectbox[0].select("biggan-deep-128").run()
    assert not at.exception
    assert "needs a download" in at.error[0].value and "offline" in at.error[0].value
    assert "`python -m gan_core fetch biggan-deep-128` once online" in at.error[0].value  # issue 36.7
    next(b for b in at.button if b.label.startswith("Use ")).click().run()
    assert not at.exception and not at.error
    assert at.selectbox[0].value != "biggan-deep-128"


def test_opens_on_biggan_when_it_is_in_the_hub_cache(sandbox) -> None:
    import hashlib
    import shutil

    from gan_core.explore.samplers import BIGGAN_HANDLES

    handle = BIGGAN_HANDLES["biggan-deep-128"][0]
    shutil.copytree(tiny_biggan(sandbox / "standin"), sandbox / "tfhub" / hashlib.sha1(handle.encode()).hexdigest())
    at = open_page()
    assert at.selectbox[0].value == "biggan-deep-128"
    assert any("Opened on BigGAN-deep 128x128, from this machine's TF Hub cache." in c.value for c in at.caption)
    assert f"TF Hub: {handle}, from cache" in captions(at) and "16 samples" in captions(at)
    assert "in this machine's cache" in at.selectbox[0].format_func("biggan-deep-128")


def test_without_biggan_it_opens_on_the_shipped_colour_model_and_says_why(sandbox) -> None:
    at = open_page()
    assert at.selectbox[0].value == "emoji"
    reason = next(c.value for c in at.caption if c.value.startswith("Opened on"))
    assert reason.startswith("Opened on Class-conditional Emoji")
    assert "BigGAN-deep 128x128 is not on this machine" in reason
    assert "python -m gan_core fetch biggan-deep-128" in reason  # offline: how to get it
    assert not [b for b in at.button if b.label.startswith("Download BigGAN")]  # no download offered offline


def test_online_biggan_is_a_one_click_download_with_progress_then_opens(sandbox, served, monkeypatch) -> None:
    import time

    from gan_core.explore import samplers

    folder, address = served
    handle = address + biggan_tarball(sandbox, folder)  # a stand-in module where TF Hub would be
    monkeypatch.setitem(samplers.BIGGAN_HANDLES, "biggan-deep-128", (handle, "BigGAN-deep 128x128", 230))
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")
    at = open_page()
    assert at.selectbox[0].value == "emoji" and "16 samples" in captions(at)  # nobody downloads 230 MB unasked
    offer = next(b for b in at.button if b.label.startswith("Download BigGAN"))
    assert offer.label == "Download BigGAN-deep 128x128 (about 230 MB)"
    offer.click().run()
    assert not at.exception and "16 samples" in captions(at)  # the page keeps working while it downloads
    deadline = time.time() + 60
    while not any(b.label == "Open BigGAN-deep 128x128" for b in at.button) and time.time() < deadline:
        time.sleep(0.5)
        at.run()
    assert any("It works offline from now on" in s.value for s in at.success), [w.value for w in at.warning]
    next(b for b in at.button if b.label == "Open BigGAN-deep 128x128").click().run()
    assert not at.exception and at.selectbox[0].value == "biggan-deep-128"
    assert f"TF Hub: {handle}, from cache" in captions(at) and "16 samples" in captions(at)


def explore_without_clearing_caches() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    return at


def test_while_the_default_model_warms_up_the_page_says_so_instead_of_blocking(sandbox) -> None:
    import threading
    import time

    from pages.ui.resources import model_warmup

    st.cache_resource.clear()
    release = threading.Event()
    assert model_warmup().start("emoji", lambda: release.wait(60))  # a load that takes its time
    at = explore_without_clearing_caches()
    assert any(i.value.startswith("Warming up: Class-conditional Emoji generator") for i in at.info)
    assert at.selectbox[0].value == "emoji" and "16 samples" not in captions(at)  # another model can be chosen
    release.set()
    while model_warmup().status().warming:
        time.sleep(0.05)
    at.run()
    assert not at.info and "seed 0 · truncation 0.5 · 16 samples" in captions(at)


def test_a_warmed_up_server_draws_the_first_visitors_grid_from_memory(sandbox) -> None:
    import time

    from pages.ui.explorer_warmup import start_explorer_warmup
    from pages.ui.resources import model_warmup, render_cache

    st.cache_resource.clear()
    assert start_explorer_warmup() and not start_explorer_warmup()  # once per server
    while model_warmup().status().warming:
        time.sleep(0.05)
    assert model_warmup().status().state == "ready"
    warmed = render_cache().stats()
    assert warmed.misses == 1
    at = explore_without_clearing_caches()  # the first visitor
    assert "seed 0 · truncation 0.5 · 16 samples" in captions(at)
    assert render_cache().stats().misses == 1 and render_cache().stats().hits == warmed.hits + 1


def test_classes_sliders_interpolation_and_exports_on_a_conditional_model(sandbox) -> None:
    key = conditional_run()
    at = open_page()
    at.selectbox[0].select(key).run()
    assert not at.exception
    at.multiselect(key="explore_classes").set_value([1]).run()
    at.slider(key="explore_truncation").set_value(0.3).run()
    at.number_input(key="explore_seed").set_value(5).run()
    at.number_input(key="explore_n").set_value(4).run()
    assert not at.exception and not at.error
    assert at.query_params["classes"] in ("1", ["1"]) and at.query_params["seed"] in ("5", ["5"])
    next(b for b in at.button if b.label == "Re-roll").click().run()
    assert not at.exception and at.number_input(key="explore_seed").value != 5
    at.text_input(key="explore_find").set_value("7").run()  # an id beyond this model's two classes
    assert "classes 0 to 1" in at.warning[0].value
    at.selectbox(key="explore_to").select(0).run()
    at.slider(key="explore_steps").set_value(5).run()
    next(b for b in at.button if b.label == "Interpolate").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert {"Download PNG", "Download GIF", "Download MP4"} <= set(labels)


def test_a_shared_link_reproduces_the_same_images(sandbox) -> None:
    key = conditional_run()
    at = open_page({"model": key, "classes": "1", "seed": "11", "truncation": "0.4", "n": "4"})
    assert at.selectbox[0].value == key and at.multiselect(key="explore_classes").value == [1]
    assert at.number_input(key="explore_seed").value == 11 and at.slider(key="explore_truncation").value == 0.4
    sampler = RunModelSampler(Settings.from_env().runs_dir / "tiny-cgan")
    expected = sample_grid(sampler, [1], 4, 0.4, 11)
    again = sample_grid(sampler, [1], 4, 0.4, 11)
    assert np.array_equal(expected, again)  # the library half of "the same link, the same images"
    assert "seed 11 · truncation 0.4 · 4 samples" in captions(at)


def test_the_next_visitor_with_the_same_link_costs_no_generator_call(sandbox) -> None:
    from pages.ui.resources import render_cache  # the server-wide cache the page uses (st.cache_resource)

    link = {"model": "mnist", "classes": "3", "seed": "21", "truncation": "0.6", "n": "9"}
    first = open_page(link)
    made = render_cache().stats()
    assert made.misses >= 1 and "seed 21 · truncation 0.6 · 9 samples" in captions(first)
    second = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)  # another session, same server
    for k, v in link.items():
        second.query_params[k] = v
    second.run()
    second.switch_page("pages/explore.py").run()
    assert not second.exception and "seed 21 · truncation 0.6 · 9 samples" in captions(second)
    after = render_cache().stats()
    assert after.misses == made.misses and after.hits > made.hits  # the same grid, from memory


def test_cli_sample_and_interpolate_by_class_name(sandbox, tmp_path, capsys) -> None:
    from PIL import Image

    from gan_core.cli import main as cli_main

    conditional_run()
    run = str(Settings.from_env().runs_dir / "tiny-cgan")
    grid = tmp_path / "grid.png"
    args = ["sample", "--model", run, "--class", "1", "--truncation", "0.5", "--seed", "3", "--n", "4"]
    assert cli_main([*args, "--out", str(grid)]) == 0
    assert "4 samples from tiny-cgan (step 4, seed 3, truncation 0.5, classes 1)" in capsys.readouterr().out
    first = np.asarray(Image.open(grid))
    assert cli_main([*args, "--out", str(tmp_path / "again.png")]) == 0
    assert np.array_equal(first, np.asarray(Image.open(tmp_path / "again.png")))  # same arguments, same image
    gif = tmp_path / "x.gif"
    assert cli_main(["interpolate", "--model", run, "--from", "0", "--to", "1", "--steps", "4", "--out", str(gif)]) == 0
    with Image.open(gif) as animation:
        assert animation.n_frames == 4
    assert cli_main(["sample", "--model", run, "--class", "9", "--out", str(grid)]) == 1
    assert "--class: no class 9: this model has classes 0 to 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse refuses it, naming the flag and the range (issue 36.9)
        cli_main(["sample", "--model", "demo-mnist-dcgan", "--n", "100", "--out", str(grid)])
    assert "argument --n: must be a whole number from 1 to 64, not 100" in capsys.readouterr().err
    assert cli_main(["sample", "--model", "no-such-model", "--out", str(grid)]) == 1
    assert "no model 'no-such-model'" in capsys.readouterr().err


def test_settings_survive_a_model_that_failed_to_load(sandbox) -> None:
    """Issue 13.1: after BigGAN's offline error, 'Use ...' brings back the link's settings, not the minimums."""
    at = open_page({"model": "fashion-mnist", "seed": "5", "truncation": "0.8", "n": "9", "classes": "9"})
    assert "seed 5 · truncation 0.8 · 9 samples" in captions(at)
    at.selectbox[0].select("biggan-deep-128").run()
    assert at.error  # offline: the hub model cannot load, and the page stops before the sliders
    back = next(b for b in at.button if b.label.startswith("Use "))
    assert back.label.startswith("Use Class-conditional Fashion-MNIST generator")  # where the person came from
    back.click().run()
    assert not at.exception and not at.error
    assert at.slider(key="explore_truncation").value == 0.8
    assert at.number_input(key="explore_seed").value == 5 and at.number_input(key="explore_n").value == 9
    assert at.multiselect(key="explore_classes").value == [9]
    assert "seed 5 · truncation 0.8 · 9 samples" in captions(at)


def test_settings_survive_a_visit_to_another_page(sandbox) -> None:
    at = open_page({"model": "fashion-mnist", "seed": "4", "n": "6", "classes": "2,3"})
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/explore.py").run()
    assert at.number_input(key="explore_seed").value == 4 and at.multiselect(key="explore_classes").value == [2, 3]


def test_garbage_in_a_link_falls_back_to_defaults(sandbox) -> None:
    at = open_page({"model": "../../etc", "seed": "-3", "truncation": "nan", "n": "99999", "classes": "x,2,,99999"})
    assert not at.exception and not at.error
    assert at.number_input(key="explore_seed").value == 0 and at.slider(key="explore_truncation").value == 0.5
    assert at.number_input(key="explore_n").value == MAX_SAMPLES and at.multiselect(key="explore_classes").value == [2]


def test_samples_are_large_and_one_opens_to_vary_and_interpolate_from(sandbox) -> None:
    """Issue 13.15: one tile per sample, at least 160 px; one opens large, varies, interpolates; a zip export."""
    at = open_page({"model": "fashion-mnist", "seed": "2", "n": "4", "classes": "7"})
    assert len(at.get("image")) == 4
    assert "1 sample" not in captions(at) and "4 samples" in captions(at)
    at.button(key="explore_open_2").click().run()
    assert not at.exception
    assert any(m.value.startswith("**Sample 3** · Sneaker") for m in at.markdown)
    at.button(key="explore_vary").click().run()
    assert any("seven neighbours" in c for e in at.get("image") for c in e.captions)
    at.selectbox(key="explore_pick_to").select(9).run()
    at.button(key="explore_pick_interpolate").click().run()
    assert not at.exception
    assert "8 steps, left to right" in captions(at)
    buttons = {b.label: b for b in at.get("download_button")}
    assert "Each sample (zip)" in buttons


def test_the_sample_zip_holds_each_sample_at_its_own_size() -> None:
    import io
    import zipfile

    from gan_core.pictures.render import zip_of_pngs

    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 3), dtype=np.uint8)
    data = zip_of_pngs(images, ["Ankle boot", "Bag", "x/../y"])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == ["000-Ankle_boot.png", "001-Bag.png", "002-x____y.png"]
        from PIL import Image

        assert np.array_equal(np.asarray(Image.open(io.BytesIO(zf.read("001-Bag.png")))), images[1])


def test_variations_start_from_the_sample_and_stay_near_it(sandbox) -> None:
    from gan_core.explore.pipeline import grid_noise, variations
    from gan_core.explore.samplers import RunModelSampler
    from gan_core.settings import CHECKPOINTS_DIR

    sampler = RunModelSampler(CHECKPOINTS_DIR / "cgan-fashion-mnist")
    grid = sample_grid(sampler, [7], 4, 0.5, 2)
    noise = grid_noise(sampler, 4, 0.5, 2)[1]
    near = variations(sampler, noise, 7, 0.5, count=8)
    assert near.shape[0] == 8 and np.array_equal(near[0], grid[1])
    far = sample_grid(sampler, [7], 8, 0.5, 99)
    near_gap = np.abs(near[1:].astype(int) - near[0]).mean()
    far_gap = np.abs(far.astype(int) - near[0]).mean()
    assert near_gap < far_gap  # neighbours look more like the sample than fresh samples do
    found = np.full(sampler.info.noise_dim, 2.5, np.float32)  # a sample found in the GAN, outside the grid's range
    itself = sampler.sample(found[None], np.array([7]), 0.5)[0]
    assert np.array_equal(variations(sampler, found, 7, 0.5, count=8)[0], itself)  # the first is it, unclipped


def test_a_switch_of_model_under_chosen_classes_and_interpolation_ends(sandbox) -> None:
    """Issue 26.1: the browser keeps a choice by its label, so after a switch it sends the old model's label back
    as a string; the page dropped into a TypeError. The ends now follow the new model and the chosen classes."""
    at = open_page()  # the Emoji model
    old_label = at.selectbox(key="explore_to").options[at.selectbox(key="explore_to").index]
    at.selectbox(key="explore_model").select("fashion-mnist").run()
    to_class = at.selectbox(key="explore_to")
    to_class.options.append(old_label)  # the browser still shows the old model's label, and sends it back
    to_class.set_value(old_label)
    at.session_state["explore_classes"] = [old_label]  # a multiselect's stale label reaches the page the same way
    at.text_input(key="explore_find").input("boot").run()
    assert not at.exception, at.exception
    ends = [at.selectbox(key=k).value for k in ("explore_from", "explore_to")]
    assert ends == [0, 1] and at.multiselect(key="explore_classes").value == []
    assert any(b.label == "Add Ankle boot (9)" for b in at.button), [b.label for b in at.button]
    next(b for b in at.button if b.label == "Add Ankle boot (9)").click().run()
    assert [at.selectbox(key=k).value for k in ("explore_from", "explore_to")] == [9, 0]  # from the one chosen


def test_a_links_truncation_wins_and_another_model_opens_at_its_own(sandbox) -> None:
    at = open_page({"model": "fashion-mnist", "truncation": "0.3"})
    assert at.slider(key="explore_truncation").value == 0.3 and "truncation 0.3 ·" in captions(at)
    at.selectbox(key="explore_model").select("mnist").run()
    assert at.slider(key="explore_truncation").value == 0.5  # its own: where its card measures fidelity
    at.slider(key="explore_truncation").set_value(0.4).run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/explore.py").run()
    assert at.slider(key="explore_truncation").value == 0.4  # a person's own choice stays with the model


def test_a_did_you_mean_is_one_click_away(sandbox) -> None:
    """Issue 26.8: a misspelt class got "did you mean 'food'?" that could not be clicked."""
    at = open_page({"model": "emoji"})
    at.text_input(key="explore_find").input("fod").run()
    assert "did you mean 'food'" in at.warning[0].value
    next(b for b in at.button if b.label == "Add food (3)").click().run()
    assert at.multiselect(key="explore_classes").value == [3]


def test_chosen_classes_follow_the_model_by_name_never_by_number(sandbox) -> None:
    """Issue 36.1: Emoji's "food (3)" stayed chosen on Fashion-MNIST, where class 3 is Dress; "Sneaker (7)" came
    back on Emoji as "clothing (7)"; the old search text stayed with its "no class named" warning."""
    at = open_page({"model": "emoji"})
    at.multiselect(key="explore_classes").set_value([3]).run()
    at.text_input(key="explore_find").input("fod").run()
    assert at.warning
    at.selectbox(key="explore_model").select("fashion-mnist").run()
    assert not at.exception
    assert at.multiselect(key="explore_classes").value == []  # Fashion-MNIST has no "food"
    assert at.text_input(key="explore_find").value == "" and not at.warning
    at.multiselect(key="explore_classes").set_value([7]).run()  # Sneaker
    at.selectbox(key="explore_model").select("emoji").run()
    assert at.multiselect(key="explore_classes").value == []  # not "clothing (7)"
    assert "seed 0" in captions(at)


def test_a_class_name_two_classes_share_says_which_is_which() -> None:
    """Issue 36.10: "crane" offered two candidates both labelled "crane"."""
    from gan_core.explore.classes import AmbiguousClassError, ClassCatalog

    catalog = ClassCatalog.imagenet()
    with pytest.raises(AmbiguousClassError, match="wading bird") as caught:
        catalog.resolve("crane")
    labels = [c.label for c in caught.value.candidates]
    assert len(set(labels)) == 2 and "bird" in labels[0] and "heavy objects" in labels[1]
    assert catalog.classes[1].label == "goldfish (1)"  # a name no other class has stays as it was
    assert ClassCatalog.from_names(("a", "b", "food")).carried(["food", "Dress"]) == [2]
