"""One sampler interface for every generator: numpy in, numpy out, TensorFlow behind it.

    sampler.sample(noise [N, Z], classes [N] ids or [N, C] one-hot / mixed, truncation) -> uint8 [N, H, W, 3]

Implementations: BigGAN-deep from TF Hub (the real path), the class-conditional models this project trains
and ships (checkpoints/cgan-*), and any run folder from the Trainer (conditional or not). The caller draws
the noise with gan_core.models.latent.truncated_noise, which already applies the truncation; BigGAN also
gets the value itself, as its module expects. Truncation means one thing everywhere (the noise's scale: 1.0 is
the noise a model was trained on, lower trades variety for typical samples); each model says which value it
opens at (`SamplerInfo.default_truncation`). Calls are safe from several sessions at once (Keras models
and concrete functions run without shared mutable state).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from gan_core.explore.classes import ClassCatalog
from gan_core.explore.directions import TOP_DIRECTIONS, Directions, noise_rows, sefa
from gan_core.models.latent import TRUNCATION_RANGE, one_hot
from gan_core.models.precision import in_chosen_precision

MAX_SAMPLES = 64  # per request: a grid larger than this is refused with the cap shown


class TooManySamplesError(ValueError):
    pass


@dataclass(frozen=True)
class SamplerInfo:
    name: str
    title: str
    class_names: tuple[str, ...]  # () for an unconditional model
    noise_dim: int
    resolution: int
    source: str  # where the weights come from, in words
    truncation_range: tuple[float, float] = TRUNCATION_RANGE
    step: int | None = None  # the training step of a run's weights, when known
    # The truncation a first grid uses. 1.0 for the networks this project trains: they saw N(0, 1) noise, and a
    # young DCGAN draws nearly black pictures from noise half that long (pixel std 5 against 31 at one epoch).
    # BigGAN was trained to be truncated (orthogonal regularisation) and DeepMind's colab opens it at 0.5.
    default_truncation: float = 1.0
    truncation_reason: str = ""  # why it opens there, when neither of the two reasons below is it
    channels: int = 3  # the generator's own: 1 for a grey model (its pictures are still drawn in RGB)
    dataset: str = ""  # what a run was trained on, when known (an upload is made to look like it)

    @property
    def truncation_note(self) -> str:
        """Why this model opens at its default truncation, in a sentence."""
        if self.truncation_reason:
            return f"This model opens at {self.default_truncation:g}: {self.truncation_reason}"
        if self.default_truncation == 1.0:
            return ("This model opens at 1.0: the noise it was trained on, N(0, 1). Lower values shrink the noise "
                    "toward its centre, which a young model has barely learned.")
        return (f"This model opens at {self.default_truncation:g}, its usual setting: it was trained to be "
                "truncated.")

    @property
    def conditional(self) -> bool:
        return bool(self.class_names)


class Sampler(Protocol):
    info: SamplerInfo
    catalog: ClassCatalog | None

    def sample(self, noise: np.ndarray, classes: np.ndarray | None, truncation: float) -> np.ndarray: ...

    def directions(self) -> Directions: ...

    def pictures_tensor(self, noise, class_probs, truncation: float): ...


class FindsDirections:
    """The top SeFa directions of a sampler's generator, computed once (on first use) and kept with it."""

    info: SamplerInfo
    _directions: Directions | None = None

    def first_layer_kernel(self) -> np.ndarray:
        """The kernel [inputs, outputs] of the layer that takes the noise (its first info.noise_dim inputs)."""
        raise NotImplementedError

    def directions(self) -> Directions:
        if self._directions is None:
            self._directions = sefa(noise_rows(self.first_layer_kernel(), self.info.noise_dim), TOP_DIRECTIONS)
        return self._directions


def check_request(n: int, cap: int = MAX_SAMPLES) -> None:
    if n < 1:
        raise TooManySamplesError("ask for at least one sample")
    if n > cap:
        raise TooManySamplesError(f"{n} samples asked for; at most {cap} per request")


