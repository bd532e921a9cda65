"""A Keras generator from elsewhere (a `.keras` file): noise in, pictures out, an optional class input, read from
the model's own inputs. What it cannot use is said in one sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gan_core.errors import PlaygroundError
from gan_core.explore.classes import ClassCatalog
from gan_core.explore.samplers import FindsDirections, SamplerInfo, as_class_matrix, check_request, to_rgb_uint8

NEEDS = ("noise [N, Z] in (and optionally a class: an int [N] or a one-hot [N, C]) and pictures [N, H, W, 1 or 3] "
         "in [-1, 1] out")  # fmt: skip


class NotAGeneratorError(PlaygroundError):
    pass


class KerasFileSampler(FindsDirections):
    """numpy in, numpy out, for any Keras generator whose inputs say what they are."""

    def __init__(self, path: Path, title: str, source: str) -> None:
        import keras

        try:
            self.model = keras.saving.load_model(path, compile=False)
        except Exception as exc:  # another Keras's file, custom layers, a Lambda (refused by safe mode), a broken zip
            raise NotAGeneratorError(f"{path.name} does not open in Keras {keras.__version__} here "
                                     f"({type(exc).__name__}): it may need another Keras version or code of its "
                                     "own; this project opens generators built from stock layers."
                                     ) from None  # fmt: skip
        self._noise_first = True
        noise, self._class_input = self._read_inputs(path.name)
        shape = tuple(self.model.outputs[0].shape)
        if len(shape) != 4 or shape[1] != shape[2] or shape[3] not in (1, 3) or shape[1] is None:
            raise NotAGeneratorError(f"{path.name} returns {shape}, not square pictures: a generator here takes "
                                     f"{NEEDS}.")  # fmt: skip
        classes = int(self._class_input[1]) if self._class_input else 0
        names = tuple(str(i) for i in range(classes))
        self.catalog = ClassCatalog.from_names(names) if names else None
        self.info = SamplerInfo(path.stem, title, names, int(noise.shape[1]), int(shape[1]), source,
                                channels=int(shape[3]))  # fmt: skip

    def _read_inputs(self, name: str):
        """(the noise input, (kind 'index' or 'one_hot', class count) or None)."""
        inputs = list(self.model.inputs)
        floats = [i for i in inputs if len(i.shape) == 2 and "float" in str(i.dtype) and i.shape[1]]
        if not inputs or len(inputs) > 2 or not floats:
            shapes = [tuple(i.shape) for i in inputs]
            raise NotAGeneratorError(f"{name} takes {len(inputs)} inputs of shapes {shapes}: a generator here takes "
                                     f"{NEEDS}.")  # fmt: skip
        noise = floats[0]
        if len(inputs) == 1:
            return noise, None
        other = inputs[1] if inputs[0] is noise else inputs[0]
        self._noise_first = inputs[0] is noise
        if len(other.shape) == 1 or (len(other.shape) == 2 and other.shape[1] == 1 and "int" in str(other.dtype)):
            count = self._class_count_from_layers()
            if count is None:
                raise NotAGeneratorError(f"{name}'s class input is an index, but the model does not say how many "
                                         "classes it has (no one-hot or embedding layer).")  # fmt: skip
            return noise, ("index", count)
        if len(other.shape) == 2 and other.shape[1]:
            return noise, ("one_hot", int(other.shape[1]))
        raise NotAGeneratorError(f"{name}'s second input {tuple(other.shape)} is not a class: a generator here takes "
                                 f"{NEEDS}.")  # fmt: skip

    def _class_count_from_layers(self) -> int | None:
        import keras

        for layer in self.model.layers:
            if isinstance(layer, keras.layers.CategoryEncoding):
                return int(layer.num_tokens)
            if isinstance(layer, keras.layers.Embedding):
                return int(layer.input_dim)
        return None

    def _inputs(self, noise, class_matrix):
        """The model's inputs in its order; a class index from the class matrix (numpy or tensors, not mixed)."""
        if self._class_input is None:
            return noise
        label = class_matrix
        if self._class_input[0] == "index":
            if isinstance(class_matrix, np.ndarray):
                label = np.argmax(class_matrix, axis=1).astype(np.int32)
            else:
                import tensorflow as tf

                label = tf.argmax(class_matrix, axis=1, output_type=tf.int32)
        return [noise, label] if self._noise_first else [label, noise]

    def sample(self, noise: np.ndarray, classes: np.ndarray | None, truncation: float) -> np.ndarray:
        noise = np.asarray(noise, np.float32)
        check_request(len(noise))
        matrix = None
        if self._class_input is not None:
            if classes is None:
                raise ValueError(f"{self.info.title} is class-conditional: choose classes")
            matrix = as_class_matrix(classes, self._class_input[1], len(noise)).astype(np.float32)
        images = np.asarray(self.model(self._inputs(noise, matrix), training=False), np.float32)
        return to_rgb_uint8(images)

    def pictures_tensor(self, noise, class_probs, truncation: float):
        import tensorflow as tf

        return tf.cast(self.model(self._inputs(noise, class_probs), training=False), tf.float32)

    def first_layer_kernel(self) -> np.ndarray:
        import keras

        for layer in self.model.layers:
            if isinstance(layer, keras.layers.Dense) and layer.kernel.shape[0] >= self.info.noise_dim:
                return np.asarray(layer.kernel.numpy(), np.float32)
        raise ValueError(f"{self.info.title} has no dense layer on its noise")
