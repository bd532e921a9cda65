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
