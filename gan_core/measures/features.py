"""Feature extractors behind one interface: uint8 images in, float64 feature vectors out, each with its name.

Numbers computed on different features are not comparable, so every extractor carries a `name` that every
result repeats. Here:
- the standard FID network: the 2015 Inception graph that published FIDs use, TF-GAN's module on TF Hub
  (`tfgan/eval/inception/1`), pool_3 2048-d features, images resized to 299 px the way TF-GAN does;
- this project's domain classifiers for MNIST and Fashion-MNIST (small CNNs trained on the bundled subsets
  and shipped in checkpoints/), whose penultimate layer gives 128-d features for an offline FID and whose
  softmax gives the class signals (coverage, mode collapse).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from gan_core.errors import PlaygroundError
from gan_core.models.precision import in_chosen_precision
from gan_core.settings import CHECKPOINTS_DIR

CLASSIFIER_FORMAT = "gan-playground/classifier-v1"


class EvaluationSetupError(PlaygroundError):
    """The evaluation cannot start: no features for this dataset, a sample count out of range, and so on."""


class FeatureExtractor(Protocol):
    name: str  # shown beside every number computed with it, e.g. "MNIST classifier (128-d, this project)"
    dim: int

    def features(self, images: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class ClassifierConfig:
    dataset: str  # registry name of the data it was trained on
    image_shape: tuple[int, int, int] = (28, 28, 1)
    num_classes: int = 10
    feature_dim: int = 128  # width of the penultimate layer: the FID features


def build_classifier(cfg: ClassifierConfig):
    """A small CNN: two conv blocks, a 128-unit feature layer, softmax over the classes."""
    import keras
    from keras import layers

    inputs = keras.Input(cfg.image_shape, name="image")  # uint8 values as float, scaled inside
    x = layers.Rescaling(1 / 127.5, offset=-1.0)(inputs)
    for filters in (32, 64):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    features = layers.Dense(cfg.feature_dim, activation="relu", name="features")(x)
    x = layers.Dropout(0.3)(features)
    outputs = layers.Dense(cfg.num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, [outputs, features], name=f"{cfg.dataset}_classifier")


class DomainClassifier:
    """A shipped domain classifier: features for FID/KID/PR and class probabilities for coverage signals."""

    def __init__(self, folder: Path) -> None:
        meta = json.loads((folder / "classifier.json").read_text())
        if meta.get("format") != CLASSIFIER_FORMAT:
            raise ValueError(f"{folder} is not a GAN Playground classifier")
        self.config = ClassifierConfig(
            meta["dataset"], tuple(meta["image_shape"]), meta["num_classes"], meta["feature_dim"]
        )
        self.test_accuracy: float = meta["test_accuracy"]
        self.model = build_classifier(self.config)
        self.model.load_weights(str(folder / "classifier.weights.h5"))
        import tensorflow as tf

        signature = [tf.TensorSpec([None, *self.config.image_shape], tf.float32)]
        # One graph for every batch: faster than eager calls, and the graph the precision setting rewrites.
        self._forward = tf.function(lambda x: self.model(x, training=False), input_signature=signature)
        self.dim = self.config.feature_dim
        self.name = f"{meta['title']} classifier ({self.dim}-d, this project; test accuracy {self.test_accuracy:.1%})"

    def _run(self, images: np.ndarray, batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
        if images.dtype != np.uint8 or images.shape[1:] != self.config.image_shape:
            raise ValueError(
                f"expected uint8 images of shape {self.config.image_shape}, got {images.dtype} {images.shape[1:]}"
            )
        probs, feats = [], []
        with in_chosen_precision():
            for start in range(0, len(images), batch):
                p, f = self._forward(images[start : start + batch].astype(np.float32))
                probs.append(np.asarray(p))
                feats.append(np.asarray(f))
        return np.concatenate(probs), np.concatenate(feats).astype(np.float64)

    def features(self, images: np.ndarray) -> np.ndarray:
        return self._run(images)[1]

    def features_and_classes(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both from one pass: features [N, dim] and class probabilities [N, num_classes]."""
        probs, features = self._run(images)
        return features, probs

    def classify(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities [N, num_classes]."""
        return self._run(images)[0]


INCEPTION_HANDLE = "https://tfhub.dev/tensorflow/tfgan/eval/inception/1"
INCEPTION_SIZE = 299


class InceptionExtractor:
    """pool_3 features of TF-GAN's Inception module (the network behind published FIDs), from TF Hub."""

    def __init__(self, handle: str = INCEPTION_HANDLE, offline: bool = False) -> None:
        from gan_core.models.hub import load_hub_model

        module = load_hub_model(handle, offline, "The Inception network for FID")
        signatures = getattr(module, "signatures", {})
        self._fn = signatures.get("default", module)
        self.handle = handle
        self.dim = 2048
        self.name = "Inception pool_3 (TF-GAN's FID network, 2048-d)"

    def preprocess(self, images: np.ndarray):
        """uint8 [N, H, W, 1 or 3] -> float32 [N, 299, 299, 3] in [-1, 1]: TF-GAN's preprocess_image
        (bilinear resize of the 0..255 values, then (x - 128) / 128)."""
        import tensorflow as tf

        x = tf.convert_to_tensor(images, tf.float32)
        if x.shape[-1] == 1:
            x = tf.tile(x, [1, 1, 1, 3])
        x = tf.compat.v1.image.resize_bilinear(x, [INCEPTION_SIZE, INCEPTION_SIZE])
        return (x - 128.0) / 128.0

    def features(self, images: np.ndarray, batch: int = 100) -> np.ndarray:
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise ValueError(f"expected uint8 images [N, H, W, 1 or 3], got {images.dtype} {images.shape}")
        out = []
        with in_chosen_precision():
            for start in range(0, len(images), batch):
                result = self._fn(images=self.preprocess(images[start : start + batch]))
                pool = result["pool_3"] if isinstance(result, dict) else result
                out.append(np.asarray(pool, np.float64).reshape(len(pool), -1))
        features = np.concatenate(out)
        self.dim = features.shape[1]
        return features


def extractor_for(features: str, offline: bool = False):
    """'inception' or a dataset name with a shipped classifier ('mnist', 'fashion_mnist')."""
    if features == "inception":
        return InceptionExtractor(offline=offline)
    return domain_extractor(features)


def classifier_folder(dataset: str) -> Path:
    return CHECKPOINTS_DIR / f"classifier-{dataset.replace('_', '-')}"


def domain_extractor(dataset: str):
    """The shipped domain classifier for `dataset`, or a clear error naming what exists."""
    folder = classifier_folder(dataset)
    if not (folder / "classifier.json").is_file():
        raise EvaluationSetupError(
            f"no domain classifier ships for '{dataset}'; offline evaluation covers MNIST and Fashion-MNIST"
        )
    return DomainClassifier(folder)
