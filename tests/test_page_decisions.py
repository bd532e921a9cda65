"""What the pages decide, reached without Streamlit: the Train page's forms, run names, the Evaluate page's
choices, and the Explorer's link and interpolation ends."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from gan_core.data import load_dataset
from gan_core.evaluation.choices import UPLOAD, dataset_for, generator_choices
from gan_core.evaluation.evaluate_run import FLOOR
from gan_core.explore.link import ExploreLink
from gan_core.explore.pipeline import interpolation_ends
from gan_core.runs.bundled import bundled_runs, open_bundled_run
from gan_core.runs.form import (
    EPOCHS_WITHOUT_A_CAP,
    NewRunChoices,
    batch_sizes_for,
    epoch_at,
    fork_default_epochs,
    most_epochs,
    new_run_config,
    start_problem,
)
from gan_core.runs.names import default_run_name, run_name_problem
from gan_core.runs.store import list_runs
from gan_core.training.presets import DEFAULT_EMA_DECAY, default_run_config


@pytest.fixture(scope="module")
def mnist_info():
    return load_dataset("mnist", source="bundled").info


def test_the_new_run_form_starts_from_the_datasets_defaults_within_the_servers_cap(mnist_info) -> None:
    train = default_run_config(mnist_info, train_count=9000).train.with_changes(epochs=800)
    assert NewRunChoices.defaults(train).epochs == EPOCHS_WITHOUT_A_CAP == most_epochs(0)  # no cap: the form's own
    assert most_epochs(3) == 3
    capped = NewRunChoices.defaults(train, max_epochs=3)
    assert capped.epochs == 3 and capped.batch_size == train.batch_size and capped.ema == (train.ema_decay > 0)
    assert not capped.spectral_norm


def test_offered_batches_fit_the_images_and_start_says_why_not(mnist_info) -> None:
    assert batch_sizes_for(9000)[-1] == 256 and batch_sizes_for(20) == [8, 16]
    assert batch_sizes_for(1) == [batch_sizes_for(9000)[0]]  # too few images still leaves one size to show
    assert start_problem("good-name", 32, 9000) is None
    assert "letters, digits" in start_problem("../escape", 32, 9000)
    assert "more than the 20 training images" in start_problem("good-name", 64, 20)


def test_the_forms_values_become_the_run_config(mnist_info) -> None:
    defaults = NewRunChoices.defaults(default_run_config(mnist_info, train_count=9000).train)
    choices = replace(defaults, epochs=3, batch_size=64, loss="hinge", lr_g=1e-3, seed=7, ema=False,
                      spectral_norm=True, diffaugment=("translation",))  # fmt: skip
    config = new_run_config(mnist_info, 9000, "tutorial", choices)
    t = config.train
    assert (t.epochs, t.batch_size, t.loss, t.lr_g, t.seed) == (3, 64, "hinge", 1e-3, 7)
    assert t.diffaugment == ("translation",)
    assert t.ema_decay == 0.0 and config.model.d_spectral_norm and not config.model.conditional
    conditional = new_run_config(mnist_info, 9000, "tutorial-conditional", replace(choices, ema=True))
    assert conditional.model.num_classes == 10 and conditional.train.ema_decay == DEFAULT_EMA_DECAY
    assert conditional.model.architecture == "dcgan" and conditional.train.loss == "hinge"  # the form's loss wins
    biggan = new_run_config(mnist_info, 9000, "biggan-small", defaults)
    assert (biggan.model.architecture, biggan.model.num_classes, biggan.model.g_width) == ("biggan", 10, 32)


def test_a_fork_counts_epochs_from_the_runs_start() -> None:
    history = {"step": [1, 2, 100], "epoch": [0.1, 0.2, 10.0]}
    assert epoch_at(50, history) == pytest.approx(5.0)
    assert epoch_at(50, {}) == 0.0
    assert fork_default_epochs(20, 5.0) == 20 and fork_default_epochs(4, 5.0) == 6


def test_run_names_are_safe_folder_names_and_defaults_are_valid() -> None:
    for bad in ("", "../up", "a/b", ".hidden", "x" * 65, "spaces here"):
        assert run_name_problem(bad), bad
    assert run_name_problem("mnist-20261202-010203") is None
    name = default_run_name("/home/me/my pictures/cats", datetime(2026, 12, 2, 1, 2, 3))
    assert name.endswith("-20261202-010203") and "/" not in name
    assert run_name_problem(default_run_name("mnist")) is None


def test_evaluate_lists_an_opened_demo_once_then_the_floor_and_uploads(tmp_path: Path) -> None:
    shipped = bundled_runs()
    demo = next(b for b in shipped if b.name == "demo-mnist-dcgan")
    open_bundled_run(demo, tmp_path)
    runs = list_runs(tmp_path)
    trained_on = replace(runs[0], name="mine", step=runs[0].step + 5)
    options = generator_choices(shipped, [*runs, trained_on])
    labels = list(options)
    assert labels[0].endswith("(shipped)") and sum(demo.name in label for label in labels) == 1
    assert any(label.startswith("mine (") for label in labels)
    assert list(options.values())[-2:] == [FLOOR, UPLOAD]


def test_each_choice_evaluates_on_the_dataset_it_was_trained_on(tmp_path: Path) -> None:
    fashion = next(b for b in bundled_runs() if b.name == "cgan-fashion-mnist")
    assert dataset_for(str(fashion.path)) == "fashion_mnist"
    assert dataset_for(FLOOR) == dataset_for(UPLOAD) == "mnist"
    assert dataset_for(str(tmp_path / "no-such-run")) == "mnist"


def test_a_links_settings_become_the_explorers_widget_values() -> None:
    link = ExploreLink.from_params({"seed": "42", "classes": "3,1", "interpolate": "1"}, ["m"], 64, 16)
    state = link.widget_state("default-model")
    assert state["explore_model"] == "default-model" and state["explore_seed"] == 42
    assert state["explore_classes"] == [3, 1] and state["explore_autointerpolate"] is True
    assert ExploreLink(model="m").widget_state("default-model")["explore_model"] == "m"


def test_an_interpolation_starts_from_the_first_two_chosen_classes() -> None:
    assert interpolation_ends([5, 2, 9], 10) == (5, 2)
    assert interpolation_ends([5], 10) == (5, 6)  # one chosen: from it (Ankle boot -> T-shirt wraps round)
    assert interpolation_ends([9], 10) == (9, 0)
    assert interpolation_ends([], 10) == (0, 1)
    assert interpolation_ends([], 1) == (0, 0)  # a one-class model


def test_a_run_on_imported_images_names_its_folder_not_the_servers_path(tmp_path: Path) -> None:
    """Issue 26.7: the Classroom gallery (and the run lists, the Train page) printed the absolute dataset path."""
    from gan_core.runs.store import RunStore
    from gan_core.training.config import TrainConfig

    folder = tmp_path / "workspace" / "datasets" / "my_images"
    assert TrainConfig(dataset=str(folder)).dataset_label == "my_images (your images)"
    assert TrainConfig(dataset="fashion_mnist").dataset_label == "fashion_mnist"
    run = tmp_path / "runs" / "mine"
    run.mkdir(parents=True)
    from gan_fixtures import tiny_run_config

    from gan_core.training.run_config import RunConfig

    base = tiny_run_config()
    RunStore(run).write_config(RunConfig(base.model, base.train.with_changes(dataset=str(folder))))
    assert RunStore(run).summary().dataset == "my_images (your images)"
