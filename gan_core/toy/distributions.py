"""Two-dimensional data for the toy GAN: named distributions with a seedable sampler, and a person's own points.

The ring and the grid are the mixtures of Metz et al. 2017 ("Unrolled GANs") and Srivastava et al. 2017
(VEEGAN): a mode is a Gaussian with a known centre, so the metrics in `gan_core.toy.metrics` can say how many of
them a generator covers. The spiral and the moons have no modes; they show how G bends its noise plane.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from gan_core.errors import PlaygroundError

MAX_OWN_POINTS = 100_000  # rows read from an uploaded CSV
MIN_OWN_POINTS = 8


class PointsError(PlaygroundError):
    """A person's points cannot be used: the message says why in one sentence."""


@dataclass(frozen=True, eq=False)
class ToyDistribution:
    """A 2-D distribution: a mixture of Gaussians at `modes` (each with `std`), or points drawn from `points`."""

    name: str
    title: str
    modes: np.ndarray | None = None  # [K, 2] centres of a Gaussian mixture
    std: float = 0.0  # each mode's standard deviation
    points: np.ndarray | None = None  # [N, 2] a fixed point set, resampled with a little noise
    curve: str = ""  # "spiral" or "moons": a shape with no modes
    extent: float = 3.0  # the views show [-extent, extent] on both axes
    notes: str = field(default="", compare=False)

    @property
    def has_modes(self) -> bool:
        return self.modes is not None

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """`n` points float32 [n, 2]; the same seed gives the same points."""
        if n < 1:
            raise ValueError("ask for at least one point")
        rng = np.random.default_rng(seed)
        if self.modes is not None:
            picks = rng.integers(0, len(self.modes), n)
            out = self.modes[picks] + rng.normal(0.0, self.std, (n, 2))
        elif self.points is not None:
            out = self.points[rng.integers(0, len(self.points), n)] + rng.normal(0.0, self.std, (n, 2))
        elif self.curve == "spiral":
            t = np.sqrt(rng.uniform(0.0, 1.0, n)) * 3.0 * math.pi  # uniform along the arm's length
            radius = 2.5 * t / (3.0 * math.pi)
            out = np.stack([radius * np.cos(t), radius * np.sin(t)], 1) + rng.normal(0.0, 0.04, (n, 2))
        elif self.curve == "moons":
            t = rng.uniform(0.0, math.pi, n)
            upper = rng.integers(0, 2, n).astype(bool)
            x = np.where(upper, np.cos(t), 1.0 - np.cos(t))
            y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
            out = np.stack([x - 0.5, y - 0.25], 1) * 1.6 + rng.normal(0.0, 0.05, (n, 2))
        else:
            raise ValueError(f"{self.name} has nothing to sample")
        return out.astype(np.float32)


def ring(modes: int = 8, radius: float = 2.0, std: float = 0.05) -> ToyDistribution:
    angles = 2 * math.pi * np.arange(modes) / modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], 1)
    return ToyDistribution("ring", f"Ring of {modes} Gaussians", modes=centres, std=std, extent=3.0,
                           notes="Metz et al. 2017 use radius 2 and σ 0.02; σ 0.05 here is easier to see.")  # fmt: skip


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> ToyDistribution:
    axis = (np.arange(side) - (side - 1) / 2) * spacing
    centres = np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)
    return ToyDistribution("grid", f"{side}x{side} grid of {side * side} Gaussians", modes=centres, std=std,
                           extent=float(axis[-1]) + 1.5)  # fmt: skip


DISTRIBUTIONS: dict[str, ToyDistribution] = {
    "ring": ring(),
    "grid": grid(),
    "spiral": ToyDistribution("spiral", "Spiral", curve="spiral", extent=3.0),
    "moons": ToyDistribution("moons", "Two moons", curve="moons", extent=3.0),
}


def distribution(name: str) -> ToyDistribution:
    """A named distribution; an unknown name gets one sentence listing the known ones."""
    try:
        return DISTRIBUTIONS[name]
    except KeyError:
        raise PointsError(f"there is no toy distribution {name!r}: use one of {', '.join(DISTRIBUTIONS)}") from None


def own_points(points: np.ndarray, title: str = "Your points", spread: float = 0.03) -> ToyDistribution:
    """A person's points (drawn or uploaded) as a distribution: rescaled to fit the view, each point a tiny blob."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise PointsError("points need two columns, x and y")
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < MIN_OWN_POINTS:
        raise PointsError(f"at least {MIN_OWN_POINTS} points with finite x and y are needed, found {len(points)}")
    centre = (points.max(0) + points.min(0)) / 2
    half = float(np.abs(points - centre).max()) or 1.0
    scaled = (points - centre) / half * 2.0  # into [-2, 2], like the ring
    return ToyDistribution("own", title, points=scaled.astype(np.float32), std=spread, extent=3.0)


def points_from_csv(data: bytes) -> np.ndarray:
    """x, y rows from a CSV file (a header row is skipped; other columns ignored); one sentence when unusable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PointsError("the file is not a text CSV (it is not UTF-8)") from None
    rows = []
    for row in csv.reader(io.StringIO(text)):
        if len(rows) >= MAX_OWN_POINTS:
            break
        if len(row) < 2:
            continue
        try:
            rows.append((float(row[0]), float(row[1])))
        except ValueError:
            continue  # a header, or a note
    if not rows:
        raise PointsError("no rows with two numbers (x, y) were found in the CSV")
    return np.asarray(rows, dtype=np.float64)
