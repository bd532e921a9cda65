"""Warming a server's default model up in the background: load it and draw its first grid (which traces the
graph and fills the render cache) before the first visitor asks, so that nobody pays for it, and pages can say
"warming up" instead of blocking while it runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WarmupStatus:
    state: str  # "idle", "warming", "ready" or "failed"
    key: str = ""  # the model being warmed
    seconds: float = 0.0  # so far, or in all once it ended
    message: str = ""  # why it failed

    @property
    def warming(self) -> bool:
        return self.state == "warming"


class ModelWarmup:
    """One per server: start(key, work) runs work() once in a background thread; status() says how it went."""

    def __init__(self, log: Callable[[str], None] | None = None) -> None:
        self._log = log or (lambda line: None)
        self._lock = threading.Lock()
        self._state, self._key, self._message = "idle", "", ""
        self._started = self._ended = 0.0

    def start(self, key: str, work: Callable[[], object]) -> bool:
        """Warm `key` up unless a warm-up was started before; returns whether this call started it."""
        with self._lock:
            if self._state != "idle":
                return False
            self._state, self._key, self._started = "warming", key, time.monotonic()
        threading.Thread(target=self._run, args=(work,), name=f"warmup-{key}", daemon=True).start()
        return True

    def _run(self, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception as exc:  # the page will load it the ordinary way and show its own error
            state, message = "failed", f"{type(exc).__name__}: {exc}"
        else:
            state, message = "ready", ""
        with self._lock:
            self._state, self._message, self._ended = state, message, time.monotonic()
        self._log(f"warm-up: {self._key} {state} after {self._ended - self._started:.1f} s {message}".rstrip())

    def status(self) -> WarmupStatus:
        with self._lock:
            end = self._ended if self._state in ("ready", "failed") else time.monotonic()
            seconds = end - self._started if self._state != "idle" else 0.0
            return WarmupStatus(self._state, self._key, seconds, self._message)
