"""Caps that keep an import of a person's files bounded in time, memory and disk."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ImportLimits:
    max_files: int = 5_000  # files considered in one import (a zip with more entries is refused whole)
    max_file_bytes: int = 25 * 2**20  # one file, uncompressed
    max_total_bytes: int = 512 * 2**20  # all files together, uncompressed
    max_zip_ratio: float = 100.0  # uncompressed / compressed size of a zip entry; images rarely pass 10
    max_pixels: int = 40_000_000  # width * height of one image, read from its header before decoding
    min_side: int = 8  # smaller images are skipped rather than blown up
    min_images: int = 1  # fewest usable images an import keeps (the CLI's --min-images); training needs more

    @classmethod
    def for_server(cls, upload_mb: int, upload_images: int) -> ImportLimits:
        """The limits under a server's caps (gan_core.limits.Limits): its upload size and file count."""
        base = cls()
        total = min(base.max_total_bytes, upload_mb * 2**20 * 4)  # zips unpack; images are rarely 4x larger
        return replace(base, max_files=upload_images, max_total_bytes=total)


MIN_TRAINING_IMAGES = 8  # one batch of the Trainer's smallest size (gan_core.training.presets.BATCH_SIZES)
