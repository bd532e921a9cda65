"""The Train page's lists: the runs shipped with the app (open as demos) and this server's saved runs."""

from __future__ import annotations

import streamlit as st

from gan_core.runs.bundled import BundledRun, bundled_runs, open_bundled_run
from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import ACTIVE_STATES
from gan_core.runs.store import list_runs
from pages.ui.resources import settings
from pages.ui.training import show_run


def _open_demo(bundle: BundledRun) -> None:
    show_run(open_bundled_run(bundle, settings().runs_dir).name)


def demo_runs() -> None:
    # The TF tutorial's DCGAN first: the demo the README names, and what a new run trains (the cgan-* ones after).
    for bundle in sorted(bundled_runs(), key=lambda b: not b.name.startswith("demo-")):
        cols = st.columns([4, 1])
        title = bundle.card.splitlines()[0].lstrip("# ") if bundle.card else bundle.name
        cols[0].markdown(f"**{title}** · shipped with the app, trained on this project's CPU")
        cols[1].button("Open demo", key=f"demo-{bundle.name}", on_click=_open_demo, args=(bundle,), type="primary")


def saved_runs(registry: RunRegistry) -> None:
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
