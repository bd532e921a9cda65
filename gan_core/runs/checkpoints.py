"""Save, list and restore training checkpoints with tf.train.CheckpointManager, and export the generator.

TensorFlow writes each checkpoint's files first and then renames the small `checkpoint` index file over the
old one, so a kill in the middle of a save leaves the previous checkpoint as the latest one, intact.
Restoring builds our own architecture from config.json and loads only weights into it: no code is loaded.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path

import tensorflow as tf

from gan_core.errors import PlaygroundError
from gan_core.training.engine import GANTrainer

GENERATOR_WEIGHTS = "generator.weights.h5"


class CheckpointMismatchError(PlaygroundError):
    """A checkpoint that does not fit the architecture its config.json describes."""


@dataclass(frozen=True)
class CheckpointInfo:
    step: int
    path: str  # the checkpoint prefix TensorFlow uses


class RunCheckpoints:
    """The checkpoints of one run folder, bound to one trainer's objects."""

    def __init__(self, run_dir: Path, trainer: GANTrainer, keep: int = 3) -> None:
        self.directory = run_dir / "checkpoints"
        tracked = dict(
            generator=trainer.generator,
            discriminator=trainer.discriminator,
            g_optimizer=trainer.g_optimizer,
            d_optimizer=trainer.d_optimizer,
            step=trainer.step,
            preview_noise=trainer.preview_noise,
        )
        if trainer.ema_generator is not None:
            tracked["ema_generator"] = trainer.ema_generator
        self.checkpoint = tf.train.Checkpoint(**tracked)
        self.manager = tf.train.CheckpointManager(self.checkpoint, str(self.directory), max_to_keep=keep)
        self.trainer = trainer

    def save(self) -> CheckpointInfo:
        """Save at the current step. A full disk raises DiskFullError, with this step's partial files removed:
        the checkpoint file still names the previous checkpoint, which loads as before."""
        step = int(self.trainer.step.numpy())
        if not self.trainer.weights_finite():
            raise ValueError(f"refusing to save non-finite weights at step {step}")
        try:
            return CheckpointInfo(step, self.manager.save(checkpoint_number=step))
        except (OSError, tf.errors.OpError) as exc:
            if not _is_disk_full(exc):
                raise
            for partial in self.directory.glob(f"ckpt-{step}.*"):
                partial.unlink(missing_ok=True)
            raise DiskFullError(
                f"the disk is full (no space left on device) while saving the checkpoint of step {step:,} in "
                f"{self.directory}; free some space, then continue training"
            ) from exc

    def list(self) -> list[CheckpointInfo]:
        return [CheckpointInfo(_step_of(p), p) for p in self.manager.checkpoints]

    def restore(self, path: str | None = None) -> int | None:
        """Restore the given (or latest) checkpoint; returns its step, or None when there is none."""
        path = path or self.manager.latest_checkpoint
        if path is None:
            return None
        try:
            self.checkpoint.restore(path).assert_existing_objects_matched()
        except (AssertionError, ValueError, tf.errors.OpError) as exc:
            raise CheckpointMismatchError(
                f"checkpoint {Path(path).name} does not fit the model in config.json ({_first_line(exc)}); "
                "it was saved by a different architecture or is damaged"
            ) from exc
        return int(self.trainer.step.numpy())


def export_generator(trainer: GANTrainer, run_dir: Path) -> Path:
    """Write the generator's weights (its average, with EMA on) beside config.json, atomically (the Explorer
    rebuilds it from both)."""
    path = run_dir / GENERATOR_WEIGHTS
    tmp = run_dir / f".{GENERATOR_WEIGHTS}.tmp.weights.h5"
    trainer.sampling_generator.save_weights(str(tmp))
    tmp.replace(path)
    return path


class DiskFullError(PlaygroundError):
    """A checkpoint could not be written: no space left on the device."""


def _is_disk_full(exc: BaseException) -> bool:
    return getattr(exc, "errno", None) == errno.ENOSPC or isinstance(exc, tf.errors.ResourceExhaustedError) or (
        "No space left on device" in str(exc))  # fmt: skip


def _step_of(prefix: str) -> int:
    match = re.search(r"ckpt-(\d+)$", prefix)
    return int(match.group(1)) if match else -1


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
