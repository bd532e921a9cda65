"""Train a toy run without the app (`python -m gan_core toy ...`): one line per measurement, then a summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.toy.metrics import measure_words
from gan_core.training.run_config import RunConfig


def measurement_line(row: dict, seconds: float) -> str:
    counted, quality = measure_words(row)
    covered = f"{counted} {row['modes_covered']}/{row['modes']}  {quality} {row['high_quality']:.0%}"
    return f"step {row['step']:>6,}  {seconds:6.1f} s  {covered}"


def train_toy(out: Path, config: RunConfig | None, seconds: float, say: Callable[[str], None] = print) -> RunState:
    """Train (a new run with `config`, or resume `out`) until it finishes or `seconds` of training have passed."""
    run = TrainingRun(out, config)
    shown = len(run.snapshot(with_history=False).evals)  # a resume: the earlier measurements are not news
    run.start()
    if run.precision is not None:
        say(f"precision: {run.precision.describe()}")
    started: float | None = None
    try:
        while not run.join(0.1):
            snap = run.snapshot(with_history=False)
            if started is None and snap.step > 0:
                started = time.monotonic()  # the clock starts with training, not with TensorFlow's import
            for row in snap.evals[shown:]:
                say(measurement_line(row, time.monotonic() - (started or time.monotonic())))
            shown = len(snap.evals)
            if started is not None and seconds and time.monotonic() - started >= seconds:
                run.stop(wait=60, reason=f"the {seconds:g} s asked for")
    except KeyboardInterrupt:
        say("stopping: saving a checkpoint...")
        run.stop(wait=60)
    snap = run.snapshot(with_history=False)
    if not snap.evals:
        say("(nothing measured: its pictures are in the run's samples folder)")
    speed = snap.images_per_sec / snap.batch_size
    say(f"{snap.message} · {speed:.0f} steps/s at the end" if speed >= 1 else snap.message)
    return snap.state
