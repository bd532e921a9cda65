"""A toy run's moment as one picture (numpy and Pillow): D's verdict behind, real points green, fakes purple,
G's push and its noise grid when asked for.

These pictures are the run's sample frames, so its progress GIF / MP4 is the whole training as a film, and the
live page's plane while a run trains: a picture updates in place, five times a second, where a Plotly chart is
rebuilt each time and shows blank while it draws (bench/plane_flicker.py). A paused or ended run's plane is the
interactive Plotly view (gan_core.toy.views), in the same colours.
"""

from __future__ import annotations

import numpy as np

from gan_core.toy.distributions import ToyDistribution
from gan_core.toy.observation import PlaneLayers, ToyObservation

REAL_COLOUR = (27, 127, 59)
FAKE_COLOUR = (123, 63, 181)
FIELD_FAKE_RGB = (214, 190, 236)  # where D says "fake"
FIELD_REAL_RGB = (176, 226, 186)  # where D says "real"
FIELD_FAKE = np.array(FIELD_FAKE_RGB, np.float32)
FIELD_REAL = np.array(FIELD_REAL_RGB, np.float32)
PICTURE_SIZE = 256
ARROWS = 120  # fake points that get an arrow (more hides the picture)
PUSH_COLOUR = (60, 20, 90)
GRID_COLOUR = (90, 90, 90)
FILM_LAYERS = PlaneLayers(verdict=True, push=False)  # a run's sample frames: the verdict and the points
FILM_LEGEND = (("real", REAL_COLOUR), ("G's points", FAKE_COLOUR),
               ("D says real", FIELD_REAL_RGB), ("D says fake", FIELD_FAKE_RGB))  # fmt: skip


def push_arrows(observation: ToyObservation) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of G's push on some fake points: the longest arrows an eighth of the view's half-width, and
    every end inside the view."""
    fake = observation.fake
    picks = np.linspace(0, len(fake) - 1, min(ARROWS, len(fake))).astype(int)
    starts, push = fake[picks], observation.push[picks]
    norms = np.linalg.norm(push, axis=1)
    longest = float(np.percentile(norms, 95)) or 1.0
    step = push / np.maximum(norms, longest)[:, None] * (0.12 * observation.extent)  # none longer than the 95th
    e = observation.extent
    return starts, np.clip(starts + step, -e, e)  # no arrow leaves the view


def field_shares(observation: ToyObservation) -> np.ndarray:
    """D's output over the view in [0, 1] (1: "real"): the probability for BCE, a squashed score otherwise."""
    field = observation.field.astype(np.float32)
    if observation.field_is_probability:
        return np.clip(field, 0.0, 1.0)
    scale = float(np.percentile(np.abs(field - np.median(field)), 95)) or 1.0
    return 0.5 + 0.5 * np.tanh((field - np.median(field)) / scale)


def to_pixels(points: np.ndarray, extent: float, size: int) -> np.ndarray:
    """Plot coordinates to pixel columns and rows (y up)."""
    scaled = (np.asarray(points, np.float32) + extent) / (2 * extent) * (size - 1)
    return np.stack([scaled[:, 0], size - 1 - scaled[:, 1]], 1)


def draw_observation(observation: ToyObservation, size: int = PICTURE_SIZE,
                     layers: PlaneLayers = FILM_LAYERS) -> np.ndarray:  # fmt: skip
    """uint8 [size, size, 3]: the field (or white), G's noise grid, the real points, the fakes, then G's push."""
    from PIL import Image, ImageDraw

    e, dot = observation.extent, max(1.5, size / 170)
    if layers.verdict:
        shares = field_shares(observation)[::-1]  # row 0 of the field is y = -extent: the picture's bottom
        colours = FIELD_FAKE + shares[..., None] * (FIELD_REAL - FIELD_FAKE)
        picture = Image.fromarray(colours.astype(np.uint8)).resize((size, size), Image.Resampling.BILINEAR)
    else:
        picture = Image.new("RGB", (size, size), "white")
    pen = ImageDraw.Draw(picture)
    if layers.manifold:
        for line in observation.manifold:
            pen.line([tuple(p) for p in to_pixels(line, e, size)], fill=GRID_COLOUR, width=1)
    for points, colour in ((observation.real, REAL_COLOUR), (observation.fake, FAKE_COLOUR)):
        inside = np.isfinite(points).all(axis=1) & (np.abs(points) < e).all(axis=1)
        for x, y in to_pixels(points[inside], e, size):
            pen.ellipse((x - dot, y - dot, x + dot, y + dot), fill=colour)
    if layers.push and len(observation.fake):
        starts, ends = (to_pixels(points, e, size) for points in push_arrows(observation))
        for (x0, y0), (x1, y1) in zip(starts, ends, strict=True):
            pen.line((x0, y0, x1, y1), fill=PUSH_COLOUR, width=max(1, size // 320))
            pen.ellipse((x1 - dot / 1.5, y1 - dot / 1.5, x1 + dot / 1.5, y1 + dot / 1.5), fill=PUSH_COLOUR)
    return np.asarray(picture)


def data_picture(dist: ToyDistribution, points: int = 512, size: int = PICTURE_SIZE) -> np.ndarray:
    """uint8 [size, size, 3]: `points` real points of `dist` on white, as a run's plane shows them before G has any
    (what a class sees before pressing Train)."""
    empty = np.zeros((0, 2), np.float32)
    moment = ToyObservation(step=0, extent=dist.extent, real=dist.sample(points, seed=1), fake=empty, push=empty,
                            field=np.zeros((1, 1), np.float32), field_is_probability=True,
                            manifold=np.zeros((0, 0, 2), np.float32))  # fmt: skip
    picture = draw_observation(moment, size, PlaneLayers(verdict=False, push=False)).copy()
    picture[[0, -1], :] = picture[:, [0, -1]] = 200  # a light frame: the plane's edge on a white page
    return picture
