"""The server-wide render cache: identical Explorer requests from many sessions cost one generator call."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from gan_core.explore.render_cache import RenderCache, cached_grid, cached_interpolation
from gan_core.explore.samplers import SamplerInfo


class CountingSampler:
    """A slow two-class generator that counts its calls: the images depend on noise and class."""

    catalog = None

    def __init__(self, step: int | None = 1, delay: float = 0.2) -> None:
        self.info = SamplerInfo("counting", "Counting", ("a", "b"), 4, 2, "test", step=step)
        self.calls = 0
        self.delay = delay
        self._lock = threading.Lock()

    def sample(self, noise: np.ndarray, classes: np.ndarray | None, truncation: float) -> np.ndarray:
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)  # long enough that every thread asks while the first one is still computing
        classes = np.asarray(classes)
        shift = classes if classes.ndim == 1 else classes.argmax(axis=1)
        values = (noise.sum(axis=1) * 40 + 128 + shift * 50) % 256
        return np.broadcast_to(values[:, None, None, None], (len(noise), 2, 2, 3)).astype(np.uint8)


def ask_at_once(count: int, request) -> list[np.ndarray]:
    results: list[np.ndarray] = [None] * count  # type: ignore[list-item]
    start = threading.Barrier(count)

    def one(i: int) -> None:
        start.wait()
        results[i] = request()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_thirty_identical_requests_at_once_make_one_generator_call() -> None:
    cache, sampler = RenderCache(), CountingSampler()
    results = ask_at_once(30, lambda: cached_grid(cache, sampler, [0, 1], 9, 0.5, seed=3))
    assert sampler.calls == 1
    assert all(r is results[0] for r in results) and results[0].shape == (9, 2, 2, 3)
    with pytest.raises(ValueError, match="read-only"):
        results[0][0, 0, 0, 0] = 1  # no session can change what the next one sees
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (29, 1, 1)
    later = cached_grid(cache, sampler, [0, 1], 9, 0.5, seed=3)  # a later visitor: from memory
    assert later is results[0] and sampler.calls == 1


def test_any_difference_in_the_request_or_the_weights_is_another_call() -> None:
    cache, sampler = RenderCache(), CountingSampler(delay=0)
    first = cached_grid(cache, sampler, [0, 1], 4, 0.5, seed=3)
    for classes, n, truncation, seed in (([1, 0], 4, 0.5, 3), ([0, 1], 5, 0.5, 3), ([0, 1], 4, 0.6, 3),
                                         ([0, 1], 4, 0.5, 4)):  # fmt: skip
        assert not np.array_equal(cached_grid(cache, sampler, classes, n, truncation, seed), first)
    assert sampler.calls == 5
    newer = CountingSampler(step=2, delay=0)  # the same run, trained further: its own entries
    cached_grid(cache, newer, [0, 1], 4, 0.5, seed=3)
    assert newer.calls == 1
    frames = ask_at_once(5, lambda: cached_interpolation(cache, sampler, 0, 1, 6, 0.5, seed=1))
    assert sampler.calls == 6 and frames[0].shape == (6, 2, 2, 3)


def test_the_cache_keeps_its_bounds_dropping_the_least_recently_used() -> None:
    cache = RenderCache(max_entries=3, max_bytes=10_000)
    for key in "abc":
        cache.get_or_compute(key, lambda: np.zeros(1000, np.uint8))
    cache.get_or_compute("a", lambda: pytest.fail("'a' is cached"))  # touch a: b is now the oldest
    cache.get_or_compute("d", lambda: np.zeros(1000, np.uint8))
    assert cache.stats().entries == 3
    recomputed: list[str] = []
    cache.get_or_compute("b", lambda: recomputed.append("b") or np.zeros(1000, np.uint8))
    assert recomputed == ["b"]
    big = cache.get_or_compute("big", lambda: np.zeros(9_500, np.uint8))  # pushes the rest out by bytes
    assert big.nbytes == 9_500 and cache.stats().bytes <= 10_000 and cache.stats().entries == 1
    huge = cache.get_or_compute("huge", lambda: np.zeros(20_000, np.uint8))  # over the cap: handed out, not kept
    assert huge.nbytes == 20_000 and cache.stats().bytes == 9_500


def test_a_failed_request_is_not_remembered_and_waiters_try_again() -> None:
    cache, attempts = RenderCache(), []

    def flaky() -> np.ndarray:
        attempts.append(1)
        time.sleep(0.1)
        if len(attempts) == 1:
            raise ValueError("the first one fails")
        return np.ones(3, np.uint8)

    outcomes = []

    def request():
        try:
            return cache.get_or_compute("k", flaky)
        except ValueError as exc:
            outcomes.append(str(exc))
            return None

    results = ask_at_once(5, request)
    assert outcomes == ["the first one fails"]  # only the caller whose computation failed sees the error
    assert len(attempts) == 2 and all(r is not None and r.sum() == 3 for r in results if r is not None)
    assert sum(r is None for r in results) == 1
