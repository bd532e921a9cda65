"""bench/RESULTS.md holds several benchmarks' tables: each writes its own section and leaves the others alone."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def update_section(lines: list[str], path: Path = RESULTS) -> None:
    """Replace the section that starts with the heading `lines[0]` ("# ...") up to the next top-level heading,
    or add it at the end when the file has none yet."""
    heading = lines[0]
    if not heading.startswith("# "):
        raise ValueError(f"a section starts with a top-level heading, not {heading!r}")
    old = path.read_text().splitlines() if path.is_file() else []
    if heading in old:
        start = old.index(heading)
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith("# ")), len(old))
        new = old[:start] + lines + [""] + old[end:]
    else:
        new = old + ([""] if old and old[-1] else []) + lines + [""]
    while new and not new[-1]:
        new.pop()
    path.write_text("\n".join(new) + "\n")
