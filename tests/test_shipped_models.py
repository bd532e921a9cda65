"""The models shipped in checkpoints/ load offline and do what their model cards say."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gan_core.cli import main as cli_main
from gan_core.data import load_dataset
from gan_core.measures.features import DomainClassifier, classifier_folder
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.sampler import RunSampler


@pytest.mark.parametrize(("dataset", "floor"), [("mnist", 0.97), ("fashion_mnist", 0.85)])
def test_domain_classifiers_reach_their_stated_test_accuracy(dataset: str, floor: float) -> None:
    classifier = DomainClassifier(classifier_folder(dataset))
    test = load_dataset(dataset, source="bundled").split("test")
    accuracy = float((classifier.classify(test.images).argmax(1) == test.labels).mean())
    assert accuracy == pytest.approx(classifier.test_accuracy, abs=0.002)  # the model card's number
    assert accuracy > floor
    assert classifier.features(test.images[:5]).shape == (5, 128)


def test_the_demo_run_is_shipped_and_draws_digits_of_every_class() -> None:
    demo = next(b for b in bundled_runs() if b.name == "demo-mnist-dcgan")
    assert "MNIST DCGAN demo run" in demo.card and "minutes of training" in demo.card
    sampler = RunSampler(demo.path)
    assert sampler.step == json.loads((demo.path / "status.json").read_text())["step"]
    images = sampler.sample(300, seed=1)
    classes = DomainClassifier(classifier_folder("mnist")).classify(images).argmax(1)
    assert len(np.unique(classes)) == 10  # no mode collapse: every digit appears


def test_cli_evaluate_prints_named_features_and_n(capsys: pytest.CaptureFixture) -> None:
    assert cli_main(["evaluate", "--run", "test-split", "--dataset", "mnist", "--n", "1000"]) == 0
    out = capsys.readouterr().out
    assert "MNIST digits classifier (128-d, this project" in out
    assert "FID (N=1,000)" in out and "classes covered" in out and "biased upward at small N (here 1,000)" in out
    fid_value = float(next(line for line in out.splitlines() if "FID (N=1,000)" in line).split()[-1])
    assert 0 < fid_value < 30  # real against real: the floor


@pytest.mark.parametrize("dataset", ["fashion_mnist", "mnist"])
def test_shipped_conditional_models_draw_the_class_asked_for(dataset: str) -> None:
    """At truncation 0.5, the shipped classifier puts >= 90% of samples in the class they were drawn for."""
    from gan_core.explore.choices import resolve_model
    from gan_core.explore.pipeline import sample_grid

    sampler = resolve_model(dataset.replace("_", "-"), None, offline=True)
    assert sampler.info.source == "shipped with the app" and len(sampler.info.class_names) == 10
    classifier = DomainClassifier(classifier_folder(dataset))
    correct = 0
    for c in range(10):
        images = sample_grid(sampler, [c], 40, 0.5, seed=100 + c)[..., :1]  # the sampler gives RGB; digits are gray
        correct += int((classifier.classify(images).argmax(1) == c).sum())
    assert correct / 400 >= 0.9


def test_a_shipped_runs_pictures_and_quality_chart_are_of_its_last_step() -> None:
    """Issue 36.4: the shipped demo showed D's view from step 5,620 of a 14,612-step run, and its quality chart said
    "N=512 · no features" beside a "shipped model: 22.0" line, a model that is not this one."""
    from gan_core.pictures.charts import quality_figure
    from gan_core.runs.bundled import bundled_runs
    from gan_core.runs.run import TrainingRun

    for bundle in bundled_runs():
        snap = TrainingRun(bundle.path).snapshot()
        last = snap.history["step"][-1]
        assert snap.observation is not None and snap.observation.step == last, bundle.name
        assert snap.frame_step == last, bundle.name
        if snap.evals:
            assert "classifier" in snap.eval_features, bundle.name  # read from its evaluations, not "no features"
            figure = quality_figure(snap.evals, snap.eval_features).to_dict()
            assert "classifier" in figure["layout"]["title"]["subtitle"]["text"], bundle.name
            notes = [a["text"] for a in figure["layout"].get("annotations", [])]
            assert not any(n.startswith("shipped model") for n in notes), notes
