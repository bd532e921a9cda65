"""Issue 15 in a real browser: a hosted server started by scripts/serve.py (the Space's command) has its default
model loaded and its first grid drawn before any browser connects."""

from __future__ import annotations

import json
import re
import time

import pytest
from conftest import ARTIFACTS, _need_chromium, assert_no_exception, wait_for_app_idle

from bench.live_server import start_server, stop_server

pytestmark = pytest.mark.browser


def test_the_hosted_launcher_warms_the_default_model_before_the_first_visitor(page, tmp_path) -> None:
    _need_chromium()
    log = tmp_path / "serve.log"
    env = {"GAN_PLAYGROUND_HOSTED": "1", "GAN_PLAYGROUND_OFFLINE": "1", "KERAS_HOME": str(tmp_path / "keras"),
           "GAN_PLAYGROUND_HOME": str(tmp_path / "workspace"), "TFHUB_CACHE_DIR": str(tmp_path / "tfhub")}  # fmt: skip
    proc, url = start_server(env, log=log, launcher=True)
    try:
        deadline = time.monotonic() + 120
        while "warm-up: emoji ready" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()[-2000:]
            time.sleep(0.5)
        assert "warm-up: emoji ready" in log.read_text()  # at start-up: no browser has connected yet
        page.goto(f"{url}/explore")
        page.get_by_text(re.compile(r"seed 0 · truncation 0.5 · 12 samples")).wait_for(timeout=60_000)
        wait_for_app_idle(page, timeout=60_000)
        assert_no_exception(page)
        body = page.inner_text("body")
        assert "Opened on Class-conditional Emoji generator" in body and "Warming up" not in body
        page.get_by_test_id("stImage").first.wait_for(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hosted-explorer-warm.png"), full_page=True)
    finally:
        stop_server(proc)


def test_a_re_roll_reruns_only_the_grid_and_the_server_logs_it(page, tmp_path) -> None:
    """The Explorer's grid is a fragment: Re-roll in a real browser reruns it alone (a shorter run on the
    server's clock), and GAN_PLAYGROUND_RUN_LOG records that fragment run for the load bench."""
    _need_chromium()
    run_log = tmp_path / "runs.jsonl"
    env = {"GAN_PLAYGROUND_HOSTED": "1", "GAN_PLAYGROUND_OFFLINE": "1", "KERAS_HOME": str(tmp_path / "keras"),
           "GAN_PLAYGROUND_HOME": str(tmp_path / "workspace"), "GAN_PLAYGROUND_RUN_LOG": str(run_log)}  # fmt: skip
    proc, url = start_server(env, log=tmp_path / "streamlit.log")
    try:
        page.goto(f"{url}/explore?classes=3&n=12&seed=7")
        page.get_by_text(re.compile(r"seed 7 · truncation 0.5 · 12 samples")).wait_for(timeout=90_000)
        wait_for_app_idle(page, timeout=60_000)
        page.get_by_role("button", name="Re-roll").click()
        page.get_by_text(re.compile(r"seed (?!7 )\d+ · truncation 0.5 · 12 samples")).wait_for(timeout=60_000)
        wait_for_app_idle(page, timeout=60_000)
        assert_no_exception(page)
        assert "Interpolate" in page.inner_text("body")  # the rest of the page is still there
        rows = [json.loads(line) for line in run_log.read_text().splitlines()]
        explore = [r for r in rows if r["page"] == "explore"]
        assert explore[0]["fragment"] == ""  # the first visit runs the whole page
        assert [r["fragment"] for r in explore[1:]] == ["grid_section"]  # the re-roll: the grid alone
    finally:
        stop_server(proc)
