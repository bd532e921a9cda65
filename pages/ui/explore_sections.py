"""The Explorer's sections around the grid: finding and choosing classes, and interpolating between two."""

from __future__ import annotations

import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.explore.classes import AmbiguousClassError, UnknownClassError
from gan_core.explore.pipeline import INTERPOLATION_MODES, interpolation_ends
from gan_core.explore.render_cache import cached_interpolation
from gan_core.explore.samplers import Sampler
from gan_core.words import plural
from pages.ui.explorer import show_frames
from pages.ui.kept_state import drop_stale_choices
from pages.ui.resources import render_cache, settings


def _follow_the_model(key: str, sampler: Sampler) -> None:
    """After a switch of model: the chosen classes carried by name where the new model has that name, else dropped
    (a number means another class in another model); the old search text cleared."""
    state = st.session_state
    before = state.get("explore_classes_of")  # (the model they were chosen on, their names)
    if before is not None and before[0] != key:
        state["explore_classes"] = sampler.catalog.carried(before[1])
        state.pop("explore_find", None)
    drop_stale_choices("explore_classes", range(len(sampler.info.class_names)))  # a label the browser sent back


def class_picker(sampler: Sampler, key: str) -> tuple[list[int], list[int]]:
    """Search and choose classes of model `key`; returns (chosen, the classes the grid takes in turn: every one
    if none)."""
    state, catalog = st.session_state, sampler.catalog
    class_count = len(sampler.info.class_names)
    _follow_the_model(key, sampler)
    find, chosen = st.columns([2, 3])  # side by side: the grid's first row stays on a 1280x800 first screen
    query = find.text_input("Find classes", placeholder="a name, part of a name, an id, or a group such as 'dog'",
                            key="explore_find")  # fmt: skip
    if query:
        try:
            found = [catalog.resolve(query)]
        except AmbiguousClassError as exc:
            found = exc.candidates
            find.caption(str(exc))
        except UnknownClassError as exc:
            found = exc.suggestions  # a did-you-mean is one click away
            find.warning(str(exc))
        what = found[0].label if len(found) == 1 else plural(len(found), "class", "classes")
        if found and find.button(f"Add {what}"):
            state["explore_classes"] = list(dict.fromkeys(state.get("explore_classes", []) + [c.index for c in found]))
            st.rerun()
    selected = chosen.multiselect(
        "Classes", list(range(class_count)), key="explore_classes", format_func=lambda i: catalog.classes[i].label,
        placeholder=f"none chosen: the grid takes all {class_count:,} classes in turn",
    )
    state["explore_classes_of"] = (key, [catalog.classes[i].name for i in selected])
    return selected, selected or list(range(class_count))


def interpolate_section(sampler: Sampler, key: str, selected: list[int], truncation: float, seed: int,
                        frame_px: int, into=None) -> None:  # fmt: skip
    """Two classes (for a conditional model), steps and what moves; the strip, its GIF and MP4 once made (drawn
    `into` a container higher on the page when a demo moment's link asked for the interpolation)."""
    state, limits = st.session_state, settings().limits
    st.subheader("Interpolate")
    a, b = st.columns(2)
    class_a = class_b = None
    if sampler.info.conditional:
        class_count = len(sampler.info.class_names)
        ends_for = (key, tuple(selected))  # the ends follow the model and the chosen classes
        for end_key, end in zip(("explore_from", "explore_to"), interpolation_ends(selected, class_count), strict=True):
            drop_stale_choices(end_key, range(class_count))
            if end_key not in state or state.get("explore_ends_for") != ends_for:
                state[end_key] = end
        state["explore_ends_for"] = ends_for
        label = sampler.catalog.classes.__getitem__
        class_a = a.selectbox("From class", range(class_count), format_func=lambda i: label(i).label,
                              key="explore_from")  # fmt: skip
        class_b = b.selectbox("To class", range(class_count), format_func=lambda i: label(i).label, key="explore_to")
    c1, c2, c3 = st.columns(3)
    steps = c1.slider("Steps", 2, limits.max_interpolation_steps, key="explore_steps")
    moves = {"both": "noise and class", "noise": "noise only", "class": "class only"}
    mode = c2.radio("What moves", INTERPOLATION_MODES, horizontal=True, format_func=moves.get)
    same_noise = c3.checkbox("Same noise at both ends", value=False)
    if st.button("Interpolate", type="primary") or state.pop("explore_autointerpolate", False):
        try:
            frames = cached_interpolation(render_cache(), sampler, class_a, class_b, int(steps), float(truncation),
                                          int(seed), mode, same_noise, limits.max_interpolation_steps)  # fmt: skip
        except (PlaygroundError, ValueError) as exc:
            st.warning(str(exc))
        else:
            names = sampler.info.class_names
            ends = f" from {names[class_a]} to {names[class_b]}" if class_a is not None else ""
            said = f"**Interpolation{ends}**, {plural(int(steps), 'step')} at seed {seed}"  # of these frames
            state["explore_frames"] = (key, frames, said)
    saved = state.get("explore_frames")
    if saved and saved[0] == key:
        with into or st.container():
            if into is not None:
                st.markdown(f"{saved[2]} (its controls are below the grid)")
            show_frames(saved[1], key.replace(":", "-"), frame_px)
