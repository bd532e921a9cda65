"""Start-up figures: `streamlit run` to the home page's content in a real browser, and import costs.

    python -m bench.startup [--repeats 3]

Prints the median time from launching the server to the home page's dataset table rendered in headless
Chromium (the health endpoint answers before any script runs, so it is not the finish line), beside the same
for a one-line Streamlit app (the floor: server start, page bundle, websocket), alternated in the same run;
and the time of `import gan_core` (with its data layer and CLI) against `import tensorflow`, each in a fresh
interpreter, less the interpreter's own start-up. Goal: home page within 3 s, TensorFlow not on that path.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.live_server import REPO, launch_chromium, streamlit_server

FLOOR_APP = 'import streamlit as st\nst.title("GAN Playground")\nst.markdown("bundled subset, 10,000 images")\n'


def time_import(statement: str, repeats: int) -> float:
    """Median seconds of `python -c statement` in a fresh process."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_first_paint(browser, home: Path, app: Path | None = None) -> tuple[float, str]:
    """Seconds from launching `streamlit run` to the home page's table rendered, and the sidebar's text."""
    env = {"GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": str(home), "KERAS_HOME": str(home / "keras")}
    start = time.perf_counter()
    with streamlit_server(env, app=app) as url:
        page = browser.new_page()
        page.goto(url)
        page.get_by_text("bundled subset, 10,000 images").first.wait_for(timeout=60_000)
        elapsed = time.perf_counter() - start
        sidebar = page.get_by_test_id("stSidebarUserContent")
        text = sidebar.inner_text() if sidebar.count() else ""
        page.close()
    return elapsed, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        floor_app = Path(tmp) / "floor.py"
        floor_app.write_text(FLOOR_APP)
        browser = launch_chromium(p)
        paints, floors = [], []
        for i in range(args.repeats):  # alternate, so drift on a shared machine hits both
            paints.append(time_first_paint(browser, Path(tmp) / f"run{i}"))
            floors.append(time_first_paint(browser, Path(tmp) / f"floor{i}", app=floor_app)[0])
        browser.close()
    paint, floor = statistics.median(t for t, _ in paints), statistics.median(floors)
    tf_loaded = any("TensorFlow: loaded" in sidebar for _, sidebar in paints)

    python = time_import("pass", args.repeats)
    core = time_import("import gan_core, gan_core.data, gan_core.cli", args.repeats) - python
    tf = time_import("import tensorflow", args.repeats) - python

    print(f"streamlit run -> home page rendered (median of {args.repeats}): {paint:.2f} s   (goal <= 3 s)")
    print(f"streamlit run -> one-line app rendered (floor):   {floor:.2f} s   ratio {paint / floor:.2f}x")
    print(f"TensorFlow imported by the home page: {'yes' if tf_loaded else 'no'}   (goal: no)")
    print(f"import gan_core (+data, cli): {core * 1000:.0f} ms")
    print(f"import tensorflow:            {tf * 1000:.0f} ms")
    print(f"ratio tensorflow / gan_core:  {tf / max(core, 1e-3):.0f}x")


if __name__ == "__main__":
    main()
