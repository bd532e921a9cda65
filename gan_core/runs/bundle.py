"""A compact, shippable copy of a run: config, curves, sample grids, and float16 weights of G and D.

The bundled demo run in checkpoints/ is one of these: a few MB instead of the full TensorFlow checkpoint
(float32 weights plus Adam's two moment slots per weight, about 6x larger). Opening it copies it into the
workspace; training on resumes from its weights and step, with Adam's moments starting fresh. A run with an
average of G's weights (EMA) ships that average alone, as the generator samples come from: training on
starts G from it too, which keeps the bundle half the size.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np

from gan_core.atomic_files import atomic_write_bytes

WEIGHTS = "weights.npz"
# evals: the live FID curve; networks: each network's layers; d_view: what D said last (each if the run has one)
COPIED = ("config.json", "metrics.jsonl", "status.json", "evals.jsonl", "networks.json", "d_view.npz")


def export_bundle(run_dir: Path, out: Path, max_frames: int = 40, max_metric_rows: int = 4000) -> Path:
    """Write `out` from the latest checkpoint of `run_dir` (TensorFlow loads here), with at most `max_frames`
    sample grids and `max_metric_rows` rows of the metric log (evenly thinned, the first and last kept)."""
    import tensorflow as tf

    from gan_core.runs.checkpoints import RunCheckpoints
    from gan_core.runs.store import RunStore
    from gan_core.training.engine import GANTrainer
    from gan_core.training.run_config import RunConfig

    config = RunConfig.read(run_dir)
    trainer = GANTrainer(config.model, config.train, tf.distribute.get_strategy())
    step = RunCheckpoints(run_dir, trainer).restore()
    if step is None:
        raise FileNotFoundError(f"{run_dir} has no checkpoint to bundle")
    out.mkdir(parents=True, exist_ok=True)
    # g: the generator, or e: its weight average (with EMA on, the one that samples come from); d: the discriminator
    prefix, generator = ("e", trainer.ema_generator) if trainer.ema_generator is not None else ("g", trainer.generator)
    arrays = {f"{prefix}{i}": v.numpy().astype(np.float16) for i, v in enumerate(generator.weights)}
    arrays |= {f"d{i}": v.numpy().astype(np.float16) for i, v in enumerate(trainer.discriminator.weights)}
    arrays |= {"step": np.int64(step), "preview_noise": trainer.preview_noise.numpy()}
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    atomic_write_bytes(out / WEIGHTS, buf.getvalue())
    for name in COPIED:  # a re-export replaces all of an earlier bundle's: nothing of another run stays
        if (run_dir / name).is_file():
            shutil.copy2(run_dir / name, out / name)
        else:
            (out / name).unlink(missing_ok=True)
    store, copy = RunStore(run_dir), RunStore(out)
    shutil.rmtree(copy.samples_dir, ignore_errors=True)  # a re-export replaces the grids of an earlier bundle
    copy.samples_dir.mkdir()
    for _, path in _evenly([(s, p) for s, p in store.frames() if s <= step], max_frames):
        shutil.copy2(path, copy.samples_dir / path.name)
    copy.trim_to(step)
    _compact_metrics(copy, max_metric_rows)
    return out


def _evenly(items: list, most: int) -> list:
    """At most `most` of `items`, evenly spaced, the first and last always kept."""
    if len(items) <= most:
        return items
    return [items[i] for i in np.unique(np.linspace(0, len(items) - 1, num=max(most, 2)).round().astype(int))]


def _compact_metrics(store, max_rows: int) -> None:
    """A shipped metric log at 4 significant digits, at most `max_rows` rows and without the build machine's wall
    clock: the curves look the same and the bundle stays small (a long run's full log is over 10 MB)."""
    rows = [{k: float(f"{v:.4g}") if isinstance(v, float) else v for k, v in row.items() if k != "time"}
            for row in _evenly(store.read_metrics(), max_rows)]  # fmt: skip
    atomic_write_bytes(store.metrics_path, "".join(json.dumps(r) + "\n" for r in rows).encode())


def load_model_weights(bundle_dir: Path, model, prefix: str) -> None:
    """Assign a bundle's float16 weights (keys `<prefix><index>`) to `model`, checking count and shapes."""
    with np.load(bundle_dir / WEIGHTS, allow_pickle=False) as f:
        weights = model.weights
        if sum(k.startswith(prefix) and k[1:].isdigit() for k in f.files) != len(weights):
            raise ValueError(f"{bundle_dir / WEIGHTS} does not fit the model in config.json")
        for i, var in enumerate(weights):
            value = f[f"{prefix}{i}"]
            if tuple(value.shape) != tuple(var.shape):
                raise ValueError(f"{bundle_dir / WEIGHTS}: {var.path} has shape {value.shape}, expected {var.shape}")
            var.assign(value.astype(np.float32))


def bundle_has(bundle_dir: Path, prefix: str) -> bool:
    """Whether the bundle holds a model under `prefix` (g: generator, d: discriminator, e: G's average)."""
    with np.load(bundle_dir / WEIGHTS, allow_pickle=False) as f:
        return f"{prefix}0" in f.files


def bundle_step(bundle_dir: Path) -> int:
    with np.load(bundle_dir / WEIGHTS, allow_pickle=False) as f:
        return int(f["step"])


def restore_bundle(bundle_dir: Path, trainer) -> int:
    """Load a bundle's weights (float16 -> float32), step and preview noise into `trainer`; returns the step."""
    has_raw, has_average = bundle_has(bundle_dir, "g"), bundle_has(bundle_dir, "e")
    load_model_weights(bundle_dir, trainer.generator, "g" if has_raw else "e")  # training on from the average
    load_model_weights(bundle_dir, trainer.discriminator, "d")
    if trainer.ema_generator is not None:
        load_model_weights(bundle_dir, trainer.ema_generator, "e" if has_average else "g")
    with np.load(bundle_dir / WEIGHTS, allow_pickle=False) as f:
        trainer.step.assign(int(f["step"]))
        trainer.preview_noise.assign(f["preview_noise"])
    return int(trainer.step.numpy())


def is_bundle(run_dir: Path) -> bool:
    return (run_dir / WEIGHTS).is_file()
