"""Explore: sample a generator by class, truncation and seed; interpolate between classes; export."""

import numpy as np
import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.explore.choices import model_choices
from gan_core.explore.classes import AmbiguousClassError, UnknownClassError
from gan_core.explore.pipeline import (
    INTERPOLATION_MODES,
    TRUNCATION_STRIP,
    interpolation,
    sample_grid,
    truncation_strip,
)
from gan_core.explore.samplers import TooManySamplesError
from gan_core.render import gif_bytes, image_grid, labelled_grid, mp4_bytes, png_bytes, upscale
from pages.ui.navigation import ensure_app_navigation
from pages.ui.presenter import image_cell_px, presenter_mode
from pages.ui.resources import explorer_sampler, settings

ensure_app_navigation()

st.title("Explore a generator")

limits = settings().limits
present = presenter_mode()
choices = {c.key: c for c in model_choices(settings().runs_dir, limits.heavy_hub_models)}
params = st.query_params
if "explore_model" not in st.session_state:  # first visit: a shared link's settings win
    st.session_state["explore_model"] = params.get("model") if params.get("model") in choices else next(iter(choices))
    st.session_state["explore_seed"] = int(params.get("seed", 0)) if str(params.get("seed", "0")).isdigit() else 0
    try:
        st.session_state["explore_truncation"] = min(1.0, max(0.02, float(params.get("truncation", 0.5))))
    except ValueError:
        st.session_state["explore_truncation"] = 0.5
    count = params.get("n", "16")
    st.session_state["explore_n"] = int(count) if count.isdigit() else 16
    st.session_state["explore_classes_from_url"] = params.get("classes", "")
    st.session_state["explore_autointerpolate"] = params.get("interpolate") == "1"  # a demo moment's link

key = st.selectbox("Model", list(choices), key="explore_model", format_func=lambda k: choices[k].label)
choice = choices[key]
try:
    with st.spinner(f"Loading {choice.title}…" + (" (first use downloads it)" if choice.kind == "hub" else "")):
        sampler = explorer_sampler(key)
except PlaygroundError as exc:
    st.error(str(exc))
    shipped = [c for c in choices.values() if c.kind == "bundled"]
    if shipped:
        st.info("The shipped models work offline: " + ", ".join(c.title for c in shipped) + ".")
        st.button(f"Use {shipped[0].title}", on_click=st.session_state.update, kwargs={"explore_model": shipped[0].key})
    st.stop()

info = sampler.info
st.caption(f"{info.title} · {info.resolution}x{info.resolution} px · noise {info.noise_dim}-d · {info.source}")

selected: list[int] = []
shown: list[int] = []  # the classes the grid takes in turn
if info.conditional:
    catalog = sampler.catalog
    url_classes = st.session_state.pop("explore_classes_from_url", "")
    if url_classes is not None and "explore_classes" not in st.session_state:
        ids = [int(c) for c in url_classes.split(",") if c.strip().isdigit() and int(c) < len(catalog)]
        st.session_state["explore_classes"] = ids or [0]
    query = st.text_input("Find classes", placeholder="a name, part of a name, an id, or a group such as 'dog'")
    if query:
        try:
            found = [catalog.resolve(query)]
        except AmbiguousClassError as exc:
            found = exc.candidates
            st.caption(str(exc))
        except UnknownClassError as exc:
            found = []
            st.warning(str(exc))
        if found and st.button(f"Add {len(found)} class{'es' if len(found) > 1 else ''}"):
            st.session_state["explore_classes"] = list(dict.fromkeys(st.session_state["explore_classes"] +
                                                                     [c.index for c in found]))  # fmt: skip
            st.rerun()
    selected = st.multiselect(
        "Classes", list(range(len(catalog))), key="explore_classes", format_func=lambda i: catalog.classes[i].label,
        placeholder="every class in turn",
    )
    if not selected:  # nothing chosen (cleared, or lost with a session's widget state): show every class in turn
        st.caption(f"No class chosen: the grid takes all {len(catalog):,} classes in turn.")
    shown = selected or list(range(len(catalog)))

left, mid, right, reroll = st.columns([3, 2, 2, 1])
truncation = left.slider("Truncation", 0.02, 1.0, key="explore_truncation",
                         help="Low: typical, clean samples. High: more variety, more failures.")  # fmt: skip
