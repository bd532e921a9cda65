"""FID, KID, precision/recall and density/coverage against closed forms and constructed point clouds."""

from __future__ import annotations

import numpy as np
import pytest

from gan_core.measures.metrics import MetricInputError, fid, frechet_distance, kid, precision_recall

RNG = np.random.default_rng(0)


def test_frechet_distance_matches_the_closed_form_for_diagonal_gaussians() -> None:
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    v1, v2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(v1) - np.sqrt(v2)) ** 2)  # = 5 + 4 + 1 + 0
    assert frechet_distance(mu1, np.diag(v1), mu2, np.diag(v2)) == pytest.approx(expected, rel=1e-9)


def test_fid_of_gaussian_samples_approaches_the_population_value() -> None:
    cov1 = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 0.5]])
    cov2 = np.array([[1.0, 0.0, 0.2], [0.0, 2.0, 0.0], [0.2, 0.0, 1.0]])
    mu1, mu2 = np.zeros(3), np.array([0.5, -0.5, 1.0])
    a = RNG.multivariate_normal(mu1, cov1, 200_000)
    b = RNG.multivariate_normal(mu2, cov2, 200_000)
    assert fid(a, b) == pytest.approx(frechet_distance(mu1, cov1, mu2, cov2), rel=0.02)


def test_fid_with_itself_is_zero_and_with_a_shift_is_the_squared_shift() -> None:
    x = RNG.standard_normal((2000, 16))
    shift = RNG.standard_normal(16)
    assert fid(x, x) == pytest.approx(0.0, abs=1e-6)
    assert fid(x, x + shift) == pytest.approx(float(shift @ shift), rel=1e-6)


def test_fid_does_not_depend_on_sample_order() -> None:
    a, b = RNG.standard_normal((500, 8)), RNG.standard_normal((500, 8)) * 1.5
    assert fid(a, b) == pytest.approx(fid(a[::-1], RNG.permutation(b)), rel=1e-9)


def test_fid_survives_singular_covariances() -> None:
    x = RNG.standard_normal((100, 4))
    flat = np.hstack([x, np.zeros((100, 4))])  # rank 4 in 8 dimensions: a dead feature, as ReLU features have
    assert fid(flat, flat + 0.1) == pytest.approx(0.08, rel=1e-3)


def test_kid_is_zero_in_expectation_for_one_distribution_and_positive_for_two() -> None:
    same = kid(RNG.standard_normal((2000, 10)), RNG.standard_normal((2000, 10)), subsets=50, subset_size=500)
    assert abs(same.mean) < 3 * same.std / np.sqrt(same.subsets) + 1e-3
    different = kid(RNG.standard_normal((2000, 10)), RNG.standard_normal((2000, 10)) + 0.5, subsets=50,
                    subset_size=500)  # fmt: skip
    assert different.mean > 20 * max(same.std, 1e-4) and different.mean > 0.01


def test_precision_recall_density_coverage_on_constructed_clouds() -> None:
    real = RNG.standard_normal((600, 2))
    same = precision_recall(real, real.copy())
    assert same.precision == 1.0 and same.recall == 1.0 and same.coverage == 1.0
    fresh = precision_recall(real, RNG.standard_normal((600, 2)))  # another sample of the same distribution
    assert fresh.density == pytest.approx(1.0, abs=0.15) and fresh.coverage > 0.9 and fresh.precision > 0.9
    far = precision_recall(real, real + 100.0)
    assert far.precision == 0.0 and far.recall == 0.0 and far.coverage == 0.0 and far.density == 0.0
    half = precision_recall(real, real[real[:, 0] > 0])  # a generator that covers only one half: mode dropping
    assert half.precision > 0.95
    assert 0.35 < half.recall < 0.75 and 0.35 < half.coverage < 0.75


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (np.zeros((1, 4)), np.zeros((10, 4)), "at least 2 samples"),
        (np.zeros((10, 4)), np.zeros((10, 5)), "same D"),
        (np.full((10, 4), np.nan), np.zeros((10, 4)), "NaN"),
    ],
)
def test_bad_features_get_a_clear_message(a: np.ndarray, b: np.ndarray, message: str) -> None:
    with pytest.raises(MetricInputError, match=message):
        fid(a, b)


def test_class_coverage_flags_a_generator_that_outputs_one_class() -> None:
    from gan_core.measures.metrics import class_coverage

    real_labels = np.repeat(np.arange(10), 100)
    one_class = np.tile(np.eye(10)[3], (500, 1))
    collapsed = class_coverage(one_class, real_labels, 10)
    assert collapsed.covered == 1 and collapsed.collapsed
    assert collapsed.kl_from_real == pytest.approx(np.log(10), rel=1e-6)  # all mass on one of ten equal classes
    balanced = class_coverage(np.eye(10)[np.repeat(np.arange(10), 50)], real_labels, 10)
    assert balanced.covered == 10 and not balanced.collapsed and balanced.kl_from_real == pytest.approx(0, abs=1e-9)
    assert balanced.histogram == (50,) * 10


