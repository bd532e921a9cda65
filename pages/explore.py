"""Explore: sample a generator by class, truncation and seed; open one sample; interpolate; export."""

from pathlib import Path

import numpy as np
import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.explore.choices import default_choice, model_choices
from gan_core.explore.link import ExploreLink
from gan_core.explore.pipeline import TRUNCATION_STRIP, truncation_strip
from gan_core.explore.render_cache import cached_grid
from gan_core.explore.samplers import TooManySamplesError
from gan_core.pictures.render import image_grid, labelled_grid, png_bytes, scale_for, upscale, zip_of_pngs
from gan_core.words import plural
from pages.ui.directions import direction_names, first_sample_directions
from pages.ui.explore_sections import class_picker, interpolate_section
from pages.ui.explorer import KEPT, picked_sample_panel, sample_tiles
from pages.ui.explorer_warmup import warming_up
from pages.ui.find_in_gan import find_section
from pages.ui.hub_open import download_with_progress, hub_box, hub_repos_asked
from pages.ui.kept_state import keep_widget_state
from pages.ui.model_download import download_offer
from pages.ui.navigation import ensure_app_navigation
from pages.ui.presenter import image_cell_px, presenter_mode
from pages.ui.resources import explorer_sampler, interactive_priority, render_cache, settings
from pages.ui.run_log import timed_fragment

ensure_app_navigation()
keep_widget_state(KEPT)  # settings survive a model that failed to load, and a visit to another page

st.title("Explore a generator")

limits = settings().limits
present = presenter_mode()
hub_repos = hub_repos_asked(st.query_params)  # Hugging Face repos this session opened, or its link names
choices = {c.key: c for c in model_choices(settings().runs_dir, limits.heavy_hub_models, hub_repos)}
state = st.session_state
default = default_choice(list(choices.values()), settings().offline)
if "explore_model" not in state:  # first visit: a shared link's settings win
    link = ExploreLink.from_params(st.query_params, list(choices), limits.max_samples, limits.max_interpolation_steps)
    state.update(link.widget_state(default.key))
    if link.ignored:
        st.caption("From the link, changed or not used: " + "; ".join(link.ignored) + ".")

# A demo moment's interpolation comes first (in view on arrival, its controls below); else, on a projector, the grid.
arrival = state.get("explore_focus", "")  # a demo moment's link: what it opens at the top of the page
focus = st.container() if arrival in ("interpolate", "directions", "find") else None
picture = st.container() if present and focus is None else None
key = st.selectbox("Model", list(choices), key="explore_model", format_func=lambda k: choices[k].label,
                   on_change=state.update, kwargs={"explore_focus": "", "explore_linked_model": False})  # fmt: skip
choice = choices[key]
if key == default.key and not state.get("explore_linked_model"):  # why this model, unless a link asked for it
    st.caption(f"Opened on {default.reason}")
download_offer(default.download if key == default.key else None, choices)
hub_box()
if warming_up(key, choice.title):
    st.stop()
try:
    download_with_progress(choice, settings().offline)  # a Hub repo's first use: its files, with a progress bar
    with st.spinner(f"Loading {choice.title}…" + (" (first use downloads it)" if choice.kind == "hub" else "")):
        sampler = explorer_sampler(key)
except PlaygroundError as exc:
    st.error(str(exc))
    shipped = [c for c in choices.values() if c.kind == "bundled"]
    if shipped:
        st.info("The shipped models work offline: " + ", ".join(c.title for c in shipped) + ".")
        back = choices.get(state.get("explore_loaded", ""), shipped[0])  # the model you came from, if any
        st.button(f"Use {back.title}", on_click=state.update, kwargs={"explore_model": back.key})
    st.stop()
state["explore_loaded"] = key

info = sampler.info
run_folder = Path(choice.location) if choice.kind == "run" else None  # where a run's direction names are kept
st.caption(f"{info.title} · {info.resolution}x{info.resolution} px · noise {info.noise_dim}-d · {info.source}")
if state.get("explore_truncation_for") != key:  # a model opened or switched: its own truncation, unless a link's
    if "explore_truncation" not in state or "explore_truncation_for" in state:
        state["explore_truncation"] = info.default_truncation
    state["explore_truncation_for"] = key

selected, shown = class_picker(sampler, key) if info.conditional else ([], [])  # shown: the grid's classes in turn


