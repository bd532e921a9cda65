"""One moment of a toy run as plain numpy arrays: what the trainer observes and the pictures and views draw."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIELD_SIZE = 48  # D is drawn on a FIELD_SIZE x FIELD_SIZE grid over the view


@dataclass(frozen=True)
class PlaneLayers:
    """What the plane shows besides the points (the Plotly view and the picture alike)."""

    verdict: bool = True  # D's output as the background
    push: bool = True  # an arrow on each of some fake points: where G's next update moves it
    manifold: bool = False  # G's image of a regular grid (2-d noise) or line (1-d noise)


ALL_BUT_GRID = PlaneLayers()  # the page's default layers


@dataclass(frozen=True, eq=False)
class ToyObservation:
    """One moment of a toy run, as numpy arrays for the views (safe to share between threads)."""

    step: int
    extent: float  # the view is [-extent, extent] on both axes
    real: np.ndarray  # [N, 2] a fixed sample of the data
    fake: np.ndarray  # [M, 2] G on fixed noise
    push: np.ndarray  # [M, 2] minus the gradient of G's loss at each fake point: where G's update moves it
    field: np.ndarray  # [FIELD_SIZE, FIELD_SIZE] D's output over the view, row 0 at y = -extent
    field_is_probability: bool  # bce: sigmoid(D), the probability "real"; otherwise D's raw score
    manifold: np.ndarray  # [lines, points, 2] G's image of a regular grid (or line) of noise

