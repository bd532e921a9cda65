"""The Explorer's pictures: sample tiles a person can open, the opened sample's panel, interpolation strips."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import streamlit as st

from gan_core.explore.link import ExploreLink
from gan_core.explore.pipeline import STRIP_COLUMNS, grid_noise, interpolation, strip_picture, variations
from gan_core.explore.samplers import Sampler
from gan_core.pictures.render import gif_bytes, image_grid, mp4_bytes, png_data_uri, scale_for, upscale
from gan_core.words import plural
from pages.ui.directions import directions_panel

# The page's widget keys whose values outlive a failed model load or a visit to another page.
KEPT = ("explore_model", "explore_seed", "explore_truncation", "explore_n", "explore_classes", "explore_from",
        "explore_to", "explore_steps", "explore_show_strip")  # fmt: skip


def _pick(index: int, link: ExploreLink) -> None:
    st.session_state.update(explore_picked=index, explore_picked_for=link, explore_focus="")


@st.cache_data(max_entries=64, show_spinner=False)
def tile_sources(images: np.ndarray) -> list[str]:
    """Each sample as a PNG data URI at the model's own size: encoded once per grid for every session that
    shows it (a shared link), about 3 ms for twelve 32 px emoji where Streamlit would encode an enlarged JPEG
    per tile, per session, and serve each over its own request."""
    return [png_data_uri(image) for image in images]


def sample_tiles(images: np.ndarray, names: list[str], caption: str, cell_px: int, link: ExploreLink) -> None:
    """Every sample large enough to see, each with a button that opens it."""
    per_row = min(STRIP_COLUMNS, int(np.ceil(np.sqrt(len(images)))))
    width = images.shape[2] * scale_for(images.shape[1], cell_px)  # the browser enlarges them smoothly
    sources = tile_sources(images)
    tiles = st.container(key="explore_tiles")
    for start in range(0, len(images), per_row):
        for i, column in enumerate(tiles.columns(per_row), start=start):
            if i < len(images):
                column.image(sources[i], caption=names[i] if names else None, width=width)
                column.button("Open", key=f"explore_open_{i}", type="tertiary", icon=":material/zoom_in:",
                              on_click=_pick, args=(i, link), help=f"Sample {i + 1}: see it large, vary it, "
                              "or interpolate from it")  # fmt: skip
    st.caption(caption)


def show_frames(frames: np.ndarray, stem: str, cell_px: int, key: str = "frames") -> None:
    """An interpolation, wrapped into rows of STRIP_COLUMNS frames, with GIF and MP4 downloads."""
    strip = strip_picture(frames)
    st.image(upscale(strip, scale_for(frames.shape[1], cell_px)), caption=f"{plural(len(frames), 'step')}, "
             "left to right, row by row")  # fmt: skip
    big = [upscale(f, scale_for(f.shape[0], 256)) for f in frames]
    d1, d2, _ = st.columns([1, 1, 3])
    d1.download_button("Download GIF", lambda: gif_bytes(big, fps=8, hold_last=0), f"{stem}-interpolation.gif",
                       "image/gif", on_click="ignore", key=f"{key}-gif")  # encoded when clicked, not on every rerun
    d2.download_button("Download MP4", lambda: mp4_bytes(big, fps=8), f"{stem}-interpolation.mp4", "video/mp4",
                       on_click="ignore", key=f"{key}-mp4")  # fmt: skip


@dataclass(frozen=True)
class Opened:
    """A sample shown large: one of the grid's, or one found in the GAN."""

    ident: tuple  # what its results (variations, a strip) are kept under
    noise: np.ndarray = field(compare=False)
    class_id: int | None
    image: np.ndarray = field(compare=False)
    title: str  # "Sample 3", "Found"
    detail: str  # where it comes from, e.g. "seed 2 · truncation 0.5"


