"""The Classroom's one line about a Space's runs kept on the Hub (shown only where the sync is on)."""

from __future__ import annotations

import time

import streamlit as st

from gan_core.errors import PlaygroundError
from pages.ui.resources import hub_sync


def sync_line() -> None:
    """How the last sync went, in words; a failure as a warning (the runs are kept here meanwhile)."""
    try:
        sync = hub_sync()
    except PlaygroundError as exc:
        st.warning(f"Keeping runs on the Hub is off: {exc}")
        return
    if sync is None:
        return
    status = sync.status()
    when = f" ({time.time() - status.at:.0f} s ago)" if status.at else ""
    if status.ok:
        st.caption(f":material/cloud_done: Runs kept on the Hub: {status.text}{when}.")
    else:
        st.warning(f"Keeping runs on the Hub: {status.text}{when}", icon=":material/cloud_off:")
