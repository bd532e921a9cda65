"""Presenter mode on a 1280x720 projector, and a run that survives its server being killed mid-training."""

from __future__ import annotations

import os
import re
import signal
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import ARTIFACTS, _need_chromium, assert_no_exception, wait_for_app_idle

from bench.live_server import start_server, stop_server

PROJECTOR = {"width": 1280, "height": 720}


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0: nothing sticks out sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize(
    "path",
    [
        "/classroom?present=1",
        "/explore?present=1&model=fashion-mnist&classes=0,1,2,3,4,5,6,7,8,9&n=20&seed=7&truncation=0.6",
        "/explore?present=1&model=fashion-mnist&classes=7,9&n=8&seed=3&interpolate=1",
        "/train?present=1&run=demo-mnist-dcgan",
    ],
    ids=["classroom", "explore-grid", "explore-interpolation", "train-demo"],
)
def test_presenter_mode_fits_a_1280x720_projector(browser, server_url: str, path: str, request) -> None:
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        if path.startswith("/train"):  # the demo run is copied into the workspace by its demo moment
            page.goto(f"{server_url}/classroom?present=1")
            wait_for_app_idle(page, timeout=90_000)
            moment = page.get_by_role("button", name="A GAN that learned digits")
            for _ in range(5):  # on a projector the moments are folded under the pinned run; a rerun may refold
                if moment.is_visible():
                    break
                page.get_by_text("Demo moments").click()
                page.wait_for_timeout(1_000)
            moment.click()
            page.wait_for_url(re.compile(r"run=demo-mnist-dcgan"), timeout=60_000)
        page.goto(server_url + path)
        page.get_by_test_id("stMainBlockContainer").wait_for(timeout=60_000)
        wait_for_app_idle(page, timeout=90_000)
        page.wait_for_timeout(500)
        assert_no_exception(page)
        page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '20px'", timeout=30_000)
        page.wait_for_function(  # the sidebar starts folded away: nothing of it inside the window
            "() => { const r = document.querySelector('[data-testid=stSidebar]').getBoundingClientRect();"
            " return r.right <= 1 || r.width <= 1; }", timeout=10_000,
        )  # fmt: skip
        if "explore" in path:
            ARTIFACTS.mkdir(exist_ok=True)
            # The first grid loads its model in the server: on a host whose cores other work keeps busy that took
            # longer than a minute (issue 36's loaded runs); what is checked below is unchanged.
            page.get_by_test_id("stImage").first.wait_for(timeout=180_000)
            page.wait_for_function(
                "() => { const i = document.querySelector('[data-testid=stImage] img'); return i && i.complete &&"
                " i.naturalWidth > 0; }", timeout=30_000,
            )  # fmt: skip
            wait_for_app_idle(page, timeout=90_000)
            first = page.evaluate(  # the image nearest the top (a rerun may still hold a stale one further down)
                "() => [...document.querySelectorAll('[data-testid=stImage] img')].map(i => i.getBoundingClientRect())"
                ".map(r => ({y: r.top, height: r.height, width: r.width})).sort((a, b) => a.y - b.y)[0]"
            )
            assert first["width"] >= 128  # each 28-px sample drawn at 128 px or more on the projector
            page.wait_for_function(  # 13.6: the picture before the controls, once the page has settled
                "() => { const top = e => e.getBoundingClientRect().top;"
                " const images = [...document.querySelectorAll('[data-testid=stImage] img')].map(top);"
                " const picker = document.querySelector('[data-testid=stSelectbox]');"
                " return images.length && picker && Math.min(...images) < top(picker); }", timeout=30_000,
            )  # fmt: skip
        if "interpolate" in path:
            page.get_by_text(re.compile(r"\d+ steps")).first.wait_for(timeout=60_000)
        if path.startswith("/train"):
            page.get_by_text("fixed noise, step").first.wait_for(timeout=60_000)
            grid = page.evaluate(  # the fixed-noise grid, whole above the fold (its bottom rows were cut off)
                "() => [...document.querySelectorAll('[data-testid=stImage] img')]"
                ".map(i => i.getBoundingClientRect()).map(r => ({top: r.top, bottom: r.bottom, width: r.width}))[0]"
            )
            assert grid["width"] >= 256 and grid["bottom"] <= PROJECTOR["height"], grid
        assert _overflow(page) <= 0
        assert "present=1" in page.url  # a reload keeps the mode
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"presenter-{request.node.callspec.id}.png"))
    finally:
        context.close()


