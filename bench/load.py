"""Load bench: a class of visitors on one hosted-mode server while a run trains, measured on the server's clock.

    python -m bench.load                                  # 30 visitors (3 of them in Chromium), 5 re-rolls each
    python -m bench.load --visitors 8 --browsers 1 --rerolls 2 --train-seconds 20    # a smoke run

Shape. The server runs on CPU 0 and every client on CPU 1 (`taskset`): the shape of a small Space, whose
visitors' browsers run on their own laptops. Measuring 30 Chromium contexts on the server's own two cores
measured Chromium (they used four times the server's CPU). So three visitors are real Chromium contexts (they
render, run the front end and fetch images like a person's browser), and the rest are protocol clients: they
speak Streamlit's websocket protocol (BackMsg / ForwardMsg protobufs) exactly as the front end does, send the
same widget states a click sends (a widget inside a fragment reruns only that fragment, as the front end asks),
and fetch every image a run hands them by URL (the Explorer's tiles come inside the message), but draw nothing,
so each costs the client core a few milliseconds per request and the server sees the same traffic.

What a visitor does: open the teacher's shared Explorer link (the page and the front-end files it names, about
100 ms of the server's CPU each time, then the first grid), then re-roll the noise seed `--rerolls` times with a
few seconds' thought between clicks (a new seed each time: the generator runs). A teacher's run trains MNIST with
the Trainer's defaults throughout, its Train page open in a fourth Chromium tab (the projector): started before
the visitors come, so its images/s alone is measured first (from the run's own metric log, stamped by the
server), then while they visit.

Server figures: the wall and thread-CPU time of every script run (GAN_PLAYGROUND_RUN_LOG, written by app.py
around each run), the server process's CPU seconds (/proc), its peak memory (VmHWM). Visitor figures: time from
sending a request to having the finished run and all its images. The run trains in a child process of the server
(issue 29; `--server-env GAN_PLAYGROUND_TRAINING_PROCESSES=0` for the server's threads): its CPU seconds are read
from that process. Goals: server-side Explorer rerun p95 <= 0.5 s, first grid p95 <= 3 s, the run keeps >= 70%
of its images/s (issue 16) and gets >= 90% of the CPU time the server leaves idle (issue 29).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.live_server import launch_chromium, start_server, stop_server
from bench.watching import _cpu_model, _cpu_seconds, _prepare_run, _steps_in

SERVER_CPUS, CLIENT_CPUS = "0", "1"
LINK = "classes=3&n=12&seed=7"  # the teacher's shared link: food emoji on the default model
RUN = "teacher"


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def training_processes(server_pid: int) -> list[int]:
    """The server's training processes (gan_core.runs.worker children): the run's CPU is theirs."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == server_pid and b"gan_core.runs.worker" in command:
            found.append(int(entry.name))
    return found


def cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += _cpu_seconds(pid)
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


