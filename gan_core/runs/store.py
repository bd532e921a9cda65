"""A run folder's plain files: config.json, the metric log, sample frames and status.json (no TensorFlow).

runs/NAME/config.json        model + training settings, lineage, library versions
runs/NAME/metrics.jsonl      one JSON object per step (append-only; trimmed back on resume)
runs/NAME/evals.jsonl        live evaluations: step, FID at a small N, classes covered (same rules)
runs/NAME/best.json          the step with the lowest live FID; its generator in generator-best.weights.h5
runs/NAME/samples/NNNNNNN.png the fixed-noise grid every sample_every steps
runs/NAME/status.json        state, step and message, for listing runs after a restart
runs/NAME/checkpoints/       TensorFlow checkpoints (gan_core.runs.checkpoints)
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gan_core.atomic_files import atomic_write_bytes, atomic_write_text
from gan_core.pictures.render import Legend, image_grid, png_bytes
from gan_core.training.run_config import RunConfig

BEST_GENERATOR_WEIGHTS = "generator-best.weights.h5"
_FRAME = re.compile(r"^(\d{7})\.png$")
NETWORKS_FILE = "networks.json"  # each network's layers, shapes and parameter counts
HISTORY_COLUMNS = ("step", "epoch", "seconds", "d_loss_real", "d_loss_fake", "g_loss", "d_acc_real", "d_acc_fake",
                   "images_per_sec")  # fmt: skip


@dataclass(frozen=True)
class RunSummary:
    """What a list of runs shows, read from the folder alone."""

    name: str
    path: Path
    dataset: str  # as a page shows it (TrainConfig.dataset_label): never the server's path
    state: str
    step: int
    message: str
    checkpoint_steps: tuple[int, ...]
    toy: bool = False  # a 2-D toy GAN (gan_core.toy), listed on its own page only


class RunStore:
    def __init__(self, run_dir: Path) -> None:
        self.dir = run_dir
        self.samples_dir = run_dir / "samples"
        self.metrics_path = run_dir / "metrics.jsonl"
        self.evals_path = run_dir / "evals.jsonl"
        self.best_path = run_dir / "best.json"
        self.status_path = run_dir / "status.json"
        self.d_view_path = run_dir / "d_view.npz"  # what D said last (gan_core.training.d_view)

    # -- config -----------------------------------------------------------------------------------------------
    def write_config(self, config: RunConfig) -> None:
        atomic_write_text(self.dir / "config.json", config.to_json())

    def read_config(self) -> RunConfig:
        return RunConfig.read(self.dir)

    # -- metrics ----------------------------------------------------------------------------------------------
    def append_metrics(self, rows: list[dict[str, Any]]) -> None:
        self._append(self.metrics_path, rows)

    def read_metrics(self, up_to_step: int | None = None) -> list[dict[str, Any]]:
        """Every complete row (a torn last line from a crash is ignored), optionally only up to a step."""
        return self._read(self.metrics_path, up_to_step)

    def history(self, rows: list[dict[str, Any]] | None = None) -> dict[str, tuple[float, ...]]:
        """Every logged step's metrics (`rows`, else read_metrics()) as columns (NaN where a row lacks one)."""
        rows = self.read_metrics() if rows is None else rows
        return {k: tuple(r.get(k, float("nan")) for r in rows) for k in HISTORY_COLUMNS}

    def append_eval(self, row: dict[str, Any]) -> None:
        self._append(self.evals_path, [row])

    def read_evals(self, up_to_step: int | None = None) -> list[dict[str, Any]]:
        return self._read(self.evals_path, up_to_step)

    def write_best(self, row: dict[str, Any]) -> None:
        atomic_write_text(self.best_path, json.dumps(row) + "\n")

    def read_best(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.best_path.read_text())
        except (OSError, json.JSONDecodeError):
            return None

    def _append(self, path: Path, rows: list[dict[str, Any]]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as f:
            f.seek(0, 2)
            if f.tell():  # a line torn by a killed writer: end it, so the next row starts on its own line
                f.seek(-1, 2)
                if f.read(1) != b"\n":
                    f.write(b"\n")
            f.write("".join(json.dumps(row) + "\n" for row in rows).encode("utf-8"))

    @staticmethod
    def _read(path: Path, up_to_step: int | None) -> list[dict[str, Any]]:
        if not path.exists():
            return []
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if up_to_step is None or row.get("step", 0) <= up_to_step:
                rows.append(row)
        return rows

    def trim_to(self, step: int) -> list[dict[str, Any]]:
        """Forget metrics, evaluations and frames after `step` (the checkpoint a resume starts from); returns
        the kept metric rows."""
        rows = self.read_metrics(up_to_step=step)
        atomic_write_text(self.metrics_path, "".join(json.dumps(r) + "\n" for r in rows))
        if self.evals_path.exists():
            evals = self.read_evals(up_to_step=step)
            atomic_write_text(self.evals_path, "".join(json.dumps(r) + "\n" for r in evals))
        best = self.read_best()
        if best is not None and best.get("step", 0) > step:  # its point on the curve is gone: so is the mark
            self.best_path.unlink(missing_ok=True)
            (self.dir / BEST_GENERATOR_WEIGHTS).unlink(missing_ok=True)
        for frame_step, path in self.frames():
            if frame_step > step:
                path.unlink(missing_ok=True)
        return rows

    # -- sample frames ----------------------------------------------------------------------------------------
    def save_frame(self, step: int, images: np.ndarray) -> np.ndarray:
        """Tile a preview batch into a grid and save it as samples/<step>.png; returns the grid."""
        grid = image_grid(images, ncols=int(np.ceil(np.sqrt(len(images)))))
        atomic_write_bytes(self.samples_dir / f"{step:07d}.png", png_bytes(grid))
        return grid

    def frame_image(self, step: int) -> np.ndarray:
        """One saved grid as uint8 [H, W, C]."""
        from PIL import Image

        with Image.open(self.samples_dir / f"{step:07d}.png") as img:
            pixels = np.asarray(img)
        return pixels[..., None] if pixels.ndim == 2 else pixels

    def animation(self, fmt: str, fps: float = 5.0, max_side: int = 512, legend: Legend = ()) -> bytes:
        """Every saved grid, in step order, as an animated GIF or an MP4 (enlarged to about max_side px), each
        frame captioned with its step and the colours' `legend`."""
        from gan_core.pictures.render import gif_bytes, mp4_bytes, upscale, with_caption

        steps = [step for step, _ in self.frames()]
        if not steps:
            raise ValueError("no sample grids saved yet")
        frames = [self.frame_image(step) for step in steps]
        factor = max(1, round(max_side / max(frames[0].shape[:2])))
        frames = [with_caption(upscale(f, factor), f"step {s:,}", legend) for s, f in zip(steps, frames, strict=True)]
        return gif_bytes(frames, fps) if fmt == "gif" else mp4_bytes(frames, fps)

    def frame_changes(self, last: int = 4) -> list[float]:
        """Mean absolute pixel change between the last few saved grids (0..255): do the samples still move?"""
        grids = [self.frame_image(step).astype(np.int16) for step, _ in self.frames()[-last:]]
        return [float(np.abs(b - a).mean()) for a, b in itertools.pairwise(grids)]

    def frames(self) -> list[tuple[int, Path]]:
        if not self.samples_dir.is_dir():
            return []
        found = [(int(m.group(1)), p) for p in self.samples_dir.iterdir() if (m := _FRAME.match(p.name))]
        return sorted(found)

    def latest_frame(self) -> tuple[int, Path] | None:
        """(step, PNG) of the newest saved grid, or None before the first."""
        frames = self.frames()
        return frames[-1] if frames else None

    # -- the networks' layers (gan_core.models.summary) --------------------------------------------------------
    def write_networks(self, tables: dict[str, list[dict[str, str]]]) -> None:
        atomic_write_text(self.dir / NETWORKS_FILE, json.dumps(tables, indent=1) + "\n")

    def read_networks(self) -> dict[str, list[dict[str, str]]] | None:
        try:
            tables = json.loads((self.dir / NETWORKS_FILE).read_text())
        except (OSError, json.JSONDecodeError):
            return None
        return tables if isinstance(tables, dict) else None

    # -- status -----------------------------------------------------------------------------------------------
    def write_status(self, state: str, step: int, message: str = "") -> None:
        atomic_write_text(self.status_path, json.dumps({"state": state, "step": step, "message": message}) + "\n")

    def read_status(self) -> dict[str, Any]:
        try:
            return json.loads(self.status_path.read_text())
        except (OSError, json.JSONDecodeError):
            return {}

    def checkpoint_steps(self) -> tuple[int, ...]:
        folder = self.dir / "checkpoints"
        if not folder.is_dir():
            return ()
        return tuple(
            sorted(int(m.group(1)) for p in folder.glob("ckpt-*.index") if (m := re.match(r"ckpt-(\d+)", p.name)))
        )

    def summary(self) -> RunSummary:
        status = self.read_status()
        try:
            config = self.read_config()
            dataset, toy = config.train.dataset_label, config.is_toy
        except (OSError, ValueError):
            dataset, toy = "?", False
        return RunSummary(
            self.dir.name, self.dir, dataset, status.get("state", "unknown"), int(status.get("step", 0)),
            status.get("message", ""), self.checkpoint_steps(), toy,
        )  # fmt: skip


def list_runs(runs_dir: Path, toy: bool | None = False) -> list[RunSummary]:
    """Every image-GAN run folder under runs_dir (newest first; `toy`: the 2-D toy runs instead; None: both), as
    found on disk: this survives a server restart."""
    if not runs_dir.is_dir():
        return []
    folders = [p for p in runs_dir.iterdir() if (p / "config.json").is_file()]
    found = [RunStore(p).summary() for p in sorted(folders, key=lambda p: p.stat().st_mtime, reverse=True)]
    return [summary for summary in found if toy is None or summary.toy == toy]
