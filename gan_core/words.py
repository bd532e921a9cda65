"""Counts in words: '1 sample', '16 samples' (shared by every message the library and the pages write)."""

from __future__ import annotations


def plural(count: float, noun: str, many: str | None = None) -> str:
    """'1 epoch', '2 epochs', '1,000 images'; `many` for irregular plurals ('1 class', '3 classes')."""
    word = noun if count == 1 else (many or noun + "s")
    number = f"{count:,}" if isinstance(count, int) else f"{count:g}"
    return f"{number} {word}"
