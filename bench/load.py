"""Load test: many visitors on one hosted-mode server, each exploring, some starting training.

    python -m bench.load                    # 20 concurrent browser sessions, 5 of them also start a run
    python -m bench.load --sessions 6 --trainers 2 --rounds 2     # a smoke run

A real server (`streamlit run app.py`, GAN_PLAYGROUND_HOSTED=1, offline, a fresh workspace) on a loopback port,
and Debian's Chromium with one browser context per visitor. Each visitor opens the Explorer on the shipped
Fashion-MNIST model and re-rolls the noise seed `--rounds` times; the time from the click to the new grid on
screen is one sample. The same is measured first with a single visitor (the baseline, same server, same run).
Trainers also open the Train page and press Start: the hosted cap (one run at a time) must hold, with every
further run queued and its position shown. Prints p50/p95 under load against one visitor, session errors,
and the server's peak memory (VmHWM of its process).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.live_server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

CAPTION = re.compile(r"seed \d+ · truncation [\d.]+ · \d+ samples")
CAPTION_JS = r"/seed \d+ · truncation [\d.]+ · \d+ samples/"
STATE = re.compile(r"^(running|queued|paused|stopped|finished|failed|idle) · ")


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def exceptions(page) -> int:
    return await page.locator('[data-testid="stException"]').count()


async def explore(page, url: str, seed: int, rounds: int, in_app: bool) -> tuple[float, list[float]]:
    """Open the Explorer, then re-roll `rounds` times; returns first-load seconds and re-roll seconds.

    in_app: through the sidebar, in the same browser session (a new URL would end the session, and on a hosted
    server a run whose session has ended is stopped after the grace period)."""
    start = time.perf_counter()
    if in_app:
        await page.get_by_test_id("stSidebarNav").get_by_role("link", name="Explore").click()
    else:
        await page.goto(f"{url}/explore?model=fashion-mnist&classes=0,1,2,3,4,5,6,7,8,9&n=16&seed={seed}")
    await page.get_by_text(CAPTION).first.wait_for()
    first = time.perf_counter() - start
    times = []
    for _ in range(rounds):
        before = await page.get_by_text(CAPTION).first.inner_text()
        start = time.perf_counter()
        await page.get_by_role("button", name="Re-roll").click()
        await page.wait_for_function(
            f"(b) => {{ const m = document.body.innerText.match({CAPTION_JS}); return m && m[0] !== b; }}", arg=before
        )
        times.append(time.perf_counter() - start)
    return first, times


async def start_training(page, url: str, name: str) -> None:
    """Press Start on the Train page (the visitor then moves on to the Explorer: the run trains on)."""
    await page.goto(f"{url}/train")
    await page.get_by_role("button", name="Start training").wait_for()
    await page.get_by_label("Run name").fill(name)
    await page.get_by_label("Run name").press("Enter")
    await page.wait_for_timeout(500)
    await page.get_by_role("button", name="Start training").click()
    await page.get_by_text(STATE).first.wait_for()


async def training_state(page, url: str, name: str) -> str:
    """The run's status line, as its Train page shows it after the visitor comes back."""
    await page.goto(f"{url}/train?run={name}")
    return await page.get_by_text(STATE).first.inner_text()


async def visitor(browser, url: str, k: int, rounds: int, trains: bool, stagger: float = 0.0) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(600_000)  # 20 visitors and a training run share 2 cores: slow, but not an error
    context.set_default_navigation_timeout(600_000)
    await asyncio.sleep(stagger)  # visitors arrive over a few seconds, not in the same millisecond
    page = await context.new_page()
    try:
        name = f"load-{k:02d}"
        if trains:
            await start_training(page, url, name)
        first, times = await explore(page, url, 1000 + k, rounds, in_app=trains)
        errors = await exceptions(page)
        state = ""
        if trains:
            state = await training_state(page, url, name)
            errors += await exceptions(page)
        return {"first": first, "times": times, "errors": errors, "state": state}
    except Exception as exc:  # say which visitor, and keep what its screen showed
        shot = Path(tempfile.gettempdir()) / f"load-visitor-{k:02d}.png"
        with contextlib.suppress(Exception):
            await page.screenshot(path=str(shot), full_page=True)
        role = "trainer" if trains else "explorer"
        raise RuntimeError(f"visitor {k} ({role}) failed: {exc!r}; its screen: {shot}") from exc
    finally:
        await context.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main_async(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as home:
        env = {"GAN_PLAYGROUND_HOSTED": "1", "GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": f"{home}/ws",
               "KERAS_HOME": f"{home}/keras"}  # fmt: skip
        proc, url = start_server(env, Path(home) / "streamlit.log")
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                await visitor(browser, url, 99, 1, False)  # warm-up: loads TensorFlow and the model once
                alone = await visitor(browser, url, 98, args.rounds * 2, False)
                started = time.perf_counter()
                results = await asyncio.gather(
                    *(visitor(browser, url, k, args.rounds, k < args.trainers, 0.25 * k) for k in range(args.sessions)),
                    return_exceptions=True,
                )
                wall = time.perf_counter() - started
                await browser.close()
            peak = peak_memory_mib(proc.pid)
        finally:
            stop_server(proc)
    failures = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if not isinstance(r, BaseException)]
    loaded = [t for r in done for t in r["times"]]
    states = [r["state"].split(" · ")[0] for r in done if r["state"]]
    queued_with_position = sum("position" in r["state"] for r in done)
    base = alone["times"]
    print(f"{args.sessions} concurrent sessions ({args.trainers} also start training), {args.rounds} re-rolls each, "
          f"hosted mode, {wall:.0f} s in all")  # fmt: skip
    print("| Explorer grid (re-roll to new grid on screen) | p50 | p95 | samples |")
    print("|---|---|---|---|")
    print(f"| one session | {statistics.median(base):.2f} s | {percentile(base, 0.95):.2f} s | {len(base)} |")
    if loaded:
        print(f"| {args.sessions} sessions | {statistics.median(loaded):.2f} s | {percentile(loaded, 0.95):.2f} s "
              f"| {len(loaded)} |")  # fmt: skip
        print(f"ratio under load: p50 {statistics.median(loaded) / statistics.median(base):.1f}x, "
              f"p95 {percentile(loaded, 0.95) / percentile(base, 0.95):.1f}x")  # fmt: skip
    firsts = [r["first"] for r in done]
    if firsts:
        print(f"first Explorer grid of a new session under load: p50 {statistics.median(firsts):.1f} s, "
              f"p95 {percentile(firsts, 0.95):.1f} s (one session: {alone['first']:.1f} s)")  # fmt: skip
    print(f"training: {states.count('running')} running, {states.count('queued')} queued "
          f"({queued_with_position} showing their queue position), cap 1")  # fmt: skip
    print(f"session errors: {sum(r['errors'] for r in done)} exceptions shown, {len(failures)} sessions failed"
          + (f" (first: {failures[0]!r})" if failures else ""))
    print(f"server peak memory (VmHWM): {peak:,.0f} MiB")
    ok = not failures and not any(r["errors"] for r in done) and states.count("running") <= 1
    print("PASS" if ok else "FAIL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--trainers", type=int, default=5, help="sessions that also start a training run")
    parser.add_argument("--rounds", type=int, default=2, help="re-rolls per session")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
