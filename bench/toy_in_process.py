"""A toy run (Inside a GAN) trained in the server's thread against one in a child process (issue 29).

    python -m bench.toy_in_process --rounds 3 --seconds 20

Image runs train in child processes; toy runs stay in a thread if a process would cost them their pictures a
second. Each round trains the page's default toy run (the ring, hinge) both ways, alternating: in a thread of this
process (TensorFlow already imported, as on a server that has served a page), and in a warm child process (the
app's way for image runs; the child's view reaches this process through the socket every 0.1 s). For each: Start
-> first step, new pictures of the plane this process receives a second (what the page can redraw; it asks five
times a second), steps a second on the run's own clock, the memory training takes (the child's resident memory,
or what this process grew by) and what this process still holds after the run stopped. Prints each round, the
medians and the child's ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.machine import machine_line


def toy_run_class(in_child: bool):
    """TrainingRun, or (the child way) one whose toy runs train in a process as image runs do."""
    from gan_core.runs.run import TrainingRun

    if not in_child:
        return TrainingRun

    class ToyInChild(TrainingRun):
        @property
        def in_child(self) -> bool:
            return self._processes is not None

    return ToyInChild


def rss_mib(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), MiB."""
    for line in Path(f"/proc/{pid or os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(folder: Path, seconds: float, processes=None) -> dict[str, float]:
    """One toy run: its start, pictures and steps a second, the training process's memory while it trains and
    what it left in this (the server's) process after it stopped."""
    import gc

    from gan_core.runs.state import RunState
    from gan_core.toy.presets import toy_run_config

    run = toy_run_class(processes is not None)(folder, toy_run_config(steps=10**6), processes=processes)
    if processes is not None:
        processes.warm_up()
        processes.wait_warm()  # ready before the click, as the app's is once it has started
    before = rss_mib()
    clicked = time.perf_counter()
    run.start()
    first_step = started = None
    pictures, last = 0, None
    while True:
        snap = run.snapshot(with_history=False)
        if snap.state in (RunState.FAILED, RunState.INTERRUPTED):
            raise RuntimeError(snap.message)
        now = time.perf_counter()
        if started is None and snap.step > 0:
            first_step, started = now - clicked, now
        if started is not None:
            if snap.observation is not None and snap.observation is not last:
                pictures += last is not None
                last = snap.observation
            if now - started >= seconds:
                break
        time.sleep(0.02)
    training_rss = rss_mib(run.child_pid) if processes is not None else rss_mib() - before
    run.stop(wait=60)
    rows = run.store.read_metrics()
    del run, snap, last
    gc.collect()
    steps_per_s = rows[-1]["step"] / max(rows[-1]["seconds"], 1e-9) if rows else 0.0
    return {"first step s": first_step or 0.0, "pictures/s": pictures / seconds, "steps/s": steps_per_s,
            "training MiB": training_rss, "server kept MiB": rss_mib() - before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0, help="training seconds measured per run")
    args = parser.parse_args()
    os.environ.setdefault("GAN_PLAYGROUND_OFFLINE", "1")
    import tensorflow as tf  # noqa: F401 (the server's state when a run starts in its thread)

    from gan_core.runs.child import TrainingProcesses

    print(machine_line(), flush=True)
    figures: dict[str, dict[str, list[float]]] = {"thread": {}, "child": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(args.rounds):
            ways = ["thread", "child"] if index % 2 == 0 else ["child", "thread"]
            for way in ways:
                processes = TrainingProcesses(keep_warm=False) if way == "child" else None
                row = measure(Path(tmp) / f"{way}-{index}", args.seconds, processes)
                if processes is not None:
                    processes.close()
                for key, value in row.items():
                    figures[way].setdefault(key, []).append(value)
                print(f"round {index + 1} {way}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()), flush=True)
    medians = {way: {k: statistics.median(v) for k, v in rows.items()} for way, rows in figures.items()}
    for way, row in medians.items():
        print(f"median {way}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()))
    print("child / thread: " + ", ".join(f"{k} {medians['child'][k] / max(medians['thread'][k], 1e-9):.2f}x"
                                        for k in medians["thread"]))  # fmt: skip


if __name__ == "__main__":
    main()
