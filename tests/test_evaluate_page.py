"""The Evaluate page through AppTest: a shipped run against the floor, side by side; a run's quality by step."""

from __future__ import annotations

import streamlit as st
from conftest import REPO
from gan_fixtures import tiny_model
from streamlit.testing.v1 import AppTest
from test_live_eval_and_coach import mnist_slice

from gan_core.runs.run import TrainingRun
from gan_core.settings import Settings
from gan_core.training.config import TrainConfig
from gan_core.training.run_config import RunConfig


def open_page(sandbox) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180).run()
    at.switch_page("pages/evaluate.py").run()
    assert not at.exception
    return at


def test_shipped_run_against_the_floor_side_by_side(sandbox) -> None:
    at = open_page(sandbox)
    assert at.selectbox[0].value.endswith("(shipped)")  # a shipped model comes first
    at.selectbox[0].select("demo-mnist-dcgan (shipped)").run()
    assert at.selectbox[2].value == "mnist"  # the dataset follows the run
    at.selectbox[1].select("Real test images (the floor)").run()
    at.select_slider[0].set_value(500).run()
    assert any("At N=500 FID's upward bias is large" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Evaluate").click().run()
    assert not at.exception and not at.error
    table = next(m.value for m in at.markdown if m.value.startswith("| metric"))
    header = table.splitlines()[0]
    assert "demo-mnist-dcgan (shipped)" in header and "Real test images (the floor)" in header
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in table.splitlines()[2:]}
    demo_fid, floor_fid = (float(v) for v in rows["FID (N=500)"][:2])
    assert "0 is identical" in rows["FID (N=500)"][2]  # what the number means, in a line
    assert floor_fid < demo_fid  # real images score better than the generator, on the same features and N
    assert "D accuracy: held-out real / fresh fake" in rows and rows["D accuracy: held-out real / fresh fake"][1] == "—"
    assert rows["classes covered"][0].startswith("10 of 10")
    assert any("MNIST digits classifier" in c.value and "N=500" in c.value for c in at.caption)
    charts = [c.key for c in at.get("plotly_chart")]
    assert [k for k in charts if k.startswith("hist-")] == ["hist-demo-mnist-dcgan (shipped)",
                                                            "hist-Real test images (the floor)"]  # one per column
    assert "live-quality" in charts  # the demo ships its live FID curve (issue 28), shown beside its scores
    pictures = [c for image in at.get("image") for c in image.captions]
    assert pictures[0].startswith("demo-mnist-dcgan: fixed noise at step ")  # what is scored; the floor has none
    assert len(at.get("image")) == 3  # and a memorisation gallery per column


def test_the_page_opens_on_the_chosen_generators_pictures(sandbox) -> None:
    """Before any number, the newest grid of each chosen run: what the scores are about, on the first screen."""
    at = open_page(sandbox)
    first = [c for image in at.get("image") for c in image.captions]
    assert len(first) == 1 and first[0].startswith(at.selectbox[0].value.removesuffix(" (shipped)") + ": fixed noise")
    at.selectbox[1].select("cgan-mnist (shipped)").run()
    both = [c for image in at.get("image") for c in image.captions]
    assert len(both) == 2 and both[1].startswith("cgan-mnist: fixed noise at step ")
    at.selectbox[0].select("Your generated images (upload files or a zip)").run()
    assert [c for image in at.get("image") for c in image.captions] == both[1:]  # uploads have no grid yet


