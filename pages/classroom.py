"""Classroom: one-click demo moments, every run on the server side by side, and the run pinned to the projector."""

from pathlib import Path

import streamlit as st

from gan_core.explore.choices import model_choices
from gan_core.pictures.charts import loss_figure
from gan_core.runs.bundled import bundled_runs, open_bundled_run
from gan_core.runs.classroom import (
    DemoMoment,
    GalleryCard,
    demo_moments,
    folder_stamp,
    gallery,
    gallery_card,
    moment_picture,
)
from gan_core.runs.store import list_runs
from pages.ui.compare import compare_curves
from pages.ui.hub_sync_line import sync_line
from pages.ui.kept_state import forget_widget_state
from pages.ui.navigation import ensure_app_navigation
from pages.ui.presenter import presenter_mode
from pages.ui.resources import pin_board, settings
from pages.ui.training import run_registry

ensure_app_navigation()

PAGES = {"train": "pages/train.py", "explore": "pages/explore.py", "inside": "pages/inside.py"}
present = presenter_mode()
registry = run_registry()
board = pin_board()
runs_dir = settings().runs_dir


@st.cache_data(max_entries=128, show_spinner=False)
def saved_card(folder: str, stamp: tuple[float, ...]) -> GalleryCard:
    """A card read from a run folder, read again only when the folder changed (every viewer polls it)."""
    return gallery_card(Path(folder))


def card_for(folder: Path) -> GalleryCard:
    """From the live snapshot when this server trains the run, else from its folder (cached)."""
    run = registry.get(folder.name)
    if run is not None and run.state.active:
        return gallery_card(folder, run.snapshot())
    return saved_card(str(folder), folder_stamp(folder))


def go_to(moment: DemoMoment) -> None:
    forget_widget_state("explore_")  # the Explorer reads a link's settings on a fresh visit only
    if moment.bundle:
        bundle = next(b for b in bundled_runs() if b.name == moment.bundle)
        open_bundled_run(bundle, runs_dir)
    st.switch_page(PAGES[moment.page], query_params=moment.params | ({"present": "1"} if present else {}))


def show_card(card: GalleryCard, big: bool = False, key: str = "") -> None:
    st.markdown(f"**{card.name}** · {card.dataset}")
    st.caption(card.headline)
    if card.frame is not None:
        frame = card.frame[..., 0] if card.frame.shape[-1] == 1 else card.frame
        st.image(frame, caption=card.picture_caption, width="stretch")
    if card.history.get("step"):
        st.plotly_chart(loss_figure(card.history, height=360 if big else 220), key=f"losses-{key}{card.name}")


def pinned_view() -> None:
    name = board.pinned()
    if not name or not (runs_dir / name / "config.json").is_file():
        st.caption("No run is pinned. Pin one from the gallery below and it shows here, large, for everyone.")
        return
    card = card_for(runs_dir / name)
    st.subheader(f":material/push_pin: {card.name}")
    left, right = st.columns([1, 2] if present else [2, 3])  # a projector: the whole picture above the fold
    with left:
        if card.frame is not None:
            frame = card.frame[..., 0] if card.frame.shape[-1] == 1 else card.frame
            st.image(frame, caption=card.picture_caption, width="stretch")
    with right:
        st.markdown(f"**{card.dataset}** · {card.headline}")
        if card.history.get("step"):
            st.plotly_chart(loss_figure(card.history, height=360), key="pinned-losses")
    if st.button("Unpin", key="unpin"):
        board.pin(None)
        st.rerun(scope="app")


def gallery_view() -> None:
    sync_line()
    cards = gallery(runs_dir, card_for)
    if not cards:
        st.caption("No runs on this server yet. Each student starts one on the Train page, named as they like.")
        return
    per_row = 2 if present else 3
    for start in range(0, len(cards), per_row):
        # A border per card, not per column: a row with fewer runs than columns showed empty boxes
        for column, card in zip(st.columns(per_row), cards[start : start + per_row], strict=False):
            with column.container(border=True):
                show_card(card, key="g-")
                row = st.container(horizontal=True, vertical_alignment="center")  # Pin and Open on one line
                if row.button("Pin", key=f"pin-{card.name}", icon=":material/push_pin:",
                              help="Show this run large, for everyone on the Classroom page (the projector)"):
                    board.pin(card.name)
                    st.rerun(scope="app")  # the pinned view above is another fragment
                where, param = ("inside", "toy") if card.toy else ("train", "run")
                row.page_link(PAGES[where], label="Open", query_params={param: card.name}, width="content")


def demo_moment_buttons() -> None:
    """The one-click moments, three to a row: five in one row cut their titles short."""
    cached_hub = [c.key for c in model_choices(None, settings().limits.heavy_hub_models) if c.cached]
    moments = demo_moments([b.name for b in bundled_runs()], cached_hub)
    per_row = 3
    for start in range(0, len(moments), per_row):
        for column, moment in zip(st.columns(per_row), moments[start : start + per_row], strict=False):
            with column:
                clicked = st.button(moment.title, key=f"moment-{moment.title}", type="primary", width="stretch")
                st.caption(moment.what)
                picture = moment_picture(moment)
                if picture is not None:  # what the moment opens, before a click
                    st.image(str(picture), width=160 if present else 200)
                if clicked:
                    go_to(moment)


st.title("Classroom")
any_live = bool(registry.active())
if present:  # a projector: the pinned run first, on the first screen; the rest folded below it
    st.fragment(pinned_view, run_every=2.0)()
    with st.expander("Demo moments"):
        demo_moment_buttons()
    with st.expander("Every run on this server", expanded=False):
        st.fragment(gallery_view, run_every=3.0 if any_live else None)()
else:
    st.caption(
        "For a lesson: open a demo moment with one click, watch every student's run side by side, and pin one to "
        "the projector. Turn on presenter mode (sidebar, or ?present=1 in the URL) for large type."
    )
    st.subheader("Demo moments")
    demo_moment_buttons()
    st.fragment(pinned_view, run_every=2.0)()  # a pin or unpin from another browser shows within 2 s
    st.subheader("Every run on this server")
    st.fragment(gallery_view, run_every=3.0 if any_live else None)()
    runs = {summary.name: summary.path for summary in list_runs(runs_dir)}
    if len(runs) >= 2:
        with st.expander("Compare the runs' curves"):
            shown = st.multiselect("Runs", list(runs), default=list(runs)[:4], key="compare-runs")
            compare_curves({name: runs[name] for name in shown}, "classroom-curves")
