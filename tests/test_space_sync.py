"""Issue 38.4: a Space that keeps its class's runs in a Hub dataset repo, against the loopback stand-in
(tests/hub_standin.py); the real huggingface_hub (its CommitScheduler) does the talking."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import huggingface_hub  # noqa: F401 (imported here, its log handler writes to the session's stderr)
import pytest
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config
from hub_standin import WRITE, HubStandIn, point_huggingface_hub_at

from gan_core.errors import PlaygroundError
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.sharing.space_sync import RunSync, mirror_runs, sync_settings

WRITER = "hf_space_secret_0123456789"
DATASET = "alice/class-runs"


def _finished_run(runs: Path, name: str) -> Path:
    folder = run_dir(runs.parent, name) if runs.name == "runs" else runs / name
    run = TrainingRun(folder, tiny_run_config(epochs=1), data_loader=synthetic_loader)
    run.start()
    assert run.join(120) and run.state is RunState.FINISHED
    return folder


def _stopped_run(runs: Path, name: str) -> Path:
    """A run started, trained a few steps and stopped (with its checkpoint), as a student's Stop leaves it."""
    run = TrainingRun(runs / name, tiny_run_config(epochs=500), data_loader=synthetic_loader)
    run.start()
    _wait(lambda: run.snapshot().step >= 3, "a few steps")
    assert run.stop(wait=60).state is RunState.STOPPED
    return run.store.dir


def _files_but_locks(run: Path) -> list[str]:
    """A run folder's files, less the lock files each machine makes for itself."""
    locks = (".writer.json", ".writer.lock", ".lock")
    return sorted(p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file() and p.name not in locks)


