"""Showing uint8 image grids crisply at a readable size."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core.pictures.render import image_grid, upscale


def show_grid(images: np.ndarray, ncols: int, caption: str = "", target_px: int = 720) -> np.ndarray:
    """Tile, enlarge with nearest neighbour to about `target_px` wide, display; returns the shown array."""
    grid = image_grid(images, ncols=ncols)
    factor = max(1, target_px // grid.shape[1])
    shown = upscale(grid, factor)
    st.image(shown[..., 0] if shown.shape[-1] == 1 else shown, caption=caption or None)
    return shown
