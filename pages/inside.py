"""Inside a GAN: a 2-D toy GAN a class can watch, D's verdict behind the points and G's push on each fake."""

import streamlit as st

from gan_core.pictures.charts import loss_figure, runs_figure
from gan_core.runs.store import list_runs
from gan_core.toy.distributions import distribution
from gan_core.toy.picture import data_picture
from gan_core.toy.presets import COLLAPSE, DEFAULT_LOSS, DEFAULT_LR, LEARNING_RATES
from gan_core.toy.views import PlaneLayers, coverage_figure
from gan_core.training.config import LOSSES
from pages.ui.navigation import ensure_app_navigation
from pages.ui.presenter import presenter_mode
from pages.ui.resources import settings
from pages.ui.tables import show_networks
from pages.ui.toy import (
    DATA_CHOICES,
    current_toy_run,
    open_toy_run,
    paint_panel,
    read_uploaded_points,
    show_toy_run,
    start_toy_run,
    status_line,
)
from pages.ui.toy_live import controls, film_buttons, live_settings, plane
from pages.ui.training import run_registry

ensure_app_navigation()
present = presenter_mode()
st.title("Inside a GAN")
if not present:
    st.caption("Real points are green, G's points purple. The background is D's verdict (green: real), each arrow "
               "is where G's next update pushes a fake point. Watch G chase D until the purple covers the green.")
run = current_toy_run()
projector = st.container() if present and run is not None else None  # on a projector the picture comes first

with st.expander("New toy run", expanded=run is None):
    a, b, c, d = st.columns(4)
    data = a.selectbox("Data", list(DATA_CHOICES), format_func=DATA_CHOICES.get, key="toy_data")
    for key, default in (("toy_loss", DEFAULT_LOSS), ("toy_lr", DEFAULT_LR), ("toy_average", True)):
        st.session_state.setdefault(key, default)  # defaults in one place: "Set up mode collapse" sets them too
    loss = b.selectbox("Loss", LOSSES, key="toy_loss",
                       help="hinge covers the ring fastest here; bce can collapse onto a few modes")  # fmt: skip
    noise_dim = c.radio("G's noise", (2, 1), format_func=lambda k: f"{k}-d ({'plane' if k == 2 else 'curve'})",
                        horizontal=True, key="toy_noise")  # fmt: skip
    seed = d.number_input("Seed", 0, 10_000, 0, key="toy_seed")
    e, f, g = st.columns([2, 1, 1])
    lr = e.select_slider("Learning rate (G and D)", LEARNING_RATES, key="toy_lr")
    average = f.toggle("Average G's weights", key="toy_average",
                       help="Count modes on an average of G's recent weights: a steadier count")  # fmt: skip
    g.button("Set up mode collapse", key="toy_collapse", on_click=st.session_state.update,
             kwargs={"toy_loss": COLLAPSE.loss, "toy_lr": COLLAPSE.lr, "toy_noise": COLLAPSE.noise_dim,
                     "toy_average": COLLAPSE.average},
             help=f"To watch G collapse onto a few modes: {COLLAPSE.describe()} (then press Train).")  # fmt: skip
    points = None
    if data == "own":
        how = st.radio("Your points", ("Paint", "Upload a CSV"), horizontal=True, key="toy_own_how")
        if how == "Paint":
            points = paint_panel()
        else:
            points = read_uploaded_points(st.file_uploader("Points (CSV: x, y per row)", type=["csv"], key="toy_csv"))
    train = st.button("Train", type="primary", key="toy_train", disabled=data == "own" and points is None)
    if train and start_toy_run(data, loss, int(noise_dim), int(seed), points, lr=lr, average=average):
        st.rerun()  # a refusal stays in view: no rerun wipes its message

saved = [r.name for r in list_runs(settings().runs_dir, toy=True)]
if run is None:
    if data != "own":  # the data on the plane before any run: what G's points will have to find
        shown = distribution(data)
        st.image(data_picture(shown), width=300,
                 caption=f"The data: real points of the {shown.title} (green). Press Train and G's points "
                         "(purple) set out to cover them, with D's verdict behind.")  # fmt: skip
    if saved:
        pick = st.selectbox("Or open a saved toy run", ["", *saved], key="toy_open")
        if pick:
            show_toy_run(pick)
            st.rerun()
    st.stop()

registry = run_registry()
# The view's choices are drawn below the plane (the plane comes first on the screen) and read here, by their keys.
LAYER_CHOICES = {"toy_verdict": ("D's verdict", True, None), "toy_push": ("G's push", True, None),
                 "toy_manifold": ("G's noise grid", False, "Where G sends a grid of its noise")}  # fmt: skip
layers = PlaneLayers(*(st.session_state.get(key, default) for key, (_, default, _) in LAYER_CHOICES.items()))
others = [n for n in saved if n != run.name]
pick = "" if present else st.session_state.get("toy_compare", "")
twin = open_toy_run(pick, shown=False) if pick in others else None


@st.fragment(run_every=0.2)
def live_view() -> None:
    """The controls and the plane, five times a second."""
    controls(run, registry)
    snap = run.snapshot(with_history=False)
    st.markdown(status_line(snap, registry.queue_position(run.name), registry.max_concurrent))
    columns = st.columns(2) if twin is not None else [st.container()]
    height = 350 if present else 400  # the whole plane on the first screen (1280x800; a projector's 720 px)
    for column, shown in zip(columns, [run, twin], strict=False):
        view = snap if shown is run else shown.snapshot(with_history=False)
        plane(column, shown, view, layers, height, key=f"toy-plane-{shown is run}")


@st.fragment(run_every=2.0)
def live_charts() -> None:
    """Modes covered and the losses: a Plotly chart is rebuilt (blank while it draws) on each update, so these
    update every two seconds, not five times a second."""
    if run.state.active and not present:  # beside the plane, not above it: the plane stays on the first screen
        live_settings(run)
    snap = run.snapshot()
    left, right = st.columns(2) if twin is not None else (st.container(), st.container())  # one column: stacked
    if snap.evals:
        others = {twin.name: twin.snapshot(with_history=False).evals} if twin is not None else None
        left.plotly_chart(coverage_figure(snap.evals, others=others), key="toy-coverage")
    if twin is not None:  # side by side: both runs' G loss on one chart, as TensorBoard draws two runs
        histories = {run.name: snap.history, twin.name: twin.snapshot().history}
        losses = {run.name: run.config.train.loss, twin.name: twin.config.train.loss}
        right.plotly_chart(runs_figure(histories, "g_loss", losses=losses), key="toy-losses-both")
    elif snap.history.get("step"):
        right.plotly_chart(loss_figure(snap.history), key="toy-losses")


with projector or st.container():
    if twin is None:  # the charts beside the plane (on a projector too: the modes a class is waiting for)
        plane_column, charts_column = st.columns([3, 2], gap="medium")
        with plane_column:
            live_view()
        with charts_column:
            live_charts()
    else:  # two planes side by side take the width; the charts go below
        live_view()
        live_charts()
toggles = st.columns([1, 1, 1, 2])
for column, (key, (label, default, hint)) in zip(toggles, LAYER_CHOICES.items(), strict=False):
    column.toggle(label, value=default, key=key, help=hint)
if not present:
    toggles[3].selectbox("Side by side with", ["", *others], key="toy_compare")
    with st.expander("The model: layers, output shapes, parameters"):
        show_networks(run.store.read_networks())
    film_buttons(run)
