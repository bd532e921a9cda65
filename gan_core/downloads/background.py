"""Downloads that run in a background thread while every session keeps working: the Explorer's one-click BigGAN.

One object per server (the app keeps it in st.cache_resource): a second click, from any session, joins the
download already running instead of starting another.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from gan_core.downloads.catalog import FetchItem
from gan_core.downloads.fetch import fetch_item
from gan_core.settings import Settings


@dataclass(frozen=True)
class FetchProgress:
    state: str  # "running", "done" or "failed"
    done: int  # bytes so far
    expected: int  # bytes expected (0: not known)
    message: str = ""  # the result's sentence, once it has one

    @property
    def fraction(self) -> float:
        if self.state != "running":
            return 1.0
        return min(0.99, self.done / self.expected) if self.expected else 0.0

    @property
    def text(self) -> str:
        so_far = f"{self.done / 2**20:,.0f} MB"
        return f"{so_far} of about {self.expected / 2**20:,.0f} MB" if self.expected else so_far


class BackgroundFetches:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._progress: dict[str, FetchProgress] = {}
        self._lock = threading.Lock()

    def start(self, item: FetchItem) -> FetchProgress:
        """Start fetching `item` unless it is already under way (or done); returns where it stands."""
        with self._lock:
            current = self._progress.get(item.name)
            if current is not None and current.state in ("running", "done"):
                return current
            self._progress[item.name] = started = FetchProgress("running", 0, item.size_mb * 2**20)
        threading.Thread(target=self._run, args=(item,), name=f"fetch-{item.name}", daemon=True).start()
        return started

    def progress(self, name: str) -> FetchProgress | None:
        with self._lock:
            return self._progress.get(name)

    def _update(self, name: str, **changes: object) -> None:
        with self._lock:
            self._progress[name] = replace(self._progress[name], **changes)

    def _run(self, item: FetchItem) -> None:
        try:
            result = fetch_item(item, self.settings, progress=lambda done, expected: self._update(
                item.name, done=done, expected=expected or item.size_mb * 2**20))  # fmt: skip
            self._update(item.name, state="done" if result.ok else "failed", message=result.message)
        except BaseException as exc:  # fetch_item reports its failures; anything else still ends the bar
            self._update(item.name, state="failed", message=f"{item.title}: the download stopped ({exc})")
