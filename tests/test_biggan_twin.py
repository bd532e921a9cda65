"""scripts/build_biggan_twin.py: BigGAN-deep 128's published shapes, saved with the hub module's signature."""

from __future__ import annotations

import sys

import numpy as np
from conftest import REPO

from gan_core.explore.samplers import HubBigGANSampler
from gan_core.models.latent import truncated_noise

sys.path.insert(0, str(REPO / "scripts"))
from build_biggan_twin import build, build_module, parameter_count  # a script, found through the path above


def test_the_full_size_twin_has_bigGAN_deep_128s_parameter_count() -> None:
    assert abs(parameter_count(build_module()) - 50.4e6) < 0.1e6  # as published (Brock et al. 2019): 50.4 M


def test_a_narrow_twin_loads_and_draws_through_the_hub_path(tmp_path) -> None:
    sampler = HubBigGANSampler(str(build(tmp_path / "twin", ch=4)), "narrow twin")
    info = sampler.info
    assert (info.noise_dim, len(info.class_names), info.resolution) == (128, 1000, 128)
    assert info.class_names[980] == "volcano"
    images = sampler.sample(truncated_noise(2, 128, 0.5, seed=0), np.array([980, 1]), 0.5)
    assert images.shape == (2, 128, 128, 3) and images.dtype == np.uint8 and images.std() > 0
