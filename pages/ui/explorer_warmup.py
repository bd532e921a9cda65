"""The Explorer's default view, ready before anyone asks: a hosted server (scripts/serve.py) loads the default
model and draws its first grid at start-up; a page that arrives meanwhile says "warming up" instead of blocking."""

from __future__ import annotations

import streamlit as st

from gan_core.explore.choices import default_choice, model_choices
from gan_core.explore.link import ExploreLink
from gan_core.explore.render_cache import cached_grid
from pages.ui.resources import explorer_sampler, model_warmup, render_cache, settings


def start_explorer_warmup() -> bool:
    """Load the model a link-less Explorer opens on, and render the grid it shows first (same request, so the
    first visitor's grid comes from the render cache). Returns whether this call started it."""
    limits = settings().limits
    choices = model_choices(settings().runs_dir, limits.heavy_hub_models)
    default = default_choice(choices, settings().offline)
    link = ExploreLink.from_params({}, [c.key for c in choices], limits.max_samples, limits.max_interpolation_steps)

    def work() -> None:
        sampler = explorer_sampler(default.key)
        every_class = list(range(len(sampler.info.class_names)))  # the page's grid when no class is chosen
        truncation = sampler.info.default_truncation  # what the page opens this model at
        cached_grid(render_cache(), sampler, every_class, link.n, truncation, link.seed, limits.max_samples)

    return model_warmup().start(default.key, work)


@st.fragment(run_every=1.0)
def _warming(title: str) -> None:
    status = model_warmup().status()
    if not status.warming:
        st.rerun()  # ready: the page draws the model
    st.info(f"Warming up: {title} is loading for everyone on this server ({status.seconds:.0f} s so far). "
            "Another model from the list works meanwhile.", icon=":material/hourglass_top:")  # fmt: skip


def warming_up(key: str, title: str) -> bool:
    """Whether `key` is still warming up (then says so, and redraws the page when it is ready)."""
    status = model_warmup().status()
    if status.warming and status.key == key:
        _warming(title)
        return True
    return False
