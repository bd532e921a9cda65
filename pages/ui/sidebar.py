"""The sidebar every page shares: what the playground is running on right now."""

from __future__ import annotations

import sys

import streamlit as st

from gan_core import __version__
from gan_core.models.precision import PrecisionError, choose_precision, training_precision
from pages.ui.presenter import presenter_toggle
from pages.ui.resources import dataset_statuses, settings


def render_sidebar() -> None:
    with st.sidebar:
        st.markdown("### :material/palette: GAN Playground")
        st.caption("Explore a pretrained BigGAN, train your own DCGAN, and measure both.")
        bundled = sum(1 for s in dataset_statuses() if s.bundled_count)
        mode = "offline (downloads off)" if settings().offline else "downloads allowed"
        if settings().hosted:
            mode += " · hosted mode (shared-server limits)"
        presenter_toggle()
        try:
            chosen = choose_precision()
            precision = chosen.describe()
            toy = training_precision(chosen, toy=True)
            if toy.name != chosen.name:  # Inside a GAN's runs: said here too, so no page says otherwise
                precision += f" · toy runs: {toy.name}"
        except PrecisionError as exc:
            precision = f":red[{exc}]"
        st.caption(f"Data: {bundled} bundled datasets · {mode}")
        # A run or a picture loads TensorFlow in another thread: until then this line looks again every 2 s.
        st.fragment(_tensorflow_state, run_every=None if _tensorflow_loaded() else 2.0)()
        st.caption(f"Precision: {precision}  \ngan_core {__version__}")


def _tensorflow_loaded() -> bool:
    return "tensorflow" in sys.modules


def _tensorflow_state() -> None:
    st.caption("TensorFlow: loaded" if _tensorflow_loaded() else "TensorFlow: not loaded yet (it loads on first use)")
