"""The training methods offered for quality per CPU-minute: EMA of G's weights, spectral norm, DiffAugment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from gan_fixtures import tiny_model, tiny_run_config, two_class_dataset

from gan_core.models.config import ModelConfig
from gan_core.models.dcgan import build_discriminator
from gan_core.training.augment import diff_augment
from gan_core.training.config import TrainConfig
from gan_core.training.engine import GANTrainer


def batch(n: int = 16) -> tf.Tensor:
    return tf.convert_to_tensor(two_class_dataset(n).images.astype("float32") / 127.5 - 1.0)


def test_ema_weights_differ_from_the_raw_weights_and_track_them() -> None:
    trainer = GANTrainer(tiny_model(), TrainConfig(batch_size=16, ema_decay=0.9))
    x = batch()
    before_avg = [w.numpy() for w in trainer.ema_generator.weights]
    trainer.step.assign(90)  # past the warm-up, where the decay is min(0.9, 91 / 100) = 0.9
    trainer.train_step(x)
    raw = [w.numpy() for w in trainer.generator.weights]
    after_avg = [w.numpy() for w in trainer.ema_generator.weights]
    for old, new, now in zip(before_avg, after_avg, raw, strict=True):
        np.testing.assert_allclose(new, 0.9 * old + 0.1 * now, rtol=1e-5, atol=1e-6)  # the update, exactly
    warming = GANTrainer(tiny_model(), TrainConfig(batch_size=16, ema_decay=0.999))
    before_avg = [w.numpy() for w in warming.ema_generator.weights]
    warming.train_step(x)  # step 0: decay min(0.999, 1 / 10) = 0.1, so a fresh average follows G closely
    pairs = zip(before_avg, warming.ema_generator.weights, warming.generator.weights, strict=True)
    for old, new, now in pairs:
        np.testing.assert_allclose(new.numpy(), 0.1 * old + 0.9 * now.numpy(), rtol=1e-5, atol=1e-6)
    assert any(not np.allclose(a, r) for a, r in zip(after_avg, raw, strict=True))  # differs from the raw
    tracking = GANTrainer(tiny_model(), TrainConfig(batch_size=16, ema_decay=0.5))
    start = [w.numpy() for w in tracking.generator.trainable_weights]
    for _ in range(12):
        tracking.train_step(x)
    moved = sum(np.abs(w.numpy() - s).sum() for w, s in zip(tracking.generator.trainable_weights, start, strict=True))
    pairs = zip(tracking.ema_generator.trainable_weights, tracking.generator.trainable_weights, strict=True)
    lag = sum(np.abs(a.numpy() - w.numpy()).sum() for a, w in pairs)
    assert 0 < lag < 0.5 * moved  # close behind the raw weights, not stuck at the start
    average = tracking.ema_generator(tracking.preview_noise, training=False).numpy()
    raw = tracking.generator(tracking.preview_noise, training=False).numpy()
    assert not np.allclose(average, raw, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(tracking.preview(), np.clip(np.rint((average + 1) * 127.5), 0, 255))  # shown


def test_an_ema_run_checkpoints_resumes_and_samples_from_the_average(tmp_path: Path) -> None:
    from gan_core.runs.bundle import export_bundle
    from gan_core.runs.run import TrainingRun
    from gan_core.runs.sampler import RunSampler

    config = tiny_run_config(ema_decay=0.8)
    run = TrainingRun(tmp_path / "runs" / "ema", config, data_loader=lambda c: two_class_dataset())
    run.start()
    assert run.join(120) and run.state.value == "finished", run.snapshot().message
    trainer = GANTrainer(config.model, config.train)
    from gan_core.runs.checkpoints import RunCheckpoints

    RunCheckpoints(run.store.dir, trainer).restore()
    noise = np.random.default_rng(0).standard_normal((4, config.model.noise_dim)).astype(np.float32)
    from_checkpoint = RunSampler(run.store.dir).generate(noise)
    np.testing.assert_array_equal(from_checkpoint, trainer.generate(noise))  # the average, not the raw G
    bundle = export_bundle(run.store.dir, tmp_path / "bundle")
    from_bundle = RunSampler(bundle).generate(noise)
    assert np.abs(from_bundle.astype(int) - from_checkpoint.astype(int)).max() <= 2  # float16 rounding
    from gan_core.runs.bundle import bundle_has, restore_bundle

    assert bundle_has(bundle, "e") and not bundle_has(bundle, "g")  # the average alone ships: half the bytes
    resumed = GANTrainer(config.model, config.train)
    assert restore_bundle(bundle, resumed) == trainer.step.numpy()
    for raw, average in zip(resumed.generator.weights, trainer.ema_generator.weights, strict=True):
        np.testing.assert_allclose(raw.numpy(), average.numpy(), rtol=2e-3, atol=1e-4)  # training on starts there


def _largest_singular_value(kernel: np.ndarray) -> float:
    return float(np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0])


@pytest.mark.parametrize("size", [28, 32])
def test_spectral_norm_bounds_the_largest_singular_value(size: int) -> None:
    cfg = ModelConfig(image_shape=(size, size, 1), noise_dim=8, g_width=8, d_width=8, d_spectral_norm=True)
    discriminator = build_discriminator(cfg)
    wrapped = [layer for layer in discriminator.layers if isinstance(layer, tf.keras.layers.Layer)
               and type(layer).__name__ == "SpectralNormalization"]  # fmt: skip
    assert len(wrapped) >= 3  # every convolution and the logit
    for layer in wrapped:
        layer.layer.kernel.assign(layer.layer.kernel * 10.0)  # far from normalised
    x = tf.random.stateless_uniform([4, size, size, 1], seed=[1, 2], minval=-1, maxval=1)
    for _ in range(30):  # the power iteration converges over training-mode calls
        discriminator(x, training=True)
    for layer in wrapped:
        assert _largest_singular_value(layer.layer.kernel.numpy()) <= 1.05
    plain = build_discriminator(ModelConfig(image_shape=(size, size, 1), noise_dim=8, g_width=8, d_width=8))
    assert not any(type(layer).__name__ == "SpectralNormalization" for layer in plain.layers)


@pytest.mark.parametrize("ops", [("translation",), ("cutout",), ("color",), ("translation", "cutout", "color")])
def test_diffaugment_changes_images_keeps_shapes_and_passes_gradients(ops: tuple[str, ...]) -> None:
    x = batch(8)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = diff_augment(x, ops)
        total = tf.reduce_sum(y * tf.random.stateless_normal(tf.shape(y), seed=[3, 4]))
    assert y.shape == x.shape and not np.allclose(y.numpy(), x.numpy())
    grad = tape.gradient(total, x)
    assert grad is not None and np.isfinite(grad.numpy()).all() and np.abs(grad.numpy()).sum() > 0
    np.testing.assert_array_equal(diff_augment(x, ()).numpy(), x.numpy())


def test_diffaugment_is_applied_to_real_and_fake_alike(monkeypatch) -> None:
    """Every image D sees passes through the same augmentation: real and fake, D's and G's updates."""
    import gan_core.training.engine as engine

    seen = []

    def spy(images, ops):
        seen.append((int(images.shape[0]), ops))
        return diff_augment(images, ops)

    monkeypatch.setattr(engine, "diff_augment", spy)
    trainer = GANTrainer(tiny_model(), TrainConfig(batch_size=16, diffaugment=("translation",)))
    trainer.train_step(batch())
    assert seen and all(ops == ("translation",) for _, ops in seen)
    assert sum(n for n, _ in seen) == 32  # 16 real + 16 fake
