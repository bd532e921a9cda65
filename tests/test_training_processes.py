"""Issue 29: image runs train in child processes the server supervises; a process that dies is the run's end,
not the server's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO

from gan_core.data import load_dataset
from gan_core.runs.child import NICENESS, TrainingProcesses
from gan_core.runs.registry import RunRegistry
from gan_core.runs.state import RunState
from gan_core.runs.writer_lock import is_being_trained
from gan_core.training.presets import default_run_config


def wait(condition, timeout: float = 120.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def quick_config(epochs: int = 50):
    """The tutorial's networks at an eighth of their width on the bundled digits (these tests are about the
    processes, not the pictures), checkpoints every 20 steps, no live FID."""
    info = load_dataset("mnist", source="bundled").info
    config = default_run_config(info, recipe="tutorial", source="bundled", epochs=epochs, checkpoint_every=20,
                                eval_every=0, sample_every=20)  # fmt: skip
    return replace(config, model=replace(config.model, g_width=8, d_width=8))


@pytest.fixture
def registry(tmp_path: Path):
    # At the server's priority and without compiling ahead: these tests check the relay and the lifecycle (the
    # niceness has its own test), and a niced process starves on a host whose other work keeps both cores busy.
    processes = TrainingProcesses(0, keep_warm=False, compile_ahead=False)
    registry = RunRegistry(tmp_path / "runs", max_concurrent=3, processes=processes)
    yield registry
    for name in ("a", "b", "c"):
        run = registry.get(name)
        if run is not None and run.state.active:
            run.stop(wait=60)
    processes.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for every purpose but its exit status
        return stat.read().split(") ")[-1][0] != "Z"


def test_a_run_trains_in_its_own_process_and_pauses_resumes_and_stops_through_it(registry: RunRegistry) -> None:
    run = registry.open("a", quick_config())
    registry.start("a")
    assert run.in_child and run.state is RunState.RUNNING
    assert run.precision is not None and run.config.train.precision == run.precision.name  # for the page at once
    wait(lambda: run.snapshot().step > 30, what="steps from the process")
    pid = run.child_pid
    assert pid and pid != os.getpid() and alive(pid)
    snap = run.snapshot()
    assert snap.history["g_loss"] and snap.frame is not None and snap.images_per_sec > 0  # what the page shows
    assert json.loads((run.store.dir / ".writer.json").read_text())["pid"] == pid  # the process holds the lock

    run.pause()
    assert run.state is RunState.PAUSED  # at once, for the page
    wait(lambda: run.snapshot().parked, what="the step under way to end, relayed by the process")
    paused_at = run.snapshot().step
    time.sleep(1.5)
    assert run.snapshot().step == paused_at and run.state is RunState.PAUSED
    run.resume()
    wait(lambda: run.snapshot().step > paused_at + 10, what="training again")

    snap = run.stop(wait=60)
    assert snap.state is RunState.STOPPED and "checkpoint saved" in snap.message
    assert snap.checkpoint_steps[-1] == snap.step
    assert run.store.read_status()["state"] == "stopped"
    wait(lambda: not alive(pid), timeout=30, what="the process to exit")
    assert not is_being_trained(run.store.dir)


def test_a_process_that_dies_leaves_its_run_interrupted_and_the_others_training(registry: RunRegistry) -> None:
    """A crash (SIGSEGV) and a kill (SIGKILL), each of one run's process, side by side with a third run."""
    signals = {"a": signal.SIGSEGV, "b": signal.SIGKILL}
    doomed = {name: registry.open(name, quick_config()) for name in signals}
    other = registry.open("c", quick_config())
    for name in ("a", "b", "c"):
        registry.start(name)
    wait(lambda: all(run.snapshot().checkpoint_steps for run in doomed.values()) and other.snapshot().step > 5,
         what="all three training")  # fmt: skip
    for name, sig in signals.items():
        os.kill(doomed[name].child_pid, sig)
    for name, sig in signals.items():
        run = doomed[name]
        wait(lambda run=run: run.state is RunState.INTERRUPTED, timeout=30, what=f"run {name} to read interrupted")
        snap = run.snapshot()
        assert f"process ended (signal {sig.name})" in snap.message and "Continue training resumes" in snap.message
        assert run.store.read_status()["state"] == "interrupted"
    steps = other.snapshot().step
    wait(lambda: other.snapshot().step > steps + 10, what="the other run to go on")  # untouched
    assert other.state is RunState.RUNNING

    checkpoint = doomed["a"].snapshot().checkpoint_steps[-1]
    registry.continue_run("a")
    resumed = registry.get("a")
    assert resumed is not doomed["a"] and resumed.state is RunState.RUNNING
    wait(lambda: resumed.snapshot().step > checkpoint + 5, what="the resumed run")
    assert resumed.snapshot().history["step"][0] == 1  # its curve from the start, trimmed to the checkpoint


