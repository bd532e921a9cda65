"""Small tables as Markdown: no pandas/pyarrow import, so the first paint stays fast."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(rows: Sequence[dict[str, object]]) -> str:
    """A GitHub-style Markdown table from rows of equal keys ('|' in cells escaped)."""
    if not rows:
        return ""
    headers = list(rows[0])

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(row[h]) for h in headers) + " |" for row in rows]
    return "\n".join(lines)