class ProtocolVisitor:
    """A browser tab without the drawing: Streamlit's websocket protocol, the widget states a click sends, and
    an HTTP fetch of every image the server hands over."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ws = None
        self.seed_widget = ""
        self.errors = 0
        self._shown: dict[str, list] = {}  # what the page shows: fragment id ("" outside any) -> its elements
        self._fragment_of: dict[str, str] = {}  # widget id -> the fragment it sits in

    @property
    def elements(self) -> list:
        return [e for elements in self._shown.values() for e in elements]

    async def run(self, query: str | None = None, widgets: dict[str, int] | None = None, page: str = "explore",
                  press: str | None = None) -> list:  # fmt: skip
        """One script run of `page`, as the front end asks for it: the URL's query, changed widgets (int values),
        or a pressed button (by label, from what the page shows); returns the run's elements. A widget inside a
        fragment reruns only that fragment, as in the browser."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        back = BackMsg()
        back.rerun_script.page_name = page
        back.rerun_script.query_string = query or ""
        changed = list(widgets or {})
        for widget_id, value in (widgets or {}).items():
            state = back.rerun_script.widget_states.widgets.add()
            state.id, state.int_value = widget_id, value
        if press is not None:
            button = next(e.button for e in self.elements if e.WhichOneof("type") == "button" and e.button.label == press)
            state = back.rerun_script.widget_states.widgets.add()
            state.id, state.trigger_value = button.id, True
            changed.append(button.id)
        fragments = {self._fragment_of.get(widget_id, "") for widget_id in changed}
        fragment = fragments.pop() if len(fragments) == 1 else ""
        back.rerun_script.fragment_id = fragment
        await self.ws.send(back.SerializeToString())
        shown: dict[str, list] = {}
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                shown.setdefault(msg.delta.fragment_id, []).append(element)
                widget = getattr(element, element.WhichOneof("type") or "", None)
                if getattr(widget, "id", ""):
                    self._fragment_of[widget.id] = msg.delta.fragment_id
            elif kind == "script_finished":
                break
        elements = [e for group in shown.values() for e in group]
        self.errors += sum(e.WhichOneof("type") == "exception" for e in elements)
        urls = [img.url for e in elements if e.WhichOneof("type") == "imgs" for img in e.imgs.imgs
                if not img.url.startswith("data:")]  # embedded pictures come with the message  # fmt: skip
        await asyncio.gather(*(asyncio.to_thread(self._fetch, u) for u in urls))
        self._shown = ({**self._shown, fragment: shown.get(fragment, [])} if fragment else shown)
        return elements

    def load_front_end(self) -> None:
        """What a browser fetches before it connects: the page and the scripts, styles and font it names (the
        server's gzip and file serving). The elements' own lazy chunks are left out."""
        with urllib.request.urlopen(self.url + "/", timeout=120) as response:
            html = response.read().decode()
        for asset in re.findall(r'(?:src|href)="\.?/?(static/[^"]+)"', html):
            request = urllib.request.Request(f"{self.url}/{asset}", headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()

    def _fetch(self, path: str) -> None:
        with urllib.request.urlopen(self.url + path if path.startswith("/") else path, timeout=120) as response:
            response.read()

    @contextlib.asynccontextmanager
    async def connected(self):
        """A browser session: open the websocket (a new session on the server), close it on leaving."""
        import websockets

        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=120) as ws:
            self.ws = ws
            yield self

    async def visit(self, k: int, rerolls: int, think_s: float) -> dict:
        rng = random.Random(k)
        start = time.perf_counter()
        await asyncio.to_thread(self.load_front_end)  # as a browser does before its websocket opens
        async with self.connected():
            elements = await self.run(query=LINK)
            first = time.perf_counter() - start
            self.seed_widget = next(e.number_input.id for e in elements
                                    if e.WhichOneof("type") == "number_input" and e.number_input.label == "Noise seed")
            times = []
            for r in range(rerolls):
                await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
                start = time.perf_counter()
                await self.run(widgets={self.seed_widget: 10_000 + 100 * k + r})
                times.append(time.perf_counter() - start)
        return {"first": first, "times": times, "errors": self.errors, "kind": "protocol"}


async def browser_visit(browser, url: str, k: int, rerolls: int, think_s: float) -> dict:
    """A real Chromium context: open the link, wait for the grid, click Re-roll and wait for the new grid."""
    rng = random.Random(k)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(300_000)
    page = await context.new_page()
    caption = r"/seed \d+ · truncation [\d.]+ · \d+ samples/"
    try:
        start = time.perf_counter()
        await page.goto(f"{url}/explore?{LINK}")
        await page.get_by_text("12 samples").first.wait_for()
        first = time.perf_counter() - start
        times = []
        for _ in range(rerolls):
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
            before = await page.evaluate(f"() => (document.body.innerText.match({caption}) || [''])[0]")
            start = time.perf_counter()
            await page.get_by_role("button", name="Re-roll").click()
            await page.wait_for_function(
                f"(b) => {{ const m = document.body.innerText.match({caption}); return m && m[0] !== b; }}", arg=before
            )
            times.append(time.perf_counter() - start)
        errors = await page.locator('[data-testid="stException"]').count()
        return {"first": first, "times": times, "errors": errors, "kind": "browser"}
    finally:
        await context.close()


