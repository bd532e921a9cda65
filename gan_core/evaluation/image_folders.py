"""Read a folder of image files for FID (seed 003's `calculate_fid(real_dir, generated_dir)`): every file
checked, one size for all, clear errors for an empty folder, mixed sizes or unreadable files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from gan_core.measures.metrics import MetricInputError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
MAX_FOLDER_IMAGES = 100_000
MAX_PIXELS = 1024 * 1024  # per image: FID networks look at 299 px at most


def image_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise MetricInputError(f"{folder} is not a folder")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise MetricInputError(f"{folder} holds no image files ({', '.join(sorted(IMAGE_SUFFIXES))})")
    if len(files) > MAX_FOLDER_IMAGES:
        raise MetricInputError(f"{folder} holds {len(files):,} images; the limit is {MAX_FOLDER_IMAGES:,}")
    return files


def load_image_folder(folder: Path, channels: int, progress: Callable[[int, int], None] | None = None,
                      size: tuple[int, int] | None = None) -> np.ndarray:  # fmt: skip
    """All images of `folder` (recursively, sorted by path) as uint8 [N, H, W, channels] (1: grayscale). With
    `size` (width, height: a feature network's fixed input), each is centre-cropped and resized to it, as the
    Evaluate page does with uploads; without, they must share one size."""
    files = image_files(folder)
    images, first_size = [], None
    for i, path in enumerate(files):
        try:
            with Image.open(path) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise MetricInputError(f"{path} is {img.width}x{img.height}; the limit is {MAX_PIXELS:,} pixels")
                converted = img.convert("L" if channels == 1 else "RGB")
                if size is not None and converted.size != size:
                    converted = ImageOps.fit(converted, size, Image.Resampling.BICUBIC)
                pixels = np.asarray(converted)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, MetricInputError):
                raise
            raise MetricInputError(f"{path} is not a readable image ({exc})") from exc
        if first_size is None:
            first_size = (pixels.shape[1], pixels.shape[0], files[0].name)
        elif (pixels.shape[1], pixels.shape[0]) != first_size[:2]:
            raise MetricInputError(
                f"mixed image sizes in {folder}: {first_size[2]} is {first_size[0]}x{first_size[1]} but "
                f"{path.name} is {pixels.shape[1]}x{pixels.shape[0]}; resize them to one size first"
            )
        images.append(pixels.reshape(pixels.shape[0], pixels.shape[1], channels))
        if progress is not None and (i + 1) % 500 == 0:
            progress(i + 1, len(files))
    return np.stack(images)