seed = mid.number_input("Noise seed", 0, 2**31 - 1, key="explore_seed")
n = right.number_input("Samples", 1, 1000, key="explore_n",
                       help=f"At most {limits.max_samples} per request on this server.")  # fmt: skip
reroll.button("Re-roll", help="A new noise seed", on_click=lambda: st.session_state.update(
    explore_seed=int(np.random.default_rng().integers(0, 2**31 - 1))))  # fmt: skip
st.query_params.update(model=key, seed=str(seed), truncation=f"{truncation:g}", n=str(n),
                       classes=",".join(map(str, selected)))  # fmt: skip

grid_png = None
try:
    images = sample_grid(sampler, shown, int(n), float(truncation), int(seed), limits.max_samples)
except TooManySamplesError as exc:
    st.error(f"{exc}. Lower the sample count.")
except (PlaygroundError, ValueError) as exc:
    st.warning(str(exc))
else:
    columns = int(np.ceil(np.sqrt(len(images))))
    scale = max(1, image_cell_px(present) // images.shape[1])
    if shown:
        grid = labelled_grid(images, [info.class_names[c] for c in np.resize(shown, len(images))], columns, scale)
    else:
        grid = upscale(image_grid(images, ncols=columns), scale)
    st.image(grid, caption=f"seed {seed} · truncation {truncation:g} · {len(images)} samples")
    grid_png = png_bytes(grid)
if grid_png:
    st.download_button("Download PNG", grid_png, f"{key}-seed{seed}.png", "image/png")

# On demand: seven more generator calls on every rerun would slow every re-roll on a shared server.
if st.toggle("Show what truncation does", key="explore_show_strip"):
    strip = truncation_strip(sampler, shown[0] if shown else None, int(seed))  # shown holds a class when needed
    st.image(upscale(image_grid(strip, ncols=len(strip)), max(1, 96 // strip.shape[1])),
             caption="The same noise seed at truncation " + ", ".join(f"{v:g}" for v in TRUNCATION_STRIP)
             + ": fidelity on the left, variety on the right.")  # fmt: skip

st.subheader("Interpolate")
a, b = st.columns(2)
options = list(range(len(info.class_names)))
label = (lambda i: sampler.catalog.classes[i].label) if info.conditional else str
class_a = class_b = None
if info.conditional:
    ends = selected[:2] if len(selected) >= 2 else [0, min(1, len(options) - 1)]
    class_a = a.selectbox("From class", options, index=ends[0], format_func=label, key="explore_from")
    class_b = b.selectbox("To class", options, index=ends[1], format_func=label, key="explore_to")
c1, c2, c3 = st.columns(3)
steps = c1.slider("Steps", 2, limits.max_interpolation_steps, 8, key="explore_steps")
mode = c2.radio("What moves", INTERPOLATION_MODES, horizontal=True,
                format_func={"both": "noise and class", "noise": "noise only", "class": "class only"}.get)  # fmt: skip
same_noise = c3.checkbox("Same noise at both ends", value=False)
if st.button("Interpolate", type="primary") or st.session_state.pop("explore_autointerpolate", False):
    try:
        frames = interpolation(sampler, class_a, class_b, int(steps), float(truncation), int(seed), mode, same_noise,
                               limits.max_interpolation_steps)  # fmt: skip
    except (PlaygroundError, ValueError) as exc:
        st.warning(str(exc))
    else:
        st.session_state["explore_frames"] = (key, upscale(image_grid(frames, ncols=len(frames)), 1), frames)
saved = st.session_state.get("explore_frames")
if saved and saved[0] == key:
    _, strip_image, frames = saved
    st.image(upscale(strip_image, max(1, image_cell_px(present) // frames.shape[1])), caption=f"{len(frames)} steps")
    big = [upscale(f, max(1, 256 // f.shape[0])) for f in frames]
    d1, d2 = st.columns(2)
    d1.download_button("Download GIF", lambda: gif_bytes(big, fps=8, hold_last=0), f"{key}-interpolation.gif",
                       "image/gif")  # encoded when clicked, not on every rerun
    d2.download_button("Download MP4", lambda: mp4_bytes(big, fps=8), f"{key}-interpolation.mp4", "video/mp4")
