"""A person's own images: import a folder, uploads or a zip into a dataset folder, with an itemised report."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from gan_core.atomic_files import atomic_write_bytes, atomic_write_text
from gan_core.data.image_decode import ImageProblem, decode_image
from gan_core.data.import_limits import MIN_TRAINING_IMAGES, ImportLimits
from gan_core.data.safe_zip import ZipRefusedError, read_zip
from gan_core.data.types import DatasetInfo, DataSource, ImageDataset, SourceKind
from gan_core.errors import ImageImportError
from gan_core.pictures.render import image_grid, png_bytes
from gan_core.settings import Settings
from gan_core.words import plural

FOLDER_FORMAT = "gan-playground/images-v1"
IMAGE_SIZES = (32, 64)
_SYSTEM_FILES = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)")


@dataclass(frozen=True)
class ReportItem:
    name: str
    ok: bool
    detail: str  # what was done to a kept file, or why a file was skipped


@dataclass(frozen=True)
class ImportReport:
    items: tuple[ReportItem, ...]
    refused: tuple[str, ...] = ()  # whole sources refused (a zip bomb by entry count, an unreadable zip)

    @property
    def imported(self) -> int:
        return sum(item.ok for item in self.items)

    @property
    def skipped(self) -> int:
        return sum(not item.ok for item in self.items) + len(self.refused)

    @property
    def summary(self) -> str:
        return f"imported {self.imported} images, skipped {self.skipped}"

    def lines(self) -> list[str]:
        """The itemised report: refused sources, then one line per skipped file (kept files are counted)."""
        out = [f"refused: {reason}" for reason in self.refused]
        out += [f"skipped {item.name}: {item.detail}" for item in self.items if not item.ok]
        return out


@dataclass(frozen=True, eq=False)
class ImportResult:
    images: np.ndarray  # uint8 [N, size, size, C]
    names: tuple[str, ...]
    report: ImportReport
    size: int
    limits: ImportLimits = field(default_factory=ImportLimits)

    @property
    def usable(self) -> bool:
        return self.report.imported >= self.limits.min_images

    @property
    def problem(self) -> str:
        """Why this import cannot become a dataset, or '' when it can."""
        if self.usable:
            return ""
        return (
            f"only {plural(self.report.imported, 'usable image')}; this import asks for at least "
            f"{self.limits.min_images}. Add more images (PNG, JPEG, GIF, BMP, TIFF or WebP)."
        )

    @property
    def training_note(self) -> str:
        """What training will make of a kept set this size ('' when it is plenty)."""
        count = self.report.imported
        if count < MIN_TRAINING_IMAGES:
            return (f"{plural(count, 'image')} kept; training needs at least {MIN_TRAINING_IMAGES} (one batch of "
                    "the smallest size): add more before you train on them.")  # fmt: skip
        if count < 100:
            return f"{plural(count, 'image')} kept: enough to train, though a GAN learns little from under 100."
        return ""


Upload = tuple[str, bytes]  # (file name, content), as a browser upload gives them


def _is_zip(name: str, data: bytes) -> bool:
    return name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"


def _files_in_folder(folder: Path, limits: ImportLimits) -> Iterator[tuple[str, bytes | None, str]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    for path in files:
        rel = path.relative_to(folder).as_posix()
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            yield rel, None, f"{size / 2**20:.1f} MB, over the cap of {limits.max_file_bytes / 2**20:.0f} MB"
        else:
            yield rel, path.read_bytes(), ""


def import_images(
    uploads: Iterable[Upload] = (),
    folder: Path | None = None,
    size: int = 64,
    limits: ImportLimits | None = None,
    sizes: tuple[int, ...] = IMAGE_SIZES,
) -> ImportResult:
    """Decode every file from a folder and/or uploads (zips are opened in memory); keep the good ones.
    `sizes`: the sides allowed (a dataset folder's; scoring generated images passes its dataset's side)."""
    limits = limits or ImportLimits()
    if size not in sizes:
        raise ValueError(f"size must be one of {sizes}, not {size}")
    items: list[ReportItem] = []
    refused: list[str] = []
    kept: list[np.ndarray] = []
    names: list[str] = []
    seen: dict[bytes, str] = {}  # each file's SHA-256 -> the first name it came under
    total_bytes = 0

    def entries() -> Iterator[tuple[str, bytes | None, str]]:
        if folder is not None:
            if not folder.is_dir():
                refused.append(f"{folder} is not a folder")
            else:
                yield from _files_in_folder(folder, limits)
        for name, data in uploads:
            if _is_zip(name, data):
                try:
                    for entry in read_zip(data, limits):
                        yield f"{name}/{entry.name}", entry.data, entry.problem
                except ZipRefusedError as exc:
                    refused.append(f"{name}: {exc}")
            else:
                yield name, data, ""

    for name, data, problem in entries():
        if len(items) >= limits.max_files:
            refused.append(f"more than {limits.max_files:,} files; the rest were not read")
            break
        if _SYSTEM_FILES.search(name):
            items.append(ReportItem(name, False, "system file, not an image"))
            continue
        if data is None:
            items.append(ReportItem(name, False, problem))
            continue
        digest = hashlib.sha256(data).digest()
        if digest in seen:  # the same file twice (a zip uploaded again): counted once
            items.append(ReportItem(name, False, f"the same file as {seen[digest]}, counted once"))
            continue
        seen[digest] = name
        total_bytes += len(data)
        if total_bytes > limits.max_total_bytes:
            refused.append(f"more than {limits.max_total_bytes / 2**20:.0f} MB of files; the rest were not read")
            break
        try:
            decoded = decode_image(data, size, limits)
        except ImageProblem as exc:
            items.append(ReportItem(name, False, str(exc)))
            continue
        items.append(ReportItem(name, True, decoded.note))
        kept.append(decoded.pixels)
        names.append(name)

    report = ImportReport(tuple(items), tuple(refused))
    channels = 1 if kept and all(k.shape[-1] == 1 for k in kept) else 3
    images = (
        np.stack([np.repeat(k, channels // k.shape[-1], axis=-1) for k in kept])
        if kept
        else (np.zeros((0, size, size, channels), np.uint8))
    )
    return ImportResult(images, tuple(names), report, size, limits)


def _dataset_dir(name: str, settings: Settings) -> Path | None:
    for candidate in (Path(name).expanduser(), settings.datasets_dir / name):
        if (candidate / "dataset.json").is_file():
            return candidate
    return None


def is_dataset_folder(name: str, settings: Settings) -> bool:
    return _dataset_dir(name, settings) is not None


def save_dataset_folder(result: ImportResult, out: Path, title: str | None = None, source: str = "") -> Path:
    """Write images.npz, preview.png and dataset.json (last, so a half-written folder never looks complete)."""
    if not result.usable:
        raise ImageImportError(result.problem)
    if (out / "dataset.json").is_file():  # an earlier import: never replaced without a word
        raise ImageImportError(f"a dataset is already saved as '{out.name}' ({out}); choose another name")
    out.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez_compressed(buf, images=result.images, names=np.asarray(result.names))
    atomic_write_bytes(out / "images.npz", buf.getvalue())
    atomic_write_bytes(out / "preview.png", png_bytes(image_grid(result.images[:64], ncols=8)))
    meta = {
        "format": FOLDER_FORMAT,
        "title": title or out.name,
        "image_size": result.size,
        "channels": int(result.images.shape[-1]),
        "count": len(result.images),
        "skipped": result.report.skipped,
        "source": source,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(out / "dataset.json", json.dumps(meta, indent=2) + "\n")
    return out


def load_dataset_folder(name: str, settings: Settings | None = None) -> ImageDataset:
    """Load a folder written by `save_dataset_folder`, checking it is what its dataset.json says."""
    settings = settings or Settings.from_env()
    folder = _dataset_dir(name, settings)
    if folder is None:
        raise ImageImportError(f"{name} is not an imported image folder (no dataset.json); run import-images first.")
    try:
        meta = json.loads((folder / "dataset.json").read_text())
        with np.load(folder / "images.npz", allow_pickle=False) as f:
            images = f["images"]
    except (OSError, ValueError, KeyError) as exc:
        raise ImageImportError(f"{folder} is damaged ({exc}); import the images again.") from exc
    if meta.get("format") != FOLDER_FORMAT or images.dtype != np.uint8 or images.shape[0] != meta.get("count"):
        raise ImageImportError(f"{folder} does not match its dataset.json; import the images again.")
    info = DatasetInfo(
        name=folder.name,
        title=str(meta.get("title", folder.name)),
        class_names=(),
        image_shape=tuple(images.shape[1:]),
        source=DataSource(SourceKind.OWN, len(images), str(folder)),
    )
    return ImageDataset(images, None, np.zeros(len(images), bool), info)
