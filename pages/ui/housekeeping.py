"""A server's housekeeping thread: a full garbage collection every minute, then the freed heap back to the OS.

Streamlit's own collection after every script run is off (.streamlit/config.toml, `postScriptGC`): with
TensorFlow's object graph in memory it made every run, fragment runs included, tens of milliseconds slower
(bench/watching.py). Something must still free what only a full collection frees: a session that ended is kept
two minutes for a reconnect, then dropped, and what it held (its event loop with an epoll descriptor and two
sockets, its widgets' images) sits in reference cycles (bench/soak.py found them piling up, wave after wave).
What the collection frees, glibc's allocator keeps in its heaps for reuse, so the server's resident memory only
rose with each class; malloc_trim hands the free pages back (issue 29).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import threading
from collections.abc import Callable

import streamlit as st

PERIOD_S = 60.0


@functools.cache
def _libc_malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, looked up once (find_library runs ldconfig); None where the C library has none."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def malloc_trim() -> bool:
    """Return the C heap's free pages to the OS (glibc); False where the C library has no malloc_trim."""
    trim = _libc_malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def collect_and_trim() -> None:
    """A full garbage collection, then what it freed back to the OS."""
    gc.collect()
    malloc_trim()


class Housekeeping:
    """A daemon thread that calls `collect` every `period_s` seconds until stop()."""

    def __init__(self, period_s: float = PERIOD_S, collect: Callable[[], object] = collect_and_trim) -> None:
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
