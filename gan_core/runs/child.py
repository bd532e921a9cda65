"""The server's side of training in child processes: start them (one kept warm), talk to them, notice their end.

A run trained this way is still a `TrainingRun` to the pages: its controls, snapshot and end are the same. The
process (`gan_core.runs.worker`) holds the run folder's writer lock and writes the folder; the server only
shows what the process relays and forwards the page's commands. A process that dies (a native fault, an
out-of-memory kill) ends its run as interrupted, resumable from its last checkpoint; the server goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from gan_core.settings import TRAINING_NICENESS

log = logging.getLogger(__name__)

NICENESS = TRAINING_NICENESS  # how much lower than the server a training process runs: visitors first, by the OS
READY_TIMEOUT_S = 120.0  # a process that has not imported TensorFlow by then is not coming
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding gan_core, for the child's import path


class TrainingProcess:
    """One worker process and the server's end of its socket."""

    def __init__(self, niceness: int = NICENESS, compile_ahead: bool = True) -> None:
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_ROOT),
                                                                        os.environ.get("PYTHONPATH")]))}  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gan_core.runs.worker", str(theirs.fileno()), str(niceness),
             "compile" if compile_ahead else "cold"],
            pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        theirs.close()
        self.conn = Connection(ours.detach())
        self.pid = self.process.pid
        self._ready = False
        self._send_lock = threading.Lock()

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Block until the process has imported TensorFlow and waits for a job."""
        if self._ready:
            return
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"the training process did not start within {timeout:.0f} s")
        kind, *_ = self.conn.recv()
        if kind != "ready":
            raise RuntimeError(f"the training process said {kind!r} before it was ready")
        self._ready = True

    def send(self, message: Any) -> None:
        with self._send_lock:
            self.conn.send(message)

    def ended_how(self, timeout: float = 10.0) -> str:
        """Once its socket has closed: how the process ended, in words ('exit status 0', 'signal SIGSEGV')."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.wait()
        if code < 0:
            return f"signal {signal.Signals(-code).name}"
        return f"exit status {code}"

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        with contextlib.suppress(OSError):
            self.conn.close()


class TrainingProcesses:
    """Starts the server's training processes, with one kept warm (TensorFlow imported) for the next Start."""

    def __init__(self, niceness: int = NICENESS, keep_warm: bool = True, compile_ahead: bool = True) -> None:
        """`compile_ahead` False: warm processes import TensorFlow but do not compile the likely train steps before
        a job (tests that do not time a run's first step: their processes start sooner)."""
        self.niceness = niceness
        self.keep_warm = keep_warm
        self.compile_ahead = compile_ahead
        self._lock = threading.Lock()
        self._warm: TrainingProcess | None = None

    def warm_up(self) -> None:
        """Start the warm process now (the server calls this at its start), if it has none."""
        with self._lock:
            if self._warm is None or self._warm.process.poll() is not None:
                self._warm = TrainingProcess(self.niceness, self.compile_ahead)

    def wait_warm(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Block until the warm process has imported TensorFlow (a bench's or a test's fair start)."""
        with self._lock:
            warm = self._warm
        if warm is not None:
            warm.wait_ready(timeout)

    def take(self) -> TrainingProcess:
        """A process for a run: the warm one, and another is warmed behind it. Without a live warm one, a new process
        goes straight to the run: compiling the likely steps first would only delay its first step (12 against 22 s
        from the click on a Zen 3, bench/RESULTS.md)."""
        with self._lock:
            alive = self._warm is not None and self._warm.process.poll() is None
            process = self._warm if alive else TrainingProcess(self.niceness, compile_ahead=False)
            self._warm = TrainingProcess(self.niceness, self.compile_ahead) if self.keep_warm else None
            return process

    def close(self) -> None:
        """End the warm process; a process training a run ends with its run (or with this server)."""
        with self._lock:
            if self._warm is not None:
                self._warm.kill()
                self._warm = None


class ChildTraining:
    """The thread that supervises one run's training process: relays its view into the run, forwards commands,
    and tells the run how the process ended."""

    def __init__(self, run: Any, processes: TrainingProcesses, job: dict[str, Any]) -> None:
        """`run`: the TrainingRun this process trains (apply_relay and child_ended are called on it)."""
        self.run = run
        self._processes = processes
        self._job = job
        self._lock = threading.Lock()
        self._process: TrainingProcess | None = None
        self._pending: list[tuple[int, tuple]] = []  # commands given before the process took the job
        self._sent = 0  # the number of the latest command
        self._acked = 0  # the latest the process has applied
        self.thread = threading.Thread(target=self._supervise, name=f"supervise-{run.name}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def command(self, *command: Any) -> None:
        """A page's click for the process (pause, resume, stop, ...), sent as soon as it has the job."""
        with self._lock:
            self._sent += 1
            if self._process is None:
                self._pending.append((self._sent, command))
                return
            process = self._process
            seq = self._sent
        with contextlib.suppress(OSError):  # a process that has just died: its end says so
            process.send((seq, command))

    def _supervise(self) -> None:
        process = None
        try:
            process = self._processes.take()
            process.wait_ready()
            process.send(self._job)
            with self._lock:
                self._process = process
                pending, self._pending = self._pending, []
            for seq, command in pending:
                process.send((seq, command))
            while True:
                kind, seq, payload = process.conn.recv()
                if kind == "view":
                    if isinstance(seq, int):
                        self._acked = max(self._acked, seq)
                    self.run.apply_relay(payload, current=seq == "final" or self._acked >= self._sent)
                elif kind == "refused":
                    self.run.child_ended(refused=payload)
                    return
                elif kind == "refused_command":
                    log.info("run %s: the training process refused a command: %s", self.run.name, payload)
                elif kind == "end":
                    self.run.child_ended()
                    return
        except (EOFError, OSError, RuntimeError) as exc:
            how = process.ended_how() if process is not None and isinstance(exc, EOFError | OSError) else str(exc)
            self.run.child_ended(died=how)
        finally:
            if process is not None:
                with contextlib.suppress(OSError):
                    process.conn.close()
                process.ended_how(timeout=30)  # reaped now (no zombie), killed if it lingers
