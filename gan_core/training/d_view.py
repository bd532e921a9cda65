"""What D says of real images and of G's preview samples: the Train page's "What D says" chart, kept in the run
folder so that a reopened run (a shipped demo, a run after a restart) shows it before it trains again."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_core.atomic_files import atomic_write_bytes


@dataclass(frozen=True, eq=False)
class DiscriminatorView:
    """What D says now about a fixed batch of real images and about G's preview samples (the picture behind
    "D accuracy": two histograms that move apart when D wins and together when G catches up)."""

    step: int
    real: np.ndarray  # D's output on each real image
    fake: np.ndarray  # D's output on each generated image
    as_probability: bool  # bce: sigmoid(logit), the probability "real"; otherwise the raw score
    threshold: float  # where D's verdict flips from fake to real

    def save(self, path: Path) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, step=self.step, real=self.real, fake=self.fake, as_probability=self.as_probability,
                 threshold=self.threshold)  # fmt: skip
        atomic_write_bytes(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> DiscriminatorView | None:
        """The saved view, or None when there is none (or it cannot be read: it is only a picture)."""
        try:
            with np.load(path, allow_pickle=False) as f:
                return cls(int(f["step"]), f["real"].astype(np.float32), f["fake"].astype(np.float32),
                           bool(f["as_probability"]), float(f["threshold"]))  # fmt: skip
        except (OSError, ValueError, KeyError):
            return None