def _workspace_with_a_run(home: Path) -> str:
    """An own-images dataset of 64 tiny pictures and a run on it that checkpoints every 5 steps."""
    from gan_core.data.own_images import import_images, save_dataset_folder
    from gan_core.data.registry import load_dataset
    from gan_core.pictures.render import png_bytes
    from gan_core.runs.run import TrainingRun
    from gan_core.settings import Settings
    from gan_core.training.presets import default_run_config

    settings = Settings(workspace=home / "workspace", keras_home=home / "keras", offline=True)
    rng = np.random.default_rng(0)
    uploads = [(f"{i}.png", png_bytes(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8))) for i in range(64)]
    save_dataset_folder(import_images(uploads=uploads, size=32), settings.datasets_dir / "blobs")
    info = load_dataset("blobs", settings=settings).info
    config = default_run_config(info, epochs=1000, batch_size=16, checkpoint_every=5, sample_every=5,
                                eval_every=0)  # fmt: skip
    config = replace(config, model=replace(config.model, g_width=8, d_width=8))  # the restart is the subject
    TrainingRun(settings.runs_dir / "survivor", config)
    return "survivor"


def test_a_run_killed_with_its_server_is_listed_after_a_restart_and_resumes(browser, tmp_path: Path) -> None:
    _need_chromium()
    name = _workspace_with_a_run(tmp_path)
    env = {"GAN_PLAYGROUND_OFFLINE": "1", "GAN_PLAYGROUND_HOME": str(tmp_path / "workspace"),
           "KERAS_HOME": str(tmp_path / "keras")}  # fmt: skip
    log = tmp_path / "streamlit.log"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    proc, url = start_server(env, log)
    try:
        page.goto(f"{url}/train?run={name}")
        page.get_by_role("button", name="Continue training").click()
        page.get_by_text(re.compile(r"step ([1-9]\d+) of")).first.wait_for(timeout=300_000)  # 10 steps or more
        os.kill(proc.pid, signal.SIGKILL)  # the server dies mid-training: no stop, no final save
        proc.wait(10)
        proc, url = start_server(env, log)
        page.goto(f"{url}/train")
        page.get_by_role("tab", name="Saved and demo runs").click()
        page.get_by_text(re.compile(r"interrupted \(server restarted\) at step \d+")).wait_for(timeout=30_000)
        page.get_by_role("button", name="Open", exact=True).first.click()
        message = page.get_by_text(re.compile(r"interrupted at step [\d,]+: the server stopped while it trained"))
        message.wait_for(timeout=30_000)
        kept = int(re.search(r"checkpoint \(step ([\d,]+)\)", message.inner_text()).group(1).replace(",", ""))
        assert kept >= 5 and kept % 5 == 0
        page.get_by_role("button", name="Continue training").click()
        page.wait_for_function(
            f"() => {{ const m = /step ([0-9,]+) of/.exec(document.body.innerText);"
            f" return m && parseInt(m[1].replace(',', '')) > {kept + 3}; }}",
            timeout=300_000,
        )
        assert_no_exception(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "restart-resumed.png"), full_page=True)
    finally:
        context.close()
        stop_server(proc)


@pytest.mark.parametrize("present", [False, True], ids=["1280x800", "presenter-1280x720"])
def test_an_interpolation_moment_opens_with_its_strip_in_view(browser, server_url: str, present: bool) -> None:
    """Issue 36.2: opening "A sneaker turns into a boot" landed on a grid, the strip about 1,000 px below the fold."""
    viewport = PROJECTOR if present else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(f"{server_url}/classroom" + ("?present=1" if present else ""))
        wait_for_app_idle(page, timeout=90_000)
        moment = page.get_by_role("button", name="A sneaker turns into a boot")
        for _ in range(5):  # on a projector the moments may sit folded in an expander
            if moment.is_visible():
                break
            page.get_by_text("Demo moments").first.click()
            page.wait_for_timeout(500)
        moment.click()
        page.wait_for_url(re.compile(r"interpolate=1"), timeout=60_000)
        caption = page.get_by_text(re.compile(r"12 steps, left to right")).first
        caption.wait_for(timeout=90_000)
        wait_for_app_idle(page, timeout=90_000)
        box = page.evaluate(
            "() => { const c = [...document.querySelectorAll('[data-testid=stImage]')].find("
            "e => e.innerText.includes('left to right')); const r = c.querySelector('img').getBoundingClientRect();"
            " return {top: r.top, bottom: r.bottom}; }"
        )  # fmt: skip
        assert box["top"] >= 0 and box["bottom"] <= viewport["height"], box  # the whole strip on the first screen
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"moment-interpolation-{'presenter' if present else '1280x800'}.png"))
        assert_no_exception(page)
    finally:
        context.close()
