"""The classroom view: every run on the server side by side, and the one a teacher pinned to the projector."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gan_core.atomic_files import atomic_write_text
from gan_core.runs.run import ACTIVE_STATES, HISTORY_KEYS, RunSnapshot
from gan_core.runs.store import RunStore, list_runs
from gan_core.settings import CHECKPOINTS_DIR


@dataclass(frozen=True)
class GalleryCard:
    """One run as the gallery shows it: its fixed-seed grid, curves and latest metrics."""

    name: str  # chosen by the student who started it
    dataset: str
    state: str  # "interrupted" when its folder says it trained but no process does
    step: int
    frame: np.ndarray | None = None  # the latest fixed-noise sample grid
    frame_step: int | None = None
    history: dict[str, tuple[float, ...]] = field(default_factory=dict)
    fid: float | None = None  # the latest live FID (at its N), if the run measures it
    best_fid: float | None = None
    classes_covered: str = ""  # e.g. "9 / 10"
    toy: bool = False  # a 2-D toy run (Inside a GAN): its picture is the plane, and it opens on that page

    @property
    def picture_caption(self) -> str:
        return f"{'the plane' if self.toy else 'fixed noise'}, step {self.frame_step:,}"

    @property
    def headline(self) -> str:
        parts = [self.state, f"step {self.step:,}"]
        if self.fid is not None:
            parts.append(f"FID {self.fid:.1f}" + (f" (best {self.best_fid:.1f})" if self.best_fid is not None else ""))
        if self.classes_covered:
            parts.append(self.classes_covered if self.toy else f"classes {self.classes_covered}")
        return " · ".join(parts)


def _metrics(evals: list[dict[str, Any]] | tuple[dict[str, Any], ...], best: dict[str, Any] | None) -> dict[str, Any]:
    last = evals[-1] if evals else {}
    covered = f"{last['covered']} / {last['num_classes']}" if last.get("covered") is not None else ""
    if "modes_covered" in last:  # a toy run counts the modes (or parts of a shape) it covers
        covered = f"{last['modes_covered']} / {last['modes']} {last.get('unit', 'modes')} covered"
    return {
        "fid": float(last["fid"]) if "fid" in last else None,
        "best_fid": float(best["fid"]) if best and "fid" in best else None,
        "classes_covered": covered,
    }


def gallery_card(run_dir: Path, live: RunSnapshot | None = None) -> GalleryCard:
    """A card from the live snapshot when the run trains here now, else from its folder alone."""
    store = RunStore(run_dir)
    summary = store.summary()
    if live is not None:
        return GalleryCard(
            summary.name, summary.dataset, live.state.value, live.step, live.frame, live.frame_step,
            dict(live.history), **_metrics(live.evals, live.best), toy=summary.toy,
        )  # fmt: skip
    latest = store.latest_frame()
    frame_step = latest[0] if latest else None
    rows = store.read_metrics()
    history = {k: tuple(r[k] for r in rows if k in r) for k in HISTORY_KEYS}
    state = "interrupted" if summary.state in ACTIVE_STATES else summary.state
    return GalleryCard(
        summary.name, summary.dataset, state, summary.step,
        store.frame_image(frame_step) if frame_step is not None else None, frame_step, history,
        **_metrics(store.read_evals(), store.read_best()), toy=summary.toy,
    )  # fmt: skip


def gallery(runs_dir: Path, card: Callable[[Path], GalleryCard] = gallery_card, limit: int = 48
            ) -> list[GalleryCard]:  # fmt: skip
    """Every run on the server, image and toy runs alike, newest first (at most `limit`); `card` makes each (the
    app's looks up live snapshots and caches cards read from disk)."""
    return [card(s.path) for s in list_runs(runs_dir, toy=None)[:limit]]


def folder_stamp(run_dir: Path) -> tuple[float, ...]:
    """When the files a card is read from last changed: a card read from disk stays valid while this does."""
    store = RunStore(run_dir)
    paths = (store.status_path, store.metrics_path, store.evals_path, store.best_path, store.samples_dir)
    return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths)


