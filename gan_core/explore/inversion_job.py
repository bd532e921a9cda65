"""An inversion in a background thread, so a page can show it live and stop it: its latest report, a stop flag,
and one search at a time per server (`InversionSlots`: a shared CPU box runs them one after another)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from gan_core.explore.inversion import Inversion, InversionResult


class InversionSlots:
    """How many searches run at once on this server; the rest wait their turn."""

    def __init__(self, at_once: int = 1) -> None:
        self._slots = threading.BoundedSemaphore(at_once)

    def __enter__(self) -> InversionSlots:
        self._slots.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


@dataclass(frozen=True)
class JobView:
    state: str  # "waiting" (for a slot), "running", "done", "stopped" or "failed"
    result: InversionResult | None  # the best so far (None before the first report)
    message: str = ""  # a failure's sentence


class InversionJob:
    def __init__(self, inversion: Inversion, slots: InversionSlots) -> None:
        self.inversion = inversion
        self._slots = slots
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._view = JobView("waiting", None)
        self._thread = threading.Thread(target=self._run, name="inversion", daemon=True)
        self._thread.start()

    def _set(self, **changes: object) -> None:
        with self._lock:
            self._view = JobView(**{**self._view.__dict__, **changes})

    def _run(self) -> None:
        try:
            with self._slots:
                if self._stop.is_set():
                    self._set(state="stopped")
                    return
                self._set(state="running")
                result = self.inversion.run(self._stop.is_set, lambda r: self._set(result=r))
            self._set(state="stopped" if result.stopped else "done", result=result)
        except Exception as exc:  # a generator that cannot be searched says so; the page stays up
            self._set(state="failed", message=f"The search stopped: {exc}")

    def stop(self) -> None:
        """End it at its next step; the best so far is kept."""
        self._stop.set()

    def view(self) -> JobView:
        with self._lock:
            return self._view

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()
