"""A person's picture (an upload or a camera shot) made into what a generator draws, before it is searched for:
cropped to a square and resized; for a grey 28x28 model made like MNIST was made (dark on light inverted, the
strokes fitted into a box and centred by their mass in 28x28)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from gan_core.data.image_decode import ImageProblem, decode_image
from gan_core.data.import_limits import ImportLimits

MNIST_SIZE = 28
MNIST_BOX = {"mnist": 20}  # MNIST fitted each digit into 20x20; Fashion-MNIST fills the 28x28 (its default)
MAX_ASPECT = 4.0  # a picture longer than this against its width loses too much to a square crop
WORKING_SIZE = 112  # a grey picture is cleaned at this size before it is brought down to 28x28


@dataclass(frozen=True)
class Target:
    pixels: np.ndarray  # uint8 [size, size, channels], as the model draws
    note: str  # what was done to it, in words


def _peek(data: bytes) -> tuple[int, int, bool, float]:
    """Width, height, whether it has transparency, and the mean brightness (0-1) of its opaque pixels."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
            if not has_alpha or width * height > ImportLimits().max_pixels:
                return width, height, has_alpha, 0.0
            img.thumbnail((256, 256))
            rgba = np.asarray(img.convert("RGBA"), np.float32) / 255.0
    except Exception:  # decode_image says what is wrong, in its words
        return 0, 0, False, 0.0
    opaque = rgba[..., 3] > 0.5
    grey = rgba[..., :3].mean(axis=-1)
    return width, height, True, float(grey[opaque].mean()) if opaque.any() else 0.0


def mnist_like(grey: np.ndarray, box: int = 20) -> tuple[np.ndarray, bool]:
    """A grey picture (uint8 [S, S]) -> an MNIST-style uint8 [28, 28] (light strokes on black, fitted into
    `box` px, centred by mass) and whether it was inverted. Raises ImageProblem for a blank picture."""
    x = np.asarray(grey, np.float32) / 255.0
    border = np.concatenate([x[0], x[-1], x[:, 0], x[:, -1]])
    inverted = bool(np.median(border) > 0.5)  # dark strokes on light paper: MNIST's digits are light on black
    if inverted:
        x = 1.0 - x
    background = float(np.median(np.concatenate([x[0], x[-1], x[:, 0], x[:, -1]])))
    x = np.clip((x - background) / max(1.0 - background, 1e-6), 0.0, 1.0)  # grey paper -> black
    x[x < 0.15 * max(float(x.max()), 1e-6)] = 0.0  # paper texture and shadows
    if x.max() < 0.1:
        raise ImageProblem("it looks blank: no strokes stand out from the background")
    rows, cols = np.where(x > 0)
    crop = x[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = box / max(crop.shape)
    shape = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    small = np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize(shape, Image.Resampling.LANCZOS),
                       np.float32)  # fmt: skip
    canvas = np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    top, left = (MNIST_SIZE - small.shape[0]) // 2, (MNIST_SIZE - small.shape[1]) // 2
    canvas[top:top + small.shape[0], left:left + small.shape[1]] = small
    total = canvas.sum()
    if total > 0:  # shift so the centre of mass sits at the centre, as MNIST did
        ys, xs = np.indices(canvas.shape)
        dy = round(MNIST_SIZE / 2 - 0.5 - (ys * canvas).sum() / total)
        dx = round(MNIST_SIZE / 2 - 0.5 - (xs * canvas).sum() / total)
        canvas = np.roll(canvas, (dy, dx), axis=(0, 1))
    return np.clip(np.rint(canvas), 0, 255).astype(np.uint8), inverted


def prepare_target(data: bytes, resolution: int, channels: int, dataset: str = "",
                   limits: ImportLimits | None = None) -> Target:  # fmt: skip
    """An uploaded file's bytes -> a Target the model can be searched for. Raises ImageProblem (one sentence)."""
    limits = limits or ImportLimits()
    if not data:
        raise ImageProblem("the file is empty")
    width, height, has_alpha, brightness = _peek(data)
    if width and height and max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageProblem(f"it is {width}x{height} px, too long and thin to crop to a square: crop it nearer to "
                           "a square first")  # fmt: skip
    # A transparent background goes behind the strokes in the colour that contrasts with them.
    background = (0, 0, 0) if has_alpha and brightness > 0.5 else (255, 255, 255)
    mnist = channels == 1 and resolution == MNIST_SIZE
    decoded = decode_image(data, WORKING_SIZE if mnist else resolution, limits, background)
    if mnist:
        grey = decoded.pixels[..., 0] if decoded.pixels.shape[-1] == 1 else np.asarray(
            Image.fromarray(decoded.pixels).convert("L"))  # fmt: skip
        pixels, inverted = mnist_like(grey, MNIST_BOX.get(dataset, MNIST_SIZE))
        what = (("inverted (it was dark on light), " if inverted else "") +
                f"fitted into {MNIST_BOX.get(dataset, MNIST_SIZE)} px and centred by its mass"
                + (", as MNIST was made" if dataset == "mnist" else ""))
        return Target(pixels[..., None], f"{decoded.note}, made MNIST-like: {what}")
    pixels = decoded.pixels
    if channels == 1 and pixels.shape[-1] == 3:
        pixels = np.asarray(Image.fromarray(pixels).convert("L"))[..., None]
    elif channels == 3 and pixels.shape[-1] == 1:
        pixels = np.repeat(pixels, 3, axis=-1)
    return Target(pixels, decoded.note + (", on a " + ("black" if background == (0, 0, 0) else "white") +
                                          " background" if has_alpha else ""))  # fmt: skip
