"""Run names: a run's folder name under runs/, so a safe file name, and a fresh default for a dataset."""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from pathlib import Path

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def run_name_problem(name: str) -> str | None:
    """None when `name` can name a run folder, else what is wrong with it."""
    if not _NAME.match(name):
        return "use letters, digits, '-', '_' or '.', up to 64 characters, starting with a letter or digit"
    return None


def default_run_name(dataset: str, now: datetime | None = None) -> str:
    """`<dataset>-<YYYYmmdd-HHMMSS>`: a dataset folder's path becomes a safe name."""
    return f"{dataset.replace('/', '_')[:24]}-{(now or datetime.now()).strftime('%Y%m%d-%H%M%S')}"


def free_run_name(runs_dir: Path, stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3`, ...: the first name no run folder under `runs_dir` has."""
    taken = {p.name for p in runs_dir.iterdir()} if runs_dir.is_dir() else set()
    candidates = itertools.chain([stem], (f"{stem}-{i}" for i in itertools.count(2)))  # lazily: never a tuple
    return next(n for n in candidates if n not in taken)
