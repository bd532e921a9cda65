"""Inside a GAN in headless Chromium: press Train on the ring and see the fake points move as G learns."""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS, assert_no_exception

pytestmark = pytest.mark.browser

FAKE_POINTS = """() => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
        p => (p._fullData || []).some(t => t.name === 'fake (G)'));
    if (!plot) return null;
    const fake = plot._fullData.find(t => t.name === 'fake (G)');  // decoded arrays (data may hold base64)
    return {x: Array.from(fake.x), y: Array.from(fake.y), title: plot.layout.title.text};
}"""


PLANE_PICTURE = """() => {
    const image = [...document.querySelectorAll('[data-testid="stImage"] img')].find(i => i.height > 300);
    return image ? image.src : null;
}"""


def test_the_plane_moves_while_the_toy_gan_trains_and_pauses_into_the_chart(page, server_url: str) -> None:
    page.goto(f"{server_url}/inside")
    page.get_by_role("button", name="Train", exact=True).click()
    # While it trains the plane is a picture, redrawn in place five times a second (no blank chart between).
    first = page.wait_for_function(f"({PLANE_PICTURE})()", timeout=60_000).json_value()
    later = page.wait_for_function(f"(first) => {{ const src = ({PLANE_PICTURE})(); return src && src !== first "
                                   "? src : null; }", arg=first, timeout=60_000).json_value()  # fmt: skip
    assert first != later, "the plane did not change"
    # The run's thread loaded TensorFlow after the sidebar was drawn: the sidebar says so without a reload.
    page.locator("[data-testid=stSidebar]").get_by_text("TensorFlow: loaded").wait_for(timeout=10_000)
    page.get_by_text("G's push").first.wait_for()
    page.wait_for_timeout(2_000)  # a modes-covered point or two
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "toy-training.png"), full_page=True)
    page.get_by_role("button", name="Pause").click()
    paused = page.wait_for_function(f"({FAKE_POINTS})()", timeout=30_000).json_value()  # the interactive chart
    assert len(paused["x"]) == 512 and "step" in paused["title"]
    page.get_by_role("button", name="G step").wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('G step') && !b.disabled)", timeout=30_000)  # fmt: skip
    page.get_by_role("button", name="G step").click()
    page.get_by_text("one G update taken").wait_for(timeout=30_000)
    moved = page.wait_for_function(f"({FAKE_POINTS})()", timeout=10_000).json_value()
    assert moved["title"] != paused["title"]  # one update: the chart shows the next step
    assert_no_exception(page)
