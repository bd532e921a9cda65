"""A toy GAN's networks: small MLPs on 2-D points, one frozen dataclass written as config.json's "model"."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from gan_core.config_dict import config_from_dict

TOY_KIND = "toy"


@dataclass(frozen=True)
class ToyModelConfig:
    kind: str = TOY_KIND  # tells config.json's reader this run is a toy one
    noise_dim: int = 2  # 2: G warps a plane; 1: G draws a curve
    g_width: int = 128  # units in each of G's hidden layers
    d_width: int = 128  # units in each of D's hidden layers
    g_depth: int = 3  # G's hidden layers
    d_depth: int = 3  # D's hidden layers

    def __post_init__(self) -> None:
        if self.kind != TOY_KIND:
            raise ValueError(f"a toy model's kind is {TOY_KIND!r}")
        if self.noise_dim not in (1, 2):
            raise ValueError("a toy generator's noise is 1-d (a curve) or 2-d (a plane)")
        if not (1 <= self.g_width <= 1024 and 1 <= self.d_width <= 1024 and 1 <= self.g_depth <= 8
                and 1 <= self.d_depth <= 8):  # fmt: skip
            raise ValueError("toy layers need 1-1024 units and 1-8 hidden layers")

    @property
    def conditional(self) -> bool:
        return False

    @property
    def num_classes(self) -> int:
        return 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToyModelConfig:
        return config_from_dict(cls, data, "toy model")
