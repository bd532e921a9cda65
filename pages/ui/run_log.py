"""Each script run's cost on the server's own clock, logged when GAN_PLAYGROUND_RUN_LOG names a file: the load
bench reads it, so its figures are the server's and not its clients'. Off (and free) otherwise. A fragment's
own reruns (a re-roll in the Explorer) do not pass through app.py: timed_fragment logs them too."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from streamlit.runtime.scriptrunner import get_script_run_ctx

from pages.ui.resources import settings


@contextmanager
def timed_script_run(page: str, fragment: str = "") -> Iterator[None]:
    """Append {"page", "session", "start", "wall_s", "cpu_s", "fragment"} for this run (however it ends: st.stop
    and st.rerun too). cpu_s is the script thread's own: TensorFlow's kernels run in its thread pool, not counted."""
    log = settings().run_log
    if log is None:
        yield
        return
    start, wall, cpu = time.time(), time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        ctx = get_script_run_ctx()
        row = {"page": page, "session": ctx.session_id[:12] if ctx else "", "start": round(start, 3),
               "wall_s": round(time.perf_counter() - wall, 4), "cpu_s": round(time.thread_time() - cpu, 4),
               "fragment": fragment}
        line = json.dumps(row) + "\n"
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)  # one write per line: lines never mix
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def timed_fragment(page: str, body: Callable[[], None]) -> Callable[[], None]:
    """`body` as a fragment whose own reruns are logged like script runs (inside a full run it is not logged
    again: that run's line covers it)."""

    def timed() -> None:
        ctx = get_script_run_ctx()
        if ctx is None or not ctx.fragment_ids_this_run:  # a full run: app.py's timed_script_run covers it
            body()
            return
        with timed_script_run(page, fragment=body.__name__):
            body()

    timed.__qualname__ = timed.__name__ = body.__name__  # the fragment's id comes from its name and place
    return timed
