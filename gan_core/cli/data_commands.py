"""The commands about data and sharing: datasets, fetch, import-images, push."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gan_core.errors import PlaygroundError
from gan_core.words import plural


def cmd_datasets(args: argparse.Namespace) -> int:
    from gan_core.data import all_dataset_status

    for status in all_dataset_status():
        extra = f"; {status.alternative}" if status.alternative else ""
        print(f"{status.spec.name:<14} {status.spec.title:<14} {status.summary}{extra}")
    return 0


class _ByteBar:
    """A download's progress on the terminal: one line redrawn in place, or a line per tenth in a log."""

    def __init__(self, title: str) -> None:
        self.title, self.tty, self.shown = title, sys.stdout.isatty(), -1

    def __call__(self, done: int, expected: int) -> None:
        mb = done / 2**20
        if expected:
            tenth = min(10, int(10 * done / expected))
            text = f"{self.title}: [{'#' * tenth}{'-' * (10 - tenth)}] {mb:,.0f} of about {expected / 2**20:,.0f} MB"
        else:
            tenth = int(mb // 25)  # a log line every 25 MB when the size is not known
            text = f"{self.title}: {mb:,.0f} MB"
        if self.tty:
            print(f"\r{text}", end="", flush=True)
        elif tenth != self.shown and done:
            print(text, flush=True)
        self.shown = tenth

    def close(self) -> None:
        if self.tty and self.shown >= 0:
            print()


def cmd_fetch(args: argparse.Namespace) -> int:
    import keras

    from gan_core.downloads import fetch_item, resolve_items

    keras.config.disable_interactive_logging()  # one progress bar, ours, not Keras' as well
    hub_repos = [s for s in args.items if s.startswith(("hf://", "hf:", "https://huggingface.co/"))]
    rest = [s for s in args.items if s not in hub_repos]
    items = resolve_items(rest) if rest or not hub_repos else []  # nothing named: the default items
    failed = sum(not _fetch_hub_repo(spec) for spec in hub_repos)
    for item in items:
        bar = _ByteBar(item.title)
        result = fetch_item(item, progress=bar)
        bar.close()
        print(result.message, file=sys.stdout if result.ok else sys.stderr, flush=True)
        failed += not result.ok
    if failed:
        print(f"{plural(failed, 'item')} of {len(items) + len(hub_repos)} not fetched", file=sys.stderr)
    return 1 if failed else 0


def _fetch_hub_repo(spec: str) -> bool:
    """hf://user/name into huggingface_hub's cache (its own progress bars), to open offline afterwards."""
    from gan_core.sharing.hub_downloads import download_repo
    from gan_core.sharing.hub_names import hub_repo_id

    try:
        repo_id = hub_repo_id(spec)
        folder = download_repo(repo_id, offline=False)
    except PlaygroundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    print(f"hf://{repo_id}: in the Hugging Face cache ({folder}); it opens offline from there.", flush=True)
    return True


def cmd_push(args: argparse.Namespace) -> int:
    from gan_core.sharing.push import push_run

    run = Path(args.run)
    if not (run / "config.json").is_file():
        raise PlaygroundError(f"{run} is not a run folder (it has no config.json): give --run a folder of runs/.")
    url, private = push_run(run, args.repo, private=not args.public, say=lambda text: print(text, flush=True))
    print(f"pushed {run.name} to {url} ({'private' if private else 'public'}); open it with "
          f"--model hf://{args.repo.strip()}")  # fmt: skip
    return 0


def cmd_import_images(args: argparse.Namespace) -> int:
    from gan_core.data.import_limits import ImportLimits
    from gan_core.data.own_images import import_images, save_dataset_folder

    source = Path(args.source)
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"error: --out {out} already exists; name a new folder for --out (nothing is written over)",
              file=sys.stderr)  # fmt: skip
        return 2
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
    if not result.usable:
        print(f"error: {result.problem}", file=sys.stderr)
        print(f"nothing written ({result.report.imported} usable images read, {result.report.skipped} skipped)")
        return 1
    out = save_dataset_folder(result, out, title=args.title, source=str(source))
    print(f"wrote {out} ({result.images.shape[1]}x{result.images.shape[2]}x{result.images.shape[3]})")
    if result.training_note:
        print(f"note: {result.training_note}")
    print(result.report.summary)
    return 0

