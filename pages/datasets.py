"""Datasets: browse the named datasets (with their source shown) and import your own images."""

import streamlit as st

from gan_core.data import DATASETS
from gan_core.data.own_images import import_images, save_dataset_folder
from gan_core.errors import PlaygroundError
from pages.ui.images import show_grid
from pages.ui.navigation import ensure_app_navigation
from pages.ui.resources import dataset, own_dataset_names, settings

SOURCES = {"auto": "Best available", "bundled": "Bundled subset", "full": "Full dataset (download)"}

ensure_app_navigation()

st.title("Datasets")

names = list(DATASETS) + own_dataset_names()
if st.session_state.get("dataset_name") not in names:  # first visit: a shared link's ?dataset= wins
    wanted = st.query_params.get("dataset", "mnist")
    st.session_state["dataset_name"] = wanted if wanted in names else names[0]
name = st.selectbox(
    "Dataset",
    names,
    key="dataset_name",
    format_func=lambda n: DATASETS[n].title if n in DATASETS else f"{n} (your images)",
)
st.query_params["dataset"] = name
source = "auto"
if name in DATASETS:
    source = st.radio(
        "Source",
        list(SOURCES),
        format_func=SOURCES.get,
        horizontal=True,
        help="Best available: the full dataset if it was downloaded before, else the bundled subset.",
    )

try:
    data = dataset(name, source)
except PlaygroundError as exc:
    st.warning(str(exc))
    st.button("Use bundled MNIST instead", on_click=lambda: st.session_state.update(dataset_name="mnist"))
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
    st.caption(
        "PNG, JPEG, GIF, BMP, TIFF or WebP files, or a zip of them. Each image is centre-cropped to a square "
        "and resized; files that cannot be used are listed with the reason, and the good ones are kept."
    )
    uploads = st.file_uploader(
        "Images or a zip", accept_multiple_files=True,
        type=["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "zip"],
    )  # fmt: skip
    left, right = st.columns(2)
    title = left.text_input("Dataset name", value="my_images", max_chars=40)
    size = right.radio("Image size", [32, 64], index=1, horizontal=True, format_func=lambda s: f"{s}×{s} px")
    if st.button("Import", type="primary", disabled=not uploads):
        folder_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in title.strip()) or "my_images"
        with st.spinner("Decoding images…"):
            result = import_images(uploads=[(f.name, f.getvalue()) for f in uploads], size=size)
        (st.success if result.usable else st.error)(
            result.report.summary + (f" — {result.problem}" if result.problem else "")
        )
        if result.report.lines():
            st.table({"Not imported": result.report.lines()}, hide_index=True)
        if result.usable:
            out = save_dataset_folder(result, settings().datasets_dir / folder_name, title=title, source="upload")
            st.caption(f"Saved to {out}; choose '{folder_name} (your images)' above to browse it.")
            show_grid(result.images[:32], ncols=8)
