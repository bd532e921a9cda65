"""A generator that travels: the same pictures from stock Keras layers only, for use where gan_core is not.

Two files from one trained generator (`export_generator`):
- `generator.keras`: `keras.saving.load_model` opens it with only Keras and TensorFlow installed. Inputs
  `noise` [N, Z] float32 (and `class_index` [N] int32 for a class-conditional model); output pictures
  [N, H, W, C] in [-1, 1] (tanh), as the model draws them. The project's class-conditional batch norm becomes
  the stock layers it is made of (a batch norm without gain or bias, two Dense maps of the class vector, a
  multiply and an add), sharing the trained weights, so the numbers are the same.
- `generator_savedmodel/`: a TensorFlow SavedModel (`tf.saved_model.load`, TF Serving) whose signature
  `pictures` (also `serving_default`) takes `noise` and `class_index` and returns `pictures`, uint8 [N, H, W, C].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gan_core.models.config import ModelConfig

KERAS_FILE = "generator.keras"
SAVEDMODEL_DIR = "generator_savedmodel"
ENDPOINT = "pictures"  # the SavedModel's signature, and the name of its output


def portable_generator(generator, cfg: ModelConfig):
    """`generator` rebuilt from stock layers in float32: (noise, class index) -> pictures in [-1, 1]."""
    import keras

    from gan_core.models.dcgan import build_generator
    from gan_core.models.precision import keras_policy

    with keras_policy("float32"):
        twin = build_generator(cfg)
        twin.set_weights([np.asarray(w, np.float32) for w in generator.get_weights()])
        noise = keras.Input((cfg.noise_dim,), name="noise")
        if not cfg.conditional:
            out = twin._run_through_graph([noise], operation_fn=_stock_operation)
            return keras.Model(noise, out, name="generator")
        index = keras.Input((), dtype="int32", name="class_index")
        one_hot = keras.layers.CategoryEncoding(cfg.num_classes, output_mode="one_hot", name="class_one_hot")(index)
        out = twin._run_through_graph([noise, one_hot], operation_fn=_stock_operation)
        return keras.Model([noise, index], out, name="generator")


def _stock_operation(operation):
    """The layer itself, or for a class-conditional batch norm the stock layers that compute the same."""
    from gan_core.models.biggan import ConditionalBatchNorm

    if not isinstance(operation, ConditionalBatchNorm):
        return operation
    return lambda inputs, **_: _stock_conditional_norm(operation, *inputs)


def _stock_conditional_norm(cbn, x, cond):
    """h * (1 + gain(cond)) + bias(cond), h the batch norm of x: the trained sublayers, joined by stock ones."""
    from keras import layers

    channels = x.shape[-1]
    shape = (1, 1, channels) if len(x.shape) == 4 else (channels,)
    gain = layers.Reshape(shape)(layers.Rescaling(1.0, offset=1.0)(cbn.gain(cond)))
    bias = layers.Reshape(shape)(cbn.bias(cond))
    return layers.Add()([layers.Multiply()([cbn.norm(x), gain]), bias])


def pictures_uint8(images):
    """Pictures in [-1, 1] -> uint8 0-255, rounded as the app rounds them (half to even)."""
    import tensorflow as tf

    return tf.cast(tf.clip_by_value(tf.round((images + 1.0) * 127.5), 0.0, 255.0), tf.uint8)


def export_generator(generator, cfg: ModelConfig, folder: Path) -> list[Path]:
    """Write `generator.keras` and `generator_savedmodel/` into `folder`; returns both paths."""
    import keras
    import tensorflow as tf

    folder.mkdir(parents=True, exist_ok=True)
    portable = portable_generator(generator, cfg)
    keras_path = folder / KERAS_FILE
    portable.save(keras_path)
    specs = [tf.TensorSpec([None, cfg.noise_dim], tf.float32, name="noise")]
    if cfg.conditional:
        specs.append(tf.TensorSpec([None], tf.int32, name="class_index"))

        def draw(noise, class_index):
            return {ENDPOINT: pictures_uint8(portable([noise, class_index], training=False))}
    else:

        def draw(noise):
            return {ENDPOINT: pictures_uint8(portable(noise, training=False))}

    archive = keras.export.ExportArchive()
    archive.track(portable)
    archive.add_endpoint(ENDPOINT, draw, input_signature=specs)
    archive.write_out(str(folder / SAVEDMODEL_DIR), verbose=False)
    return [keras_path, folder / SAVEDMODEL_DIR]
