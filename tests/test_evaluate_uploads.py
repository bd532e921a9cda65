"""Scoring generated images from any tool: an upload (files or a zip) decoded safely to the dataset's shape,
scored on the domain classifier or on Inception from the hub cache, and the results as CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import zipfile

import numpy as np
import pytest
from gan_fixtures import tiny_inception
from PIL import Image

from gan_core.data import load_dataset
from gan_core.evaluation.evaluate_run import EvaluationRequest, evaluate_run
from gan_core.evaluation.results_table import results_csv, results_table
from gan_core.evaluation.uploaded import images_for_scoring
from gan_core.measures.features import INCEPTION_HANDLE


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def digits_zip(count: int = 40) -> bytes:
    """Real test digits as 56x56 colour PNGs (another tool's size and mode), a corrupt file and a zip-slip."""
    test = load_dataset("mnist", source="bundled").split("test").images  # stored by class: pick across them
    digits = test[np.random.default_rng(0).permutation(len(test))[:count], ..., 0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, digit in enumerate(digits):
            big = np.asarray(Image.fromarray(digit).resize((56, 56)).convert("RGB"))
            archive.writestr(f"samples/{i:03d}.png", png(big))
        archive.writestr("samples/broken.png", b"\x89PNG not really")
        archive.writestr("../escape.png", png(np.zeros((28, 28), np.uint8)))
    return buffer.getvalue()


def test_an_uploaded_zip_becomes_images_of_the_datasets_shape_with_a_report() -> None:
    scored = images_for_scoring([("generated.zip", digits_zip(40))], (28, 28, 1))
    assert scored.images.shape == (40, 28, 28, 1) and scored.images.dtype == np.uint8 and not scored.problem
    lines = " ".join(scored.report.lines())
    assert "broken.png" in lines and "zip-slip" in lines
    colour = images_for_scoring([("a.png", png(np.full((40, 40, 3), 200, np.uint8))),
                                 ("b.png", png(np.full((40, 40), 90, np.uint8)))], (32, 32, 3))  # fmt: skip
    assert colour.images.shape == (2, 32, 32, 3)  # grey files join a colour dataset as grey RGB
    too_few = images_for_scoring([("only.png", png(np.zeros((40, 40), np.uint8)))], (28, 28, 1))
    assert "scoring needs at least 2" in too_few.problem
    junk = images_for_scoring([("a.txt", b"not an image"), ("b.png", b"\x89PNG broken")], (28, 28, 1))
    assert len(junk.images) == 0 and "scoring needs at least 2" in junk.problem


def test_the_same_zip_uploaded_twice_counts_once() -> None:
    """Issue 36.10: the same zip uploaded twice doubled N silently."""
    archive = digits_zip(40)
    twice = images_for_scoring([("generated.zip", archive), ("generated (1).zip", archive)], (28, 28, 1))
    assert twice.images.shape[0] == 40
    assert sum("the same file as generated.zip/samples/" in line for line in twice.report.lines()) == 41  # + broken


def test_uploaded_images_score_on_inception_from_the_cache_and_export_as_csv(sandbox) -> None:
    shutil.copytree(tiny_inception(sandbox / "standin"),
                    sandbox / "tfhub" / hashlib.sha1(INCEPTION_HANDLE.encode()).hexdigest())  # fmt: skip
    images = images_for_scoring([("generated.zip", digits_zip(150))], (28, 28, 1)).images
    request = EvaluationRequest("your images (150)", "mnist", seed=0, features="inception")
    on_inception = evaluate_run(request, images=images)  # downloads are off: the cached copy is used
    assert "Inception pool_3" in on_inception.report.features and on_inception.report.n_fake == 150
    on_classifier = evaluate_run(EvaluationRequest("your images (150)", "mnist", features="domain"), images=images)
    assert "MNIST digits classifier" in on_classifier.report.features
    assert on_classifier.report.coverage is not None and on_classifier.report.coverage.covered >= 8  # real digits
    results = [("inception", on_inception), ("classifier", on_classifier)]
    text = results_csv(results)
    assert text.isascii()  # opens cleanly in any spreadsheet
    rows = {row["generator"]: row for row in csv.DictReader(io.StringIO(text))}
    assert list(rows) == ["inception", "classifier"]
    assert "Inception" in rows["inception"]["features"] and "classifier" in rows["classifier"]["features"]
    for column in ("FID", "KID x1000", "precision", "recall", "N generated", "nearest training image pixel difference"):
        assert float(rows["classifier"][column]) >= 0  # one number per column
    assert rows["inception"]["classes covered"] == "" and float(rows["classifier"]["classes covered"]) >= 8
    assert "features" not in {r["metric"] for r in results_table(results)}  # on screen it is said above the table


def test_images_of_the_wrong_shape_or_features_get_one_sentence(sandbox) -> None:
    from gan_core.measures.features import EvaluationSetupError

    with pytest.raises(EvaluationSetupError, match=r"the images are \(32, 32, 3\) but MNIST"):
        evaluate_run(EvaluationRequest("x", "mnist"), images=np.zeros((4, 32, 32, 3), np.uint8))
    with pytest.raises(EvaluationSetupError, match="features must be 'domain' or 'inception'"):
        evaluate_run(EvaluationRequest("x", "mnist", features="vgg"), images=np.zeros((4, 28, 28, 1), np.uint8))
    from gan_core.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match="offline"):  # not fetched: one sentence, no download
        evaluate_run(EvaluationRequest("x", "mnist", features="inception"), images=np.zeros((4, 28, 28, 1), np.uint8))


def test_an_upload_too_small_for_fid_still_gets_its_classes_and_copies_checked(sandbox) -> None:
    """Issue 26.4: 32 uploaded images ended in "covariance is singular" and showed nothing at all."""
    images = images_for_scoring([("generated.zip", digits_zip(32))], (28, 28, 1)).images
    result = evaluate_run(EvaluationRequest("your images (32)", "mnist", features="domain"), images=images)
    report = result.report
    assert report.fid is None and report.n_fake == 32
    assert report.coverage is not None and report.coverage.covered >= 5  # the class histogram can be drawn
    assert report.memorisation is not None and any("FID cannot be computed" in w for w in report.warnings)
    rows = list(csv.DictReader(io.StringIO(results_csv([("few", result)]))))
    assert rows[0]["FID"] == "" and float(rows[0]["classes covered"]) >= 5
