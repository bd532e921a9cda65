"""A toy run's moment as one picture (numpy and Pillow): D's verdict behind, real points green, fakes purple.

These pictures are the run's sample frames, so its progress GIF / MP4 is the whole training as a film. The live
page draws the same moment with Plotly (gan_core.toy.views), in the same colours.
"""

from __future__ import annotations

import numpy as np

from gan_core.toy.observation import ToyObservation

REAL_COLOUR = (27, 127, 59)
FAKE_COLOUR = (123, 63, 181)
FIELD_FAKE = np.array([214, 190, 236], np.float32)  # where D says "fake"
FIELD_REAL = np.array([176, 226, 186], np.float32)  # where D says "real"
PICTURE_SIZE = 256


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


def draw_observation(observation: ToyObservation, size: int = PICTURE_SIZE) -> np.ndarray:
    """uint8 [size, size, 3]: the field, then the real points, then the fakes (drawn last, on top)."""
    from PIL import Image, ImageDraw

    shares = field_shares(observation)[::-1]  # row 0 of the field is y = -extent: the picture's bottom
    colours = FIELD_FAKE + shares[..., None] * (FIELD_REAL - FIELD_FAKE)
    picture = Image.fromarray(colours.astype(np.uint8)).resize((size, size), Image.Resampling.BILINEAR)
    pen = ImageDraw.Draw(picture)
    for points, colour in ((observation.real, REAL_COLOUR), (observation.fake, FAKE_COLOUR)):
        inside = np.isfinite(points).all(axis=1) & (np.abs(points) < observation.extent).all(axis=1)
        for x, y in to_pixels(points[inside], observation.extent, size):
            pen.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=colour)
    return np.asarray(picture)
