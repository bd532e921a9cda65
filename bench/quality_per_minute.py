"""Quality per CPU-minute: our default training against the TF DCGAN tutorial, for the same wall-clock budget.

    python -m bench.quality_per_minute              # budgets 2, 5, 10 min; MNIST and Fashion-MNIST; ablation
    python -m bench.quality_per_minute --quick      # a smoke run: 0.5 min, MNIST, N=500, no ablation
    python -m bench.quality_per_minute --precisions # bfloat16 against float32 at equal training time (issue 27)
    python -m bench.quality_per_minute --recipes    # every recipe side by side, the winner marked (issue 28)

For each dataset and budget, (a) the tutorial's code as written there (bench/tf_tutorial.py: BCE, Adam 1e-4,
batch 256) and (b) our default configuration through the app's own run machinery are trained in turn on the
bundled subset, so drift on a shared machine hits both. Both are then scored the same way: FID and KID at the
same N on the shipped domain classifier's features, and class coverage. The ablation makes one change at a
time against our default, on MNIST at one budget (default: the first). Writes its section of bench/RESULTS.md
(the tables) and prints it. Short budgets are noisy: one run each, so read differences under about 20% as ties.
Goal (issue 7): our FID <= 0.7x the tutorial's at every budget on both datasets.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf

from bench.machine import in_precision
from bench.results_file import update_section
from bench.tf_tutorial import BATCH, NOISE, Tutorial
from gan_core.data import load_dataset
from gan_core.measures.evaluate import evaluate_images
from gan_core.measures.features import domain_extractor

T = TypeVar("T")


@dataclass(frozen=True)
class Score:
    fid: float
    kid: float
    covered: int
    steps: int


def score(fake: np.ndarray, dataset: str, n: int) -> tuple[float, float, int]:
    data = load_dataset(dataset, source="bundled").split("train")
    pick = np.random.default_rng(0).permutation(len(data))[:n]
    report = evaluate_images(data.images[pick], data.labels[pick], fake[:n], domain_extractor(dataset))
    return report.fid, report.kid.mean, report.coverage.covered


def train_tutorial(dataset: str, minutes: float, n: int) -> Score:
    images = load_dataset(dataset, source="bundled").split("train").images
    model = Tutorial()
    x = (images.astype("float32") - 127.5) / 127.5
    batches = iter(tf.data.Dataset.from_tensor_slices(x).shuffle(len(x)).batch(BATCH, drop_remainder=True).repeat())
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < minutes * 60:
        model.train_step(next(batches))
        steps += 1
    noise = tf.random.stateless_normal([n, NOISE], seed=[0, 1])
    out = model.generator(noise, training=False).numpy()
    fake = np.clip(np.rint((out + 1) * 127.5), 0, 255).astype(np.uint8)
    return Score(*score(fake, dataset, n), steps)


def train_ours(dataset: str, minutes: float, n: int, **changes: object) -> Score:
    from gan_core.evaluation.evaluate_run import generate
    from gan_core.runs.run import TrainingRun
    from gan_core.runs.sampler import RunSampler
    from gan_core.training.presets import default_run_config

    info = load_dataset(dataset, source="bundled").info
    spectral = bool(changes.pop("spectral_norm", False))
    config = default_run_config(info, spectral_norm=spectral, source="bundled", epochs=10_000, **changes)
    with tempfile.TemporaryDirectory() as tmp:
        run = TrainingRun(Path(tmp) / "run", config)
        run.start()
        while run.snapshot().step < 1 and run.state.active:  # the budget counts from the first step
            time.sleep(0.05)
        time.sleep(minutes * 60)
        snap = run.stop(wait=120)
        fake = generate(RunSampler(run.store.dir), n, seed=0)
        return Score(*score(fake, dataset, n), snap.step)


def train_ours_in(precision: str, dataset: str, budgets: list[float], n: int) -> list[Score]:
    """Our default run in `precision`, scored at each budget of training time: one run that stops itself at each
    budget with a checkpoint (TrainingRun's own clock of training seconds), is scored, and trains on to the next.
    The same as separate runs of each length (the learning rate does not depend on the run's length)."""
    from gan_core.evaluation.evaluate_run import generate
    from gan_core.runs.run import TrainingRun
    from gan_core.runs.sampler import RunSampler
    from gan_core.training.presets import default_run_config

    info = load_dataset(dataset, source="bundled").info
    config = default_run_config(info, source="bundled", epochs=10_000)
    scores, trained = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "run"
        for minutes in sorted(budgets):
            run = TrainingRun(folder, config if not trained else None, precision=precision,
                              time_limit_s=minutes * 60 - trained)  # fmt: skip
            run.start()
            run.join()
            trained = minutes * 60
            snap = run.snapshot()
            losses = np.array(snap.history["g_loss"] + snap.history["d_loss_real"], dtype=float)
            if snap.state.value == "failed" or not np.isfinite(losses).all():
                raise RuntimeError(f"{precision} on {dataset} failed at {minutes:g} min: {snap.message}")
            fake = generate(RunSampler(folder), n, seed=0)
            # scored alike: float32 samples and features
            scores.append(in_precision("float32", lambda fake=fake, step=snap.step: Score(*score(fake, dataset, n), step)))
    return scores


def precision_table(datasets: list[str], budgets: list[float], n: int) -> list[str]:
    """bfloat16 against float32 at equal training time: FID, KID, classes and steps at each budget."""
    from bench.machine import machine_line

    lines = [
        f"# bfloat16 against float32 at equal wall-clock (issue 27): FID at N={n:,} on the domain features",
        "",
        f"`python -m bench.quality_per_minute --precisions`, {time.strftime('%Y-%m-%d')}. {machine_line()}. "
        "One run per dataset and precision (float32 first), each scored at every budget of its own training "
        "time; samples and features are scored in float32 for both. Goal: bfloat16's FID no worse, no NaN.",
        "",
        "| dataset | budget | float32 FID | bfloat16 FID | ratio | float32 KID | bfloat16 KID | classes (f32 / bf16) "
        "| steps (f32 / bf16) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for dataset in datasets:
        f32, bf16 = (train_ours_in(p, dataset, budgets, n) for p in ("float32", "bfloat16"))
        for minutes, a, b in zip(sorted(budgets), f32, bf16, strict=True):
            lines.append(
                f"| {dataset} | {minutes:g} min | {a.fid:.1f} | {b.fid:.1f} | {b.fid / a.fid:.2f} | {a.kid:.2f} "
                f"| {b.kid:.2f} | {a.covered} / {b.covered} | {a.steps:,} / {b.steps:,} |"
            )
            print(lines[-1], flush=True)
    return lines


@dataclass(frozen=True)
class RecipeScore:
    fid: float
    precision: float
    covered: int
    steps: int


def train_recipe(dataset: str, recipe: str, budgets: list[float], n: int, keep: Path | None = None) -> list[RecipeScore]:
    """A new run of `recipe` with the app's defaults otherwise (the default precision), scored at each budget of
    its training time as issue 28 asks: domain-classifier FID at N=`n` against the test split, precision (k=3).
    With `keep`, the run stays in keep/<dataset>-<recipe> (to train on, package or look at)."""
    from gan_core.evaluation.evaluate_run import EvaluationRequest, evaluate_run
    from gan_core.runs.run import TrainingRun
    from gan_core.training.presets import default_run_config

    info = load_dataset(dataset, source="bundled").info
    config = default_run_config(info, recipe=recipe, source="bundled", epochs=10_000)
    scores, trained = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = (keep or Path(tmp)) / f"{dataset}-{recipe}"
        if folder.exists():
            raise SystemExit(f"{folder} already exists: move it away or --keep another folder")
        for minutes in sorted(budgets):
            run = TrainingRun(folder, config if not trained else None, time_limit_s=minutes * 60 - trained)
            run.start()
            run.join()
            trained = minutes * 60
            snap = run.snapshot()
            if snap.state.value == "failed":
                raise RuntimeError(f"{recipe} on {dataset} failed at {minutes:g} min: {snap.message}")
            request = EvaluationRequest(str(folder), dataset, n=n, real_split="test")
            report = in_precision("float32", lambda request=request: evaluate_run(request).report)
            scores.append(RecipeScore(report.fid, report.pr.precision if report.pr else float("nan"),
                                      report.coverage.covered if report.coverage else 0, snap.step))  # fmt: skip
            print(f"  {dataset} {recipe} {minutes:g} min: FID {report.fid:.1f}, step {snap.step:,}, "
                  f"{scores[-1].covered} classes covered", flush=True)  # fmt: skip
    return scores


def recipes_table(
    datasets: list[str], recipes: list[str], budgets: list[float], n: int, keep: Path | None = None
) -> list[str]:
    """Issue 28: recipes side by side per dataset, the one with the lowest FID at the longest budget marked."""
    from bench.machine import machine_line
    from gan_core.models.precision import choose_precision
    from gan_core.training.presets import RECIPES

    budgets = sorted(budgets)
    head = " | ".join(f"FID at {m:g} min" for m in budgets)
    lines = [
        f"# Recipes per CPU-minute (issue 28), {', '.join(datasets)}: domain FID at N={n:,} against the test split",
        "",
        f"`python -m bench.quality_per_minute --recipes{''.join(' ' + r for r in recipes if recipes != list(RECIPES))}"
        f" --datasets {' '.join(datasets)} --budgets "
        f"{' '.join(f'{m:g}' for m in budgets)}`, {time.strftime('%Y-%m-%d')}. {machine_line()}; "
        f"training in {choose_precision().name} (the default here), scored in float32. One new run per dataset and "
        "recipe with the app's defaults otherwise, scored at each budget of its own training time (a test split "
        f"smaller than N is used whole); classes covered at {budgets[0]:g} min, precision (k=3) and steps at "
        f"{budgets[-1]:g} min. The winner (lowest FID at {budgets[-1]:g} min) is marked.",
        "",
        f"| dataset | recipe | {head} | classes at {budgets[0]:g} min | precision | steps |",
        "|---|---|" + "---|" * len(budgets) + "---|---|---|",
    ]
    for dataset in datasets:
        results = {recipe: train_recipe(dataset, recipe, budgets, n, keep) for recipe in recipes}
        winner = min(results, key=lambda r: results[r][-1].fid)
        classes = load_dataset(dataset, source="bundled").info.num_classes
        for recipe, scores in results.items():
            name = RECIPES[recipe].title + (" **(winner)**" if recipe == winner else "")
            fids = " | ".join(f"{s.fid:.1f}" for s in scores)
            lines.append(f"| {dataset} | {name} | {fids} | {scores[0].covered} of {classes} | "
                         f"{scores[-1].precision:.2f} | {scores[-1].steps:,} |")  # fmt: skip
            print(lines[-1], flush=True)
    return lines


ABLATION = {  # one change at a time against our default (batch 32 on 28x28, EMA 0.999, BCE, Adam 2e-4 / 0.5)
    "our default": {},
    "without EMA": {"ema_decay": 0.0},
    "batch 128 (our previous default)": {"batch_size": 128},
    "spectral norm in D": {"spectral_norm": True},
    "hinge loss": {"loss": "hinge"},
    "TTUR (lr D 4e-4, G 1e-4)": {"lr_d": 4e-4, "lr_g": 1e-4},
    "DiffAugment (translation, cutout)": {"diffaugment": ("translation", "cutout")},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--budgets", type=float, nargs="*", help="minutes (default 2 5 10; --quick: 0.5)")
    parser.add_argument("--datasets", nargs="*", help="default mnist fashion_mnist; --quick: mnist")
    parser.add_argument("--n", type=int, help="samples scored (default 2000; --quick: 500)")
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--ablation-budget", type=float, help="minutes per ablation run (default: the first budget)")
    parser.add_argument("--precisions", action="store_true",
                        help="instead: bfloat16 against float32 at equal training time; prints the table")  # fmt: skip
    parser.add_argument("--recipes", nargs="*", metavar="RECIPE",
                        help="instead: these recipes side by side (default: all of gan_core.training.presets.RECIPES)"
                             " at N=1,000 on the test split; prints the table")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="with --recipes: keep each run in this folder")
    args = parser.parse_args()
    budgets = args.budgets or ([0.5] if args.quick else [2.0, 5.0, 10.0])
    datasets = args.datasets or (["mnist"] if args.quick else ["mnist", "fashion_mnist"])
    n = args.n or (500 if args.quick else 2000)
    if args.recipes is not None:
        from gan_core.training.presets import RECIPES

        table = recipes_table(datasets, args.recipes or list(RECIPES), budgets, args.n or 1000, args.keep)
        update_section(table)
        print("\n".join(table))
        return
    if args.precisions:
        table = precision_table(datasets, budgets, n)
        update_section(table)
        print("\n".join(table))
        return
    lines = [
        "# Quality per CPU-minute: ours vs the TF DCGAN tutorial",
        "",
        f"Produced by `{' '.join(['python -m bench.quality_per_minute', *sys.argv[1:]])}` on "
        f"{os.cpu_count()} CPU cores ({platform.machine()}), {time.strftime('%Y-%m-%d')}. FID and KID at N={n:,} on "
        "the shipped domain classifiers' features (not comparable with Inception FIDs); classes covered of 10. "
        "Goal: our FID <= 0.7x the tutorial's at every budget.",
        "",
        "| dataset | budget | tutorial FID | ours FID | ratio | tutorial KID | ours KID | classes (tut. / ours) "
        "| steps (tut. / ours) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    defaults: dict[tuple[str, float], Score] = {}
    for dataset in datasets:
        for minutes in budgets:
            base = train_tutorial(dataset, minutes, n)
            ours = defaults[dataset, minutes] = train_ours(dataset, minutes, n)
            lines.append(
                f"| {dataset} | {minutes:g} min | {base.fid:.1f} | {ours.fid:.1f} | {ours.fid / base.fid:.2f} "
                f"| {base.kid:.2f} | {ours.kid:.2f} | {base.covered} / {ours.covered} | {base.steps} / {ours.steps} |"
            )
            print(lines[-1], flush=True)
    if not (args.quick or args.no_ablation):
        minutes, dataset = args.ablation_budget or budgets[0], datasets[0]
        lines += ["", f"## Ablation: {dataset}, {minutes:g} min each, one change at a time against our default", "",
                  "| configuration | FID | KID | classes | steps |", "|---|---|---|---|---|"]  # fmt: skip
        for name, changes in ABLATION.items():
            reuse = not changes and (dataset, minutes) in defaults  # the main table's run of the default
            result = defaults[dataset, minutes] if reuse else train_ours(dataset, minutes, n, **changes)
            lines.append(f"| {name} | {result.fid:.1f} | {result.kid:.2f} | {result.covered} | {result.steps} |")
            print(lines[-1], flush=True)
    update_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
