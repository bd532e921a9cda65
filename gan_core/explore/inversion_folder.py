"""A folder of pictures searched for in a GAN (the CLI's `invert`): each reconstruction written under its own
name, the class found for each, and a summary line."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_core.data.image_decode import ImageProblem
from gan_core.explore.inversion import MAX_TARGETS, Inversion
from gan_core.explore.inversion_targets import prepare_target
from gan_core.pictures.render import image_file_bytes

PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif")


@dataclass(frozen=True)
class FolderInversion:
    lines: tuple[str, ...]  # one per picture, in name order
    psnr: np.ndarray  # per reconstructed picture
    written: int
    skipped: int
    seconds: float

    @property
    def summary(self) -> str:
        if not self.written:
            return f"no picture could be searched for ({self.skipped} skipped)"
        median = float(np.median(self.psnr))
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (f"{self.written} pictures{skipped}: median PSNR {median:.1f} dB, {self.seconds:.1f} s "
                f"({self.seconds / self.written:.2f} s a picture)")  # fmt: skip


def invert_folder(sampler, images: Path, out: Path, truncation: float | None = None,
                  say: Callable[[str], None] = print) -> FolderInversion:  # fmt: skip
    """Search `sampler` for every picture in `images`; write each reconstruction to `out` as NAME.png."""
    info = sampler.info
    files = sorted(p for p in images.iterdir() if p.suffix.lower() in PICTURE_SUFFIXES and p.is_file())
    if not files:
        raise FileNotFoundError(f"{images} holds no pictures ({', '.join(PICTURE_SUFFIXES)})")
    lines, targets, names = [], [], []
    for path in files:
        try:
            target = prepare_target(path.read_bytes(), info.resolution, info.channels, info.dataset)
        except (ImageProblem, OSError) as exc:
            lines.append(f"{path.name}: skipped, {exc}")
            say(lines[-1])
            continue
        targets.append(target.pixels)
        names.append(path.name)
    out.mkdir(parents=True, exist_ok=True)
    started, scores = time.perf_counter(), []
    for start in range(0, len(targets), MAX_TARGETS):
        batch = np.stack(targets[start:start + MAX_TARGETS])
        result = Inversion(sampler, batch, truncation).run()
        for i, name in enumerate(names[start:start + MAX_TARGETS]):
            (out / f"{Path(name).stem}.png").write_bytes(image_file_bytes(result.pictures[i], ".png"))
            what = f"class {info.class_names[int(result.classes[i])]}, " if result.classes is not None else ""
            far = " (far from anything it draws: not a match)" if result.far[i] else ""
            lines.append(f"{name}: {what}{float(result.psnr[i]):.1f} dB{far}")
            say(lines[-1])
            scores.append(float(result.psnr[i]))
    return FolderInversion(tuple(lines), np.array(scores), len(scores), len(files) - len(names),
                           time.perf_counter() - started)  # fmt: skip
