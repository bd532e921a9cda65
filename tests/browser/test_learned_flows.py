"""Issue 37 in a real browser: a photo of a digit drawn dark on light is found in the GAN and opens like any sample;
a directions moment's link opens on the strips, at 1280x800 and on a 1280x720 projector."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from conftest import ARTIFACTS, assert_no_exception, wait_for_app_idle
from PIL import Image

from gan_core.settings import ASSETS_DIR

pytestmark = pytest.mark.browser


def drawn_digit(path) -> None:
    """A held-out test 7 as a person draws it: dark ink on light paper, large and off-centre, as a JPEG."""
    data = np.load(ASSETS_DIR / "mnist.npz")
    digit = data["images"][np.where(data["is_test"] & (data["labels"] == 7))[0][0]]
    paper = Image.new("L", (640, 480), 232)
    paper.paste(Image.fromarray(255 - digit).resize((300, 300), Image.Resampling.BILINEAR), (260, 60))
    buffer = io.BytesIO()
    paper.convert("RGB").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


def test_a_photo_of_a_digit_is_found_in_the_gan_and_opens_like_any_sample(page, server_url: str, tmp_path) -> None:
    photo = tmp_path / "my-seven.jpg"
    drawn_digit(photo)
    page.goto(f"{server_url}/explore?model=mnist&n=4&seed=0&show=find")
    page.get_by_text("Find a picture in the GAN").wait_for(timeout=90_000)
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_text(re.compile("made MNIST-like: inverted")).wait_for(timeout=60_000)
    page.get_by_role("button", name="Find it in the GAN").click()
    page.get_by_text(re.compile(r"Done: \d+ steps")).wait_for(timeout=120_000)
    wait_for_app_idle(page, timeout=60_000)
    assert_no_exception(page)
    body = page.inner_text("body")
    assert re.search(r"Found: 7, \d+\.\d dB PSNR from yours", body), body[-1500:]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "find-in-gan-done.png"))
    page.get_by_role("button", name="Open it").click()
    page.get_by_role("button", name="Vary it").wait_for(timeout=60_000)
    page.get_by_role("button", name="Directions").click()
    page.locator("strong", has_text="What the GAN learned to control").wait_for(timeout=60_000)
    wait_for_app_idle(page, timeout=60_000)
    assert_no_exception(page)
    page.screenshot(path=str(ARTIFACTS / "find-in-gan-opened-directions.png"), full_page=True)


@pytest.mark.parametrize("present", [False, True], ids=["1280x800", "presenter-1280x720"])
def test_a_directions_link_opens_on_the_strips_in_view_on_every_shipped_model(browser, server_url: str,
                                                                              present: bool) -> None:  # fmt: skip
    viewport = {"width": 1280, "height": 720 if present else 800}
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        for model in ("mnist", "fashion-mnist", "emoji", "demo-mnist-dcgan"):
            page.goto(f"{server_url}/explore?model={model}&n=4&seed=3&show=directions"
                      + ("&present=1" if present else ""))  # fmt: skip
            page.get_by_text("What the GAN learned to control").wait_for(timeout=90_000)
            wait_for_app_idle(page, timeout=60_000)
            assert_no_exception(page)
            box = page.get_by_role("textbox", name="Direction 1").bounding_box()
            assert box is not None and box["y"] < viewport["height"], (model, box)  # in view on arrival
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"directions-{model}-{'presenter' if present else '1280x800'}.png"))
    finally:
        context.close()