def as_class_matrix(classes: np.ndarray, num_classes: int, n: int) -> np.ndarray:
    """Class ids [n] or one-hot / mixed rows [n, C] -> float32 [n, C] (rows of a mix sum to 1)."""
    classes = np.asarray(classes)
    matrix = one_hot(classes, num_classes) if classes.ndim == 1 else classes.astype(np.float32)
    if matrix.shape != (n, num_classes):
        raise ValueError(f"classes must be {n} ids or a [{n}, {num_classes}] matrix, got shape {classes.shape}")
    return matrix


def to_rgb_uint8(images: np.ndarray) -> np.ndarray:
    """[-1, 1] floats -> uint8, grayscale repeated to three channels."""
    out = np.clip(np.rint((np.asarray(images, np.float32) + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return np.repeat(out, 3, axis=-1) if out.shape[-1] == 1 else out


class RunModelSampler(FindsDirections):
    """A run folder's generator (a shipped model in checkpoints/ or a run from the Trainer)."""

    def __init__(self, run_dir: Path, title: str | None = None, source: str = "") -> None:
        from gan_core.runs.sampler import RunSampler

        self._run = RunSampler(run_dir)
        model, train = self._run.config.model, self._run.config.train
        names = self._run.class_names
        self.catalog = ClassCatalog.from_names(names) if names else None
        step = f", step {self._run.step:,}" if self._run.step is not None else ""
        self.info = SamplerInfo(
            run_dir.name, title or run_dir.name, names, model.noise_dim, model.image_shape[0],
            source or f"run folder {run_dir}{step}", step=self._run.step, channels=model.image_shape[-1],
            dataset=train.dataset,
        )  # fmt: skip

    def sample(self, noise: np.ndarray, classes: np.ndarray | None, truncation: float) -> np.ndarray:
        noise = np.asarray(noise, np.float32)
        check_request(len(noise))
        if noise.shape[1] != self.info.noise_dim:
            raise ValueError(f"noise must be [N, {self.info.noise_dim}], got {noise.shape}")
        labels = None
        if self.info.conditional:
            if classes is None:
                raise ValueError(f"{self.info.title} is class-conditional: choose classes")
            labels = as_class_matrix(classes, len(self.info.class_names), len(noise))
        images = self._run.generate(noise, labels)
        return np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images

    def pictures_tensor(self, noise, class_probs, truncation: float):
        """Differentiable: tf noise [N, Z] (and a class mix [N, C]) -> pictures in [-1, 1], the model's channels
        (the noise is used as given: truncation is already in it)."""
        import tensorflow as tf

        inputs = noise if class_probs is None else [noise, class_probs]
        return tf.cast(self._run.generator(inputs, training=False), tf.float32)

    def export(self, folder: Path) -> list[Path]:
        """The generator to use elsewhere: `generator.keras` and `generator_savedmodel/` (gan_core.models.portable)."""
        return self._run.export(folder)

    def first_layer_kernel(self) -> np.ndarray:
        """The first Dense layer that is not the class embedding: it takes the noise (joined to the embedding in a
        class-conditional model, the noise first)."""
        import keras

        for layer in self._run.generator.layers:
            if isinstance(layer, keras.layers.Dense) and layer.name not in ("class_embedding", "shared_embedding"):
                return np.asarray(layer.kernel.numpy(), np.float32)
        raise ValueError(f"{self.info.title} has no dense layer on its noise")


BIGGAN_TRUNCATION = 0.5  # the TF Hub colab's default for BigGAN-deep

BIGGAN_HANDLES = {  # TF Hub handles (TF1 Hub format); about how many MB the download is
    "biggan-deep-128": ("https://tfhub.dev/deepmind/biggan-deep-128/1", "BigGAN-deep 128x128", 230),
    "biggan-deep-256": ("https://tfhub.dev/deepmind/biggan-deep-256/1", "BigGAN-deep 256x256", 230),
    "biggan-deep-512": ("https://tfhub.dev/deepmind/biggan-deep-512/1", "BigGAN-deep 512x512", 230),
}


class HubBigGANSampler(FindsDirections):
    """BigGAN(-deep) from TF Hub: signature 'default' with inputs z, y, truncation and output 'default' in
    [-1, 1]. Loaded with tensorflow_hub.load(handle).signatures['default'] in TF2 (hub.Module and
    hub.KerasLayer belong to TF1 / Keras 2). Noise size, class count and dtypes are read from the signature,
    and it is called by keyword: its inputs are sorted by name, so a positional call binds the wrong ones."""

    def __init__(self, handle: str, title: str | None = None, offline: bool = False) -> None:
        import tensorflow as tf

        from gan_core.models.hub import cached_path, is_remote, load_hub_model

        self._tf = tf
        from_cache = is_remote(handle) and cached_path(handle) is not None  # fetched before: no download now
        short = next((key for key, (known, *_) in BIGGAN_HANDLES.items() if known == handle), None)
        self._module = load_hub_model(handle, offline, title or "BigGAN", fetch_as=short)  # kept alive: its function
        self._fn = self._module.signatures["default"]
        specs = self._fn.structured_input_signature[1]
        self._specs = {name: specs[name] for name in ("z", "y", "truncation")}
        noise_dim, num_classes = int(self._specs["z"].shape[-1]), int(self._specs["y"].shape[-1])
        output = next(iter(self._fn.structured_outputs.values()))
        resolution = int(output.shape[1]) if output.shape.rank == 4 and output.shape[1] else 0
        catalog = ClassCatalog.imagenet()
        names = tuple(c.name for c in catalog.classes) if num_classes == len(catalog) else tuple(
            str(i) for i in range(num_classes))  # fmt: skip
        self.catalog = catalog if num_classes == len(catalog) else ClassCatalog.from_names(names)
        self.info = SamplerInfo(Path(handle).name, title or Path(handle).name, names, noise_dim, resolution,
                                f"TF Hub: {handle}" + (", from cache" if from_cache else ""),
                                default_truncation=BIGGAN_TRUNCATION)  # fmt: skip

    def sample(self, noise: np.ndarray, classes: np.ndarray | None, truncation: float) -> np.ndarray:
        tf = self._tf
        noise = np.asarray(noise)
        check_request(len(noise))
        if classes is None:
            raise ValueError("BigGAN is class-conditional: choose classes")
        y = as_class_matrix(classes, len(self.info.class_names), len(noise))
        with in_chosen_precision():  # the graph rewrite: the hub module itself is not edited
            out = self._fn(
                z=tf.constant(noise, self._specs["z"].dtype),
                y=tf.constant(y, self._specs["y"].dtype),
                truncation=tf.constant(truncation, self._specs["truncation"].dtype),
            )
        return to_rgb_uint8(next(iter(out.values())).numpy())

    def pictures_tensor(self, noise, class_probs, truncation: float):
        """Differentiable: tf noise [N, Z] and a class mix [N, C] -> pictures in [-1, 1] (the module's own)."""
        tf = self._tf
        if class_probs is None:
            raise ValueError("BigGAN is class-conditional: it needs classes")
        out = self._fn(z=tf.cast(noise, self._specs["z"].dtype), y=tf.cast(class_probs, self._specs["y"].dtype),
                       truncation=tf.constant(truncation, self._specs["truncation"].dtype))  # fmt: skip
        return tf.cast(next(iter(out.values())), tf.float32)

    def first_layer_kernel(self) -> np.ndarray:
        from gan_core.models.hub import first_layer_kernel

        # hub.load gives a TF1 Hub module `.variables`; a TF2 SavedModel's restored object has none, its function has
        variables = getattr(self._module, "variables", None) or self._fn.variables
        return first_layer_kernel(variables, self.info.noise_dim)
