"""Presenter mode (?present=1 or the sidebar toggle): large type and images for a projector at 1280x720."""

from __future__ import annotations

import streamlit as st

KEY = "present"  # the URL's query parameter
STATE = "presenter_on"  # plain session state, not the toggle's own: it must outlive page switches
PRESENTER_GRID_PX = 280  # the Train page's sample grid: under its run's name and numbers, whole above a 720-px fold
_CSS = """
<style>
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 4.5rem 2.5rem 2rem 2.5rem; }  /* below the header */
h1 { font-size: 2.4rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { font-size: 1.05rem; }
[data-testid="stMetricValue"] p { font-size: 2.2rem !important; }  /* the numbers, not their labels, stand out */
[data-testid="stMetricLabel"] p { font-size: 0.9rem !important; }
</style>
"""


def presenter_mode() -> bool:
    """On for the whole session once the URL says ?present=1 or the toggle is switched on (call before widgets)."""
    if "present_url_read" not in st.session_state:  # only a session's first run reads the URL; the toggle wins later
        st.session_state["present_url_read"] = True
        if str(st.query_params.get(KEY, "")).lower() in {"1", "true", "yes", "on"}:
            st.session_state[STATE] = True
    return bool(st.session_state.get(STATE, False))


def _toggled() -> None:
    st.session_state[STATE] = st.session_state["presenter_toggle"]


def presenter_toggle() -> None:
    st.toggle("Presenter mode", value=presenter_mode(), key="presenter_toggle", on_change=_toggled,
              help="Large type and images for a projector; advanced controls folded away.")  # fmt: skip


def apply_presenter_mode(on: bool) -> None:
    """Style the page and keep the URL in step, so a shared or reloaded link keeps the mode."""
    if on:
        st.html(_CSS)
        st.query_params[KEY] = "1"
    else:
        st.query_params.pop(KEY, None)


def image_cell_px(on: bool) -> int:
    """Pixels per generated image in a grid: larger on a projector."""
    return 200 if on else 160
