"""The own-images upload panel, shared by the Datasets and Train pages."""

from __future__ import annotations

import streamlit as st

from gan_core.data.own_images import import_images, save_dataset_folder
from pages.ui.images import show_grid
from pages.ui.resources import settings


def upload_panel(key: str) -> str | None:
    """File uploader + import with an itemised report; returns the new dataset's folder name when one was saved."""
    st.caption(
        "PNG, JPEG, GIF, BMP, TIFF or WebP files, or a zip of them. Each image is centre-cropped to a square "
        "and resized; files that cannot be used are listed with the reason, and the good ones are kept. "
        f"Up to {settings().limits.upload_images:,} images and {settings().limits.upload_mb} MB per import here."
    )
    uploads = st.file_uploader(
        "Images or a zip", accept_multiple_files=True, key=f"{key}-files",
        type=["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "zip"],
    )  # fmt: skip
    left, right = st.columns(2)
    title = left.text_input("Dataset name", value="my_images", max_chars=40, key=f"{key}-title")
    size = right.radio(
        "Image size", [32, 64], index=1, horizontal=True, format_func=lambda s: f"{s}×{s} px", key=f"{key}-size"
    )
    if not st.button("Import", type="primary", disabled=not uploads, key=f"{key}-import"):
        return None
    folder_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in title.strip()) or "my_images"
    limits = settings().limits
    total_mb = sum(f.size for f in uploads) / 2**20
    if total_mb > limits.upload_mb:
        st.error(f"{total_mb:.1f} MB uploaded; this server takes at most {limits.upload_mb} MB per import.")
        return None
    with st.spinner("Decoding images…"):
        result = import_images(uploads=[(f.name, f.getvalue()) for f in uploads], size=size,
                               limits=limits.import_limits)  # fmt: skip
    (st.success if result.usable else st.error)(
        result.report.summary + (f" — {result.problem}" if result.problem else "")
    )
    if result.report.lines():
        st.table({"Not imported": result.report.lines()}, hide_index=True)
    if not result.usable:
        return None
    out = save_dataset_folder(result, settings().datasets_dir / folder_name, title=title, source="upload")
    st.caption(f"Saved to {out}; it is now in the dataset list as '{folder_name} (your images)'.")
    show_grid(result.images[:32], ncols=8)
    return folder_name
