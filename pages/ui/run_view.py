"""The Train page's view of one run: its controls, live counters and charts, timeline, downloads and forks."""

from __future__ import annotations

import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.pictures.charts import accuracy_figure, d_output_figure, loss_figure, quality_figure
from gan_core.runs.form import epoch_at, fork_default_epochs
from gan_core.runs.handoff import fork_run, report_zip
from gan_core.runs.names import free_run_name, run_name_problem
from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.training.coach import LiveEval, diagnose
from gan_core.training.config import LOSSES
from pages.ui.resources import settings
from pages.ui.training import session_id, show_run


def controls(run: TrainingRun, registry: RunRegistry) -> None:
    state = run.state
    cols = st.columns(5)
    actions = {
        "Pause": (run.pause, state is RunState.RUNNING),
        "Resume": (run.resume, state is RunState.PAUSED),
        "Stop": (run.stop, state.active),
    }
    for col, (label, (action, enabled)) in zip(cols, actions.items(), strict=False):
        if col.button(label, disabled=not enabled, key=f"ctl-{label}"):
            try:
                action()
            except PlaygroundError as exc:
                st.warning(str(exc))
            st.rerun()
    if cols[3].button("Continue training", disabled=state.active, key="ctl-continue",
                      help="From the latest checkpoint; a finished run gets half its epochs again."):  # fmt: skip
        try:
            registry.continue_run(run.name, owner=session_id())
        except (PlaygroundError, ValueError, OSError) as exc:
            st.warning(str(exc))
        st.rerun()
    cols[4].button("New run", on_click=show_run, args=(None,), key="ctl-new")


def live_status(run: TrainingRun, registry: RunRegistry, drawn_in: RunState) -> None:
    """Status, progress and counters: cheap, so refreshed every second. When the run leaves the state the page
    was drawn in (it finished, failed, or left the queue), the whole page is drawn again: buttons, timeline, fork."""
    snap = run.snapshot(with_history=False)
    if snap.state is not drawn_in:
        st.rerun()
    queue = registry.queue_position(run.name)
    status = f"**{snap.state.value}** · {snap.message}"
    if queue:
        status += f" · position {queue} in the queue ({registry.max_concurrent} training at once on this server)"
    st.markdown(status)
    if snap.budget_s:
        st.progress(snap.progress, text=f"{_clock(snap.trained_s)} of {_clock(snap.budget_s)} trained · "
                                        f"step {snap.step:,}")  # fmt: skip
    elif snap.total_steps:
        st.progress(snap.progress, text=f"step {snap.step:,} of {snap.total_steps:,}")
    m = st.columns(4)
    m[0].metric("Step", f"{snap.step:,}")
    m[1].metric("Epoch" if snap.budget_s else f"Epoch (of {run.config.train.epochs:,})", f"{snap.epoch:,.1f}")
    m[2].metric("Images / s", f"{snap.images_per_sec:.0f}" if snap.state is RunState.RUNNING else "—")
    eta = snap.eta_seconds
    m[3].metric("Time left", _clock(eta) if eta is not None else "—")


def _clock(seconds: float) -> str:
    """'3m 05s'."""
    return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"


def live_charts(run: TrainingRun, grid_width: int | None = None) -> None:
    """Curves, the sample grid and the coach: the costly part of watching, refreshed every two seconds.
    `grid_width`: the grid's width in pixels (presenter mode: all of it above a projector's fold), else the column's."""
    snap = run.snapshot()
    left, right = st.columns([3, 2])
    with left:
        if snap.history.get("step"):
            st.plotly_chart(loss_figure(snap.history), key="losses")
            st.plotly_chart(accuracy_figure(snap.history), key="accuracy")
        else:
            st.caption("The curves appear after the first step.")
    with right:
        if snap.frame is not None:
            shown = snap.frame[..., 0] if snap.frame.shape[-1] == 1 else snap.frame
            st.image(shown, caption=f"fixed noise, step {snap.frame_step}", width=grid_width or "stretch")
        if snap.observation is not None:
            st.plotly_chart(d_output_figure(snap.observation), key="d-output")
        if snap.evals:
            best = snap.best["step"] if snap.best else None
            st.plotly_chart(quality_figure(snap.evals, snap.eval_features, best), key="quality")
        _coach(run, snap)


