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
from collections.abc import Callable

import streamlit as st

PERIOD_S = 60.0


class Housekeeping:
    """A daemon thread that calls `collect` every `period_s` seconds until stop()."""

    def __init__(self, period_s: float = PERIOD_S, collect: Callable[[], object] = gc.collect) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(period_s, collect), name="housekeeping-gc",
                                        daemon=True)  # fmt: skip

    def _loop(self, period_s: float, collect: Callable[[], object]) -> None:
        while not self._stop.wait(period_s):
            collect()

    def start(self) -> Housekeeping:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


@st.cache_resource(show_spinner=False)
def start_housekeeping() -> Housekeeping:
    """Start the one housekeeping thread of this server (idempotent: cached per process)."""
    return Housekeeping().start()
