"""Tiny models and synthetic data for training tests (8-16 channel layers, a few dozen images)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np

from gan_core.data.types import DatasetInfo, DataSource, ImageDataset, SourceKind
from gan_core.models.config import ModelConfig
from gan_core.training.config import TrainConfig
from gan_core.training.run_config import RunConfig


def two_class_dataset(n: int = 64, size: int = 28, channels: int = 1) -> ImageDataset:
    """Class 0: dark images, class 1: bright images, with a little noise: easy to tell apart and to learn."""
    rng = np.random.default_rng(0)
    labels = (np.arange(n) % 2).astype(np.uint8)
    base = np.where(labels == 1, 220, 30).astype(np.int16)[:, None, None, None]
    images = np.clip(base + rng.integers(-20, 21, (n, size, size, channels)), 0, 255).astype(np.uint8)
    info = DatasetInfo("two_class", "Two classes", ("dark", "bright"), (size, size, channels),
                       DataSource(SourceKind.OWN, n, "synthetic"))  # fmt: skip
    return ImageDataset(images, labels, np.zeros(n, bool), info)


def tiny_model(size: int = 28, channels: int = 1, num_classes: int = 0) -> ModelConfig:
    return ModelConfig(image_shape=(size, size, channels), noise_dim=16, num_classes=num_classes, g_width=8, d_width=8)


def tiny_run_config(**train: object) -> RunConfig:
    defaults: dict[str, object] = dict(
        dataset="two_class", epochs=2, batch_size=16, sample_every=2, checkpoint_every=4, preview_count=4
    )
    conditional = bool(train.get("conditional", False))
    return RunConfig(tiny_model(num_classes=2 if conditional else 0), TrainConfig(**(defaults | train)))


def synthetic_loader(config: RunConfig) -> ImageDataset:
    return two_class_dataset()


class StepClock:
    """A clock the test controls: every reading is `tick` seconds after the last, however busy the machine is
    (a training loop reads it once per step, so each step takes `tick` seconds of training time)."""

    def __init__(self, tick: float = 0.5) -> None:
        self.tick, self.now = tick, 0.0

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def run_dir(tmp_path: Path, name: str = "run") -> Path:
    return tmp_path / "runs" / name


def random_png_uploads(n: int, side: int = 64, seed: int = 0) -> list[tuple[str, bytes]]:
    """n noise pictures as (file name, PNG bytes), as a browser upload gives them."""
    import io

    from PIL import Image

    rng = np.random.default_rng(seed)
    uploads = []
    for i in range(n):
        buf = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8)).save(buf, "PNG")
        uploads.append((f"{i}.png", buf.getvalue()))
    return uploads


def tiny_biggan(path: Path, noise_dim: int = 128, num_classes: int = 1000, size: int = 8) -> Path:
    """A TF1 SavedModel with BigGAN-deep's TF Hub signature: 'default', inputs z [N, noise_dim], y [N, C]
    and truncation [] (all float32), output 'default' [N, size, size, 3] in [-1, 1]."""
    import tensorflow as tf

    graph = tf.Graph()
    with graph.as_default():
        z = tf.compat.v1.placeholder(tf.float32, [None, noise_dim], name="z")
        y = tf.compat.v1.placeholder(tf.float32, [None, num_classes], name="y")
        truncation = tf.compat.v1.placeholder(tf.float32, [], name="truncation")
        pixels = size * size * 3
        w_z = tf.compat.v1.get_variable("w_z", [noise_dim, pixels], initializer=tf.random_normal_initializer(seed=1))
        w_y = tf.compat.v1.get_variable("w_y", [num_classes, pixels], initializer=tf.random_normal_initializer(seed=2))
        mixed = (tf.matmul(z, w_z) / truncation + tf.matmul(y, w_y)) * 0.1
        image = tf.reshape(tf.tanh(mixed), [-1, size, size, 3])
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            builder = tf.compat.v1.saved_model.Builder(str(path))
            signature = tf.compat.v1.saved_model.predict_signature_def(
                inputs={"z": z, "y": y, "truncation": truncation}, outputs={"default": image}
            )
            builder.add_meta_graph_and_variables(session, [], signature_def_map={"default": signature})
            builder.save()
    return path


def biggan_tarball(tmp_path: Path, served_folder: Path) -> str:
    """A stand-in BigGAN module (the hub signature, tiny weights) packed as a TF Hub compressed module."""
    module = tiny_biggan(tmp_path / "module")
    with tarfile.open(served_folder / "biggan-standin.tar.gz", "w:gz") as tar:
        for path in sorted(module.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(module)), recursive=False)
    return "biggan-standin.tar.gz"


def tiny_inception(path: Path, dim: int = 8) -> Path:
    """A SavedModel with the TF-GAN Inception module's interface: signature 'default', input `images`
    [N, 299, 299, 3] in [-1, 1], outputs `pool_3` [N, 1, 1, dim] and `logits`."""
    import tensorflow as tf

    class TinyInception(tf.Module):
        def __init__(self) -> None:
            self.w = tf.Variable(tf.random.stateless_normal([3, dim], seed=[1, 2]))

        @tf.function(input_signature=[tf.TensorSpec([None, 299, 299, 3], tf.float32, name="images")])
        def default(self, images):
            pooled = tf.reduce_mean(images, axis=[1, 2]) @ self.w
            extremes = tf.stack([tf.reduce_min(images), tf.reduce_max(images)])
            logits = tf.tile(extremes[None], [tf.shape(images)[0], 1])
            return {"pool_3": tf.reshape(pooled, [-1, 1, 1, dim]), "logits": logits}

    module = TinyInception()
    tf.saved_model.save(module, str(path), signatures={"default": module.default})
    return path