def _coach(run: TrainingRun, snap) -> None:
    """Plain-language diagnoses of the live signals, each with its evidence and a fix."""
    found = diagnose(snap.history, [LiveEval.from_row(r) for r in snap.evals], snap.frame_changes,
                     train=run.config.train)  # fmt: skip
    for diagnosis in found:
        st.warning(f"**Coach: {diagnosis.title}.** {diagnosis.evidence} *Try:* {diagnosis.fix}")
    if not found and len(snap.history.get("step", ())) >= 200:
        st.caption("Coach: nothing to flag in the last 200 steps.")


def timeline_and_downloads(run: TrainingRun) -> None:
    frames = run.store.frames()
    if len(frames) <= 1:
        return
    with st.expander("Timeline and downloads", expanded=not run.state.active):
        steps = [s for s, _ in frames]
        picked = st.select_slider("Sample grid at step", steps, value=steps[-1])
        grid = run.store.frame_image(picked)
        st.image(grid[..., 0] if grid.shape[-1] == 1 else grid, width=360)
        d1, d2, d3 = st.columns(3)
        # on_click="ignore": no rerun, so a second download clicked right after the first keeps its address
        d1.download_button("Progress GIF", lambda: run.store.animation("gif"), f"{run.name}.gif", "image/gif",
                           on_click="ignore")  # fmt: skip
        d2.download_button("Progress MP4", lambda: run.store.animation("mp4"), f"{run.name}.mp4", "video/mp4",
                           on_click="ignore")  # fmt: skip
        d3.download_button(
            "Whole run (zip)", lambda: report_zip(run.store.dir), f"{run.name}.zip", "application/zip",
            on_click="ignore",
            help="config with seeds and library versions, metrics CSV, curves, GIF, last grid, generator weights and "
            "the generator to use elsewhere: a .keras file (keras.saving.load_model) and a TensorFlow SavedModel",
        )  # fmt: skip


def fork_panel(run: TrainingRun) -> None:
    checkpoint_steps = run.store.checkpoint_steps()
    if not checkpoint_steps or run.state.active:
        return
    with st.expander("Fork from a checkpoint"):
        st.caption("A new run that starts from a saved checkpoint with other settings; it records its parent.")
        cfg = run.config.train
        step = st.select_slider("Checkpoint", checkpoint_steps, value=checkpoint_steps[-1])
        a, b, c = st.columns(3)
        lr_g = a.number_input("G learning rate", 1e-5, 1e-2, cfg.lr_g, format="%.5f", key="fork-lr-g")
        lr_d = b.number_input("D learning rate", 1e-5, 1e-2, cfg.lr_d, format="%.5f", key="fork-lr-d")
        loss = c.selectbox("Loss", LOSSES, index=LOSSES.index(cfg.loss), key="fork-loss")
        at_epoch = epoch_at(step, run.snapshot().history)
        epochs = a.number_input("Total epochs", 1, 1000, fork_default_epochs(cfg.epochs, at_epoch), key="fork-epochs",
                                help=f"Counted from the start of the run, not added: the checkpoint is at epoch "
                                f"{at_epoch:.1f}.")  # fmt: skip
        runs_dir = settings().runs_dir
        fork_name = b.text_input("Fork name", value=free_run_name(runs_dir, f"{run.name[:50]}-fork{step}"),
                                 key="fork-name")  # fmt: skip
        problem = run_name_problem(fork_name) or (f"a run called '{fork_name}' exists already"
                                                  if (runs_dir / fork_name).exists() else "")  # fmt: skip
        if problem:
            b.caption(f":red[{problem}; choose another name]")
        if st.button("Fork", disabled=bool(problem)):
            try:
                fork_run(run.store.dir, step, settings().runs_dir / fork_name, lr_g=lr_g, lr_d=lr_d, loss=loss,
                         epochs=int(epochs))  # fmt: skip
            except (OSError, ValueError) as exc:
                st.error(str(exc))
            else:
                show_run(fork_name)
                st.rerun()
