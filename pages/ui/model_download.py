"""The Explorer's one-click BigGAN download: a button with its size, a progress bar that updates while every
session keeps working, then a button that opens it."""

from __future__ import annotations

import streamlit as st

from gan_core.downloads import fetch_catalog
from gan_core.explore.choices import ModelChoice
from pages.ui.resources import background_fetches

WATCHING = "explore_downloading"  # the model whose download this session started (its outcome is shown here)


@st.fragment(run_every=1.0)
def _progress(choice: ModelChoice) -> None:
    progress = background_fetches().progress(choice.key)
    if progress is None or progress.state != "running":
        st.rerun()  # finished: the whole page redraws once, with the outcome
    st.progress(progress.fraction, text=f"Downloading {choice.title}: {progress.text}. You can keep exploring.")


def _start(choice: ModelChoice) -> None:
    st.session_state[WATCHING] = choice.key
    background_fetches().start(fetch_catalog()[choice.key])


def _open(choice: ModelChoice) -> None:
    st.session_state.update({"explore_model": choice.key, WATCHING: None})


def download_offer(offer: ModelChoice | None, choices: dict[str, ModelChoice]) -> None:
    """A button to download `offer` (a TF Hub model not cached here), or how the download this session started
    is going, and then a button that opens it."""
    watched = choices.get(st.session_state.get(WATCHING) or "")
    progress = background_fetches().progress(watched.key) if watched else None
    if watched is not None and progress is not None:
        if progress.state == "running":
            _progress(watched)
            return
        if progress.state == "done":
            st.success(f"{progress.message}. It works offline from now on.")
            st.button(f"Open {watched.title}", type="primary", on_click=_open, args=(watched,))
            return
        st.warning(progress.message)
        offer = offer or watched
    if offer is not None:
        size = fetch_catalog()[offer.key].size_mb
        st.button(f"Download {offer.title} (about {size} MB)", key="explore_download", on_click=_start, args=(offer,),
                  help="Once, into this machine's TF Hub cache; the shipped models stay usable meanwhile.")  # fmt: skip
