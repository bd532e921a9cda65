"""Where the playground keeps its files and whether it may use the network: read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "assets"


@dataclass(frozen=True)
class Settings:
    """Process-wide settings, read once from environment variables by `Settings.from_env()`."""

    workspace: Path  # GAN_PLAYGROUND_HOME: runs/ and datasets/ live here (default: the current folder)
    keras_home: Path  # KERAS_HOME: where Keras caches downloaded datasets (default: ~/.keras)
    offline: bool  # GAN_PLAYGROUND_OFFLINE=1: never try a download; say so instead
    max_concurrent_runs: int = 1  # GAN_PLAYGROUND_MAX_RUNS: runs training at once (1 suits a 2-core box)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            workspace=Path(env.get("GAN_PLAYGROUND_HOME", ".")).expanduser(),
            keras_home=Path(env.get("KERAS_HOME", Path.home() / ".keras")).expanduser(),
            offline=env.get("GAN_PLAYGROUND_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"},
            max_concurrent_runs=max(1, int(env.get("GAN_PLAYGROUND_MAX_RUNS", "1"))),
        )

    @property
    def runs_dir(self) -> Path:
        return self.workspace / "runs"

    @property
    def datasets_dir(self) -> Path:
        """Folders of a person's own images, imported by `import-images` or the Datasets page."""
        return self.workspace / "datasets"

    @property
    def keras_datasets_dir(self) -> Path:
        return self.keras_home / "datasets"
