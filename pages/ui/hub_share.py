"""The Train page's "Share on the Hub": shown where this machine has a Hugging Face token (never on a page)."""

from __future__ import annotations

import streamlit as st

from gan_core.errors import PlaygroundError
from gan_core.runs.run import TrainingRun
from gan_core.sharing.push import hub_token, push_run
from pages.ui.resources import settings


def share_panel(run: TrainingRun) -> None:
    """A repo name, Public, and the button; the outcome in one line. Not on a hosted server, whose token belongs to
    its owner, not to its visitors."""
    if run.state.active or not run.store.checkpoint_steps() or settings().hosted or hub_token() is None:
        return
    with st.expander("Share on the Hugging Face Hub"):
        st.caption("Uploads the generator (a .keras file and a SavedModel), config, curves, last grid, progress "
                   "GIF and a model card, with this machine's Hugging Face token. Private unless you tick "
                   "Public.")  # fmt: skip
        name, public = st.columns([3, 1])
        repo = name.text_input("Repo", placeholder="your-user/name", key=f"hub_repo_{run.name}", max_chars=200)
        make_public = public.checkbox("Public", key=f"hub_public_{run.name}")
        if st.button("Share on the Hub", key=f"hub_share_{run.name}", disabled=not repo.strip()):
            try:
                with st.spinner(f"Uploading {run.name} to {repo.strip()}…"):
                    url, private = push_run(run.store.dir, repo, private=not make_public, say=lambda _: None)
            except PlaygroundError as exc:
                st.error(str(exc))
            else:
                st.success(f"Shared as {'private' if private else 'public'} {url}: open it here as "
                           f"hf://{repo.strip()}.")  # fmt: skip
