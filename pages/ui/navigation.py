"""Keep every page under app.py's st.navigation, even when a server's first request names a page."""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP = Path(__file__).resolve().parents[2] / "app.py"


def ensure_app_navigation() -> None:
    """Call first in every page file.

    Streamlit keeps a legacy mode for apps with a `pages/` folder beside the entry script: until some run
    has called st.navigation, a request for /train runs pages/train.py on its own, without app.py (no
    sidebar, the folder's file names as navigation). That happens when the first visitor of a freshly
    started server opens a shared link (and on every AppTest run). Here the page leaves that mode and runs
    app.py in its place, within the same script run so that no widget event is lost, then stops.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
