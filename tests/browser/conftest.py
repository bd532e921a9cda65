"""Browser fixtures: one real server for the module, one fresh page per test; screenshots kept as artefacts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.live_server import CHROMIUM, REPO, launch_chromium, streamlit_server

ARTIFACTS = REPO / "artifacts"
BROWSER_WAIT_MS = 90_000  # the longest a browser action (a click, a screenshot) waits for the page


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it (.ci/run): a missing browser is a failure there
        pytest.skip(message)


def _server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_chromium()
    home = tmp_path_factory.mktemp("browser")
    env = {
        "GAN_PLAYGROUND_OFFLINE": "1",
        "GAN_PLAYGROUND_HOME": str(home / "workspace"),
        "KERAS_HOME": str(home / "keras"),
        "GAN_PLAYGROUND_TRAINING_PROCESSES": "1",  # as the app trains: image runs in child processes
        # at the server's priority: a busy CI host would starve a niced run (tests/test_training_processes.py
        # checks the niceness itself)
        "GAN_PLAYGROUND_TRAINING_NICENESS": "0",
        # No process kept warm behind each Start: most of these servers never use theirs, and each costs about
        # 9 CPU-seconds of the suite's two cores (tests/test_training_processes.py checks the warm process)
        "GAN_PLAYGROUND_WARM_PROCESS": "0",
    }
    with streamlit_server(env, log=home / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for every browser test that needs no fresh one (they run together, in file order)."""
    yield from _server(tmp_path_factory)


@pytest.fixture
def fresh_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server no browser has talked to yet."""
    yield from _server(tmp_path_factory)


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        new_context = b.new_context

        def patient_context(**options):
            # Playwright's 30 s default wait is not a check of the app: a screenshot on a host whose cores other
            # work keeps busy took longer (issue 36's loaded runs). What each test asserts is unchanged.
            context = new_context(**options)
            context.set_default_timeout(BROWSER_WAIT_MS)
            return context

        b.new_context = patient_context
        yield b
        b.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def assert_no_exception(pg) -> None:
    boxes = pg.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def wait_for_app_idle(pg, timeout: float = 30_000) -> None:
    """Wait until the script run finished (Streamlit shows a status widget while it runs)."""
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


def open_choices(pg, selectbox) -> None:
    """Open a selectbox's list of options (the first click after a rerun may only focus it)."""
    for _ in range(5):
        selectbox.click()
        if pg.get_by_role("option").count():
            return
        pg.wait_for_timeout(500)


@pytest.fixture
def new_zip(tmp_path: Path):
    """A zip with good images, one zip-slip entry and one corrupt file, written by the test."""
    import io
    import zipfile

    import numpy as np
    from PIL import Image

    def build(n_good: int = 20) -> Path:
        path = tmp_path / "my_pictures.zip"
        with zipfile.ZipFile(path, "w") as zf:
            rng = np.random.default_rng(0)
            for i in range(n_good):
                buf = io.BytesIO()
                Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(buf, "PNG")
                zf.writestr(f"pics/{i}.png", buf.getvalue())
            zf.writestr("../../outside.png", buf.getvalue())
            zf.writestr("pics/broken.jpg", b"\xff\xd8\xff not really a jpeg")
        return path

    return build
