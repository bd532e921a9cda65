"""How often the Inside-a-GAN plane is blank while a toy run trains: screenshots of the page every 0.2 s, as a
projector would show it, each judged blank when the plane's area is one flat colour (no plot drawn) or its picture did not load.

    .venv/bin/python -m bench.plane_flicker --shots 40

Prints the count of blank planes and of blank loss charts among the shots, and the CPU it ran on. The server
runs on CPU 0 and Chromium on CPU 1 (taskset), so the screenshots do not take the page's CPU.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from bench.live_server import launch_chromium, start_server, stop_server
from bench.watching import _cpu_model

PLANE = "[data-testid='stImage'] img, [data-testid='stPlotlyChart']"  # a picture while it trains, else a chart
BROKEN = "() => [...document.querySelectorAll('[data-testid=stImage] img')].some(i => !i.complete || !i.naturalWidth)"
LOSSES = "[data-testid='stPlotlyChart']"


def blank(png: bytes) -> bool:
    """A screenshot region with (almost) nothing drawn in it: a flat colour."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32)
    return pixels.size == 0 or float(pixels.std()) < 2.0


def measure(shots: int, interval: float, viewport: dict[str, int], keep: Path | None = None) -> dict[str, int]:
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="flicker-"))
    env = {"GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": str(home / "workspace"),
           "KERAS_HOME": str(home / "keras")}  # fmt: skip
    counts = {"shots": 0, "plane blank": 0, "losses blank": 0, "plane missing": 0}
    # The server (and the run it trains) on CPU 0, the browser on CPU 1: the screenshots must not slow the page.
    proc, url = start_server(env, log=home / "streamlit.log", cpus="0")
    with sync_playwright() as p:
        browser = launch_chromium(p, cpus="1")
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(f"{url}/inside")
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Losses").first.wait_for(timeout=120_000)  # training, with both charts drawn once
        page.wait_for_timeout(1_000)
        for _ in range(shots):
            started = time.monotonic()
            planes = page.locator(PLANE)
            boxes = [b for b in (planes.nth(i).bounding_box() for i in range(planes.count())) if b and b["height"] > 400]
            losses = page.locator(LOSSES).filter(has_text="Losses")
            boxes = boxes[:1] + [b for b in [losses.first.bounding_box() if losses.count() else None] if b]
            broken = page.evaluate(BROKEN)  # an image whose file was gone: the browser shows a broken icon
            shot = page.screenshot(full_page=True)
            if keep is not None:
                (keep / f"shot{counts['shots']:02d}.png").write_bytes(shot)
            image = Image.open(io.BytesIO(shot))
            crops = []
            for box in boxes:  # the plane first, then the losses
                region = image.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["width"]),
                                     int(box["y"] + box["height"])))  # fmt: skip
                buffer = io.BytesIO()
                region.save(buffer, "PNG")
                crops.append(blank(buffer.getvalue()))
            counts["shots"] += 1
            counts["plane missing"] += not crops
            counts["plane blank"] += bool(crops) and (crops[0] or broken)
            counts["losses blank"] += len(crops) > 1 and crops[1]
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
        browser.close()
    stop_server(proc)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--keep", type=Path, help="a folder to keep the screenshots in, to look at")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    print(f"CPU: {_cpu_model()}, {len(os.sched_getaffinity(0))} cores; server on CPU 0, Chromium on CPU 1")
    for name, viewport in (("1280x1700 (the plane and the losses in view)", {"width": 1280, "height": 1700}),):
        counts = measure(args.shots, args.interval, viewport, args.keep)
        print(f"{name}: {counts['plane blank'] + counts['plane missing']} of {counts['shots']} shots without the "
              f"plane ({counts['plane missing']} with no chart at all), {counts['losses blank']} with a blank loss chart")


if __name__ == "__main__":
    main()
