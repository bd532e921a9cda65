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


def test_the_scatter_moves_while_the_toy_gan_trains(page, server_url: str) -> None:
    page.goto(f"{server_url}/inside")
    page.get_by_role("button", name="Train").click()
    # The view is redrawn five times a second: read it whenever a plot is there (not while one is replaced).
    first = page.wait_for_function(f"({FAKE_POINTS})()", timeout=60_000).json_value()
    page.wait_for_timeout(2_000)
    later = page.wait_for_function(f"({FAKE_POINTS})()", timeout=10_000).json_value()
    assert len(first["x"]) == len(later["x"]) == 512
    moved = sum(abs(a - b) for a, b in zip(first["x"] + first["y"], later["x"] + later["y"], strict=True))
    assert moved / 1024 > 1e-3, "the fake points did not move"
    assert first["title"] != later["title"]  # the step in the title advanced: the view is live
    page.get_by_text("G's push").first.wait_for()
    page.wait_for_timeout(2_000)  # a modes-covered point or two
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "toy-training.png"), full_page=True)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="G step").wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('G step') && !b.disabled)", timeout=30_000)  # fmt: skip
    page.get_by_role("button", name="G step").click()
    page.get_by_text("one G update taken").wait_for(timeout=30_000)
    assert_no_exception(page)
