"""Where the playground keeps its files and whether it may use the network: read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gan_core.limits import HOSTED, HOSTED_BFLOAT16, LOCAL, Limits

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
CHECKPOINTS_DIR = Path(__file__).resolve().parents[1] / "checkpoints"  # the models this project trained and ships


TRAINING_NICENESS = 10  # how much lower than the server a training process runs by default: visitors first


def _niceness(text: str) -> int:
    """GAN_PLAYGROUND_TRAINING_NICENESS: a whole number from 0 to 19; empty: TRAINING_NICENESS."""
    if not text.strip():
        return TRAINING_NICENESS
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 19:
        raise ValueError(f"GAN_PLAYGROUND_TRAINING_NICENESS must be a whole number from 0 to 19, not {text!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Process-wide settings, read once from environment variables by `Settings.from_env()`."""

    workspace: Path  # GAN_PLAYGROUND_HOME: runs/ and datasets/ live here (default: the current folder)
    keras_home: Path  # KERAS_HOME: where Keras caches downloaded datasets (default: ~/.keras)
    offline: bool  # GAN_PLAYGROUND_OFFLINE=1: never try a download; say so instead
    hosted: bool = False  # GAN_PLAYGROUND_HOSTED=1: many visitors on a small box (a Space): the HOSTED limits
    limits: Limits = LOCAL  # GAN_PLAYGROUND_MAX_RUNS overrides the number of runs training at once
    dataset_mirror: str | None = None  # GAN_PLAYGROUND_DATASET_MIRROR: a web folder with Keras' dataset files
    run_log: Path | None = None  # GAN_PLAYGROUND_RUN_LOG: a file that gets one line per script run (bench/load.py)
    training_processes: bool = True  # GAN_PLAYGROUND_TRAINING_PROCESSES=0: train image runs in server threads
    # GAN_PLAYGROUND_TRAINING_NICENESS (0-19): how much lower than the server a training process runs. 10: visitors
    # first; 0: as the server (a laptop with one user, or a machine whose other work would starve a niced run).
    training_niceness: int = TRAINING_NICENESS
    # GAN_PLAYGROUND_WARM_PROCESS=0: no training process waits ready with TensorFlow imported and the likely steps
    # compiled (it saves that process's memory and about 9 CPU-seconds per Start; each first step waits for them)
    warm_training_process: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        hosted = _flag(env.get("GAN_PLAYGROUND_HOSTED", ""))
        limits = (HOSTED_BFLOAT16 if _draws_in_bfloat16() else HOSTED) if hosted else LOCAL
        if env.get("GAN_PLAYGROUND_MAX_RUNS", "").strip():
            limits = limits.with_changes(max_concurrent_runs=max(1, int(env["GAN_PLAYGROUND_MAX_RUNS"])))
        return cls(
            workspace=Path(env.get("GAN_PLAYGROUND_HOME", ".")).expanduser(),
            keras_home=Path(env.get("KERAS_HOME", Path.home() / ".keras")).expanduser(),
            offline=_flag(env.get("GAN_PLAYGROUND_OFFLINE", "")),
            hosted=hosted,
            limits=limits,
            dataset_mirror=env.get("GAN_PLAYGROUND_DATASET_MIRROR", "").strip() or None,
            run_log=Path(env["GAN_PLAYGROUND_RUN_LOG"]) if env.get("GAN_PLAYGROUND_RUN_LOG", "").strip() else None,
            training_processes=env.get("GAN_PLAYGROUND_TRAINING_PROCESSES", "1").strip() != "0",
            training_niceness=_niceness(env.get("GAN_PLAYGROUND_TRAINING_NICENESS", "")),
            warm_training_process=env.get("GAN_PLAYGROUND_WARM_PROCESS", "1").strip() != "0",
        )

    @property
    def max_concurrent_runs(self) -> int:
        return self.limits.max_concurrent_runs

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


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _draws_in_bfloat16() -> bool:
    from gan_core.models.precision import PrecisionError, choose_precision

    try:
        return choose_precision().is_bfloat16
    except PrecisionError:  # said where it matters (the sidebar, the first picture); the float32 caps meanwhile
        return False
