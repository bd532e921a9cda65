"""A server's housekeeping thread: a full garbage collection every minute.

Streamlit's own collection after every script run is off (.streamlit/config.toml, `postScriptGC`): with
TensorFlow's object graph in memory it made every run, fragment runs included, tens of milliseconds slower
(bench/watching.py). Something must still free what only a full collection frees: a session that ended is kept
two minutes for a reconnect, then dropped, and what it held (its event loop with an epoll descriptor and two
sockets, its widgets' images) sits in reference cycles (bench/soak.py found them piling up, wave after wave).
"""

from __future__ import annotations

import gc
import threading

import streamlit as st

PERIOD_S = 60.0


@st.cache_resource(show_spinner=False)
def start_housekeeping(period_s: float = PERIOD_S) -> threading.Thread:
    """Start the one housekeeping thread of this server (idempotent: cached per process)."""
    stop = threading.Event()

    def collect() -> None:
        while not stop.wait(period_s):
            gc.collect()

    thread = threading.Thread(target=collect, name="housekeeping-gc", daemon=True)
    thread.start()
    return thread
