"""Train: pick a dataset, press Start, and watch a GAN learn; pause, resume, stop, come back later."""

import streamlit as st

from gan_core.data import DATASETS
from gan_core.errors import PlaygroundError
from gan_core.evaluation.coach import LiveEval, diagnose
from gan_core.pictures.charts import accuracy_figure, d_output_figure, loss_figure, quality_figure
from gan_core.runs.bundled import BundledRun, bundled_runs, open_bundled_run
from gan_core.runs.handoff import fork_run, report_zip
from gan_core.runs.run import ACTIVE_STATES
from gan_core.runs.state import RunState
from gan_core.runs.store import list_runs
from gan_core.training.config import AUGMENTATIONS, LOSSES
from gan_core.training.presets import BATCH_SIZES, batch_problem, default_run_config
from pages.ui.navigation import ensure_app_navigation
from pages.ui.resources import dataset, own_dataset_names, settings
from pages.ui.tables import show_networks
from pages.ui.training import (
    current_run,
    default_run_name,
    open_and_start,
    run_registry,
    session_id,
    show_run,
    valid_run_name,
)
from pages.ui.uploads import upload_panel

ensure_app_navigation()

st.title("Train a GAN")
registry = run_registry()
run = current_run()


def new_run_form() -> None:
    names = list(DATASETS) + own_dataset_names()
    name = st.selectbox(
        "Dataset", names, format_func=lambda n: DATASETS[n].title if n in DATASETS else f"{n} (your images)"
    )
    try:
        data = dataset(name, "auto")
    except PlaygroundError as exc:
        st.warning(str(exc))
        return
    info, train_count = data.info, data.train_count
    st.caption(f"{info.title}: {info.source.label} · {'×'.join(map(str, info.image_shape))} px")
    conditional = st.toggle(
        "Class-conditional", value=False, disabled=not info.class_names,
        help="G gets the class as input and D judges image and class together; you can then ask for a class.",
    )  # fmt: skip
    base = default_run_config(info, conditional=conditional, train_count=train_count)
    t = base.train
    left, mid, right = st.columns(3)
    limits = settings().limits
    most = limits.max_epochs or 500
    epochs = left.number_input("Epochs", 1, most, min(t.epochs, most))
    sizes = [b for b in BATCH_SIZES if b <= train_count] or [BATCH_SIZES[0]]
    batch = mid.select_slider("Batch size", sizes, value=t.batch_size if t.batch_size in sizes else sizes[-1],
                              help=f"{train_count:,} training images")  # fmt: skip
    loss = right.selectbox("Loss", LOSSES, index=LOSSES.index(t.loss), help="bce: the TF tutorial's")
    with st.expander("More settings"):
        a, b, c = st.columns(3)
        lr_g = a.number_input("G learning rate", 1e-5, 1e-2, t.lr_g, format="%.5f")
        lr_d = b.number_input("D learning rate", 1e-5, 1e-2, t.lr_d, format="%.5f")
        beta1 = c.number_input("Adam β1", 0.0, 0.99, t.beta1)
        smoothing = a.number_input("Label smoothing", 0.0, 0.45, t.label_smoothing, help="real targets 1 − s")
        d_steps = b.number_input("D steps per G step", 1, 10, t.d_steps)
        seed = c.number_input("Seed", 0, 2**31 - 1, t.seed)
        augment = st.multiselect("DiffAugment", AUGMENTATIONS, default=list(t.diffaugment),
                                 help="Augment real and fake alike: helps small datasets.")  # fmt: skip
        sample_every = st.number_input("Sample grid every N steps", 1, 1000, t.sample_every)
        ema = a.toggle("Average G's weights (EMA)", value=t.ema_decay > 0,
                       help="Samples come from an exponential moving average of G's weights (decay 0.999): "
                       "smoother, usually better samples at no training cost.")  # fmt: skip
        spectral = b.toggle("Spectral norm in D", value=False,
                            help="Bounds each D layer's largest singular value to 1 (Miyato et al. 2018): a "
                            "steadier discriminator, at some speed.")  # fmt: skip
        eval_every = st.number_input(
            "Live FID every N steps (0: off)", 0, 5000, t.eval_every, disabled=t.eval_every == 0,
            help="FID at a small N and the classes covered, on this project's classifier (MNIST and "
            "Fashion-MNIST): about 0.3 s each. The lowest FID marks the run's best generator.",
        )  # fmt: skip
    if st.session_state.get("run_name_for") != info.name:  # a fresh default name per dataset, kept across reruns
        st.session_state["run_name_for"] = info.name
        st.session_state["run_name"] = default_run_name(info.name)
    run_name = st.text_input("Run name", key="run_name")
    problem = valid_run_name(run_name) or batch_problem(int(batch), train_count)
    if problem:
        st.caption(f":red[{problem}]")
    if st.button("Start training", type="primary", disabled=bool(problem)):
        config = default_run_config(
            info, conditional=conditional, train_count=train_count, spectral_norm=spectral,
            ema_decay=0.999 if ema else 0.0, epochs=int(epochs), batch_size=int(batch), loss=loss, lr_g=lr_g,
            lr_d=lr_d, beta1=beta1, label_smoothing=smoothing, d_steps=int(d_steps), seed=int(seed),
            diffaugment=tuple(augment), sample_every=int(sample_every), eval_every=int(eval_every),
        )  # fmt: skip
        if open_and_start(run_name, config):
            show_run(run_name)
            st.rerun()


def open_demo(bundle: BundledRun) -> None:
    show_run(open_bundled_run(bundle, settings().runs_dir).name)


