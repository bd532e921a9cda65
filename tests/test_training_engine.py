"""The compiled GAN step on real (tiny) models: every shape learns, conditions are followed, replicas agree."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from dataclasses import replace

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import REPO
from gan_fixtures import tiny_model, two_class_dataset

from gan_core.data.pipeline import PipelineConfig, make_pipeline
from gan_core.models.config import ModelConfig
from gan_core.models.tracing import custom_gradient_count
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.sampler import RunSampler
from gan_core.training.config import TrainConfig
from gan_core.training.engine import DivergenceError, GANTrainer


def train(trainer: GANTrainer, data, steps: int, batch: int = 16) -> list:
    ds = make_pipeline(data.images, data.labels, PipelineConfig(batch, with_labels=trainer.model_config.conditional))
    batches = iter(trainer.distribute(ds.repeat()))
    return [trainer.train_step(next(batches)) for _ in range(steps)]


@pytest.mark.parametrize(("size", "channels"), [(28, 1), (32, 3), (64, 3)])
@pytest.mark.parametrize("loss", ["bce", "hinge"])
def test_discriminator_loss_falls_on_an_easy_set(size: int, channels: int, loss: str) -> None:
    tf.random.set_seed(0)
    data = two_class_dataset(32, size, channels)
    trainer = GANTrainer(tiny_model(size, channels), TrainConfig(batch_size=16, loss=loss, lr_d=1e-3, lr_g=1e-4))
    history = train(trainer, data, 20)
    first = history[0].d_loss_real + history[0].d_loss_fake
    last = np.mean([m.d_loss_real + m.d_loss_fake for m in history[-3:]])
    assert last < 0.7 * first
    assert history[-1].step == 20
    assert trainer.preview().shape == (64, size, size, channels)


def test_wgan_gp_and_extra_discriminator_steps_run() -> None:
    trainer = GANTrainer(tiny_model(), TrainConfig(batch_size=16, loss="wgan-gp", d_steps=3))
    history = train(trainer, two_class_dataset(), 3)
    assert all(np.isfinite(list(m.as_dict().values())).all() for m in history)
    assert int(trainer.d_optimizer.iterations.numpy()) == 9  # three D updates per step
    assert int(trainer.g_optimizer.iterations.numpy()) == 3


def test_a_loss_changed_between_steps_is_the_one_the_next_steps_train_with() -> None:
    """GAN Lab's habit: the networks and Adam's moments carry on; the step is traced again with the new loss."""
    trainer = GANTrainer(tiny_model(), TrainConfig(batch_size=16, loss="bce"))
    data = two_class_dataset()
    train(trainer, data, 2)
    logit = tf.constant([[2.0]])
    assert float(trainer._g_loss(logit)) == pytest.approx(float(tf.nn.softplus(-2.0)))  # non-saturating BCE
    weights = [w.copy() for w in trainer.generator.get_weights()]
    trainer.change_loss(loss="wgan-gp", d_steps=3, beta2=0.9)
    assert all(np.array_equal(a, b) for a, b in zip(weights, trainer.generator.get_weights(), strict=True))
    assert float(trainer._g_loss(logit)) == pytest.approx(-2.0)  # Wasserstein: -D(G(z))
    d_before = int(trainer.d_optimizer.iterations.numpy())
    history = train(trainer, data, 2)
    assert int(trainer.d_optimizer.iterations.numpy()) == d_before + 6  # three D updates per step now
    assert trainer.g_optimizer.beta_2 == 0.9 and history[-1].step == 4
    assert all(np.isfinite(list(m.as_dict().values())).all() for m in history)


def test_conditional_samples_follow_their_labels() -> None:
    tf.random.set_seed(1)
    trainer = GANTrainer(
        tiny_model(num_classes=2), TrainConfig(batch_size=32, conditional=True, loss="hinge", lr_g=2e-3, lr_d=2e-3)
    )
    train(trainer, two_class_dataset(128), 80, batch=32)
    noise = np.random.default_rng(0).standard_normal((16, 16)).astype(np.float32)
    dark = trainer.generate(noise, np.zeros(16, np.int32)).mean()
    bright = trainer.generate(noise, np.ones(16, np.int32)).mean()
    assert bright > dark + 60  # the same noise, a different label: a different brightness, as in the data


@pytest.mark.parametrize("depth", [1, 2])
def test_the_bigGAN_style_pair_learns_its_classes_at_either_depth(depth: int) -> None:
    """Issue 28: two convolutions per resolution (the colour recipe) train like one; depth 1 is the shipped shape."""
    tf.random.set_seed(1)
    model = replace(tiny_model(32, 3, num_classes=2), architecture="biggan", depth=depth)
    trainer = GANTrainer(model, TrainConfig(batch_size=32, conditional=True, loss="hinge", lr_g=2e-3, lr_d=2e-3))
    history = train(trainer, two_class_dataset(128, 32, 3), 60, batch=32)
    assert all(np.isfinite(list(m.as_dict().values())).all() for m in history)
    convolutions = [layer for layer in trainer.discriminator.layers if "spectral" in layer.name]
    assert len(convolutions) == 2 * depth + 1 + 1  # 32 -> 16 -> 8: one or two per halving; the 3x3; the logit
    noise = np.random.default_rng(0).standard_normal((16, 16)).astype(np.float32)
    dark = trainer.generate(noise, np.zeros(16, np.int32)).mean()
    bright = trainer.generate(noise, np.ones(16, np.int32)).mean()
    assert bright > dark + 40


def test_depth_two_is_only_for_the_bigGAN_style_pair_and_old_configs_read_as_depth_one() -> None:
    with pytest.raises(ValueError, match="depth is 1, or 2 for the BigGAN-style"):
        replace(tiny_model(), depth=2)
    saved = {k: v for k, v in replace(tiny_model(num_classes=2), architecture="biggan").to_dict().items()}
    del saved["depth"]  # a config.json written before the setting existed
    assert ModelConfig.from_dict(saved).depth == 1


def test_non_finite_loss_stops_with_step_and_advice() -> None:
    trainer = GANTrainer(tiny_model(), TrainConfig(batch_size=16))
    train(trainer, two_class_dataset(), 2)
    kernel = trainer.discriminator.trainable_variables[0]
    kernel.assign(tf.fill(kernel.shape, float("nan")))
    with pytest.raises(DivergenceError, match=r"became nan at step 3 — try a lower learning rate"):
        train(trainer, two_class_dataset(), 1)
    assert not trainer.weights_finite()


MIRRORED = """
import json, tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import sys; sys.path[:0] = ["tests", "."]
from gan_fixtures import tiny_model, two_class_dataset
from gan_core.data.pipeline import PipelineConfig, make_pipeline
from gan_core.models.config import ModelConfig
from gan_core.training.config import TrainConfig
from gan_core.training.engine import GANTrainer
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
trainer = GANTrainer(tiny_model(32, 3), TrainConfig(batch_size=16), strategy)
data = two_class_dataset(64, 32, 3)
batches = iter(trainer.distribute(make_pipeline(data.images, None, PipelineConfig(16)).repeat()))
metrics = [trainer.train_step(next(batches)).as_dict() for _ in range(3)]
bn = [v for v in trainer.generator.weights if "moving_mean" in v.path]
spread = max(float(tf.reduce_max(tf.abs(r - v.value.values[0]))) for v in bn for r in v.value.values)
weights = trainer.generator.trainable_variables[0].value.values
print(json.dumps({"replicas": strategy.num_replicas_in_sync, "metrics": metrics, "bn_spread": spread,
                  "weights_equal": bool(tf.reduce_all(weights[0] == weights[1])), "n_bn": len(bn)}))
