"""Sane defaults per dataset: the model shape follows the data, the rest follows the dataset's size."""

from __future__ import annotations

from dataclasses import dataclass

from gan_core.data.import_limits import MIN_TRAINING_IMAGES
from gan_core.data.types import DatasetInfo, SourceKind
from gan_core.measures.features import classifier_folder
from gan_core.models.config import ModelConfig
from gan_core.training.config import TrainConfig
from gan_core.training.run_config import RunConfig

LIVE_EVAL_EVERY = 200  # steps between live FID points: about 0.3 s each, under 0.2% of training time
SMALL_IMAGE_BATCH = 32  # 28x28 images: MNIST, Fashion-MNIST
LARGE_IMAGE_BATCH = 64  # 32x32 and 64x64 images: CIFAR-10, your own
DEFAULT_EMA_DECAY = 0.999  # with a warm-up, so short runs benefit too (gan_core.training.engine)
SMALL_DATASET = 5_000  # below this many images DiffAugment on real and fake pays off (Zhao et al. 2020, CIFAR at 10%)
BATCH_SIZES = (MIN_TRAINING_IMAGES, 16, 32, 64, 128, 256)  # what the Train page offers


@dataclass(frozen=True)
class Recipe:
    """A pair of networks and the way they train, as the Train page names it and bench/quality_per_minute.py
    compares them per CPU-minute."""

    title: str
    architecture: str = "dcgan"  # gan_core.models.config.ARCHITECTURES
    conditional: bool = False  # needs a labelled dataset
    loss: str = "bce"
    noise_dim: int = 100
    width: int = 64  # G's narrowest and D's first layer
    d_width: int | None = None  # D's first layer when it differs from G's
    depth: int = 1  # convolutions per resolution (gan_core.models.config.ModelConfig.depth)
    embed_dim: int = 50

    def model(self, info: DatasetInfo, spectral_norm: bool = False) -> ModelConfig:
        return ModelConfig(image_shape=info.image_shape, noise_dim=self.noise_dim,
                           num_classes=len(info.class_names) if self.conditional else 0, g_width=self.width,
                           d_width=self.d_width or self.width, embed_dim=self.embed_dim,
                           d_spectral_norm=spectral_norm, architecture=self.architecture,
                           depth=self.depth)  # fmt: skip


RECIPES = {
    # The TF DCGAN tutorial's networks (64-128-256 in G, 64-128 in D, BCE): reproducing it is part of the point.
    "tutorial": Recipe("TF tutorial networks (DCGAN)"),
    "tutorial-conditional": Recipe("TF tutorial networks, class-conditional", conditional=True),
    # The shipped models' networks (scripts/train_bundled_conditional.py): class-conditional batch norm in G, a
    # projection discriminator, hinge loss; narrower, so many more updates per CPU-minute.
    "biggan-small": Recipe("BigGAN-style small networks, class-conditional", architecture="biggan",
                           conditional=True, loss="hinge", noise_dim=64, width=32, embed_dim=32),
    # The same with two convolutions per resolution and a D twice as wide (SNGAN's standard CNN): for colour
    # pictures, where the one-convolution D is too weak a critic.
    "biggan-deep": Recipe("BigGAN-style networks, two convolutions per scale, class-conditional",
                          architecture="biggan", conditional=True, loss="hinge", noise_dim=64, width=32, d_width=64,
                          depth=2, embed_dim=32),
}
# dataset -> the recipe that won quality per CPU-minute (`python -m bench.quality_per_minute --recipes`, the table
# in bench/RESULTS.md): at 10 minutes on 2 cores, MNIST FID 9.9 against the tutorial networks' 43.3, Fashion-MNIST
# 3.6 against 16.8; Emoji (two runs at once, a core each) 56.7 against the deeper pair's 72.7, which is slower to
# start. Datasets not measured yet keep the tutorial's networks.
DEFAULT_RECIPES: dict[str, str] = {"mnist": "biggan-small", "fashion_mnist": "biggan-small", "emoji": "biggan-small"}


def recipes_for(info: DatasetInfo) -> list[str]:
    """The recipes a dataset can train: conditional ones need labels."""
    return [key for key, recipe in RECIPES.items() if info.class_names or not recipe.conditional]


def default_recipe(info: DatasetInfo) -> str:
    """The dataset's best recipe per CPU-minute where one was measured, else the tutorial's networks."""
    chosen = DEFAULT_RECIPES.get(info.name, "tutorial")
    return chosen if chosen in recipes_for(info) else "tutorial"


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
    info: DatasetInfo, conditional: bool | None = None, spectral_norm: bool = False, train_count: int | None = None,
    recipe: str | None = None, **train_changes: object,
) -> RunConfig:
    """A run config for `info`'s images; keyword arguments override the training defaults. `recipe` names the
    networks (RECIPES); without one, `conditional` True or False picks the tutorial's networks with or without
    labels, and None the dataset's best recipe (default_recipe). Given the number of training images, the default
    batch shrinks to one that an epoch fills (a small imported set)."""
    if recipe is None:
        recipe = default_recipe(info) if conditional is None else "tutorial" + ("-conditional" * conditional)
    elif recipe == "tutorial" and conditional:
        recipe = "tutorial-conditional"
    if recipe not in RECIPES:
        raise ValueError(f"no recipe named {recipe!r}; the recipes are {', '.join(RECIPES)}")
    chosen = RECIPES[recipe]
    if chosen.conditional and not info.class_names:
        raise ValueError(f"{info.title} has no labels, so a conditional model cannot be trained on it")
    model = chosen.model(info, spectral_norm)
    # A registry dataset is named; a folder of your images is recorded by its path (its name alone may not resolve).
    dataset = str(info.source.detail) if info.source.kind is SourceKind.OWN else info.name
    # Quality per CPU-minute (bench/quality_per_minute.py, bench/RESULTS.md): on a CPU, small batches give many
    # more updates per minute, and sampling from an average of G's weights gives cleaner samples at no cost.
    batch = SMALL_IMAGE_BATCH if info.image_shape[0] <= 28 else LARGE_IMAGE_BATCH
    if train_count is not None:
        batch = fitting_batch(batch, train_count)
    train = TrainConfig(dataset=dataset, conditional=chosen.conditional, batch_size=batch, loss=chosen.loss,
                        ema_decay=DEFAULT_EMA_DECAY)  # fmt: skip
    if (classifier_folder(info.name) / "classifier.json").is_file():  # live FID and class coverage come cheap
        train = train.with_changes(eval_every=LIVE_EVAL_EVERY)
    if info.source.count < SMALL_DATASET:
        train = train.with_changes(diffaugment=("translation", "cutout", "color"), epochs=50)
    return RunConfig(model, train.with_changes(**train_changes))
