"""Pictures as bytes: uint8 image grids and PNG encoding (GIF/MP4 join them as the trainer needs them)."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def image_grid(images: np.ndarray, ncols: int | None = None, pad: int = 2, pad_value: int = 0) -> np.ndarray:
    """Tile uint8 images [N, H, W, C] into one uint8 image, `ncols` wide (default: near-square)."""
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"expected uint8 [N, H, W, C], got {images.dtype} {images.shape}")
    n, h, w, c = images.shape
    if n == 0:
        raise ValueError("no images to tile")
    ncols = max(1, min(ncols or int(np.ceil(np.sqrt(n))), n))
    nrows = -(-n // ncols)
    grid = np.full((nrows * (h + pad) + pad, ncols * (w + pad) + pad, c), pad_value, dtype=np.uint8)
    for i, img in enumerate(images):
        r, col = divmod(i, ncols)
        y, x = pad + r * (h + pad), pad + col * (w + pad)
        grid[y : y + h, x : x + w] = img
    return grid


def to_pil(image: np.ndarray) -> Image.Image:
    """uint8 [H, W, 1|3] to a Pillow image (L or RGB)."""
    return Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)


def upscale(image: np.ndarray, factor: int) -> np.ndarray:
    """A whole-number enlargement that looks like a picture on a projector (bicubic), not a mosaic of pixel
    blocks: a 32 px emoji at 5x reads as an emoji. uint8 in, uint8 out, same channels."""
    if factor <= 1:
        return image
    from PIL import Image

    h, w = image.shape[:2]
    enlarged = to_pil(image).resize((w * factor, h * factor), Image.Resampling.BICUBIC)
    return np.asarray(enlarged).reshape(h * factor, w * factor, *image.shape[2:])


def png_bytes(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    to_pil(image).save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue()


def png_data_uri(image: np.ndarray) -> str:
    """A lossless PNG as a data: URI, for pages that embed a picture in the message that shows it (no file to
    store, no second request to fetch it)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")


IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def image_file_bytes(image: np.ndarray, suffix: str) -> bytes:
    """The image encoded as its file name's suffix says (.png, .jpg/.jpeg, .webp); another suffix is refused."""
    fmt = IMAGE_FORMATS.get(suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot write a '{suffix or 'suffix-less'}' file: use one of {', '.join(IMAGE_FORMATS)}")
    if fmt == "PNG":
        return png_bytes(image)
    buf = io.BytesIO()
    to_pil(image).save(buf, format=fmt, quality=95)
    return buf.getvalue()


def _as_rgb_or_gray(frames: list[np.ndarray]) -> list[np.ndarray]:
    if not frames:
        raise ValueError("no frames to encode")
    shape = frames[0].shape
    if any(f.shape != shape for f in frames):
        raise ValueError("all frames must have the same shape")
    return [f[..., 0] if f.ndim == 3 and f.shape[-1] == 1 else f for f in frames]


def gif_bytes(frames: list[np.ndarray], fps: float = 5.0, hold_last: int = 4) -> bytes:
    """An animated, looping GIF. Colour frames share one palette, built once from a montage of up to eight
    frames across the sequence, and are quantised without dithering before Pillow writes them: ~0.1 s for
    50 frames of 256x256, where letting the writer quantise every frame itself takes seconds. The last frame
    is held a little longer."""
    frames = _as_rgb_or_gray(frames)
    frames = frames + [frames[-1]] * hold_last
    if frames[0].ndim == 2:
        images = [Image.fromarray(f, "L") for f in frames]
    else:
        picks = np.linspace(0, len(frames) - 1, num=min(8, len(frames))).astype(int)
        montage = Image.fromarray(np.concatenate([frames[i][::2, ::2] for i in picks], axis=0))  # subsampled: fast
        palette = montage.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        images = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    buf = io.BytesIO()
    images[0].save(
        buf, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0, optimize=False
    )
    return buf.getvalue()


def mp4_bytes(frames: list[np.ndarray], fps: float = 5.0) -> bytes:
    """An H.264 MP4 via imageio's ffmpeg (the binary ships in the imageio-ffmpeg wheel); frames are padded
    to multiples of 16 pixels, which the codec needs, instead of being resampled: with white, the page around
    the picture, so a film shows no black bars."""
    import imageio.v3 as iio

    frames = _as_rgb_or_gray(frames)
    stacked = np.stack([np.repeat(f[..., None], 3, axis=-1) if f.ndim == 2 else f for f in frames])
    h, w = stacked.shape[1:3]
    stacked = np.pad(stacked, ((0, 0), (0, -h % 16), (0, -w % 16), (0, 0)), constant_values=255)
    return iio.imwrite("<bytes>", stacked, extension=".mp4", fps=fps, codec="libx264", macro_block_size=16)


def zip_of_pngs(images: np.ndarray, names: list[str]) -> bytes:
    """Each image as its own PNG at its own size, in one zip, for other tools (names: file stems)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:  # PNGs are compressed already
        for i, (image, name) in enumerate(zip(images, names, strict=True)):
            stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40]
            zf.writestr(f"{i:03d}-{stem}.png", png_bytes(image))
    return buf.getvalue()


def scale_for(side: int, target_px: int) -> int:
    """The whole-number enlargement that brings an image of `side` pixels to at least `target_px`."""
    return max(1, -(-target_px // max(1, side)))


def labelled_grid(images: np.ndarray, labels: list[str], ncols: int, scale: int = 1) -> np.ndarray:
    """A grid whose tiles carry a caption strip underneath (the class each sample was drawn for)."""
    from PIL import ImageDraw, ImageFont

    tiles = [upscale(im, scale) if scale > 1 else im for im in images]
    h, w = tiles[0].shape[:2]
    strip = 12
    font = ImageFont.load_default()
    captioned = []
    for tile, label in zip(tiles, labels, strict=True):
        canvas = Image.new("RGB", (w, h + strip), (255, 255, 255))
        canvas.paste(to_pil(tile).convert("RGB"), (0, 0))
        text = label if len(label) * 6 <= w else label[: max(1, w // 6 - 1)] + "…"
        ImageDraw.Draw(canvas).text((2, h), text, fill=(0, 0, 0), font=font)
        captioned.append(np.asarray(canvas))
    return image_grid(np.stack(captioned), ncols=ncols, pad_value=255)


def paired_tiles(samples: np.ndarray, neighbours: np.ndarray, columns: int) -> np.ndarray:
    """Each of `samples` beside its partner in `neighbours` (its nearest training image) as one tile captioned with
    their mean pixel difference, each image at 84 px or more: pairs a reader can compare."""
    gap = np.full((samples.shape[1], max(2, samples.shape[2] // 14), samples.shape[3]), 255, np.uint8)
    pairs = np.stack([np.concatenate([a, gap, b], axis=1) for a, b in zip(samples, neighbours, strict=True)])
    labels = [f"diff {np.abs(a.astype(int) - b).mean():.0f}" for a, b in zip(samples, neighbours, strict=True)]
    return labelled_grid(pairs, labels, ncols=columns, scale=scale_for(samples.shape[1], 84))


Legend = tuple[tuple[str, tuple[int, int, int]], ...]


def with_caption(image: np.ndarray, text: str, legend: Legend = ()) -> np.ndarray:
    """The image above a white strip that reads `text` on the left and a colour legend (dot, name) after it:
    a film's frame says which moment it is and what its colours mean (GIF / MP4 exports). The type shrinks
    until the line fits the frame's width."""
    from PIL import ImageDraw, ImageFont

    h, w = image.shape[:2]
    size = max(10, min(18, w // 28))
    strip = size + 10  # the same for every frame of a film, whatever its text
    while True:
        font = ImageFont.load_default(size=size)
        widths = [font.getlength(text)] + [size + 4 + font.getlength(name) for name, _ in legend]
        if 12 + sum(widths) + size * len(legend) <= w or size <= 9:
            break
        size -= 1
    canvas = Image.new("RGB", (w, h + strip), (255, 255, 255))
    canvas.paste(to_pil(image).convert("RGB"), (0, 0))
    pen = ImageDraw.Draw(canvas)
    y, r = h + (strip - size) // 2 - 1, size // 3
    pen.text((6, y), text, fill=(0, 0, 0), font=font)
    x = 6 + widths[0] + size
    for (name, colour), width in zip(legend, widths[1:], strict=True):
        if x + width > w:  # a narrow frame keeps the entries that fit whole
            break
        cy = y + size // 2 + 1
        pen.ellipse((x, cy - r, x + 2 * r, cy + r), fill=colour, outline=(120, 120, 120))
        pen.text((x + 2 * r + 4, y), name, fill=(60, 60, 60), font=font)
        x += width + size
    return np.asarray(canvas)


def captioned_rows(rows: np.ndarray, captions: list[str], scale: int = 1) -> np.ndarray:
    """Strips [k, steps, H, W, C] as k rows, one under another, each above a line of its own words."""
    pictures = [with_caption(upscale(image_grid(row, ncols=len(row), pad_value=255), scale), text)
                for row, text in zip(rows, captions, strict=True)]  # fmt: skip
    return np.concatenate(pictures, axis=0)