def demo_runs() -> None:
    for bundle in bundled_runs():
        cols = st.columns([4, 1])
        title = bundle.card.splitlines()[0].lstrip("# ") if bundle.card else bundle.name
        cols[0].markdown(f"**{title}** · shipped with the app, trained on this project's CPU")
        cols[1].button("Open demo", key=f"demo-{bundle.name}", on_click=open_demo, args=(bundle,), type="primary")


def saved_runs() -> None:
    runs = list_runs(settings().runs_dir)
    if not runs:
        st.caption("No saved runs yet.")
        return
    for summary in runs[:20]:
        cols = st.columns([3, 2, 2, 1])
        cols[0].markdown(f"**{summary.name}** · {summary.dataset}")
        interrupted = summary.state in ACTIVE_STATES and not registry.is_live(summary.name)
        cols[1].caption(f"{'interrupted (server restarted)' if interrupted else summary.state} at step {summary.step}")
        cols[2].caption(f"checkpoints: {', '.join(map(str, summary.checkpoint_steps[-3:])) or 'none'}")
        cols[3].button("Open", key=f"open-{summary.name}", on_click=show_run, args=(summary.name,))


def controls() -> None:
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


def live_status() -> None:
    """Status, progress and counters: cheap, so refreshed every second."""
    snap = run.snapshot(with_history=False)
    queue = registry.queue_position(run.name)
    status = f"**{snap.state.value}** · {snap.message}"
    if queue:
        status += f" · position {queue} in the queue ({registry.max_concurrent} training at once on this server)"
    st.markdown(status)
    if snap.total_steps:
        st.progress(min(1.0, snap.step / snap.total_steps), text=f"step {snap.step:,} of {snap.total_steps:,}")
    m = st.columns(4)
    m[0].metric("Step", f"{snap.step:,}")
    m[1].metric("Epoch", f"{snap.epoch:.2f} of {run.config.train.epochs}")
    m[2].metric("Images / s", f"{snap.images_per_sec:.0f}" if snap.state is RunState.RUNNING else "—")
    eta = snap.eta_seconds
    m[3].metric("Time left", f"{int(eta // 60)}m {int(eta % 60):02d}s" if eta is not None else "—")


def live_charts() -> None:
    """Curves, the sample grid and the coach: the costly part of watching, refreshed every two seconds."""
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
            st.image(shown, caption=f"fixed noise, step {snap.frame_step}", width="stretch")
        if snap.observation is not None:
            st.plotly_chart(d_output_figure(snap.observation), key="d-output")
        if snap.evals:
            best = snap.best["step"] if snap.best else None
            st.plotly_chart(quality_figure(snap.evals, snap.eval_features, best), key="quality")
        coach(snap)


def coach(snap) -> None:
    """Plain-language diagnoses of the live signals, each with its evidence and a fix."""
    found = diagnose(snap.history, [LiveEval.from_row(r) for r in snap.evals], snap.frame_changes,
                     train=run.config.train)  # fmt: skip
    for diagnosis in found:
        st.warning(f"**Coach: {diagnosis.title}.** {diagnosis.evidence} *Try:* {diagnosis.fix}")
    if not found and len(snap.history.get("step", ())) >= 200:
        st.caption("Coach: nothing to flag in the last 200 steps.")


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
        saved_runs()
    st.stop()

cfg = run.config
st.subheader(run.name)
st.caption(
    f"{cfg.train.dataset} · {cfg.train.loss} loss · batch {cfg.train.batch_size} · "
    f"lr G {cfg.train.lr_g:g} / D {cfg.train.lr_d:g}" + (" · conditional" if cfg.model.conditional else "")
)
controls()
# What a watcher costs the run is the server's work for these two (bench/watching.py): counters every second,
# charts every two.
st.fragment(live_status, run_every=1.0 if run.state.active else None)()
st.fragment(live_charts, run_every=2.0 if run.state.active else None)()

with st.expander("The model: layers, output shapes, parameters"):
    show_networks(run.store.read_networks())

frames = run.store.frames()
if len(frames) > 1:
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
            help="config with seeds and library versions, metrics CSV, curves, GIF, last grid, generator weights",
        )  # fmt: skip

checkpoint_steps = run.store.checkpoint_steps()
if checkpoint_steps and not run.state.active:
    with st.expander("Fork from a checkpoint"):
        st.caption("A new run that starts from a saved checkpoint with other settings; it records its parent.")
        cfg = run.config.train
        step = st.select_slider("Checkpoint", checkpoint_steps, value=checkpoint_steps[-1])
        a, b, c = st.columns(3)
        lr_g = a.number_input("G learning rate", 1e-5, 1e-2, cfg.lr_g, format="%.5f", key="fork-lr-g")
        lr_d = b.number_input("D learning rate", 1e-5, 1e-2, cfg.lr_d, format="%.5f", key="fork-lr-d")
        loss = c.selectbox("Loss", LOSSES, index=LOSSES.index(cfg.loss), key="fork-loss")
        history = run.snapshot().history
        at_epoch = step * history["epoch"][-1] / history["step"][-1] if history.get("step") else 0.0
        epochs = a.number_input("Total epochs", 1, 1000, max(cfg.epochs, int(at_epoch) + 1), key="fork-epochs",
                                help=f"Counted from the start of the run, not added: the checkpoint is at epoch "
                                f"{at_epoch:.1f}.")  # fmt: skip
        fork_name = b.text_input("Fork name", value=f"{run.name[:50]}-fork{step}", key="fork-name")
        if st.button("Fork", disabled=bool(valid_run_name(fork_name))):
            try:
                fork_run(run.store.dir, step, settings().runs_dir / fork_name, lr_g=lr_g, lr_d=lr_d, loss=loss,
                         epochs=int(epochs))  # fmt: skip
            except (OSError, ValueError) as exc:
                st.error(str(exc))
            else:
                show_run(fork_name)
                st.rerun()
