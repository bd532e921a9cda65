"""Each network of a run as the TF tutorial prints it with `summary()`: layers, output shapes, parameter counts.

A run writes these tables to its folder when it builds its networks (networks.json), so the pages show them
without building a model or importing TensorFlow.
"""

from __future__ import annotations

from typing import Any


def layer_rows(model: Any) -> list[dict[str, str]]:
    """One row per layer of a Keras model (the input layer left out), then the total."""
    rows = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        shape = str(tuple(layer.output.shape)).replace("None", "N") if hasattr(layer, "output") else "?"
        rows.append({"Layer": layer.name, "Type": type(layer).__name__, "Output shape": shape,
                     "Parameters": f"{layer.count_params():,}"})  # fmt: skip
    rows.append({"Layer": "**total**", "Type": "", "Output shape": "", "Parameters": f"**{model.count_params():,}**"})
    return rows


def network_tables(generator: Any, discriminator: Any) -> dict[str, list[dict[str, str]]]:
    return {"Generator": layer_rows(generator), "Discriminator": layer_rows(discriminator)}
