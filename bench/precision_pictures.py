"""Pictures unchanged to the eye in bfloat16: every shipped generator's grid and BigGAN-deep 128's twin, float32
against bfloat16, and the shipped models' card metric (domain FID at N=1,000) in both.

    python -m bench.precision_pictures

For each shipped generator: a 64-image grid (seed 0, classes in turn) drawn through the same sampler the app
uses, once per precision, compared as uint8 pixels (PSNR, goal >= 30 dB); then the model card's evaluation
(`evaluate_run` at N=1,000 against 1,000 training images on the shipped classifier's features), the whole of it
(samples and features) in each precision: goal, FID within 3%. The twin has random weights, so its pictures are
noise-like textures, a harder case for PSNR than the real module's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.explore_latency import psnr
from bench.machine import in_precision, machine_line
from gan_core.models.precision import choose_precision

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"cgan-mnist": "mnist", "cgan-fashion-mnist": "fashion_mnist", "cgan-emoji": "emoji",
           "demo-mnist-dcgan": "mnist"}  # fmt: skip
PRECISIONS = ("float32", "bfloat16")


def shipped_row(name: str, dataset: str) -> str:
    """One shipped generator: its grid's PSNR and its card FID in each precision."""
    from gan_core.evaluation.evaluate_run import EvaluationRequest, evaluate_run
    from gan_core.runs.sampler import RunSampler

    folder = ROOT / "checkpoints" / name
    sampler = RunSampler(folder)
    request = EvaluationRequest(str(folder), dataset, n=1000)
    grids = [in_precision(p, lambda: sampler.sample(64, seed=0)) for p in PRECISIONS]
    fids = [in_precision(p, lambda: evaluate_run(request).report.fid) for p in PRECISIONS]
    return f"{name:<22} {psnr(*grids):8.1f} dB {fids[0]:12.2f} {fids[1]:13.2f} {fids[1] / fids[0] - 1:+8.1%}"


def main() -> None:
    from gan_core.explore.pipeline import sample_grid
    from gan_core.explore.samplers import HubBigGANSampler

    print(machine_line())
    if not choose_precision("bfloat16").is_bfloat16:
        print("this CPU cannot compute bfloat16: nothing to compare")
        return
    print(f"{'model':<22} {'grid PSNR':>10} {'FID float32':>12} {'FID bfloat16':>13} {'change':>8}")
    for name, dataset in SHIPPED.items():
        print(shipped_row(name, dataset), flush=True)
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_biggan_twin import build  # a script in scripts/, not a package module

    twin = HubBigGANSampler(str(build()), "BigGAN-deep 128 twin")
    grids = [in_precision(p, lambda: sample_grid(twin, list(range(16)), 16, 0.5, 0)) for p in PRECISIONS]
    print(f"{'BigGAN-deep 128 twin':<22} {psnr(*grids):8.1f} dB   (16 images, truncation 0.5)")
    print("goals: PSNR >= 30 dB on every grid; card FID within 3%")


if __name__ == "__main__":
    main()
