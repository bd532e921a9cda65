"""Generator weights files written before issue 18, when the models had their own convolution layer classes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import h5py
import numpy as np
import pytest

from gan_core.models.config import ModelConfig
from gan_core.models.dcgan import build_generator
from gan_core.models.weights_file import load_weights_file

FIXTURES = Path(__file__).parent / "fixtures"
ERA_WEIGHTS = FIXTURES / "sub_pixel_era_generator.weights.h5"  # written by the sub-pixel layers' code itself


def era_config() -> ModelConfig:
    return ModelConfig.from_dict(json.loads((FIXTURES / "sub_pixel_era_generator.json").read_text()))


def test_a_config_naming_the_old_layer_choice_still_reads() -> None:
    data = json.loads((FIXTURES / "sub_pixel_era_generator.json").read_text())
    assert data["conv_layers"] == "fast"
    assert era_config().g_width == 2 and era_config().num_classes == 3
    with pytest.raises(ValueError, match="unknown model settings: turbo"):
        ModelConfig.from_dict({**data, "turbo": True})


def test_a_sub_pixel_era_file_loads_into_todays_stock_layers_with_its_numbers() -> None:
    generator = build_generator(era_config())
    with pytest.raises(ValueError):  # Keras alone cannot: the layers' names changed
        generator.load_weights(str(ERA_WEIGHTS))
    load_weights_file(generator, ERA_WEIGHTS)
    with h5py.File(ERA_WEIGHTS) as f:
        stored = {name: [np.asarray(f[f"layers/{name}/vars/{i}"]) for i in range(len(f[f"layers/{name}/vars"]))]
                  for name in f["layers"]}  # fmt: skip
    transposed = [layer for layer in generator.layers if type(layer).__name__ == "Conv2DTranspose"]
    names = ["conv2d_transpose_stride1", "conv2d_transpose_stride2", "conv2d_transpose_stride2_1"]
    for layer, name in zip(transposed, names, strict=True):
        np.testing.assert_array_equal(layer.kernel.numpy(), stored[name][0])
    np.testing.assert_array_equal(generator.get_layer("class_embedding").kernel.numpy(), stored["dense"][0])
    assert ERA_WEIGHTS.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"  # the fixture itself is left as it was


def test_todays_files_load_directly_and_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    source = build_generator(era_config())
    source.save_weights(str(tmp_path / "g.weights.h5"))
    target = build_generator(era_config())
    load_weights_file(target, tmp_path / "g.weights.h5")
    for a, b in zip(source.get_weights(), target.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    wider = build_generator(replace(era_config(), g_width=4))
    with pytest.raises(ValueError):
        load_weights_file(wider, ERA_WEIGHTS)


def test_a_file_that_is_not_hdf5_is_refused_in_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "generator.weights.h5"
    bad.write_bytes(b"<html>a proxy's error page</html>")
    with pytest.raises(ValueError, match=r"generator\.weights\.h5 is not a Keras weights file"):
        load_weights_file(build_generator(era_config()), bad)


def test_a_run_whose_generator_file_is_the_old_kind_or_garbage_opens_or_says_so(tmp_path: Path) -> None:
    from gan_core.runs.checkpoints import CheckpointMismatchError
    from gan_core.runs.sampler import RunSampler
    from gan_core.training.config import TrainConfig
    from gan_core.training.run_config import RunConfig

    run = tmp_path / "old-run"
    run.mkdir()
    (run / "config.json").write_text(RunConfig(era_config(), TrainConfig(conditional=True)).to_json())
    (run / "generator.weights.h5").write_bytes(ERA_WEIGHTS.read_bytes())
    assert RunSampler(run).sample(2, seed=0, labels=np.array([0, 2])).shape == (2, 28, 28, 1)
    (run / "generator.weights.h5").write_bytes(b"cut off")
    with pytest.raises(CheckpointMismatchError, match=r"do not fit its config\.json"):
        RunSampler(run)
