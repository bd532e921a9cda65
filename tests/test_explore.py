"""The Explorer's library: latent tools, ImageNet classes, and the samplers (BigGAN's TF Hub path included)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gan_fixtures import tiny_biggan

from gan_core.explore.classes import AmbiguousClassError, ClassCatalog, UnknownClassError
from gan_core.explore.samplers import MAX_SAMPLES, HubBigGANSampler, TooManySamplesError
from gan_core.models.latent import interpolate, one_hot, slerp, truncated_noise


def test_truncated_noise_is_reproducible_bit_for_bit_and_bounded() -> None:
    a, b = truncated_noise(8, 128, 0.5, seed=3), truncated_noise(8, 128, 0.5, seed=3)
    assert a.dtype == np.float32 and a.shape == (8, 128) and a.tobytes() == b.tobytes()
    assert not np.array_equal(a, truncated_noise(8, 128, 0.5, seed=4))
    assert np.abs(a).max() <= 2 * 0.5 and np.abs(truncated_noise(64, 128, 0.02)).max() <= 0.04
    with pytest.raises(ValueError, match=r"between 0\.02 and 1\.0"):
        truncated_noise(1, 4, 1.5)


def test_slerp_keeps_norms_and_interpolation_ends_are_exact() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(128), rng.standard_normal(128)
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    path = interpolate(a.astype(np.float32), b.astype(np.float32), 9)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), np.linalg.norm(a), rtol=1e-5)
    assert np.array_equal(path[0], a.astype(np.float32)) and np.array_equal(path[-1], b.astype(np.float32))
    lines = interpolate(a, b, 5, method="lerp")
    np.testing.assert_allclose(lines[2], (a + b) / 2, rtol=1e-5)
    assert np.linalg.norm(lines[2]) < np.linalg.norm(a)  # the straight line cuts inside the sphere: why slerp
    batch = slerp(np.stack([a, b]), np.stack([b, a]), np.array([0.5]))
    assert batch.shape == (1, 2, 128)
    mix = interpolate(one_hot([3], 10)[0], one_hot([7], 10)[0], 5, method="lerp")
    np.testing.assert_allclose(mix.sum(1), 1.0) and np.testing.assert_allclose(mix[2, [3, 7]], [0.5, 0.5])


def test_imagenet_classes_by_name_part_id_and_wordnet_id() -> None:
    catalog = ClassCatalog.imagenet()
    assert len(catalog) == 1000 and catalog.classes[0].name == "tench"
    assert catalog.resolve("volcano").index == 980
    assert catalog.resolve("wheaten terrier").name == "soft-coated wheaten terrier"
    assert catalog.resolve("chambered nautilus").index == 117
    assert catalog.resolve("207").name == "golden retriever" and catalog.resolve("n09472597").name == "volcano"
    dogs = catalog.search("dog")
    assert {c.index for c in dogs} >= set(range(151, 269))  # every dog breed
    with pytest.raises(UnknownClassError, match=r"no class named 'volcanoe' — did you mean 'volcano'\?"):
        catalog.resolve("volcanoe")
    for ambiguous, expected in (("crane", {134, 517}), ("cat", {282, 283, 284, 285})):
        with pytest.raises(AmbiguousClassError) as info:
            catalog.resolve(ambiguous)
        assert expected <= {c.index for c in info.value.candidates}
        assert f"'{ambiguous}' could mean" in str(info.value)
    with pytest.raises(UnknownClassError, match="classes 0 to 999"):
        catalog.resolve("1000")


def test_the_shipped_class_models_open_where_their_cards_measure_and_other_runs_at_the_noise_they_saw() -> None:
    from gan_core.explore.choices import SHIPPED_TRUNCATION, model_choices, open_choice

    opened = {c.key: open_choice(c, offline=True).info for c in model_choices(None) if c.kind == "bundled"}
    assert {"emoji", "fashion-mnist", "mnist", "demo-mnist-dcgan"} <= set(opened)
    for key in ("emoji", "fashion-mnist", "mnist"):  # class-conditional: cards measure fidelity at 0.5
        assert opened[key].default_truncation == SHIPPED_TRUNCATION == 0.5
        assert opened[key].truncation_note.startswith("This model opens at 0.5: where its model card measures")
    demo = opened["demo-mnist-dcgan"]  # the tutorial's DCGAN, a run to train on: the noise it was trained on
    assert demo.default_truncation == 1.0 and "N(0, 1)" in demo.truncation_note


def test_a_model_with_biggans_hub_signature_loads_through_the_hub_path(tmp_path: Path) -> None:
    sampler = HubBigGANSampler(str(tiny_biggan(tmp_path / "biggan", noise_dim=120)), title="tiny")
    info = sampler.info
    assert info.noise_dim == 120 and len(info.class_names) == 1000 and info.resolution == 8  # read from the model
    assert info.default_truncation == 0.5 and "trained to be truncated" in info.truncation_note  # the colab's
    assert info.class_names[980] == "volcano" and sampler.catalog.resolve("volcano").index == 980
    noise = truncated_noise(4, 120, 0.5, seed=0)
    images = sampler.sample(noise, np.array([980, 980, 1, 1]), 0.5)
    assert images.shape == (4, 8, 8, 3) and images.dtype == np.uint8
    assert not np.array_equal(images[0], images[2])  # the class is honoured
    assert not np.array_equal(images, sampler.sample(noise, np.array([980, 980, 1, 1]), 1.0))  # and truncation
    again = sampler.sample(noise, one_hot([980, 980, 1, 1], 1000), 0.5)
    assert np.array_equal(images, again)  # ids and one-hot rows are the same request
    with pytest.raises(TooManySamplesError, match=f"at most {MAX_SAMPLES} per request"):
        sampler.sample(truncated_noise(MAX_SAMPLES + 1, 120, 0.5), np.zeros(MAX_SAMPLES + 1, int), 0.5)


def test_interpolation_ends_are_the_end_samples(tmp_path: Path) -> None:
    from gan_core.explore.pipeline import interpolation

    sampler = HubBigGANSampler(str(tiny_biggan(tmp_path / "biggan")), title="tiny")
    frames = interpolation(sampler, 980, 1, 5, 0.5, seed=4)
    start = sampler.sample(truncated_noise(1, 128, 0.5, seed=4), np.array([980]), 0.5)
    end = sampler.sample(truncated_noise(1, 128, 0.5, seed=5), np.array([1]), 0.5)
    assert frames.shape == (5, 8, 8, 3)
    assert np.array_equal(frames[0], start[0]) and np.array_equal(frames[-1], end[0])
    class_only = interpolation(sampler, 980, 1, 3, 0.5, seed=4, mode="class")
    assert np.array_equal(class_only[0], start[0])  # noise A throughout, class A -> B


def test_the_truncation_strip_of_a_conditional_model_needs_a_class(tmp_path: Path) -> None:
    from gan_core.explore.pipeline import TRUNCATION_STRIP, truncation_strip

    sampler = HubBigGANSampler(str(tiny_biggan(tmp_path / "biggan")), title="tiny")
    strip = truncation_strip(sampler, 980, seed=2)
    assert strip.shape == (len(TRUNCATION_STRIP), 8, 8, 3)
    with pytest.raises(ValueError, match="class-conditional: choose a class"):  # not a TypeError deep in numpy
        truncation_strip(sampler, None, seed=2)
