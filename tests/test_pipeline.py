"""The tf.data pipeline: [-1, 1] float batches, labels kept with their images, seeded order."""

import numpy as np
import pytest

from gan_core.data.pipeline import PipelineConfig, make_pipeline


def labelled_images(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    labels = np.arange(n) % 10
    images = np.broadcast_to((labels * 25).astype(np.uint8)[:, None, None, None], (n, 4, 4, 1)).copy()
    images[0, 0, 0, 0], images[1, 0, 0, 0] = 0, 255  # the range ends
    return images, labels


def test_batches_are_scaled_to_unit_range_and_shaped() -> None:
    images, _ = labelled_images()
    batches = list(make_pipeline(images, None, PipelineConfig(batch_size=8)))
    assert len(batches) == 5
    stacked = np.concatenate([b.numpy() for b in batches])
    assert stacked.dtype == np.float32 and stacked.shape == (40, 4, 4, 1)
    assert stacked.min() == -1.0 and stacked.max() == 1.0
    assert np.allclose(np.sort(stacked[:, 1, 1, 0]), np.sort(images[:, 1, 1, 0] / 127.5 - 1))


def test_labels_stay_with_their_images_through_the_shuffle() -> None:
    images, labels = labelled_images()
    ds = make_pipeline(images, labels, PipelineConfig(batch_size=8, with_labels=True))
    for x, y in ds:
        assert np.allclose((x.numpy()[:, 2, 2, 0] + 1) * 127.5, y.numpy() * 25, atol=1e-3)


def test_same_seed_same_order_and_epochs_reshuffle() -> None:
    images, _ = labelled_images()
    first = [b.numpy()[:, 1, 1, 0] for b in make_pipeline(images, None, PipelineConfig(batch_size=8, shuffle_seed=3))]
    again = [b.numpy()[:, 1, 1, 0] for b in make_pipeline(images, None, PipelineConfig(batch_size=8, shuffle_seed=3))]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    ds = make_pipeline(images, None, PipelineConfig(batch_size=40, shuffle_seed=3)).repeat(2)
    epoch1, epoch2 = (b.numpy().ravel() for b in ds)
    assert not np.array_equal(epoch1, epoch2)


def test_too_few_images_or_missing_labels_say_what_to_do() -> None:
    images, _ = labelled_images(5)
    with pytest.raises(ValueError, match="fewer than one batch of 8; lower the batch size"):
        make_pipeline(images, None, PipelineConfig(batch_size=8))
    with pytest.raises(ValueError, match="needs a labelled dataset"):
        make_pipeline(images, None, PipelineConfig(batch_size=2, with_labels=True))
