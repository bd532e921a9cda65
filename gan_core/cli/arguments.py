"""The command line's argument types and shared help texts: a bad value is refused by argparse, naming its flag."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from gan_core.models.precision import ENV_VAR, choose_precision


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, or of at least low (argparse names the flag)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if high is None and value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, not {value}")
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low:,} to {high:,}, not {value:,}")
        return value

    parse.__name__ = f"a whole number from {low} to {high}" if high is not None else f"a whole number of at least {low}"
    return parse


def between(low: float, high: float, include_low: bool = True) -> Callable[[str], float]:
    """An argparse type: a number from low (or above it, when not `include_low`) to high."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not ((low <= value) if include_low else (low < value)) or not value <= high:  # NaN fails both
            span = f"from {low:g} to {high:g}" if include_low else f"more than {low:g} and at most {high:g}"
            raise argparse.ArgumentTypeError(f"must be a number {span}, not {text}")
        return value

    parse.__name__ = f"a number from {low} to {high}"
    return parse


def minutes(text: str) -> float:
    """An argparse type for --minutes: a positive number (fractions allowed) of at most 10,000."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not 0 < value <= 10_000:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 10,000, not {text}")
    return value


def output_file(text: str) -> str:
    """An argparse type for --out files: its folder must exist (said before any work is done)."""
    folder = Path(text).expanduser().parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {folder} does not exist; create it first or pick another")
    return text


def existing_file(text: str) -> str:
    if not Path(text).expanduser().is_file():
        raise argparse.ArgumentTypeError(f"no file {text}")
    return text


TRUNCATION_HELP = ("the noise's scale, 0.02 (typical) to 1.0 (varied); default: the model's own: 0.5 for the "
                   "shipped class-conditional models and BigGAN, 1.0 for a run (the noise it saw)")


def precision_help(toy: bool = False) -> str:
    """--precision's help: what `auto` means here, for this command (a toy run keeps float32 where images don't)."""
    from gan_core.models.precision import training_precision

    here = training_precision(choose_precision("auto"), toy)
    why = here.reason.removeprefix("auto: ")
    return f"auto (default; on this machine {here.name}: {why}), float32 or bfloat16; also ${ENV_VAR}"

