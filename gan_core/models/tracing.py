"""Tracing a tf.function without leaking its graph.

In graph mode every ``tf.custom_gradient`` call registers its gradient function under a fresh name in
TensorFlow's process-wide gradient registry and never removes it (tensorflow/tensorflow#62854). That function
closes over tensors of the graph being traced, so each traced train step or sampler keeps its whole graph
alive after its model is gone: about 55 MiB per finished run here, enough to grow a classroom server by half
in an hour. Keras's optimizer traces such calls: its ``apply_gradients`` sums gradients across replicas with
``ReplicaContext.all_reduce`` (a custom gradient). Inference traces (samplers, D's view) have none.

The registered functions are only read while the same trace differentiates through those ops; once the
concrete function is built the runtime never calls them. ``released_custom_gradients`` traces inside a lock
and afterwards drops what was registered meanwhile. Tracing outside it still works; it only leaks as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

CUSTOM_GRADIENT_PREFIX = "CustomGradient-"  # the names tf.custom_gradient registers under


class CustomGradientRegistry:
    """TensorFlow's gradient registry as far as custom gradients go: count them, drop the ones a trace added."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # one releasing trace at a time: none drops another's live entries

    @staticmethod
    def _entries() -> dict:
        from tensorflow.python.framework import ops

        return ops.gradient_registry._registry  # private: TensorFlow has no public way to unregister one

    def count(self) -> int:
        return sum(name.startswith(CUSTOM_GRADIENT_PREFIX) for name in list(self._entries()))

    @contextmanager
    def released(self) -> Iterator[None]:
        with self._lock:
            entries = self._entries()
            before = set(entries)
            try:
                yield
            finally:
                for name in set(entries) - before:
                    if name.startswith(CUSTOM_GRADIENT_PREFIX):
                        entries.pop(name, None)


_GUARD = CustomGradientRegistry()  # TensorFlow's registry is process-wide, so is its guard


def custom_gradient_count() -> int:
    return _GUARD.count()


def released_custom_gradients():
    """``with released_custom_gradients(): <the call that traces>`` -- afterwards its graph can be freed."""
    return _GUARD.released()


def call_releasing_first_trace(function, *args):
    """Call a tf.function; its first call (the one that traces) runs inside `released_custom_gradients`."""
    if function.experimental_get_tracing_count():
        return function(*args)
    with released_custom_gradients():
        return function(*args)
