"""Test-wide setup: no test may download, and none reads or writes the developer's own caches or runs."""

from __future__ import annotations

import functools
import http.server
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before gan_core or TensorFlow read them; every Settings.from_env() in the tests sees these.
_SANDBOX = Path(tempfile.mkdtemp(prefix="gan-playground-tests-"))
os.environ["GAN_PLAYGROUND_OFFLINE"] = "1"
# The same numbers on every CPU (auto would pick bfloat16 on some): tests of bfloat16 ask for it themselves.
os.environ["GAN_PLAYGROUND_PRECISION"] = "float32"
os.environ["GAN_PLAYGROUND_TRAINING_PROCESSES"] = "0"  # AppTests train in threads; tests/test_training_processes.py
# and the browser's server (tests/browser/conftest.py) train in child processes, as the app does
os.environ["KERAS_HOME"] = str(_SANDBOX / "keras")
os.environ["GAN_PLAYGROUND_HOME"] = str(_SANDBOX / "workspace")
os.environ["TFHUB_CACHE_DIR"] = str(_SANDBOX / "tfhub")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
BROWSER_TESTS = "tests/browser/"
# The longest units, longest first (measured: wall seconds on 2 cores), so that no long file starts last and
# leaves the other workers idle at the end; only the order, never which tests run.
LONGEST_FIRST = (
    BROWSER_TESTS,  # about 350 s, mostly waiting on its server and browser
    "tests/test_training_processes.py",  # about 170 s
    "tests/test_multi_worker.py",  # about 100 s
    "tests/test_training_engine.py",  # about 90 s
    "tests/test_evaluate_page.py",
    "tests/test_emoji_dataset.py",
    "tests/test_toy_training.py",
)


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own choice (--dist)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Whole files to each worker, longest first, except the browser files: those go together to one worker.

    They share one Streamlit server and one Chromium (tests/browser/conftest.py) and spend most of their time
    waiting on them, while the other workers keep both cores busy with the rest.
    """
    from xdist.scheduler import LoadFileScheduling

    class BrowserTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER_TESTS if nodeid.startswith(BROWSER_TESTS) else super()._split_scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            for scope in reversed(LONGEST_FIRST):
                if scope in self.workqueue:
                    self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return BrowserTogether(config, log)


@pytest.fixture(scope="session", autouse=True)
def installed_components_scanned_once() -> Iterator[None]:
    """Each new AppTest scans every installed package's metadata for Streamlit components (0.4 s of CPU, about a
    sixth of an AppTest file's); nothing is installed during a test run, so each worker scans once."""
    from streamlit.components.v2 import manifest_scanner

    patch = pytest.MonkeyPatch()
    scan_once = functools.cache(manifest_scanner.scan_component_manifests)
    patch.setattr(manifest_scanner, "scan_component_manifests", scan_once)
    yield
    patch.undo()


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty KERAS_HOME, TF Hub cache and workspace for one test."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(tmp_path / "tfhub"))
    monkeypatch.setenv("GAN_PLAYGROUND_HOME", str(tmp_path / "workspace"))
    return tmp_path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder and the http://127.0.0.1:PORT/ address that serves it, for the length of one test."""
    folder = tmp_path / "served"
    folder.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
