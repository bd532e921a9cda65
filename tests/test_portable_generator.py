"""A generator that travels (issue 38.1): its exported files open where gan_core is not, and draw the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gan_core.models.config import ModelConfig
from gan_core.models.portable import ENDPOINT, KERAS_FILE, SAVEDMODEL_DIR, export_generator

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh Python from a folder outside the repository, gan_core not importable: the two files alone.
ELSEWHERE = """
import importlib.util, json, sys
import numpy as np
assert importlib.util.find_spec("gan_core") is None, "gan_core is importable"
import keras, tensorflow as tf
out = {}
for name, spec in json.loads(sys.argv[1]).items():
    noise = np.load(spec["noise"])
    classes = np.asarray(spec["classes"], np.int32) if spec["classes"] is not None else None
    model = keras.saving.load_model(spec["folder"] + "/generator.keras")
    pictures = model.predict([noise, classes] if classes is not None else noise, verbose=0)
    from_keras = np.clip(np.rint((pictures + 1.0) * 127.5), 0, 255).astype(np.uint8)
    served = tf.saved_model.load(spec["folder"] + "/generator_savedmodel")
    call = served.signatures["serving_default"]
    kwargs = {"noise": tf.constant(noise)}
    if classes is not None:
        kwargs["class_index"] = tf.constant(classes)
    from_savedmodel = call(**kwargs)["pictures"].numpy()
    np.save(spec["folder"] + "/keras.npy", from_keras)
    np.save(spec["folder"] + "/savedmodel.npy", from_savedmodel)
    out[name] = [str(from_savedmodel.dtype), [l.__class__.__module__.split(".")[0] for l in model.layers]]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """name -> (folder, noise, classes, the app's own pixels for them in float32)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAN_PLAYGROUND_PRECISION", "float32")  # the app in float32: the files compute in it
        return _export_three(tmp_path_factory.mktemp("exported"))


def _export_three(tmp_path: Path) -> dict:
    from gan_core.runs.sampler import RunSampler

    made = {}
    rng = np.random.default_rng(5)
    for name in ("cgan-mnist", "demo-mnist-dcgan"):
        sampler = RunSampler(ROOT / "checkpoints" / name)
        cfg = sampler.config.model
        noise = rng.standard_normal((12, cfg.noise_dim)).astype(np.float32)
        classes = np.arange(12) % cfg.num_classes if cfg.conditional else None
        folder = tmp_path / name
        export_generator(sampler.generator, cfg, folder)
        made[name] = (folder, noise, classes, sampler.generate(noise, classes))
    # The two-convolution recipe, its conditional batch norms given non-zero gains and biases (they start at 0)
    from gan_core.models.dcgan import build_generator

    cfg = ModelConfig(image_shape=(32, 32, 3), noise_dim=16, num_classes=4, g_width=8, embed_dim=8,
                      architecture="biggan", depth=2)  # fmt: skip
    generator = build_generator(cfg)
    for w in generator.weights:  # moving variances stay positive
        value = rng.normal(0, 0.2, w.shape)
        w.assign((np.abs(value) + 0.5 if "variance" in w.path else value).astype(np.float32))
    noise = rng.standard_normal((8, cfg.noise_dim)).astype(np.float32)
    classes = np.array([0, 1, 2, 3, 3, 2, 1, 0])
    export_generator(generator, cfg, tmp_path / "deep")
    own = generator([noise, np.eye(4, dtype=np.float32)[classes]], training=False).numpy()
    made["deep"] = (tmp_path / "deep", noise, classes, np.clip(np.rint((own + 1) * 127.5), 0, 255).astype(np.uint8))
    return made


def test_the_exported_files_open_without_gan_core_and_draw_the_apps_pictures(exported, tmp_path):
    specs = {}
    for name, (folder, noise, classes, _) in exported.items():
        np.save(folder / "noise.npy", noise)
        specs[name] = {"folder": str(folder), "noise": str(folder / "noise.npy"),
                       "classes": None if classes is None else classes.tolist()}  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GAN_PLAYGROUND_PRECISION")}
    done = subprocess.run([sys.executable, "-P", "-c", ELSEWHERE, json.dumps(specs)], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for name, (folder, _, _, app_pixels) in exported.items():
        dtype, modules = report[name]
        assert dtype == "uint8"
        assert set(modules) == {"keras"}, modules  # stock layers only
        for file in ("keras.npy", "savedmodel.npy"):
            pixels = np.load(folder / file)
            assert pixels.shape == app_pixels.shape
            assert np.abs(pixels.astype(int) - app_pixels.astype(int)).max() <= 2, (name, file)
        assert app_pixels.std() > 10  # real pictures, not a blank the copies could match by accident


def test_the_files_keep_what_a_reader_needs(exported):
    folder = exported["cgan-mnist"][0]
    assert (folder / KERAS_FILE).is_file() and (folder / SAVEDMODEL_DIR / "saved_model.pb").is_file()
    import tensorflow as tf

    served = tf.saved_model.load(str(folder / SAVEDMODEL_DIR))
    signature = served.signatures[ENDPOINT]
    assert set(signature.structured_input_signature[1]) == {"noise", "class_index"}
    assert signature.structured_input_signature[1]["class_index"].dtype == tf.int32
    assert set(signature.structured_outputs) == {ENDPOINT}


def test_the_cli_exports_a_shipped_model_and_refuses_a_folder_in_use(tmp_path, capsys):
    from gan_core.cli import main

    out = tmp_path / "mnist-generator"
    assert main(["export", "--model", "mnist", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "noise and class_index in, uint8 pictures out" in printed
    assert (out / KERAS_FILE).is_file() and (out / SAVEDMODEL_DIR / "saved_model.pb").is_file()
    assert main(["export", "--model", "mnist", "--out", str(out)]) == 1  # nothing overwritten
    error = capsys.readouterr().err.strip()
    assert error.endswith("is not empty: choose a new folder with --out.") and len(error.splitlines()) == 1
