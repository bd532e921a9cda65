"""Issue 14 in a real browser: the Explorer opens on the shipped colour model, offline, and shows colour."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from conftest import ARTIFACTS, assert_no_exception, wait_for_app_idle
from PIL import Image

pytestmark = pytest.mark.browser


def test_the_explorer_shows_colour_emoji_by_class(page, server_url: str) -> None:
    page.goto(f"{server_url}/explore?classes=3&n=8&seed=2&truncation=0.5")  # a link's truncation wins
    page.get_by_text(re.compile(r"seed 2 · truncation 0.5 · 8 samples")).wait_for(timeout=90_000)
    wait_for_app_idle(page, timeout=60_000)
    assert_no_exception(page)
    assert "Class-conditional Emoji generator" in page.inner_text("body")
    source = page.get_by_test_id("stImage").first.locator("img").get_attribute("src")
    assert source.startswith("data:image/png;base64,")  # the tiles come inside the page's message, lossless
    png = base64.b64decode(source.split(",", 1)[1])
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)
    assert np.abs(pixels[..., 0] - pixels[..., 2]).mean() > 10  # colour, not grey
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-emoji-food.png"))
