"""Load a model's Keras ``.weights.h5``, including files written while the models had their own convolution layers.

Until issue 18 the models could be built from sub-pixel subclasses of Keras's Conv2DTranspose, Conv2D and
Dropout: the same variables, but Keras keys each layer's weights in the file by its class name (snake case,
numbered in layer order), so ``conv2d_transpose_stride2_1`` is now ``conv2d_transpose_2``. Such a file loads
through a renamed copy; its numbers are used as they are.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import h5py
import keras

# (stock class, strides) -> the class name those layers had: Conv2DTransposeStride1, Conv2DTransposeStride2, ...
_SUB_PIXEL_ERA_CLASSES = {
    ("Conv2DTranspose", (1, 1)): "Conv2DTransposeStride1",
    ("Conv2DTranspose", (2, 2)): "Conv2DTransposeStride2",
    ("Conv2D", (2, 2)): "Conv2DStride2",
    ("Dropout", None): "Dropout16",
}


def load_weights_file(model: keras.Model, path: Path) -> None:
    """``model.load_weights(path)``; a file of the sub-pixel era goes through a copy with today's layer names.
    Anything that is not a weights file for this model raises ValueError."""
    try:
        model.load_weights(str(path))
    except OSError as exc:  # not an HDF5 file (cut off, or something else under the name)
        raise ValueError(f"{path.name} is not a Keras weights file ({exc})") from exc
    except ValueError:
        renames = _renames(model)
        with h5py.File(path, "r") as f:
            stored = set(f.get("layers", {}))
        if not renames or not set(renames) <= stored:
            raise
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "renamed.weights.h5"
            shutil.copyfile(path, copy)
            with h5py.File(copy, "r+") as f:
                for old, new in renames.items():
                    f["layers"].move(old, new)
            model.load_weights(str(copy))


def _renames(model: keras.Model) -> dict[str, str]:
    """{name in a sub-pixel-era file: name Keras looks for now}, for the layers whose class was different."""
    now, then = _numbered_names(model, lambda layer: type(layer).__name__), _numbered_names(model, _era_class)
    return {old: new for old, new in zip(then, now, strict=True) if old != new}


def _era_class(layer: keras.layers.Layer) -> str:
    name = type(layer).__name__
    strides = getattr(layer, "strides", None)
    return _SUB_PIXEL_ERA_CLASSES.get((name, tuple(strides) if strides else None), name)


def _numbered_names(model: keras.Model, class_name) -> list[str]:
    """The group name Keras's saving gives each layer: its class in snake case, then _1, _2, ... for repeats."""
    seen: dict[str, int] = {}
    names = []
    for layer in model.layers:
        base = _snake_case(class_name(layer))
        names.append(f"{base}_{seen[base]}" if base in seen else base)
        seen[base] = seen.get(base, 0) + 1
    return names


def _snake_case(name: str) -> str:
    """Keras's own rule (keras.src.utils.naming.to_snake_case): Conv2DTransposeStride1 -> conv2d_transpose_stride1."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
