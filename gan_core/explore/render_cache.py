"""A server-wide memo of rendered pictures: identical Explorer requests share one generator call.

Thirty students who open the teacher's shared link ask for the same grid (same model, classes, seed,
truncation and count) within seconds of each other. The first request computes it; the others wait for
that result instead of starting twenty-nine more generator calls, and later visitors get it from memory.
Bounded by entry count and bytes (least recently used out first); the arrays it hands out are read-only,
so no caller can change what the next one sees. A failed computation is not remembered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numpy as np

from gan_core.explore.pipeline import MAX_STEPS, interpolation, sample_grid
from gan_core.explore.samplers import MAX_SAMPLES, Sampler


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int  # = generator calls made through the cache
    entries: int
    bytes: int


class RenderCache:
    """get_or_compute(key, compute): compute() runs once per key while the entry is kept, even when many
    threads ask at the same moment."""

    def __init__(self, max_entries: int = 128, max_bytes: int = 256 * 2**20,
                 serving: Callable[[], AbstractContextManager] | None = None) -> None:  # fmt: skip
        """`serving`: entered around each computation (the server's InteractivePriority: training waits)."""
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._serving = serving or nullcontext
        self._entries: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}  # one lock per key being computed
        self._lock = threading.Lock()  # guards the two dicts and the counters
        self._bytes = self._hits = self._misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], np.ndarray]) -> np.ndarray:
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    self._hits += 1
                    return self._entries[key]
                key_lock = self._computing.get(key)
                leader = key_lock is None
                if leader:
                    key_lock = self._computing[key] = threading.Lock()
                    key_lock.acquire()
            if not leader:  # someone else is computing it: wait, then look again (it may have failed)
                with key_lock:
                    pass
                continue
            try:
                with self._serving():
                    value = np.asarray(compute())
                value.setflags(write=False)
                with self._lock:
                    self._misses += 1
                    self._store(key, value)
                return value
            finally:
                with self._lock:
                    del self._computing[key]
                key_lock.release()

    def _store(self, key: Hashable, value: np.ndarray) -> None:
        if value.nbytes > self.max_bytes:
            return  # too big to keep: the caller still gets it
        self._entries[key] = value
        self._bytes += value.nbytes
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= dropped.nbytes

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)


def sampler_key(sampler: Sampler) -> tuple:
    """What tells one generator's weights from another's: its name, where they come from, their step."""
    info = sampler.info
    return info.name, info.source, info.step


def cached_grid(cache: RenderCache, sampler: Sampler, classes: list[int], n: int, truncation: float, seed: int,
                max_samples: int = MAX_SAMPLES) -> np.ndarray:  # fmt: skip
    """sample_grid through the cache: the same request from any session is one generator call."""
    key = ("grid", sampler_key(sampler), tuple(int(c) for c in classes), int(n), float(truncation), int(seed))
    return cache.get_or_compute(key, lambda: sample_grid(sampler, classes, n, truncation, seed, max_samples))


def cached_interpolation(cache: RenderCache, sampler: Sampler, class_a: int | None, class_b: int | None, steps: int,
                         truncation: float, seed: int, mode: str = "both", same_noise: bool = False,
                         max_steps: int = MAX_STEPS) -> np.ndarray:  # fmt: skip
    """interpolation through the cache (from a seed; a picked sample's own noise is not cached)."""
    key = ("interpolation", sampler_key(sampler), class_a, class_b, int(steps), float(truncation), int(seed), mode,
           bool(same_noise))  # fmt: skip
    return cache.get_or_compute(
        key, lambda: interpolation(sampler, class_a, class_b, steps, truncation, seed, mode, same_noise, max_steps)
    )
