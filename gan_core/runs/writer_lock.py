"""One writer per run folder: whoever trains a run holds an OS lock on it (`filelock`, flock on Linux).

A second writer (another thread, the CLI beside the app, a second server on one workspace) is refused at once,
with one sentence naming the holder: process, host, since when. The OS drops the lock of a process that dies,
even by kill -9, so its leftover note is simply overwritten by the next writer. Readers (the gallery, sampling,
evaluation) never take it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from gan_core.errors import PlaygroundError

LOCK_FILE = ".writer.lock"
HOLDER_FILE = ".writer.json"  # who holds the lock: for the refusal's sentence only, never for deciding


class RunLockedError(PlaygroundError):
    """Another writer trains this run right now."""


def describe_holder(run_dir: Path) -> str:
    """'process 123 on host h since 17:40 UTC' from the holder's note, or a plain phrase when it has none."""
    try:
        note = json.loads((run_dir / HOLDER_FILE).read_text())
        since = datetime.fromisoformat(note["since"]).strftime("%Y-%m-%d %H:%M UTC")
        return f"process {int(note['pid'])} on {note['host']} since {since}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


class RunWriterLock:
    """acquire() or RunLockedError; release() when training ends. Not re-entrant: one writer, one hold."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        # thread_local=False: the thread that starts a run takes the lock, the training thread lets it go.
        self._lock = FileLock(run_dir / LOCK_FILE, timeout=0, thread_local=False)
        self._held = False
        self._guard = threading.Lock()

    def acquire(self) -> None:
        with self._guard:
            if self._held:
                raise RunLockedError(f"{self.run_dir.name} is already being trained by this run")
            self.run_dir.mkdir(parents=True, exist_ok=True)
            try:
                self._lock.acquire()
            except Timeout:
                raise RunLockedError(
                    f"{self.run_dir} is being trained by {describe_holder(self.run_dir)}; stop it there first, or "
                    "fork this run under a new name"
                ) from None
            self._held = True
            note = {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(UTC).isoformat(),
                    "thread": threading.current_thread().name}  # fmt: skip
            (self.run_dir / HOLDER_FILE).write_text(json.dumps(note))

    def release(self) -> None:
        with self._guard:
            if not self._held:
                return
            (self.run_dir / HOLDER_FILE).unlink(missing_ok=True)
            self._lock.release()
            self._held = False

    @property
    def held(self) -> bool:
        return self._held


def is_being_trained(run_dir: Path) -> bool:
    """Whether some writer holds the run's lock now (tries it without keeping it)."""
    probe = FileLock(run_dir / LOCK_FILE, timeout=0, thread_local=False)
    try:
        probe.acquire()
    except Timeout:
        return True
    except OSError:  # a folder this process cannot write (a shipped bundle): nobody trains it
        return False
    probe.release()
    return False
