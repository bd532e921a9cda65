"""Diversity, memorisation, image folders for `fid DIR_A DIR_B`, and the Inception extractor's loading path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gan_fixtures import tiny_inception
from PIL import Image

from gan_core.evaluation.image_folders import load_image_folder
from gan_core.measures.diversity import feature_diversity, nearest_training_images, ssim, ssim_diversity
from gan_core.measures.metrics import MetricInputError


def _digits(n: int, seed: int) -> np.ndarray:
    """Blocky 28x28 'digits': a bright rectangle at a random place on a dark background."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28, 1), np.uint8)
    for image in images:
        r, c, h, w = rng.integers(2, 12), rng.integers(2, 12), rng.integers(6, 14), rng.integers(6, 14)
        image[r : r + h, c : c + w] = 230
    return images


def test_ssim_is_one_for_identical_images_and_lower_for_different_ones() -> None:
    a, b = _digits(8, 0), _digits(8, 1)
    np.testing.assert_allclose(ssim(a, a), 1.0, atol=1e-12)
    assert (ssim(a, b) < 0.9).all()


def test_diversity_is_zero_for_a_collapsed_set_and_grows_with_variety() -> None:
    varied = _digits(200, 2)
    collapsed = np.repeat(varied[:1], 200, axis=0)
    assert ssim_diversity(collapsed) == pytest.approx(0.0, abs=1e-12)
    assert ssim_diversity(varied) > 0.3
    flat = varied.reshape(200, -1).astype(float)
    assert feature_diversity(flat[:1].repeat(200, 0)) == 0.0 and feature_diversity(flat) > 100
    with pytest.raises(MetricInputError, match="at least 2 images"):
        ssim_diversity(varied[:1])


def test_nearest_neighbours_flag_copies_of_the_training_set_but_not_new_images() -> None:
    train, held_out = _digits(300, 3), _digits(100, 4)
    copies = train[[5, 17, 42]]
    found = nearest_training_images(copies, train, held_out)
    assert list(found.index) == [5, 17, 42] and found.distance.max() == 0 and found.suspicious
    fresh = nearest_training_images(_digits(100, 5), train, held_out)
    assert not fresh.suspicious and fresh.median_distance > 0


def _write_folder(folder: Path, images: np.ndarray) -> Path:
    folder.mkdir(parents=True)
    for i, image in enumerate(images):
        Image.fromarray(image[..., 0]).save(folder / f"{i:04d}.png")
    return folder


def test_image_folders_load_and_refuse_bad_input_with_clear_messages(tmp_path: Path) -> None:
    good = _write_folder(tmp_path / "good", _digits(5, 6))
    loaded = load_image_folder(good, channels=1)
    assert loaded.shape == (5, 28, 28, 1) and loaded.dtype == np.uint8
    assert load_image_folder(good, channels=3).shape == (5, 28, 28, 3)
    (tmp_path / "empty").mkdir()
    with pytest.raises(MetricInputError, match="holds no image files"):
        load_image_folder(tmp_path / "empty", 1)
    with pytest.raises(MetricInputError, match="is not a folder"):
        load_image_folder(tmp_path / "missing", 1)
    mixed = _write_folder(tmp_path / "mixed", _digits(2, 7))
    Image.new("L", (32, 32)).save(mixed / "big.png")
    with pytest.raises(MetricInputError, match=r"mixed image sizes .* big\.png is 32x32"):
        load_image_folder(mixed, 1)
    broken = _write_folder(tmp_path / "broken", _digits(2, 8))
    (broken / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(MetricInputError, match=r"bad\.png is not a readable image"):
        load_image_folder(broken, 1)


def _fid_printed(out: str) -> float:
    return float(next(line for line in out.splitlines() if line.startswith("FID ")).split()[1])


def test_cli_fid_on_two_folders_names_features_and_n(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from gan_core.cli import main as cli_main
    from gan_core.data import load_dataset

    digits = load_dataset("mnist", source="bundled")
    train, test = digits.split("train").images, digits.split("test").images
    rng = np.random.default_rng(0)
    a = _write_folder(tmp_path / "a", train[rng.permutation(len(train))[:600]])
    b = _write_folder(tmp_path / "b", test[rng.permutation(len(test))[:600]])  # splits are stored by class
    c = _write_folder(tmp_path / "c", _digits(600, 9))
    assert cli_main(["fid", str(a), str(b), "--features", "mnist"]) == 0
    out = capsys.readouterr().out
    assert "reading" in out or "features of 600 images" in out  # progress lines
    assert "600 vs 600 images; features: MNIST digits classifier" in out and "biased upward at small N" in out
    same = _fid_printed(out)
    assert cli_main(["fid", str(a), str(c), "--features", "mnist"]) == 0
    different = _fid_printed(capsys.readouterr().out)
    assert different > 5 * same
    assert cli_main(["fid", str(a), str(tmp_path / "nowhere"), "--features", "mnist"]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_inception_extractor_loads_through_the_hub_path_and_preprocesses_like_tf_gan(tmp_path: Path) -> None:
    from gan_core.measures.features import InceptionExtractor

    extractor = InceptionExtractor(str(tiny_inception(tmp_path / "inception")))
    gray = _digits(3, 10)
    features = extractor.features(gray)
    assert features.shape == (3, 8) and features.dtype == np.float64 and extractor.dim == 8
    assert "Inception pool_3" in extractor.name
    x = extractor.preprocess(gray).numpy()
    assert x.shape == (3, 299, 299, 3) and x.min() >= -1.0 and x.max() <= 1.0
    np.testing.assert_allclose(x[..., 0], x[..., 2])  # grayscale tiled to three channels
    assert x.min() == pytest.approx(-1.0) and x.max() == pytest.approx((230 - 128) / 128, abs=1e-3)


def test_hub_models_offline_get_one_sentence_and_a_cache_is_used(tmp_path: Path, monkeypatch) -> None:
    from gan_core.errors import ModelUnavailableError
    from gan_core.measures.features import INCEPTION_HANDLE, InceptionExtractor
    from gan_core.models.hub import cached_path

    monkeypatch.setenv("TFHUB_CACHE_DIR", str(tmp_path / "hub"))
    with pytest.raises(ModelUnavailableError, match=r"needs a download .* this machine is offline"):
        InceptionExtractor(offline=True)
    assert cached_path(INCEPTION_HANDLE) is None
    import hashlib

    tiny_inception(tmp_path / "hub" / hashlib.sha1(INCEPTION_HANDLE.encode()).hexdigest())
    assert cached_path(INCEPTION_HANDLE) is not None  # a pre-fetched cache: the real handle loads offline
    assert InceptionExtractor(offline=True).features(_digits(2, 11)).shape == (2, 8)
    with pytest.raises(ModelUnavailableError, match="no SavedModel folder"):
        InceptionExtractor(str(tmp_path / "not-there"))
