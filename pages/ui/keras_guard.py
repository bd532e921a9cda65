"""Stop Streamlit from resetting Keras after every script run while our runs train in background threads.

After each script run, fragment runs included, Streamlit calls `keras.backend.clear_session()`
(`script_runner._clean_problem_modules`), meant for apps that build a model on every rerun. That replaces
Keras's global state for every thread at once: a training thread that is building its models at that moment
gets layer names counted from zero again ("The name "batch_normalization" is used 3 times in the model") and
loses its name-scope stack, and every call also empties TensorFlow's eager kernel cache and runs a full garbage
collection. This app builds models only once per run or per cached sampler, so the reset buys nothing here.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from streamlit.runtime.scriptrunner import script_runner


def _close_matplotlib_figures_only() -> None:
    """What Streamlit's cleanup does, less the Keras reset: close pyplot's figures."""
    plt: Any = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        with contextlib.suppress(Exception):  # as Streamlit's own cleanup: never break the app over a figure
            plt.close("all")


def keep_keras_state_across_reruns() -> None:
    """Replace Streamlit's after-run cleanup with one that leaves Keras alone (idempotent)."""
    if not hasattr(script_runner, "_clean_problem_modules"):
        raise RuntimeError("streamlit's script runner changed: re-check pages/ui/keras_guard.py for this version")
    script_runner._clean_problem_modules = _close_matplotlib_figures_only
