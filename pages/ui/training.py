"""The Train page's shared pieces: the server's run registry and this browser session's run."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gan_core.errors import PlaygroundError
from gan_core.runs.child import TrainingProcesses
from gan_core.runs.names import run_name_problem
from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import TrainingRun
from gan_core.training.run_config import RunConfig
from pages.ui.resources import interactive_priority, settings


def _session_alive(session: str) -> bool:
    """Whether a browser session is still connected (True when there is no server to ask, as under AppTest)."""
    from streamlit.runtime import Runtime

    return not Runtime.exists() or Runtime.instance().is_active_session(session)


@st.cache_resource(show_spinner=False)
def run_registry() -> RunRegistry:
    """One registry per server: runs outlive page switches and reloads, and the training cap holds for all."""
    s = settings()
    limits = s.limits
    processes = (TrainingProcesses(s.training_niceness, keep_warm=s.warm_training_process)
                 if s.training_processes else None)  # each image run alone  # fmt: skip
    registry = RunRegistry(
        s.runs_dir, max_concurrent=limits.max_concurrent_runs, time_limit_s=limits.max_run_minutes * 60,
        max_epochs=limits.max_epochs, orphan_grace_s=limits.orphan_grace_s, is_owner_alive=_session_alive,
        priority=interactive_priority(), processes=processes,
    )  # fmt: skip
    registry.start_watchdog()
    if processes is not None and processes.keep_warm:
        processes.warm_up()  # TensorFlow imported in a waiting process: the first Start does not wait for it
    return registry


def session_id() -> str:
    """This browser session's id, as the server knows it (a reload is a new session)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def show_run(name: str | None) -> None:
    """Make `name` the run this session's Train page shows (None: the new-run form)."""
    st.session_state["train_run"] = name
    if name:
        st.query_params["run"] = name
    else:
        st.query_params.pop("run", None)


def current_run() -> TrainingRun | None:
    """The run this page shows: named in the URL (?run=NAME), so a reload finds it again, or else the one this
    session showed last (a visit to another page drops the URL's parameters)."""
    name = st.query_params.get("run") or st.session_state.get("train_run")
    if not name:
        return None
    problem = run_name_problem(name)
    if problem:
        st.caption(f"The link's run {name[:60]!r} cannot be opened: {problem}.")
        st.query_params.pop("run", None)
        return None
    st.session_state["train_run"] = name
    st.query_params["run"] = name
    registry = run_registry()
    run = registry.get(name)
    if run is not None:
        registry.claim(name, session_id())  # a reloaded page is a new session: it keeps the run alive now
    if run is None and (registry.runs_dir / name / "config.json").is_file():
        try:
            run = registry.open(name, owner=session_id())
        except (OSError, ValueError) as exc:
            st.error(f"Could not open run '{name}': {exc}")
            run = None
    if run is None:
        st.session_state.pop("train_run", None)
        st.query_params.pop("run", None)
        st.caption(f"No run called {name[:60]!r} on this server: start a new one below, or pick a saved one.")
    return run


def open_and_start(name: str, config: RunConfig) -> bool:
    """A new run in the server's registry, started (or queued when the training slots are taken); False, with the
    reason shown, when it cannot be."""
    registry = run_registry()
    try:
        registry.open(name, config, owner=session_id())
        registry.start(name)
    except (PlaygroundError, ValueError, OSError) as exc:
        st.error(str(exc))
        return False
    return True
