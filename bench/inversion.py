"""Find it in the GAN, measured (issue 37): held-out test pictures searched for in the shipped models, the class
unknown, in float32 and in bfloat16 on the same machine; the ProGAN twin's time for one 128x128 face; SeFa's time
on BigGAN-deep 128's twin.

    python -m bench.inversion [--write]     # --write: the table into bench/RESULTS.md

Targets: MNIST (100 test digits, 10 a class) median PSNR >= 25 dB, class found right >= 90%, at most 10 s for all
100 on 2 cores; the same table for Fashion-MNIST (100) and Emoji (10 a class); ProGAN's twin <= 30 s for 300 steps
on one picture; SeFa on BigGAN-deep 128's twin under 1 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from bench.machine import in_precision, machine_line
from bench.results_file import update_section

ROOT = Path(__file__).resolve().parents[1]
SETS = (("mnist", "mnist"), ("fashion-mnist", "fashion_mnist"), ("emoji", "emoji"))


def held_out(dataset: str, per_class: int = 10) -> tuple[np.ndarray, np.ndarray]:
    data = np.load(ROOT / "gan_core" / "assets" / f"{dataset}.npz")
    images, labels, test = data["images"], data["labels"], data["is_test"]
    pick = np.concatenate([np.where(test & (labels == c))[0][:per_class] for c in np.unique(labels)])
    return images[pick], labels[pick]


def shipped_row(model: str, dataset: str, precision: str) -> list[str]:
    from gan_core.explore.choices import resolve_model
    from gan_core.explore.inversion import Inversion

    sampler = resolve_model(model, None, offline=True)
    images, labels = held_out(dataset)

    def once():
        return Inversion(sampler, images).run()

    in_precision(precision, lambda: Inversion(sampler, images[:2]).run())  # traced once, as a warm server has
    start = time.perf_counter()
    result = in_precision(precision, once)
    seconds = time.perf_counter() - start
    right = float(np.mean(result.classes == labels))
    psnr = result.psnr
    return [model, precision, str(len(images)), f"{np.median(psnr):.1f}", f"{np.percentile(psnr, 5):.1f}",
            f"{100 * right:.0f}%", f"{100 * float(np.mean(result.far)):.0f}%", f"{seconds:.1f}"]  # fmt: skip


def progan_row(precision: str) -> list[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_progan_twin import build

    from gan_core.explore.hub_generators import HubProGANSampler
    from gan_core.explore.inversion import Inversion, InversionConfig

    sampler = HubProGANSampler(str(build()), "ProGAN twin")
    target = sampler.sample(np.random.default_rng(1).standard_normal((1, sampler.info.noise_dim)).astype(
        np.float32), None, 1.0)  # fmt: skip
    config = InversionConfig(guess_steps=0, search_steps=0, refine_steps=300)
    in_precision(precision, lambda: Inversion(sampler, target, config=InversionConfig(refine_steps=2)).run())
    start = time.perf_counter()
    result = in_precision(precision, lambda: Inversion(sampler, target, config=config).run())
    seconds = time.perf_counter() - start
    return ["ProGAN-128 twin (random weights)", precision, "1", f"{float(result.psnr[0]):.1f}", "", "", "",
            f"{seconds:.1f}"]  # fmt: skip


def sefa_seconds() -> tuple[float, float]:
    """Loading BigGAN-deep 128's twin, then computing its directions (the part a visitor waits for)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_biggan_twin import build

    from gan_core.explore.samplers import HubBigGANSampler

    path = build()
    start = time.perf_counter()
    sampler = HubBigGANSampler(str(path), "twin")
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    found = sampler.directions()
    assert len(found) == 5
    return loaded, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="write the table into bench/RESULTS.md")
    parser.add_argument("--skip-progan", action="store_true")
    args = parser.parse_args()
    header = ["model", "precision", "pictures", "median PSNR (dB)", "5th pct PSNR", "class right", "far",
              "seconds (all)"]  # fmt: skip
    rows = []
    for model, dataset in SETS:
        for precision in ("float32", "bfloat16"):
            rows.append(shipped_row(model, dataset, precision))
            print(" | ".join(rows[-1]), flush=True)
    if not args.skip_progan:
        for precision in ("float32", "bfloat16"):
            rows.append(progan_row(precision))
            print(" | ".join(rows[-1]), flush=True)
    loaded, sefa = sefa_seconds()
    print(f"SeFa on BigGAN-deep 128's twin: {sefa:.3f} s (loading the twin: {loaded:.1f} s)")
    from gan_core.explore.inversion import FAR_PSNR_DB, InversionConfig

    c = InversionConfig()
    lines = ["# Find it in the GAN (`python -m bench.inversion`)", "",
             f"{machine_line()}; {date.today()}. Held-out test pictures (10 a class), the class unknown: "
             f"{c.guess_steps} steps guessing a mix of classes, {c.search_steps} trying each of the "
             f"{c.classes_tried} likeliest as itself, {c.refine_steps} refining the best (Adam, lr "
             f"{c.learning_rate:g}, pixel squared error); ProGAN's twin: 300 refining steps (no classes). PSNR over "
             f"pixels in [-1, 1]; 'far': under {FAR_PSNR_DB:g} dB, said to be no match. Each row is timed after one "
             "small warm-up search (a warm server's state). Targets: MNIST median >= 25 dB, class >= 90%, <= 10 s "
             "for 100; ProGAN twin <= 30 s for 300 steps.", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]  # fmt: skip
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", f"SeFa's five directions on BigGAN-deep 128's twin (50 M parameters, random weights): "
              f"{sefa:.2f} s on this machine (goal < 1 s), after loading it ({loaded:.1f} s)."]  # fmt: skip
    if args.write:
        update_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