def grid_section() -> None:
    """Sliders, the grid, its downloads, the opened sample and the truncation strip: a re-roll reruns only this
    (a fragment), not the model, class and interpolation widgets above and below it."""
    left, mid, right, reroll = st.columns([3, 2, 2, 1])
    truncation = left.slider("Truncation", 0.02, 1.0, key="explore_truncation",
                             help="The noise's scale. Low: typical, clean samples; high: more variety, more failures. "
                             + info.truncation_note)  # fmt: skip
    seed = mid.number_input("Noise seed", 0, 2**31 - 1, key="explore_seed")
    n = right.number_input("Samples", 1, limits.max_samples, key="explore_n",
                           help=f"At most {limits.max_samples} per request on this server.")  # fmt: skip
    reroll.button("Re-roll", help="A new noise seed", on_click=lambda: state.update(
        explore_seed=int(np.random.default_rng().integers(0, 2**31 - 1))))  # fmt: skip
    steps = int(state.get("explore_steps", 8))
    link = ExploreLink(key, tuple(selected), int(seed), float(truncation), int(n), steps,
                       direction_names=direction_names(key, run_folder))  # fmt: skip
    st.query_params.update(link.to_params())
    if not link.direction_names:
        st.query_params.pop("directions", None)

    with picture or st.container():
        try:
            images = cached_grid(render_cache(), sampler, shown, int(n), float(truncation), int(seed),
                                 limits.max_samples)
        except TooManySamplesError as exc:
            st.error(f"{exc}. Lower the sample count.")
        except (PlaygroundError, ValueError) as exc:
            st.warning(str(exc))
        else:
            names = [info.class_names[c] for c in np.resize(shown, len(images))] if shown else []
            caption = f"seed {seed} · truncation {truncation:g} · {plural(len(images), 'sample')}"
            sample_tiles(images, names, caption, image_cell_px(present), link)
            stem = f"{key.replace(':', '-')}-seed{seed}"
            columns, factor = int(np.ceil(np.sqrt(len(images)))), scale_for(images.shape[1], 128)

            def grid_png() -> bytes:  # encoded when clicked, not on every rerun of a shared server
                grid = (labelled_grid(images, names, columns, factor) if names
                        else upscale(image_grid(images, columns), factor))  # fmt: skip
                return png_bytes(grid)

            d1, d2, _ = st.columns([1, 1, 3])
            d1.download_button("Download PNG", grid_png, f"{stem}.png", "image/png", on_click="ignore")
            d2.download_button("Each sample (zip)", lambda: zip_of_pngs(images, names or ["sample"] * len(images)),
                               f"{stem}.zip", "application/zip", on_click="ignore",
                               help="Every sample as its own PNG at the model's size, for other tools.")  # fmt: skip
            picked_sample_panel(sampler, images, shown, link, present, run_folder)

    # On demand: seven more generator calls on every rerun would slow every re-roll on a shared server.
    if st.toggle("Show what truncation does", key="explore_show_strip"):
        with interactive_priority().serving():  # shown holds a class when the model needs one
            strip = truncation_strip(sampler, shown[0] if shown else None, int(seed))
        st.image(upscale(image_grid(strip, ncols=len(strip)), scale_for(strip.shape[1], 128)),
                 caption="The same noise seed at truncation " + ", ".join(f"{v:g}" for v in TRUNCATION_STRIP)
                 + ": fidelity on the left, variety on the right.")  # fmt: skip


if present:  # the picture sits above the model choice, outside any fragment: the whole page reruns
    grid_section()
else:
    st.fragment(timed_fragment("explore", grid_section))()
truncation, seed = float(state["explore_truncation"]), int(state["explore_seed"])

interpolate_section(sampler, key, selected, truncation, seed, image_cell_px(present) * 3 // 4,
                    into=focus if arrival == "interpolate" else None)  # fmt: skip
page_link = ExploreLink(key, tuple(selected), seed, truncation, int(state["explore_n"]),
                        int(state.get("explore_steps", 8)))  # fmt: skip
if arrival == "directions" and focus is not None:
    with focus:
        first_sample_directions(sampler, page_link, shown, run_folder, present)
find_section(sampler, key, shown, page_link, present, run_folder, into=focus if arrival == "find" else None)
