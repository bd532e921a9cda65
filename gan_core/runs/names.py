"""Run names: a run's folder name under runs/, so a safe file name, and a fresh default for a dataset."""

from __future__ import annotations

import re
from datetime import datetime

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def run_name_problem(name: str) -> str | None:
    """None when `name` can name a run folder, else what is wrong with it."""
    if not _NAME.match(name):
        return "use letters, digits, '-', '_' or '.', up to 64 characters, starting with a letter or digit"
    return None


def default_run_name(dataset: str, now: datetime | None = None) -> str:
    """`<dataset>-<YYYYmmdd-HHMMSS>`: a dataset folder's path becomes a safe name."""
    return f"{dataset.replace('/', '_')[:24]}-{(now or datetime.now()).strftime('%Y%m%d-%H%M%S')}"
