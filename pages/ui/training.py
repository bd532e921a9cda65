"""The Train page's shared pieces: the server's run registry and this browser session's run."""

from __future__ import annotations

import re
from datetime import datetime

import streamlit as st

from gan_core.runs.registry import RunRegistry
from gan_core.runs.run import TrainingRun
from pages.ui.resources import settings

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@st.cache_resource(show_spinner=False)
def run_registry() -> RunRegistry:
    """One registry per server: runs outlive page switches and reloads, and the training cap holds for all."""
    s = settings()
    return RunRegistry(s.runs_dir, max_concurrent=s.max_concurrent_runs)


def session_id() -> str:
    if "session_id" not in st.session_state:
        st.session_state["session_id"] = datetime.now().strftime("%Y%m%d%H%M%S%f")
    return st.session_state["session_id"]


def valid_run_name(name: str) -> str | None:
    """None when the name is fine, else what is wrong with it."""
    if not _NAME.match(name):
        return "use letters, digits, '-', '_' or '.', up to 64 characters, starting with a letter or digit"
    return None


def default_run_name(dataset: str) -> str:
    return f"{dataset.replace('/', '_')[:24]}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def current_run() -> TrainingRun | None:
    """The run this page shows: named in the URL (?run=NAME), so a reload finds it again."""
    name = st.query_params.get("run")
    if not name or valid_run_name(name):
        return None
    registry = run_registry()
    run = registry.get(name)
    if run is None and (registry.runs_dir / name / "config.json").is_file():
        try:
            run = registry.open(name, owner=session_id())
        except (OSError, ValueError) as exc:
            st.error(f"Could not open run '{name}': {exc}")
            return None
    return run
