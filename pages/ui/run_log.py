"""Each script run's cost on the server's own clock, logged when GAN_PLAYGROUND_RUN_LOG names a file: the load
bench reads it, so its figures are the server's and not its clients'. Off (and free) otherwise."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.runtime.scriptrunner import get_script_run_ctx

from pages.ui.resources import settings


@contextmanager
def timed_script_run(page: str) -> Iterator[None]:
    """Append {"page", "session", "start", "wall_s", "cpu_s"} for this run (however it ends: st.stop and
    st.rerun too). cpu_s is the script thread's own: TensorFlow's kernels run in its thread pool, not counted."""
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
               "wall_s": round(time.perf_counter() - wall, 4), "cpu_s": round(time.thread_time() - cpu, 4)}
        line = json.dumps(row) + "\n"
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)  # one write per line: lines never mix
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
