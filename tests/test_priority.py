"""Visitors first: the gate that holds training steps while a picture is drawn, and who uses it."""

from __future__ import annotations

import base64
import io
import threading
import time
from pathlib import Path

import numpy as np
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config
from PIL import Image

from gan_core.explore.render_cache import RenderCache
from gan_core.pictures.render import png_data_uri
from gan_core.runs.priority import InteractivePriority
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState


def test_an_idle_gate_lets_training_through_at_once() -> None:
    gate = InteractivePriority(max_hold_s=5)
    assert not gate.busy
    assert gate.wait_turn() < 0.05


def wait_until(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_training_waits_until_the_last_visitor_is_served() -> None:
    gate = InteractivePriority(max_hold_s=10)
    waited: list[float] = []
    with gate.serving(), gate.serving():  # two visitors at once
        assert gate.busy
        waiter = threading.Thread(target=lambda: waited.append(gate.wait_turn()))
        waiter.start()
        wait_until(lambda: gate.waiting == 1)
        time.sleep(0.3)
        assert waiter.is_alive() and gate.waiting == 1  # held while anyone is served
    waiter.join(30)
    assert not gate.busy and gate.waiting == 0 and waited[0] >= 0.3
    assert gate.held_s >= waited[0]


def test_a_busy_class_never_starves_a_run() -> None:
    gate = InteractivePriority(max_hold_s=0.2)
    with gate.serving():  # the visitor never leaves in this test: returning at all is the point
        assert gate.wait_turn() >= 0.2  # goes on after max_hold_s


def test_a_run_holds_its_steps_while_a_visitor_is_served(tmp_path: Path) -> None:
    gate = InteractivePriority(max_hold_s=60)
    run = TrainingRun(run_dir(tmp_path), tiny_run_config(epochs=1000), data_loader=synthetic_loader, priority=gate)
    run.start()
    deadline = time.monotonic() + 60
    while run.snapshot().step < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    with gate.serving():
        wait_until(lambda: gate.waiting == 1)  # the step in flight has finished; the next one waits
        held_at = run.snapshot().step
        time.sleep(1.0)
        assert run.snapshot().step == held_at and run.state is RunState.RUNNING
    deadline = time.monotonic() + 30
    while run.snapshot().step <= held_at + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.snapshot().step > held_at + 1  # trains on once the visitor has the picture
    run.stop()


def test_the_render_cache_draws_inside_the_gate() -> None:
    gate = InteractivePriority()
    cache = RenderCache(serving=gate.serving)
    seen: list[bool] = []
    cache.get_or_compute("grid", lambda: seen.append(gate.busy) or np.zeros((2, 4, 4, 3), np.uint8))
    assert seen == [True] and not gate.busy
    cache.get_or_compute("grid", lambda: seen.append(gate.busy) or np.zeros(1))  # a hit draws nothing
    assert seen == [True]


def test_tiles_travel_as_lossless_png_data_uris() -> None:
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    uri = png_data_uri(image)
    assert uri.startswith("data:image/png;base64,")
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
    assert np.array_equal(decoded, image)
