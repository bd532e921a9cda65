"""The Explorer's box for a generator on the Hugging Face Hub: hf://user/name, or its huggingface.co address."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from gan_core.explore.choices import ModelChoice
from gan_core.sharing.hub_downloads import download_repo, is_cached
from gan_core.sharing.hub_names import HubNameError, check_repo_id, explorer_key, hub_repo_id

HUB_REPOS = "explore_hub_repos"  # the repos this session asked for, user/name each: offered in the model box
ERROR = "explore_hub_error"


def hub_repos_asked(params: Mapping[str, str]) -> list[str]:
    """This session's Hub repos, with a link's hf:user/name model added (garbage in it is left to the link's note)."""
    asked = st.session_state.setdefault(HUB_REPOS, [])
    model = str(params.get("model", ""))
    if model.startswith("hf:") and "explore_model" not in st.session_state:
        try:
            repo = hub_repo_id(model)
        except HubNameError:
            repo = None
        if repo and repo not in asked:
            asked.append(repo)
    return asked


def _open() -> None:
    text = str(st.session_state.get("explore_hub_text", "")).strip()
    try:
        repo = hub_repo_id(text) or check_repo_id(text)
    except HubNameError as exc:
        st.session_state[ERROR] = str(exc)
        return
    asked = st.session_state.setdefault(HUB_REPOS, [])
    if repo not in asked:
        asked.append(repo)
    st.session_state.update({"explore_model": explorer_key(repo), "explore_focus": "", "explore_linked_model": False,
                             ERROR: None})  # fmt: skip


def hub_box() -> None:
    """A text box and an Open button; a bad name is said under it in one sentence."""
    error = st.session_state.get(ERROR)
    with st.expander("Open a generator from the Hugging Face Hub", expanded=bool(error)):
        with st.form("explore_hub_form", border=False):
            st.text_input("Hub repo", key="explore_hub_text", max_chars=200,
                          placeholder="hf://user/name or https://huggingface.co/user/name")  # fmt: skip
            st.form_submit_button("Open", on_click=_open)
        if error:
            st.error(error)
        st.caption("A repo pushed from here (`python -m gan_core push`) opens with its classes; any Keras generator "
                   "(a .keras file: noise in, pictures out, an optional class) by what its inputs say.")  # fmt: skip


def download_with_progress(choice: ModelChoice, offline: bool) -> None:
    """A Hub repo not in this machine's cache yet: downloaded here with a progress bar (then it loads from the cache).
    Raises HubError in one sentence when it cannot be had."""
    if choice.kind != "hf" or offline or is_cached(choice.location):
        return
    bar = st.progress(0.0, text=f"Downloading hf://{choice.location}…")

    def report(fraction: float, what: str) -> None:
        bar.progress(fraction, text=f"Downloading hf://{choice.location}: {fraction:.0%} ({what})")

    download_repo(choice.location, offline=False, progress=report)
    bar.empty()
