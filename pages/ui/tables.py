"""Small tables as Markdown: no pandas/pyarrow import, so the first paint stays fast."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


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



def show_networks(tables: dict[str, list[dict[str, str]]] | None) -> None:
    """The generator, then the discriminator, as `model.summary()` prints them."""
    if not tables:
        st.caption("The layers are listed once the run has built its networks (at its next start).")
        return
    for name, rows in tables.items():  # one above the other: side by side, four columns overflowed their half
        st.markdown(f"**{name}**\n\n{markdown_table(rows)}")
