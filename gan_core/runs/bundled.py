"""Runs shipped in checkpoints/ (trained by this project), and opening one as a run of your own."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_core.runs.bundle import is_bundle
from gan_core.settings import CHECKPOINTS_DIR
from gan_core.training.run_config import RunConfig


@dataclass(frozen=True)
class BundledRun:
    name: str
    path: Path
    card: str  # the model card's Markdown ('' when there is none)


def bundled_runs(root: Path = CHECKPOINTS_DIR) -> list[BundledRun]:
    if not root.is_dir():
        return []
    found = [p for p in sorted(root.iterdir()) if (p / "config.json").is_file() and is_bundle(p)]
    return [BundledRun(p.name, p, (p / "MODEL_CARD.md").read_text() if (p / "MODEL_CARD.md").is_file() else "")
            for p in found]  # fmt: skip


def open_bundled_run(bundle: BundledRun, runs_dir: Path) -> Path:
    """Copy the shipped run into the workspace once (the shipped files never change) and return its folder."""
    target = runs_dir / bundle.name
    if not (target / "config.json").is_file():
        runs_dir.mkdir(parents=True, exist_ok=True)
        tmp = runs_dir / f".{bundle.name}.copying"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(bundle.path, tmp)
        tmp.rename(target)
    return target


def shipped_images(dataset: str) -> Callable[[int], np.ndarray] | None:
    """The shipped model trained on `dataset` (checkpoints/cgan-*), as n -> images; None when none ships (a run's
    live FID chart shows its FID beside the run's)."""
    found = [b for b in bundled_runs()
             if b.name.startswith("cgan-") and RunConfig.read(b.path).train.dataset == dataset]  # fmt: skip
    if not found:
        return None

    def draw(n: int) -> np.ndarray:
        from gan_core.runs.sampler import RunSampler

        return RunSampler(found[0].path).sample(n, seed=0)

    return draw
