"""Live evaluation during training (FID at a stated N, class coverage, the best step kept) and the coach."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from gan_fixtures import run_dir, tiny_model

from gan_core.data import load_dataset
from gan_core.pictures.charts import quality_figure
from gan_core.runs.run import TrainingRun
from gan_core.runs.store import BEST_GENERATOR_WEIGHTS, RunStore
from gan_core.training.coach import CoachConfig, LiveEval, diagnose
from gan_core.training.config import TrainConfig
from gan_core.training.presets import default_run_config
from gan_core.training.run_config import RunConfig


def mnist_slice(config: RunConfig):
    """600 bundled MNIST digits: a dataset the shipped classifier knows, small enough for a test."""
    data = load_dataset("mnist", source="bundled").split("train")
    pick = np.random.default_rng(0).permutation(len(data))[:600]
    return type(data)(data.images[pick], data.labels[pick], data.is_test[pick], data.info)


def test_a_run_evaluates_live_and_keeps_its_best_generator(tmp_path: Path) -> None:
    train = TrainConfig(dataset="mnist", epochs=1, batch_size=32, sample_every=6, checkpoint_every=6,
                        eval_every=6, eval_samples=200, preview_count=4)  # fmt: skip
    run = TrainingRun(run_dir(tmp_path), RunConfig(tiny_model(), train), data_loader=mnist_slice)
    run.start()
    assert run.join(120)
    snap = run.snapshot()
    assert snap.state.value == "finished", snap.message
    steps = [e["step"] for e in snap.evals]
    assert steps == list(range(6, 600 // 32 + 1, 6)) and all(e["n"] == 200 for e in snap.evals)
    assert all(np.isfinite(e["fid"]) and e["fid"] > 0 and 1 <= e["covered"] <= 10 for e in snap.evals)
    assert "MNIST digits classifier" in snap.eval_features and "N=200" in snap.eval_features
    store = RunStore(run.store.dir)
    assert store.read_evals() == list(snap.evals)  # the log on disk matches what the page shows
    best = min(snap.evals, key=lambda e: e["fid"])
    assert snap.best["step"] == best["step"] and json.loads(store.best_path.read_text())["fid"] == best["fid"]
    assert (store.dir / BEST_GENERATOR_WEIGHTS).is_file()
    assert len(snap.frame_changes) >= 2 and all(c > 0 for c in snap.frame_changes)
    floor = snap.evals[-1]["floor"]  # issue 26.5: real images at the same N, the value FID moves toward
    assert 0 < floor < min(e["fid"] for e in snap.evals) and len({e["floor"] for e in snap.evals}) == 1
    shipped = snap.evals[-1]["shipped"]  # and the shipped MNIST model's, at the same N and features
    assert shipped > 0 and len({e["shipped"] for e in snap.evals}) == 1  # scored once (at N=200 it is near the floor)
    figure = quality_figure(snap.evals, snap.eval_features, snap.best["step"])
    assert "N=200" in figure.layout.title.subtitle.text and len(figure.data) == 2  # FID and classes covered
    assert any(f"real vs real: {floor:.1f}" in a.text for a in figure.layout.annotations)
    assert any(f"the shipped class-conditional model: {shipped:.1f}" in a.text for a in figure.layout.annotations)
    assert figure.layout.yaxis.rangemode == "tozero"  # one point: an axis from 0, not 953-954.5
    store.write_best({"step": 12, "fid": 1.0, "n": 200})  # a best mark beyond the checkpoint resumed from
    store.trim_to(6)  # a resume from step 6 forgets later points, and that mark with its generator
    assert [e["step"] for e in store.read_evals()] == [6]
    assert store.read_best() is None and not (store.dir / BEST_GENERATOR_WEIGHTS).exists()
    store.write_best({"step": 6, "fid": 1.0, "n": 200})
    store.trim_to(6)
    assert store.read_best()["step"] == 6  # a mark at or before the checkpoint stays


def test_defaults_turn_live_evaluation_on_only_where_a_classifier_ships() -> None:
    assert default_run_config(load_dataset("mnist", source="bundled").info).train.eval_every > 0
    info = load_dataset("mnist", source="bundled").info
    other = type(info)("cifar10", "CIFAR-10", info.class_names, (32, 32, 3), info.source)
    assert default_run_config(other).train.eval_every == 0


# -- the coach, on traces that show each pattern (and on a healthy one) ------------------------------------------
def healthy(steps: int = 400, seed: int = 0) -> dict[str, list[float]]:
    """What a good DCGAN run looks like: D near 0.6-0.8 accuracy, losses noisy around a level."""
    rng = np.random.default_rng(seed)
    return {
        "step": list(range(1, steps + 1)),
        "d_loss_real": list(0.6 + 0.1 * rng.standard_normal(steps)),
        "d_loss_fake": list(0.6 + 0.1 * rng.standard_normal(steps)),
        "g_loss": list(1.0 + 0.15 * rng.standard_normal(steps)),
        "d_acc_real": list(np.clip(0.75 + 0.08 * rng.standard_normal(steps), 0, 1)),
        "d_acc_fake": list(np.clip(0.7 + 0.08 * rng.standard_normal(steps), 0, 1)),
    }


def kinds(found) -> set[str]:
    return {d.kind for d in found}


def test_a_healthy_run_gets_no_diagnosis() -> None:
    evals = [LiveEval(s, f, 10, 10) for s, f in ((200, 80.0), (400, 60.0), (600, 50.0))]
    assert diagnose(healthy(), evals, frame_changes=[9.0, 7.0, 6.0]) == []


def test_d_pinned_near_100_percent_means_d_too_strong() -> None:
    trace = healthy()
    trace["d_acc_real"] = [1.0] * 400
    trace["d_acc_fake"] = [0.995] * 400
    found = diagnose(trace)
    assert kinds(found) == {"d_too_strong"}
    assert "above 98%" in found[0].evidence and "in 100% of the last 200 steps" in found[0].evidence
    assert "learning rate" in found[0].fix
    trace["d_acc_fake"] = [0.995] * 200 + [0.8] * 200  # it was, and it stopped being: no diagnosis now
    assert "d_too_strong" not in kinds(diagnose(trace))


def test_g_loss_climbing_while_samples_freeze() -> None:
    trace = healthy()
    trace["g_loss"] = list(np.linspace(1.0, 4.0, 400))
    assert "g_stalled" in kinds(diagnose(trace, frame_changes=[0.8, 0.5, 0.4]))
    assert "g_stalled" not in kinds(diagnose(trace, frame_changes=[8.0, 7.5, 9.0]))  # still moving: not stalled


def test_collapsing_class_coverage_is_mode_collapse() -> None:
    evals = [LiveEval(200, 70.0, 10, 10), LiveEval(400, 75.0, 6, 10), LiveEval(600, 90.0, 3, 10)]
    found = diagnose(healthy(), evals)
    assert "mode_collapse" in kinds(found)
    collapse = next(d for d in found if d.kind == "mode_collapse")
    assert "3 of 10 classes at step 600, down from 10 at step 200" in collapse.evidence
    # Issue 36.3: the first measurement (a fresh run's, or a resume's) is no collapse, however few it counts.
    assert "mode_collapse" not in kinds(diagnose(healthy(), [LiveEval(200, 900.0, 2, 10)]))
    early = [LiveEval(200, 900.0, 2, 10), LiveEval(400, 700.0, 4, 10)]
    assert "mode_collapse" not in kinds(diagnose(healthy(), early))  # still learning: two measurements
    stuck = [*early, LiveEval(600, 650.0, 3, 10)]
    assert "under half in each of its last 3 measurements" in diagnose(healthy(), stuck)[0].evidence


def swinging(steps: int = 600) -> dict[str, list[float]]:
    """G loss swinging between 0.2 and 3.0 every 40 steps: not one batch's noise, a swing."""
    trace = healthy(steps)
    trace["g_loss"] = [0.2 if (i // 40) % 2 else 3.0 for i in range(steps)]
    return trace


def test_wild_oscillation() -> None:
    assert kinds(diagnose(swinging())) == {"oscillating"}
    noisy = healthy(600)
    noisy["g_loss"] = [0.2 if i % 2 else 3.0 for i in range(600)]  # step to step: a batch's noise, averaged out
    assert "oscillating" not in kinds(diagnose(noisy))
    assert "oscillating" not in kinds(diagnose(swinging(400)))  # the first 300 steps' fall is not judged


def test_fid_rising_after_its_minimum_points_at_the_best_step() -> None:
    evals = [LiveEval(s, f, None, None) for s, f in ((200, 90.0), (400, 40.0), (600, 55.0), (800, 70.0))]
    found = diagnose(healthy(), evals)
    assert kinds(found) == {"fid_rising"} and "step 400" in found[0].fix
    assert diagnose(healthy(), evals[:3], config=CoachConfig(fid_rise=1.5)) == []  # a smaller rise: not yet


def test_the_shipped_hinge_model_is_not_called_wild_and_advice_skips_what_the_run_does() -> None:
    """Issue 13.10: hinge G loss near 0 is not 'swinging wildly', and nobody is told to set beta1 0.5 twice."""
    from gan_core.runs.store import RunStore
    from gan_core.settings import CHECKPOINTS_DIR

    store = RunStore(CHECKPOINTS_DIR / "cgan-fashion-mnist")
    rows = store.read_metrics()
    history = {k: [r[k] for r in rows] for k in ("step", "d_loss_real", "d_loss_fake", "g_loss", "d_acc_real",
                                                 "d_acc_fake")}  # fmt: skip
    train = store.read_config().train
    assert train.loss == "hinge" and train.beta1 == 0.5
    assert "oscillating" not in kinds(diagnose(history, train=train))
    wild = swinging()
    found = diagnose(wild, train=train)
    assert kinds(found) == {"oscillating"}
    assert "beta1" not in found[0].fix and "halve" in found[0].fix
    assert "beta1 to 0.5" in diagnose(wild, train=train.with_changes(beta1=0.9))[0].fix


def test_the_coach_is_silent_on_healthy_runs_and_speaks_on_sick_ones() -> None:
    """Issue 36.3: "the losses are swinging wildly" on every default MNIST run, "mode collapse" at a run's first
    measurement. The calibration's runs (bench/coach_calibration.py: the defaults on MNIST, Fashion-MNIST and Emoji,
    3 seeds each; both learning rates at 1e-2 on MNIST and Fashion-MNIST), replayed as the page saw them every 100
    steps: no diagnosis ever on a healthy run, at least one on every sick run."""
    from bench.coach_calibration import HEALTHY, SICK, load_fixture, replay

    runs = load_fixture()
    healthy = [name for name, *_ in HEALTHY if name in runs]
    sick = [name for name, *_ in SICK if name in runs]
    assert len(healthy) == len(HEALTHY) == 9 and len(sick) == len(SICK) == 6, sorted(runs)
    for name in healthy:
        loss, signals = runs[name]
        fired = replay(signals, loss)
        assert fired["moments"] >= 10 and set(fired) == {"moments"}, (name, fired)
    for name in sick:
        loss, signals = runs[name]
        fired = replay(signals, loss)
        assert set(fired) - {"moments"}, (name, fired)
