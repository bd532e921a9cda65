"""The Inside-a-GAN page's pieces: starting a toy run, the run a session shows, a person's points."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.runs.names import default_run_name, run_name_problem
from gan_core.runs.run import RunSnapshot, TrainingRun
from gan_core.runs.state import RunState
from gan_core.toy.distributions import DISTRIBUTIONS, MIN_OWN_POINTS, own_points, points_from_csv
from gan_core.toy.metrics import measure_words
from gan_core.toy.presets import save_own_points, toy_run_config
from gan_core.toy.views import paint_figure, paint_grid
from gan_core.training.run_config import RunConfig
from gan_core.words import plural
from pages.ui.training import open_and_start, run_registry, session_id

KEY = "toy"  # the URL's query parameter naming the run shown
# Short enough for a quarter of the page: "Your points (paint or CSV)" was cut; the page asks which way below.
DATA_CHOICES = {**{name: d.title for name, d in DISTRIBUTIONS.items()}, "own": "Your own points"}


def show_toy_run(name: str | None) -> None:
    st.session_state["toy_run"] = name
    if name:
        st.query_params[KEY] = name
    else:
        st.query_params.pop(KEY, None)


def current_toy_run() -> TrainingRun | None:
    """The toy run named in the URL (?toy=NAME) or shown last in this session; garbage gets one caption."""
    name = st.query_params.get(KEY) or st.session_state.get("toy_run")
    if not name:
        return None
    return open_toy_run(name)


def open_toy_run(name: str, shown: bool = True) -> TrainingRun | None:
    """A toy run by name (the one shown, or the one beside it); anything else gets one caption."""
    problem = run_name_problem(name)
    registry = run_registry()
    folder = registry.runs_dir / name / "config.json"
    if problem is None and registry.get(name) is None and not folder.is_file():
        problem = "there is no run of that name on this server"
    run = None
    if problem is None:
        try:
            live = registry.get(name)
            if not (live.config if live is not None else RunConfig.read(folder.parent)).is_toy:
                raise PlaygroundError("it is an image GAN: open it on the Train page")  # and left unregistered
            run = live or registry.open(name, owner=session_id())
        except (OSError, ValueError, PlaygroundError) as exc:
            problem = str(exc)
    if run is None:
        st.caption(f"The toy run {name[:60]!r} cannot be opened: {problem}.")
        if shown:
            show_toy_run(None)
    return run


def read_uploaded_points(upload) -> np.ndarray | None:
    """x, y from an uploaded CSV, checked; None (with one sentence shown) when unusable."""
    if upload is None:
        return None
    try:
        points = points_from_csv(upload.getvalue())
        own_points(points)  # the same checks a run makes
    except PlaygroundError as exc:
        st.warning(str(exc))
        return None
    return points


def add_painted(selection: dict | None, painted: set[int]) -> set[int]:
    """The canvas cells a lasso or box selection picked (trace 0), added to those painted before."""
    points = (selection or {}).get("points", []) if isinstance(selection, dict) else []
    picked = {int(p["point_index"]) for p in points if p.get("curve_number") == 0 and "point_index" in p}
    return painted | picked


def paint_panel() -> np.ndarray | None:
    """A canvas to paint points on with Plotly's lasso; None until enough cells are painted."""
    grid = paint_grid()
    painted: set[int] = st.session_state.setdefault("toy_painted", set())
    event = st.plotly_chart(paint_figure(grid, sorted(painted)), on_select="rerun", selection_mode=("lasso", "box"),
                            key="toy_paint")  # fmt: skip
    now = add_painted(event.get("selection") if event else None, painted)
    if now != painted:
        st.session_state["toy_painted"] = now
        st.rerun()
    if st.button("Clear the canvas", key="toy_paint_clear", disabled=not painted):
        st.session_state["toy_painted"] = set()
        st.rerun()
    st.caption(f"{len(painted)} cells painted" + ("" if len(painted) >= MIN_OWN_POINTS else
               f"; paint at least {MIN_OWN_POINTS}"))  # fmt: skip
    return grid[sorted(painted)] if len(painted) >= MIN_OWN_POINTS else None


def start_toy_run(data: str, loss: str, noise_dim: int, seed: int, points: np.ndarray | None, lr: float = 5e-4,
                  average: bool = True) -> bool:  # fmt: skip
    """Create and start a toy run (queued when the server's training slots are taken) and show it; False, with
    the reason shown, when it cannot be."""
    name = default_run_name(f"toy-{data}-{loss}")
    try:
        config = toy_run_config(data, loss, seed, noise_dim, lr_g=lr, lr_d=lr, ema_decay=0.99 if average else 0.0)
        if data == "own":
            save_own_points(run_registry().runs_dir / name, points)
    except (PlaygroundError, ValueError, OSError) as exc:
        st.error(str(exc))
        return False
    if not open_and_start(name, config):
        return False
    show_toy_run(name)
    return True


def status_line(snap: RunSnapshot, queue: int | None = None, slots: int = 1) -> str:
    """State, step (or its place in the queue), steps per second while training, the latest modes covered, the
    run's message."""
    parts = [f"**{snap.state.value}**", f"step {snap.step:,}"]
    if queue:
        parts[1] = f"position {queue} in the queue ({plural(slots, 'run')} training at once on this server)"
    if snap.state is RunState.RUNNING and snap.images_per_sec:
        parts.append(f"{snap.images_per_sec / snap.batch_size:.0f} steps/s")
    if snap.evals:
        last = snap.evals[-1]
        counted, quality = measure_words(last)
        parts.append(f"**{last['modes_covered']} of {last['modes']} {counted}** covered, "
                     f"{last['high_quality']:.0%} of samples {quality}")  # fmt: skip
    return " · ".join([*parts, snap.message])
