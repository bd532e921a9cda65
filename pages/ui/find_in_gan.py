"""Find a picture in the GAN: an upload or a camera shot, searched for live (the best so far beside the target,
the error falling, Stop at any time); the result opens like any sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gan_core.data.image_decode import ImageProblem
from gan_core.explore.inversion import FAR_PSNR_DB, Inversion, InversionResult
from gan_core.explore.inversion_job import InversionJob, JobView
from gan_core.explore.inversion_targets import prepare_target
from gan_core.explore.link import ExploreLink
from gan_core.explore.samplers import Sampler
from gan_core.pictures.render import scale_for, upscale
from pages.ui.explorer import Opened, opened_panel
from pages.ui.resources import import_limits, inversion_slots

JOB = "explore_find_job"  # ((model key, the picture's hash, truncation), InversionJob): this session's search


@st.cache_data(max_entries=8, show_spinner=False)
def _target(data: bytes, resolution: int, channels: int, dataset: str):
    """The upload made into what the model draws: decoded once per picture, not on every rerun of the page."""
    return prepare_target(data, resolution, channels, dataset, import_limits())


def find_section(sampler: Sampler, key: str, shown: list[int], link: ExploreLink, present: bool,
                 run_folder: Path | None, into=None) -> None:  # fmt: skip
    """The section, at the page's foot or `into` a container (a demo moment's arrival puts it at the top)."""
    with into or st.container():
        _find(sampler, key, shown, link, present, run_folder)


def _find(sampler: Sampler, key: str, shown: list[int], link: ExploreLink, present: bool,
          run_folder: Path | None) -> None:  # fmt: skip
    state = st.session_state
    info = sampler.info
    st.subheader("Find a picture in the GAN")
    # On a projector, a search under way shows itself on the first screen: the picture's controls fold away.
    folded = present and state.get(JOB) is not None
    if not folded:
        st.caption("The GAN searches its noise" + (" and its classes" if info.conditional else "") + " for the "
                   "picture it draws closest to yours: what it can draw, and what it cannot.")  # fmt: skip
    left, right = (st.expander("Your picture, or the camera") if folded else st.container()).columns(2)
    upload = left.file_uploader("A picture", type=["png", "jpg", "jpeg", "webp"], key="explore_find_upload",
                                help="Any size: it is cropped to a square and resized to "
                                f"{info.resolution}x{info.resolution} px.")  # fmt: skip
    shot = None
    if right.toggle("Use the camera", key="explore_find_camera"):
        shot = right.camera_input("Take a picture", key="explore_find_shot")
        if shot is None:
            right.caption("No picture yet. If the browser asked and the camera was refused, allow it in the "
                          "address bar, or upload a picture instead.")  # fmt: skip
    source = shot if shot is not None else upload
    if source is None:
        return
    data = source.getvalue()
    try:
        target = _target(data, info.resolution, info.channels, info.dataset)
    except ImageProblem as exc:
        st.error(f"{source.name} cannot be searched for: {exc}.")
        return
    ident = (key, hash(data), float(link.truncation))
    job = state.get(JOB)
    if job is not None and job[0] != ident:
        job[1].stop()  # another picture, model or truncation: that search is over
        state.pop(JOB)
        job = None
    show_target, go_column = st.columns([1, 3])
    if job is None:  # once a search starts, the target stands beside what the GAN found instead
        show_target.image(upscale(_grey_to_rgb(target.pixels), scale_for(info.resolution, 160)), width=160,
                          caption="yours, as the GAN sees it")  # fmt: skip
    if not folded:
        go_column.caption(target.note)
    go_column.button("Find it in the GAN", key="explore_find_start", type="primary", on_click=_start,
                     args=(ident, sampler, target.pixels, link.truncation), disabled=job is not None and job[1].view(
                         ).state in ("waiting", "running"))  # fmt: skip
    if job is None:
        return
    view = job[1].view()
    if view.state in ("waiting", "running"):
        st.fragment(run_every=0.5)(_live)(sampler, job[1], target.pixels, present)
    elif view.state == "failed":
        st.error(view.message)
    else:
        _side_by_side(sampler, view.result, target.pixels, present)
        _outcome(sampler, view)
        _found_panel(sampler, job, shown, link, present, run_folder)


def _start(ident: tuple, sampler: Sampler, pixels: np.ndarray, truncation: float) -> None:
    """Start a search (before the page reruns, so the rerun draws it under way)."""
    state = st.session_state
    state[JOB] = (ident, InversionJob(Inversion(sampler, pixels[None], truncation), inversion_slots()))
    state["explore_picked"] = None


def _grey_to_rgb(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.shape[-1] == 3 else np.repeat(pixels, 3, axis=-1)


def _side_by_side(sampler: Sampler, result: InversionResult, target: np.ndarray, present: bool) -> None:
    """The target, the best so far and the error falling."""
    cell = 200 if present else 160
    a, b, chart = st.columns([1, 1, 2])
    a.image(upscale(_grey_to_rgb(target), scale_for(target.shape[0], cell)), caption="yours", width=cell)
    what = f" · {sampler.info.class_names[int(result.classes[0])]}" if result.classes is not None else ""
    b.image(upscale(result.pictures[0], scale_for(result.pictures.shape[1], cell)), width=cell,
            caption=f"the GAN's closest, step {result.step} of {result.total}{what}")  # fmt: skip
    steps, errors = zip(*result.curve, strict=True) if result.curve else ((), ())
    figure = go.Figure(go.Scatter(x=list(steps), y=list(errors), mode="lines+markers"))
    upto = f" to step {steps[-1]}" if steps else ""  # the chart says its own moment: it may draw after the picture
    figure.update_layout(height=220, margin=dict(l=10, r=10, t=30, b=10), xaxis_title="step",
                         title=f"error, best so far{upto} (mean squared)", xaxis_range=[0, result.total])  # fmt: skip
    chart.plotly_chart(figure, key="explore_find_chart")


def _live(sampler: Sampler, job: InversionJob, target: np.ndarray, present: bool) -> None:
    """The search as it goes, redrawn every half second; the whole page once it ends."""
    view = job.view()
    if view.state not in ("waiting", "running"):
        st.rerun()  # ended: the page shows the outcome, and the found sample can open
    if view.state == "waiting":
        st.info("Waiting for another visitor's search to finish (one at a time on this server)…")
    if view.result is None:
        st.caption("Starting the search…")
    else:
        _side_by_side(sampler, view.result, target, present)
    st.button("Stop", key="explore_find_stop", on_click=job.stop, help="End the search now; the best so far is kept")


def _outcome(sampler: Sampler, view: JobView) -> None:
    """How close the found picture is, in words and dB, and a way to open it."""
    result = view.result
    psnr = float(result.psnr[0])
    what = f": {sampler.info.class_names[int(result.classes[0])]}" if result.classes is not None else ""
    verdict = (f"Found{what}, {psnr:.1f} dB PSNR from yours (25 dB and up is close)." if psnr >= FAR_PSNR_DB else
               f"Far from anything this GAN draws: the closest it gets is {psnr:.1f} dB PSNR, under "
               f"{FAR_PSNR_DB:g} dB, so this is not a match.")  # fmt: skip
    ended = f"Stopped after {result.step} of {result.total} steps" if result.stopped else f"Done: {result.step} steps"
    (st.success if psnr >= FAR_PSNR_DB else st.warning)(f"{ended}, {result.seconds:.1f} s. {verdict}")
    if st.session_state.get("explore_picked") != "found":
        st.button("Open it", key="explore_find_open", on_click=st.session_state.update,
                  kwargs={"explore_picked": "found", "explore_show_directions": False},
                  help="Vary it, interpolate from it, or move it along the directions, like any sample")  # fmt: skip


def _found_panel(sampler: Sampler, job: tuple, shown: list[int], link: ExploreLink, present: bool,
                 run_folder: Path | None) -> None:  # fmt: skip
    result = job[1].view().result
    if st.session_state.get("explore_picked") != "found" or result is None:
        return
    class_id = None if result.classes is None else int(result.classes[0])
    opened = Opened(("found", job[0]), result.noise[0], class_id, result.pictures[0], "Found",
                    f"{float(result.psnr[0]):.1f} dB from yours · truncation {link.truncation:g}")  # fmt: skip
    opened_panel(sampler, opened, shown, link, present, run_folder)
