"""A demo moment's picture, computed as the Explorer computes it when the moment's link opens there: the strip (or
the directions, or the search) a Classroom card shows before the click is the one the page then draws."""

from __future__ import annotations

import numpy as np

from gan_core.explore.choices import model_choices, open_choice
from gan_core.explore.directions import direction_strips
from gan_core.explore.link import ExploreLink
from gan_core.explore.pipeline import grid_noise, interpolation, interpolation_ends, strip_picture
from gan_core.pictures.render import image_grid
from gan_core.runs.classroom import DemoMoment
from gan_core.settings import ASSETS_DIR


def moment_frames(moment: DemoMoment, max_steps: int = 32) -> np.ndarray:
    """The frames the Explorer draws on arrival through `moment`'s link (its classes, steps, seed, truncation)."""
    sampler, link, truncation = _opened(moment, max_steps)
    a = b = None
    if sampler.info.conditional:
        a, b = interpolation_ends(list(link.classes), len(sampler.info.class_names))
    return interpolation(sampler, a, b, link.steps, truncation, link.seed, "both", False, max_steps)


def _opened(moment: DemoMoment, max_steps: int):
    """The moment's sampler, link and truncation, as the Explorer opens them."""
    choices = {c.key: c for c in model_choices(None)}
    link = ExploreLink.from_params(moment.params, list(choices), 64, max_steps)
    if link.model is None or link.ignored:
        raise ValueError(f"the moment {moment.title!r} has a link the Explorer would not follow: {link.ignored}")
    sampler = open_choice(choices[link.model], offline=True)
    truncation = sampler.info.default_truncation if link.truncation is None else link.truncation
    return sampler, link, truncation


def moment_picture_pixels(moment: DemoMoment, max_steps: int = 32) -> np.ndarray:
    """What a moment opens on, as one picture: an interpolation's strip, a directions moment's strips of the
    grid's first sample (a row per direction), or a search moment's example (a digit drawn dark on light as a
    person would, what the GAN is given, and what it found)."""
    if moment.params.get("interpolate") == "1":
        return strip_picture(moment_frames(moment, max_steps))
    sampler, link, truncation = _opened(moment, max_steps)
    if link.show == "directions":
        noise = grid_noise(sampler, link.n, truncation, link.seed)[0]
        class_id = link.classes[0] if sampler.info.conditional and link.classes else (
            0 if sampler.info.conditional else None)  # fmt: skip
        strips = direction_strips(sampler, noise, class_id, sampler.directions(), truncation)
        return image_grid(strips.reshape(-1, *strips.shape[2:]), ncols=strips.shape[1])
    if link.show == "find":
        return search_example(sampler)
    raise ValueError(f"the moment {moment.title!r} opens on a grid: its picture is the run's newest grid")


def search_example(sampler) -> np.ndarray:
    """A held-out test digit drawn as a person would (dark ink on light paper, off-centre), what the GAN is given
    (made like MNIST), and the closest picture the GAN found: three tiles, left to right."""
    from PIL import Image

    from gan_core.explore.inversion import Inversion
    from gan_core.explore.inversion_targets import prepare_target
    from gan_core.pictures.render import png_bytes

    data = np.load(ASSETS_DIR / "mnist.npz")
    digit = data["images"][np.where(data["is_test"] & (data["labels"] == 5))[0][0]]
    paper = Image.new("L", (84, 84), 235)
    paper.paste(Image.fromarray(255 - digit).resize((56, 56), Image.Resampling.BILINEAR), (20, 8))
    drawn = np.asarray(paper)
    info = sampler.info
    target = prepare_target(png_bytes(drawn[..., None]), info.resolution, info.channels, info.dataset)
    found = Inversion(sampler, target.pixels[None]).run().pictures[0]
    small = np.asarray(Image.fromarray(drawn).resize((info.resolution, info.resolution), Image.Resampling.LANCZOS))
    tiles = [np.repeat(small[..., None], 3, -1), np.repeat(target.pixels, 3, -1), found]
    return image_grid(np.stack(tiles), ncols=3)