SERVER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
sys.path.insert(0, {tests!r})
from test_training_processes import quick_config
from gan_core.runs.child import TrainingProcesses
from gan_core.runs.registry import RunRegistry
registry = RunRegistry(Path({runs!r}), processes=TrainingProcesses(0, keep_warm=False, compile_ahead=False))
run = registry.open("a", quick_config())
registry.start("a")
while run.snapshot().step < 5:
    time.sleep(0.05)
print(run.child_pid, flush=True)
time.sleep(600)
"""


def test_a_server_that_dies_takes_its_training_processes_with_it(tmp_path: Path) -> None:
    code = SERVER.format(repo=str(REPO), tests=str(REPO / "tests"), runs=str(tmp_path / "runs"))
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        pid = int(server.stdout.readline())
        assert alive(pid)
        server.kill()  # no goodbye: the kernel closes its socket; the process reads EOF, saves and ends
        server.wait()
        wait(lambda: not alive(pid), timeout=60, what="the orphan to end")
        assert not is_being_trained(tmp_path / "runs" / "a")  # no orphan keeps the run's lock
    finally:
        server.kill()


def test_a_warm_process_started_by_an_ended_run_trains_the_next_one(tmp_path: Path) -> None:
    """The warm process for the next Start is started by the previous run's supervising thread; it must not die
    with that thread (prctl's parent-death signal follows the starting thread, so the socket is the tie instead)."""
    processes = TrainingProcesses(0, keep_warm=True, compile_ahead=False)  # warm: imported, not compiled
    registry = RunRegistry(tmp_path / "runs", processes=processes)
    try:
        first = registry.open("a", quick_config())
        registry.start("a")
        wait(lambda: first.snapshot().step > 2, what="the first run")
        first.stop(wait=60)
        assert first.join(10)  # its supervising thread has ended
        second = registry.open("b", quick_config())
        registry.start("b")
        wait(lambda: second.snapshot().step > 10, what="the second run, in the process the first one warmed")
        assert second.state is RunState.RUNNING
        second.stop(wait=60)
        assert second.state is RunState.STOPPED and "checkpoint saved" in second.snapshot().message
    finally:
        processes.close()


def test_the_start_bench_times_a_warm_process_to_the_runs_first_step(tmp_path: Path) -> None:
    """bench.train_start's figure (Start -> first logged step in a warm child) is of a real run that trained and
    stopped; a figure, not a timing goal (those live in the bench)."""
    from bench.train_start import first_step_seconds

    processes = TrainingProcesses(0, keep_warm=False)
    try:
        seconds = first_step_seconds(tmp_path, "warm", processes, warm=True, recipe="tutorial")
    finally:
        processes.close()
    assert seconds > 0  # how fast: the bench's business
    status = json.loads((tmp_path / "warm" / "status.json").read_text())
    assert status["state"] == "stopped" and status["step"] >= 1
    assert not is_being_trained(tmp_path / "warm")  # the process let go of the folder


def test_only_a_warm_process_compiles_ahead_one_started_for_a_waiting_run_goes_straight_to_it() -> None:
    processes = TrainingProcesses(0, keep_warm=False)  # compiling ahead, as the app's
    taken = []
    try:
        taken.append(processes.take())  # none warm: started at the click, a run waits for it
        processes.warm_up()
        taken.append(processes.take())  # the warm one, started before any click
        assert [process.process.args[-1] for process in taken] == ["cold", "compile"]
    finally:
        for process in taken:
            process.kill()
            process.process.wait(30)
        processes.close()


def test_a_training_process_runs_at_a_lower_priority_than_its_server() -> None:
    """Visitors first, by the OS: the process lowers its own priority as its first act, before TensorFlow loads."""
    from gan_core.runs.child import TrainingProcess

    process = TrainingProcess(NICENESS, compile_ahead=False)
    try:
        own = os.getpriority(os.PRIO_PROCESS, 0)
        wait(lambda: os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, own + NICENESS), timeout=120,
             what="the process to lower its priority")  # fmt: skip
    finally:
        process.kill()
        process.process.wait(30)


def test_a_warm_process_whose_server_has_gone_ends_quietly() -> None:
    """Issue 36.6: a warm training process whose server had already gone printed a BrokenPipeError traceback from
    its first `conn.send(("ready", ...))`."""
    import socket

    ours, theirs = socket.socketpair()
    ours.close()  # the server has gone before the process says it is ready
    code = ("import sys, gan_core.runs.worker as w; w.prepare = lambda niceness, compile_ahead: None; "
            "w.main(int(sys.argv[1]), 0)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, str(theirs.fileno())], cwd=REPO, pass_fds=(theirs.fileno(),),
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    theirs.close()
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
