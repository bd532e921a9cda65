"""Issue 38 in a real browser: a run shared from the Train page and opened in the Explorer from the Hub box, against
the loopback stand-in of the Hugging Face Hub (tests/hub_standin.py), with a server whose huggingface_hub talks
to it."""

from __future__ import annotations

import re
import sys

from conftest import ARTIFACTS, _need_chromium, assert_no_exception, wait_for_app_idle

from bench.live_server import REPO, start_server, stop_server

sys.path.insert(0, str(REPO / "tests"))
from hub_standin import WRITE, HubStandIn

TOKEN = "hf_browser_flow_0123456789"


def test_a_run_shared_from_the_train_page_opens_in_the_explorer_from_the_hub(browser, tmp_path) -> None:
    _need_chromium()
    from gan_fixtures import synthetic_loader, tiny_run_config

    from gan_core.runs.run import TrainingRun

    workspace = tmp_path / "workspace"
    run = TrainingRun(workspace / "runs" / "digits", tiny_run_config(epochs=1), data_loader=synthetic_loader)
    run.start()
    assert run.join(120)
    with HubStandIn(tmp_path / "hub", tokens={TOKEN: ("alice", WRITE)}) as hub:
        env = {"GAN_PLAYGROUND_HOME": str(workspace), "GAN_PLAYGROUND_OFFLINE": "0", "HF_ENDPOINT": hub.url,
               "HF_TOKEN": TOKEN, "HF_HUB_CACHE": str(tmp_path / "hf-cache"), "KERAS_HOME": str(tmp_path / "keras"),
               "HF_TOKEN_PATH": str(tmp_path / "no-saved-login")}  # fmt: skip
        proc, url = start_server(env, tmp_path / "streamlit.log", timeout=120)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        try:
            page.goto(f"{url}/train?run=digits")
            page.get_by_text("Share on the Hugging Face Hub").click()
            page.get_by_label("Repo").fill("alice/digits")
            page.get_by_label("Repo").press("Enter")
            wait_for_app_idle(page)
            page.get_by_role("button", name="Share on the Hub").click()
            page.get_by_text(re.compile(r"Shared as private .*alice/digits")).wait_for(timeout=120_000)
            assert TOKEN not in page.inner_text("body")
            assert "generator.keras" in hub.files("model", "alice/digits")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "hub-shared-from-train.png"))

            page.goto(f"{url}/explore")
            page.get_by_text("Open a generator from the Hugging Face Hub").click()
            page.get_by_label("Hub repo").fill("hf://alice/digits")
            page.get_by_test_id("stBaseButton-secondaryFormSubmit").click()
            page.get_by_text("hf://alice/digits, from the Hugging Face Hub").wait_for(timeout=120_000)
            page.get_by_text(re.compile(r"seed 0 · truncation 1 · 16 samples")).wait_for(timeout=120_000)
            wait_for_app_idle(page, timeout=60_000)
            assert_no_exception(page)
            assert "model=hf%3Aalice%2Fdigits" in page.url or "model=hf:alice/digits" in page.url
            page.screenshot(path=str(ARTIFACTS / "hub-opened-in-explorer.png"))
        finally:
            context.close()
            stop_server(proc)