def _wait(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def hub(tmp_path, monkeypatch):
    standin = HubStandIn(tmp_path / "hub", tokens={WRITER: ("alice", WRITE)}).start()
    point_huggingface_hub_at(standin, monkeypatch, tmp_path)
    monkeypatch.setenv("HF_TOKEN", WRITER)
    yield standin
    standin.stop()


def test_the_settings_are_checked_in_one_sentence() -> None:
    assert sync_settings({}) is None  # off: nothing changes for a server without it
    assert sync_settings({"GAN_PLAYGROUND_HUB_SYNC": "alice/runs"}) == ("alice/runs", 5.0)
    for repo, minutes, said in [("no-slash", "5", "is not a Hub repo name: use user/name"),
                                ("a/b", "-1", "between 0 and 1440"), ("a/b", "soon", "between 0 and 1440")]:
        with pytest.raises(PlaygroundError, match=said):
            sync_settings({"GAN_PLAYGROUND_HUB_SYNC": repo, "GAN_PLAYGROUND_HUB_SYNC_MINUTES": minutes})


def test_only_runs_that_ended_are_mirrored_and_locks_stay_behind(tmp_path) -> None:
    runs = tmp_path / "runs"
    done = _finished_run(runs, "done")
    (done / ".writer.json").write_text("{}")
    busy = runs / "busy"
    busy.mkdir()
    (busy / "status.json").write_text('{"state": "running", "step": 3}')
    staging = tmp_path / "staging"
    assert mirror_runs(runs, staging) == ["done"]
    assert (staging / "done" / "config.json").is_file() and not (staging / "done" / ".writer.json").exists()
    assert not (staging / "busy").exists()
    before = {p: p.stat().st_mtime_ns for p in staging.rglob("*") if p.is_file()}
    assert mirror_runs(runs, staging) == ["done"]
    assert {p: p.stat().st_mtime_ns for p in staging.rglob("*") if p.is_file()} == before  # unchanged: not copied


def test_a_run_still_saving_waits_for_the_next_sync_and_no_half_written_file_leaves(tmp_path) -> None:
    """A Space restart once brought back `.generator.weights.h5.tmp.weights.h5`: the sync had copied a run whose
    status already said stopped while its process was still writing its last files."""
    from filelock import FileLock

    from gan_core.runs.writer_lock import LOCK_FILE

    runs = tmp_path / "runs"
    done = _finished_run(runs, "done")
    (done / ".generator.weights.h5.tmp.weights.h5").write_bytes(b"half")  # an atomic write under way
    (done / ".metrics.jsonl.x1y2.tmp").write_bytes(b"half")
    staging = tmp_path / "staging"
    holder = FileLock(done / LOCK_FILE, timeout=0, thread_local=False)
    holder.acquire()  # its writer has not let go yet
    try:
        assert mirror_runs(runs, staging) == [] and not (staging / "done").exists()
    finally:
        holder.release()
    assert mirror_runs(runs, staging) == ["done"]
    copied = sorted(p.name for p in (staging / "done").iterdir())
    assert "config.json" in copied and not [name for name in copied if name.startswith(".")], copied


def test_a_sync_that_fails_keeps_the_run_says_so_and_the_next_one_catches_up(hub, tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace

    from huggingface_hub.utils import _http

    waits: list[float] = []  # huggingface_hub's retries wait on a clock this test holds (23 s of sleep otherwise)
    monkeypatch.setattr(_http, "time", SimpleNamespace(sleep=waits.append))
    runs = tmp_path / "workspace" / "runs"
    _finished_run(runs, "first")
    sync = RunSync(DATASET, runs, minutes=60, log=lambda _: None)
    sync.start()
    _wait(lambda: sync._scheduler is not None, "the scheduler")
    sync.sync_now().result(timeout=120)
    assert "runs/first/config.json" in hub.files("dataset", DATASET)
    assert hub.meta("dataset", DATASET)["private"] and sync.status().ok

    second = _finished_run(runs, "second")
    hub.stop()  # the Hub unreachable in the middle of the class
    with pytest.raises(Exception):  # noqa: B017 (whatever the network raised; said in the status below)
        sync.sync_now().result(timeout=120)
    assert waits  # the library retried before it gave up
    status = sync.status()
    assert not status.ok and "cannot be reached" in status.text and "the next sync catches up" in status.text
    assert WRITER not in status.text
    assert (second / "config.json").is_file() and (second / "samples").is_dir()  # nothing deleted locally
    hub.start()
    sync.sync_now().result(timeout=120)
    assert "runs/second/config.json" in hub.files("dataset", DATASET) and sync.status().ok
    sync.stop()


def test_a_space_restart_brings_its_runs_back_before_the_first_visitor(hub, tmp_path) -> None:
    """Hosted server with sync on; a run ends; the server ends; its workspace and cache are emptied (a new
    container); it starts again: the run is there when the first page is served, in the Classroom gallery."""
    from bench.live_server import start_server, stop_server

    workspace = tmp_path / "workspace"
    env = {"GAN_PLAYGROUND_HOSTED": "1", "GAN_PLAYGROUND_HOME": str(workspace), "GAN_PLAYGROUND_OFFLINE": "1",
           "HF_ENDPOINT": hub.url, "HF_TOKEN": WRITER, "HF_HUB_CACHE": str(tmp_path / "cache-1"),
           "GAN_PLAYGROUND_HUB_SYNC": DATASET, "GAN_PLAYGROUND_HUB_SYNC_MINUTES": "0.02",
           "KERAS_HOME": str(tmp_path / "keras")}  # fmt: skip
    proc, _ = start_server(env, tmp_path / "first.log", timeout=180, launcher=True)
    try:
        _stopped_run(workspace / "runs", "lesson-1")  # trained and stopped in this server's workspace
        _wait(lambda: "runs/lesson-1/samples" in " ".join(hub.files("dataset", DATASET)), "the scheduled commit")
        _wait(lambda: "runs/lesson-1/status.json" in hub.files("dataset", DATASET), "the whole run")
    finally:
        stop_server(proc)
    ended = workspace / "runs" / "lesson-1"
    kept = _files_but_locks(ended)
    shutil.rmtree(workspace)
    env["HF_HUB_CACHE"] = str(tmp_path / "cache-2")  # a rebuilt container has no cache either
    started = time.monotonic()
    proc, _ = start_server(env, tmp_path / "second.log", timeout=180, launcher=True)
    try:
        answered = time.monotonic() - started
        restored = workspace / "runs" / "lesson-1"
        assert restored.is_dir(), (tmp_path / "second.log").read_text()[-2000:]  # before the first page answered
        assert _files_but_locks(restored) == kept  # and no half-written file
        print(f"restart to first answer, run restored: {answered:.1f} s")
    finally:
        stop_server(proc)
    assert "hub sync: restored 1 runs" in (tmp_path / "second.log").read_text()
    _gallery_shows(workspace, "lesson-1")


def _gallery_shows(workspace: Path, name: str) -> None:
    import streamlit as st
    from conftest import REPO
    from streamlit.testing.v1 import AppTest

    before = os.environ.get("GAN_PLAYGROUND_HOME")
    os.environ["GAN_PLAYGROUND_HOME"] = str(workspace)
    try:
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
        at.switch_page("pages/classroom.py").run()
        assert not at.exception
        assert any(name in m.value for m in [*at.markdown, *at.subheader]), "the run is not in the gallery"
        assert at.get("image") and at.get("plotly_chart")  # its grid and its curves
    finally:
        if before is None:
            os.environ.pop("GAN_PLAYGROUND_HOME", None)
        else:
            os.environ["GAN_PLAYGROUND_HOME"] = before
        st.cache_resource.clear()