"""


def test_mirrored_strategy_on_two_logical_cpus_keeps_replicas_in_step() -> None:
    out = subprocess.run([sys.executable, "-c", MIRRORED], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert [m["step"] for m in result["metrics"]] == [1, 2, 3]
    assert all(np.isfinite(v) for m in result["metrics"] for v in m.values())
    assert result["n_bn"] > 0 and result["bn_spread"] == 0.0  # synchronised batch norm: identical statistics
    assert result["weights_equal"]


def test_discriminator_objective_is_the_tutorial_losses_of_d_on_real_and_on_fake() -> None:
    model = tiny_model().__class__(**{**tiny_model().to_dict(), "d_dropout": 0.0})
    trainer = GANTrainer(model, TrainConfig(batch_size=8))
    real, fake = tf.random.uniform([8, 28, 28, 1], -1, 1), tf.random.uniform([8, 28, 28, 1], -1, 1)
    total, d_real, d_fake, real_logits, fake_logits = trainer._d_objective(real, fake, None)
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    expected_real = trainer.discriminator(real, training=True)
    expected_fake = trainer.discriminator(fake, training=True)
    np.testing.assert_allclose(real_logits.numpy(), expected_real.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fake_logits.numpy(), expected_fake.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d_real.numpy(), cross_entropy(tf.ones_like(expected_real), expected_real), rtol=1e-5)
    np.testing.assert_allclose(d_fake.numpy(), cross_entropy(tf.zeros_like(expected_fake), expected_fake), rtol=1e-5)
    np.testing.assert_allclose(total.numpy(), d_real.numpy() + d_fake.numpy(), rtol=1e-6)


def _graphs_alive() -> int:
    gc.collect()
    return sum(type(o).__name__ == "FuncGraph" for o in gc.get_objects())


def test_finished_trainers_and_samplers_leave_no_graph_behind() -> None:
    """Their traces call tf.custom_gradient (Keras's all-reduce in the optimizer), whose registry would keep every
    graph alive: ~55 MiB per finished run (tensorflow/tensorflow#62854, gan_core.models.tracing)."""
    data = two_class_dataset()
    graphs, gradients = _graphs_alive(), custom_gradient_count()
    for loss in ("bce", "wgan-gp"):  # wgan-gp differentiates twice while tracing
        trainer = GANTrainer(tiny_model(), TrainConfig(batch_size=16, loss=loss))
        assert np.isfinite(train(trainer, data, 2)[-1].g_loss)
        del trainer
    demo = next(b for b in bundled_runs() if b.name == "demo-mnist-dcgan")
    sampler = RunSampler(demo.path)
    assert sampler.sample(2, seed=0).shape == (2, 28, 28, 1)
    del sampler
    assert custom_gradient_count() == gradients
    assert _graphs_alive() == graphs
