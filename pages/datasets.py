"""Datasets: browse the named datasets (with their source shown) and import your own images."""

import streamlit as st

from gan_core.data import DATASETS, dataset_status
from gan_core.errors import PlaygroundError
from pages.ui.images import show_grid
from pages.ui.navigation import ensure_app_navigation
from pages.ui.resources import dataset, own_dataset_names
from pages.ui.uploads import chosen_after_import, upload_panel

SOURCES = {"auto": "Best available", "bundled": "Bundled subset", "full": "Full dataset (download)"}

ensure_app_navigation()

st.title("Datasets")

names = list(DATASETS) + own_dataset_names()
chosen_after_import("dataset_name")
if st.session_state.get("dataset_name") not in names:  # first visit: a shared link's ?dataset= wins
    wanted = st.query_params.get("dataset", "mnist")
    st.session_state["dataset_name"] = wanted if wanted in names else names[0]
    if wanted not in names:
        st.caption(f"The link's dataset {wanted[:60]!r} is not on this server: showing {DATASETS[names[0]].title}.")
name = st.selectbox(
    "Dataset",
    names,
    key="dataset_name",
    format_func=lambda n: DATASETS[n].title if n in DATASETS else f"{n} (your images)",
)
st.query_params["dataset"] = name
source = "auto"
if name in DATASETS and DATASETS[name].downloadable:  # Emoji ships whole: nothing to choose
    source = st.radio(
        "Source",
        list(SOURCES),
        format_func=SOURCES.get,
        horizontal=True,
        key="dataset_source",
        help="Best available: the full dataset if it was downloaded before, else the bundled subset.",
    )

try:
    data = dataset(name, source)
except PlaygroundError as exc:
    st.warning(str(exc))
    here = name in DATASETS and dataset_status(name).bundled_count > 0  # its own subset, else MNIST's
    way_out = name if here else "mnist"
    st.button(f"Use the bundled {DATASETS[way_out].title} instead", on_click=st.session_state.update,
              kwargs={"dataset_name": way_out, "dataset_source": "bundled"})  # fmt: skip
    st.stop()

info = data.info
train, test = data.split("train"), data.split("test")
st.markdown(f"**{info.title}** · {info.source.label} · source: {info.source.detail}")
cols = st.columns(4)
cols[0].metric("Images", f"{len(data):,}")
cols[1].metric("Train / test", f"{len(train):,} / {len(test):,}")
cols[2].metric("Shape", "×".join(map(str, info.image_shape)))
cols[3].metric("Mean pixel", f"{data.images.mean():.1f} / 255")

per_class = 10
if info.class_names and info.class_names[0] != "0":
    st.caption("One row per class: " + " · ".join(f"{i} {n}" for i, n in enumerate(info.class_names)))
show_grid(data.examples_per_class(per_class), ncols=per_class)

with st.expander("Import your own images", expanded=not info.class_names):
    upload_panel("datasets", select_key="dataset_name")