def test_a_comparison_with_the_floor_is_at_one_n_and_results_leave_with_their_choices(sandbox) -> None:
    """Issue 26.4: at N=2,000 the demo was scored on 2,000 samples beside a floor of 1,000 (the test split's size);
    a failed upload and a switch of generator left the earlier table under the new choices."""
    at = open_page(sandbox)
    at.selectbox[0].select("demo-mnist-dcgan (shipped)").run()
    at.selectbox[1].select("Real test images (the floor)").run()
    assert at.select_slider[0].options == ["500", "1000"] and at.select_slider[0].value == 1000
    assert any("N stops at 1,000: the test split holds 1,000 images" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Evaluate").click().run()
    assert not at.exception and not at.error
    table = next(m.value for m in at.markdown if m.value.startswith("| metric"))
    fid_rows = [line for line in table.splitlines() if line.startswith("| FID")]
    assert len(fid_rows) == 1 and fid_rows[0].startswith("| FID (N=1,000) |")  # one row: the same N for both
    assert "—" not in fid_rows[0].split("|")[2:4]
    at.selectbox[1].select("—").run()  # another choice: the table it made is not shown under it
    assert not [m for m in at.markdown if m.value.startswith("| metric")]
    assert not [d for d in at.get("download_button") if d.proto.label == "Download CSV"]


def test_a_runs_quality_by_step_live_points_and_checkpoint_sweep(sandbox) -> None:
    runs = Settings.from_env().runs_dir
    train = TrainConfig(dataset="mnist", epochs=1, batch_size=32, checkpoint_every=6, keep_checkpoints=3,
                        eval_every=6, eval_samples=200, preview_count=4, sample_every=6)  # fmt: skip
    run = TrainingRun(runs / "tiny-mnist", RunConfig(tiny_model(), train), data_loader=mnist_slice)
    run.start()
    assert run.join(120) and run.state.value == "finished"
    at = open_page(sandbox)
    at.selectbox[0].select(next(o for o in at.selectbox[0].options if o.startswith("tiny-mnist"))).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 1  # the live FID points recorded during training
    at.select_slider[1].set_value(500).run()  # samples per checkpoint
    next(b for b in at.button if b.label == "Score every kept checkpoint").click().run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 2


def test_an_opened_demo_is_listed_once_until_it_trains_on(sandbox) -> None:
    """Issue 13.13: the shipped demo and its untouched copy in the workspace are one generator."""
    from gan_core.runs.bundled import bundled_runs, open_bundled_run

    demo = next(b for b in bundled_runs() if b.name == "demo-mnist-dcgan")
    copy = open_bundled_run(demo, Settings.from_env().runs_dir)
    at = open_page(sandbox)
    assert [o for o in at.selectbox[0].options if o.startswith("demo-mnist-dcgan")] == ["demo-mnist-dcgan (shipped)"]
    (copy / "status.json").write_text('{"state": "stopped", "step": 5700, "message": "stopped"}\n')
    at = open_page(sandbox)  # trained on: now it is a generator of its own
    assert len([o for o in at.selectbox[0].options if o.startswith("demo-mnist-dcgan")]) == 2


def test_inception_is_offered_once_fetched_and_results_export_as_csv(sandbox) -> None:
    import csv
    import hashlib
    import io
    import shutil

    from gan_fixtures import tiny_inception

    from gan_core.measures.features import INCEPTION_HANDLE

    at = open_page(sandbox)
    assert at.radio(key="eval_features").disabled  # not fetched: shown, with how to enable it (issue 26)
    assert any("python -m gan_core fetch inception" in c.value for c in at.caption)
    assert "Emoji" in at.selectbox[2].options  # the colour world has its classifier too
    shutil.copytree(tiny_inception(sandbox / "standin"),
                    sandbox / "tfhub" / hashlib.sha1(INCEPTION_HANDLE.encode()).hexdigest())  # fmt: skip
    at = open_page(sandbox)
    assert not at.radio(key="eval_features").disabled
    at.radio(key="eval_features").set_value("inception").run()
    at.selectbox[0].select("Real test images (the floor)").run()
    at.select_slider[0].set_value(500).run()
    next(b for b in at.button if b.label == "Evaluate").click().run()
    assert not at.exception and not at.error
    assert any("Inception pool_3" in c.value and "N=500" in c.value for c in at.caption)
    assert [d for d in at.get("download_button") if d.proto.label == "Download CSV"]
    from gan_core.evaluation.results_table import results_csv  # what the button hands out, rebuilt from the state

    rows = list(csv.DictReader(io.StringIO(results_csv(at.session_state["eval_results"][1]))))
    assert len(rows) == 1 and rows[0]["generator"] == "Real test images (the floor)"
    assert "Inception" in rows[0]["features"] and float(rows[0]["FID"]) >= 0


def test_the_upload_choice_asks_for_files(sandbox) -> None:
    at = open_page(sandbox)
    at.selectbox[0].select("Your generated images (upload files or a zip)").run()
    assert not at.exception
    assert any(w.value == "Upload generated images to score them." for w in at.warning)  # one sentence, in view
    assert next(b for b in at.button if b.label == "Evaluate").disabled
    assert not at.select_slider and any(m.value == "—" for m in at.metric)  # issue 36.10: no N=2000 for nothing


def test_memorisation_pairs_are_large_and_paired() -> None:
    """Issue 36.10: the memorisation gallery's pairs were tiny and unpaired to the eye (a flat grid of 8 columns)."""
    import numpy as np

    from gan_core.pictures.render import paired_tiles

    rng = np.random.default_rng(0)
    samples = rng.integers(0, 256, (8, 28, 28, 1), dtype=np.uint8)
    picture = paired_tiles(samples, samples[::-1], columns=4)
    assert picture.shape[1] >= 4 * 2 * 84  # four pairs a row, each image at 84 px or more
    assert picture.shape[0] >= 2 * 84  # two rows of pairs, each with its caption strip
