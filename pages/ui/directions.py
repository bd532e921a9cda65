"""The opened sample moved along the directions its generator found by itself (SeFa): a strip per direction, names
a person gives them, and sliders that move it along several at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.explore.direction_names import clean_name, padded, read_saved_names, save_names
from gan_core.explore.directions import SPAN, STRIP_STEPS, direction_strips, moved, strip_offsets
from gan_core.explore.link import ExploreLink
from gan_core.explore.pipeline import grid_noise
from gan_core.explore.render_cache import sampler_key
from gan_core.explore.samplers import Sampler
from gan_core.pictures.render import image_grid, scale_for, upscale
from pages.ui.resources import interactive_priority, render_cache

NAMES = "explore_direction_names"  # (model key, names): the names of the model on the page


def direction_names(key: str, run_folder: Path | None) -> tuple[str, ...]:
    """The current model's direction names: those a link or this visit gave, else those its run folder keeps."""
    kept = st.session_state.get(NAMES)
    if kept is not None and kept[0] == key and any(kept[1]):
        return padded(kept[1])
    return read_saved_names(run_folder) if run_folder is not None else ()


def _rename(key: str, count: int) -> None:
    state = st.session_state
    state[NAMES] = (key, tuple(clean_name(state.get(f"explore_direction_name_{i}", "")) for i in range(count)))


def _strips(sampler: Sampler, noise: np.ndarray, class_id: int | None, truncation: float) -> np.ndarray:
    """Every direction's strip for this sample, through the server's render cache (one call per request)."""
    found = sampler.directions()
    key = ("directions", sampler_key(sampler), noise.tobytes(), class_id, float(truncation), STRIP_STEPS)
    return render_cache().get_or_compute(
        key, lambda: direction_strips(sampler, noise, class_id, found, truncation, STRIP_STEPS))


def directions_panel(sampler: Sampler, key: str, noise: np.ndarray, class_id: int | None, truncation: float,
                     run_folder: Path | None, present: bool) -> None:  # fmt: skip
    """Strips of the opened sample along the top directions, a name box for each, and sliders."""
    state = st.session_state
    try:
        with st.spinner("Reading the directions from the weights…"):
            found = sampler.directions()
            strips = _strips(sampler, noise, class_id, truncation)
    except (PlaygroundError, ValueError, NotImplementedError) as exc:
        st.warning(f"No directions for this model: {exc}")
        return
    names = direction_names(key, run_folder)
    if state.get("explore_direction_names_for") != key:  # another model's names do not stay in the boxes
        for index in range(len(found)):
            state[f"explore_direction_name_{index}"] = names[index] if names else ""
        state["explore_direction_names_for"] = key
    st.markdown(f"**What the GAN learned to control.** Found in the weights with no labels and no training (SeFa): "
                f"the {len(found)} directions in the noise that its first layer stretches most. Each row moves this "
                f"sample from {-SPAN:g} to +{SPAN:g} along one; name what you see, and the name goes into the "
                "page's link.")  # fmt: skip
    cell = 96 if present else 64
    for index in range(len(found)):
        label, picture = st.columns([1, 4])
        label.text_input(f"Direction {index + 1}", key=f"explore_direction_name_{index}", max_chars=30,
                         placeholder="name it", on_change=_rename, args=(key, len(found)),
                         help=f"Moves the first layer {found.gain(index):.1f}x as much as a typical direction.")
        picture.image(upscale(image_grid(strips[index], ncols=len(strips[index])), scale_for(strips.shape[2], cell)),
                      caption=" · ".join(f"{v:+g}" for v in strip_offsets(STRIP_STEPS)))  # fmt: skip
    if run_folder is not None and st.button("Keep these names with the run", key="explore_direction_keep"):
        save_names(run_folder, names)
        st.toast(f"Saved in {run_folder.name}/directions.json")
    _sliders(sampler, noise, class_id, truncation, names, present)


def first_sample_directions(sampler: Sampler, link: ExploreLink, shown: list[int], run_folder: Path | None,
                            present: bool) -> None:  # fmt: skip
    """A demo moment's arrival: the grid's first sample moved along its generator's directions, at the top."""
    info = sampler.info
    noise = grid_noise(sampler, link.n, link.truncation, link.seed)[0]
    class_id = shown[0] if shown else None
    what = f" · class {info.class_names[class_id]}" if class_id is not None else ""
    st.markdown(f"**Sample 1** of the grid below{what} · seed {link.seed} · truncation {link.truncation:g}")
    directions_panel(sampler, link.model or "", noise, class_id, link.truncation, run_folder, present)


def _sliders(sampler: Sampler, noise: np.ndarray, class_id: int | None, truncation: float, names: tuple[str, ...],
             present: bool) -> None:  # fmt: skip
    """Move the sample along several directions at once."""
    found = sampler.directions()
    st.markdown("**Move it along several at once**")
    left, right = st.columns([3, 2])
    amounts = {}
    for index in range(len(found)):
        title = (names[index] if names and names[index] else f"Direction {index + 1}")
        amounts[index] = left.slider(title, -SPAN, SPAN, 0.0, 0.25, key=f"explore_direction_amount_{index}")
    classes = None if class_id is None else np.array([class_id])
    with interactive_priority().serving():
        image = sampler.sample(moved(noise, found, amounts)[None, :], classes, truncation)[0]
    moves = ", ".join(f"{(names[i] if names and names[i] else f'direction {i + 1}')} {v:+g}"
                      for i, v in amounts.items() if v) or "not moved"  # fmt: skip
    right.image(upscale(image, scale_for(image.shape[0], 256 if present else 200)), caption=moves)
