"""A demo moment's interpolation, computed as the Explorer computes it when the moment's link opens there: the strip
a Classroom card shows before the click is the one the page then draws."""

from __future__ import annotations

import numpy as np

from gan_core.explore.choices import model_choices, open_choice
from gan_core.explore.link import ExploreLink
from gan_core.explore.pipeline import interpolation, interpolation_ends
from gan_core.runs.classroom import DemoMoment


def moment_frames(moment: DemoMoment, max_steps: int = 32) -> np.ndarray:
    """The frames the Explorer draws on arrival through `moment`'s link (its classes, steps, seed, truncation)."""
    choices = {c.key: c for c in model_choices(None)}
    link = ExploreLink.from_params(moment.params, list(choices), 64, max_steps)
    if link.model is None or link.ignored:
        raise ValueError(f"the moment {moment.title!r} has a link the Explorer would not follow: {link.ignored}")
    sampler = open_choice(choices[link.model], offline=True)
    a = b = None
    if sampler.info.conditional:
        a, b = interpolation_ends(list(link.classes), len(sampler.info.class_names))
    truncation = sampler.info.default_truncation if link.truncation is None else link.truncation
    return interpolation(sampler, a, b, link.steps, truncation, link.seed, "both", False, max_steps)

