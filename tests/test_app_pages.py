"""Every page through streamlit.testing.v1.AppTest, driven through app.py's navigation."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

TIMEOUT = 60  # well above AppTest's 3 s default: a page that loads TensorFlow takes longer
PAGES = [
    "pages/home.py", "pages/explore.py", "pages/train.py", "pages/evaluate.py", "pages/datasets.py",
    "pages/classroom.py",
]  # fmt: skip


@pytest.fixture
def app(sandbox) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    return at.run()


def sidebar_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_home_lists_datasets_with_their_sources(app: AppTest) -> None:
    assert not app.exception
    table = next(m.value for m in app.markdown if m.value.startswith("| Dataset"))
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    assert [r[:2] for r in rows] == [
        ["MNIST digits", "bundled subset, 10,000 images"],
        ["Fashion-MNIST", "bundled subset, 10,000 images"],
        ["CIFAR-10", "not on this machine"],
        ["Emoji", "bundled, 2,606 images (the whole dataset)"],
    ]
    assert "downloadable with internet" in rows[2][2]


def test_home_says_what_to_fetch_before_an_offline_class(app: AppTest) -> None:
    kit = next(i.value for i in app.info if "Before a class without internet" in i.value)
    assert "python -m gan_core fetch biggan-deep-128 progan-128 inception mnist fashion_mnist cifar10" in kit


def test_sidebar_says_what_the_app_runs_on(app: AppTest) -> None:
    text = sidebar_text(app)
    tf_state = "loaded" if "tensorflow" in sys.modules else "not loaded yet"  # other tests may have loaded it
    assert "3 bundled datasets" in text and "offline (downloads off)" in text and f"TensorFlow: {tf_state}" in text
    assert "Precision: float32 (asked for)" in text  # the tests' setting (conftest)


def test_the_sidebar_says_which_precision_auto_picks_and_a_bad_setting_in_a_sentence(sandbox, monkeypatch) -> None:
    from gan_core.models.precision import choose_precision

    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "auto")
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT).run()
    assert f"Precision: {choose_precision('auto').describe()}" in sidebar_text(app)
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "fp16")
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT).run()
    assert not app.exception
    assert "is auto, float32 or bfloat16, not 'fp16'." in sidebar_text(app)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_same_sidebar(app: AppTest, page: str) -> None:
    home_sidebar = sidebar_text(app)
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value
    assert sidebar_text(app) == home_sidebar


def test_datasets_page_shows_source_and_switches_dataset(app: AppTest) -> None:
    app.switch_page("pages/datasets.py").run()
    assert "bundled subset, 10,000 images" in app.markdown[0].value
    assert app.metric[0].value == "10,000" and app.metric[2].value == "28×28×1"
    app.selectbox[0].select("fashion_mnist").run()
    assert not app.exception
    assert app.markdown[0].value.startswith("**Fashion-MNIST** · bundled subset, 10,000 images")
    assert app.query_params["dataset"] in ("fashion_mnist", ["fashion_mnist"])
    assert len(app.get("image")) == 1  # the sample grid


def test_a_dataset_shipped_whole_says_so_and_offers_no_download(app: AppTest) -> None:
    """Issue 26.10: Emoji offered "Full dataset (download)" and read "bundled subset" though it ships whole."""
    app.switch_page("pages/datasets.py").run()
    sources = lambda: [r for r in app.radio if r.label == "Source"]  # noqa: E731
    assert sources()  # MNIST: bundled subset or the full download
    app.selectbox[0].select("emoji").run()
    assert not app.exception and not sources()
    assert app.markdown[0].value.startswith("**Emoji** · bundled, 2,606 images (the whole dataset)")


def test_cifar10_offline_is_a_warning_with_a_way_out(app: AppTest) -> None:
    app.switch_page("pages/datasets.py").run()
    app.selectbox[0].select("cifar10").run()
    assert not app.exception
    assert "not on this machine and downloads are off" in app.warning[0].value
    assert "MNIST digits" in app.warning[0].value
    assert "`python -m gan_core fetch cifar10` once online brings it here" in app.warning[0].value  # issue 36.7
    app.button[0].click().run()  # "Use the bundled MNIST digits instead"
    assert not app.exception
    assert app.selectbox[0].value == "mnist"


def test_the_full_mnist_offline_has_a_way_out_that_works(app: AppTest) -> None:
    """Issue 36.7: "Use bundled MNIST instead" did nothing on MNIST with Source "Full" (the source stayed Full)."""
    app.switch_page("pages/datasets.py").run()
    app.radio(key="dataset_source").set_value("full").run()
    assert "downloads are off" in app.warning[0].value
    app.button[0].click().run()
    assert not app.exception and not app.warning
    assert app.radio(key="dataset_source").value == "bundled" and app.selectbox[0].value == "mnist"
    assert app.markdown[0].value.startswith("**MNIST digits** · bundled")


def test_bundled_source_of_cifar10_says_there_is_none(app: AppTest) -> None:
    app.switch_page("pages/datasets.py").run()
    app.selectbox[0].select("cifar10").run()
    app.radio[0].set_value("bundled").run()
    assert "has no bundled subset" in app.warning[0].value


def test_pages_do_not_import_tensorflow() -> None:
    """app.py and every page run without TensorFlow: first paint stays fast (checked in a fresh process).
    Explore is the exception by nature: it shows samples at once, and a generator needs TensorFlow."""
    without_models = [p for p in PAGES if p != "pages/explore.py"]
    script = f"""
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout={TIMEOUT}).run()
errors = [str(e.value) for e in at.exception]
for page in {without_models!r}:
    at.switch_page(page).run()
    errors += [str(e.value) for e in at.exception]
print(json.dumps({{"tf": "tensorflow" in sys.modules, "keras": "keras" in sys.modules, "errors": errors}}))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"tf": False, "keras": False, "errors": []}


def test_script_runs_leave_keras_alone_for_the_training_threads(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit resets Keras after every script run; that renamed a training thread's layers mid-build
    ("The name "batch_normalization" is used 3 times"). The app turns the reset off for the whole server."""
    import keras
    from streamlit.runtime.scriptrunner import script_runner

    monkeypatch.setattr(script_runner, "_clean_problem_modules", lambda: keras.backend.clear_session())

    class Probe(keras.layers.Layer):
        pass

    before = Probe().name
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/train.py").run()  # two script runs, each followed by Streamlit's cleanup
    assert not at.exception
    assert Probe().name != before  # Keras still counts names where it left off: its state was not wiped


def test_the_import_panel_offers_what_the_clis_min_images_does(app: AppTest) -> None:
    """Issue 13.11: the app keeps a few good images by default and lets a person ask for more, as the CLI does."""
    from gan_core.data.import_limits import ImportLimits

    app.switch_page("pages/datasets.py").run()
    fewest = app.number_input(key="datasets-min")
    assert fewest.value == ImportLimits().min_images == 1 and "--min-images" in fewest.help


def test_home_opens_on_the_shipped_generators_pictures(app: AppTest) -> None:
    """A first screen with pictures, drawn without TensorFlow: each shipped generator's last grid, colour first."""
    from gan_core.runs.bundled import showcase_grids

    grids = showcase_grids()
    assert [g.path.parent.parent.name for g in grids] == ["cgan-emoji", "cgan-fashion-mnist", "cgan-mnist"]
    captions = [c for image in app.get("image") for c in image.captions]
    assert captions == [g.caption for g in grids] and captions[0].startswith("Emoji, trained here for ")
