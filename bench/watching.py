"""What watching costs a run: the same training run with the Train page open in a browser, and with no page open.

    python -m bench.watching [--phase-seconds 45] [--rounds 2]

The server (training included) runs on CPU 0 and Chromium on CPU 1 (`taskset`), so the browser's own drawing
cannot take the run's CPU: what changes between the phases is only the server's work for a watcher (its
script and fragment runs, charts, images, websocket). The run trains MNIST with the Trainer's defaults. Phases
alternate, watched then unwatched, after a warm-up; each phase's training speed comes from the run's own metric
log (the server's clock: steps whose wall-clock stamp falls in the phase), beside the server's CPU seconds and,
while watched, how often the page's step counter changed (the live view's update rate).

Goal (issue 13): a person watching costs the run at most 10% of its images/s, with the view updating every
second or two.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench.live_server import REPO, launch_chromium, start_server, stop_server

SERVER_CPUS, CLIENT_CPUS = "0", "1"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its threads (/proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def _prepare_run(workspace: Path, name: str) -> int:
    """An idle MNIST run with the Trainer's defaults and epochs enough for the whole bench; returns its batch."""
    from gan_core.data import load_dataset
    from gan_core.runs.run import TrainingRun
    from gan_core.settings import Settings
    from gan_core.training.presets import default_run_config

    settings = Settings(workspace=workspace, keras_home=workspace / "keras", offline=True)
    data = load_dataset("mnist", source="bundled", settings=settings)
    config = default_run_config(data.info, epochs=200, checkpoint_every=200, train_count=data.train_count)
    TrainingRun(settings.runs_dir / name, config)
    return config.train.batch_size


def _steps_in(rows: list[dict], start: float, end: float) -> int:
    return sum(1 for r in rows if start <= r.get("time", 0.0) < end)


def _watch(page, seconds: float) -> int:
    """Keep the page open for `seconds`; count how often its step counter changed (live updates)."""
    changes, last, end = 0, None, time.monotonic() + seconds
    while time.monotonic() < end:
        text = page.evaluate("() => (/step ([0-9,]+) of/.exec(document.body.innerText) || [])[1] || ''")
        if text and text != last:
            changes += last is not None
            last = text
        page.wait_for_timeout(250)
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase-seconds", type=float, default=45.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup-seconds", type=float, default=40.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="bench-watching-"))
    name = "watched"
    batch = _prepare_run(home / "workspace", name)
    env = {"GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": str(home / "workspace"),
           "KERAS_HOME": str(home / "keras")}  # fmt: skip
    proc, url = start_server(env, home / "streamlit.log", cpus=SERVER_CPUS)
    phases: list[dict] = []
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p, cpus=CLIENT_CPUS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{url}/train?run={name}")
            page.get_by_role("button", name="Continue training").click()
            page.get_by_text("Losses").first.wait_for(timeout=300_000)
            page.wait_for_timeout(args.warmup_seconds * 1000)
            for round_ in range(args.rounds):
                for watched in (True, False):
                    if watched:
                        page.goto(f"{url}/train?run={name}")
                        page.get_by_text("Losses").first.wait_for(timeout=120_000)
                    else:
                        page.goto("about:blank")  # the session leaves; the run trains on (no reaping off a Space)
                    page.wait_for_timeout(3000)  # settle: the page's first full run, or the session's end
                    cpu0, t0 = _cpu_seconds(proc.pid), time.time()
                    updates = _watch(page, args.phase_seconds) if watched else 0
                    if not watched:
                        page.wait_for_timeout(args.phase_seconds * 1000)
                    t1, cpu1 = time.time(), _cpu_seconds(proc.pid)
                    phases.append({"round": round_ + 1, "watched": watched, "start": t0, "end": t1,
                                   "server_cpu_s": cpu1 - cpu0, "updates": updates})  # fmt: skip
            page.goto(f"{url}/train?run={name}")
            page.get_by_role("button", name="Stop").click()
            page.get_by_text("checkpoint saved").first.wait_for(timeout=120_000)
            browser.close()
    finally:
        stop_server(proc)
    rows = [json.loads(line) for line in (home / "workspace" / "runs" / name / "metrics.jsonl").read_text().splitlines()
            if line.strip()]  # fmt: skip
    print(f"CPU: {_cpu_model()} · server on CPU {SERVER_CPUS}, Chromium on CPU {CLIENT_CPUS} · batch {batch}")
    print(f"{'phase':<22} {'img/s (server log)':>18} {'server CPU s/s':>15} {'view updates/s':>15}")
    speeds: dict[bool, list[float]] = {True: [], False: []}
    for ph in phases:
        seconds = ph["end"] - ph["start"]
        ips = _steps_in(rows, ph["start"], ph["end"]) * batch / seconds
        speeds[ph["watched"]].append(ips)
        label = f"round {ph['round']}, {'watched' if ph['watched'] else 'no page'}"
        rate = f"{ph['updates'] / seconds:.2f}" if ph["watched"] else "—"
        print(f"{label:<22} {ips:>18.1f} {ph['server_cpu_s'] / seconds:>15.2f} {rate:>15}")
    watched, alone = statistics.mean(speeds[True]), statistics.mean(speeds[False])
    cost = 1 - watched / alone
    print(f"\nwatched {watched:.1f} img/s, no page {alone:.1f} img/s: watching costs {cost:.1%} "
          f"({'meets' if cost <= 0.10 else 'misses'} the goal of at most 10%)")  # fmt: skip
    print(f"(repo {REPO.name}; raw log in {home})")


if __name__ == "__main__":
    main()
