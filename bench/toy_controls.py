"""How long Inside a GAN's Pause, Resume and Stop take to show, in a real browser, while a toy run trains.

    .venv/bin/python -m bench.toy_controls --rounds 5

Each round: Train (a new ring run), wait until it trains, then Pause, Resume and Stop, timing each from the click
to the status line naming the new state (the button's own effect, as a student sees it); "saved" is Stop's
click to "checkpoint saved" on the page. The server runs on CPU 0
and Chromium on CPU 1 (taskset), so the browser does not take the page's CPU. Prints each round and the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.live_server import launch_chromium, start_server, stop_server
from bench.watching import _cpu_model

STATUS = "[data-testid='stMarkdownContainer'] strong"


def _time_click(page, label: str, state: str, timeout: float = 30.0) -> float:
    """Seconds from clicking `label` until the status line's first bold word reads `state`."""
    button = page.get_by_role("button", name=label, exact=True)
    button.wait_for(state="visible")
    page.wait_for_function(f"() => !Array.from(document.querySelectorAll('button')).find("
                           f"b => b.innerText.trim() === {label!r}).disabled", timeout=timeout * 1000)  # fmt: skip
    started = time.monotonic()
    button.click()
    page.wait_for_function(
        f"() => Array.from(document.querySelectorAll({STATUS!r})).some(s => s.innerText.trim() === {state!r})",
        timeout=timeout * 1000, polling=20)  # fmt: skip
    return time.monotonic() - started


def measure(rounds: int, viewport: dict[str, int]) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="controls-"))
    env = {"GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": str(home / "workspace"),
           "KERAS_HOME": str(home / "keras")}  # fmt: skip
    proc, url = start_server(env, log=home / "streamlit.log", cpus="0")
    results = []
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p, cpus="1")
            page = browser.new_context(viewport=viewport).new_page()
            for index in range(rounds):
                page.goto(f"{url}/inside")
                page.get_by_role("button", name="Train", exact=True).click()
                page.get_by_text("steps/s").first.wait_for(timeout=120_000)  # training, and drawn
                page.wait_for_timeout(2_000)
                row = {"pause": _time_click(page, "Pause", "paused"),
                       "resume": _time_click(page, "Resume", "running")}  # fmt: skip
                page.wait_for_timeout(1_000)
                started = time.monotonic()
                row["stop"] = _time_click(page, "Stop", "stopped")
                page.get_by_text("checkpoint saved").first.wait_for(timeout=60_000)
                row["saved"] = time.monotonic() - started  # the thread's last checkpoint written, and shown
                results.append(row)
                print(f"round {index + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in row.items()), flush=True)
            browser.close()
    finally:
        stop_server(proc)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"CPU: {_cpu_model()}, {len(os.sched_getaffinity(0))} cores; server on CPU 0, Chromium on CPU 1")
    rows = measure(args.rounds, {"width": 1280, "height": 800})
    for key in ("pause", "resume", "stop", "saved"):
        values = [r[key] for r in rows]
        print(f"{key}: median {statistics.median(values):.2f} s, worst {max(values):.2f} s over {len(values)} rounds")


if __name__ == "__main__":
    main()
