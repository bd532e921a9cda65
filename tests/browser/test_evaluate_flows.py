"""Issue 15.5 in a real browser: score a zip of generated images from another tool, then download the CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import ARTIFACTS, assert_no_exception, open_choices, wait_for_app_idle

pytestmark = pytest.mark.browser


def test_an_uploaded_zip_of_generated_images_is_scored_and_exported(page, server_url: str, tmp_path) -> None:
    from test_evaluate_uploads import digits_zip  # real digits, resized and recoloured as another tool might

    archive = tmp_path / "generated.zip"
    archive.write_bytes(digits_zip(150))
    page.goto(f"{server_url}/evaluate")
    page.get_by_text("Evaluate a generator").first.wait_for(timeout=30_000)
    wait_for_app_idle(page)
    generator = page.get_by_test_id("stSelectbox").first
    open_choices(page, generator)
    page.get_by_role("option", name="Your generated images (upload files or a zip)").click()
    page.locator("input[type=file]").set_input_files(str(archive))
    page.get_by_test_id("stFileChipName").filter(has_text="generated.zip").wait_for(timeout=10_000)
    wait_for_app_idle(page)
    page.get_by_role("button", name="Evaluate", exact=True).click()
    page.get_by_text(re.compile(r"broken\.png")).first.wait_for(timeout=120_000)  # the itemised report
    page.get_by_text("your images (150)").first.wait_for(timeout=120_000)
    wait_for_app_idle(page, timeout=60_000)
    assert_no_exception(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text())))
    assert len(rows) == 1 and rows[0]["generator"] == "your images (150)"  # a row per generator
    assert rows[0]["classes covered"] == "10" and rows[0]["classes"] == "10"  # one number per column
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "evaluate-uploaded-zip.png"))
