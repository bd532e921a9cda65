"""Hand a run on: fork it from any saved checkpoint with new settings, or pack it into one zip for a report."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from gan_core.runs.store import HISTORY_COLUMNS, RunStore
from gan_core.training.run_config import RunConfig

FORKABLE = frozenset(
    {"epochs", "batch_size", "loss", "lr_g", "lr_d", "beta1", "beta2", "label_smoothing", "d_steps", "gp_weight",
     "diffaugment", "sample_every", "checkpoint_every", "keep_checkpoints", "xla"}
)  # fmt: skip  # the architecture, dataset and seed stay: the weights must fit and the curves stay comparable


def fork_run(source: Path, step: int, target: Path, **changes: Any) -> RunConfig:
    """A new run folder that starts from `source`'s checkpoint at `step`, with changed training settings."""
    import tensorflow as tf

    source, target = source.resolve(), target.resolve()  # the checkpoint state must not hold a relative path
    store = RunStore(source)
    if step not in store.checkpoint_steps():
        raise ValueError(f"{source.name} has no checkpoint at step {step}; saved: {store.checkpoint_steps()}")
    if target.exists():
        raise FileExistsError(f"a run called '{target.name}' exists already; choose another name for the fork")
    unknown = set(changes) - FORKABLE
    if unknown:
        raise ValueError(f"a fork keeps the model, data and seed; cannot change {', '.join(sorted(unknown))}")
    config = store.read_config()
    forked = RunConfig(config.model, replace(config.train, **changes), parent=f"{source.name}@{step}")
    tmp = target.with_name(f".{target.name}.forking")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "checkpoints").mkdir(parents=True)
    for path in (source / "checkpoints").glob(f"ckpt-{step}.*"):
        shutil.copy2(path, tmp / "checkpoints" / path.name)
    tf.compat.v1.train.update_checkpoint_state(str(tmp / "checkpoints"), f"ckpt-{step}", [f"ckpt-{step}"])
    copy = RunStore(tmp)
    copy.write_config(forked)
    copy.append_metrics(store.read_metrics(up_to_step=step))
    copy.samples_dir.mkdir()
    for frame_step, path in store.frames():
        if frame_step <= step:
            shutil.copy2(path, copy.samples_dir / path.name)
    copy.write_status("idle", step, f"forked from {source.name} at step {step:,}, not trained yet: continue "
                      "training to start it")  # fmt: skip
    tmp.rename(target)
    return forked


def portable_generator_files(run_dir: Path) -> dict[str, bytes]:
    """The run's generator to use elsewhere, by path in a zip: `generator.keras` (keras.saving.load_model, stock
    layers only) and `generator_savedmodel/...` (tf.saved_model.load), gan_core.models.portable. Empty when the
    run has no weights yet."""
    import tempfile

    from gan_core.errors import PlaygroundError
    from gan_core.runs.sampler import RunSampler

    try:
        sampler = RunSampler(run_dir)
    except (PlaygroundError, OSError, ValueError):
        return {}
    with tempfile.TemporaryDirectory() as folder:
        sampler.export(Path(folder))
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*"))
                if p.is_file()}  # fmt: skip


def metrics_csv(rows: list[dict]) -> str:
    """The metric log as CSV, one row per logged step, the columns the curves are drawn from."""
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=HISTORY_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return table.getvalue()


def report_zip(run_dir: Path) -> bytes:
    """One download for a report or a class submission: config (seeds, versions), metrics as CSV, the loss
    curves as a self-contained HTML chart, the progress GIF, the last sample grid, the generator weights, and the
    generator to use elsewhere (a .keras file and a SavedModel that need only Keras and TensorFlow)."""
    from gan_core.pictures.charts import accuracy_figure, loss_figure

    store = RunStore(run_dir)
    rows = store.read_metrics()
    history = store.history(rows)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(run_dir / "config.json", "config.json")
        zf.writestr("metrics.csv", metrics_csv(rows))
        html = loss_figure(history).to_html(include_plotlyjs=True, full_html=True)
        zf.writestr("loss_curves.html", html)
        zf.writestr("accuracy_curves.html", accuracy_figure(history).to_html(include_plotlyjs=True))
        frames = store.frames()
        if frames:
            zf.writestr("progress.gif", store.animation("gif"))
            zf.write(frames[-1][1], f"samples_step_{frames[-1][0]}.png")
        for name in ("generator.weights.h5", "weights.npz"):
            if (run_dir / name).is_file():
                zf.write(run_dir / name, name)
        for name, data in portable_generator_files(run_dir).items():
            zf.writestr(name, data)
        zf.writestr("status.json", json.dumps(store.read_status(), indent=2))
    return buf.getvalue()
