"""How a GAN is trained: one frozen dataclass, written as config.json with every run, with sane defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import PureWindowsPath
from typing import Any

from gan_core.config_dict import config_from_dict

LOSSES = ("bce", "hinge", "wgan-gp", "lsgan")
AUGMENTATIONS = ("color", "translation", "cutout")
PRECISIONS = ("float32", "bfloat16")


@dataclass(frozen=True)
class TrainConfig:
    dataset: str = "mnist"  # a registry name or a folder of imported images
    source: str = "auto"  # "auto", "bundled" or "full" (see gan_core.data.load_dataset)
    epochs: int = 5  # passes over the training split
    minutes: float = 0.0  # a time budget: minutes of training in all (pauses excluded), then it ends; 0: `epochs`
    batch_size: int = 128  # images per step (the TF tutorial uses 256)
    loss: str = "bce"  # "bce" (non-saturating, the tutorial's), "hinge", "wgan-gp" or "lsgan" (least squares)
    lr_g: float = 2e-4  # generator learning rate (Radford et al.; the tutorial uses 1e-4)
    lr_d: float = 2e-4  # discriminator learning rate
    beta1: float = 0.5  # Adam's first-moment decay (0.5 is the DCGAN choice; Keras's default is 0.9)
    beta2: float = 0.999  # Adam's second-moment decay
    label_smoothing: float = 0.0  # one-sided: real targets become 1 - s (bce only)
    d_steps: int = 1  # discriminator updates per generator update
    gp_weight: float = 10.0  # gradient-penalty weight (wgan-gp only)
    diffaugment: tuple[str, ...] = ()  # DiffAugment ops on real and fake: any of color, translation, cutout
    conditional: bool = False  # class-conditional G and D (needs a labelled dataset)
    seed: int = 0  # weights, shuffling and the fixed preview noise
    preview_count: int = 64  # images in the fixed-noise sample grid
    sample_every: int = 50  # steps between sample grids
    checkpoint_every: int = 0  # steps between checkpoints; 0: at the end of every epoch
    keep_checkpoints: int = 3  # checkpoints kept (older ones are deleted)
    xla: bool = False  # compile the train step with XLA (measure before turning on: bench/train_throughput.py)
    ema_decay: float = 0.0  # keep an exponential moving average of G's weights for sampling (e.g. 0.999); 0: off
    eval_every: int = 0  # steps between live FID / class-coverage points (MNIST, Fashion-MNIST); 0: off
    eval_samples: int = 512  # samples per live evaluation (FID is biased at this N: the chart says so)
    precision: str = "float32"  # what the run last trained under: float32 or bfloat16 (gan_core.models.precision)

    def __post_init__(self) -> None:
        problems = []
        if self.loss not in LOSSES:
            problems.append(f"loss must be one of {', '.join(LOSSES)}")
        if self.batch_size < 2 or self.epochs < 1 or self.d_steps < 1:
            problems.append("batch_size must be at least 2, epochs and d_steps at least 1")
        if not 0 <= self.minutes <= 10_000:
            problems.append("minutes must be 0 (train the epochs) or a time budget of up to 10,000 minutes")
        if not (0 < self.lr_g < 1 and 0 < self.lr_d < 1):
            problems.append("learning rates must be between 0 and 1")
        if not (0 <= self.label_smoothing < 0.5):
            problems.append("label_smoothing must be in [0, 0.5)")
        if not set(self.diffaugment) <= set(AUGMENTATIONS):
            problems.append(f"diffaugment ops must be among {', '.join(AUGMENTATIONS)}")
        if not 0 <= self.ema_decay < 1:
            problems.append("ema_decay must be in [0, 1): 0 turns it off, 0.999 is typical")
        if self.eval_every < 0 or self.eval_samples < 2:
            problems.append("eval_every must be 0 (off) or positive, eval_samples at least 2")
        if self.precision not in PRECISIONS:
            problems.append(f"precision must be one of {', '.join(PRECISIONS)}")
        if self.preview_count < 1 or self.sample_every < 1 or self.keep_checkpoints < 1:
            problems.append("preview_count, sample_every and keep_checkpoints must be positive")
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        return config_from_dict(cls, data, "training", tuple_fields=("diffaugment",))

    @property
    def dataset_label(self) -> str:
        """The dataset as a page shows it: a registry name as it is, an imported folder by its own name (never
        the server's path)."""
        if "/" not in self.dataset and "\\" not in self.dataset:
            return self.dataset
        return f"{PureWindowsPath(self.dataset).name} (your images)"

    @property
    def budget_s(self) -> float:
        """The time budget in seconds of training; 0 when the run trains its epochs instead."""
        return self.minutes * 60.0

    def with_changes(self, **changes: Any) -> TrainConfig:
        return replace(self, **changes)
