"""Write gan_core/assets/imagenet_classes.tsv: the 1000 ImageNet classes (index, WordNet id, names, definition).

    pip download --no-deps timm -d /tmp/timm && python scripts/build_imagenet_classes.py /tmp/timm/timm-*.whl

Source: the `timm` wheel (Apache-2.0) carries timm/data/_info/imagenet_synsets.txt (the 1000 WordNet ids in
class-index order, 0 = tench), imagenet_synset_to_lemma.txt and imagenet_synset_to_definition.txt. Keras
downloads its class index at run time, so it cannot serve offline; this table is data in the repo instead.
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "gan_core" / "assets" / "imagenet_classes.tsv"
INFO = "timm/data/_info/"


def _pairs(text: str) -> dict[str, str]:
    return dict(line.split("\t", 1) for line in text.splitlines() if "\t" in line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", type=Path, help="a timm wheel (pip download --no-deps timm)")
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        read = lambda name: wheel.read(INFO + name).decode("utf-8")  # noqa: E731
        synsets = read("imagenet_synsets.txt").split()
        lemmas, definitions = (
            _pairs(read("imagenet_synset_to_lemma.txt")),
            _pairs(read("imagenet_synset_to_definition.txt")),
        )
    if len(synsets) != 1000 or synsets[0] != "n01440764":
        raise SystemExit("unexpected imagenet_synsets.txt: expected 1000 ids starting with n01440764 (tench)")
    lines = ["index\twnid\tnames\tdefinition"]
    lines += [f"{i}\t{wnid}\t{lemmas[wnid]}\t{definitions.get(wnid, '')}" for i, wnid in enumerate(synsets)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(synsets)} classes, {OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
