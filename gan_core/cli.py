"""The command line: `python -m gan_core COMMAND ...` drives the same library as the app, headless."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gan_core import __version__
from gan_core.errors import PlaygroundError


def _cmd_datasets(args: argparse.Namespace) -> int:
    from gan_core.data import all_dataset_status

    for status in all_dataset_status():
        extra = f"; {status.alternative}" if status.alternative else ""
        print(f"{status.spec.name:<14} {status.spec.title:<14} {status.summary}{extra}")
    return 0


def _cmd_import_images(args: argparse.Namespace) -> int:
    from gan_core.data.import_limits import ImportLimits
    from gan_core.data.own_images import import_images, save_dataset_folder

    source = Path(args.source)
    limits = ImportLimits(min_images=args.min_images)
    if source.is_dir():
        result = import_images(folder=source, size=args.size, limits=limits)
    elif source.is_file():
        result = import_images(uploads=[(source.name, source.read_bytes())], size=args.size, limits=limits)
    else:
        print(f"error: {source} is neither a folder nor a file", file=sys.stderr)
        return 2
    for line in result.report.lines():
        print(line)
    if result.usable:
        out = save_dataset_folder(result, Path(args.out), title=args.title, source=str(source))
        print(f"wrote {out} ({result.images.shape[1]}x{result.images.shape[2]}x{result.images.shape[3]})")
    else:
        print(f"error: {result.problem}", file=sys.stderr)
    print(result.report.summary)
    return 0 if result.usable else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gan_core", description="GAN Playground, headless.")
    parser.add_argument("--version", action="version", version=f"gan_core {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("datasets", help="list the datasets and where each would be loaded from")
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser("import-images", help="turn a folder or zip of your images into a dataset folder")
    p.add_argument("source", help="a folder of images or a .zip")
    p.add_argument("--out", required=True, help="dataset folder to write (used as --dataset by train)")
    p.add_argument("--size", type=int, choices=(32, 64), default=64, help="square side in pixels (default 64)")
    p.add_argument("--title", help="a name to show in the app (default: the folder name)")
    p.add_argument("--min-images", type=int, default=16, help="fewest usable images to accept (default 16)")
    p.set_defaults(func=_cmd_import_images)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PlaygroundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
