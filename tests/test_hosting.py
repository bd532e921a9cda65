"""Hosted mode and restart safety: limits from one setting, the run registry's watchdog, interrupted runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from gan_fixtures import StepClock, run_dir, synthetic_loader, tiny_run_config

from gan_core.data.import_limits import ImportLimits
from gan_core.errors import PlaygroundError
from gan_core.explore.choices import model_choices
from gan_core.explore.pipeline import interpolation, sample_grid
from gan_core.explore.samplers import TooManySamplesError
from gan_core.limits import HOSTED, LOCAL
from gan_core.runs.classroom import PinBoard, demo_moments, gallery, moment_picture
from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.settings import Settings


def test_one_setting_switches_every_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAN_PLAYGROUND_HOSTED", raising=False)
    assert Settings.from_env().limits == LOCAL and not Settings.from_env().hosted
    monkeypatch.setenv("GAN_PLAYGROUND_HOSTED", "1")
    hosted = Settings.from_env()
    assert hosted.hosted and hosted.limits == HOSTED
    assert hosted.limits.max_samples < LOCAL.max_samples and hosted.limits.orphan_grace_s > 0
    imports = ImportLimits.for_server(hosted.limits.upload_mb, hosted.limits.upload_images)
    assert imports.max_files == HOSTED.upload_images
    monkeypatch.setenv("GAN_PLAYGROUND_MAX_RUNS", "3")
    assert Settings.from_env().max_concurrent_runs == 3


def test_a_hosted_box_computing_in_bfloat16_draws_16_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from gan_core.limits import HOSTED_BFLOAT16
    from gan_core.models.precision import choose_precision

    monkeypatch.setenv("GAN_PLAYGROUND_HOSTED", "1")
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "bfloat16")
    expected = HOSTED_BFLOAT16 if choose_precision().is_bfloat16 else HOSTED  # a CPU without AVX-512: float32
    assert Settings.from_env().limits == expected
    assert HOSTED_BFLOAT16.max_samples == 16 > HOSTED.max_samples
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "float32")
    assert Settings.from_env().limits == HOSTED
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "fp4")  # said by the sidebar; the float32 caps meanwhile
    assert Settings.from_env().limits == HOSTED


def test_hosted_explorer_caps_samples_steps_and_heavy_models() -> None:
    light = [c.key for c in model_choices(None, heavy_hub_models=False) if c.kind == "hub"]
    heavy = [c.key for c in model_choices(None) if c.kind == "hub"]
    assert light == ["biggan-deep-128", "progan-128"] and {"biggan-deep-256", "biggan-deep-512"} <= set(heavy)
    sampler = _shipped_sampler()
    assert len(sample_grid(sampler, [1], HOSTED.max_samples, 0.5, 0, HOSTED.max_samples)) == HOSTED.max_samples
    with pytest.raises(TooManySamplesError, match=f"at most {HOSTED.max_samples} per request"):
        sample_grid(sampler, [1], HOSTED.max_samples + 1, 0.5, 0, HOSTED.max_samples)
    with pytest.raises(ValueError, match=f"between 2 and {HOSTED.max_interpolation_steps}"):
        steps = HOSTED.max_interpolation_steps
        interpolation(sampler, 0, 1, steps + 1, 0.5, 0, max_steps=steps)


def _shipped_sampler():
    from gan_core.explore.choices import open_choice

    choice = next(c for c in model_choices(None) if c.key == "fashion-mnist")
    return open_choice(choice, offline=True)


def test_a_server_refuses_runs_longer_than_it_allows(tmp_path: Path) -> None:
    registry = RunRegistry(tmp_path / "runs", max_epochs=5)
    with pytest.raises(PlaygroundError, match="6 epochs is more than this server allows \\(5\\)"):
        registry.open("long", tiny_run_config(epochs=6))
    assert not (tmp_path / "runs" / "long").exists()


def test_a_start_trains_at_most_the_time_limit_then_stops_with_a_checkpoint(tmp_path: Path) -> None:
    run = TrainingRun(run_dir(tmp_path), tiny_run_config(epochs=10_000, checkpoint_every=10_000),
                      data_loader=synthetic_loader, time_limit_s=2.0, clock=StepClock(0.25))  # fmt: skip
    run.start()
    assert run.join(120)
    snap = run.snapshot()
    assert snap.state is RunState.STOPPED
    assert "limit of" in snap.message and "checkpoint saved" in snap.message
    assert snap.step > 0 and run.store.checkpoint_steps()[-1] == snap.step  # saved where it stopped
    assert run.store.read_metrics()[-1]["seconds"] == 2.0 and snap.step == 8  # 0.25 s a step on the test's clock


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_watchdog_stops_runs_whose_session_left_after_the_grace_period(tmp_path: Path) -> None:
    alive = {"alice": True, "bob": True}
    clock = Clock()

    def factory(path, config, on_end):
        return TrainingRun(path, config, data_loader=synthetic_loader, on_end=on_end)

    registry = RunRegistry(tmp_path / "runs", max_concurrent=2, run_factory=factory, orphan_grace_s=60,
                           is_owner_alive=lambda owner: alive.get(owner, False), clock=clock)  # fmt: skip
    for name, owner in (("a", "alice"), ("b", "bob")):
        registry.open(name, tiny_run_config(epochs=10_000, checkpoint_every=10_000), owner=owner)
        registry.start(name)
    for name in ("a", "b"):
        wait_for(lambda name=name: registry.get(name).snapshot().step > 2)
    alive["alice"] = alive["bob"] = False  # both tabs closed
    assert registry.reap() == []  # the grace period starts now
    clock.now = 30.0
    registry.claim("b", "bob-reloaded")  # bob reloaded within the grace period: a new session owns it
    alive["bob-reloaded"] = True
    clock.now = 61.0
    assert registry.reap() == ["a"]
    a = registry.get("a")
    assert a.state is RunState.STOPPED and "browser session left" in a.snapshot().message
    assert a.store.checkpoint_steps() and a.store.checkpoint_steps()[-1] == a.snapshot().step  # nothing lost
    assert registry.get("b").state is RunState.RUNNING and registry.owner_of("b") == "bob-reloaded"
    assert json.loads((tmp_path / "runs" / "a" / "status.json").read_text())["state"] == "stopped"
    registry.get("b").stop()


def test_a_run_whose_server_died_mid_training_is_listed_as_interrupted_and_resumes(tmp_path: Path) -> None:
    folder = run_dir(tmp_path)
    run = TrainingRun(folder, tiny_run_config(epochs=3), data_loader=synthetic_loader)
    run.start()
    assert run.join(120) and run.state is RunState.FINISHED
    kept = run.store.checkpoint_steps()[-1]
    run.store.write_status("running", kept + 3, "training")  # as a killed server leaves it: 3 steps unsaved
    (card,) = gallery(folder.parent)
    assert card.state == "interrupted"
    again = TrainingRun(folder, data_loader=synthetic_loader)
    assert again.snapshot().message == (
        f"interrupted at step {kept + 3}: the server stopped while it trained. "
        f"Continue training resumes from its last checkpoint (step {kept})."
    )
    registry = RunRegistry(folder.parent, run_factory=lambda p, c, on_end: TrainingRun(
        p, tiny_run_config(epochs=4), data_loader=synthetic_loader, on_end=on_end))  # fmt: skip
    resumed = registry.open(folder.name, owner="teacher")
    registry.start(folder.name)
    assert resumed.join(120) and resumed.state is RunState.FINISHED
    steps = [r["step"] for r in resumed.store.read_metrics()]
    assert steps == list(range(1, steps[-1] + 1)) and steps[-1] > kept  # continued from the checkpoint, no gap


def test_the_pin_board_survives_a_restart_and_demo_moments_follow_what_is_shipped(tmp_path: Path) -> None:
    board = PinBoard(tmp_path / "classroom.json")
    assert board.pinned() is None
    board.pin("alice-digits")
    assert PinBoard(tmp_path / "classroom.json").pinned() == "alice-digits"
    board.pin(None)
    assert board.pinned() is None
    (tmp_path / "classroom.json").write_text("{not json")
    assert board.pinned() is None
    titles = [m.title for m in demo_moments(["demo-mnist-dcgan", "cgan-fashion-mnist"], ["biggan-deep-128"])]
    assert len(titles) == 4
    offline = demo_moments(["demo-mnist-dcgan", "cgan-fashion-mnist"], [])
    assert all(m.params.get("model", "").startswith("biggan") is False for m in offline) and len(offline) == 3
    assert offline[0].bundle == "demo-mnist-dcgan" and offline[0].params == {"run": "demo-mnist-dcgan"}
    online = demo_moments(["demo-mnist-dcgan", "cgan-fashion-mnist"], ["biggan-deep-128"])
    pictures = [moment_picture(m) for m in online]
    assert [p.parent.parent.name if p else None for p in pictures] == [
        "demo-mnist-dcgan", "cgan-fashion-mnist", "cgan-fashion-mnist", None]  # BigGAN ships no grid  # fmt: skip
    assert all(p is None for p in map(moment_picture, offline, [tmp_path] * 3))  # nothing shipped there


def test_the_space_files_agree_with_each_other() -> None:
    docker = (REPO / "Dockerfile").read_text()
    front = (REPO / "README.md").read_text().split("---", 2)[1]
    assert re.search(r"^sdk: docker$", front, re.M) and re.search(r"^app_port: 8501$", front, re.M)
    assert "--server.port=8501" in docker and "EXPOSE 8501" in docker
    assert 'CMD ["python", "scripts/serve.py",' in docker  # the launcher that warms the default model up
    assert re.search(r"^USER user$", docker, re.M) and "--uid 1000" in docker  # not root
    assert "-r requirements.txt" in docker and "GAN_PLAYGROUND_HOSTED=1" in docker
    assert "--server.enableXsrfProtection=false" in docker  # the Space's iframe needs it for uploads...
    config = (REPO / ".streamlit" / "config.toml").read_text()
    assert re.search(r"^enableXsrfProtection = true$", config, re.M)  # ...and nothing else turns it off
    assert str(HOSTED.upload_mb) in re.search(r"maxUploadSize=(\d+)", docker).group(1)


def test_the_space_bakes_in_its_downloads_with_the_tested_fetch_command() -> None:
    from gan_core.cli import build_parser
    from gan_core.downloads import resolve_items

    docker = (REPO / "Dockerfile").read_text()
    step = re.search(r"^RUN python -m gan_core (fetch [^\\\n]+)", docker, re.M)
    assert step, "the Dockerfile fetches at build time"
    args = build_parser().parse_args(step.group(1).split())  # the CLI's own parser accepts it
    kinds = {item.kind for item in resolve_items(args.items)}
    names = {item.name for item in resolve_items(args.items)}
    assert kinds == {"generator", "inception", "dataset"} and {"biggan-deep-128", "inception", "cifar10"} <= names
    assert "TFHUB_CACHE_DIR=/home/user/.cache/tfhub" in docker  # where the app will look for them


def test_gallery_cards_carry_grid_curves_and_metrics(tmp_path: Path) -> None:
    folder = run_dir(tmp_path, "alice")
    run = TrainingRun(folder, tiny_run_config(epochs=2), data_loader=synthetic_loader)
    run.start()
    assert run.join(120)
    run.store.append_eval({"step": 8, "fid": 12.5, "n": 64, "covered": 2, "num_classes": 2})
    (card,) = gallery(folder.parent)
    assert card.name == "alice" and card.state == "finished" and card.step == run.snapshot().step
    assert card.frame is not None and card.frame.dtype == np.uint8 and card.frame_step == card.step
    assert card.history["step"] == tuple(range(1, card.step + 1))
    assert card.fid == 12.5 and card.classes_covered == "2 / 2"
    assert "FID 12.5" in card.headline


def test_each_script_run_is_timed_on_the_servers_clock_when_asked(sandbox, monkeypatch) -> None:
    """GAN_PLAYGROUND_RUN_LOG: a line per script run (bench/load.py reads the server's own figures from it)."""

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    log = sandbox / "runs.jsonl"
    monkeypatch.setenv("GAN_PLAYGROUND_RUN_LOG", str(log))
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["page"] for r in rows] == ["home", "explore"]
    assert all(r["wall_s"] > 0 and r["cpu_s"] >= 0 and r["start"] > 1.7e9 for r in rows)
    assert rows[1]["wall_s"] >= rows[1]["cpu_s"] * 0.5
    monkeypatch.delenv("GAN_PLAYGROUND_RUN_LOG")
    st.cache_resource.clear()
    AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    assert len(log.read_text().splitlines()) == 2  # off unless asked


