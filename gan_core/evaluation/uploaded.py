"""Generated images made by any tool, uploaded as files or a zip, brought to a dataset's shape for scoring.

Decoded by the same guarded importer as a person's training images (zip-slip, zip bombs, decompression bombs
and corrupt files are skipped with the reason), centre-cropped and resized to the dataset's side, and turned
grey or colour to match it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from gan_core.data.import_limits import ImportLimits
from gan_core.data.own_images import ImportReport, import_images

MIN_SCORED_IMAGES = 2  # FID needs a covariance: two images at the very least (and far more to mean much)


@dataclass(frozen=True, eq=False)
class UploadedImages:
    images: np.ndarray  # uint8 [N, H, W, C] in the dataset's shape
    report: ImportReport
    problem: str  # why these cannot be scored ('' when they can)


def _match_channels(images: np.ndarray, channels: int) -> np.ndarray:
    if images.shape[-1] == channels:
        return images
    if channels == 1:  # ITU-R 601 luma, as Pillow's convert("L")
        grey = images.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        return np.clip(np.rint(grey), 0, 255).astype(np.uint8)[..., None]
    return np.repeat(images, 3, axis=-1)


def images_for_scoring(uploads: Iterable[tuple[str, bytes]], image_shape: tuple[int, int, int],
                       limits: ImportLimits | None = None) -> UploadedImages:  # fmt: skip
    """Uploaded files (images, or zips of them) -> uint8 images of `image_shape`, with the itemised report."""
    side, channels = image_shape[0], image_shape[2]
    result = import_images(uploads=uploads, size=side, limits=replace(limits or ImportLimits(), min_images=1),
                           sizes=(side,))  # fmt: skip
    images = _match_channels(result.images, channels) if len(result.images) else np.zeros((0, *image_shape), np.uint8)
    problem = ""
    if len(images) < MIN_SCORED_IMAGES:
        problem = (f"{len(images)} usable image(s) in the upload; scoring needs at least {MIN_SCORED_IMAGES} "
                   "(and a few hundred for FID to mean much)")  # fmt: skip
    return UploadedImages(images, result.report, problem)
