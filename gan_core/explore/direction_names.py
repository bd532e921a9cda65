"""The names a person gives a model's found directions ("thickness", "slant"): cleaned, carried in a shared link,
and, for a run, kept in its folder (directions.json) so every later visit reads them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gan_core.atomic_files import atomic_write_text
from gan_core.explore.directions import TOP_DIRECTIONS

MAX_NAME = 30
NAMES_FILE = "directions.json"
SEPARATOR = "|"  # between names in a link's `directions` parameter (a name may hold a comma)
_ALLOWED = re.compile(r"[^\w \-'.]+", re.UNICODE)


def clean_name(text: str) -> str:
    """Letters, digits, spaces, - ' . and _ only, single-spaced, at most MAX_NAME characters."""
    return " ".join(_ALLOWED.sub(" ", str(text)).split())[:MAX_NAME].strip()


def padded(names: list[str] | tuple[str, ...], count: int = TOP_DIRECTIONS) -> tuple[str, ...]:
    """Exactly `count` cleaned names ('' for an unnamed direction)."""
    cleaned = [clean_name(n) for n in list(names)[:count]]
    return tuple(cleaned + [""] * (count - len(cleaned)))


def names_from_param(text: str | None, notes: list[str], count: int = TOP_DIRECTIONS) -> tuple[str, ...]:
    """A link's `directions` parameter -> names; what had to be cut or changed is noted in words."""
    if not text:
        return ()
    parts = str(text).split(SEPARATOR)
    names = padded(parts, count)
    if len(parts) > count or any(clean_name(p) != p.strip() for p in parts[:count]):
        notes.append(f"direction names {str(text)[:40]!r} were cleaned (at most {count} names of "
                     f"{MAX_NAME} letters, digits and spaces)")  # fmt: skip
    return names if any(names) else ()


def names_to_param(names: tuple[str, ...]) -> str:
    return SEPARATOR.join(names).rstrip(SEPARATOR) if any(names) else ""


def read_saved_names(run_dir: Path, count: int = TOP_DIRECTIONS) -> tuple[str, ...]:
    """A run folder's saved names, or () when it has none (or the file is not one of ours)."""
    try:
        data = json.loads((run_dir / NAMES_FILE).read_text())
        names = data["names"] if isinstance(data, dict) else None
    except (OSError, ValueError, KeyError):
        return ()
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return ()
    return padded(names, count) if any(names) else ()


def save_names(run_dir: Path, names: tuple[str, ...]) -> None:
    """Keep a run's direction names in its folder (written whole, never half)."""
    if not run_dir.is_dir():
        raise FileNotFoundError(f"{run_dir} is not a run folder")
    atomic_write_text(run_dir / NAMES_FILE, json.dumps({"method": "SeFa", "names": list(padded(names))}, indent=1))