class PinBoard:
    """Which run the projector shows: one per server, kept in a file so that a restart keeps it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def pin(self, name: str | None) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps({"pinned": name}) + "\n")

    def pinned(self) -> str | None:
        with self._lock:
            try:
                value = json.loads(self.path.read_text()).get("pinned")
            except (OSError, ValueError, AttributeError):
                return None
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class DemoMoment:
    """A one-click moment for a lesson: a page of the app opened with its settings in the URL."""

    title: str
    page: str  # "train" or "explore"
    params: dict[str, str]
    what: str  # one line for the teacher
    bundle: str = ""  # a shipped run to copy into the workspace first
    shows: str = ""  # the shipped run whose newest grid pictures this moment (moment_picture)

    @property
    def strip_name(self) -> str:
        """An interpolation, directions or search moment's picture: what it opens on, drawn ahead
        (scripts/make_moment_strips.py) into the shipped run's folder as moments/<this>.png; "" for a moment that
        opens on a grid."""
        if self.params.get("interpolate") != "1" and not self.params.get("show"):
            return ""
        return "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-") + ".png"


def demo_moments(shipped: list[str], hub_models: list[str]) -> list[DemoMoment]:
    """The moments this server can show: shipped runs and models (offline), then BigGAN when `hub_models` (the
    hub models in this machine's cache, which work without a network) has it."""
    moments = []
    if "demo-mnist-dcgan" in shipped:
        moments.append(DemoMoment(
            "A GAN that learned digits", "train", {"run": "demo-mnist-dcgan"},
            "the shipped MNIST DCGAN: its loss curves, how its samples sharpened, and its progress GIF",
            bundle="demo-mnist-dcgan", shows="demo-mnist-dcgan",
        ))  # fmt: skip
    if "cgan-mnist" in shipped:
        moments.append(DemoMoment(
            "What did the GAN learn to control?", "explore",
            {"model": "mnist", "classes": "3", "n": "4", "seed": "3", "show": "directions"},
            "directions the MNIST model found in its own weights, no labels (SeFa): one digit moved along each; "
            "students name them", shows="cgan-mnist",
        ))  # fmt: skip
        moments.append(DemoMoment(
            "Find yourself in the GAN", "explore", {"model": "mnist", "n": "4", "seed": "0", "show": "find"},
            "a digit drawn on paper, photographed or uploaded: the GAN searches for the closest one it can draw",
            shows="cgan-mnist",
        ))  # fmt: skip
    if "cgan-fashion-mnist" in shipped:
        every = ",".join(str(c) for c in range(10))
        moments.append(DemoMoment(
            "Clothes on demand", "explore",
            {"model": "fashion-mnist", "classes": every, "n": "20", "seed": "7", "truncation": "0.6"},
            "the shipped class-conditional Fashion-MNIST model: two samples of each class", shows="cgan-fashion-mnist",
        ))  # fmt: skip
        moments.append(DemoMoment(
            "A sneaker turns into a boot", "explore",
            {"model": "fashion-mnist", "classes": "7,9", "n": "8", "seed": "3", "truncation": "0.6", "steps": "12",
             "interpolate": "1"},
            "interpolation between two classes and two noise vectors, in 12 steps", shows="cgan-fashion-mnist",
        ))  # fmt: skip
    if "cgan-emoji" in shipped:
        moments.append(DemoMoment(
            "Emoji on demand", "explore",
            {"model": "emoji", "classes": ",".join(str(c) for c in range(8)), "n": "16", "seed": "1",
             "truncation": "0.5"},
            "the shipped class-conditional colour model: two emoji of each of its eight classes", shows="cgan-emoji",
        ))  # fmt: skip
        moments.append(DemoMoment(
            "An animal turns into food", "explore",
            {"model": "emoji", "classes": "2,3", "n": "8", "seed": "5", "truncation": "0.5", "steps": "12",
             "interpolate": "1"},
            "the colour model walks from the animals class to the food class, in 12 steps", shows="cgan-emoji",
        ))  # fmt: skip
    if "biggan-deep-128" in hub_models:
        moments.append(DemoMoment(
            "BigGAN: volcanoes and terriers", "explore",
            {"model": "biggan-deep-128", "classes": "980,202", "n": "8", "seed": "0", "truncation": "0.4"},
            "DeepMind's BigGAN-deep from TF Hub, from this machine's copy",
        ))  # fmt: skip
    return moments


MOMENTS_FOLDER = "moments"  # in a shipped run's folder: its interpolation moments' strips


def moment_picture(moment: DemoMoment, root: Path = CHECKPOINTS_DIR) -> Path | None:
    """What a moment opens on, as a PNG drawn ahead (no TensorFlow): an interpolation moment's own strip, else the
    newest grid of the shipped run it shows; None when there is neither."""
    if not moment.shows:
        return None
    if moment.strip_name:
        strip = root / moment.shows / MOMENTS_FOLDER / moment.strip_name
        return strip if strip.is_file() else None  # never another moment's picture in its place
    latest = RunStore(root / moment.shows).latest_frame()
    return latest[1] if latest else None
