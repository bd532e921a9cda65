"""Runs shipped in checkpoints/ (trained by this project), and opening one as a run of your own."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_core.data.registry import DATASETS
from gan_core.runs.bundle import is_bundle
from gan_core.runs.store import RunStore
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


@dataclass(frozen=True)
class ShowcaseGrid:
    """A shipped generator's last sample grid: pictures for a first screen that need no TensorFlow."""

    path: Path  # the PNG
    caption: str


def showcase_grids(root: Path = CHECKPOINTS_DIR) -> list[ShowcaseGrid]:
    """The last grid of each shipped class-conditional generator (the Explorer's offline models), colour first.
    Reads every bundle's metric log: a page caches it."""
    grids = []
    for bundle in bundled_runs(root):
        latest = RunStore(bundle.path).latest_frame()
        if not bundle.name.startswith("cgan-") or latest is None:
            continue
        config = RunConfig.read(bundle.path)
        spec = DATASETS.get(config.train.dataset)
        title = spec.title if spec is not None else config.train.dataset_label
        rows = RunStore(bundle.path).read_metrics()
        minutes = rows[-1].get("seconds", 0.0) / 60 if rows else 0.0
        caption = f"{title}, trained here for {max(minutes, 1):.0f} minutes on a CPU"
        path = latest[1]
        grids.append((config.model.image_shape[-1] != 3, bundle.name, ShowcaseGrid(path, caption)))
    return [grid for *_, grid in sorted(grids, key=lambda g: g[:2])]


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
