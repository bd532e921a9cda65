"""One writer per run folder: a second trainer (thread or process) is refused at once with the holder named,
a lock left by a killed process is taken over, and readers never need it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import REPO
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config

from gan_core.cli import main
from gan_core.errors import PlaygroundError
from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import TrainingRun
from gan_core.runs.store import RunStore
from gan_core.runs.writer_lock import RunLockedError, RunWriterLock, is_being_trained


def test_a_second_trainer_thread_is_refused_until_the_first_ends(tmp_path) -> None:
    folder = run_dir(tmp_path)
    first = TrainingRun(folder, tiny_run_config(epochs=3), data_loader=synthetic_loader)
    second = TrainingRun(folder, data_loader=synthetic_loader)  # the same folder, another object (another page)
    first.start()
    with pytest.raises(RunLockedError) as refused:
        second.start()
    assert f"is being trained by process {os.getpid()} on {socket.gethostname()} since" in str(refused.value)
    assert is_being_trained(folder)
    assert first.join(120) and first.state.value == "finished"
    steps = [row["step"] for row in RunStore(folder).read_metrics()]
    assert steps == sorted(set(steps))  # one writer: no interleaved, repeated rows
    assert not is_being_trained(folder)
    second.start()  # the folder is free again: the other object trains it on
    assert second.join(120) and second.state.value == "finished"


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    from gan_core.runs.writer_lock import RunWriterLock
    lock = RunWriterLock(Path({folder!r}))  # kept: a collected lock object lets go
    lock.acquire()
    print("holding", flush=True)
    time.sleep(600)
    """
)


def test_another_process_holds_the_run_then_is_killed_and_the_lock_is_taken_over(tmp_path, capsys) -> None:
    folder = run_dir(tmp_path)
    RunStore(folder).write_config(tiny_run_config(epochs=1))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.format(repo=str(REPO), folder=str(folder))],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert main(["train", "--out", str(folder)]) == 1  # the CLI on a folder the other process trains
        err = capsys.readouterr().err
        assert f"is being trained by process {holder.pid} on {socket.gethostname()} since" in err
        assert "Traceback" not in err
        assert RunStore(folder).read_metrics() == [] and not RunStore(folder).read_status()  # nothing written
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # kill -9: no clean-up runs in the holder
        holder.wait(10)
    assert (folder / ".writer.json").is_file()  # its note is left behind...
    lock = RunWriterLock(folder)
    lock.acquire()  # ...but the OS dropped its lock: taken over at once
    assert f'"pid": {os.getpid()}' in (folder / ".writer.json").read_text()
    lock.release()


def test_continue_in_the_app_refuses_a_run_another_process_trains(tmp_path) -> None:
    runs = tmp_path / "runs"
    registry = RunRegistry(runs, run_factory=lambda d, c, **kw: TrainingRun(d, c, data_loader=synthetic_loader, **kw))
    folder = runs / "shared"
    RunStore(folder).write_config(tiny_run_config(epochs=1))
    RunStore(folder).write_status("finished", 8, "finished 1 epoch")
    other = RunWriterLock(folder)
    other.acquire()
    try:
        before = (folder / "config.json").read_text()
        with pytest.raises(PlaygroundError, match="is being trained by process"):
            registry.continue_run("shared")
        assert (folder / "config.json").read_text() == before  # refused before anything was written
    finally:
        other.release()


def test_readers_never_need_the_lock(tmp_path) -> None:
    from gan_core.runs.sampler import RunSampler

    folder = run_dir(tmp_path)
    run = TrainingRun(folder, tiny_run_config(epochs=1), data_loader=synthetic_loader)
    run.start()
    assert run.join(120)
    lock = RunWriterLock(folder)
    lock.acquire()  # someone trains it on...
    try:
        images = RunSampler(folder).sample(4, seed=0)  # ...and it can still be sampled and listed
        assert images.shape[0] == 4 and images.dtype == np.uint8
        assert RunStore(folder).summary().step > 0
    finally:
        lock.release()


def test_a_queued_run_whose_folder_another_writer_took_is_refused_when_its_turn_comes(tmp_path) -> None:
    runs = tmp_path / "runs"
    def factory(d, c, **kw):
        return TrainingRun(d, c, data_loader=synthetic_loader, **kw)

    registry = RunRegistry(runs, max_concurrent=1, run_factory=factory)
    registry.open("a", tiny_run_config(epochs=1000))
    registry.open("b", tiny_run_config(epochs=1))
    registry.start("a")
    registry.start("b")  # queued behind a
    other = RunWriterLock(runs / "b")
    other.acquire()  # meanwhile the CLI trains b
    try:
        status_before = (runs / "b" / "status.json").read_text()
        registry.get("a").stop()
        b = registry.get("b")
        assert b.state.value == "stopped" and b.snapshot().message.startswith("not started:")
        assert "is being trained by process" in b.snapshot().message
        assert (runs / "b" / "status.json").read_text() == status_before  # the other writer's folder, untouched
    finally:
        other.release()
