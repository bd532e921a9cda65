"""Decode one untrusted image file with Pillow into a square uint8 array: any mode in, L or RGB out."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from gan_core.data.import_limits import ImportLimits


class ImageProblem(ValueError):
    """This file cannot be used; the message says why in a few words."""


@dataclass(frozen=True)
class DecodedImage:
    pixels: np.ndarray  # uint8 [size, size, 1] (grayscale) or [size, size, 3]
    note: str  # what was done, e.g. "RGBA 640x480 -> 64x64"


def _to_8bit(img: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Any Pillow mode to 'L' or 'RGB': 16/32-bit scaled, alpha composited over `background`."""
    mode = img.mode
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        arr = np.asarray(img, dtype=np.float64)
        if mode == "F":
            arr = arr * 255.0 if arr.max(initial=0.0) <= 1.0 else arr
        elif arr.max(initial=0.0) > 255:  # 16-bit data
            arr = arr / 257.0
        return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), "L")
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        mode = img.mode
    if mode in ("RGBA", "RGBa", "LA", "La", "PA"):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (*background, 255))
        flat = Image.alpha_composite(canvas, rgba).convert("RGB")
        return flat.convert("L") if mode in ("LA", "La") else flat
    if mode in ("1", "L"):
        return img.convert("L")
    return img.convert("RGB")


def decode_image(
    data: bytes, size: int, limits: ImportLimits, background: tuple[int, int, int] = (255, 255, 255)
) -> DecodedImage:
    """Open, check, orient, convert, centre-crop to a square and resize to `size` px."""
    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageProblem(f"decompression bomb refused by Pillow ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise ImageProblem("not an image Pillow can read") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"corrupt image ({exc})") from exc
    with img:
        width, height = img.size
        if width * height > limits.max_pixels:
            raise ImageProblem(
                f"{width}x{height} pixels is over the cap of {limits.max_pixels:,} (a decompression bomb?)"
            )
        if min(width, height) < limits.min_side:
            raise ImageProblem(f"{width}x{height} is too small (under {limits.min_side} px)")
        if img.format == "JPEG":
            img.draft("RGB", (size * 2, size * 2))  # decode large JPEGs at reduced scale: much faster
        try:
            img.load()
            img = ImageOps.exif_transpose(img)
            mode = img.mode
            flat = _to_8bit(img, background)
        except Image.DecompressionBombError as exc:
            raise ImageProblem(f"decompression bomb refused by Pillow ({exc})") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageProblem(f"corrupt or truncated image ({exc})") from exc
    side = min(flat.size)
    left, top = (flat.width - side) // 2, (flat.height - side) // 2
    square = flat.crop((left, top, left + side, top + side))
    resized = square.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    pixels = np.asarray(resized, dtype=np.uint8)
    pixels = pixels[..., None] if pixels.ndim == 2 else pixels
    return DecodedImage(pixels, f"{mode} {width}x{height} -> {size}x{size}")
