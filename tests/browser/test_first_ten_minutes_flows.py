"""Issue 13 in a real browser: what only a browser sees (clipped titles, pins reaching the projector, a quick
second download)."""

from __future__ import annotations

import re

import pytest
from conftest import ARTIFACTS, assert_no_exception, wait_for_app_idle

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
PAGES = ["", "explore", "train", "evaluate", "datasets", "classroom"]


def _open(browser, url: str, viewport: dict | None = None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=90_000)
    wait_for_app_idle(page, timeout=90_000)
    return context, page


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_presenter_mode_shows_each_page_title_whole(browser, server_url: str, path: str) -> None:
    """13.6: at 1280x720 the header covered the top of every h1."""
    context, page = _open(browser, f"{server_url}/{path}?present=1", PROJECTOR)
    try:
        page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '20px'", timeout=30_000)
        header = page.get_by_test_id("stHeader").bounding_box()
        title = page.locator("h1").first.bounding_box()
        assert title["y"] >= header["y"] + header["height"], (title, header)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"presenter-title-{path or 'home'}.png"))
    finally:
        context.close()


def _demo_in_workspace(browser, server_url: str) -> None:
    """The Classroom's first demo moment copies the shipped demo run into the server's workspace."""
    context, page = _open(browser, f"{server_url}/classroom")
    try:
        page.get_by_role("button", name="A GAN that learned digits").click()
        page.wait_for_url(re.compile(r"run=demo-mnist-dcgan"), timeout=60_000)
    finally:
        context.close()


def test_a_pin_and_an_unpin_reach_the_projector_within_seconds(browser, server_url: str) -> None:
    """13.5: no run trains, and the projector's page still shows the teacher's pin without a reload."""
    _demo_in_workspace(browser, server_url)
    projector_context, projector = _open(browser, f"{server_url}/classroom?present=1", PROJECTOR)
    teacher_context, teacher = _open(browser, f"{server_url}/classroom")
    try:
        projector.get_by_text("No run is pinned").wait_for(timeout=30_000)
        teacher.get_by_role("button", name="Pin").first.click()
        teacher.get_by_role("heading", name=re.compile("demo-mnist-dcgan")).first.wait_for(timeout=10_000)
        projector.get_by_role("button", name="Unpin").wait_for(timeout=4_000)  # its 2 s timer, plus drawing
        projector.wait_for_timeout(1_000)  # the picture and the chart drawn
        projector.screenshot(path=str(ARTIFACTS / "pin-on-projector.png"))
        picture = projector.get_by_test_id("stImage").first.bounding_box()
        assert picture["y"] + picture["height"] <= PROJECTOR["height"]  # issue 26.7: the pinned run, not its title
        teacher.get_by_role("button", name="Unpin").click()
        projector.get_by_text("No run is pinned").wait_for(timeout=4_000)
        assert_no_exception(projector)
    finally:
        projector_context.close()
        teacher_context.close()


def test_a_second_download_right_after_the_first_arrives(browser, server_url: str) -> None:
    """13.12: a click within half a second of another download used to hit 'Deferred file not found'."""
    _demo_in_workspace(browser, server_url)
    context, page = _open(browser, f"{server_url}/train?run=demo-mnist-dcgan")
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    try:
        gif = page.get_by_role("button", name="Progress GIF")
        gif.wait_for(timeout=60_000)
        others = [page.get_by_role("button", name=name) for name in ("Progress MP4", "Whole run (zip)")]
        for button in [gif, *others]:
            button.click()  # at once: while an earlier click's rerun (if any) is still under way
        for _ in range(120):
            if len(downloads) == 3:
                break
            page.wait_for_timeout(500)
        names = sorted(d.suggested_filename for d in downloads)
        assert names == [f"demo-mnist-dcgan.{suffix}" for suffix in ("gif", "mp4", "zip")]
        assert all(d.failure() is None for d in downloads)
    finally:
        context.close()


def test_the_explorer_shows_large_samples_and_opens_one(browser, server_url: str) -> None:
    """13.15: samples big enough to see; one opens large with its tools (screenshot kept for a look)."""
    context, page = _open(browser, f"{server_url}/explore?model=fashion-mnist&classes=0,7,8,9&n=16&seed=4")
    try:
        page.get_by_test_id("stImage").nth(15).wait_for(timeout=60_000)
        tile = page.get_by_test_id("stImage").first.locator("img").bounding_box()
        assert tile["width"] >= 150
        wait_for_app_idle(page)
        page.locator(".st-key-explore_open_5 button:visible").first.click()
        try:
            page.get_by_text(re.compile(r"Sample 6")).first.wait_for(timeout=30_000)
        finally:
            page.screenshot(path=str(ARTIFACTS / "explorer-open-sample.png"), full_page=True)
        page.get_by_role("button", name="Vary it").click()
        page.get_by_text("seven neighbours").wait_for(timeout=60_000)
        wait_for_app_idle(page)
        page.get_by_text(re.compile(r"Sample 6 ·")).first.scroll_into_view_if_needed()
        assert_no_exception(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explorer-open-sample.png"), full_page=True)
    finally:
        context.close()
