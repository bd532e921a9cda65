"""People before training: while someone waits for a picture, a training loop holds its next step.

One server process runs TensorFlow's thread pools for everyone: a visitor's generator call queues its ops behind
the train step's, so on a small Space a 40 ms grid took 0.8-2 s while a run trained (bench/load.py). Operating
system priorities cannot tell the two apart (the same pool threads run both), so the order is kept here: a
sampling call holds the gate open while it runs, and a training loop waits for it before starting a step, at
most ``max_hold_s`` (a run is never starved by a busy class; it keeps whatever CPU the visitors leave).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class InteractivePriority:
    """A gate shared by one server's samplers (``serving``) and training loops (``wait_turn``)."""

    def __init__(self, max_hold_s: float = 0.5) -> None:
        self.max_hold_s = max_hold_s
        self._serving = 0
        self._changed = threading.Condition()
        self._held_s = 0.0  # how long training loops have waited in all
        self._waiting = 0  # training loops held at the gate now

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Around a call someone is waiting for (a grid, an interpolation)."""
        with self._changed:
            self._serving += 1
        try:
            yield
        finally:
            with self._changed:
                self._serving -= 1
                if self._serving == 0:
                    self._changed.notify_all()

    def wait_turn(self) -> float:
        """Before a train step: return when no one is being served, or after max_hold_s; the seconds waited."""
        start = time.monotonic()
        with self._changed:
            if self._serving:
                self._waiting += 1
                try:
                    self._changed.wait_for(lambda: self._serving == 0, timeout=self.max_hold_s)
                finally:
                    self._waiting -= 1
            waited = time.monotonic() - start
            self._held_s += waited
        return waited

    @property
    def busy(self) -> bool:
        with self._changed:
            return self._serving > 0

    @property
    def waiting(self) -> int:
        """How many training loops are held at the gate now."""
        with self._changed:
            return self._waiting

    @property
    def held_s(self) -> float:
        with self._changed:
            return self._held_s