def picked_sample_panel(sampler: Sampler, images: np.ndarray, shown: list[int], link: ExploreLink,
                        present: bool, run_folder: Path | None = None) -> None:  # fmt: skip
    """The grid's opened sample, if one is open and the grid has not changed since."""
    state = st.session_state
    index = state.get("explore_picked")
    if not isinstance(index, int) or state.get("explore_picked_for") != link or index >= len(images):
        return  # nothing opened, a found sample opened, or the grid changed since
    class_id = int(np.resize(shown, link.n)[index]) if shown else None
    noise = grid_noise(sampler, link.n, link.truncation, link.seed)[index]
    opened = Opened((link, index), noise, class_id, images[index], f"Sample {index + 1}",
                    f"seed {link.seed} · truncation {link.truncation:g}")  # fmt: skip
    opened_panel(sampler, opened, shown, link, present, run_folder)


def opened_panel(sampler: Sampler, opened: Opened, shown: list[int], link: ExploreLink, present: bool,
                 run_folder: Path | None) -> None:  # fmt: skip
    """An opened sample, large: vary it (nearby noise), interpolate from it to another class or noise, or move it
    along the directions the generator found (a run's direction names are kept in `run_folder`)."""
    state = st.session_state
    info = sampler.info
    noise, class_id = opened.noise, opened.class_id
    what = f" · {info.class_names[class_id]}" if class_id is not None else ""
    with st.container(border=True):
        left, right = st.columns([2, 3])
        left.image(upscale(opened.image, scale_for(opened.image.shape[0], 320)),
                   caption=f"{opened.title.lower()}{what}")  # fmt: skip
        with right:
            st.markdown(f"**{opened.title}**{what} · {opened.detail}")
            target = None
            if class_id is not None:
                others = shown or list(range(len(info.class_names)))
                start = others.index(class_id) if class_id in others else -1
                target = st.selectbox("Interpolate to class", range(len(info.class_names)),
                                      index=others[(start + 1) % len(others)],
                                      format_func=lambda i: info.class_names[i], key="explore_pick_to")  # fmt: skip
            b1, b2, b3, b4 = st.columns(4)
            if b1.button("Vary it", key="explore_vary", help="Eight samples of nearby noise, this one first"):
                state["explore_pick_result"] = (opened.ident, "vary",
                                                variations(sampler, noise, class_id, link.truncation, 8))  # fmt: skip
            if b2.button("Interpolate from it", key="explore_pick_interpolate",
                         help=f"{link.steps} steps from this sample to new noise" + (" and the chosen class"
                                                                                     if target is not None else "")):
                frames = interpolation(sampler, class_id, target, link.steps, link.truncation, link.seed,
                                       start_noise=noise, max_steps=max(link.steps, 2))  # fmt: skip
                state["explore_pick_result"] = (opened.ident, "interpolate", frames)
            b3.button("Directions", key="explore_directions", on_click=state.update,
                      kwargs={"explore_show_directions": True}, type="primary" if state.get(
                          "explore_show_directions") else "secondary",
                      help="What the GAN learned to control: this sample moved along the directions its weights "
                      "stretch most")  # fmt: skip
            b4.button("Close", key="explore_close", on_click=state.update,
                      kwargs={"explore_picked": None, "explore_show_directions": False})
        result = state.get("explore_pick_result")
        if result and result[0] == opened.ident:
            cell = 128 if present else 96
            if result[1] == "vary":
                st.image(upscale(image_grid(result[2], ncols=STRIP_COLUMNS), scale_for(opened.image.shape[0], cell)),
                         caption="nearby noise: this sample first, then seven neighbours")  # fmt: skip
            else:
                show_frames(result[2], opened.title.lower().replace(" ", ""), cell, key="pick-frames")
        if state.get("explore_show_directions") and state.get("explore_focus") != "directions":  # not twice
            directions_panel(sampler, link.model or "", noise, class_id, link.truncation, run_folder, present)