def test_the_housekeeping_thread_collects_on_its_period_until_stopped() -> None:
    """Streamlit's collection after every run is off (postScriptGC): this thread frees ended sessions instead."""
    from pages.ui.housekeeping import Housekeeping, start_housekeeping

    calls: list[float] = []
    keeper = Housekeeping(period_s=0.05, collect=lambda: calls.append(time.monotonic())).start()
    wait_for(lambda: len(calls) >= 3)
    keeper.stop()
    assert len(calls) >= 3 and not keeper.alive
    settled = len(calls)
    time.sleep(0.15)
    assert len(calls) == settled  # stopped means stopped
    assert start_housekeeping() is start_housekeeping()  # one per server
    assert start_housekeeping().alive


def test_housekeeping_hands_freed_heap_memory_back_to_the_os() -> None:
    """Issue 29: what a collection frees stays in glibc's heap, so a server's memory only rose; the trim returns it.
    In a fresh process: 200 MB of 4 KiB objects freed behind one that pins the heap's top, resident memory before
    and after the housekeeping's collection."""
    script = f"""
import re, sys
sys.path.insert(0, {str(REPO)!r})
from pages.ui.housekeeping import collect_and_trim
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
base = rss()
blocks = [bytearray(4096) for _ in range(50_000)]
pin = bytearray(4096)
del blocks
held = rss()
collect_and_trim()
print(held - base, rss() - base)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    held, after = map(float, out.stdout.split())
    assert held > 150  # freed, but still resident: glibc keeps it
    assert after < 0.25 * held


def test_a_server_keeps_a_training_process_warm_unless_told_not_to(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    from pages.ui.training import run_registry

    assert Settings.from_env().warm_training_process  # the default: a Start does not wait for TensorFlow
    monkeypatch.setenv("GAN_PLAYGROUND_TRAINING_PROCESSES", "1")
    monkeypatch.setenv("GAN_PLAYGROUND_WARM_PROCESS", "0")
    st.cache_resource.clear()
    try:
        processes = run_registry().processes
        assert processes is not None and not processes.keep_warm and processes._warm is None  # none started
    finally:
        st.cache_resource.clear()


def test_the_training_niceness_is_a_setting_with_a_range(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().training_niceness == 10  # visitors first
    monkeypatch.setenv("GAN_PLAYGROUND_TRAINING_NICENESS", "0")
    assert Settings.from_env().training_niceness == 0
    monkeypatch.setenv("GAN_PLAYGROUND_TRAINING_NICENESS", "25")
    with pytest.raises(ValueError, match="GAN_PLAYGROUND_TRAINING_NICENESS must be a whole number from 0 to 19"):
        Settings.from_env()
