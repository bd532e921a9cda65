"""Test-wide setup: no test may download, and none reads or writes the developer's own caches or runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Set before gan_core or TensorFlow read them; every Settings.from_env() in the tests sees these.
_SANDBOX = Path(tempfile.mkdtemp(prefix="gan-playground-tests-"))
os.environ["GAN_PLAYGROUND_OFFLINE"] = "1"
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
