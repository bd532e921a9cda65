"""Inside a GAN's live parts for one toy run: its controls, the settings it takes while training, its plane and
its films. The page passes the run (and the registry, the twin shown beside it, the plane's layers) in."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.pictures.render import png_data_uri
from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import RunSnapshot, TrainingRun
from gan_core.runs.state import RunState
from gan_core.toy.picture import FILM_LEGEND, draw_observation
from gan_core.toy.presets import LEARNING_RATES, loss_settings
from gan_core.toy.views import PlaneLayers, plane_figure
from gan_core.training.config import LOSSES
from pages.ui.training import session_id

PICTURE_KEY = ("green: real points · purple: G's points · arrows: G's push · background: D's verdict (green: real). "
               "The interactive chart shows when it is not training.")


def _act(action: Callable[[], object]) -> None:
    """A control's click, taken before its fragment draws again (so the buttons and plane show its effect)."""
    try:
        action()
    except PlaygroundError as exc:
        st.session_state["toy-refused"] = str(exc)


def controls(run: TrainingRun, registry: RunRegistry) -> None:
    """Pause, Resume, Stop, slow motion (one D or G update) and Train on, each enabled when it can act."""
    state = run.state
    row = st.container(horizontal=True)  # each button as wide as its label, on as many lines as the width needs
    paused = state is RunState.PAUSED
    actions = {"Pause": (run.pause, state is RunState.RUNNING), "Resume": (run.resume, paused),
               "Stop": (lambda: run.stop(wait=0), state.active), "D step": (lambda: run.single_update("d"), paused),
               "G step": (lambda: run.single_update("g"), paused)}  # fmt: skip
    for label, (action, enabled) in actions.items():
        row.button(label, disabled=not enabled, key=f"toy-{label}", on_click=_act, args=(action,),
                   help="Slow motion: one update of this network" if "step" in label else None)  # fmt: skip
    saving = run.saving  # a stop returns at once (the page shows it); its checkpoint is written meanwhile
    train_on = row.button("Train on", disabled=state.active or saving, key="toy-continue",
                          help="Saving its last checkpoint..." if saving else "From its latest checkpoint")  # fmt: skip
    if refused := st.session_state.pop("toy-refused", None):
        st.warning(refused)
    if train_on:
        try:
            registry.continue_run(run.name, owner=session_id())
        except (PlaygroundError, ValueError, OSError) as exc:
            st.warning(str(exc))
        else:
            st.rerun()  # the whole page: the registry may hold a new run object for a run trained on


def _new_rate(run: TrainingRun, key: str) -> None:
    try:
        run.change_learning_rate(float(st.session_state[key]))
    except (PlaygroundError, ValueError) as exc:
        st.warning(str(exc))


def _new_loss(run: TrainingRun, key: str) -> None:
    loss = st.session_state[key]
    try:
        run.change_loss(loss, **loss_settings(loss))
    except (PlaygroundError, ValueError) as exc:
        st.warning(str(exc))


def live_settings(run: TrainingRun) -> None:
    """GAN Lab's habit: G's and D's learning rate, and the loss, changed while the run trains, from its next
    step on."""
    rate_column, loss_column = st.columns([3, 2])
    key = f"toy-live-lr-{run.name}"
    rates = sorted({*LEARNING_RATES, run.config.train.lr_g})
    rate_column.select_slider("Learning rate, live", rates, value=st.session_state.get(key, run.config.train.lr_g),
                              key=key, on_change=_new_rate, args=(run, key),
                              help="Changes G's and D's learning rate from the next step on, and keeps it for a "
                                   "resume")  # fmt: skip
    key = f"toy-live-loss-{run.name}"
    loss = st.session_state.get(key, run.config.train.loss)
    loss_column.selectbox("Loss, live", LOSSES, index=LOSSES.index(loss), key=key, on_change=_new_loss,
                          args=(run, key), help="Changes the loss from the next step on (WGAN-GP with its 5 critic "
                          "updates); the networks carry on as they are")  # fmt: skip


def plane(where, shown: TrainingRun, snap: RunSnapshot, layers: PlaneLayers, height: int, key: str) -> None:
    """The plane of `shown` at `snap`: a picture while it trains (no flicker), the interactive chart otherwise."""
    title = f"{shown.name} · step {snap.step:,}"
    if snap.observation is not None and snap.state is RunState.RUNNING:
        # inline (a data URI), not a media file: a file of the last rerun can be gone before the browser asks
        where.image(png_data_uri(draw_observation(snap.observation, height, layers)), width=height,
                    caption=f"{title} · {PICTURE_KEY}")  # fmt: skip
    elif snap.observation is not None:
        where.plotly_chart(plane_figure(snap.observation, layers, title=title, height=height), key=key,
                           config={"displayModeBar": False})  # its toolbar covered the title
    elif snap.frame is not None:
        then = "the live plane follows with its first steps" if snap.state.active else "Train on to see it live"
        where.image(snap.frame, caption=f"{shown.name} at step {snap.frame_step:,} ({then})")
    elif snap.state is RunState.QUEUED:
        where.caption("Waiting for a free training slot: the plane appears when the run starts.")
    elif snap.state.active:
        where.caption("Preparing the run: the first picture appears within seconds.")
    else:
        where.caption(f"No picture: the run {snap.state.value} before its first step.")


def film_buttons(run: TrainingRun) -> None:
    """The run's training as a GIF and an MP4, once it has saved a frame; until then they say why they wait (and
    look again every 2 s, so the first frame enables them without a click)."""

    def draw() -> None:
        films = bool(run.store.frames())  # a frame is saved at the first step
        g1, g2, _ = st.columns([1, 1, 3])
        for column, fmt, mime in ((g1, "gif", "image/gif"), (g2, "mp4", "video/mp4")):
            film = lambda fmt=fmt: run.store.animation(fmt, legend=FILM_LEGEND)  # noqa: E731 (made when asked)
            column.download_button(f"Training as {fmt.upper()}", film, f"{run.name}.{fmt}", mime, on_click="ignore",
                                   disabled=not films, key=f"toy-{fmt}",
                                   help=None if films else "Once the run has drawn its first frame")  # fmt: skip

    st.fragment(draw, run_every=None if run.store.frames() or not run.state.active else 2.0)()
