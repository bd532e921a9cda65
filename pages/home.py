"""Home: what the playground does and what data and models it can use right now."""

import streamlit as st

from gan_core.downloads.catalog import not_on_this_machine
from gan_core.runs.bundled import bundled_runs, showcase_grids
from pages.ui.navigation import ensure_app_navigation
from pages.ui.resources import dataset_statuses, settings
from pages.ui.tables import markdown_table

ensure_app_navigation()

st.title("GAN Playground")
st.markdown(
    "Generative adversarial networks, hands on. **Train** a DCGAN live and watch its samples sharpen, "
    "**explore** a pretrained BigGAN by category, truncation and interpolation, and **evaluate** what a "
    "generator learned. Everything runs on a laptop's CPU, and works offline with the data shipped here."
)

# Before the pictures: a teacher reads this on the first screen, in time to fetch before a class.
missing = not_on_this_machine(settings())
if missing:
    total = sum(item.size_mb for item in missing)
    st.info(
        "**Before a class without internet**, run this once on this machine while it is online (about "
        f"{total:,} MB): `python -m gan_core fetch {' '.join(item.name for item in missing)}`. It brings "
        + ", ".join(item.title for item in missing) + " into the caches the app reads; everything else here "
        "already works offline.",
        icon=":material/wifi_off:",
    )

grids = st.cache_data(showcase_grids, show_spinner=False)()  # shipped files: pictures without TensorFlow
if grids:
    for column, grid in zip(st.columns(len(grids)), grids, strict=True):
        column.image(str(grid.path), caption=grid.caption, width="stretch")

st.subheader("Available right now")
rows = [
    {"Dataset": s.spec.title, "Loads from": s.summary, "Also": s.alternative or "—", "Classes": len(s.spec.class_names)}
    for s in dataset_statuses()
]
st.markdown(markdown_table(rows))
if settings().offline:
    st.caption("Downloads are off on this server (GAN_PLAYGROUND_OFFLINE), so only the bundled data is used.")
demos = bundled_runs()
if demos:
    st.markdown(
        "**Trained models shipped here:** "
        + ", ".join(f"{d.card.splitlines()[0].lstrip('# ') if d.card else d.name}" for d in demos)
    )
st.page_link("pages/explore.py", label="Explore a generator by class, truncation and seed", icon=":material/explore:")
st.page_link("pages/train.py", label="Train a GAN, or open the shipped demo run", icon=":material/model_training:")
st.page_link("pages/evaluate.py", label="Evaluate a generator: FID, KID, coverage, copies", icon=":material/analytics:")
st.page_link("pages/datasets.py", label="Browse the datasets or import your own images", icon=":material/dataset:")
