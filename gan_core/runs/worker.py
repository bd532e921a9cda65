"""A training process: one run trained in a child of the server, at a lower OS priority, then gone.

Started by `gan_core.runs.child.TrainingProcesses` as `python -m gan_core.runs.worker FD` with one end of a
socket pair. It lowers its priority, imports TensorFlow and compiles the likely train steps (a warm worker has done all
this before any run asks for it), says it is ready, and waits for one job: a run folder to train.
It then trains the run exactly as the server would in a thread (`TrainingRun`, which takes the folder's writer
lock), sends what the page shows several times a second, takes the page's commands (pause, resume, stop, single
updates, a new learning rate or loss), and exits when the run ends: whatever TensorFlow kept goes with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

RELAY_EVERY_S = 0.1  # how often the page's view of the run is sent to the server
# No prctl(PR_SET_PDEATHSIG): Linux sends it when the *thread* that started the process ends (a run's supervisor
# thread starts the next warm process), not the server. The socket is the tie instead: when the server goes, by
# any death, the kernel closes its end, and this process reads EOF within 0.1 s, saves a checkpoint and ends.


def prepare(niceness: int, compile_ahead: bool = True) -> None:
    """Before any job: lower priority, import TensorFlow, compile the likely steps (unless not `compile_ahead`)."""
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):  # several children share a card: each takes what it uses
        with contextlib.suppress(RuntimeError):
            tf.config.experimental.set_memory_growth(gpu, True)
    import gan_core.runs.run  # noqa: F401 (the run machinery and the models, loaded before a job arrives)

    if compile_ahead:
        warm_up_runtime()


def warm_up_runtime() -> None:
    """Two train steps of the app's default image run (MNIST's recipe, its batch), and of the TF tutorial's
    networks, on a handful of real digits before any job: TensorFlow's runtime and thread pools, the traced
    steps and oneDNN's kernels for those shapes are ready, not built after a person's click. A run of other
    shapes compiles its own."""
    from gan_core.data import load_dataset
    from gan_core.data.pipeline import PipelineConfig, make_pipeline
    from gan_core.training.engine import GANTrainer
    from gan_core.training.presets import default_run_config

    data = load_dataset("mnist", source="bundled").split("train")
    for recipe in (None, "tutorial"):  # the default, and the TF tutorial's networks one click away
        config = default_run_config(data.info, recipe=recipe, source="bundled", train_count=len(data))
        trainer = GANTrainer(config.model, config.train)
        cfg = config.train
        count = cfg.batch_size * 2
        pipeline = PipelineConfig(cfg.batch_size, shuffle_seed=0, with_labels=cfg.conditional)
        for batch in make_pipeline(data.images[:count], data.labels[:count], pipeline):
            trainer.train_step(batch)


def apply_command(run: Any, command: tuple) -> None:
    """A page's click, forwarded by the server: the same call the server makes on a run in a thread."""
    name, *args = command
    actions = {
        "pause": run.pause,
        "resume": run.resume,
        "stop": lambda reason="": run.stop(wait=0, reason=reason),
        "single_update": run.single_update,
        "learning_rate": run.change_learning_rate,
        "loss": lambda loss, settings: run.change_loss(loss, **settings),
    }
    actions[name](*args)


def train(conn: Connection, job: dict[str, Any], terminate: threading.Event) -> None:
    """Train the job's run to its end, relaying its view and taking commands; the run's own errors end in its
    state and message (as in a thread), so this returns normally. `terminate` (SIGTERM: the server went away):
    stop with a checkpoint and end."""
    from gan_core.errors import PlaygroundError
    from gan_core.runs.run import TrainingRun

    run = TrainingRun(Path(job["run_dir"]), precision=job.get("precision"), time_limit_s=job.get("time_limit_s", 0.0))
    try:
        run.start()
    except PlaygroundError as exc:  # another writer has the folder: nothing was written
        conn.send(("refused", None, str(exc)))
        return
    cursor = None
    while run.join(0) is False:
        acked = None
        try:
            while conn.poll(RELAY_EVERY_S):
                seq, command = conn.recv()
                try:
                    apply_command(run, command)
                except (PlaygroundError, ValueError) as exc:
                    conn.send(("refused_command", seq, str(exc)))
                acked = seq
        except (EOFError, OSError):  # the server is gone: no one reads the relay any more
            terminate.set()
        if terminate.is_set():
            if run.state.active:
                run.stop(wait=60, reason="the server stopped")
            return
        view, cursor = run.relay_since(cursor)
        try:
            conn.send(("view", acked, view))
        except OSError:  # the server went between its last command and this view: stop with a checkpoint
            terminate.set()
    view, cursor = run.relay_since(cursor)  # the last of it: the final frame, state and message, which stand
    with contextlib.suppress(OSError):  # whatever the page clicked meanwhile (no one reads it if the server went)
        conn.send(("view", "final", view))


def main(fd: int, niceness: int, compile_ahead: bool = True) -> None:
    conn = Connection(socket.socket(fileno=fd).detach())
    prepare(niceness, compile_ahead)
    terminate = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: terminate.set())  # from here a stop saves a checkpoint first
    try:
        conn.send(("ready", os.getpid(), None))
        job = conn.recv()
    except (EOFError, OSError):  # a warm worker no run needed: the server has closed (BrokenPipeError included)
        return
    started = time.monotonic()
    train(conn, job, terminate)
    with contextlib.suppress(OSError):
        conn.send(("end", round(time.monotonic() - started, 3), None))


if __name__ == "__main__":
    threading.current_thread().name = "training-process"
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10, sys.argv[3:4] != ["cold"])