class FakeClassifier:
    """Identity features and one-hot 'probabilities' from the brightest quadrant: a feature network for tests."""

    name = "fake features (flattened pixels)"

    class config:
        num_classes = 4

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def features(self, images: np.ndarray) -> np.ndarray:
        return images.reshape(len(images), -1).astype(np.float64)

    def classify(self, images: np.ndarray) -> np.ndarray:
        h = images.shape[1] // 2
        quads = [images[:, :h, :h], images[:, :h, h:], images[:, h:, :h], images[:, h:, h:]]
        return np.eye(4)[np.argmax([q.mean(axis=(1, 2, 3)) for q in quads], axis=0)]


def quadrant_images(n: int, classes: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 40, (n, 4, 4, 1)).astype(np.uint8)
    for i, c in enumerate(classes):
        r, q = divmod(int(c), 2)
        images[i, 2 * r : 2 * r + 2, 2 * q : 2 * q + 2] += 200
    return images


def test_evaluation_report_names_its_features_and_n_and_warns_at_small_n() -> None:
    from gan_core.measures.evaluate import evaluate_images

    labels = np.arange(400) % 4
    real = quadrant_images(400, labels, 0)
    good = evaluate_images(real, labels, quadrant_images(400, labels, 1), FakeClassifier(16))
    collapsed = evaluate_images(real, labels, quadrant_images(400, np.zeros(400, int), 2), FakeClassifier(16))
    assert good.features == "fake features (flattened pixels)" and good.n_fake == 400
    assert good.coverage.covered == 4 and collapsed.coverage.covered == 1 and collapsed.coverage.collapsed
    assert collapsed.fid > 5 * good.fid
    assert any("biased upward at small N (here 400)" in w for w in good.warnings)
    rows = {name: (value, meaning) for name, value, meaning in good.rows()}
    assert rows["features"][0] == good.features and "FID (N=400)" in rows
    assert all(meaning for _, meaning in rows.values())  # every number says what it means
    kid_row = next(name for name in rows if name.startswith("KID x1000"))
    assert float(rows[kid_row][0].split(" ")[0].replace(",", "")) == pytest.approx(1000 * good.kid.mean, abs=1)
    copies = evaluate_images(real, labels, real[:100], FakeClassifier(16), train_pool=real, held_out=real[200:])
    memorised = {name: value for name, value, _ in copies.rows()}["nearest training image: typical pixel difference "
                                                                    "(0-255)"]  # fmt: skip
    assert memorised.startswith("0.0 (held-out real: 0.0)")  # on the pixels' own scale: copies differ by 0
    few = evaluate_images(real[:10], labels[:10], real[10:20], FakeClassifier(16))  # issue 26.4: too few for FID
    assert few.fid is None and few.coverage is not None and few.coverage.covered >= 2  # the classes still count
    assert any("FID cannot be computed" in w and "the other measures still stand" in w for w in few.warnings)
    assert {name: value for name, value, _ in few.rows()}["FID (N=10)"] == "—"
    two = evaluate_images(real[:2], labels[:2], real[10:12], FakeClassifier(16))  # the fewest an upload may hold
    assert two.fid is None and two.n_fake == 2


def test_kid_says_whether_it_is_above_its_noise() -> None:
    """Issue 36.5: "-829.78 ± 907.51" (real vs real) and "3,470 ± 10,150" beside a line saying "about 0"; each now
    says what it means, in digits a student can read."""
    from gan_core.measures.evaluate import kid_words
    from gan_core.measures.metrics import KID

    assert kid_words(KID(-0.82978, 0.90751, 50, 100)) == "-830 ± 908: within the noise of 0, the sets cannot be told " \
        "apart at this N"
    assert kid_words(KID(10.980, 2.061, 50, 1000)) == "10,980 ± 2,061: above 0, the sets differ"
    assert kid_words(KID(0.00123, 0.0004, 50, 1000)) == "1.23 ± 0.40: above 0, the sets differ"
    assert kid_words(KID(3.470, 10.150, 50, 75)).endswith("cannot be told apart at this N")


def test_accuracy_per_class_finds_the_class_an_accurate_judge_misses() -> None:
    from gan_core.measures.metrics import accuracy_per_class

    labels = np.array([0] * 90 + [1] * 10)  # and no picture of class 2
    predicted = labels.copy()
    predicted[90:] = 0  # 90% overall, yet class 1 is never recognised
    per_class = accuracy_per_class(labels, predicted, 3)
    assert per_class[:2] == (1.0, 0.0) and np.isnan(per_class[2])
    with pytest.raises(MetricInputError, match="one per picture"):
        accuracy_per_class(labels, predicted[:5], 3)


def test_class_balanced_weights_give_every_class_the_same_total() -> None:
    from gan_core.measures.metrics import class_balanced_weights

    labels = np.array([0] * 60 + [1] * 30 + [3] * 10)
    weights = class_balanced_weights(labels, 4)
    totals = [weights[c] * int((labels == c).sum()) for c in range(4)]
    assert totals[0] == pytest.approx(totals[1]) == pytest.approx(totals[3]) and weights[2] == 0.0
    assert sum(totals) == pytest.approx(len(labels))  # the same total weight as unweighted training
