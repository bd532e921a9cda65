"""Start -> first logged step: a run trained in the server's thread against one in a child process (issue 29).

    python -m bench.train_start --rounds 3

Each round opens a new MNIST run (the Train page's defaults, bundled digits) in each of three ways and
times `start()` to the first step in its snapshot: in a thread of this process (TensorFlow already imported here,
as on a server that has trained before), in a warm child process (TensorFlow imported and the default run's
step compiled while nothing waited: the app keeps one ready), and in a cold child (started at the click). The ways alternate within a round. Prints
each round, the medians and the warm child's ratio to the thread. Goal: <= 1.5x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.machine import machine_line


def first_step_seconds(runs_dir: Path, name: str, processes=None, warm: bool = False, recipe: str | None = None
                       ) -> float:  # fmt: skip
    from gan_core.data import load_dataset
    from gan_core.runs.run import TrainingRun
    from gan_core.training.presets import default_run_config

    info = load_dataset("mnist", source="bundled").info
    config = default_run_config(info, recipe=recipe, source="bundled", epochs=5)  # the Train page's MNIST defaults
    run = TrainingRun(runs_dir / name, config, processes=processes)
    if warm:
        processes.warm_up()
        processes.wait_warm()  # ready before the click, as the app's is once it has started
    started = time.perf_counter()
    run.start()
    while run.snapshot(with_history=False).step < 1:
        if not run.state.active:
            raise RuntimeError(f"{name}: {run.snapshot().message}")
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    run.stop(wait=60)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--recipe", help="a recipe of gan_core.training.presets.RECIPES (default: MNIST's default)")
    args = parser.parse_args()
    os.environ.setdefault("GAN_PLAYGROUND_OFFLINE", "1")
    import tensorflow as tf  # noqa: F401 (the server's state when a run starts in its thread)

    from gan_core.runs.child import TrainingProcesses

    print(machine_line(), flush=True)
    times: dict[str, list[float]] = {"thread": [], "warm child": [], "cold child": []}
    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(tmp)
        for index in range(args.rounds):
            warm = TrainingProcesses(keep_warm=False)
            cold = TrainingProcesses(keep_warm=False)
            recipe = args.recipe
            row = {"thread": first_step_seconds(runs, f"thread-{index}", recipe=recipe),
                   "warm child": first_step_seconds(runs, f"warm-{index}", warm, warm=True, recipe=recipe),
                   "cold child": first_step_seconds(runs, f"cold-{index}", cold, recipe=recipe)}  # fmt: skip
            for key, value in row.items():
                times[key].append(value)
            print(f"round {index + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in row.items()), flush=True)
    medians = {k: statistics.median(v) for k, v in times.items()}
    print("medians: " + ", ".join(f"{k} {v:.2f} s" for k, v in medians.items()))
    print(f"warm child / thread: {medians['warm child'] / medians['thread']:.2f}x (goal <= 1.5x); "
          f"cold child / thread: {medians['cold child'] / medians['thread']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
