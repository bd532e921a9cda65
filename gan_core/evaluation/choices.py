"""What the Evaluate page offers: the generators to score (shipped runs, this server's, the floor, uploads) and
the dataset whose features fit each."""

from __future__ import annotations

from pathlib import Path

from gan_core.evaluation.evaluate_run import FLOOR
from gan_core.runs.bundled import BundledRun
from gan_core.runs.store import RunStore, RunSummary

EVALUATED = ("mnist", "fashion_mnist", "emoji")  # datasets with a shipped domain classifier (offline features)
UPLOAD = "upload"  # the generator choice that means "images a person uploads"


def generator_choices(shipped: list[BundledRun], runs: list[RunSummary]) -> dict[str, str]:
    """label -> run folder (or FLOOR, or UPLOAD): shipped runs first, then this server's runs. An opened demo
    that was not trained on is the shipped run again, so it is listed once."""
    found = {f"{b.name} (shipped)": str(b.path) for b in shipped}
    same = {b.name: RunStore(b.path).summary().step for b in shipped}
    found |= {f"{r.name} ({r.state}, step {r.step:,})": str(r.path) for r in runs if same.get(r.name) != r.step}
    found["Real test images (the floor)"] = FLOOR
    found["Your generated images (upload files or a zip)"] = UPLOAD
    return found


def last_grid(choice: str) -> tuple[int, Path] | None:
    """(step, PNG) of a run choice's newest fixed-noise grid: what is being scored. None for the floor, uploads,
    or a run that drew none yet."""
    if choice in (FLOOR, UPLOAD):
        return None
    return RunStore(Path(choice)).latest_frame()


def dataset_for(choice: str) -> str:
    """The evaluated dataset a choice was trained on (MNIST for the floor, uploads, and anything else)."""
    if choice in (FLOOR, UPLOAD):
        return "mnist"
    try:
        name = RunStore(Path(choice)).read_config().train.dataset
    except (OSError, ValueError):
        return "mnist"
    return name if name in EVALUATED else "mnist"


SAMPLE_COUNTS = (500, 1000, 2000, 5000, 10000)  # the N the page offers when nothing limits it
DEFAULT_N = 2000


def sample_counts(limit: int | None) -> tuple[int, ...]:
    """The N a comparison can use when one side holds only `limit` images (the test split, an upload): the usual
    counts up to it, and the limit itself where it falls between them. FID compares only at equal N."""
    if limit is None:
        return SAMPLE_COUNTS
    below = tuple(n for n in SAMPLE_COUNTS if n < limit)
    return (*below, limit) if limit <= SAMPLE_COUNTS[-1] else SAMPLE_COUNTS
