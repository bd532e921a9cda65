"""The commands that draw from a model: sample, interpolate, directions, invert, export."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from gan_core.errors import PlaygroundError
from gan_core.words import plural


def open_model(args: argparse.Namespace):
    from gan_core.explore.choices import resolve_model
    from gan_core.settings import Settings

    settings = Settings.from_env()
    return resolve_model(args.model, settings.runs_dir, settings.offline)


def class_ids(sampler, names: list[str] | None) -> list[int]:
    """The classes a grid takes in turn: those named, or every class (as the app does when none is chosen)."""
    if not sampler.info.conditional:
        if names:
            raise ValueError(f"{sampler.info.title} is unconditional: it takes no --class")
        return []
    if not names:
        return list(range(len(sampler.info.class_names)))
    try:
        return [sampler.catalog.resolve(name).index for name in names]
    except PlaygroundError as exc:
        raise PlaygroundError(f"--class: {exc}") from None


def truncation_or_default(sampler, asked: float | None) -> float:
    """--truncation, or the model's own default (SamplerInfo.default_truncation)."""
    return sampler.info.default_truncation if asked is None else asked


def cmd_sample(args: argparse.Namespace) -> int:
    from gan_core.explore.pipeline import sample_grid
    from gan_core.pictures.render import image_file_bytes, image_grid, labelled_grid

    image_file_bytes(np.zeros((1, 1, 3), np.uint8), Path(args.out).suffix)  # a bad --out fails before the work
    sampler = open_model(args)
    classes = class_ids(sampler, args.classes)
    truncation = truncation_or_default(sampler, args.truncation)
    images = sample_grid(sampler, classes, args.n, truncation, args.seed)
    columns = int(np.ceil(np.sqrt(args.n)))
    if classes:
        names = [sampler.info.class_names[c] for c in np.resize(classes, args.n)]
        grid = labelled_grid(images, names, columns, scale=max(1, 96 // images.shape[1]))
    else:
        grid = image_grid(images, ncols=columns)
    Path(args.out).write_bytes(image_file_bytes(grid, Path(args.out).suffix))
    what = ""
    if classes:
        what = f", classes {', '.join(sampler.info.class_names[c] for c in classes)}" if args.classes else (
            ", every class in turn")  # fmt: skip
    step = f"step {sampler.info.step}, " if sampler.info.step is not None else ""
    cache = ", from cache" if sampler.info.source.endswith(", from cache") else ""  # a hub model fetched before
    print(f"wrote {args.out}: {plural(args.n, 'sample')} from {sampler.info.title}{cache} ({step}seed {args.seed}, "
          f"truncation {truncation:g}{what})")  # fmt: skip
    return 0


def cmd_interpolate(args: argparse.Namespace) -> int:
    from gan_core.explore.pipeline import interpolation
    from gan_core.pictures.render import gif_bytes, mp4_bytes, png_bytes, upscale

    sampler = open_model(args)
    a = b = None
    if sampler.info.conditional:
        if args.class_from is None or args.class_to is None:
            raise ValueError(f"{sampler.info.title} is class-conditional: give --from and --to")
        a, b = class_ids(sampler, [args.class_from, args.class_to])
    truncation = truncation_or_default(sampler, args.truncation)
    frames = interpolation(sampler, a, b, args.steps, truncation, args.seed, args.mode, args.same_noise)
    factor = max(1, 256 // frames.shape[1])
    frames = [upscale(f, factor) for f in frames]
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix == ".gif":
        data = gif_bytes(frames, fps=8, hold_last=0)
    elif suffix == ".mp4":
        data = mp4_bytes(frames, fps=8)
    elif suffix == ".png":
        from gan_core.pictures.render import image_grid

        data = png_bytes(image_grid(np.stack(frames), ncols=len(frames)))
    else:
        raise ValueError("--out must end in .gif, .mp4 or .png")
    out.write_bytes(data)
    print(f"wrote {out}: {args.steps} steps from {args.class_from or 'noise A'} to {args.class_to or 'noise B'} "
          f"({sampler.info.title}, seed {args.seed}, truncation {truncation:g}, mode {args.mode})")  # fmt: skip
    return 0


def cmd_directions(args: argparse.Namespace) -> int:
    from gan_core.explore.direction_names import read_saved_names
    from gan_core.explore.directions import SPAN, direction_strips
    from gan_core.models.latent import truncated_noise
    from gan_core.pictures.render import captioned_rows, image_file_bytes

    image_file_bytes(np.zeros((1, 1, 3), np.uint8), Path(args.out).suffix)  # a bad --out fails before the work
    sampler = open_model(args)
    classes = class_ids(sampler, [args.class_name] if args.class_name else None)
    truncation = truncation_or_default(sampler, args.truncation)
    noise = truncated_noise(1, sampler.info.noise_dim, truncation, args.seed)[0]  # the grid's first sample
    found = sampler.directions()
    strips = direction_strips(sampler, noise, classes[0] if classes else None, found, truncation, args.steps)
    names = read_saved_names(Path(args.model)) if (Path(args.model) / "config.json").is_file() else ()
    captions = [f"{i + 1}{' · ' + names[i] if names and names[i] else ''} · {found.gain(i):.1f}x a typical "
                f"direction · {-SPAN:g} to +{SPAN:g}" for i in range(len(found))]  # fmt: skip
    sheet = captioned_rows(strips, captions, scale=max(1, 64 // strips.shape[2]))
    Path(args.out).write_bytes(image_file_bytes(sheet, Path(args.out).suffix))
    what = f", class {sampler.info.class_names[classes[0]]}" if classes else ""
    print(f"wrote {args.out}: the top {len(found)} directions (SeFa) of {sampler.info.title}, {args.steps} steps "
          f"each from {-SPAN:g} to +{SPAN:g} (seed {args.seed}{what}, truncation {truncation:g})")  # fmt: skip
    return 0


def cmd_invert(args: argparse.Namespace) -> int:
    from gan_core.explore.inversion_folder import invert_folder

    images, out = Path(args.images), Path(args.out)
    if not images.is_dir():
        raise ValueError(f"--images {args.images} is not a folder: give a folder of pictures")
    if out.resolve() == images.resolve():
        raise ValueError("--out is the --images folder: give another folder, so no picture is overwritten")
    sampler = open_model(args)
    done = invert_folder(sampler, images, out, args.truncation)
    print(f"wrote {done.written} reconstructions to {out}: {done.summary}")
    return 0 if done.written else 1


def cmd_export(args: argparse.Namespace) -> int:
    from gan_core.explore.samplers import RunModelSampler

    sampler = open_model(args)
    if not isinstance(sampler, RunModelSampler):
        raise PlaygroundError(f"{sampler.info.title} comes from TF Hub, where its handle is how to use it elsewhere; "
                              "export takes a shipped model or a run folder.")  # fmt: skip
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise PlaygroundError(f"{out} is not empty: choose a new folder with --out.")
    keras_file, savedmodel = sampler.export(out)
    print(f"wrote {keras_file} (keras.saving.load_model) and {savedmodel}/ (tf.saved_model.load; signature "
          f"'pictures': noise{' and class_index' if sampler.info.conditional else ''} in, uint8 pictures out) "
          f"from {sampler.info.title}")  # fmt: skip
    return 0

