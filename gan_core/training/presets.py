"""Sane defaults per dataset: the model shape follows the data, the rest follows the dataset's size."""

from __future__ import annotations

from gan_core.data.import_limits import MIN_TRAINING_IMAGES
from gan_core.data.types import DatasetInfo, SourceKind
from gan_core.evaluation.features import classifier_folder
from gan_core.models.config import ModelConfig
from gan_core.runs.config import RunConfig
from gan_core.training.config import TrainConfig

LIVE_EVAL_EVERY = 200  # steps between live FID points: about 0.3 s each, under 0.2% of training time
SMALL_IMAGE_BATCH = 32  # 28x28 images: MNIST, Fashion-MNIST
LARGE_IMAGE_BATCH = 64  # 32x32 and 64x64 images: CIFAR-10, your own
DEFAULT_EMA_DECAY = 0.999  # with a warm-up, so short runs benefit too (gan_core.training.engine)
SMALL_DATASET = 5_000  # below this many images DiffAugment on real and fake pays off (Zhao et al. 2020, CIFAR at 10%)
BATCH_SIZES = (MIN_TRAINING_IMAGES, 16, 32, 64, 128, 256)  # what the Train page offers


def fitting_batch(batch: int, train_count: int) -> int:
    """`batch`, or the largest offered size that one epoch of `train_count` images still fills."""
    fits = [b for b in BATCH_SIZES if b <= min(batch, train_count)]
    return fits[-1] if fits else batch


def batch_problem(batch: int, train_count: int) -> str | None:
    """None when a batch of `batch` fits into `train_count` training images, else one sentence saying what to do."""
    if train_count < MIN_TRAINING_IMAGES:
        return (f"{train_count} training images are too few: training needs at least {MIN_TRAINING_IMAGES} "
                "(one batch of the smallest size); add images")  # fmt: skip
    if batch > train_count:
        return (f"a batch of {batch} is more than the {train_count} training images; choose a batch of "
                f"{fitting_batch(batch, train_count)} or fewer")  # fmt: skip
    return None


def default_run_config(
    info: DatasetInfo, conditional: bool = False, spectral_norm: bool = False, train_count: int | None = None,
    **train_changes: object,
) -> RunConfig:
    """A run config for `info`'s images; keyword arguments override the training defaults. Given the number of
    training images, the default batch shrinks to one that an epoch fills (a small imported set)."""
    if conditional and not info.class_names:
        raise ValueError(f"{info.title} has no labels, so a conditional model cannot be trained on it")
    model = ModelConfig(image_shape=info.image_shape, num_classes=len(info.class_names) if conditional else 0,
                        d_spectral_norm=spectral_norm)  # fmt: skip
    # A registry dataset is named; a folder of your images is recorded by its path (its name alone may not resolve).
    dataset = str(info.source.detail) if info.source.kind is SourceKind.OWN else info.name
    # Quality per CPU-minute (bench/quality_per_minute.py, bench/RESULTS.md): on a CPU, small batches give many
    # more updates per minute, and sampling from an average of G's weights gives cleaner samples at no cost.
    batch = SMALL_IMAGE_BATCH if info.image_shape[0] <= 28 else LARGE_IMAGE_BATCH
    if train_count is not None:
        batch = fitting_batch(batch, train_count)
    train = TrainConfig(dataset=dataset, conditional=conditional, batch_size=batch, ema_decay=DEFAULT_EMA_DECAY)
    if (classifier_folder(info.name) / "classifier.json").is_file():  # live FID and class coverage come cheap
        train = train.with_changes(eval_every=LIVE_EVAL_EVERY)
    if info.source.count < SMALL_DATASET:
        train = train.with_changes(diffaugment=("translation", "cutout", "color"), epochs=50)
    return RunConfig(model, train.with_changes(**train_changes))
