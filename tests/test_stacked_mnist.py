"""Stacked MNIST (1,000 modes) and the mode count read by the shipped digit classifier."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gan_core.data.registry import load_dataset
from gan_core.data.stacked_mnist import MODES, stack_digits, stacked_modes
from gan_core.measures.metrics import MetricInputError, mode_coverage


def test_each_channel_is_one_digit_and_the_label_names_all_three() -> None:
    images = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4, 1)
    labels = np.array([3, 1, 4, 1, 5])
    stacked = stack_digits(images, labels, count=200, seed=1)
    assert stacked.images.shape == (200, 4, 4, 3)
    for image, mode in zip(stacked.images, stacked.labels, strict=True):
        sources = [int(np.flatnonzero((images[..., 0] == image[..., k]).all(axis=(1, 2)))[0]) for k in range(3)]
        assert mode == 100 * labels[sources[0]] + 10 * labels[sources[1]] + labels[sources[2]]
    assert not np.array_equal(stacked.images, stack_digits(images, labels, count=200, seed=2).images)
    np.testing.assert_array_equal(stacked.images, stack_digits(images, labels, count=200, seed=1).images)


def test_mode_coverage_counts_modes_and_measures_kl_from_uniform() -> None:
    every = mode_coverage(np.repeat(np.arange(MODES), 26), MODES)
    assert every.covered == MODES and every.kl_from_uniform == pytest.approx(0.0, abs=1e-12)
    one = mode_coverage(np.full(26_000, 417), MODES)
    assert one.covered == 1 and one.kl_from_uniform == pytest.approx(math.log(MODES))
    half = mode_coverage(np.repeat(np.arange(500), 4), MODES)
    assert half.covered == 500 and half.kl_from_uniform == pytest.approx(math.log(2))
    with pytest.raises(MetricInputError):
        mode_coverage(np.array([], int), MODES)


def test_the_digit_classifier_reads_real_stacks_back_to_their_modes() -> None:
    from gan_core.measures.features import domain_extractor

    digits = load_dataset("mnist", source="bundled").split("test")
    stacked = stack_digits(digits.images, digits.labels, count=600, seed=0)
    modes = stacked_modes(stacked.images, domain_extractor("mnist").classify)
    assert (modes == stacked.labels).mean() > 0.93  # 98.8% per digit, cubed
    assert mode_coverage(modes, MODES).covered > 400  # 600 draws from 1,000 modes: about 451 distinct expected
