"""The own-images upload panel, shared by the Datasets and Train pages."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from gan_core.data.import_limits import ImportLimits
from gan_core.data.own_images import import_images, save_dataset_folder
from gan_core.errors import ImageImportError
from pages.ui.images import show_grid
from pages.ui.resources import import_limits, settings


def _import(key: str, uploads: list, title: str, size: int, min_images: int, select_key: str | None) -> None:
    """Decode, keep the good images, and remember the report for the rerun that lists the new dataset."""
    folder_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in title.strip()) or "my_images"
    limits = settings().limits
    total_mb = sum(f.size for f in uploads) / 2**20
    if total_mb > limits.upload_mb:
        st.error(f"{total_mb:.1f} MB uploaded; this server takes at most {limits.upload_mb} MB per import.")
        return
    with st.spinner("Decoding images…"):
        result = import_images(uploads=[(f.name, f.getvalue()) for f in uploads], size=size,
                               limits=replace(import_limits(), min_images=min_images))  # fmt: skip
    report = {"ok": result.usable, "summary": result.report.summary, "problem": result.problem,
              "lines": result.report.lines(), "note": result.training_note, "saved": "", "preview": None}  # fmt: skip
    if result.usable:
        try:
            out = save_dataset_folder(result, settings().datasets_dir / folder_name, title=title, source="upload")
        except ImageImportError as exc:
            st.error(str(exc))
            return
        chosen = ", and chosen" if select_key else ""
        report.update(saved=f"Saved as '{out.name} (your images)': it is now in the dataset lists{chosen}.",
                      preview=result.images[:32], folder=folder_name)  # fmt: skip
        if select_key:  # the list above is drawn already: the page chooses it on the rerun (chosen_after_import)
            st.session_state[f"{select_key}:imported"] = out.name
    st.session_state[f"{key}-report"] = report
    st.rerun()  # so that every list on the page (drawn above this panel) shows the new dataset


def _show_report(report: dict) -> None:
    (st.success if report["ok"] else st.error)(report["summary"] + (f" — {report['problem']}" if report["problem"]
                                                                    else ""))  # fmt: skip
    if report["lines"]:
        with st.expander(f"Not imported: {len(report['lines']):,} file(s), each with the reason", expanded=True):
            st.markdown("\n".join(f"- {line}" for line in report["lines"]))
    if report["note"]:
        st.warning(report["note"])
    if report["saved"]:
        st.caption(report["saved"])
        show_grid(report["preview"], ncols=8)


def chosen_after_import(select_key: str) -> None:
    """Call before drawing the dataset list keyed `select_key`: an import just made is chosen in it."""
    imported = st.session_state.pop(f"{select_key}:imported", None)
    if imported:
        st.session_state[select_key] = imported


def upload_panel(key: str, select_key: str | None = None) -> str | None:
    """File uploader + import with an itemised report; returns the new dataset's folder name after an import.
    `select_key`: the page's dataset list, which then shows the new dataset (see chosen_after_import)."""
    limits = settings().limits
    st.caption(
        "PNG, JPEG, GIF, BMP, TIFF or WebP files, or a zip of them. Each image is centre-cropped to a square "
        "and resized; files that cannot be used are listed with the reason, and the good ones are kept. "
        f"Up to {limits.upload_images:,} images and {limits.upload_mb} MB per import here."
    )
    uploads = st.file_uploader(
        "Images or a zip", accept_multiple_files=True, key=f"{key}-files",
        type=["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "zip"],
    )  # fmt: skip
    left, mid, right = st.columns([2, 1, 1])
    title = left.text_input("Dataset name", value="my_images", max_chars=40, key=f"{key}-title")
    size = mid.radio(
        "Image size", [32, 64], index=1, horizontal=True, format_func=lambda s: f"{s}×{s} px", key=f"{key}-size"
    )
    min_images = right.number_input("Fewest images to keep", 1, limits.upload_images, ImportLimits.min_images,
                                    key=f"{key}-min", help="Refuse the import when fewer images are usable "
                                    "(the command line's --min-images).")  # fmt: skip
    if st.button("Import", type="primary", disabled=not uploads, key=f"{key}-import"):
        _import(key, uploads, title, int(size), int(min_images), select_key)
    report = st.session_state.get(f"{key}-report")
    if report is None:
        return None
    _show_report(report)
    return report.get("folder")
