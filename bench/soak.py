"""Soak bench: an hour-long class, compressed, on one hosted-mode server; what it leaves behind.

    python -m bench.soak                     # 8 waves of 10 visitors (about 6 minutes)
    python -m bench.soak --waves 40          # issue 29's class: about 35 minutes
    python -m bench.soak --waves 3 --visitors 4     # a smoke run

Visitors arrive in waves and leave again, as a lesson's attention does. Each is a protocol client (bench/load.py's:
Streamlit's websocket protocol, every image fetched, nothing drawn) that opens the teacher's Explorer link,
re-rolls, presses Interpolate, looks at the Classroom and Train pages, comes back to the Explorer and leaves (its
websocket closes: the server ends the session). In every wave one student in Chromium trains: Start on the Train
page, Pause, Resume, Stop, then downloads the run's progress GIF, and leaves. The server runs on CPU 0 and the
clients on CPU 1 (`taskset`).

Measured on the server process (/proc): resident memory (VmRSS), live threads and open files after the first
wave (warm-up: TensorFlow, the models and the caches loaded; that wave's sessions still inside Streamlit's
two-minute reconnect window), and at the end: after the last wave, the reconnect window, one latecomer (whose
arrival makes Streamlit drop the expired sessions) and a minute for the housekeeping collection. Goals (issue 16): memory growth <= 10% after warm-up; no thread or open file left behind by a session that
ended.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.live_server import launch_chromium, start_server, stop_server
from bench.load import CLIENT_CPUS, LINK, SERVER_CPUS, ProtocolVisitor
from bench.watching import _cpu_model


def open_files(pid: int) -> list[str]:
    """What each open descriptor points at: a path, or 'socket', 'pipe', 'anon_inode:...' (kinds, not numbers)."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        found.append(target.split(":[")[0] if target.startswith(("socket", "pipe", "anon_inode")) else target)
    return found


def server_state(pid: int) -> dict:
    """Resident memory (MiB), live threads and open files of the server process."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    files = open_files(pid)
    return {"rss_mib": int(fields["VmRSS"].split()[0]) / 1024, "threads": int(fields["Threads"]),
            "files": len(files), "file_list": files}  # fmt: skip


async def lesson_visitor(url: str, k: int, think_s: float) -> int:
    """One visitor's part of a lesson; returns the exceptions its pages showed."""
    rng = random.Random(k)
    visitor = ProtocolVisitor(url)
    async with visitor.connected():
        elements = await visitor.run(query=LINK)
        seed = next(e.number_input.id for e in elements
                    if e.WhichOneof("type") == "number_input" and e.number_input.label == "Noise seed")  # fmt: skip
        for r in range(3):
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
            await visitor.run(widgets={seed: 50_000 + 10 * k + r})
        await visitor.run(press="Interpolate")
        for page in ("classroom", "train", "explore"):
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
            await visitor.run(page=page)
    return visitor.errors


async def student(browser, url: str, name: str) -> int:
    """A student in Chromium trains a run: Start, Pause, Resume, Stop, the progress GIF; returns exceptions."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(300_000)
    page = await context.new_page()
    try:
        await page.goto(f"{url}/train")
        await page.get_by_label("Run name").fill(name)
        await page.get_by_label("Run name").press("Enter")
        await page.wait_for_timeout(500)
        await page.get_by_role("button", name="Start training").click()
        await page.get_by_role("button", name="Pause").wait_for()
        await page.wait_for_timeout(8000)
        for action in ("Pause", "Resume", "Stop"):
            await page.get_by_role("button", name=action).click()
            await page.wait_for_timeout(2000)
        await page.get_by_text("checkpoint saved").first.wait_for()
        gif = page.get_by_role("button", name="Progress GIF")
        if await gif.count():
            async with page.expect_download() as download:
                await gif.first.click()
            await (await download.value).path()
        return await page.locator('[data-testid="stException"]').count()
    finally:
        await context.close()


async def wave(browser, url: str, index: int, visitors: int, think_s: float) -> tuple[int, int]:
    tasks = [student(browser, url, f"soak-{index:02d}")]
    for k in range(visitors):
        async def arrive(k: int = k):
            await asyncio.sleep(k * 0.5)
            return await lesson_visitor(url, 100 * index + k, think_s)

        tasks.append(arrive())
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for who, result in enumerate(results):
        if isinstance(result, BaseException):  # say what failed, or a failure cannot be looked into
            print(f"wave {index + 1}: {'the student' if who == 0 else f'visitor {who}'} failed: "
                  f"{type(result).__name__}: {str(result)[:300]}", flush=True)  # fmt: skip
    failures = sum(isinstance(r, BaseException) for r in results)
    errors = sum(r for r in results if isinstance(r, int))
    return errors, failures


async def settle(pid: int, seconds: float) -> dict[str, float]:
    """Wait for ended sessions to be cleaned up, then read the server's state."""
    await asyncio.sleep(seconds)
    return server_state(pid)


async def main_async(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    os.sched_setaffinity(0, {int(CLIENT_CPUS)})
    home = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    env = {"GAN_PLAYGROUND_HOSTED": "1", "GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": str(home / "ws"),
           "KERAS_HOME": str(home / "keras")}  # fmt: skip
    proc, url = start_server(env, home / "streamlit.log", cpus=SERVER_CPUS)
    errors = failures = 0
    started = time.monotonic()
    try:
        async with async_playwright() as p:
            browser = await launch_chromium(p, cpus=CLIENT_CPUS)
            e, f = await wave(browser, url, 0, args.visitors, args.think)
            errors, failures = errors + e, failures + f
            warm = await settle(proc.pid, args.settle)
            print(f"after the warm-up wave: {warm['rss_mib']:,.0f} MiB, {warm['threads']} threads, "
                  f"{warm['files']} open files", flush=True)  # fmt: skip
            rss = []  # after each wave, for the slope over the second half
            for index in range(1, args.waves):
                e, f = await wave(browser, url, index, args.visitors, args.think)
                errors, failures = errors + e, failures + f
                now = server_state(proc.pid)
                rss.append(now["rss_mib"])
                print(f"wave {index + 1}: {now['rss_mib']:,.0f} MiB, {now['threads']} threads, {now['files']} files",
                      flush=True)  # fmt: skip
            await browser.close()
        # Streamlit keeps an ended session two minutes for a reconnect, drops it at the next session's arrival,
        # and a full collection (pages/ui/housekeeping.py, once a minute) frees what it held.
        await asyncio.sleep(args.reconnect_window)
        async with ProtocolVisitor(url).connected() as latecomer:
            await latecomer.run(query=LINK)
        end = await settle(proc.pid, args.settle + 60)
    finally:
        stop_server(proc)
    growth = end["rss_mib"] / warm["rss_mib"] - 1
    print(f"\nCPU: {_cpu_model()} · server on CPU {SERVER_CPUS}, clients on CPU {CLIENT_CPUS}")
    print(f"{args.waves} waves of {args.visitors} visitors and one training student, "
          f"{(time.monotonic() - started) / 60:.1f} minutes")  # fmt: skip
    print(f"memory (VmRSS): {warm['rss_mib']:,.0f} MiB after warm-up, {end['rss_mib']:,.0f} MiB at the end: "
          f"{growth:+.1%} (goal <= +10%)")  # fmt: skip
    half = rss[len(rss) // 2:]
    if len(half) >= 2:  # issue 29: flat over the second half, a line through it rising <= 1 MiB per wave
        slope = float(np.polyfit(np.arange(len(half)), half, 1)[0])
        print(f"memory over waves {args.waves - len(half) + 1}-{args.waves}: a line through them rises "
              f"{slope:+.2f} MiB per wave (goal <= 1 MiB)")  # fmt: skip
    print(f"threads: {warm['threads']} after warm-up, {end['threads']} at the end; open files: {warm['files']} -> "
          f"{end['files']} (goal: none left behind)")  # fmt: skip
    left = sorted(set(end["file_list"]) - set(warm["file_list"])) + [
        f"{kind} (x{end['file_list'].count(kind) - warm['file_list'].count(kind)} more)"
        for kind in sorted(set(end["file_list"])) if end["file_list"].count(kind) > warm["file_list"].count(kind) > 0]
    if left:
        print("  open at the end but not after warm-up: " + ", ".join(left[:12]))
    print(f"errors: {errors} exceptions shown, {failures} visitors or students failed")
    print(f"(server log in {home})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waves", type=int, default=8)
    parser.add_argument("--visitors", type=int, default=10, help="protocol visitors per wave")
    parser.add_argument("--think", type=float, default=1.5, help="seconds between a visitor's clicks (mean)")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds for ended sessions to be cleaned up")
    parser.add_argument("--reconnect-window", type=float, default=130.0,
                        help="seconds Streamlit keeps an ended session for a reconnect (two minutes), and a margin")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