async def start_teacher_run(browser, url: str):
    """The teacher continues the prepared run on the Train page and keeps that tab open (on a Space, a run whose
    tab closed is stopped after two minutes); returns the tab."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(f"{url}/train?run={RUN}")
    await page.get_by_role("button", name="Continue training").click()
    await page.get_by_text("Losses").first.wait_for(timeout=300_000)
    return page


async def stop_teacher_run(page) -> None:
    """The teacher stops the run: it saves a checkpoint and writes its metric log (kept in memory until then)."""
    await page.get_by_role("button", name="Stop").click()
    await page.get_by_text("checkpoint saved").first.wait_for(timeout=300_000)


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip().endswith("}")]


async def main_async(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    os.sched_setaffinity(0, {int(CLIENT_CPUS)})  # this process (the protocol clients) on the clients' core
    home = Path(tempfile.mkdtemp(prefix="bench-load-"))
    workspace, run_log = home / "workspace", home / "script-runs.jsonl"
    batch = _prepare_run(workspace, RUN)
    env = {"GAN_PLAYGROUND_HOSTED": "1", "GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": str(workspace),
           "KERAS_HOME": str(home / "keras"), "GAN_PLAYGROUND_RUN_LOG": str(run_log),
           "GAN_PLAYGROUND_MAX_RUNS": "1"} | dict(kv.split("=", 1) for kv in args.server_env)  # fmt: skip
    proc, url = start_server(env, home / "streamlit.log", cpus=SERVER_CPUS)
    try:
        async with async_playwright() as p:
            browser = await launch_chromium(p, cpus=CLIENT_CPUS)
            # The baseline, in this run on this CPU: one visitor's re-rolls on an idle server (nothing training).
            baseline_start = time.time()
            await ProtocolVisitor(url).visit(998, 10, 0.3)
            baseline_end = time.time()
            teacher = await start_teacher_run(browser, url)
            status_path = workspace / "runs" / RUN / "status.json"
            deadline = time.monotonic() + 300
            while '"step": 0,' in status_path.read_text() and time.monotonic() < deadline:  # until it steps
                await asyncio.sleep(1)
            await ProtocolVisitor(url).visit(999, 1, 0.1)  # warm-up: the model and its graph, as after a restart
            await asyncio.sleep(5)
            alone_start = time.time()
            await asyncio.sleep(args.train_seconds)
            alone_end = time.time()
            visits = [browser_visit(browser, url, k, args.rerolls, args.think) if k < args.browsers
                      else ProtocolVisitor(url).visit(k, args.rerolls, args.think) for k in range(args.visitors)]
            workers = training_processes(proc.pid)  # the teacher's run's process, and the warm one (idle)
            visit_start, cpu_visit_start = time.time(), _cpu_seconds(proc.pid)
            run_cpu_start = cpu_of(workers)

            async def arrive(k: int, visit):
                await asyncio.sleep(args.arrival_s * k / max(1, args.visitors))  # a class arrives over some seconds
                return await visit

            results = await asyncio.gather(*(arrive(k, v) for k, v in enumerate(visits)), return_exceptions=True)
            visit_end, cpu_visit_end = time.time(), _cpu_seconds(proc.pid)
            run_cpu = cpu_of(workers) - run_cpu_start
            await stop_teacher_run(teacher)
            await browser.close()
        peak = peak_memory_mib(proc.pid)
    finally:
        stop_server(proc)
    metrics = read_jsonl(workspace / "runs" / RUN / "metrics.jsonl")
    logged = read_jsonl(run_log)
    runs = [r for r in logged if visit_start <= r["start"] <= visit_end]
    idle = [r["wall_s"] for r in logged if baseline_start <= r["start"] <= baseline_end and r["fragment"]]
    explore = [r for r in runs if r["page"] == "explore"]
    failures = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if not isinstance(r, BaseException)]
    firsts, rerolls = [r["first"] for r in done], [t for r in done for t in r["times"]]
    if not metrics:
        raise SystemExit(f"the teacher's run never trained: see {home}")
    alone_ips = _steps_in(metrics, alone_start, alone_end) * batch / (alone_end - alone_start)
    visit_ips = _steps_in(metrics, visit_start, visit_end) * batch / (visit_end - visit_start)
    server_cpu = cpu_visit_end - cpu_visit_start

    print(f"CPU: {_cpu_model()} · server on CPU {SERVER_CPUS}, all clients on CPU {CLIENT_CPUS}")
    print(f"{args.visitors} visitors ({args.browsers} in Chromium, the rest protocol clients), {args.rerolls} re-rolls "
          f"each, one MNIST run training; {visit_end - visit_start:.0f} s of visits")  # fmt: skip
    print("\nserver's own clock (GAN_PLAYGROUND_RUN_LOG), Explorer script runs during the visits:")
    walls, cpus = [r["wall_s"] for r in explore], [r["cpu_s"] for r in explore]
    first_runs: dict[str, float] = {}
    for r in explore:
        first_runs.setdefault(r["session"], r["wall_s"])  # each session's first Explorer run: its first grid
    server_firsts = list(first_runs.values())
    print(f"  {len(explore)} runs · wall p50 {statistics.median(walls):.3f} s, p95 {percentile(walls, 0.95):.3f} s "
          f"(goal <= 0.5 s) · thread CPU p50 {statistics.median(cpus) * 1000:.0f} ms, "
          f"p95 {percentile(cpus, 0.95) * 1000:.0f} ms")  # fmt: skip
    print(f"  baseline, one visitor on the idle server: re-roll wall p50 {statistics.median(idle):.3f} s; under load "
          f"p50 {statistics.median(walls) / statistics.median(idle):.1f}x and p95 "
          f"{percentile(walls, 0.95) / statistics.median(idle):.1f}x that")  # fmt: skip
    print(f"  first grid (each session's first Explorer run): p50 {statistics.median(server_firsts):.3f} s, "
          f"p95 {percentile(server_firsts, 0.95):.3f} s (goal <= 3 s)")
    busy = server_cpu / (visit_end - visit_start)
    script_cpu = sum(r["cpu_s"] for r in runs)
    print(f"  script runs on all pages: {len(runs)}, {script_cpu:.1f} s of thread CPU in all "
          f"({script_cpu / max(1, len(runs)) * 1000:.0f} ms each); the server's core was busy {busy:.0%} of the visits "
          f"(the run takes what the visitors leave)")  # fmt: skip
    print("\nvisitors' side (request sent -> run finished and its images fetched):")
    browsers = [r["first"] for r in done if r["kind"] == "browser"]
    print(f"  first grid: p50 {statistics.median(firsts):.2f} s, p95 {percentile(firsts, 0.95):.2f} s; in Chromium "
          f"(the page's scripts loaded and run on the client core too): {', '.join(f'{t:.1f}' for t in browsers)} s")
    print(f"  re-roll:    p50 {statistics.median(rerolls):.2f} s, p95 {percentile(rerolls, 0.95):.2f} s "
          f"({len(rerolls)} re-rolls)")  # fmt: skip
    print(f"\ntraining: {alone_ips:.0f} img/s alone, {visit_ips:.0f} img/s with the visitors: keeps "
          f"{visit_ips / alone_ips:.0%} (goal >= 70%)")  # fmt: skip
    if workers:
        left = (visit_end - visit_start) - server_cpu  # the core's seconds the server's own work left idle
        print(f"the run's process: {run_cpu:.1f} s of CPU in the {visit_end - visit_start:.0f} s of visits, "
              f"{run_cpu / left:.0%} of the {left:.1f} s the server left idle (goal >= 90%)")  # fmt: skip
    else:
        print("the run trains in the server's threads (GAN_PLAYGROUND_TRAINING_PROCESSES=0): its CPU is the server's")
    print(f"server peak memory (VmHWM): {peak:,.0f} MiB")
    errors = sum(r["errors"] for r in done)
    print(f"errors: {errors} exceptions shown, {len(failures)} visitors failed"
          + (f" (first: {failures[0]!r})" if failures else ""))
    print(f"(raw logs in {home})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=30)
    parser.add_argument("--browsers", type=int, default=3, help="visitors that are real Chromium contexts")
    parser.add_argument("--rerolls", type=int, default=5)
    parser.add_argument("--think", type=float, default=3.0, help="seconds between a visitor's clicks (mean)")
    parser.add_argument("--arrival-s", type=float, default=20.0, help="the class arrives over this many seconds")
    parser.add_argument("--server-env", nargs="*", default=[], metavar="KEY=VALUE",
                        help="extra environment for the server, e.g. TF_NUM_INTEROP_THREADS=4 (experiments)")
    parser.add_argument("--train-seconds", type=float, default=30.0, help="the run's pace alone, before visitors")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
