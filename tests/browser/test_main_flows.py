"""The real app in headless Chromium: home renders, navigation reaches every page, an upload imports."""

from __future__ import annotations

import re

import pytest
from conftest import assert_no_exception, wait_for_app_idle

pytestmark = pytest.mark.browser

PAGES = {"Home": "Available right now", "Datasets": "Mean pixel"}


def test_home_renders_and_every_page_is_reachable_with_the_same_sidebar(page, server_url: str) -> None:
    page.goto(server_url)
    page.get_by_text("Available right now").wait_for(timeout=30_000)
    page.get_by_text("not on this machine").wait_for(timeout=30_000)  # CIFAR-10, offline
    assert page.get_by_text("bundled subset, 10,000 images").count() == 2  # MNIST and Fashion-MNIST
    sidebar = page.get_by_test_id("stSidebarUserContent")
    home_sidebar = sidebar.inner_text()
    assert "GAN Playground" in home_sidebar and "TensorFlow: not loaded yet" in home_sidebar
    for title, marker in PAGES.items():
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
        page.get_by_text(marker).first.wait_for(timeout=30_000)
        wait_for_app_idle(page)
        assert_no_exception(page)
        assert sidebar.inner_text() == home_sidebar


def test_uploading_a_mixed_zip_keeps_the_good_images(page, server_url: str, new_zip) -> None:
    page.goto(f"{server_url}/datasets?dataset=fashion_mnist")
    page.get_by_text("Fashion-MNIST").first.wait_for(timeout=30_000)
    page.get_by_text("Import your own images").click()
    page.locator("input[type=file]").set_input_files(str(new_zip()))
    page.get_by_text("my_pictures.zip").wait_for(timeout=10_000)
    page.get_by_role("button", name="Import").click()
    page.get_by_text(re.compile(r"imported 20 images, skipped 2")).wait_for(timeout=30_000)
    page.get_by_text(re.compile(r"outside\.png: path escapes the target folder")).wait_for(timeout=10_000)
    page.get_by_text(re.compile(r"broken\.jpg: not an image")).wait_for(timeout=10_000)
    assert_no_exception(page)
