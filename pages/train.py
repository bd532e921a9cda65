"""Train: pick a dataset, press Start, and watch a GAN learn; pause, resume, stop, come back later."""

import streamlit as st

from pages.ui.hub_share import share_panel
from pages.ui.navigation import ensure_app_navigation
from pages.ui.presenter import PRESENTER_GRID_PX, presenter_mode
from pages.ui.resources import settings
from pages.ui.run_lists import demo_runs, saved_runs
from pages.ui.run_view import controls, fork_panel, live_charts, live_status, timeline_and_downloads
from pages.ui.tables import show_networks
from pages.ui.train_form import new_run_form
from pages.ui.training import current_run, run_registry
from pages.ui.uploads import upload_panel

ensure_app_navigation()

registry = run_registry()
run = current_run()
present = presenter_mode()
if run is None or not present:  # on a projector an open run's name is the heading: its picture moves up
    st.title("Train a GAN")

if settings().hosted:
    lim = settings().limits
    st.info(
        f"A shared server: {lim.max_concurrent_runs} run{'s' if lim.max_concurrent_runs > 1 else ''} train at once "
        f"(further Starts wait in a queue), each start trains at most {lim.max_run_minutes:g} minutes, and a run "
        f"whose browser tab closes stops after {lim.orphan_grace_s:.0f} s. Stopped runs keep their checkpoints.",
        icon=":material/groups:",
    )

if run is None:
    new_tab, saved_tab = st.tabs(["New run", "Saved and demo runs"])
    with new_tab:
        new_run_form()
        with st.expander("Train on your own images"):
            upload_panel("train")
    with saved_tab:
        demo_runs()
        saved_runs(registry)
    st.stop()

cfg, drawn_in = run.config, run.state  # the page as of this state; live_status redraws it on a change
st.subheader(run.name)
st.caption(
    f"{cfg.train.dataset_label} · {cfg.train.loss} loss · batch {cfg.train.batch_size} · "
    f"lr G {cfg.train.lr_g:g} / D {cfg.train.lr_d:g} · {cfg.train.precision}"
    + (" · conditional" if cfg.model.conditional else "")
)
if not present:
    controls(run, registry)
# What a watcher costs the run is the server's work for these two (bench/watching.py): counters every second,
# charts every two.
st.fragment(live_status, run_every=1.0 if drawn_in.active else None)(run, registry, drawn_in)
st.fragment(live_charts, run_every=2.0 if drawn_in.active else None)(run, PRESENTER_GRID_PX if present else None)
if present:  # on a projector the numbers and the picture come first, the buttons under them
    controls(run, registry)

with st.expander("The model: layers, output shapes, parameters"):
    show_networks(run.store.read_networks())
timeline_and_downloads(run)
share_panel(run)
fork_panel(run)
