"""Frozen config dataclasses from JSON dictionaries, strictly: an unknown key is an error, lists become tuples."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def config_from_dict(cls: type[T], data: dict[str, Any], what: str, tuple_fields: tuple[str, ...] = ()) -> T:
    unknown = set(data) - {f.name for f in fields(cls)}  # type: ignore[arg-type]
    if unknown:
        raise ValueError(f"unknown {what} settings: {', '.join(sorted(unknown))}")
    values = {k: tuple(v) if k in tuple_fields else v for k, v in data.items()}
    return cls(**values)
